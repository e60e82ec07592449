"""Deterministic image operations on a batch of NCHW arrays (``transforms.functional``).

Every function takes ``x`` of shape (N, C, H, W) (float, values usually in [0, 1]) and,
where the operation has parameters, one value per image (an array of length N, or a
scalar for all). The random transforms of :mod:`glassbox.data.transforms` draw those
parameters and call these functions.

Geometric transforms (rotation, affine) are computed by *inverse mapping*: for every
output pixel we ask where it comes from in the input and sample the input there, by
nearest neighbour or bilinear interpolation. Pixels that come from outside the input
take the ``fill`` value (bilinear blends the border with it, like scipy.ndimage's
``mode="grid-constant"`` and torch's ``grid_sample`` with zero padding). All images of
the batch are resampled at once: the coordinates are an (N, H, W) array, the lookup one
``take_along_axis``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassbox._windows import sliding_windows

__all__ = ["check_batch", "hflip", "vflip", "normalize", "pad", "crop", "affine", "rotate",
           "adjust_brightness", "adjust_contrast", "adjust_saturation", "rgb_to_grayscale"]

INTERPOLATIONS = ("nearest", "bilinear")


def check_batch(x: Any, name: str = "transform") -> np.ndarray:
    """Return ``x`` if it is a float array of shape (N, C, H, W), else raise a clear error.

    Raises
    ------
    TypeError
        Not a NumPy array, or not floating point.
    ValueError
        Not 4-D, or (N, H, W, C)-looking: the last axis has 1, 3 or 4 entries and the
        second more than 4.

    Examples
    --------
    >>> check_batch(np.zeros((8, 28, 28, 1), np.float32))
    Traceback (most recent call last):
    ...
    ValueError: transform expects a batch in NCHW layout ...
    """
    if not isinstance(x, np.ndarray):
        hint = " (for a Tensor, pass tensor.numpy())" if hasattr(x, "numpy") else ""
        raise TypeError(f"{name} expects a NumPy array of shape (N, C, H, W), received "
                        f"{type(x).__name__}{hint}.")
    if x.ndim != 4:
        hint = " For one image of shape (C, H, W), pass x[None]." if x.ndim == 3 else ""
        raise ValueError(f"{name} expects a batch of images of shape (N, C, H, W), received "
                         f"an array of shape {x.shape}.{hint}")
    # NHWC: a small last axis (gray, RGB, RGBA) after a large "channel" axis (a height).
    if x.shape[-1] in (1, 3, 4) and x.shape[1] > 4:
        raise ValueError(f"{name} expects a batch in NCHW layout (N, C, H, W), received shape "
                         f"{x.shape}, which looks like NHWC (channels last). Convert it with "
                         "x.transpose(0, 3, 1, 2).")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} expects floating-point images, received dtype {x.dtype}. "
                        "Convert them, e.g. x.astype(np.float32) / 255.")
    return x


def _per_image(value: Any, n: int, name: str) -> np.ndarray:
    """A parameter as one float64 value per image: shape (n,)."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0:
        return np.full(n, float(array))
    if array.shape != (n,):
        raise ValueError(f"{name}: expected a scalar or one value per image (shape ({n},)), "
                         f"received shape {array.shape}.")
    return array


def _per_channel(value: Any, channels: int, name: str, dtype: np.dtype) -> np.ndarray:
    """A scalar or per-channel sequence, shaped (1, C, 1, 1) to broadcast over a batch."""
    array = np.asarray(value, dtype=dtype)
    if array.ndim == 0:
        array = np.full(channels, array, dtype=dtype)
    if array.shape != (channels,):
        raise ValueError(f"{name}: expected a scalar or {channels} values (one per channel), "
                         f"received {value!r}.")
    return array.reshape(1, channels, 1, 1)


def hflip(x: np.ndarray) -> np.ndarray:
    """Mirror every image left-right.

    Examples
    --------
    >>> hflip(np.arange(3.0).reshape(1, 1, 1, 3))
    array([[[[2., 1., 0.]]]])
    """
    return check_batch(x, "hflip")[..., ::-1].copy()


def vflip(x: np.ndarray) -> np.ndarray:
    """Mirror every image top-bottom.

    Examples
    --------
    >>> vflip(np.arange(2.0).reshape(1, 1, 2, 1)).ravel()
    array([1., 0.])
    """
    return check_batch(x, "vflip")[..., ::-1, :].copy()


def normalize(x: np.ndarray, mean: Sequence[float], std: Sequence[float]) -> np.ndarray:
    """``(x - mean[c]) / std[c]`` for each channel ``c``.

    Examples
    --------
    >>> normalize(np.ones((1, 2, 1, 1)), mean=[0.5, 0.0], std=[0.5, 2.0]).ravel()
    array([1. , 0.5])
    """
    x = check_batch(x, "normalize")
    mean_c = _per_channel(mean, x.shape[1], "mean", x.dtype)
    std_c = _per_channel(std, x.shape[1], "std", x.dtype)
    if np.any(std_c == 0):
        raise ValueError(f"std evaluated to zero after conversion to {x.dtype}, leading to "
                         f"division by zero: received std={std!r}.")
    return (x - mean_c) / std_c


def _padding_sides(padding: int | Sequence[int]) -> tuple[int, int, int, int]:
    """torchvision's padding argument as (left, top, right, bottom)."""
    sides = (padding,) if isinstance(padding, (int, np.integer)) else tuple(padding)
    if len(sides) == 1:
        sides = sides * 4
    elif len(sides) == 2:  # (left/right, top/bottom)
        sides = (sides[0], sides[1], sides[0], sides[1])
    if len(sides) != 4 or any(int(side) != side or side < 0 for side in sides):
        raise ValueError(f"padding: expected a non-negative int or a sequence of 1, 2 or 4 "
                         f"of them (left, top, right, bottom), received {padding!r}.")
    return tuple(int(side) for side in sides)  # type: ignore[return-value]


def pad(x: np.ndarray, padding: int | Sequence[int], fill: float = 0.0,
        padding_mode: str = "constant") -> np.ndarray:
    """Pad the borders of every image.

    Parameters
    ----------
    padding : int or sequence of 2 or 4 ints
        All sides, (left/right, top/bottom), or (left, top, right, bottom).
    fill : float
        The value of ``"constant"`` padding.
    padding_mode : {"constant", "edge", "reflect", "symmetric"}
        As ``numpy.pad`` (and torchvision).

    Examples
    --------
    >>> pad(np.ones((1, 1, 1, 1)), 1)[0, 0]
    array([[0., 0., 0.],
           [0., 1., 0.],
           [0., 0., 0.]])
    """
    x = check_batch(x, "pad")
    left, top, right, bottom = _padding_sides(padding)
    widths = ((0, 0), (0, 0), (top, bottom), (left, right))
    if padding_mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=fill)
    if padding_mode in ("edge", "reflect", "symmetric"):
        return np.pad(x, widths, mode=padding_mode)
    raise ValueError(f"padding_mode: expected 'constant', 'edge', 'reflect' or 'symmetric', "
                     f"received {padding_mode!r}.")


def crop(x: np.ndarray, top: Any, left: Any, height: int, width: int) -> np.ndarray:
    """Cut a ``height`` x ``width`` window at (``top[n]``, ``left[n]``) from image ``n``.

    ``top`` and ``left`` are ints or one int per image; the windows must lie inside.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> crop(x, top=1, left=2, height=2, width=2)[0, 0]
    array([[ 6.,  7.],
           [10., 11.]])
    """
    x = check_batch(x, "crop")
    N, C, H, W = x.shape
    top = np.broadcast_to(np.asarray(top, dtype=np.int64), (N,))
    left = np.broadcast_to(np.asarray(left, dtype=np.int64), (N,))
    if np.any(top < 0) or np.any(left < 0) or np.any(top + height > H) \
            or np.any(left + width > W):
        raise ValueError(f"crop: windows of {height}x{width} at top={top.tolist()}, "
                         f"left={left.tolist()} do not fit in images of {H}x{W}.")
    # A view holding every height x width window: (N, C, H - h + 1, W - w + 1, h, w).
    windows = sliding_windows(x, (height, width))
    # Image n takes its window (top[n], left[n]); the result is (N, C, h, w).
    return windows[np.arange(N), :, top, left]


def _inverse_affine_coordinates(shape: tuple[int, ...], angle: np.ndarray,
                                translate: np.ndarray, scale: np.ndarray,
                                center: tuple[float, float] | None
                                ) -> tuple[np.ndarray, np.ndarray]:
    """For every output pixel, the input (row, col) it comes from: two (N, H, W) arrays.

    The forward map (input -> output) of image n, in pixel coordinates (x = column,
    y = row, pointing down) about the centre c:

        out = c + t + s * R(angle) (in - c),   R(a) = [[cos a,  sin a],
                                                       [-sin a, cos a]]

    (R turns counter-clockwise on screen, where y points down). Its inverse:

        in = c + R(-angle) (out - c - t) / s.
    """
    N, _, H, W = shape
    if center is None:
        center_x, center_y = (W - 1) / 2, (H - 1) / 2
    else:
        center_x, center_y = center
    theta = np.deg2rad(angle)[:, None, None]  # (N, 1, 1)
    cos, sin = np.cos(theta), np.sin(theta)
    rows, cols = np.mgrid[0:H, 0:W].astype(np.float64)  # (H, W) each
    dx = cols[None] - center_x - translate[:, 0, None, None]  # (N, H, W)
    dy = rows[None] - center_y - translate[:, 1, None, None]
    s = scale[:, None, None]
    source_x = center_x + (cos * dx - sin * dy) / s
    source_y = center_y + (sin * dx + cos * dy) / s
    return source_y, source_x


def _sample(x: np.ndarray, source_row: np.ndarray, source_col: np.ndarray,
            interpolation: str, fill: Any) -> np.ndarray:
    """Read every image at (N, H, W) fractional coordinates; outside the image is ``fill``."""
    N, C, H, W = x.shape
    # One ring of `fill` around each image: an index of -1 or H (W) reads the fill, and
    # clipping the indices to [-1, H] sends anything further out there as well.
    padded = np.empty((N, C, H + 2, W + 2), dtype=x.dtype)
    padded[...] = _per_channel(fill, C, "fill", x.dtype)
    padded[:, :, 1:-1, 1:-1] = x
    flat = padded.reshape(N, C, (H + 2) * (W + 2))

    def read(row: np.ndarray, col: np.ndarray) -> np.ndarray:
        row = np.clip(row, -1, H).astype(np.int64) + 1
        col = np.clip(col, -1, W).astype(np.int64) + 1
        index = (row * (W + 2) + col).reshape(N, 1, H * W)  # same pixel in every channel
        return np.take_along_axis(flat, index, axis=2).reshape(N, C, H, W)

    if interpolation == "nearest":
        # Round half up, floor(v + 0.5), as scipy.ndimage does for order=0.
        return read(np.floor(source_row + 0.5), np.floor(source_col + 0.5))
    row0, col0 = np.floor(source_row), np.floor(source_col)
    # Bilinear: the weights of the four neighbours are products of the fractional parts.
    fr = (source_row - row0).astype(x.dtype)[:, None]  # (N, 1, H, W)
    fc = (source_col - col0).astype(x.dtype)[:, None]
    top = read(row0, col0) * (1 - fc) + read(row0, col0 + 1) * fc
    bottom = read(row0 + 1, col0) * (1 - fc) + read(row0 + 1, col0 + 1) * fc
    return top * (1 - fr) + bottom * fr


def _check_interpolation(interpolation: str) -> None:
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"interpolation: expected one of {INTERPOLATIONS}, received "
                         f"{interpolation!r}.")


def affine(x: np.ndarray, angle: Any = 0.0, translate: Any = (0.0, 0.0), scale: Any = 1.0,
           interpolation: str = "nearest", fill: Any = 0.0,
           center: tuple[float, float] | None = None) -> np.ndarray:
    """Rotate, scale and translate every image about its centre (one map per image).

    Output pixel ``out`` shows the input at ``c + R(-angle) (out - c - t) / scale``.

    Parameters
    ----------
    x : ndarray of shape (N, C, H, W)
    angle : float or array of shape (N,)
        Degrees, counter-clockwise (as torchvision).
    translate : pair of floats or array of shape (N, 2)
        Shift in pixels, (horizontal, vertical), positive right and down.
    scale : float or array of shape (N,)
        Zoom factor, > 0.
    interpolation : {"nearest", "bilinear"}
    fill : float or sequence of C floats
        The value of pixels that come from outside the image.
    center : (x, y), optional
        Centre in pixel coordinates; the image centre ``((W-1)/2, (H-1)/2)`` by default.

    Returns
    -------
    ndarray of shape (N, C, H, W)

    See Also
    --------
    torchvision.transforms.functional.affine, scipy.ndimage.affine_transform

    Examples
    --------
    >>> x = np.zeros((1, 1, 3, 3)); x[0, 0, 1, 2] = 1  # a dot right of the centre
    >>> affine(x, angle=90)[0, 0]  # a quarter turn counter-clockwise puts it above
    array([[0., 1., 0.],
           [0., 0., 0.],
           [0., 0., 0.]])
    """
    x = check_batch(x, "affine")
    _check_interpolation(interpolation)
    N = x.shape[0]
    angle = _per_image(angle, N, "angle")
    scale = _per_image(scale, N, "scale")
    if np.any(scale <= 0):
        raise ValueError(f"scale: expected positive values, received {scale.tolist()}.")
    translate = np.asarray(translate, dtype=np.float64)
    if translate.shape not in ((2,), (N, 2)):
        raise ValueError(f"translate: expected a pair (dx, dy) or an array of shape ({N}, 2), "
                         f"received shape {translate.shape}.")
    translate = np.broadcast_to(translate, (N, 2))
    source_row, source_col = _inverse_affine_coordinates(x.shape, angle, translate, scale,
                                                         center)
    return _sample(x, source_row, source_col, interpolation, fill)


def rotate(x: np.ndarray, angle: Any, interpolation: str = "nearest", fill: Any = 0.0,
           center: tuple[float, float] | None = None) -> np.ndarray:
    """Rotate every image by ``angle`` degrees counter-clockwise about its centre.

    The output keeps the input's size (corners are cut, uncovered pixels get ``fill``).

    See Also
    --------
    torchvision.transforms.functional.rotate, scipy.ndimage.rotate, affine

    Examples
    --------
    >>> x = np.arange(4.0).reshape(1, 1, 2, 2)
    >>> rotate(x, 90)[0, 0]
    array([[1., 3.],
           [0., 2.]])
    """
    return affine(x, angle=angle, interpolation=interpolation, fill=fill, center=center)


def rgb_to_grayscale(x: np.ndarray) -> np.ndarray:
    """Luma ``0.2989 R + 0.587 G + 0.114 B`` (ITU-R 601, as torchvision): (N, 1, H, W).

    A one-channel batch is returned unchanged.

    Examples
    --------
    >>> rgb_to_grayscale(np.ones((1, 3, 1, 1))).ravel()
    array([0.9999])
    """
    x = check_batch(x, "rgb_to_grayscale")
    if x.shape[1] == 1:
        return x
    if x.shape[1] != 3:
        raise ValueError(f"rgb_to_grayscale expects 1 or 3 channels, received {x.shape[1]}.")
    weights = np.array([0.2989, 0.587, 0.114], dtype=x.dtype).reshape(1, 3, 1, 1)
    return (x * weights).sum(axis=1, keepdims=True)


def adjust_brightness(x: np.ndarray, factor: Any) -> np.ndarray:
    """``clip(factor[n] * x[n], 0, 1)``: 0 gives black, 1 the original, 2 twice as bright.

    Examples
    --------
    >>> adjust_brightness(np.full((2, 1, 1, 1), 0.4), [0.5, 3.0]).ravel()
    array([0.2, 1. ])
    """
    x = check_batch(x, "adjust_brightness")
    factor = _per_image(factor, x.shape[0], "factor").astype(x.dtype)
    return np.clip(x * factor[:, None, None, None], 0, 1)


def adjust_contrast(x: np.ndarray, factor: Any) -> np.ndarray:
    """``clip(factor x + (1 - factor) mean, 0, 1)``, ``mean`` the image's mean gray level.

    0 gives a uniform gray image, 1 the original, 2 doubles the deviations from the mean.

    Examples
    --------
    >>> adjust_contrast(np.array([0.2, 0.6]).reshape(1, 1, 1, 2), 2.0).ravel()
    array([0. , 0.8])
    """
    x = check_batch(x, "adjust_contrast")
    factor = _per_image(factor, x.shape[0], "factor").astype(x.dtype)[:, None, None, None]
    mean = rgb_to_grayscale(x).mean(axis=(1, 2, 3), keepdims=True)  # (N, 1, 1, 1)
    return np.clip(factor * x + (1 - factor) * mean, 0, 1)


def adjust_saturation(x: np.ndarray, factor: Any) -> np.ndarray:
    """``clip(factor x + (1 - factor) gray, 0, 1)``, ``gray`` the pixel's gray level.

    0 gives a grayscale image, 1 the original, 2 doubles the colours' saturation; a
    one-channel batch is returned unchanged.

    Examples
    --------
    >>> adjust_saturation(np.array([1.0, 0.0, 0.0]).reshape(1, 3, 1, 1), 0.0).ravel()
    array([0.2989, 0.2989, 0.2989])
    """
    x = check_batch(x, "adjust_saturation")
    if x.shape[1] == 1:
        return x.copy()
    factor = _per_image(factor, x.shape[0], "factor").astype(x.dtype)[:, None, None, None]
    return np.clip(factor * x + (1 - factor) * rgb_to_grayscale(x), 0, 1)
