"""The fast paths of convolution, pooling and batch norm against the teaching paths and torch.

Each fast path has a switch in its module that turns it off (``_conv._DEPTHWISE_FAST_PATH``,
``functional._FUSED_BATCH_NORM_BACKWARD``, ...). Every case here runs the operation both
ways and asserts the same outputs and gradients (float64, rtol 1e-10), then compares
with torch through the parity helper (float64 and float32), including second-order
gradients (``create_graph=True``: WGAN-GP's penalty).
"""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassbox as gb
from glassbox.autograd import grad
from glassbox.nn import _conv
from glassbox.nn import functional as F
from parity import helper_test_op

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def outputs_and_gradients(function, arrays, upstream_seed=0):
    """The output of ``function(*tensors)`` and the gradient of every input, as arrays."""
    tensors = [gb.tensor(a, requires_grad=True) for a in arrays]
    y = function(*tensors)
    upstream = np.random.default_rng(upstream_seed).standard_normal(y.shape)
    (y * gb.tensor(upstream)).sum().backward()
    return [y.numpy().copy()] + [t.grad.numpy().copy() for t in tensors]


def penalty_gradients(function, arrays, autograd_grad, make_tensor):
    """dP/d(every input) for P = sum of squared first gradients of L = sum(y^2 u)."""
    inputs = [make_tensor(a) for a in arrays]
    y = function(*inputs)
    upstream = np.random.default_rng(1).standard_normal(tuple(y.shape))
    loss = (y * y * make_tensor(upstream, requires_grad=False)).sum()
    first = autograd_grad(loss, inputs, create_graph=True)
    penalty = sum((g * g).sum() for g in first)
    penalty.backward()
    return [np.asarray(t.grad.numpy() if hasattr(t.grad, "numpy") else t.grad)
            for t in inputs]


def gb_tensor(a, requires_grad=True):
    return gb.tensor(a, requires_grad=requires_grad)


def torch_tensor(a, requires_grad=True):
    return torch.tensor(a, requires_grad=requires_grad)


def assert_same_both_ways(monkeypatch, module, switch, function, arrays):
    """The fast and the teaching path give the same outputs, gradients and
    second-order gradients."""
    fast = outputs_and_gradients(function, arrays)
    fast_second = penalty_gradients(function, arrays, grad, gb_tensor)
    with monkeypatch.context() as patch:
        patch.setattr(module, switch, False)
        slow = outputs_and_gradients(function, arrays)
        slow_second = penalty_gradients(function, arrays, grad, gb_tensor)
    for index, (mine, reference) in enumerate(zip(fast + fast_second, slow + slow_second)):
        np.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-12,
                                   err_msg=f"fast path, result {index}")


# ------------------------------------------------------------------ depthwise convolution

DEPTHWISE_CASES = [
    dict(),
    dict(padding=1),
    dict(stride=2, padding=1),
    dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2)),
    dict(padding="same", dilation=2),
]


# the three depthwise kernels: (largest plane matrix, flat runs switch)
DEPTHWISE_KERNELS = {"offset loop": (0, False), "flat runs": (0, True),
                     "plane matrices": (10 ** 6, True)}


def use_depthwise_kernel(monkeypatch, kernel):
    matrix_size, flat_runs = DEPTHWISE_KERNELS[kernel]
    monkeypatch.setattr(_conv, "_MAX_PLANE_MATRIX_SIZE", matrix_size)
    monkeypatch.setattr(_conv, "_DEPTHWISE_FLAT_RUNS", flat_runs)


@pytest.mark.parametrize("kernel", DEPTHWISE_KERNELS)
@pytest.mark.parametrize("kwargs", DEPTHWISE_CASES)
def test_depthwise_conv2d_fast_path_equals_im2col(monkeypatch, kwargs, kernel):
    use_depthwise_kernel(monkeypatch, kernel)
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((3, 1, 3, 2)),
              rng.standard_normal(3)]
    assert_same_both_ways(monkeypatch, _conv, "_DEPTHWISE_FAST_PATH",
                          lambda x, w, b: F.conv2d(x, w, b, groups=3, **kwargs), arrays)


@pytest.mark.parametrize("kernel", DEPTHWISE_KERNELS)
@pytest.mark.parametrize("kwargs", DEPTHWISE_CASES[:4])
def test_depthwise_conv2d_matches_torch(monkeypatch, kwargs, kernel):
    use_depthwise_kernel(monkeypatch, kernel)
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((3, 4, 8, 7)), rng.standard_normal((4, 1, 3, 3)),
              rng.standard_normal(4)]
    helper_test_op(None, lambda x, w, b: TF.conv2d(x, w, b, groups=4, **kwargs),
                   lambda x, w, b: F.conv2d(x, w, b, groups=4, **kwargs), values=arrays,
                   atol=1e-4)
    ours = penalty_gradients(lambda x, w: F.conv2d(x, w, groups=4, **kwargs), arrays[:2],
                             grad, gb_tensor)
    theirs = penalty_gradients(lambda x, w: TF.conv2d(x, w, groups=4, **kwargs), arrays[:2],
                               torch.autograd.grad, torch_tensor)
    for mine, twin in zip(ours, theirs):
        np.testing.assert_allclose(mine, twin, rtol=1e-7, atol=1e-9 * np.abs(twin).max())


@pytest.mark.parametrize("kwargs", [dict(stride=2, padding=1, output_padding=1),
                                    dict(stride=1, padding=1, output_padding=1, dilation=2)])
@pytest.mark.parametrize("kernel", DEPTHWISE_KERNELS)
def test_depthwise_conv_transpose2d_fast_path(monkeypatch, kwargs, kernel):
    use_depthwise_kernel(monkeypatch, kernel)
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal((2, 3, 5, 4)), rng.standard_normal((3, 1, 3, 3))]
    function = lambda x, w: F.conv_transpose2d(x, w, groups=3, **kwargs)  # noqa: E731
    assert_same_both_ways(monkeypatch, _conv, "_DEPTHWISE_FAST_PATH", function, arrays)
    helper_test_op(None, lambda x, w: TF.conv_transpose2d(x, w, groups=3, **kwargs),
                   function, values=arrays)


# geometries for the flat runs: strides split the input into phases (one phase row or
# column short, kernels narrower than the stride), dilations, uneven 'same' padding
FLAT_RUN_GEOMETRIES = [
    ((3, 3), dict(padding=1)),
    ((3, 3), dict(stride=2, padding=1)),
    ((3, 2), dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2))),
    ((4, 4), dict(stride=3, padding=2)),
    ((1, 1), dict(stride=2)),
    ((4, 2), dict(padding="same", dilation=(1, 2))),
    ((5, 3), dict(stride=(1, 3), padding=(2, 1), dilation=(2, 1))),
]


@pytest.mark.parametrize("chunk_bytes", [0, 1])  # whole batch, one sample at a time
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kernel_size, kwargs", FLAT_RUN_GEOMETRIES)
def test_depthwise_flat_runs_equal_offset_loop_bit_for_bit(monkeypatch, kernel_size, kwargs,
                                                           dtype, chunk_bytes):
    """Forward and input gradient: the same sums in the same order, so the same bits;
    the weight gradient sums in another order (rtol)."""
    monkeypatch.setattr(_conv, "_MAX_PLANE_MATRIX_SIZE", 0)
    monkeypatch.setattr(_conv, "_DEPTHWISE_CHUNK_BYTES", chunk_bytes)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 5, 11, 10)).astype(dtype)
    weight = rng.standard_normal((5, 1, *kernel_size)).astype(dtype)
    y = F.conv2d(gb.tensor(x), gb.tensor(weight, requires_grad=True), groups=5, **kwargs)
    geometry = y.grad_fn.geometry
    g = rng.standard_normal(y.shape).astype(dtype)
    results = {}
    for flat_runs in (True, False):
        monkeypatch.setattr(_conv, "_DEPTHWISE_FLAT_RUNS", flat_runs)
        results[flat_runs] = (
            _conv._depthwise_conv2d_array(x, weight, geometry),
            _conv._depthwise_input_grad_array(g, weight, geometry, x.shape[-2:]),
            _conv._depthwise_weight_grad_array(x, g, geometry, weight.shape))
    (y_runs, dx_runs, dw_runs), (y_loop, dx_loop, dw_loop) = results[True], results[False]
    np.testing.assert_array_equal(y_runs, y_loop)
    np.testing.assert_array_equal(y_runs, y.numpy())
    np.testing.assert_array_equal(dx_runs, dx_loop)
    assert dw_runs.dtype == dw_loop.dtype == dtype
    np.testing.assert_allclose(dw_runs, dw_loop, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("kernel_size, kwargs", FLAT_RUN_GEOMETRIES)
def test_depthwise_flat_runs_match_torch(monkeypatch, kernel_size, kwargs):
    monkeypatch.setattr(_conv, "_MAX_PLANE_MATRIX_SIZE", 0)
    rng = np.random.default_rng(4)
    arrays = [rng.standard_normal((3, 4, 11, 10)), rng.standard_normal((4, 1, *kernel_size))]
    helper_test_op(None, lambda x, w: TF.conv2d(x, w, groups=4, **kwargs),
                   lambda x, w: F.conv2d(x, w, groups=4, **kwargs), values=arrays)


# ---------------------------------------- per-sample or batch-wide matrix products


@pytest.mark.parametrize("shape, groups", [
    ((2, 4, 12, 11), 1),    # L = 90 >= K = 36: one product per sample
    ((2, 4, 12, 11), 2),
    ((3, 8, 6, 6), 1),      # L = 16 < K = 72: one product over the batch side by side
    ((3, 8, 6, 6), 2),
])
def test_conv2d_both_product_arrangements_match_torch(shape, groups):
    rng = np.random.default_rng(8)
    C_in = shape[1]
    arrays = [rng.standard_normal(shape), rng.standard_normal((6, C_in // groups, 3, 3)),
              rng.standard_normal(6)]
    helper_test_op(None, lambda x, w, b: TF.conv2d(x, w, b, padding=1, groups=groups),
                   lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=groups),
                   values=arrays, atol=1e-4)


# ------------------------------------- stride-1 input gradient as a convolution of g


@pytest.mark.parametrize("kwargs", [dict(padding=1), dict(padding=(2, 0), dilation=(1, 2)),
                                    dict(padding="same", groups=2), dict(),
                                    dict(padding=1, groups=4)])  # depthwise
def test_stride_one_input_gradient_as_convolution_equals_col2im(monkeypatch, kwargs):
    monkeypatch.setattr(_conv, "_AS_CONVOLUTION_MAX_COST", 1e9)  # every case as convolution
    rng = np.random.default_rng(9)
    arrays = [rng.standard_normal((2, 4, 7, 6)), rng.standard_normal((4, 4 // kwargs.get(
        "groups", 1), 3, 2))]
    function = lambda x, w: F.conv2d(x, w, **kwargs)  # noqa: E731
    assert_same_both_ways(monkeypatch, _conv, "_STRIDE_ONE_AS_CONVOLUTION", function, arrays)
    helper_test_op(None, lambda x, w: TF.conv2d(x, w, **kwargs), function, values=arrays,
                   atol=1e-4)


@pytest.mark.parametrize("shape, channels, as_convolution", [
    ((16, 64, 16, 16), 64, True),     # ResNet18's 16x16 layers: the columns of g are cheaper
    ((16, 512, 2, 2), 512, False),    # its 2x2 layers: the flipped weight's copy is not
    ((8, 128, 8, 8), 32, True),       # DenseNet's growth layers
])
def test_stride_one_input_gradient_path_choice(shape, channels, as_convolution):
    weight = np.zeros((channels, shape[1], 3, 3), np.float32)
    geometry = _conv._ConvGeometry((3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1)
    g = np.ones((shape[0], channels, *shape[2:]), np.float32)
    result = _conv._input_grad_as_convolution(g, weight, geometry, shape[2:])
    assert (result is not None) == as_convolution


def test_stride_one_conv_transpose2d_as_convolution_equals_col2im(monkeypatch):
    rng = np.random.default_rng(10)
    arrays = [rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((3, 4, 3, 3))]
    function = lambda x, w: F.conv_transpose2d(x, w, padding=1)  # noqa: E731
    assert_same_both_ways(monkeypatch, _conv, "_STRIDE_ONE_AS_CONVOLUTION", function, arrays)


# ------------------------------------------- weight gradient as (cols @ g^T)^T


@pytest.mark.parametrize("function, torch_function, shapes", [
    # batch-wide product over 8 * 16 pixels >= K = 36 (two groups)
    (lambda x, w: F.conv2d(x, w, padding=1, groups=2),
     lambda x, w: TF.conv2d(x, w, padding=1, groups=2), [(8, 8, 4, 4), (6, 4, 3, 3)]),
    # stride 2 (batch-last columns), 6 * 9 pixels >= K = 48
    (lambda x, w: F.conv2d(x, w, stride=2, padding=1),
     lambda x, w: TF.conv2d(x, w, stride=2, padding=1), [(6, 3, 6, 6), (5, 3, 4, 4)]),
    # a transposed convolution's input gradient reads the same weight-gradient product
    (lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1),
     lambda x, w: TF.conv_transpose2d(x, w, stride=2, padding=1), [(5, 4, 3, 3), (4, 2, 4, 4)]),
])
def test_transposed_weight_gradient_equals_plain_product(monkeypatch, function, torch_function,
                                                         shapes):
    rng = np.random.default_rng(11)
    arrays = [rng.standard_normal(shape) for shape in shapes]
    assert_same_both_ways(monkeypatch, _conv, "_TRANSPOSED_WEIGHT_GRAD", function, arrays)
    helper_test_op(None, torch_function, function, values=arrays, atol=1e-4)


# ------------------------------------- narrow products: y^T = cols^T @ W^T

NARROW_CASES = {
    # name: (function, torch function, x shape, weight shape, K, output channels per group)
    "LeNet-5's C3 (per-sample products otherwise)": (
        lambda x, w: F.conv2d(x, w), lambda x, w: TF.conv2d(x, w),
        (3, 6, 14, 14), (16, 6, 5, 5), 150, 16),
    "two groups, padding": (
        lambda x, w: F.conv2d(x, w, padding=1, groups=2),
        lambda x, w: TF.conv2d(x, w, padding=1, groups=2), (2, 16, 6, 6), (8, 8, 3, 3), 72, 4),
    "stride 2": (
        lambda x, w: F.conv2d(x, w, stride=2, padding=1),
        lambda x, w: TF.conv2d(x, w, stride=2, padding=1), (2, 8, 9, 9), (6, 8, 3, 3), 72, 6),
    "conv_transpose2d (its input's gradient is a narrow convolution)": (
        lambda x, w: F.conv_transpose2d(x, w, padding=1),
        lambda x, w: TF.conv_transpose2d(x, w, padding=1), (2, 8, 5, 5), (8, 8, 3, 3), 72, 8),
}


@pytest.mark.parametrize("batch_last", [True, False])
@pytest.mark.parametrize("name", NARROW_CASES)
def test_narrow_products_equal_plain_products(monkeypatch, name, batch_last):
    function, torch_function, x_shape, w_shape, K, out_channels = NARROW_CASES[name]
    assert _conv._narrow_product(K, out_channels)
    monkeypatch.setattr(_conv, "_BATCH_LAST_COLUMNS", batch_last)
    rng = np.random.default_rng(18)
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(w_shape)]
    assert_same_both_ways(monkeypatch, _conv, "_NARROW_PRODUCTS", function, arrays)
    helper_test_op(None, torch_function, function, values=arrays, atol=1e-4)


# ------------------- strided or one-pixel forwards as y^T = cols^T @ W^T (wider layers)

TRANSPOSED_FORWARD_CASES = {
    # name: (function, torch function, x shape, weight shape,
    #        the convolution taking the path: its stride, K, L, output channels per group)
    "4x4 at stride 2 (DCGAN's discriminator)": (
        lambda x, w: F.conv2d(x, w, stride=2, padding=1),
        lambda x, w: TF.conv2d(x, w, stride=2, padding=1), (3, 8, 8, 8), (40, 8, 4, 4),
        (2, 2), 128, 16, 40),
    "two groups at stride 2": (
        lambda x, w: F.conv2d(x, w, stride=2, groups=2),
        lambda x, w: TF.conv2d(x, w, stride=2, groups=2), (2, 16, 7, 7), (80, 8, 3, 3),
        (2, 2), 72, 9, 40),
    "a kernel covering the input: one output pixel": (
        lambda x, w: F.conv2d(x, w), lambda x, w: TF.conv2d(x, w), (3, 8, 4, 4),
        (36, 8, 4, 4), (1, 1), 128, 1, 36),
    "conv_transpose2d of a 1x1 code (its input's gradient: one output pixel)": (
        lambda x, w: F.conv_transpose2d(x, w), lambda x, w: TF.conv_transpose2d(x, w),
        (3, 36, 1, 1), (36, 8, 4, 4), (1, 1), 128, 1, 36),
    "conv_transpose2d at stride 2 (DCGAN's generator)": (
        lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1),
        lambda x, w: TF.conv_transpose2d(x, w, stride=2, padding=1), (2, 40, 4, 4),
        (40, 8, 4, 4), (2, 2), 128, 16, 40),
}


@pytest.mark.parametrize("batch_last", [True, False])
@pytest.mark.parametrize("name", TRANSPOSED_FORWARD_CASES)
def test_transposed_forward_equals_plain_product(monkeypatch, name, batch_last):
    function, torch_function, x_shape, w_shape, stride, K, L, out_channels = \
        TRANSPOSED_FORWARD_CASES[name]
    geometry = _conv._ConvGeometry((3, 3), stride, (0, 0, 0, 0), (1, 1), 1)
    assert not _conv._narrow_product(K, out_channels)
    assert _conv._transposed_forward(geometry, K, L, out_channels)
    monkeypatch.setattr(_conv, "_BATCH_LAST_COLUMNS", batch_last)
    rng = np.random.default_rng(19)
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(w_shape)]
    assert_same_both_ways(monkeypatch, _conv, "_TRANSPOSED_FORWARD", function, arrays)
    helper_test_op(None, torch_function, function, values=arrays, atol=1e-4)


def test_transposed_forward_not_at_stride_one():
    geometry = _conv._ConvGeometry((3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1)
    assert not _conv._transposed_forward(geometry, 576, 256, 64)  # ResNet18's 3x3 layers


# ------------------------- a kernel covering the whole input: a linear layer, no im2col

WHOLE_IMAGE_CASES = {
    # name: (function, torch function, x shape, weight shape)
    "7x7 kernel on 7x7 planes (the gan lab critics' last layer)": (
        lambda x, w, b: F.conv2d(x, w, b), lambda x, w, b: TF.conv2d(x, w, b),
        (3, 6, 7, 7), (1, 6, 7, 7)),
    "3x2 kernel on 3x2 planes, stride 2 (still one window)": (
        lambda x, w, b: F.conv2d(x, w, b, stride=2), lambda x, w, b: TF.conv2d(x, w, b, stride=2),
        (2, 4, 3, 2), (5, 4, 3, 2)),
    "conv_transpose2d of a 1x1 code (the gan lab generator's first layer)": (
        lambda x, w, b: F.conv_transpose2d(x, w, b), lambda x, w, b: TF.conv_transpose2d(x, w, b),
        (3, 10, 1, 1), (10, 4, 7, 7)),
}


@pytest.mark.parametrize("name", WHOLE_IMAGE_CASES)
def test_whole_image_kernel_equals_im2col(monkeypatch, name):
    function, torch_function, x_shape, w_shape = WHOLE_IMAGE_CASES[name]
    transposed = "transpose" in name
    geometry = _conv._ConvGeometry(w_shape[-2:], (1, 1), (0, 0, 0, 0), (1, 1), 1)
    # the path is taken: by the convolution itself, or by its transpose's gradient
    assert _conv._is_whole_image(geometry, w_shape[-2:] if transposed else x_shape[-2:])
    rng = np.random.default_rng(20)
    out_channels = w_shape[1] if transposed else w_shape[0]
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(w_shape),
              rng.standard_normal(out_channels)]
    assert_same_both_ways(monkeypatch, _conv, "_WHOLE_IMAGE_KERNEL", function, arrays)
    helper_test_op(None, torch_function, function, values=arrays, atol=1e-4)


@pytest.mark.parametrize("kwargs", [dict(padding=1), dict(dilation=2), dict(groups=2)])
def test_whole_image_kernel_not_with_padding_dilation_or_groups(kwargs):
    padding = (1, 1, 1, 1) if "padding" in kwargs else (0, 0, 0, 0)
    geometry = _conv._ConvGeometry((3, 3), (1, 1), padding, (kwargs.get("dilation", 1),) * 2,
                                   kwargs.get("groups", 1))
    assert not _conv._is_whole_image(geometry, (3, 3))


def test_whole_image_kernel_empty_batch():
    x, w = gb.zeros(0, 3, 4, 4, requires_grad=True), gb.ones(2, 3, 4, 4, requires_grad=True)
    y = F.conv2d(x, w)
    y.sum().backward()
    assert y.shape == (0, 2, 1, 1) and x.grad.shape == (0, 3, 4, 4)
    np.testing.assert_array_equal(w.grad.numpy(), np.zeros((2, 3, 4, 4)))


# ----------------------------------------------------- 1x1 convolution without im2col


@pytest.mark.parametrize("groups", [1, 2])
def test_pointwise_conv2d_fast_path_equals_im2col(monkeypatch, groups):
    rng = np.random.default_rng(6)
    arrays = [rng.standard_normal((2, 4, 6, 7)), rng.standard_normal((6, 4 // groups, 1, 1)),
              rng.standard_normal(6)]
    function = lambda x, w, b: F.conv2d(x, w, b, groups=groups)  # noqa: E731
    assert_same_both_ways(monkeypatch, _conv, "_POINTWISE_FAST_PATH", function, arrays)
    helper_test_op(None, lambda x, w, b: TF.conv2d(x, w, b, groups=groups), function,
                   values=arrays, atol=1e-4)


def test_pointwise_conv_transpose2d_fast_path_equals_im2col(monkeypatch):
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal((2, 4, 6, 6)), rng.standard_normal((4, 3, 1, 1))]
    function = lambda x, w: F.conv_transpose2d(x, w)  # noqa: E731
    assert_same_both_ways(monkeypatch, _conv, "_POINTWISE_FAST_PATH", function, arrays)
    helper_test_op(None, lambda x, w: TF.conv_transpose2d(x, w), function, values=arrays,
                   atol=1e-4)


# ------------------------------------------------------------------------------ batch norm

BATCH_NORM_SHAPES = [(6, 3), (4, 3, 5), (3, 2, 4, 5)]


@pytest.mark.parametrize("shape", BATCH_NORM_SHAPES)
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_fused_backward_equals_tensor_ops(monkeypatch, shape, training, affine):
    rng = np.random.default_rng(3)
    C = shape[1]
    arrays = [rng.standard_normal(shape) * 2 + 1]
    if affine:
        arrays += [rng.standard_normal(C), rng.standard_normal(C)]

    def function(x, *affine_parameters):
        mean = gb.tensor(np.full(C, 0.3))
        var = gb.tensor(np.full(C, 2.0))
        return F.batch_norm(x, mean, var, *affine_parameters, training=training, eps=1e-3)

    assert_same_both_ways(monkeypatch, F, "_FUSED_BATCH_NORM_BACKWARD", function, arrays)


@pytest.mark.parametrize("shape", BATCH_NORM_SHAPES)
def test_batch_norm_second_order_matches_torch(shape):
    rng = np.random.default_rng(4)
    C = shape[1]
    arrays = [rng.standard_normal(shape) + 3, rng.standard_normal(C), rng.standard_normal(C)]

    def network(batch_norm):
        return lambda x, w, b: batch_norm(x, None, None, w, b, training=True) * x

    ours = penalty_gradients(network(F.batch_norm), arrays, grad, gb_tensor)
    theirs = penalty_gradients(network(TF.batch_norm), arrays, torch.autograd.grad,
                               torch_tensor)
    for mine, twin in zip(ours, theirs):
        np.testing.assert_allclose(mine, twin, rtol=1e-7, atol=1e-9 * np.abs(twin).max())


def test_batch_norm_large_mean_float32_matches_torch():
    # the statistics are two-pass (mean, then squares of x - mean): no cancellation
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((32, 4, 16, 16)) * 0.5 + 100).astype(np.float32)
    helper_test_op(None, lambda x: TF.batch_norm(x, None, None, training=True),
                   lambda x: F.batch_norm(x, None, None, training=True), values=[x],
                   dtypes=("float32",), rtol=1e-3, atol=1e-3)


FLAT_RUN_SHAPES = [(8, 5, 2, 2), (4, 6, 4, 4), (3, 4, 1, 1), (4, 3, 5), (2, 3, 2, 3, 2),
                   (6, 3), (5, 4, 3, 7)]


def batch_norm_results(x, training, affine, transpose):
    """Output, running statistics and the gradients of x, weight and bias, as arrays."""
    C = x.shape[1]
    rng = np.random.default_rng(7)
    t = gb.tensor(x, requires_grad=True)
    source = t.transpose(0, 1).contiguous().transpose(0, 1) if transpose else t
    mean = gb.tensor(rng.standard_normal(C).astype(x.dtype))
    var = gb.tensor(rng.uniform(0.5, 2.0, C).astype(x.dtype))
    parameters = [gb.tensor(rng.standard_normal(C).astype(x.dtype), requires_grad=True)
                  for _ in range(2)] if affine else []
    y = F.batch_norm(source, mean, var, *parameters, training=training, eps=1e-3)
    upstream = rng.standard_normal(x.shape).astype(x.dtype)
    (y * gb.tensor(upstream)).sum().backward()
    return [y.detach().numpy(), mean.numpy(), var.numpy(), t.grad.numpy()] + \
        [p.grad.numpy() for p in parameters]


@pytest.mark.parametrize("shape", FLAT_RUN_SHAPES)
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batch_norm_flat_runs_identical_to_broadcast(monkeypatch, shape, training, affine,
                                                     dtype):
    x = (np.random.default_rng(6).standard_normal(shape) * 2 + 1).astype(dtype)
    for transpose in (False, True):  # a non-contiguous input too (channels outermost)
        flat = batch_norm_results(x, training, affine, transpose)
        with monkeypatch.context() as patch:
            patch.setattr(F, "_BATCH_NORM_FLAT_RUNS", False)
            broadcast = batch_norm_results(x, training, affine, transpose)
        for mine, reference in zip(flat, broadcast):
            assert mine.dtype == reference.dtype == np.dtype(dtype)
            np.testing.assert_array_equal(mine, reference)  # the same products, bit for bit


@pytest.mark.parametrize("shape", [(8, 5, 2, 2), (4, 6, 4, 4), (3, 4, 1, 1)])
def test_batch_norm_flat_runs_match_torch(shape):
    C = shape[1]
    helper_test_op([shape, (C,), (C,)],
                   lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
                   lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True))
    test_batch_norm_second_order_matches_torch(shape)


@pytest.mark.parametrize("shape", [(8, 6, 1, 1), (5, 7), (9, 3, 1)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_channel_sum_of_one_number_planes_is_the_einsum_sum(shape, dtype):
    rng = np.random.default_rng(8)
    a, b = (rng.standard_normal(shape).astype(dtype) for _ in range(2))
    N, C = shape[:2]
    for args, planes in (((a,), np.einsum("ncl->nc", a.reshape(N, C, 1))),
                         ((a, b), np.einsum("ncl,ncl->nc", a.reshape(N, C, 1),
                                            b.reshape(N, C, 1)))):
        expected = np.ascontiguousarray(planes.T).sum(axis=1)
        np.testing.assert_array_equal(F._channel_sum(*args), expected)
        for start, stop in ((0, 1), (1, C)):  # a chunk of channels: the same numbers
            chunk = [x[:, start:stop] for x in args]
            np.testing.assert_array_equal(F._channel_sum(*chunk), expected[start:stop])


@pytest.mark.parametrize("shape", [(8, 6, 2, 2), (5, 7, 3), (64, 3, 2, 2), (9, 5, 1, 4)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_channel_sum_of_small_planes_samples_first(monkeypatch, shape, dtype):
    rng = np.random.default_rng(9)
    a, b = (rng.standard_normal(shape).astype(dtype) for _ in range(2))
    C = shape[1]
    for args in ((a,), (a, b)):
        fast = F._channel_sum(*args)
        for start, stop in ((0, 1), (1, C), (2, 4)):  # chunks of channels: the same bits
            chunk = [x[:, start:stop] for x in args]
            np.testing.assert_array_equal(F._channel_sum(*chunk), fast[start:stop])
        with monkeypatch.context() as patch:
            patch.setattr(F, "_SMALL_PLANE_SUMS", False)
            plane_first = F._channel_sum(*args)
        exact = (args[0].astype(np.float64) * (args[1] if len(args) > 1 else 1)).sum(
            axis=tuple(i for i in range(a.ndim) if i != 1))
        tolerance = 1e-12 if dtype == "float64" else 1e-5
        np.testing.assert_allclose(fast, plane_first, rtol=tolerance, atol=tolerance)
        np.testing.assert_allclose(fast, exact, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_small_plane_sums_equal_plane_first(monkeypatch, training):
    x = np.random.default_rng(10).standard_normal((8, 5, 2, 2)) * 2 + 1
    fast = batch_norm_results(x, training, True, False)
    monkeypatch.setattr(F, "_SMALL_PLANE_SUMS", False)
    for mine, reference in zip(fast, batch_norm_results(x, training, True, False)):
        np.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-12)


# ------------------------------------------------- pooling with the planes stored last

POOL_CASES = {
    "max 3x3 stride 1 pad 1 ceil (GoogLeNet's branch)": (
        lambda x: F.max_pool2d(x, 3, 1, 1, ceil_mode=True),
        lambda x: TF.max_pool2d(x, 3, 1, 1, ceil_mode=True), (2, 3, 5, 6)),
    "max 3x3 stride 2 ceil": (lambda x: F.max_pool2d(x, 3, 2, ceil_mode=True),
                              lambda x: TF.max_pool2d(x, 3, 2, ceil_mode=True), (2, 4, 9, 8)),
    "max 2x2 dilation 2, unbatched": (lambda x: F.max_pool2d(x, 2, 1, dilation=2),
                                      lambda x: TF.max_pool2d(x, 2, 1, dilation=2), (3, 6, 7)),
    "avg 3x3 stride 2 pad 1, count_include_pad=False": (
        lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
        lambda x: TF.avg_pool2d(x, 3, 2, 1, count_include_pad=False), (2, 3, 7, 6)),
    "avg 2x2 (LeNet's)": (lambda x: F.avg_pool2d(x, 2), lambda x: TF.avg_pool2d(x, 2),
                          (3, 4, 10, 10)),
}


@pytest.mark.parametrize("name", POOL_CASES)
def test_planes_last_pooling_equals_planes_first(monkeypatch, name):
    function, _, shape = POOL_CASES[name]
    x = np.random.default_rng(11).standard_normal(shape)
    x[..., 1, :] = x[..., 0, :]                                 # ties: the first one wins
    monkeypatch.setattr(_conv, "_PLANES_LAST_MAX_WIDTH", 1000)  # every case planes last
    assert _conv._pool_planes_last(_conv._pool_geometry("t", shape, 2, None, 0, 1, False))
    assert_same_both_ways(monkeypatch, _conv, "_PLANES_LAST_POOLING", function, [x])
    monkeypatch.setattr(_conv, "_PLANES_LAST_MAX_WIDTH", 0)     # and planes first
    assert not _conv._pool_planes_last(_conv._pool_geometry("t", shape, 2, None, 0, 1, False))
    first = outputs_and_gradients(function, [x])
    monkeypatch.setattr(_conv, "_PLANES_LAST_MAX_WIDTH", 1000)
    for mine, reference in zip(outputs_and_gradients(function, [x]), first):
        np.testing.assert_array_equal(mine, reference)


@pytest.mark.parametrize("planes_last", [True, False])
@pytest.mark.parametrize("name", POOL_CASES)
def test_pooling_both_layouts_match_torch(monkeypatch, name, planes_last):
    function, torch_function, shape = POOL_CASES[name]
    monkeypatch.setattr(_conv, "_PLANES_LAST_MAX_WIDTH", 1000 if planes_last else 0)
    x = np.random.default_rng(12).standard_normal(shape)
    helper_test_op(None, torch_function, function, values=[x])
    ours = penalty_gradients(function, [x], grad, gb_tensor)
    theirs = penalty_gradients(torch_function, [x], torch.autograd.grad, torch_tensor)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("planes_last", [True, False])
def test_max_pool_indices_and_nan_both_layouts(monkeypatch, planes_last):
    monkeypatch.setattr(_conv, "_PLANES_LAST_MAX_WIDTH", 1000 if planes_last else 0)
    x = np.random.default_rng(13).integers(0, 3, size=(2, 3, 7, 7)).astype(np.float32)
    x[0, 1, 2, 2] = x[1, 2, 4, 5] = np.nan
    y, indices = F.max_pool2d(gb.tensor(x), 3, 2, 1, return_indices=True)
    y_torch, indices_torch = TF.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    np.testing.assert_array_equal(y.numpy(), y_torch.numpy())
    np.testing.assert_array_equal(indices.numpy(), indices_torch.numpy())


# ------------------------------------ max pooling's backward by the winners' positions

MAX_POOL_SCATTER_CASES = {
    "3x3 stride 2 pad 1 (ResNet's)": dict(kernel_size=3, stride=2, padding=1),
    "3x3 stride 1 pad 1 ceil (overlapping windows)": dict(kernel_size=3, stride=1, padding=1,
                                                          ceil_mode=True),
    "3x3 stride 2 ceil (GoogLeNet's)": dict(kernel_size=3, stride=2, ceil_mode=True),
    "(2, 3) stride (1, 2) dilation 2": dict(kernel_size=(2, 3), stride=(1, 2), dilation=2),
    "2x2 (planes last)": dict(kernel_size=2),
}


@pytest.mark.parametrize("name", MAX_POOL_SCATTER_CASES)
def test_max_pool_scatter_by_index_equals_offset_loop(monkeypatch, name):
    kwargs = MAX_POOL_SCATTER_CASES[name]
    x = np.random.default_rng(14).standard_normal((2, 3, 9, 8))
    x[..., 1, :] = x[..., 0, :]                                 # ties: the first one wins
    function = lambda x: F.max_pool2d(x, **kwargs)  # noqa: E731
    assert_same_both_ways(monkeypatch, _conv, "_SCATTER_BY_INDEX", function, [x])
    helper_test_op(None, lambda x: TF.max_pool2d(x, **kwargs), function,
                   values=[np.random.default_rng(15).standard_normal((2, 3, 9, 8))])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pool_scatter_by_index_float32_matches_torch(dtype):
    x = np.random.default_rng(16).standard_normal((4, 5, 12, 12)).astype(dtype)
    g = np.random.default_rng(17).standard_normal((4, 5, 6, 6)).astype(dtype)
    mine = gb.tensor(x, requires_grad=True)
    F.max_pool2d(mine, 3, 2, 1).backward(gb.tensor(g))
    theirs = torch.tensor(x, requires_grad=True)
    TF.max_pool2d(theirs, 3, 2, 1).backward(torch.tensor(g))
    assert mine.grad.dtype == dtype
    np.testing.assert_allclose(mine.grad.numpy(), theirs.grad.numpy(), rtol=1e-6, atol=1e-6)


# ------------------------------------------- im2col columns with the batch axis last

BATCH_LAST_CASES = {
    "3x3 pad 1 (L < K)": (dict(padding=1), (3, 8, 5, 4), (6, 8, 3, 3)),
    "4x4 stride 2 pad 1 (DCGAN's)": (dict(stride=2, padding=1), (3, 6, 9, 8), (5, 6, 4, 4)),
    "grouped, dilated": (dict(padding=2, dilation=2, groups=2), (2, 8, 5, 5), (4, 4, 3, 3)),
    "stride (2, 1), uneven padding": (dict(stride=(2, 1), padding=(1, 0)), (2, 6, 6, 5),
                                      (4, 6, 3, 2)),
}


@pytest.mark.parametrize("name", BATCH_LAST_CASES)
def test_batch_last_columns_equal_samples_side_by_side(monkeypatch, name):
    kwargs, x_shape, w_shape = BATCH_LAST_CASES[name]
    K, L = math.prod(w_shape[1:]), 4                           # every case: L < K / 2
    assert _conv._batch_last(K, L, w_shape[0])
    rng = np.random.default_rng(14)
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(w_shape),
              rng.standard_normal(w_shape[0])]
    assert_same_both_ways(monkeypatch, _conv, "_BATCH_LAST_COLUMNS",
                          lambda x, w, b: F.conv2d(x, w, b, **kwargs), arrays)
    helper_test_op(None, lambda x, w, b: TF.conv2d(x, w, b, **kwargs),
                   lambda x, w, b: F.conv2d(x, w, b, **kwargs), values=arrays, atol=1e-4)


@pytest.mark.parametrize("kwargs", [dict(stride=2, padding=1),
                                    dict(stride=2, padding=1, output_padding=1)])
def test_batch_last_columns_conv_transpose2d(monkeypatch, kwargs):
    """conv_transpose2d's backward shares one set of columns between its two products."""
    rng = np.random.default_rng(15)
    arrays = [rng.standard_normal((3, 8, 3, 3)), rng.standard_normal((8, 5, 4, 4))]
    function = lambda x, w: F.conv_transpose2d(x, w, **kwargs)  # noqa: E731
    assert_same_both_ways(monkeypatch, _conv, "_BATCH_LAST_COLUMNS", function, arrays)
    helper_test_op(None, lambda x, w: TF.conv_transpose2d(x, w, **kwargs), function,
                   values=arrays, atol=1e-4)
