"""LambdaLR: the same learning rates as torch's, and an exact resume from its state."""

import json

import pytest
import torch

import glassbox as gb
from glassbox import nn, optim


class _Ramp:
    """A callable object (its state travels in state_dict, as in torch)."""

    def __init__(self, total: int) -> None:
        self.total = total

    def __call__(self, t: int) -> float:
        return max(0.0, 1 - t / self.total)


def _pair(lr=0.5):
    ours = optim.SGD([nn.Parameter(gb.zeros(1))], lr=lr)
    theirs = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    return ours, theirs


@pytest.mark.parametrize("lr_lambda", [lambda t: 0.9 ** t, _Ramp(7), [lambda t: 1 / (1 + t)]])
def test_lambda_lr_matches_torch(lr_lambda):
    ours, theirs = _pair()
    a = optim.lr_scheduler.LambdaLR(ours, lr_lambda)
    b = torch.optim.lr_scheduler.LambdaLR(theirs, lr_lambda)
    for _ in range(10):
        assert a.get_last_lr() == pytest.approx(b.get_last_lr(), rel=1e-15)
        assert ours.param_groups[0]["lr"] == pytest.approx(theirs.param_groups[0]["lr"], rel=1e-15)
        ours.step()
        theirs.step()
        a.step()
        b.step()


def test_lambda_lr_state_dict_resumes_like_torch():
    ours, theirs = _pair()
    a = optim.lr_scheduler.LambdaLR(ours, _Ramp(10))
    b = torch.optim.lr_scheduler.LambdaLR(theirs, _Ramp(10))
    for _ in range(4):
        ours.step()
        theirs.step()
        a.step()
        b.step()
    state_a, state_b = a.state_dict(), b.state_dict()
    assert state_a["lr_lambdas"] == state_b["lr_lambdas"] == [{"total": 10}]
    assert state_a["last_epoch"] == state_b["last_epoch"] == 4
    json.dumps(state_a)  # checkpoints store it as JSON
    # a new scheduler on a fresh optimizer (whose state holds initial_lr), then the state:
    # the next learning rates continue the schedule exactly; the callable's state too
    ours2, _ = _pair()
    ours2.load_state_dict(ours.state_dict())
    ramp = _Ramp(99)
    resumed = optim.lr_scheduler.LambdaLR(ours2, ramp)
    resumed.load_state_dict(state_a)
    assert ramp.total == 10
    for _ in range(8):
        ours2.step()
        theirs.step()
        resumed.step()
        b.step()
        assert resumed.get_last_lr() == pytest.approx(b.get_last_lr(), rel=1e-15)


def test_lambda_lr_wrong_number_of_functions():
    ours, theirs = _pair()
    with pytest.raises(ValueError, match="Expected 1 lr_lambdas, but got 2"):
        optim.lr_scheduler.LambdaLR(ours, [lambda t: 1.0, lambda t: 1.0])
    with pytest.raises(ValueError, match="Expected 1 lr_lambdas, but got 2"):
        torch.optim.lr_scheduler.LambdaLR(theirs, [lambda t: 1.0, lambda t: 1.0])
