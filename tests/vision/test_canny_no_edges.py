"""Canny on images without edge candidates returns an all-False map, as scikit-image does."""

import numpy as np
import pytest
from skimage import feature

from glassbox.vision import canny
from glassbox.vision.edges import hysteresis_threshold

IMAGES = {
    "blank": np.zeros((32, 40)),
    "constant": np.full((32, 40), 0.5),
    "faint-gradient": np.tile(np.linspace(0.0, 0.01, 40), (32, 1)),
    "tiny": np.ones((3, 3)),
    "float32-constant": np.full((20, 20), 7.0, dtype=np.float32),
}


@pytest.mark.parametrize("name", IMAGES)
@pytest.mark.parametrize("sigma", [0.5, 1.0, 3.0])
def test_an_image_without_edges_equals_skimage(name, sigma):
    image = IMAGES[name]
    ours = canny(image, sigma)
    theirs = feature.canny(image, sigma)
    assert ours.dtype == bool and ours.shape == image.shape
    np.testing.assert_array_equal(ours, theirs)
    assert not ours.any()


def test_hysteresis_of_no_candidate_is_empty():
    nothing = np.zeros((4, 5), dtype=bool)
    np.testing.assert_array_equal(hysteresis_threshold(nothing, nothing), nothing)
