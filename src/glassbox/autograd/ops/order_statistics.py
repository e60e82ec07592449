"""Order statistics: the median (the lower of the two middles for an even count, as
torch), the k-th smallest value (``kthvalue``) and quantiles (``quantile``).

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

__all__ = ["MedianAll", "median", "kthvalue", "quantile", "mode"]


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


def kthvalue(x: Tensor, k: int, dim: int = -1, keepdim: bool = False):
    """(values, indices) of the k-th smallest entry (k = 1 is the minimum) along ``dim``.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.kthvalue(gb.tensor([3., 1., 2.]), 2)
    values_indices(values=tensor(2.), indices=tensor(2))
    """
    if x.ndim == 0:
        x = x.reshape(1)
        dim = 0
    dim = dim % x.ndim
    size = x.shape[dim]
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension "
                           f"{dim}: k={k}, size {size}")
    order = np.argsort(x._data, axis=dim, kind="stable")
    picked = np.take(order, [k - 1], axis=dim)  # (..., 1, ...)
    values, indices = gather(x, dim, picked), Tensor(picked.astype(np.int64))
    if not keepdim:
        values, indices = values.squeeze(dim), indices.squeeze(dim)
    return values_indices(values, indices)


def quantile(x: Tensor, q, dim: int | None = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:
    """The q-quantile(s) along ``dim`` (of all elements when None): with the values
    sorted, position q (n - 1), between two neighbours for ``interpolation="linear"``
    (v_lo + (v_hi - v_lo) * fraction), else "lower", "higher", "nearest", "midpoint".
    A 1-D ``q`` puts the quantiles in a new first dimension. The gradient goes to the
    one or two neighbours used.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.quantile(gb.tensor([1., 2., 3., 4.]), 0.4)
    tensor(2.2)
    """
    modes = ("linear", "lower", "higher", "nearest", "midpoint")
    if interpolation not in modes:
        raise RuntimeError(f"quantile() interpolation must be one of {', '.join(modes)}. "
                           f"Got {interpolation}")
    levels = q._data if isinstance(q, Tensor) else np.asarray(q, dtype=np.float64)
    if levels.ndim > 1:
        raise RuntimeError(f"quantile() q must be a scalar or 1D tensor; received "
                           f"{levels.ndim}D")
    if ((levels < 0) | (levels > 1)).any():
        outside = levels[(levels < 0) | (levels > 1)].reshape(-1)[0]
        raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {outside}")
    reduce_all = dim is None
    source = x.reshape(-1) if reduce_all else x
    dim = 0 if reduce_all else dim % max(x.ndim, 1)
    values = source.sort(dim).values
    n = values.shape[dim]
    position = levels.reshape(-1) * (n - 1)  # (Q,)
    lower, upper = np.floor(position).astype(np.int64), np.ceil(position).astype(np.int64)
    fraction = position - lower
    if interpolation == "lower":
        upper, fraction = lower, fraction * 0
    elif interpolation == "higher":
        lower, fraction = upper, fraction * 0
    elif interpolation == "nearest":
        # round half to even, as torch
        lower = upper = np.round(position).astype(np.int64)
        fraction = fraction * 0
    elif interpolation == "midpoint":
        fraction = np.where(upper > lower, 0.5, 0.0)
    v_lower = values.index_select(dim, lower)  # (..., Q, ...)
    v_upper = values.index_select(dim, upper)
    weight_shape = [1] * values.ndim
    weight_shape[dim] = -1
    weight = Tensor(fraction.astype(x.dtype).reshape(weight_shape))
    result = (v_lower + (v_upper - v_lower) * weight).movedim(dim, 0)  # (Q, ...)
    if keepdim:
        # the reduced dimension(s) kept with size 1, after the quantiles' dimension
        result = (result.reshape(result.shape[:1] + (1,) * x.ndim) if reduce_all
                  else result.unsqueeze(dim + 1))
    return result if levels.ndim else result.squeeze(0)


def mode(x: Tensor, dim: int = -1, keepdim: bool = False):
    """(values, indices) of the most frequent value along ``dim``: the smallest one among
    equally frequent values, at the index of its last occurrence (torch's choices).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.mode(gb.tensor([3., 1., 3., 1., 2.]))
    values_indices(values=tensor(1.), indices=tensor(3))
    """
    if x.ndim == 0:
        return values_indices(x, Tensor(np.zeros((), dtype=np.int64)))
    dim = dim % x.ndim
    data = np.moveaxis(x._data, dim, -1)  # (..., n)
    rows = data.reshape(-1, data.shape[-1])
    picked = np.empty(rows.shape[0], dtype=np.int64)
    for r, row in enumerate(rows):
        values, counts = np.unique(row, return_counts=True)  # sorted: ties -> smallest
        winner = values[np.argmax(counts)]
        picked[r] = np.flatnonzero(row == winner)[-1]
    index = np.moveaxis(picked.reshape(data.shape[:-1] + (1,)), -1, dim)
    values, indices = gather(x, dim, index), Tensor(index)
    if not keepdim:
        values, indices = values.squeeze(dim), indices.squeeze(dim)
    return values_indices(values, indices)
