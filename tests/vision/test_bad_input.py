"""Bad input gives ValueError/TypeError that names what was expected and what was received."""

import numpy as np
import pytest

from glassbox.vision import (
    canny,
    conv2d,
    correlate2d,
    get_kernel,
    kernels,
    output_shape,
    rgb_to_gray,
    separate_kernel,
)

IMAGE = np.ones((8, 8))
KERNEL = np.ones((3, 3))


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: correlate2d(IMAGE, np.ones((4, 4)), padding="same"), ValueError,
     r"odd kernel size.*\(4, 4\).*no centre"),
    (lambda: correlate2d(IMAGE, np.ones((3, 2)), padding="same"), ValueError, "even width"),
    (lambda: correlate2d(IMAGE, KERNEL, stride=0), ValueError, r"stride.*positive.*stride=0"),
    (lambda: correlate2d(IMAGE, KERNEL, stride=(1, -2)), ValueError, r"stride=\(1, -2\)"),
    (lambda: correlate2d(IMAGE, KERNEL, dilation=0), ValueError, "dilation=0"),
    (lambda: correlate2d(IMAGE, KERNEL, stride=1.5), TypeError, r"int or a pair.*stride=1.5"),
    (lambda: correlate2d(IMAGE, KERNEL, padding=-1), ValueError, "padding=-1"),
    (lambda: correlate2d(IMAGE, KERNEL, padding="full"), ValueError, "'valid', 'same'"),
    (lambda: correlate2d(IMAGE, KERNEL, padding_mode="mirror"), ValueError, "padding_mode"),
    (lambda: correlate2d(np.ones((8, 8, 3)), np.ones((3, 3, 4))), ValueError,
     r"Channel mismatch.*\(8, 8, 3\).*3 channel.*\(3, 3, 4\)"),
    (lambda: correlate2d(IMAGE, np.ones((3, 3, 2))), ValueError, "Channel mismatch"),
    (lambda: correlate2d(np.ones(8), KERNEL), ValueError, r"\(H, W\).*received shape \(8,\)"),
    (lambda: correlate2d(np.ones((1, 2, 8, 8)), KERNEL), ValueError, "conv2d"),
    (lambda: correlate2d(np.array([["a", "b"]]), KERNEL), TypeError, "numeric.*dtype <U1"),
    (lambda: correlate2d(np.array([[1.0, np.nan]]), np.ones((1, 1))), ValueError,
     "finite.*1 NaN"),
    (lambda: correlate2d(IMAGE, [[np.inf]]), ValueError, "kernel.*finite"),
    (lambda: correlate2d(np.ones((2, 2)), KERNEL), ValueError, r"2x2.*3x3"),
    (lambda: conv2d(np.ones((3, 8, 8)), np.ones((4, 2, 3, 3))), ValueError,
     r"Channel mismatch.*C_in=3"),
    (lambda: conv2d(np.ones((4, 8, 8)), np.ones((3, 2, 3, 3)), groups=2), ValueError,
     "divisible by groups"),
    (lambda: conv2d(np.ones((8, 8)), np.ones((1, 1, 3, 3))), ValueError, r"\(C_in, H, W\)"),
    (lambda: conv2d(np.ones((1, 8, 8)), np.ones((1, 1, 3, 3)), bias=np.ones(2)), ValueError,
     r"bias of shape \(1,\)"),
    (lambda: output_shape((8, 8), 3, stride=0), ValueError, "stride"),
    (lambda: separate_kernel(kernels.laplacian_4()), ValueError, "rank 2"),
    (lambda: get_kernel("emboss"), ValueError, "Unknown kernel name 'emboss'"),
    (lambda: kernels.box_blur(4), ValueError, "odd"),
    (lambda: kernels.gaussian_blur(5, sigma=0), ValueError, "sigma=0"),
    (lambda: canny(np.ones((8, 8, 3))), ValueError, r"2-D grayscale.*\(8, 8, 3\).*rgb_to_gray"),
    (lambda: canny(np.array([[np.nan]])), ValueError, "finite"),
    (lambda: canny(np.array([["x"]])), TypeError, "numeric"),
    (lambda: canny(IMAGE, low_threshold=0.5, high_threshold=0.1), ValueError, "Swap"),
    (lambda: canny(IMAGE, mode="edge"), ValueError, "mode"),
    (lambda: rgb_to_gray(np.ones((4, 4))), ValueError, r"\(H, W, 3\)"),
])
def test_bad_input_raises_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()

