"""``unfold`` (im2col) and ``fold`` (col2im): the convolution's columns made visible.

A convolution is a matrix product over columns: ``unfold`` copies every receptive field
of an image into one column, so that ``conv2d(x, W)`` equals
``W.view(C_out, -1) @ unfold(x, k)`` reshaped to an image. ``fold`` is its adjoint: it
adds every column back onto the pixels it was copied from (overlapping windows add up),

.. math:: \\langle \\text{unfold}(x), y \\rangle = \\langle x, \\text{fold}(y) \\rangle,

so each one's gradient is the other. Both run on the very im2col/col2im kernels of the
convolution (:mod:`glassbox.nn._conv`), reshaped to torch's layouts.
"""

from __future__ import annotations

import math

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor
from glassbox.nn._conv import (
    _ArgumentError,
    _check_tensor,
    _col2im,
    _ConvGeometry,
    _im2col,
    _pair,
    _zero_pad,
)

__all__ = ["unfold", "fold"]


class _DimensionError(IndexError, ValueError):
    """A Tensor of the wrong number of dimensions given to ``unfold``: torch raises
    ``IndexError`` here, glassbox's convention is ``ValueError``; this is both."""


def _geometry(kernel_size, dilation, padding, stride) -> _ConvGeometry:
    kernel_size, dilation = _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation")
    padding, stride = _pair(padding, "padding"), _pair(stride, "stride")
    for name, value, smallest in (("kernel_size", kernel_size, 1), ("dilation", dilation, 1),
                                  ("stride", stride, 1), ("padding", padding, 0)):
        if min(value) < smallest:
            raise _ArgumentError(f"{name} should be at least {smallest}, but got {name}={value}")
    return _ConvGeometry(kernel_size, stride, (padding[0], padding[0], padding[1], padding[1]),
                         dilation, groups=1)


def _blocks(geometry: _ConvGeometry, spatial_size, what: str) -> tuple[int, int]:
    """The number of sliding blocks (H_out, W_out), refused when there are none."""
    blocks = geometry.output_hw(*spatial_size)
    if min(blocks) < 1:
        top, _, left, _ = geometry.padding
        raise _ArgumentError(
            f"Given {what} {tuple(spatial_size)}, kernel_size={geometry.kernel_size}, "
            f"dilation={geometry.dilation}, padding={(top, left)}, calculated shape of the "
            f"array of sliding blocks as {blocks}, but its components must be at least one.")
    return blocks


def _unfold_array(x: np.ndarray, geometry: _ConvGeometry) -> np.ndarray:
    """(N, C, H, W) -> (N, C*kH*kW, L): im2col, with the samples first (torch's layout)."""
    N = x.shape[0]
    columns = _im2col(_zero_pad(x, geometry.padding), geometry)  # (C*kH*kW, N*L)
    K = columns.shape[0]
    return np.ascontiguousarray(columns.reshape(K, N, -1).transpose(1, 0, 2))  # (N, K, L)


def _fold_array(columns: np.ndarray, geometry: _ConvGeometry, output_size) -> np.ndarray:
    """(N, C*kH*kW, L) -> (N, C, H, W): col2im, every column added back onto its pixels."""
    N, K, _ = columns.shape
    (kH, kW), (H, W) = geometry.kernel_size, output_size
    top, bottom, left, right = geometry.padding
    H_out, W_out = geometry.output_hw(H, W)
    # (N, C, kH, kW, H_out, W_out) -> (C, kH, kW, H_out, W_out, N), col2im's layout
    blocks = columns.reshape(N, K // (kH * kW), kH, kW, H_out, W_out).transpose(1, 2, 3, 4, 5, 0)
    image = _col2im(blocks, (H + top + bottom, W + left + right), geometry)  # (C, Hp, Wp, N)
    image = image[:, top:top + H, left:left + W]                   # crop the padding
    return np.ascontiguousarray(image.transpose(3, 0, 1, 2))       # (N, C, H, W)


class Unfold(Function):
    """columns = im2col(x). Its gradient is fold (col2im), and fold's is unfold."""

    backward_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, geometry: _ConvGeometry):
        ctx.geometry, ctx.input_hw = geometry, x.shape[-2:]
        return _unfold_array(x._data, geometry)

    @staticmethod
    def backward(ctx, grad_output):
        # <unfold(x), g> = <x, fold(g)>: the gradient adds each column back
        return Fold.apply(grad_output, ctx.geometry, ctx.input_hw), None


class Fold(Function):
    """image = col2im(columns): the adjoint of :class:`Unfold`."""

    backward_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, columns, geometry: _ConvGeometry, output_size):
        ctx.geometry = geometry
        return _fold_array(columns._data, geometry, output_size)

    @staticmethod
    def backward(ctx, grad_output):
        return Unfold.apply(grad_output, ctx.geometry), None, None


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:  # noqa: A002
    """Extract every sliding block of an image as a column (im2col).

    .. math:: \\text{out}[n, (c, p, q), (i, j)] = x_{\\text{pad}}[n, c,\\ i s_H + p d_H,\\
              j s_W + q d_W]

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    kernel_size, dilation, padding, stride : int or (int, int)
        As in :func:`glassbox.nn.functional.conv2d` (zero padding on both sides).

    Returns
    -------
    Tensor of shape (N, C*kH*kW, L)
        L = H_out * W_out blocks, row by row; (C*kH*kW, L) for an unbatched input.

    See Also
    --------
    torch.nn.functional.unfold, fold

    Examples
    --------
    >>> import glassbox as gb
    >>> unfold(gb.arange(9.0).reshape(1, 1, 3, 3), kernel_size=2)
    tensor([[[0., 1., 3., 4.],
             [1., 2., 4., 5.],
             [3., 4., 6., 7.],
             [4., 5., 7., 8.]]])
    """
    _check_tensor(input, "input", "unfold")
    if input.ndim not in (3, 4):
        raise _DimensionError(f"Input Error: only 3D or 4D input Tensors are supported (got "
                              f"{input.ndim}D input of shape {list(input.shape)})")
    geometry = _geometry(kernel_size, dilation, padding, stride)
    _blocks(geometry, input.shape[-2:], "input with spatial size")
    if input.ndim == 3:
        return Unfold.apply(input.unsqueeze(0), geometry).squeeze(0)
    return Unfold.apply(input, geometry)


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0,  # noqa: A002
         stride=1) -> Tensor:
    """Sum columns of sliding blocks back into an image (col2im), the adjoint of unfold.

    .. math:: \\text{out}[n, c, h, w] = \\sum_{(p, q, i, j):\\ i s_H + p d_H = h + p_H,\\
              j s_W + q d_W = w + p_W} \\text{input}[n, (c, p, q), (i, j)]

    Where blocks overlap their values add up, so ``fold(unfold(x))`` is x times the
    number of blocks that cover each pixel.

    Parameters
    ----------
    input : Tensor of shape (N, C*kH*kW, L) or (C*kH*kW, L)
        L must be the number of blocks of an ``output_size`` image.
    output_size : int or (int, int)
        (H, W) of the result.
    kernel_size, dilation, padding, stride : int or (int, int)

    Returns
    -------
    Tensor of shape (N, C, H, W) (or (C, H, W))

    See Also
    --------
    torch.nn.functional.fold, unfold

    Examples
    --------
    >>> import glassbox as gb
    >>> fold(gb.ones(1, 4, 4), output_size=3, kernel_size=2)  # pixels covered 1, 2 or 4 times
    tensor([[[[1., 2., 1.],
              [2., 4., 2.],
              [1., 2., 1.]]]])
    """
    _check_tensor(input, "input", "fold")
    if input.ndim not in (2, 3) or 0 in input.shape[-2:]:
        raise _ArgumentError(f"Expected 2D or 3D (batch mode) tensor for input with possibly "
                             f"0 batch size and non-zero dimensions for input, but got: "
                             f"{list(input.shape)}")
    geometry = _geometry(kernel_size, dilation, padding, stride)
    output_size = _pair(output_size, "output_size")
    kernel_area = math.prod(geometry.kernel_size)
    if input.shape[-2] % kernel_area:
        raise _ArgumentError(f"Expected size of input's dimension 1 to be divisible by the "
                             f"product of kernel_size, but got input.size(1)="
                             f"{input.shape[-2]} and kernel_size={geometry.kernel_size}.")
    H_out, W_out = _blocks(geometry, output_size, "output_size")
    if input.shape[-1] != H_out * W_out:
        top, _, left, _ = geometry.padding
        raise _ArgumentError(
            f"Given output_size={output_size}, kernel_size={geometry.kernel_size}, "
            f"dilation={geometry.dilation}, padding={(top, left)}, stride={geometry.stride}, "
            f"expected size of input's dimension 2 to match the calculated number of sliding "
            f"blocks {H_out} * {W_out} = {H_out * W_out}, but got input.size(2)="
            f"{input.shape[-1]}.")
    if input.ndim == 2:
        return Fold.apply(input.unsqueeze(0), geometry, output_size).squeeze(0)
    return Fold.apply(input, geometry, output_size)
