"""Every optimizer and option against torch.optim: 20 steps, float64, rtol 1e-10.

One parity helper runs the same 2-parameter problem in both engines. Each step's gradient
is ``2 (theta - target) + noise_t``: it depends on the engine's own current parameters (so
an error in one step changes every later gradient) plus a fixed noise sequence shared by
both engines.
"""

import numpy as np
import pytest
import torch

import glassbox as gb
import glassbox.optim as gb_optim

SHAPES = [(3, 4), (5,), ()]  # () : a 0-d parameter (a learned scalar, e.g. a temperature)
STEPS = 20


def problem(seed: int = 0, steps: int = STEPS, dtype=np.float64):
    """Initial values, targets and per-step noise for every parameter."""
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]
    target = [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]
    noise = [[rng.standard_normal(shape).astype(dtype) for shape in SHAPES]
             for _ in range(steps)]
    return init, target, noise


def groups_of(params, group_options):
    """Parameter groups: one group per parameter with its options, or a plain list."""
    if group_options is None:
        return params
    return [{"params": [p], **options} for p, options in zip(params, group_options)]


def run_glassbox(name, kwargs, *, steps=STEPS, scheduler=None, group_options=None,
                 seed=0, dtype=np.float64, first_steps=None, state=None):
    """Run ``steps`` steps of glassbox.optim.<name>; returns (params, lrs, optimizer)."""
    init, target, noise = problem(seed, steps, dtype)
    params = [gb.nn.Parameter(gb.tensor(x.copy())) for x in init]
    optimizer = getattr(gb_optim, name)(groups_of(params, group_options), **kwargs)
    sched = None
    if scheduler is not None:
        sched = getattr(gb_optim.lr_scheduler, scheduler[0])(optimizer, **scheduler[1])
    if state is not None:
        optimizer.load_state_dict(state)
    lrs = []
    for t in range(steps):
        for p, goal, eps in zip(params, target, noise[t]):
            p.grad = gb.tensor(2 * (p.numpy() - goal) + eps)
        optimizer.step()
        if sched is not None:
            sched.step()
        lrs.append([g["lr"] for g in optimizer.param_groups])
    return [p.numpy().copy() for p in params], lrs, optimizer


def run_torch(name, kwargs, *, steps=STEPS, scheduler=None, group_options=None, seed=0,
              dtype=np.float64, state=None):
    """The same run with torch.optim.<name>."""
    init, target, noise = problem(seed, steps, dtype)
    params = [torch.nn.Parameter(torch.from_numpy(x.copy())) for x in init]
    optimizer = getattr(torch.optim, name)(groups_of(params, group_options), **kwargs)
    sched = None
    if scheduler is not None:
        sched = getattr(torch.optim.lr_scheduler, scheduler[0])(optimizer, **scheduler[1])
    if state is not None:
        optimizer.load_state_dict(state)
    lrs = []
    for t in range(steps):
        for p, goal, eps in zip(params, target, noise[t]):
            p.grad = 2 * (p.detach() - torch.from_numpy(goal)) + torch.from_numpy(eps)
        optimizer.step()
        if sched is not None:
            sched.step()
        lrs.append([g["lr"] for g in optimizer.param_groups])
    return [p.detach().numpy().copy() for p in params], lrs, optimizer


def assert_same_trajectory(name, kwargs, rtol=1e-10, **options):
    """20 steps of both engines leave the same parameters and learning rates."""
    ours, our_lrs, _ = run_glassbox(name, kwargs, **options)
    theirs, their_lrs, _ = run_torch(name, kwargs, **options)
    for got, expected in zip(ours, theirs):
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(np.array(our_lrs), np.array(their_lrs), rtol=1e-13, atol=0)

CASES = [
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.1, "nesterov": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.1, "betas": (0.8, 0.9)}),
    ("Adam", {"lr": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.1, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.1, "eps": 1e-3, "maximize": True}),
    ("Adam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.1, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.1, "weight_decay": 0.1, "amsgrad": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "eps": 1e-4, "maximize": True}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.3}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "eps": 1e-4, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4}),
    ("Adadelta", {"weight_decay": 0.1, "maximize": True}),
]


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_twenty_steps_match_torch(name, kwargs):
    assert_same_trajectory(name, kwargs)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop"])
def test_parameter_groups_with_their_own_options_match_torch(name):
    # Transfer learning's case: a slow group (the pre-trained base) and a fast one.
    groups = [{"lr": 0.001, "weight_decay": 0.2}, {"lr": 0.05}]
    kwargs = {"lr": 0.01, "momentum": 0.9} if name in ("SGD", "RMSprop") else {"lr": 0.01}
    assert_same_trajectory(name, kwargs, group_options=groups)


SCHEDULERS = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("ExponentialLR", {"gamma": 0.9}),
    # T_max=5 over 20 epochs crosses the bottom of the cosine (the 0/0 branch) twice.
    ("CosineAnnealingLR", {"T_max": 5, "eta_min": 0.001}),
    ("CosineAnnealingLR", {"T_max": 7}),
]


@pytest.mark.parametrize(("scheduler", "kwargs"), SCHEDULERS,
                         ids=[f"{s}-{k}" for s, k in SCHEDULERS])
@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_schedulers_match_torch(optimizer, scheduler, kwargs):
    options = {"lr": 0.1, "momentum": 0.9} if optimizer == "SGD" else {"lr": 0.1}
    assert_same_trajectory(optimizer, options, scheduler=(scheduler, kwargs),
                           group_options=[{"lr": 0.1}, {"lr": 0.02}])


@pytest.mark.parametrize(("name", "kwargs"), [
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"lr": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
])
def test_state_dict_round_trip_continues_identically(name, kwargs):
    full, _, _ = run_glassbox(name, kwargs, steps=STEPS)
    # 10 steps, save the state, then a fresh optimizer loads it and runs the next 10: the
    # second half's gradients are the full run's (same seed, noise from step 10 on).
    first, _, optimizer = run_glassbox(name, kwargs, steps=STEPS // 2)
    state = optimizer.state_dict()
    assert sorted(state["state"]) == list(range(len(SHAPES)))
    assert state["param_groups"][0]["params"] == list(range(len(SHAPES)))
    resumed = _continue_from(name, kwargs, first, state)
    for got, expected in zip(resumed, full):
        np.testing.assert_array_equal(got, expected)


def _continue_from(name, kwargs, params_now, state):
    """Run steps 10..19 of the problem from ``params_now`` with a loaded optimizer."""
    _, target, noise = problem(0, STEPS)
    params = [gb.nn.Parameter(gb.tensor(x.copy())) for x in params_now]
    optimizer = getattr(gb_optim, name)(params, **kwargs)
    optimizer.load_state_dict(state)
    for t in range(STEPS // 2, STEPS):
        for p, goal, eps in zip(params, target, noise[t]):
            p.grad = gb.tensor(2 * (p.numpy() - goal) + eps)
        optimizer.step()
    return [p.numpy() for p in params]


@pytest.mark.parametrize(("name", "kwargs"), [
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("Adam", {"lr": 0.1, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
])
def test_state_dict_moves_between_engines(name, kwargs):
    # torch's state after 10 steps, loaded into glassbox: both continue to the same weights.
    torch_first, _, torch_optimizer = run_torch(name, kwargs, steps=STEPS // 2)
    full_torch, _, _ = run_torch(name, kwargs, steps=STEPS)
    ours = _continue_from(name, kwargs, torch_first, torch_optimizer.state_dict())
    for got, expected in zip(ours, full_torch):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    # ... and glassbox's state loads into torch with the same structure.
    _, _, our_optimizer = run_glassbox(name, kwargs, steps=STEPS // 2)
    params = [torch.nn.Parameter(torch.from_numpy(x)) for x in torch_first]
    twin = getattr(torch.optim, name)(params, **kwargs)
    state = our_optimizer.state_dict()
    # torch keeps its state in tensors: wrap our arrays (``step`` stays a number).
    state["state"] = {index: {key: torch.from_numpy(value) if isinstance(value, np.ndarray)
                              else value for key, value in values.items()}
                      for index, values in state["state"].items()}
    twin.load_state_dict(state)
    _, target, noise = problem(0, STEPS)
    for t in range(STEPS // 2, STEPS):
        for p, goal, eps in zip(params, target, noise[t]):
            p.grad = 2 * (p.detach() - torch.from_numpy(goal)) + torch.from_numpy(eps)
        twin.step()
    for got, expected in zip(params, full_torch):
        np.testing.assert_allclose(got.detach().numpy(), expected, rtol=1e-10, atol=1e-12)
