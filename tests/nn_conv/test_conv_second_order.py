"""Gradients of gradients through convolution and pooling (WGAN-GP's gradient penalty).

Each test differentiates ``P = |dL/dx|^2 + |dL/dW|^2`` (the first gradients taken with
``create_graph=True``) and compares dP/d(every input) with torch's.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassbox as gb
from glassbox.autograd import grad
from glassbox.nn import _conv as F

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def gradient_penalty_gradients(function, arrays, autograd_grad, make_tensor, weights, **kwargs):
    """Gradients of P = sum of squared first gradients, L = sum(y^2 * weights)."""
    inputs = [make_tensor(a) for a in arrays]
    y = function(*inputs, **kwargs)
    loss = (y * y * make_tensor(weights, requires_grad=False)).sum()
    first = autograd_grad(loss, inputs, create_graph=True)
    penalty = sum((g * g).sum() for g in first)
    penalty.backward()
    return [np.asarray(t.grad.numpy() if hasattr(t.grad, "numpy") else t.grad) for t in inputs]


def assert_second_order_matches(glassbox_fn, torch_fn, arrays, **kwargs):
    rng = np.random.default_rng(0)
    out_shape = torch_fn(*[torch.tensor(a) for a in arrays], **kwargs).shape
    weights = rng.standard_normal(tuple(out_shape))
    ours = gradient_penalty_gradients(
        glassbox_fn, arrays, grad,
        lambda a, requires_grad=True: gb.tensor(a, requires_grad=requires_grad),
        weights, **kwargs)
    theirs = gradient_penalty_gradients(
        torch_fn, arrays, torch.autograd.grad,
        lambda a, requires_grad=True: torch.tensor(a, requires_grad=requires_grad),
        weights, **kwargs)
    for index, (mine, twin) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(mine, twin, rtol=1e-7, atol=1e-9 * np.abs(twin).max(),
                                   err_msg=f"second-order gradient of input {index}")


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(stride=2, padding=1),
    dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2),
    dict(padding="same", dilation=2),
])
def test_conv2d_gradient_penalty(kwargs):
    rng = np.random.default_rng(1)
    groups = kwargs.get("groups", 1)
    arrays = [rng.standard_normal((2, 4, 7, 6)), rng.standard_normal((6, 4 // groups, 3, 2)),
              rng.standard_normal(6)]
    assert_second_order_matches(F.conv2d, TF.conv2d, arrays, **kwargs)


@pytest.mark.parametrize("kwargs", [
    dict(stride=2, padding=1, output_padding=1),
    dict(stride=1, padding=1, output_padding=1, dilation=2),  # output_padding >= stride
    dict(stride=(1, 2), groups=2),
])
def test_conv_transpose2d_gradient_penalty(kwargs):
    rng = np.random.default_rng(2)
    groups = kwargs.get("groups", 1)
    arrays = [rng.standard_normal((2, 4, 5, 4)), rng.standard_normal((4, 6 // groups, 3, 3))]
    assert_second_order_matches(F.conv_transpose2d, TF.conv_transpose2d, arrays, **kwargs)


@pytest.mark.parametrize("function, torch_function, kwargs", [
    (F.max_pool2d, TF.max_pool2d, dict(kernel_size=3, stride=2, padding=1)),
    (F.avg_pool2d, TF.avg_pool2d, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (F.adaptive_avg_pool2d, TF.adaptive_avg_pool2d, dict(output_size=(3, 2))),
    (F.pad, TF.pad, dict(pad=(1, 2, 2, 0), mode="reflect")),
    (F.pad, TF.pad, dict(pad=(1, -1, 2, 0), value=3.0)),
    (F.interpolate, TF.interpolate, dict(scale_factor=2)),
])
def test_pooling_and_resizing_gradient_penalty(function, torch_function, kwargs):
    # y = pool(conv(x, W)): the penalty's gradient goes back through both layers
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal((2, 2, 8, 7)), rng.standard_normal((3, 2, 3, 3))]

    def network(conv, pool):
        return lambda x, weight, **kw: pool(conv(x, weight, padding=1), **kw)

    assert_second_order_matches(network(F.conv2d, function), network(TF.conv2d, torch_function),
                                arrays, **kwargs)
