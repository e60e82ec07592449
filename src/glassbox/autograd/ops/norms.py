"""The vector p-norm as one differentiable operation: ||x||_p = (sum_i |x_i|^p)^(1/p).

Its gradient is

    d||x||_p / dx_i = sign(x_i) |x_i|^(p-1) / ||x||_p^(p-1)      (x_i / ||x||_2 for p = 2)

with the limits p = inf (max |x_i|: the gradient is shared by the entries that reach
the max), p = 1 (sign(x_i)) and p = 0 (the count of non-zeros: no gradient). At x = 0
the 2-norm has no derivative; glassbox returns 0 there, as torch does (the subgradient
of least norm), instead of 0/0. Used by ``Tensor.norm`` and ``glassbox.linalg``.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor

__all__ = ["VectorNorm"]

_INF = float("inf")


def _kept(shape: tuple[int, ...], dims: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if axis in dims else size for axis, size in enumerate(shape))


class VectorNorm(Function):
    """||x||_ord over ``dims``."""

    backward_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, ord, dims, keepdim):  # noqa: A002 (torch's name)
        ctx.settings = (ord, dims)
        magnitude = np.abs(x._data)  # |x_i|
        if ord == 2:
            result = np.sqrt((magnitude * magnitude).sum(axis=dims, keepdims=keepdim))
        elif ord == _INF:
            result = magnitude.max(axis=dims, keepdims=keepdim)
        elif ord == -_INF:
            result = magnitude.min(axis=dims, keepdims=keepdim)
        elif ord == 0:
            result = (magnitude != 0).sum(axis=dims, keepdims=keepdim).astype(x.dtype)
        elif ord == 1:
            result = magnitude.sum(axis=dims, keepdims=keepdim)
        else:
            power = x.dtype.type(ord)
            result = (magnitude ** power).sum(axis=dims, keepdims=keepdim) ** (1 / power)
        result = np.asarray(result, dtype=x.dtype)
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        x, result = ctx.saved_tensors
        ord, dims = ctx.settings  # noqa: A001
        kept = _kept(x.shape, dims)
        g = grad_output.reshape(kept)  # (..., 1, ...): broadcasts over the reduced dims
        norm = result.reshape(kept)
        if ord == 0:
            return x.new_zeros(x.shape), None, None, None
        sign = Tensor(np.sign(x._data))
        if ord == 1:
            return g * sign, None, None, None  # d|x_i|/dx_i = sign(x_i)
        if ord in (_INF, -_INF):
            # the max (min) moves with the entries that reach it, shared evenly
            reached = Tensor((np.abs(x._data) == norm._data).astype(x.dtype))
            count = reached.sum(dims, keepdim=True)
            return g * sign * reached / count, None, None, None
        # NOTE: a zero norm (x = 0) would give 0/0: divide by 1 there, the gradient is 0
        safe = norm.where(Tensor(norm._data != 0), 1.0)
        if ord == 2:
            return g * x / safe, None, None, None  # d||x||/dx_i = x_i / ||x||
        # d||x||_p/dx_i = sign(x_i) |x_i|^(p-1) / ||x||_p^(p-1)
        return g * sign * x.abs() ** (ord - 1) / safe ** (ord - 1), None, None, None
