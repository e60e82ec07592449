"""One parity helper for the optimizers: the same 2-parameter problem in both engines.

Each step's gradient is ``2 (theta - target) + noise_t``: it depends on the engine's own
current parameters (so an error in one step changes every later gradient) plus a fixed
noise sequence shared by both engines.
"""

from __future__ import annotations

import numpy as np
import torch

import glassbox as gb
import glassbox.optim as gb_optim

SHAPES = [(3, 4), (5,)]
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
            p.grad = gb.tensor(2 * (p.data - goal) + eps)
        optimizer.step()
        if sched is not None:
            sched.step()
        lrs.append([g["lr"] for g in optimizer.param_groups])
    return [p.data.copy() for p in params], lrs, optimizer


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
