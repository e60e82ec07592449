"""Optimizer API behaviour beyond the update rule: errors, dtypes, zero_grad, groups."""

import numpy as np
import pytest
import torch

import glassbox as gb
import glassbox.optim as optim


def _param(values, dtype=np.float32):
    return gb.nn.Parameter(gb.tensor(np.asarray(values, dtype=dtype)))


@pytest.mark.parametrize(("name", "kwargs"), [
    ("SGD", {"lr": -0.1}),
    ("SGD", {"momentum": -0.5}),
    ("SGD", {"weight_decay": -1.0}),
    ("SGD", {"nesterov": True}),
    ("Adam", {"lr": -0.1}),
    ("Adam", {"eps": -1.0}),
    ("Adam", {"betas": (1.0, 0.999)}),
    ("Adam", {"betas": (0.9, -0.1)}),
    ("Adam", {"weight_decay": -0.1}),
    ("AdamW", {"lr": -1e-3}),
    ("RMSprop", {"alpha": -0.9}),
    ("RMSprop", {"momentum": -0.9}),
    ("RMSprop", {"eps": -1.0}),
])
def test_invalid_hyper_parameters_raise_like_torch(name, kwargs):
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.nn.Parameter(torch.zeros(1))], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(optim, name)([_param([0.0])], **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_invalid_learning_rate_message():
    with pytest.raises(ValueError, match=r"Invalid learning rate: -0.1"):
        optim.SGD([_param([0.0])], lr=-0.1)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop"])
def test_float32_parameters_and_state_stay_float32(name):
    w = _param([[1.0, 2.0], [3.0, 4.0]])
    kwargs = {"momentum": 0.9} if name in ("SGD", "RMSprop") else {}
    optimizer = getattr(optim, name)([w], lr=0.1, weight_decay=0.01, **kwargs)
    for _ in range(3):
        w.grad = gb.tensor(np.ones((2, 2), dtype=np.float32))
        optimizer.step()
    assert w.numpy().dtype == np.float32
    for value in optimizer.state[w].values():
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32


def test_parameters_without_gradient_are_skipped():
    a, b = _param([1.0]), _param([1.0])
    optimizer = optim.Adam([a, b], lr=0.1)
    a.grad = gb.tensor(np.array([1.0], dtype=np.float32))
    optimizer.step()
    assert b.numpy()[0] == 1.0 and a.numpy()[0] != 1.0
    assert len(optimizer.state_dict()["state"]) == 1


def test_zero_grad_sets_to_none_or_zero():
    w = _param([1.0, 2.0])
    optimizer = optim.SGD([w], lr=0.1)
    w.grad = gb.tensor(np.array([3.0, 4.0], dtype=np.float32))
    optimizer.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(w.grad.numpy(), [0.0, 0.0])
    optimizer.zero_grad()
    assert w.grad is None


def test_bad_parameter_lists_raise_like_torch():
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors"):
        optim.SGD(_param([1.0]), lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.SGD([np.zeros(2)], lr=0.1)
    w = _param([1.0])
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)


def test_add_param_group_takes_defaults_and_named_parameters():
    w = _param([1.0])
    optimizer = optim.SGD([w], lr=0.1, momentum=0.9)
    v = _param([2.0])
    optimizer.add_param_group({"params": [("head.weight", v)], "lr": 0.01})
    group = optimizer.param_groups[1]
    assert group["lr"] == 0.01 and group["momentum"] == 0.9
    assert group["param_names"] == ["head.weight"]


def test_load_state_dict_rejects_a_different_layout():
    source = optim.SGD([_param([1.0]), _param([2.0])], lr=0.1)
    target = optim.SGD([_param([1.0])], lr=0.1)
    with pytest.raises(ValueError, match="doesn't match the size"):
        target.load_state_dict(source.state_dict())


def test_repr_lists_groups_like_torch():
    text = repr(optim.SGD([_param([1.0])], lr=0.1))
    assert text.startswith("SGD (\nParameter Group 0\n") and "    lr: 0.1" in text


def test_scheduler_state_dict_round_trip():
    w = _param([1.0])
    optimizer = optim.SGD([w], lr=1.0)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10)
    for _ in range(4):
        scheduler.step()
    state = scheduler.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 4
    later = []
    for _ in range(3):
        scheduler.step()
        later.append(scheduler.get_last_lr()[0])

    optimizer2 = optim.SGD([_param([1.0])], lr=1.0)
    scheduler2 = optim.lr_scheduler.CosineAnnealingLR(optimizer2, T_max=10)
    scheduler2.load_state_dict(state)
    optimizer2.param_groups[0]["lr"] = state["_last_lr"][0]
    resumed = []
    for _ in range(3):
        scheduler2.step()
        resumed.append(scheduler2.get_last_lr()[0])
    assert resumed == later


def test_scheduler_needs_an_optimizer():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        optim.lr_scheduler.StepLR(object(), step_size=2)


@pytest.mark.parametrize(("name", "kwargs"), [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 6, "eta_min": 0.01}),
])
def test_closed_form_step_epoch_matches_torch(name, kwargs):
    ours = getattr(optim.lr_scheduler, name)(optim.SGD([_param([1.0])], lr=0.5), **kwargs)
    theirs = getattr(torch.optim.lr_scheduler, name)(
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.5), **kwargs)
    for epoch in [3, 7, 12]:
        with pytest.warns(UserWarning):
            ours.step(epoch)
        with pytest.warns(UserWarning):
            theirs.step(epoch)
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-14)
