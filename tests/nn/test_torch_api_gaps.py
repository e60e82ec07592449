"""torch.nn layers and functions that course programs use (activations, distances,
fold/unfold, pixel shuffle, group/instance norm, Dropout2d, adaptive max pooling,
KL divergence), each against torch 2.13: values and every gradient in float64 and
float32, second-order gradients, reprs, state_dict keys and the errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import glassbox as gb
import glassbox.nn.functional as F
from glassbox import nn
from parity import assert_close, helper_test_module, helper_test_op


def assert_same_module(mine, theirs) -> None:
    """Same repr and the same state_dict keys as torch's module."""
    assert repr(mine) == repr(theirs)
    assert list(mine.state_dict()) == list(theirs.state_dict())


def assert_second_order_matches_torch(function_gb, function_torch, arrays, rtol=1e-7,
                                      atol=1e-9) -> None:
    """A WGAN-GP-shaped penalty in float64, glassbox against torch: the critic is
    ``f(x * w, *rest)``, the penalty sum(grad_x(sum(critic * u))^2), and the test compares
    the first gradient and the penalty's gradients with respect to x, w and the rest."""
    rng = np.random.default_rng(3)
    weight = rng.uniform(0.5, 1.5, size=np.shape(arrays[0]))
    results = []
    for lib, function in ((gb, function_gb), (torch, function_torch)):
        inputs = [lib.tensor(a, requires_grad=True) for a in [weight, *arrays]]
        output = function(inputs[1] * inputs[0], *inputs[2:])
        upstream = lib.tensor(np.random.default_rng(4).uniform(-1, 1, tuple(output.shape)))
        first = lib.autograd.grad((output * upstream).sum(), inputs[1:], create_graph=True)
        sum((g * g).sum() for g in first).backward()
        results.append([g.detach() for g in first] + [t.grad for t in inputs])
    for index, (mine, theirs) in enumerate(zip(*results)):
        if theirs is None or mine is None:
            assert mine is None or not mine.numpy().any(), f"gradient {index}: torch None"
            assert theirs is None or not theirs.numpy().any(), f"gradient {index}: gb None"
            continue
        assert_close(mine, theirs, rtol, atol, f"first/second-order gradient {index}")


# ---------------------------------------------------------------------------- activations
ACTIVATIONS = {
    "softplus": (lambda x: F.softplus(x), lambda x: TF.softplus(x)),
    "softplus beta 2": (lambda x: F.softplus(x, beta=2.0), lambda x: TF.softplus(x, beta=2.0)),
    "softplus beta 0.5 threshold 3": (lambda x: F.softplus(x, 0.5, 3.0),
                                      lambda x: TF.softplus(x, 0.5, 3.0)),
    "silu": (F.silu, TF.silu),
    "mish": (F.mish, TF.mish),
    "hardtanh": (F.hardtanh, TF.hardtanh),
    "hardtanh -2 3": (lambda x: F.hardtanh(x, -2.0, 3.0), lambda x: TF.hardtanh(x, -2.0, 3.0)),
    "relu6": (F.relu6, TF.relu6),
    "hardsigmoid": (F.hardsigmoid, TF.hardsigmoid),
    "hardswish": (F.hardswish, TF.hardswish),
}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_values_and_gradients_match_torch(name):
    mine, theirs = ACTIVATIONS[name]
    # [-30, 30): every piece of every activation, the softplus thresholds included
    helper_test_op([(7, 40)], theirs, mine, low=-30.0, high=30.0)
    helper_test_op([(3, 4, 5)], theirs, mine, low=-4.0, high=8.0)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_gradient_penalty_matches_torch(name):
    mine, theirs = ACTIVATIONS[name]
    if name == "hardsigmoid":
        # NOTE: torch has no double backward for hardsigmoid ("derivative for
        # aten::hardsigmoid_backward is not implemented"); glassbox has one, checked
        # against torch's own formula relu6(x + 3) / 6, which has
        theirs = lambda x: TF.relu6(x + 3) / 6  # noqa: E731
    x = np.random.default_rng(0).uniform(-8, 8, size=(4, 9))
    assert_second_order_matches_torch(mine, theirs, [x])


def test_activations_at_the_kinks_take_torch_gradients():
    # exactly on the boundaries, where each piecewise function picks one side
    x = np.array([-6.0, -3.0, -2.0, -1.0, 0.0, 1.0, 3.0, 6.0, 20.0])
    for mine, theirs in ACTIVATIONS.values():
        helper_test_op(None, theirs, mine, values=[x], dtypes=("float64",))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_smooth_activations_are_stable_for_large_inputs(dtype):
    x = np.array([-1e4, -800.0, -100.0, -20.0, 0.0, 20.0, 100.0, 800.0, 1e4], dtype=dtype)
    for name in ("softplus", "softplus beta 2", "silu", "mish"):
        mine, theirs = ACTIVATIONS[name]
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no overflow or invalid-value warning
            value = gb.tensor(x, requires_grad=True)
            output = mine(value)
            output.sum().backward()
        reference = torch.tensor(x, requires_grad=True)
        theirs(reference).sum().backward()
        assert np.all(np.isfinite(output.numpy())) and np.all(np.isfinite(value.grad.numpy()))
        assert_close(output, theirs(torch.tensor(x)), 1e-6, 1e-30, f"{name} value")
        assert_close(value.grad, reference.grad, 1e-6, 1e-30, f"{name} gradient")


MODULES = [
    lambda m: m.Softplus(), lambda m: m.Softplus(beta=0.5, threshold=10.0), lambda m: m.SiLU(),
    lambda m: m.Mish(), lambda m: m.Hardtanh(), lambda m: m.Hardtanh(-2.5, 3.0),
    lambda m: m.ReLU6(), lambda m: m.Hardsigmoid(), lambda m: m.Hardswish(),
]


@pytest.mark.parametrize("index", range(len(MODULES)))
def test_activation_modules_match_torch(index):
    mine, theirs = MODULES[index](nn), MODULES[index](torch.nn)
    assert_same_module(mine, theirs)
    helper_test_module(mine, theirs, [(2, 3, 4)], low=-8.0, high=8.0)


def test_inplace_activation_modules_print_as_torch():
    # NOTE: glassbox accepts inplace=True and computes out of place (as its ReLU does)
    for build in (lambda m: m.Hardtanh(-2, 3, True), lambda m: m.ReLU6(inplace=True),
                  lambda m: m.SiLU(inplace=True), lambda m: m.Mish(True),
                  lambda m: m.Hardswish(True), lambda m: m.Hardsigmoid(True)):
        assert_same_module(build(nn), build(torch.nn))
        x = np.linspace(-5, 5, 12)
        assert_close(build(nn)(gb.tensor(x)), build(torch.nn)(torch.tensor(x)), 1e-12, 0,
                     repr(build(nn)))


def test_hardtanh_refuses_bounds_in_the_wrong_order():
    with pytest.raises(AssertionError):
        torch.nn.Hardtanh(1.0, -1.0)
    with pytest.raises(ValueError, match=r"max_val \(-1.0\) must be greater than min_val"):
        nn.Hardtanh(1.0, -1.0)
    with pytest.raises(AssertionError):
        nn.Hardtanh(1.0, -1.0)
    for functional in (F, TF):
        with pytest.raises(ValueError, match="min_val"):
            functional.hardtanh(gb.ones(2) if functional is F else torch.ones(2), 2.0, 1.0)


@settings(max_examples=10)
@given(shape=st.lists(st.integers(0, 4), min_size=0, max_size=4),
       beta=st.sampled_from([0.5, 1.0, 3.0]), threshold=st.sampled_from([1.0, 20.0]))
def test_softplus_any_shape(shape, beta, threshold):
    helper_test_op([tuple(shape)], lambda x: TF.softplus(x, beta, threshold),
                   lambda x: F.softplus(x, beta, threshold), low=-10.0, high=10.0)
