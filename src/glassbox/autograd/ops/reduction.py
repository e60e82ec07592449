"""Reductions (sum, max, min) and their inverse, expand (broadcasting as an operation).

A sum copies each input element's gradient from the one output it fed: its backward is
an *expand*; and the backward of an expand is a sum. Mean, var and std are built from
these in ``Tensor`` (a mean is a sum times 1/n).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.ops.arithmetic import unbroadcast
from glassbox.autograd.tensor import Tensor

__all__ = ["normalize_dims", "Sum", "Expand", "MaxMin", "MaxMinDim", "values_indices"]

values_indices = namedtuple("values_indices", ["values", "indices"])


def normalize_dims(dim, ndim: int) -> tuple[int, ...]:
    """``dim`` (None, an int or a sequence; negatives allowed) as sorted positive axes."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    rank = max(ndim, 1)
    normalized = []
    for d in dims:
        if not -rank <= d < rank:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], "
                f"but got {d})"
            )
        normalized.append(d % rank)
    return tuple(sorted(normalized)) if ndim else ()


def _kept_shape(shape: tuple[int, ...], dims: tuple[int, ...]) -> tuple[int, ...]:
    """``shape`` with the reduced axes set to 1 (what keepdim=True gives)."""
    return tuple(1 if axis in dims else size for axis, size in enumerate(shape))


class Sum(Function):
    """Sum over ``dim`` (all axes when None)."""

    backward_name = "SumBackward0"

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        dims = normalize_dims(dim, x.ndim)
        ctx.input_shape = x.shape
        ctx.kept_shape = _kept_shape(x.shape, dims)
        data = x._data
        if data.dtype.kind in "biu":
            data = data.astype(np.int64)  # torch sums integers and bools as int64
        return data.sum(axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad_output):
        # each input element fed the sum once: its gradient is the output's gradient
        return grad_output.reshape(ctx.kept_shape).expand(ctx.input_shape), None, None


class Expand(Function):
    """A broadcast view of x with a larger shape (no copy)."""

    backward_name = "ExpandBackward0"
    output_may_be_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.input_shape = x.shape
        try:
            return np.broadcast_to(x._data, shape)
        except ValueError:
            raise RuntimeError(
                f"The expanded size {tuple(shape)} must match the existing size {x.shape} "
                f"at each non-singleton dimension."
            ) from None

    @staticmethod
    def backward(ctx, grad_output):
        # an element repeated k times receives the sum of the k gradients
        return unbroadcast(grad_output, ctx.input_shape), None


class MaxMin(Function):
    """The max (or min) of all elements; ties share the gradient evenly (as torch)."""

    backward_name = "MaxBackward1"

    @staticmethod
    def forward(ctx, x, is_max):
        if x._data.size == 0:
            raise RuntimeError("max(): Expected reduction dim to be specified for input.numel()"
                               " == 0. Specify the reduction dim with the 'dim' argument.")
        result = x._data.max() if is_max else x._data.min()
        ctx.winners = x._data == result
        return result

    @staticmethod
    def backward(ctx, grad_output):
        winners = ctx.winners
        share = Tensor((winners / winners.sum()).astype(grad_output.dtype))
        return grad_output * share, None


class MaxMinDim(Function):
    """Values of the max (or min) along ``dim``; the gradient goes to the arg-max."""

    backward_name = "MaxBackward0"

    @staticmethod
    def forward(ctx, x, dim, keepdim, is_max):
        data = x._data
        index = (data.argmax if is_max else data.argmin)(axis=dim, keepdims=True)
        ctx.input_shape = x.shape
        ctx.kept_shape = index.shape
        ctx.index = index
        ctx.dim = dim
        values = np.take_along_axis(data, index, axis=dim)
        return values if keepdim else values.squeeze(dim)

    @staticmethod
    def backward(ctx, grad_output):
        winner = np.zeros(ctx.input_shape, dtype=grad_output.dtype)
        np.put_along_axis(winner, ctx.index, 1, axis=ctx.dim)  # one-hot along dim
        grad = grad_output.reshape(ctx.kept_shape) * Tensor(winner)
        return grad, None, None, None
