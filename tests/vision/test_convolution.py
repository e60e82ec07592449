"""glassbox.vision convolution vs scipy.signal, scipy.ndimage and torch.nn.functional.conv2d."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import ndimage, signal

from glassbox.vision import conv2d, convolve2d, correlate2d, output_shape

TOLERANCE = {np.float64: 1e-10, np.float32: 1e-4}


def torch_correlate(x, w, stride, padding, dilation, padding_mode):
    """torch's conv2d of one (H, W) image with one (kH, kW) kernel, float64.

    ``padding`` is torch's: an int pair, or 'valid'/'same' (zeros, stride 1 only).
    """
    x_t = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float64))[None, None]
    w_t = torch.from_numpy(np.ascontiguousarray(w, dtype=np.float64))[None, None]
    if padding_mode == "replicate":
        pad_h, pad_w = padding
        x_t = F.pad(x_t, (pad_w, pad_w, pad_h, pad_h), mode="replicate")
        padding = 0
    return F.conv2d(x_t, w_t, stride=stride, padding=padding, dilation=dilation)[0, 0].numpy()


def assert_matches(ours, reference, dtype=np.float64):
    assert ours.dtype == dtype
    assert ours.shape == reference.shape
    np.testing.assert_allclose(ours, reference, rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype])


@st.composite
def conv_cases(draw):
    """An image, a kernel and a padding/stride/dilation/padding-mode combination."""
    kH, kW = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    H, W = draw(st.integers(1, 14)), draw(st.integers(1, 14))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    choices = ["valid", "int", "pair"] + (["same"] if kH % 2 and kW % 2 else [])
    kind = draw(st.sampled_from(choices))
    padding = {"valid": "valid", "same": "same",
               "int": draw(st.integers(0, 3)),
               "pair": (draw(st.integers(0, 3)), draw(st.integers(0, 3)))}[kind]
    padding_mode = draw(st.sampled_from(["zeros", "replicate"]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((H, W)), rng.standard_normal((kH, kW)), padding, stride,
            dilation, padding_mode)


@given(conv_cases())
def test_correlate2d_equals_torch_conv2d(case):
    x, w, padding, stride, dilation, padding_mode = case
    if padding == "same":
        pad_pair = (dilation[0] * (w.shape[0] - 1) // 2, dilation[1] * (w.shape[1] - 1) // 2)
    elif padding == "valid":
        pad_pair = (0, 0)
    else:
        pad_pair = padding if isinstance(padding, tuple) else (padding, padding)
    for axis in range(2):   # skip cases whose dilated kernel is larger than the padded image
        assume(x.shape[axis] + 2 * pad_pair[axis] >= dilation[axis] * (w.shape[axis] - 1) + 1)
    # torch takes the strings 'valid'/'same' only with zeros and (for 'same') stride 1
    torch_takes_string = padding_mode == "zeros" and (padding == "valid" or stride == (1, 1))
    torch_padding = padding if isinstance(padding, str) and torch_takes_string else pad_pair
    ours = correlate2d(x, w, padding, stride, dilation, padding_mode)
    assert_matches(ours, torch_correlate(x, w, stride, torch_padding, dilation, padding_mode))
    assert ours.shape == output_shape(x.shape, w.shape, stride, padding, dilation)


@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 5), st.integers(1, 5),
       st.sampled_from(["valid", "same", "full"]), st.integers(0, 2**16))
def test_correlate2d_and_convolve2d_equal_scipy_signal(H, W, kH, kW, scipy_mode, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal((H, W)), rng.standard_normal((kH, kW))
    if scipy_mode == "valid":
        assume(H >= kH and W >= kW)
        padding = 0
    elif scipy_mode == "same":
        assume(kH % 2 and kW % 2)   # scipy centres even kernels differently; we refuse them
        padding = "same"
    else:
        padding = (kH - 1, kW - 1)  # 'full': every overlap of kernel and image
    assert_matches(correlate2d(x, w, padding), signal.correlate2d(x, w, mode=scipy_mode))
    assert_matches(convolve2d(x, w, padding), signal.convolve2d(x, w, mode=scipy_mode))


@pytest.mark.parametrize(("padding_mode", "scipy_mode"),
                         [("zeros", "constant"), ("replicate", "nearest"),
                          ("edge", "nearest"), ("symmetric", "reflect"),
                          ("reflect", "mirror"), ("circular", "wrap")])
@pytest.mark.parametrize("kernel_size", [(3, 3), (5, 3), (7, 7)])
def test_same_padding_equals_scipy_ndimage_modes(padding_mode, scipy_mode, kernel_size):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((23, 17)), rng.standard_normal(kernel_size)
    assert_matches(correlate2d(x, w, "same", padding_mode=padding_mode),
                   ndimage.correlate(x, w, mode=scipy_mode))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved_and_float32_is_accurate(dtype):
    rng = np.random.default_rng(1)
    x = rng.random((31, 29)).astype(dtype)
    w = rng.standard_normal((5, 5))                   # float64 kernel: the image decides
    ours = correlate2d(x, w, padding=2, stride=2, dilation=1, padding_mode="replicate")
    reference = ndimage.correlate(x.astype(np.float64), w, mode="nearest")[::2, ::2]
    assert_matches(ours, reference.astype(dtype), dtype)


def test_integer_image_becomes_float64_and_matches_course_example():
    x = np.array([[45, 12, 5, 17], [22, 10, 35, 6], [88, 26, 51, 19], [9, 77, 42, 3]])
    sharpen = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    ours = correlate2d(x, sharpen)
    assert ours.dtype == np.float64
    np.testing.assert_array_equal(ours, [[-45, 103], [-96, 133]])   # the course's result


def test_flipped_kernel_convolution_differs_from_correlation_for_sobel():
    rng = np.random.default_rng(2)
    x = rng.random((9, 9))
    sobel = np.outer([1, 2, 1], [-1, 0, 1])
    # a half-turn of Sobel is minus Sobel: convolution = -correlation
    np.testing.assert_allclose(convolve2d(x, sobel, "same"), -correlate2d(x, sobel, "same"))
    np.testing.assert_allclose(convolve2d(x, sobel, "same"),
                               correlate2d(x, sobel[::-1, ::-1], "same"))


@given(st.integers(1, 4), st.integers(3, 10), st.integers(3, 10), st.integers(0, 2**16))
def test_colour_image_per_channel_and_volume_kernels(C, H, W, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((H, W, C))
    w2 = rng.standard_normal((3, 3))
    per_channel = correlate2d(x, w2, "same", padding_mode="replicate")
    assert per_channel.shape == (H, W, C)
    for c in range(C):
        assert_matches(per_channel[..., c], ndimage.correlate(x[..., c], w2, mode="nearest"))
    # A (kH, kW, C) kernel sums the channels: one map, as a CNN's first layer.
    w3 = rng.standard_normal((3, 3, C))
    volume = correlate2d(x, w3, padding=1)
    reference = sum(signal.correlate2d(x[..., c], w3[..., c], mode="same") for c in range(C))
    assert_matches(volume, reference)


@st.composite
def cnn_cases(draw):
    groups = draw(st.integers(1, 3))
    C_in = groups * draw(st.integers(1, 3))
    C_out = groups * draw(st.integers(1, 3))
    N = draw(st.integers(1, 2))
    kH, kW = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride, dilation = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    padding = draw(st.integers(0, 2))
    H = draw(st.integers(dilation * (kH - 1) + 1, 12))
    W = draw(st.integers(dilation * (kW - 1) + 1, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    return (rng.standard_normal((N, C_in, H, W)),
            rng.standard_normal((C_out, C_in // groups, kH, kW)),
            rng.standard_normal(C_out), stride, padding, dilation, groups)


@given(cnn_cases(), st.booleans())
def test_conv2d_equals_torch_with_groups_bias_and_batches(case, unbatched):
    x, w, b, stride, padding, dilation, groups = case
    expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b),
                        stride, padding, dilation, groups).numpy()
    if unbatched:
        x, expected = x[0], expected[0]
    assert_matches(conv2d(x, w, b, stride, padding, dilation, groups), expected)


def test_conv2d_float32_matches_torch_float32():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 16, 16)).astype(np.float32)
    w = rng.standard_normal((8, 3, 3, 3)).astype(np.float32)
    ours = conv2d(x, w, padding=1, stride=2)
    assert_matches(ours, F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=1,
                                  stride=2).numpy(), np.float32)


def test_output_shape_examples():
    assert output_shape((227, 227), 11, stride=4) == (55, 55)
    assert output_shape((7, 9), (3, 5), padding=(1, 2), stride=(2, 1), dilation=2) == (3, 5)
    assert output_shape((8, 8), 3, padding="same", stride=2) == (4, 4)
