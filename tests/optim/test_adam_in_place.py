"""Adam's update in one scratch buffer (``adam._IN_PLACE``) against the update as
written term by term in ``Adam.step`` (the teaching path): the same parameters and
state, bit for bit, and both against torch."""

import numpy as np
import pytest
import torch

import glassbox as gb
from glassbox.optim import adam

SETTINGS = [
    {},
    {"amsgrad": True},
    {"weight_decay": 0.1},
    {"maximize": True},
    {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-6},
]


def trajectory(engine, settings, dtype, optimizer="Adam", steps=5):
    """Parameters and state after ``steps`` updates of two parameters on a fixed loss."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((4, 3)).astype(dtype), rng.standard_normal(3).astype(dtype)]
    params = [engine.nn.Parameter(engine.tensor(a)) for a in arrays]
    opt = getattr(engine.optim, optimizer)(params, **settings)
    for step in range(steps):
        opt.zero_grad()
        # a loss whose gradient changes from step to step (and has both signs)
        loss = ((params[0].sum(1) * params[1].sum() - step) ** 2).sum() + (params[1] ** 3).sum()
        loss.backward()
        opt.step()
    state = [value for p in params for key, value in sorted(opt.state[p].items())
             if key != "step"]  # the moment averages (a step count is a float in glassbox)
    return [np.array(p.detach().numpy()) for p in params] + [
        np.array(v.numpy() if hasattr(v, "numpy") else v) for v in state]


@pytest.mark.parametrize("optimizer", ["Adam", "AdamW"])
@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_in_place_update_equals_the_written_one(monkeypatch, optimizer, settings, dtype):
    fast = trajectory(gb, settings, dtype, optimizer)
    monkeypatch.setattr(adam, "_IN_PLACE", False)
    teaching = trajectory(gb, settings, dtype, optimizer)
    assert len(fast) == len(teaching) >= 4
    for mine, reference in zip(fast, teaching):
        assert mine.dtype == reference.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(mine, reference)


@pytest.mark.parametrize("optimizer", ["Adam", "AdamW"])
@pytest.mark.parametrize("settings", SETTINGS)
def test_in_place_update_matches_torch(optimizer, settings):
    ours = trajectory(gb, settings, "float64", optimizer)
    theirs = trajectory(torch, settings, "float64", optimizer)
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-12)
