"""The weights of linear and cubic interpolation along one axis (``F.interpolate``'s
'linear', 'bilinear', 'trilinear' and 'bicubic' modes), as (out, in) matrices.

Every interpolation mode of ``interpolate`` is *separable*: resizing an image is resizing
its rows and then its columns, and each 1-D resize is a fixed matrix ``M`` (out, in) with
``y = M x``. So one Function (``_conv.AxisMaps``) applies every mode, and its gradient is
``M^T`` -- the same as for nearest upsampling and adaptive average pooling, which are
matrices too. This module only computes ``M``, with torch's rules:

- the source coordinate of output pixel ``i`` is ``i * (in - 1) / (out - 1)`` with
  ``align_corners=True`` (the corner pixels' centres coincide), else
  ``(i + 0.5) * scale - 0.5`` (pixel areas coincide; ``scale = 1 / scale_factor`` when
  given, ``in / out`` otherwise), clamped at 0 for the linear modes;
- linear: the two neighbours ``floor(src)`` and the next, weights ``1 - t`` and ``t``;
- cubic: the four neighbours ``floor(src) - 1 .. + 2`` (clamped to the image) with Keys'
  cubic convolution weights, A = -0.75 (torch's and OpenCV's value).
"""

from __future__ import annotations

import numpy as np

__all__ = ["linear_weights", "cubic_weights"]

_CUBIC_A = -0.75


def _source_coordinates(in_size: int, out_size: int, scale, align_corners: bool,
                        cubic: bool, dtype) -> np.ndarray:
    """torch's ``area_pixel_compute_source_index`` for every output pixel."""
    destination = np.arange(out_size, dtype=dtype)
    if align_corners:
        step = dtype((in_size - 1) / (out_size - 1)) if out_size > 1 else dtype(0)
        return destination * step
    step = dtype(1.0 / scale) if scale else dtype(in_size) / dtype(out_size)
    source = step * (destination + dtype(0.5)) - dtype(0.5)
    return source if cubic else np.maximum(source, dtype(0))


def _compute_dtype(dtype) -> type:
    # torch's arithmetic type: float for float32 (and half) inputs, double for double
    return np.float64 if np.dtype(dtype) == np.float64 else np.float32


def linear_weights(in_size: int, out_size: int, scale, align_corners: bool,
                   dtype) -> np.ndarray:
    """(out_size, in_size) matrix of linear interpolation (two weights per row).

    Examples
    --------
    >>> linear_weights(2, 4, None, False, np.float64)
    array([[1.  , 0.  ],
           [0.75, 0.25],
           [0.25, 0.75],
           [0.  , 1.  ]])
    """
    compute = _compute_dtype(dtype)
    source = _source_coordinates(in_size, out_size, scale, align_corners, False, compute)
    left = np.minimum(np.floor(source).astype(np.int64), in_size - 1)
    right = np.minimum(left + 1, in_size - 1)              # the last pixel has no right
    t = source - left                                       # distance to the left pixel
    matrix = np.zeros((out_size, in_size), dtype=compute)
    rows = np.arange(out_size)
    np.add.at(matrix, (rows, left), 1 - t)
    np.add.at(matrix, (rows, right), t)
    return matrix.astype(dtype)


def _cubic_coefficients(t: np.ndarray) -> list[np.ndarray]:
    """Keys' cubic convolution weights of the neighbours at distances 1 + t, t, 1 - t,
    2 - t (torch's ``get_cubic_upsample_coefficients``)."""
    A = _CUBIC_A

    def near(x):  # |x| <= 1
        return ((A + 2) * x - (A + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def cubic_weights(in_size: int, out_size: int, scale, align_corners: bool,
                  dtype) -> np.ndarray:
    """(out_size, in_size) matrix of cubic (bicubic, per axis) interpolation.

    Neighbours outside the image repeat its edge pixel, so rows still sum to 1.

    Examples
    --------
    >>> cubic_weights(4, 2, None, True, np.float64)
    array([[1., 0., 0., 0.],
           [0., 0., 0., 1.]])
    """
    compute = _compute_dtype(dtype)
    source = _source_coordinates(in_size, out_size, scale, align_corners, True, compute)
    base = np.floor(source).astype(np.int64)
    t = source - base
    matrix = np.zeros((out_size, in_size), dtype=compute)
    rows = np.arange(out_size)
    for offset, weight in zip(range(-1, 3), _cubic_coefficients(t)):
        np.add.at(matrix, (rows, np.clip(base + offset, 0, in_size - 1)), weight)
    return matrix.astype(dtype)
