"""conv2d, conv_transpose2d, pooling, pad and interpolate against torch.nn.functional.

Every case compares the forward output (shape, dtype, values) and the gradient of every
input and parameter with torch's, in float64 (rtol 1e-7) and float32 (rtol 1e-4).
"""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st

import glassbox as gb
from glassbox.nn import _conv as F
from parity import assert_close, helper_test_op

# NOTE: torch warns about its own deprecations and copies ('same' with even kernels)
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

DTYPES = st.sampled_from([np.float32, np.float64])


def check_op(glassbox_fn, torch_fn, arrays, dtype, seed=0, atol=None, **kwargs):
    """One line per case: the project's parity helper on these inputs and settings.

    ``arrays`` are the Tensor arguments, None for an absent one (a bias); ``kwargs`` go
    to both functions. Outputs, dtypes and the gradient of every input are compared
    (float64 rtol 1e-7, float32 rtol 1e-4). Returns the glassbox output.
    """
    present = [index for index, array in enumerate(arrays) if array is not None]

    def with_settings(function):
        def call(*tensors):
            arguments = [None] * len(arrays)
            for index, tensor in zip(present, tensors):
                arguments[index] = tensor
            return function(*arguments, **kwargs)
        return call

    if atol is None and dtype == np.float32:
        # NOTE: float32 sums of many products round differently near zero
        atol = 1e-4
    return helper_test_op(None, with_settings(torch_fn), with_settings(glassbox_fn),
                          values=[arrays[index] for index in present],
                          dtypes=(np.dtype(dtype).name,), seed=seed, atol=atol)


def random(rng, *shape):
    return rng.standard_normal(shape)


# ----------------------------------------------------------------------------- conv2d

PADDINGS = [1, (2, 0), "same", "valid"]
STRIDES = [1, 2, (1, 3)]
DILATIONS = [1, (2, 1)]
GROUPINGS = ["single", "two groups", "depthwise"]


def channels_for(grouping):
    """(C_in, C_out, groups) for a named grouping."""
    return {"single": (3, 4, 1), "two groups": (4, 6, 2), "depthwise": (3, 3, 3)}[grouping]


@pytest.mark.parametrize("padding, stride, dilation, grouping", [
    combo for combo in itertools.product(PADDINGS, STRIDES, DILATIONS, GROUPINGS)
    if not (combo[0] == "same" and combo[1] != 1)
])
def test_conv2d_every_combination(padding, stride, dilation, grouping):
    rng = np.random.default_rng(0)
    C_in, C_out, groups = channels_for(grouping)
    arrays = [random(rng, 2, C_in, 9, 8), random(rng, C_out, C_in // groups, 3, 2),
              random(rng, C_out)]
    check_op(F.conv2d, TF.conv2d, arrays, np.float64, stride=stride, padding=padding,
             dilation=dilation, groups=groups)


@st.composite
def conv_cases(draw):
    """A conv2d configuration with an input at least as large as the dilated kernel."""
    groups = draw(st.sampled_from([1, 2, 3]))
    depthwise = draw(st.booleans())
    C_in = groups if depthwise else groups * draw(st.integers(1, 2))
    C_out = C_in if depthwise else groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    kind = draw(st.sampled_from(["int", "tuple", "same", "valid"]))
    padding = {"int": draw(st.integers(0, 2)),
               "tuple": (draw(st.integers(0, 2)), draw(st.integers(0, 2))),
               "same": "same", "valid": "valid"}[kind]
    stride = (1, 1) if kind == "same" else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    H, W = (span + draw(st.integers(0, 6)) for span in spans)
    return dict(shape=(draw(st.integers(1, 3)), C_in, H, W),
                weight_shape=(C_out, C_in // groups, *kernel), bias=draw(st.booleans()),
                stride=stride, padding=padding, dilation=dilation, groups=groups,
                seed=draw(st.integers(0, 2**16)))


@given(case=conv_cases(), dtype=DTYPES)
def test_conv2d_hypothesis(case, dtype):
    rng = np.random.default_rng(case["seed"])
    arrays = [random(rng, *case["shape"]), random(rng, *case["weight_shape"]),
              random(rng, case["weight_shape"][0]) if case["bias"] else None]
    check_op(F.conv2d, TF.conv2d, arrays, dtype, stride=case["stride"],
             padding=case["padding"], dilation=case["dilation"], groups=case["groups"])


def test_conv2d_lenet_first_layer_float32():
    rng = np.random.default_rng(1)
    arrays = [random(rng, 64, 1, 28, 28), random(rng, 6, 1, 5, 5), random(rng, 6)]
    # the weight gradient sums 36,864 products: float32 rounding near zero is ~1e-3
    check_op(F.conv2d, TF.conv2d, arrays, np.float32, atol=1e-3)


def test_conv2d_unbatched_input():
    rng = np.random.default_rng(2)
    y = check_op(F.conv2d, TF.conv2d, [random(rng, 2, 6, 5), random(rng, 3, 2, 3, 3), None],
                 np.float64, padding="same")
    assert y.shape == (3, 6, 5)


def test_conv2d_input_gradient_skipped_for_data():
    # The first layer's input needs no gradient: only weight and bias get one.
    rng = np.random.default_rng(3)
    x = gb.tensor(random(rng, 2, 1, 6, 6))
    weight = gb.tensor(random(rng, 2, 1, 3, 3), requires_grad=True)
    F.conv2d(x, weight).sum().backward()
    expected = torch.ones(2, 2, 4, 4, dtype=torch.float64)
    x_torch = torch.tensor(x.numpy())
    expected_grad = torch.nn.grad.conv2d_weight(x_torch, (2, 1, 3, 3), expected)
    assert x.grad is None
    assert_close(weight.grad, expected_grad, 1e-7, 1e-9, "weight gradient")


def test_conv2d_frozen_weight_still_passes_input_gradient():
    # transfer learning freezes the weights: only the input (and bias) get gradients
    rng = np.random.default_rng(10)
    x = gb.tensor(random(rng, 2, 3, 6, 6), requires_grad=True)
    weight = gb.tensor(random(rng, 4, 3, 3, 3))
    F.conv2d(x, weight, padding=1).sum().backward()
    x_torch = torch.tensor(x.numpy(), requires_grad=True)
    TF.conv2d(x_torch, torch.tensor(weight.numpy()), padding=1).sum().backward()
    assert weight.grad is None
    assert_close(x.grad, x_torch.grad, 1e-7, 1e-9, "input gradient")


# ------------------------------------------------------------------- conv_transpose2d

@pytest.mark.parametrize("stride, padding, output_padding, dilation, grouping", [
    (1, 0, 0, 1, "single"), (2, 0, 1, 1, "single"), (2, 1, 0, 1, "two groups"),
    ((2, 3), (1, 0), (1, 2), 1, "single"), (1, 1, 1, 2, "single"),  # op < dilation only
    (3, 2, 2, (1, 2), "depthwise"), (2, (0, 1), 0, 2, "two groups"),
])
def test_conv_transpose2d_cases(stride, padding, output_padding, dilation, grouping):
    rng = np.random.default_rng(4)
    C_in, C_out, groups = channels_for(grouping)
    arrays = [random(rng, 2, C_in, 5, 4), random(rng, C_in, C_out // groups, 3, 2),
              random(rng, C_out)]
    for dtype in (np.float64, np.float32):
        check_op(F.conv_transpose2d, TF.conv_transpose2d, arrays, dtype, stride=stride,
                 padding=padding, output_padding=output_padding, groups=groups,
                 dilation=dilation)


@given(case=conv_cases(), output_padding=st.integers(0, 2), dtype=DTYPES)
def test_conv_transpose2d_hypothesis(case, output_padding, dtype):
    stride = case["stride"]
    dilation = case["dilation"]
    padding = case["padding"] if isinstance(case["padding"], (int, tuple)) else 0
    padding = (padding, padding) if isinstance(padding, int) else padding
    # torch: output_padding must be smaller than stride or dilation
    output_padding = tuple(min(output_padding, max(s, d) - 1) for s, d in zip(stride, dilation))
    C_out, C_in_g, kH, kW = case["weight_shape"]
    groups = case["groups"]
    C_in = C_in_g * groups
    N, _, H, W = case["shape"]
    # keep the output at least one pixel: (H-1) s - 2 p + d (k-1) + op + 1 >= 1
    H = max(H, 1 + (2 * padding[0]) // stride[0])
    W = max(W, 1 + (2 * padding[1]) // stride[1])
    rng = np.random.default_rng(case["seed"])
    arrays = [random(rng, N, C_out, H, W), random(rng, C_out, C_in // groups, kH, kW),
              random(rng, C_in) if case["bias"] else None]
    check_op(F.conv_transpose2d, TF.conv_transpose2d, arrays, dtype, stride=stride,
             padding=padding, output_padding=output_padding, groups=groups, dilation=dilation)


# -------------------------------------------------------------------------- pooling

@st.composite
def pool_cases(draw, dilated=True):
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilated else (1, 1)
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    H, W = (span + draw(st.integers(0, 6)) for span in spans)
    batched = draw(st.booleans())
    shape = (draw(st.integers(1, 3)), 2, H, W) if batched else (2, H, W)
    return dict(shape=shape, kernel_size=kernel, stride=stride, padding=padding,
                dilation=dilation, ceil_mode=draw(st.booleans()),
                seed=draw(st.integers(0, 2**16)))


@given(case=pool_cases(), dtype=DTYPES)
def test_max_pool2d_hypothesis(case, dtype):
    rng = np.random.default_rng(case.pop("seed"))
    x = random(rng, *case.pop("shape"))
    check_op(F.max_pool2d, TF.max_pool2d, [x], dtype, **case)
    ours, indices = F.max_pool2d(gb.tensor(x), return_indices=True, **case)
    theirs, torch_indices = TF.max_pool2d(torch.tensor(x), return_indices=True, **case)
    np.testing.assert_array_equal(indices.numpy(), torch_indices.numpy())
    assert indices.dtype == np.int64


@pytest.mark.parametrize("kwargs", [dict(kernel_size=2), dict(kernel_size=3, stride=1),
                                    dict(kernel_size=2, stride=1, padding=1)])
def test_max_pool2d_ties_and_nan_follow_torch(kwargs):
    # ties: the first maximum in the window wins; a NaN wins over any number
    x = np.array([[[[1, np.nan, 3, 3], [np.nan, 2, 3, 0], [1, 1, 5, 5], [1, 1, 5, 5]]]],
                 dtype=np.float32)
    ours, indices = F.max_pool2d(gb.tensor(x), return_indices=True, **kwargs)
    theirs, torch_indices = TF.max_pool2d(torch.tensor(x), return_indices=True, **kwargs)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())  # NaN == NaN here
    np.testing.assert_array_equal(indices.numpy(), torch_indices.numpy())


def test_max_pool2d_overlapping_windows_accumulate_gradient():
    # stride 1 < kernel 3: one pixel can win several windows, its gradient is their sum
    x = np.zeros((1, 1, 5, 5))
    x[0, 0, 2, 2] = 10.0
    y = check_op(F.max_pool2d, TF.max_pool2d, [x + 1e-3 * np.arange(25).reshape(1, 1, 5, 5)],
                 np.float64, kernel_size=3, stride=1)
    assert y.shape == (1, 1, 3, 3)


@given(case=pool_cases(dilated=False), count_include_pad=st.booleans(),
       divisor_override=st.sampled_from([None, 3]), dtype=DTYPES)
def test_avg_pool2d_hypothesis(case, count_include_pad, divisor_override, dtype):
    rng = np.random.default_rng(case.pop("seed"))
    x = random(rng, *case.pop("shape"))
    case.pop("dilation")
    check_op(F.avg_pool2d, TF.avg_pool2d, [x], dtype, count_include_pad=count_include_pad,
             divisor_override=divisor_override, **case)


@pytest.mark.parametrize("input_hw, output_size", [
    ((7, 9), 3), ((10, 4), (4, 3)), ((5, 5), (5, None)), ((3, 4), 7), ((28, 28), 1),
])
def test_adaptive_avg_pool2d(input_hw, output_size):
    x = random(np.random.default_rng(5), 2, 3, *input_hw)
    for dtype in (np.float64, np.float32):
        check_op(F.adaptive_avg_pool2d, TF.adaptive_avg_pool2d, [x], dtype,
                 output_size=output_size)


# ---------------------------------------------------------------------- pad, resize

@pytest.mark.parametrize("shape, widths, mode", [
    ((2, 3, 4, 5), (1, 2, 3, 0), "constant"),
    ((2, 3, 4, 5), (-1, 2, 0, -2), "constant"),
    ((4, 5), (2, 1), "constant"),
    ((2, 3, 4, 5, 2), (1, 1, 0, 2, 3, 1), "constant"),
    ((2, 3, 4, 5), (1, 2, 3, 1), "replicate"),
    ((3, 4, 5), (2, 0), "replicate"),
    ((2, 3, 4, 5), (1, 2, 3, 1), "reflect"),
    ((2, 3, 4, 5), (2, 1, 3, 4), "circular"),
    ((1, 2, 3, 4, 5), (1, 1, 1, 1, 1, 1), "replicate"),
])
def test_pad(shape, widths, mode):
    x = random(np.random.default_rng(6), *shape)
    for dtype in (np.float64, np.float32):
        check_op(F.pad, TF.pad, [x], dtype, pad=widths, mode=mode)


def test_pad_constant_value():
    x = random(np.random.default_rng(7), 2, 2, 3)
    check_op(F.pad, TF.pad, [x], np.float64, pad=(1, 1), value=-2.5)


@pytest.mark.parametrize("shape, size, scale_factor, mode", [
    ((2, 3, 4, 5), None, 2, "nearest"),
    ((2, 3, 4, 5), (7, 3), None, "nearest"),
    ((2, 3, 6, 5), None, (0.5, 1.5), "nearest"),
    ((2, 3, 4, 5), None, 1.7, "nearest"),
    ((2, 3, 4, 5), (9, 11), None, "nearest-exact"),
    ((2, 3, 7), 3, None, "nearest"),
    ((1, 2, 2, 3, 4), None, 2, "nearest"),
])
def test_interpolate(shape, size, scale_factor, mode):
    x = random(np.random.default_rng(8), *shape)
    for dtype in (np.float64, np.float32):
        check_op(F.interpolate, TF.interpolate, [x], dtype, size=size,
                 scale_factor=scale_factor, mode=mode)


def test_upsample_nearest_is_interpolate():
    x = random(np.random.default_rng(9), 1, 2, 3, 3)
    check_op(F.upsample_nearest, TF.upsample_nearest, [x], np.float64, scale_factor=2)
