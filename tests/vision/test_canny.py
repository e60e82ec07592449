"""Canny from scratch vs skimage.feature.canny, step by step and on the sample photo."""

import numpy as np
import pytest
from scipy import ndimage
from skimage import feature, filters
from skimage.color import rgb2gray
from sklearn.datasets import load_sample_image

from glassbox.vision import canny, rgb_to_gray
from glassbox.vision.edges import connected_components, gaussian_smooth, sobel_gradients


@pytest.fixture(scope="module")
def china_gray():
    return rgb_to_gray(load_sample_image("china.jpg"))


def test_grayscale_equals_skimage(china_gray):
    np.testing.assert_allclose(china_gray, rgb2gray(load_sample_image("china.jpg")), atol=1e-12)


@pytest.mark.parametrize(("sigma", "low", "high", "dtype"), [
    (1.0, None, None, np.float64),
    (2.0, 0.05, 0.15, np.float64),
    (3.0, 0.02, 0.08, np.float32),
])
def test_canny_agrees_with_skimage_on_the_sample_photo(china_gray, sigma, low, high, dtype):
    image = china_gray.astype(dtype)
    ours = canny(image, sigma, low, high)
    theirs = feature.canny(image, sigma, low, high)
    assert ours.dtype == bool and ours.shape == image.shape
    assert ours.any()
    np.testing.assert_array_equal(ours, theirs)  # the same edge map, pixel for pixel


@pytest.mark.parametrize("mode", ["constant", "nearest", "reflect"])
def test_uint8_image_thresholds_and_border_modes_match_skimage(china_gray, mode):
    image = (china_gray[:200, :300] * 255).astype(np.uint8)
    ours = canny(image, 1.5, 20, 50, mode=mode)
    theirs = feature.canny(image, 1.5, 20, 50, mode=mode)
    np.testing.assert_array_equal(ours, theirs)
    # the border mode matters: another mode's map differs near the border
    other = "reflect" if mode == "constant" else "constant"
    assert np.any(ours != canny(image, 1.5, 20, 50, mode=other))


def test_steps_match_skimage_filters(china_gray):
    image = china_gray[:100, :120]
    np.testing.assert_allclose(gaussian_smooth(image, 2.0, mode="nearest"),
                               filters.gaussian(image, sigma=2.0, mode="nearest"), atol=1e-12)
    g_y, g_x, magnitude = sobel_gradients(image)
    np.testing.assert_allclose(g_y, ndimage.sobel(image, axis=0), atol=1e-12)
    np.testing.assert_allclose(g_x, ndimage.sobel(image, axis=1), atol=1e-12)


def test_connected_components_equal_scipy_label():
    rng = np.random.default_rng(0)
    for density in (0.2, 0.45, 0.6):
        mask = rng.random((60, 70)) < density
        ours = connected_components(mask)
        theirs, count = ndimage.label(mask, structure=np.ones((3, 3)))
        # the same partition: labels correspond one to one
        pairs = set(zip(ours[mask].tolist(), theirs[mask].tolist()))
        assert len(pairs) == count == len(np.unique(ours[mask]))
        assert np.all(ours[~mask] == -1)


def test_hysteresis_keeps_weak_edges_linked_to_strong_ones():
    # a horizontal step edge whose contrast fades from left to right
    image = np.zeros((20, 40))
    image[10:, :] = np.linspace(1.0, 0.1, 40)
    edges_linked = canny(image, 1.0, low_threshold=0.1, high_threshold=1.0)
    edges_strong_only = canny(image, 1.0, low_threshold=1.0, high_threshold=1.0)
    assert edges_linked.sum() > edges_strong_only.sum() > 0
    np.testing.assert_array_equal(edges_linked, feature.canny(image, 1.0, 0.1, 1.0))
