"""``max_unpool1d`` / ``max_unpool2d``: put each pooled maximum back where it was found
(SegNet's decoder), zeros elsewhere.

Max pooling's ``return_indices=True`` gives each maximum's flat position ``h * W + w`` in
its plane; unpooling writes the values to those positions of a zero image. Overlapping
windows can record one position twice, with the same value: it is written, not added (as
torch). The gradient is the gather at the same positions
(:class:`glassbox.nn._adaptive_max_pool._PlaneGather`).
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor
from glassbox.nn._adaptive_max_pool import _PlaneGather
from glassbox.nn._conv import _ArgumentError, _check_tensor, _pair

__all__ = ["max_unpool1d", "max_unpool2d"]


class _MaxUnpool(Function):
    """y.flat[index] = x in every plane of a zero image of ``output_hw``."""

    backward_name = "MaxUnpool2DBackward0"

    @staticmethod
    def forward(ctx, x, index, output_hw):
        ctx.index = index
        N, C = index.shape[:2]
        planes = np.zeros((N, C, output_hw[0] * output_hw[1]), dtype=x.dtype)
        np.put_along_axis(planes, index.reshape(N, C, -1), x._data.reshape(N, C, -1), axis=2)
        return planes.reshape(N, C, *output_hw)

    @staticmethod
    def backward(ctx, grad_output):
        # each value went to one position: its gradient is read back from there
        return _PlaneGather.apply(grad_output, ctx.index), None, None


def _output_size(input_hw, kernel, stride, padding, output_size) -> tuple[int, int]:
    """torch's ``_unpool_output_size``: the pooled input's size, or ``output_size`` if it
    lies within one stride of it."""
    default = [(n - 1) * s + k - 2 * p for n, k, s, p in zip(input_hw, kernel, stride, padding)]
    if output_size is None:
        return tuple(default)
    output_size = list(output_size)
    if len(output_size) == 4:
        output_size = output_size[2:]
    if len(output_size) != 2:
        raise ValueError(f"output_size should be a sequence containing 2 or 4 elements, but "
                         f"it has a length of '{len(output_size)}'")
    for d, (size, s) in enumerate(zip(output_size, stride)):
        if not default[d] - s < size < default[d] + s:
            raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {d} must be '
                             f"between {default[d] - s} and {default[d] + s})")
    return tuple(int(size) for size in output_size)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None,  # noqa: A002
                 padding=0, output_size=None) -> Tensor:
    """The partial inverse of ``max_pool2d``: each value goes to its recorded position.

    .. math:: y[n, c].\\text{flat}[\\text{indices}[n, c, i, j]] = x[n, c, i, j],
              \\quad 0 \\text{ elsewhere}

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    indices : int64 Tensor of the same shape
        From ``max_pool2d(..., return_indices=True)``.
    kernel_size, stride, padding : int or (int, int)
        The pooling's (stride defaults to kernel_size).
    output_size : sequence of int, optional
        (H_out, W_out) (or with N, C first), within one stride of the default size.

    See Also
    --------
    torch.nn.functional.max_unpool2d

    Examples
    --------
    >>> import glassbox as gb
    >>> from glassbox.nn.functional import max_pool2d
    >>> y, i = max_pool2d(gb.tensor([[[[1.0, 2.0], [4.0, 3.0]]]]), 2, return_indices=True)
    >>> max_unpool2d(y, i, 2)
    tensor([[[[0., 0.],
              [4., 0.]]]])
    """
    _check_tensor(input, "input", "max_unpool2d")
    if tuple(indices.shape) != tuple(input.shape):
        raise _ArgumentError(f"Expected shape of indices to be same as that of the input "
                             f"tensor ({list(input.shape)}) but got indices tensor with shape: "
                             f"{list(indices.shape)}")
    if input.ndim not in (3, 4):
        raise _ArgumentError(f"max_unpool2d: expected 3D or 4D input, got {input.ndim}D")
    kernel = _pair(kernel_size, "kernel_size")
    step = kernel if stride is None else _pair(stride, "stride")
    out_hw = _output_size(input.shape[-2:], kernel, step, _pair(padding, "padding"),
                          output_size)
    index = indices.numpy().astype(np.int64)
    if index.size and (index.min() < 0 or index.max() >= out_hw[0] * out_hw[1]):
        bad = index.max() if index.max() >= out_hw[0] * out_hw[1] else index.min()
        raise _ArgumentError(f"Found an invalid max index: {bad} (output volumes are of size "
                             f"{out_hw[0]}x{out_hw[1]})")
    if input.ndim == 3:
        return _MaxUnpool.apply(input.unsqueeze(0), index[None], out_hw).squeeze(0)
    return _MaxUnpool.apply(input, index, out_hw)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None,  # noqa: A002
                 padding=0, output_size=None) -> Tensor:
    """The partial inverse of ``max_pool1d`` (``max_unpool2d`` on one-pixel-high images).

    Parameters
    ----------
    input : Tensor of shape (N, C, L) or (C, L)
    indices : int64 Tensor of the same shape
    kernel_size, stride, padding : int
    output_size : sequence of int, optional

    See Also
    --------
    torch.nn.functional.max_unpool1d

    Examples
    --------
    >>> import glassbox as gb
    >>> max_unpool1d(gb.tensor([[[5.0]]]), gb.tensor([[[1]]]), 2)
    tensor([[[0., 5.]]])
    """
    def single(value):
        return value[0] if isinstance(value, (tuple, list)) else value

    size = None if output_size is None else (1, list(output_size)[-1])
    y = max_unpool2d(input.unsqueeze(-2), indices.unsqueeze(-2), (1, single(kernel_size)),
                     None if stride is None else (1, single(stride)), (0, single(padding)),
                     size)
    return y.squeeze(-2)
