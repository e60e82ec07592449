"""Kernel catalogue, spatially separable and depthwise-separable convolution."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from scipy import ndimage

from glassbox.vision import (
    KERNELS,
    correlate2d,
    depthwise_conv2d,
    depthwise_separable_conv2d,
    depthwise_separable_cost,
    get_kernel,
    kernels,
    separable_correlate2d,
    separable_cost_ratio,
    separate_kernel,
    spatial_separable_cost,
    standard_conv_cost,
)

# edge_diagonal is [1, 0, -1]^T [1, 0, -1]: rank 1 like the blurs and derivatives
SEPARABLE = ["identity", "box_blur", "binomial_blur", "gaussian_blur", "sobel_x", "sobel_y",
             "prewitt_x", "prewitt_y", "edge_diagonal"]
NOT_SEPARABLE = {"laplacian_4": 2, "laplacian_8": 2, "sharpen": 2}


def test_catalogue_has_the_course_kernels():
    np.testing.assert_array_equal(KERNELS["laplacian_4"](), [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    np.testing.assert_array_equal(kernels.laplacian_8(), [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])
    np.testing.assert_array_equal(kernels.edge_diagonal(), [[1, 0, -1], [0, 0, 0], [-1, 0, 1]])
    np.testing.assert_array_equal(kernels.sharpen(), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    np.testing.assert_array_equal(kernels.binomial_blur() * 16, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    for blur in ("box_blur", "binomial_blur", "gaussian_blur", "identity", "sharpen"):
        assert get_kernel(blur).sum() == pytest.approx(1.0)   # brightness kept
    for detector in ("laplacian_4", "laplacian_8", "edge_diagonal", "sobel_x", "prewitt_y"):
        assert get_kernel(detector).sum() == pytest.approx(0.0)  # flat regions -> 0


def test_sobel_prewitt_and_gaussian_match_scipy():
    x = np.random.default_rng(0).random((20, 30))

    def filtered(kernel):   # scipy.ndimage's default border mode 'reflect' = our 'symmetric'
        return correlate2d(x, kernel, "same", padding_mode="symmetric")

    np.testing.assert_allclose(filtered(kernels.sobel_x()), ndimage.sobel(x, axis=1), atol=1e-12)
    np.testing.assert_allclose(filtered(kernels.sobel_y()), ndimage.sobel(x, axis=0), atol=1e-12)
    np.testing.assert_allclose(filtered(kernels.prewitt_x()), ndimage.prewitt(x, axis=1),
                               atol=1e-12)
    # gaussian_filter with truncate=2 uses a radius of 2: a 5x5 kernel
    np.testing.assert_allclose(filtered(kernels.gaussian_blur(5, 1.0)),
                               ndimage.gaussian_filter(x, 1.0, truncate=2.0), atol=1e-12)


def test_identity_kernel_leaves_the_image_unchanged():
    x = np.random.default_rng(1).random((9, 7)).astype(np.float32)
    np.testing.assert_array_equal(correlate2d(x, kernels.identity(5), "same"), x)


@pytest.mark.parametrize("name", SEPARABLE)
def test_separable_kernels_split_into_column_and_row(name):
    kernel = get_kernel(name)
    column, row = separate_kernel(kernel)
    np.testing.assert_allclose(np.outer(column, row), kernel, atol=1e-12)


@pytest.mark.parametrize(("name", "rank"), NOT_SEPARABLE.items())
def test_non_separable_kernels_are_refused_with_their_rank(name, rank):
    with pytest.raises(ValueError, match=f"rank {rank}"):
        separate_kernel(get_kernel(name))


@given(st.integers(1, 7), st.integers(1, 7), st.integers(7, 20), st.integers(7, 20),
       st.integers(1, 3), st.integers(1, 2), st.sampled_from([0, 1, 3]),
       st.sampled_from(["zeros", "replicate"]), st.integers(0, 2**16))
def test_separable_equals_full_kernel(kH, kW, H, W, stride, dilation, padding, mode, seed):
    rng = np.random.default_rng(seed)
    column, row = rng.standard_normal(kH), rng.standard_normal(kW)
    x = rng.standard_normal((H + dilation * kH, W + dilation * kW))
    full = correlate2d(x, np.outer(column, row), padding, stride, dilation, mode)
    two_pass = separable_correlate2d(x, column, row, padding, stride, dilation, mode)
    np.testing.assert_allclose(two_pass, full, atol=1e-10)
    # and through the SVD split of the full kernel
    c, r = separate_kernel(np.outer(column, row))
    np.testing.assert_allclose(separable_correlate2d(x, c, r, padding, stride, dilation, mode),
                               full, atol=1e-9)


def test_separable_cost_counts():
    cost = spatial_separable_cost(3, (512, 512))
    assert (cost["full_per_pixel"], cost["separable_per_pixel"]) == (9, 6)
    assert cost["full_total"] == 9 * 512 * 512 and cost["separable_total"] == 6 * 512 * 512
    cost = spatial_separable_cost(7, (512, 512), padding="valid")
    assert cost["output_pixels"] == 506 * 506 and cost["saving"] == pytest.approx(49 / 14)


@given(st.integers(1, 4), st.integers(1, 6), st.sampled_from([1, 3, 5]), st.integers(1, 2),
       st.integers(0, 2), st.integers(1, 2), st.integers(0, 2**16))
def test_depthwise_separable_equals_torch_groups_then_pointwise(M, N_out, k, stride, padding,
                                                                 depth_multiplier, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, M, 9, 8))
    w_dw = rng.standard_normal((M * depth_multiplier, 1, k, k))
    b_dw = rng.standard_normal(M * depth_multiplier)
    w_pw = rng.standard_normal((N_out, M * depth_multiplier, 1, 1))
    b_pw = rng.standard_normal(N_out)
    t = torch.from_numpy
    depthwise = F.conv2d(t(x), t(w_dw), t(b_dw), stride, padding, groups=M)
    expected = F.conv2d(depthwise, t(w_pw), t(b_pw)).numpy()
    np.testing.assert_allclose(depthwise_conv2d(x, w_dw, b_dw, stride, padding),
                               depthwise.numpy(), atol=1e-10)
    ours = depthwise_separable_conv2d(x, w_dw, w_pw, b_dw, b_pw, stride, padding)
    np.testing.assert_allclose(ours, expected, atol=1e-10)


def test_mobilenet_costs_follow_howard_et_al():
    # Howard et al. 2017, section 3.1: D_K=3, M=N=512, D_F=14
    standard = standard_conv_cost(3, 512, 512, 14)
    separable = depthwise_separable_cost(3, 512, 512, 14)
    assert standard == {"params": 3 * 3 * 512 * 512, "mult_adds": 3 * 3 * 512 * 512 * 14 * 14}
    assert separable["mult_adds"] == 3 * 3 * 512 * 14 * 14 + 512 * 512 * 14 * 14
    assert separable["mult_adds"] / standard["mult_adds"] == pytest.approx(
        separable_cost_ratio(3, 512))
    # width multiplier alpha: about alpha^2 of the cost; resolution multiplier rho: rho^2
    half = depthwise_separable_cost(3, 512, 512, 14, alpha=0.5)
    assert half["mult_adds"] == 3 * 3 * 256 * 14 * 14 + 256 * 256 * 14 * 14
    assert half["params"] == 3 * 3 * 256 + 256 * 256
    small = depthwise_separable_cost(3, 512, 512, 14, rho=0.5)
    assert small["mult_adds"] == separable["mult_adds"] // 4
    with pytest.raises(ValueError, match="alpha"):
        depthwise_separable_cost(3, 512, 512, 14, alpha=1.5)


def test_separable_on_colour_image_keeps_channels_and_float32():
    rng = np.random.default_rng(4)
    x = rng.random((12, 10, 3)).astype(np.float32)
    column, row = separate_kernel(kernels.gaussian_blur(5, 1.0))
    two_pass = separable_correlate2d(x, column, row, "same", padding_mode="replicate")
    assert two_pass.shape == (12, 10, 3) and two_pass.dtype == np.float32
    np.testing.assert_allclose(
        two_pass, correlate2d(x, kernels.gaussian_blur(5, 1.0), "same", padding_mode="replicate"),
        atol=1e-6)
