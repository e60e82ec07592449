"""The median: the middle value once sorted (the lower of the two middles for an even
count, as torch).

Along a dimension it is a sort followed by picking position (n - 1) // 2, so its
gradient goes back to the one entry picked (the sort's gather). Over all elements torch
shares the gradient evenly between the entries equal to the median (as ``max()``
does), which :class:`MedianAll` does. A NaN anywhere in the values gives NaN, as in
torch.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.ops.reduction import values_indices
from glassbox.autograd.ops.selection import gather
from glassbox.autograd.tensor import Tensor

__all__ = ["MedianAll", "median"]


def _middle(n: int) -> int:
    return (n - 1) // 2  # the lower middle for an even count


class MedianAll(Function):
    """The median of every element; entries equal to it share the gradient evenly."""

    backward_name = "MedianBackward0"

    @staticmethod
    def forward(ctx, x):
        data = x._data.reshape(-1)
        if data.size == 0:
            raise RuntimeError("median() input tensor cannot be empty")
        if data.dtype.kind == "f" and np.isnan(data).any():
            result = np.asarray(np.nan, dtype=x.dtype)
        else:
            result = np.partition(data, _middle(data.size))[_middle(data.size)]
        ctx.winners = x._data == result
        return np.asarray(result, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        winners = ctx.winners
        count = max(int(winners.sum()), 1)
        share = Tensor((winners / count).astype(grad_output.dtype))
        return grad_output * share


def median(x: Tensor, dim: int | None = None, keepdim: bool = False):
    """The median of all elements (a 0-d Tensor), or along ``dim`` the named tuple
    (values, indices), ``torch.median``.

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.tensor([[3., 1., 2., 2.], [0., 5., 4., 4.]])
    >>> gb.median(x)
    tensor(2.)
    >>> gb.median(x, 1)
    values_indices(values=tensor([2., 4.]), indices=tensor([2, 2]))
    """
    if dim is None:
        return MedianAll.apply(x)
    if x.ndim == 0:
        return values_indices(x, Tensor(np.zeros((), dtype=np.int64)))
    dim = dim % x.ndim
    data = x._data
    # positions in sorted order (stable: ties keep their order), NaN sorted last
    order = np.argsort(data, axis=dim, kind="stable")
    picked = np.take(order, [_middle(x.shape[dim])], axis=dim)  # (..., 1, ...)
    has_nan = np.isnan(data).any(axis=dim, keepdims=True) if data.dtype.kind == "f" else None
    if has_nan is not None and has_nan.any():
        first_nan = np.argmax(np.isnan(data), axis=dim, keepdims=True)
        picked = np.where(has_nan, first_nan, picked)
    values = gather(x, dim, picked)
    indices = Tensor(picked.astype(np.int64))
    if not keepdim:
        values, indices = values.squeeze(dim), indices.squeeze(dim)
    return values_indices(values, indices)
