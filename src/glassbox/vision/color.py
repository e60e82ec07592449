"""Colour to grayscale, and integer images to floats in [0, 1]."""

from __future__ import annotations

import numpy as np

from glassbox.vision._checks import as_float_array

__all__ = ["rgb_to_gray", "to_float_image"]

# ITU-R BT.709 luma weights (those of skimage.color.rgb2gray): the eye is most sensitive
# to green, least to blue.
LUMA_WEIGHTS = np.array([0.2125, 0.7154, 0.0721])


def to_float_image(image) -> np.ndarray:
    """An image as floats: unsigned integers scaled to [0, 1] by their dtype's maximum.

    uint8 pixel ``v`` becomes ``v / 255``; float32 and float64 are kept as they are;
    bools become 0.0 / 1.0.

    Examples
    --------
    >>> to_float_image(np.array([0, 51, 255], dtype=np.uint8))
    array([0. , 0.2, 1. ])
    """
    array = np.asarray(image)
    if array.dtype.kind == "u":
        return array / np.iinfo(array.dtype).max
    return as_float_array(array, "image")


def rgb_to_gray(image) -> np.ndarray:
    """Luminance of an RGB image: ``0.2125 R + 0.7154 G + 0.0721 B`` on [0, 1] floats.

    Parameters
    ----------
    image : array-like of shape (H, W, 3)
        uint8 (scaled by 1/255 first) or float in [0, 1].

    Returns
    -------
    ndarray of shape (H, W), float64 (float32 for a float32 input)

    See Also
    --------
    skimage.color.rgb2gray

    Examples
    --------
    >>> rgb_to_gray(np.array([[[255, 255, 255], [0, 255, 0]]], dtype=np.uint8))
    array([[1.    , 0.7154]])
    """
    x = to_float_image(image)
    if x.ndim != 3 or x.shape[2] != 3:
        raise ValueError(
            f"Expected an RGB image of shape (H, W, 3), received shape {x.shape}."
        )
    return x @ LUMA_WEIGHTS.astype(x.dtype)   # (H, W, 3) @ (3,) -> (H, W)
