"""More element-wise functions of two Tensors: ``atan2``, ``fmod``, ``remainder``,
``xlogy`` (torch's names; operands broadcast, gradients summed back).

- atan2(y, x), the angle of the point (x, y): d/dy = x / (x^2 + y^2),
  d/dx = -y / (x^2 + y^2).
- fmod(a, b) = a - trunc(a / b) b (the sign of a, C's %), remainder(a, b) =
  a - floor(a / b) b (the sign of b, Python's %): d/da = 1, d/db = -trunc(a/b) or
  -floor(a/b) (the quotient is piecewise constant).
- xlogy(x, y) = x log(y), and 0 where x = 0 (even where y = 0): d/dx = log(y) (0 where
  x = 0 and y <= 0), d/dy = x / y.

Examples
--------
>>> import glassbox as gb
>>> gb.tensor([-7, 7]) % 3, gb.fmod(gb.tensor([-7, 7]), 3)
(tensor([2, 1]), tensor([-1,  1]))
>>> gb.atan2(gb.tensor([1.0]), gb.tensor([-1.0]))     # 3 pi / 4
tensor([2.3562])
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.ops.arithmetic import _broadcast_error, binary_arrays, unbroadcast
from glassbox.autograd.tensor import Tensor

__all__ = ["Atan2", "Fmod", "Remainder", "Xlogy"]


def _float_arrays(a: Tensor, b: Tensor) -> tuple[np.ndarray, np.ndarray]:
    x, y = binary_arrays(a, b)
    if x.dtype.kind != "f":  # integers give float32, as torch's float functions do
        x, y = x.astype(np.float32), y.astype(np.float32)
    try:
        np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise _broadcast_error(a, b) from None
    return x, y


class Atan2(Function):
    """atan2(y, x): the angle of (x, y) in (-pi, pi]."""

    backward_name = "Atan2Backward0"

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return np.arctan2(*_float_arrays(y, x))

    @staticmethod
    def backward(ctx, grad_output):
        y, x = ctx.saved_tensors
        scale = grad_output / (x * x + y * y)
        # d atan2(y, x)/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2)
        grad_y = unbroadcast(scale * x, y.shape) if ctx.needs_input_grad[0] else None
        grad_x = unbroadcast(-scale * y, x.shape) if ctx.needs_input_grad[1] else None
        return grad_y, grad_x


class _Modulo(Function):
    """a - q(a / b) b with q = trunc (fmod) or floor (remainder)."""

    quotient = staticmethod(np.trunc)
    numpy_function = staticmethod(np.fmod)

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y = binary_arrays(a, b)
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                return cls.numpy_function(x, y)
        except ValueError:
            raise _broadcast_error(a, b) from None

    @classmethod
    def backward(cls, ctx, grad_output):
        a, b = ctx.saved_tensors
        grad_a = unbroadcast(grad_output, a.shape) if ctx.needs_input_grad[0] else None
        grad_b = None
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                quotient = Tensor(cls.quotient(a._data / b._data).astype(grad_output.dtype))
            # d(a - q b)/db = -q (q is piecewise constant in b)
            grad_b = unbroadcast(-grad_output * quotient, b.shape)
        return grad_a, grad_b


class Fmod(_Modulo):
    """a - trunc(a / b) b: the remainder with the sign of a (C's %)."""

    backward_name = "FmodBackward1"


class Remainder(_Modulo):
    """a - floor(a / b) b: the remainder with the sign of b (Python's %)."""

    backward_name = "RemainderBackward1"
    quotient = staticmethod(np.floor)
    numpy_function = staticmethod(np.remainder)


class Xlogy(Function):
    """x log(y), 0 where x = 0."""

    backward_name = "XlogyBackward0"

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        a, b = _float_arrays(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(a == 0, np.zeros((), a.dtype), a * np.log(b)).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        grad_x = grad_y = None
        if ctx.needs_input_grad[0]:
            # d/dx = log(y), but 0 where x = 0 and y <= 0 (where x log y is the constant 0
            # around x = 0); xlogy(g, y) is also 0 where the upstream g is 0 (as torch)
            defined = ~((x._data == 0) & (y._data <= 0))
            grad = grad_output * Tensor(defined.astype(grad_output.dtype))
            grad_x = unbroadcast(Xlogy.apply(grad, y), x.shape)
        if ctx.needs_input_grad[1]:
            grad_y = unbroadcast(grad_output * x / y, y.shape)  # d/dy = x / y
        return grad_x, grad_y
