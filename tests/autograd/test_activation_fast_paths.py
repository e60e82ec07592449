"""ReLU's and LeakyReLU's fused array backward (and LeakyReLU's max(x, slope x) forward)
against the teaching path written in Tensor ops, and against torch.

``activation._FUSED_ACTIVATION_BACKWARD`` turns the fused backward off; under
``create_graph=True`` the Tensor-op backward always runs, so second-order gradients
(WGAN-GP's penalty) are compared with torch too.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassbox as gb
from glassbox.autograd import grad
from glassbox.autograd.ops import activation
from glassbox.nn import functional as F
from parity import helper_test_op

# slopes inside (0, 1] take the max forward, 0 and the others the select
SLOPES = [0.01, 0.2, 1.0, 0.0, 1.5, -0.3]


def functions(slope):
    """(glassbox function, torch function) for relu (slope None) or leaky_relu."""
    if slope is None:
        return F.relu, TF.relu
    return (lambda x: F.leaky_relu(x, slope)), (lambda x: TF.leaky_relu(x, slope))


def values(dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3, 5, 6)).astype(dtype)
    x[0, 0, 0, :3] = 0.0  # the kink itself: gradient of the x <= 0 side, as torch
    return x


def first_gradient(function, x, upstream):
    t = gb.tensor(x, requires_grad=True)
    y = function(t)
    (y * gb.tensor(upstream)).sum().backward()
    return y.numpy().copy(), t.grad.numpy().copy()


@pytest.mark.parametrize("slope", [None] + SLOPES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_fused_backward_equals_tensor_ops(monkeypatch, slope, dtype):
    function, _ = functions(slope)
    x = values(dtype)
    upstream = np.random.default_rng(1).standard_normal(x.shape).astype(dtype)
    fused = first_gradient(function, x, upstream)
    monkeypatch.setattr(activation, "_FUSED_ACTIVATION_BACKWARD", False)
    teaching = first_gradient(function, x, upstream)
    for mine, reference in zip(fused, teaching):
        assert mine.dtype == reference.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(mine, reference)  # the same products, exactly


@pytest.mark.parametrize("slope", [None] + SLOPES)
def test_matches_torch(slope):
    function, twin = functions(slope)
    helper_test_op(None, twin, function, values=[values("float64")])


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # -inf * 0, as torch
@pytest.mark.parametrize("slope", [None] + SLOPES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_forward_special_values_identical_to_torch(slope, dtype):
    function, twin = functions(slope)
    x = np.array([-np.inf, -2.5, -0.0, 0.0, 1e-30, -1e-30, 3.0, np.inf, np.nan], dtype=dtype)
    np.testing.assert_array_equal(function(gb.tensor(x)).numpy(),
                                  twin(torch.tensor(x)).numpy())


def penalty_gradient(function, x, autograd_grad, make_tensor):
    """dP/dx for P = |dL/dx|^2, L = sum(f(x)^2 u): a WGAN-GP-style double backward."""
    t = make_tensor(x, True)
    y = function(t)
    upstream = make_tensor(np.random.default_rng(2).standard_normal(x.shape), False)
    (first,) = autograd_grad((y * y * upstream).sum(), [t], create_graph=True)
    (first * first).sum().backward()
    return t.grad.numpy()


@pytest.mark.parametrize("slope", [None] + SLOPES)
def test_second_order_matches_torch(slope):
    function, twin = functions(slope)
    x = values("float64")
    ours = penalty_gradient(function, x, grad,
                            lambda a, r: gb.tensor(a, requires_grad=r))
    theirs = penalty_gradient(twin, x, torch.autograd.grad,
                              lambda a, r: torch.tensor(a, requires_grad=r))
    assert np.abs(theirs).max() > 0  # the check could fail
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


# LeakyReLU's backward under create_graph as one LeakyReLUBackward node
# (activation._LEAKY_RELU_BACKWARD_AS_ONE_OP) against the Tensor-op chain it replaces.

def higher_orders(slope, x, order_seed=3):
    """The first, second and third derivatives of a scalar through leaky_relu (x's
    gradient at each order, each built under create_graph), and their grad_fn names."""
    rng = np.random.default_rng(order_seed)
    t = gb.tensor(x, requires_grad=True)
    w = gb.tensor(rng.standard_normal(x.shape).astype(x.dtype), requires_grad=True)
    y = F.leaky_relu(t * w, slope)  # w keeps every order's graph alive
    (first,) = grad((y * y).sum(), [t], create_graph=True)
    (second,) = grad((first * first).sum(), [w], create_graph=True)
    (third,) = grad((second * second * w).sum(), [t])
    return [first.detach().numpy().copy(), second.detach().numpy().copy(),
            third.numpy().copy()]


def backward_node_name(slope):
    """grad_fn of leaky_relu's backward built under create_graph."""
    t = gb.tensor(values("float64"), requires_grad=True)
    (first,) = grad((F.leaky_relu(t, slope) ** 2).sum(), [t], create_graph=True)
    return first.grad_fn.name()


@pytest.mark.parametrize("slope", SLOPES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_backward_as_one_op_equals_tensor_ops(monkeypatch, slope, dtype):
    x = values(dtype)
    one_op, name = higher_orders(slope, x), backward_node_name(slope)
    monkeypatch.setattr(activation, "_LEAKY_RELU_BACKWARD_AS_ONE_OP", False)
    chain, chain_name = higher_orders(slope, x), backward_node_name(slope)
    assert chain_name == "MulBackward0"  # the switch does turn the one op off
    assert name == ("LeakyReluBackwardBackward0" if 0 <= slope <= 1 else "MulBackward0")
    for mine, reference in zip(one_op, chain):
        assert mine.dtype == reference.dtype == np.dtype(dtype)
        assert np.abs(reference).max() > 0
        np.testing.assert_array_equal(mine, reference)  # the same products, exactly


def torch_higher_orders(slope, x, order_seed=3):
    rng = np.random.default_rng(order_seed)
    t = torch.tensor(x, requires_grad=True)
    w = torch.tensor(rng.standard_normal(x.shape).astype(x.dtype), requires_grad=True)
    y = TF.leaky_relu(t * w, slope)
    (first,) = torch.autograd.grad((y * y).sum(), [t], create_graph=True)
    (second,) = torch.autograd.grad((first * first).sum(), [w], create_graph=True)
    (third,) = torch.autograd.grad((second * second * w).sum(), [t])
    return [first.detach().numpy(), second.detach().numpy(), third.numpy()]


@pytest.mark.parametrize("slope", SLOPES)
def test_backward_as_one_op_matches_torch_to_third_order(slope):
    x = values("float64")
    ours, theirs = higher_orders(slope, x), torch_higher_orders(slope, x)
    for mine, reference in zip(ours, theirs):
        assert np.abs(reference).max() > 0  # the check could fail
        np.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-12)
    if 0 <= slope <= 1:  # the node has torch's name
        t = torch.tensor(x, requires_grad=True)
        (first,) = torch.autograd.grad((TF.leaky_relu(t, slope) ** 2).sum(), [t],
                                       create_graph=True)
        assert backward_node_name(slope) == first.grad_fn.name()
