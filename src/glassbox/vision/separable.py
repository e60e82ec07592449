"""Spatially separable convolution: a rank-1 kernel as a column followed by a row.

A kernel that is an outer product, ``w = c r^T`` (column ``c`` of length kH, row ``r``
of length kW), can be applied in two passes: first the column (a kH x 1 kernel), then
the row (1 x kW), because

.. math:: \\sum_{p,q} x[i+p, j+q]\\, c[p]\\, r[q]
          = \\sum_q r[q] \\Big(\\sum_p c[p]\\, x[i+p, j+q]\\Big).

Per output pixel that is ``kH + kW`` multiplications instead of ``kH * kW``: 6 instead
of 9 for 3x3, 14 instead of 49 for 7x7. Sobel, Prewitt, box and Gaussian kernels are
separable; the Laplacian and sharpen kernels are not (rank 2). The singular value
decomposition finds the split: ``w = sum_k s_k u_k v_k^T``, and ``w`` is separable
exactly when only one singular value is non-zero.
"""

from __future__ import annotations

import numpy as np

from glassbox._windows import output_size
from glassbox.vision._checks import as_float_array, as_pair, check_finite, resolve_padding
from glassbox.vision.convolution import correlate2d
from glassbox.vision.padding import pad2d

__all__ = ["separable_correlate2d", "separate_kernel", "spatial_separable_cost"]


def separate_kernel(kernel, rtol: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Split a rank-1 kernel into a column and a row with ``np.outer(column, row) == kernel``.

    The SVD gives ``kernel = s_1 u_1 v_1^T`` when only ``s_1`` is non-zero; the column is
    ``u_1 sqrt(s_1)`` and the row ``v_1 sqrt(s_1)`` (the factor is shared evenly), with
    the signs chosen so that the column's largest entry is positive.

    Parameters
    ----------
    kernel : array-like of shape (kH, kW)
    rtol : float, optional
        Singular values below ``rtol * s_1`` count as zero; default ``max(kH, kW) * eps``
        (as ``np.linalg.matrix_rank``).

    Returns
    -------
    column : ndarray of shape (kH,)
    row : ndarray of shape (kW,)

    Raises
    ------
    ValueError
        If the kernel's rank is not 1 (it then cannot be written as column x row).

    Examples
    --------
    >>> from glassbox.vision.kernels import sobel_x
    >>> column, row = separate_kernel(sobel_x())
    >>> np.round(column / column[0], 6), np.round(row * column[0], 6)
    (array([1., 2., 1.]), array([-1.,  0.,  1.]))
    >>> np.allclose(np.outer(column, row), sobel_x())
    True
    """
    w = as_float_array(kernel, "kernel", dtype=np.float64)
    check_finite(w, "kernel")
    if w.ndim != 2:
        raise ValueError(f"Expected a 2-D kernel of shape (kH, kW), received shape {w.shape}.")
    U, S, Vt = np.linalg.svd(w)
    if rtol is None:
        rtol = max(w.shape) * np.finfo(np.float64).eps
    rank = int(np.sum(S > rtol * S[0])) if S[0] > 0 else 0
    if rank != 1:
        raise ValueError(
            f"Expected a separable (rank-1) kernel, received a kernel of shape {w.shape} "
            f"with rank {rank} (singular values {np.round(S, 6).tolist()}). Only a kernel "
            "that is an outer product column x row can be split, e.g. Sobel, Prewitt, box "
            "or Gaussian; the Laplacian and sharpen kernels cannot."
        )
    scale = np.sqrt(S[0])
    column, row = U[:, 0] * scale, Vt[0] * scale
    if column[np.argmax(np.abs(column))] < 0:   # u v^T = (-u)(-v)^T: pick a readable sign
        column, row = -column, -row
    return column, row


def separable_correlate2d(image, column, row, padding=0, stride=1, dilation=1,
                          padding_mode="zeros"):
    """Correlate with the kernel ``np.outer(column, row)`` in two 1-D passes.

    The image is padded once, as for the full kernel; the column pass then runs with the
    vertical stride and dilation, the row pass with the horizontal ones. Same result as
    ``correlate2d(image, np.outer(column, row), ...)`` with ``kH + kW`` instead of
    ``kH * kW`` multiplications per output pixel.

    Parameters
    ----------
    image : array-like of shape (H, W) or (H, W, C)
    column : array-like of shape (kH,)
    row : array-like of shape (kW,)
    padding, stride, dilation, padding_mode : as in :func:`glassbox.vision.correlate2d`

    Returns
    -------
    ndarray of shape (H_out, W_out) or (H_out, W_out, C)

    See Also
    --------
    scipy.ndimage.correlate1d : the 1-D pass along one axis.

    Examples
    --------
    >>> from glassbox.vision import correlate2d
    >>> x = np.arange(25.0).reshape(5, 5) ** 2
    >>> full = correlate2d(x, np.outer([1, 2, 1], [-1, 0, 1]), padding=1)
    >>> bool(np.allclose(separable_correlate2d(x, [1, 2, 1], [-1, 0, 1], padding=1), full))
    True
    """
    c = as_float_array(column, "column").ravel()
    r = as_float_array(row, "row").ravel()
    x = as_float_array(image, "image")
    if x.ndim not in (2, 3):
        raise ValueError(
            f"Expected image of shape (H, W) or (H, W, C), received shape {x.shape}."
        )
    stride_h, stride_w = as_pair(stride, "stride")
    dilation_h, dilation_w = as_pair(dilation, "dilation")
    pads = resolve_padding(padding, (c.size, r.size), (dilation_h, dilation_w))
    if x.ndim == 3:
        x_padded = np.moveaxis(pad2d(np.moveaxis(x, 2, 0), pads, padding_mode), 0, 2)
    else:
        x_padded = pad2d(x, pads, padding_mode)
    vertical = correlate2d(x_padded, c[:, None], stride=(stride_h, 1), dilation=(dilation_h, 1))
    return correlate2d(vertical, r[None, :], stride=(1, stride_w), dilation=(1, dilation_w))


def spatial_separable_cost(kernel_size, image_size, stride=1, padding="same",
                           dilation=1) -> dict:
    """Multiplications of a full vs a separable kernel on an image.

    Per output pixel: ``kH * kW`` (full) vs ``kH + kW`` (column then row). The totals
    multiply by the number of output pixels ``H_out * W_out`` (the column pass really
    runs on ``H_out`` rows of the full padded width; this count follows the usual
    textbook simplification and keeps the per-pixel figures exact).

    Parameters
    ----------
    kernel_size, image_size : int or (int, int)
    stride, padding, dilation : as in :func:`glassbox.vision.output_shape`

    Returns
    -------
    dict
        ``full_per_pixel``, ``separable_per_pixel``, ``output_pixels``, ``full_total``,
        ``separable_total``, ``saving`` (full / separable).

    Examples
    --------
    >>> cost = spatial_separable_cost(3, (512, 512))
    >>> cost["full_per_pixel"], cost["separable_per_pixel"], cost["full_total"]
    (9, 6, 2359296)
    >>> spatial_separable_cost(7, 512)["saving"]
    3.5
    """
    kH, kW = as_pair(kernel_size, "kernel_size")
    H, W = as_pair(image_size, "image_size")
    stride_hw = as_pair(stride, "stride")
    dilation_hw = as_pair(dilation, "dilation")
    pads = resolve_padding(padding, (kH, kW), dilation_hw)
    H_out = output_size(H, kH, stride_hw[0], sum(pads[0]), dilation_hw[0])
    W_out = output_size(W, kW, stride_hw[1], sum(pads[1]), dilation_hw[1])
    pixels = H_out * W_out
    return {
        "kernel_size": f"{kH}x{kW}",
        "full_per_pixel": kH * kW,
        "separable_per_pixel": kH + kW,
        "output_pixels": pixels,
        "full_total": kH * kW * pixels,
        "separable_total": (kH + kW) * pixels,
        "saving": kH * kW / (kH + kW),
    }
