"""Sliding windows over the last two axes of an array, as a view (no copy).

The one trick behind fast convolution and pooling in plain NumPy: instead of looping
over output pixels, build a strided *view* in which every output pixel sees its
receptive field as two extra axes. A convolution is then one ``tensordot`` (im2col
without materialising the columns twice), a max pool one ``max`` over the window axes.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

__all__ = ["output_size", "sliding_windows"]


def output_size(size: int, kernel_size: int, stride: int = 1, padding_total: int = 0,
                dilation: int = 1) -> int:
    """Length of a convolution's output along one axis.

    .. math:: \\text{out} = \\left\\lfloor \\frac{\\text{size} + \\text{padding\\_total}
              - \\text{dilation}\\,(k - 1) - 1}{\\text{stride}} \\right\\rfloor + 1

    ``padding_total`` is the padding added on both sides together (``2 * padding`` for
    symmetric padding).

    Examples
    --------
    >>> output_size(28, 5)          # LeNet-5's first convolution, no padding
    24
    >>> output_size(227, 11, stride=4)  # AlexNet's first layer
    55
    """
    return (size + padding_total - dilation * (kernel_size - 1) - 1) // stride + 1


def sliding_windows(x: np.ndarray, kernel_size: tuple[int, int],
                    stride: tuple[int, int] = (1, 1),
                    dilation: tuple[int, int] = (1, 1)) -> np.ndarray:
    """A read-only view of every (dilated, strided) window over the last two axes.

    Parameters
    ----------
    x : ndarray of shape (..., H, W)
        Already padded input.
    kernel_size, stride, dilation : tuple of two ints

    Returns
    -------
    ndarray of shape (..., H_out, W_out, kH, kW)
        ``windows[..., i, j, p, q] == x[..., i*sH + p*dH, j*sW + q*dW]``.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> sliding_windows(x, (3, 3))[0, 1]
    array([[ 1,  2,  3],
           [ 5,  6,  7],
           [ 9, 10, 11]])
    """
    kH, kW = kernel_size
    sH, sW = stride
    dH, dW = dilation
    H, W = x.shape[-2:]
    H_out = output_size(H, kH, sH, 0, dH)
    W_out = output_size(W, kW, sW, 0, dW)
    if H_out < 1 or W_out < 1:
        raise ValueError(
            f"Input of spatial size {H}x{W} is smaller than the dilated kernel "
            f"{dH * (kH - 1) + 1}x{dW * (kW - 1) + 1}; expected at least that size."
        )
    *lead_strides, row_stride, col_stride = x.strides
    shape = (*x.shape[:-2], H_out, W_out, kH, kW)
    strides = (*lead_strides, row_stride * sH, col_stride * sW, row_stride * dH, col_stride * dW)
    return as_strided(x, shape=shape, strides=strides, writeable=False)
