"""Second-order gradients through nn layers (WGAN-GP's gradient penalty) against torch."""

import numpy as np
import pytest
import torch
import torch.nn as tnn

import glassbox as gb
from glassbox import nn
from parity import assert_close


def _critics():
    return {
        "mlp": lambda m: m.Sequential(m.Linear(12, 16), m.LeakyReLU(0.2), m.Linear(16, 8),
                                      m.Tanh(), m.Linear(8, 1)),
        "batch norm": lambda m: m.Sequential(m.Linear(12, 6), m.BatchNorm1d(6), m.Sigmoid(),
                                             m.Linear(6, 1)),
        "conv": lambda m: m.Sequential(m.Unflatten(1, (1, 3, 4)), m.Conv2d(1, 3, 2),
                                       m.LeakyReLU(0.2), m.Flatten(), m.Linear(3 * 2 * 3, 1)),
    }


@pytest.mark.parametrize("name", list(_critics()))
def test_gradient_penalty_matches_torch(name):
    build = _critics()[name]
    mine, theirs = build(nn).double(), build(tnn).double()
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                            for k, v in mine.state_dict().items()})
    rng = np.random.default_rng(0)
    real, fake, alpha = rng.normal(size=(5, 12)), rng.normal(size=(5, 12)), rng.random((5, 1))
    penalties, grads = [], []
    for lib, model, autograd in ((gb, mine, gb.autograd), (torch, theirs, torch.autograd)):
        mixed = lib.tensor(alpha * real + (1 - alpha) * fake, requires_grad=True)
        score = model(mixed)
        (grad_mixed,) = autograd.grad(score.sum(), mixed, create_graph=True)
        penalty = ((grad_mixed.norm(2, dim=1) - 1) ** 2).mean()
        (penalty + score.mean()).backward()
        penalties.append(penalty)
        grads.append({n: p.grad for n, p in model.named_parameters()})
    assert_close(penalties[0], penalties[1], 1e-9, 1e-12, "penalty")
    assert list(grads[0]) == list(grads[1])
    for parameter in grads[0]:
        assert_close(grads[0][parameter], grads[1][parameter], 1e-8, 1e-10, parameter)


def test_second_order_through_the_fused_losses():
    rng = np.random.default_rng(1)
    x_np, w_np = rng.normal(size=(4, 3)), rng.normal(size=(3, 5))
    target = rng.integers(0, 5, size=4)
    results = []
    for lib, functional, autograd in ((gb, nn.functional, gb.autograd),
                                      (torch, tnn.functional, torch.autograd)):
        x = lib.tensor(x_np, requires_grad=True)
        w = lib.tensor(w_np, requires_grad=True)
        logits = x @ w
        loss = functional.cross_entropy(logits, lib.tensor(target), label_smoothing=0.1) \
            + functional.binary_cross_entropy_with_logits(
                logits, lib.tensor(np.ones((4, 5)) * 0.3), pos_weight=lib.tensor(np.full(5, 2.0))) \
            + functional.nll_loss(functional.log_softmax(logits, 1), lib.tensor(target)) \
            + functional.binary_cross_entropy(logits.sigmoid(), lib.tensor(np.ones((4, 5)) * 0.7))
        (grad_x,) = autograd.grad(loss, x, create_graph=True)
        (grad_x * grad_x).sum().backward()
        results.append((grad_x, w.grad, x.grad))
    for label, mine, theirs in zip(["grad_x", "w", "x"], *results):
        assert_close(mine, theirs, 1e-8, 1e-10, label)
