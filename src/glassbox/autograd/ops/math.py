"""More element-wise math: trigonometry, logarithms, erf, rounding (torch's names).

Each function y = f(x) is applied entry by entry, so its backward is the chain rule
entry by entry: dL/dx = dL/dy * f'(x). A subclass of :class:`Unary` names the NumPy
function and writes f'(x) with Tensor operations (from ``x`` and, where it is
cheaper, the result ``y``), so that second derivatives work too.

Examples
--------
>>> import glassbox as gb
>>> x = gb.tensor([0.0, 1.0], requires_grad=True)
>>> x.sin().sum().backward()
>>> x.grad                 # cos(x)
tensor([1.    , 0.5403])
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor

__all__ = ["Unary", "UNARY"]


class Unary(Function):
    """y = f(x) entry by entry; subclasses set ``function`` and write ``derivative``."""

    function = staticmethod(np.negative)

    @staticmethod
    def derivative(x: Tensor, y: Tensor) -> Tensor:
        """f'(x), given x and y = f(x)."""
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx, x):
        data = x._data if x.dtype.kind == "f" else x._data.astype(np.float32)
        with np.errstate(divide="ignore", invalid="ignore"):  # log(0) = -inf, as torch
            result = cls.function(data).astype(data.dtype, copy=False)
        ctx.save_for_backward(x, result)
        return result

    @classmethod
    def backward(cls, ctx, grad_output):
        x, y = ctx.saved_tensors
        return grad_output * cls.derivative(x, y)


def _unary(name: str, function, derivative, backward_name: str) -> type:
    return type(name, (Unary,), {
        "__doc__": f"torch.{name.lower()} entry by entry.",
        "function": staticmethod(function),
        "derivative": staticmethod(derivative),
        "backward_name": backward_name,
    })


_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

# name: (NumPy function, f'(x) from x and y = f(x))
UNARY = {
    "sin": _unary("Sin", np.sin, lambda x, y: x.cos(), "SinBackward0"),
    "cos": _unary("Cos", np.cos, lambda x, y: -x.sin(), "CosBackward0"),
    "tan": _unary("Tan", np.tan, lambda x, y: 1 + y * y, "TanBackward0"),
    "sinh": _unary("Sinh", np.sinh, lambda x, y: x.cosh(), "SinhBackward0"),
    "cosh": _unary("Cosh", np.cosh, lambda x, y: x.sinh(), "CoshBackward0"),
    "asin": _unary("Asin", np.arcsin, lambda x, y: (1 - x * x).rsqrt(), "AsinBackward0"),
    "acos": _unary("Acos", np.arccos, lambda x, y: -(1 - x * x).rsqrt(), "AcosBackward0"),
    "atan": _unary("Atan", np.arctan, lambda x, y: 1 / (1 + x * x), "AtanBackward0"),
    "log1p": _unary("Log1p", np.log1p, lambda x, y: 1 / (1 + x), "Log1PBackward0"),
    "expm1": _unary("Expm1", np.expm1, lambda x, y: y + 1, "Expm1Backward0"),
    "log2": _unary("Log2", np.log2, lambda x, y: 1 / (x * _LN2), "Log2Backward0"),
    "log10": _unary("Log10", np.log10, lambda x, y: 1 / (x * _LN10), "Log10Backward0"),
    # rsqrt: y = x^(-1/2), dy/dx = -1/2 x^(-3/2) = -y^3 / 2
    "rsqrt": _unary("Rsqrt", lambda a: 1 / np.sqrt(a), lambda x, y: -0.5 * y * y * y,
                    "RsqrtBackward0"),
    "reciprocal": _unary("Reciprocal", np.reciprocal, lambda x, y: -y * y,
                         "ReciprocalBackward0"),
    # d erf(x)/dx = 2/sqrt(pi) e^(-x^2)
    "erf": _unary("Erf", special.erf, lambda x, y: _TWO_OVER_SQRT_PI * (-x * x).exp(),
                  "ErfBackward0"),
    "erfc": _unary("Erfc", special.erfc, lambda x, y: -_TWO_OVER_SQRT_PI * (-x * x).exp(),
                   "ErfcBackward0"),
    # piecewise constant: the gradient is 0 everywhere (as torch defines it)
    "floor": _unary("Floor", np.floor, lambda x, y: x.new_zeros(()), "FloorBackward0"),
    "ceil": _unary("Ceil", np.ceil, lambda x, y: x.new_zeros(()), "CeilBackward0"),
    "round": _unary("Round", np.round, lambda x, y: x.new_zeros(()), "RoundBackward0"),
    "trunc": _unary("Trunc", np.trunc, lambda x, y: x.new_zeros(()), "TruncBackward0"),
    "frac": _unary("Frac", lambda a: a - np.trunc(a), lambda x, y: x.new_ones(()),
                   "FracBackward0"),
}


# the inverse hyperbolic functions, wired like UNARY (methods, free functions, in place)
INVERSE_HYPERBOLIC = {
    # d asinh(x)/dx = 1 / sqrt(x^2 + 1)
    "asinh": _unary("Asinh", np.arcsinh, lambda x, y: (x * x + 1).rsqrt(), "AsinhBackward0"),
    # d acosh(x)/dx = 1 / sqrt(x^2 - 1), x > 1
    "acosh": _unary("Acosh", np.arccosh, lambda x, y: (x * x - 1).rsqrt(), "AcoshBackward0"),
    # d atanh(x)/dx = 1 / (1 - x^2), |x| < 1
    "atanh": _unary("Atanh", np.arctanh, lambda x, y: 1 / (1 - x * x), "AtanhBackward0"),
}
