"""Element-wise functions: exp, log, sqrt, abs, clamp, maximum, minimum, where, casts.

Each backward multiplies the incoming gradient by the local derivative, element by
element (the chain rule for functions applied to each entry independently).
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.ops.arithmetic import binary_arrays, unbroadcast
from glassbox.autograd.tensor import Tensor

__all__ = ["Exp", "Log", "Sqrt", "Abs", "Clamp", "Maximum", "Minimum", "Where", "Cast"]


def _float_array(x: Tensor) -> np.ndarray:
    # NOTE: transcendental functions of integer Tensors are float32 in torch
    return x._data if x.dtype.kind == "f" else x._data.astype(np.float32)


class Exp(Function):
    """e^x."""

    backward_name = "ExpBackward0"

    @staticmethod
    def forward(ctx, x):
        result = np.exp(_float_array(x))
        ctx.save_for_backward(result)  # the output Tensor: d(e^x)/dx = e^x
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result


class Log(Function):
    """Natural logarithm."""

    backward_name = "LogBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(_float_array(x))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output / x  # d(log x)/dx = 1/x


class Sqrt(Function):
    """Square root; ``zero_gradient_at_zero`` gives 0 instead of inf at 0 (torch's std)."""

    backward_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx, x, zero_gradient_at_zero=False):
        result = np.sqrt(_float_array(x))
        ctx.save_for_backward(result)
        ctx.zero_gradient_at_zero = zero_gradient_at_zero
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        grad = grad_output / (2 * result)  # d(sqrt x)/dx = 1 / (2 sqrt x)
        if ctx.zero_gradient_at_zero:
            grad = grad.where(result != 0, grad.new_zeros(()))
        return grad, None


class Abs(Function):
    """|x|."""

    backward_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x._data)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        # d|x|/dx = sign(x), taken as 0 at x = 0 (as torch)
        return grad_output * Tensor(np.sign(x._data))


class Clamp(Function):
    """min(max(x, low), high); either bound may be None."""

    backward_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, low, high):
        ctx.save_for_backward(x)
        ctx.bounds = (low, high)
        if low is None and high is None:
            raise ValueError("clamp needs at least one of min and max; received neither. "
                             "Pass min=..., max=... or both.")
        return np.clip(x._data, low, high).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        low, high = ctx.bounds
        # the gradient passes where low <= x <= high (bounds included, as torch)
        inside = np.ones(x.shape, dtype=bool)
        if low is not None:
            inside &= x._data >= low
        if high is not None:
            inside &= x._data <= high
        return grad_output * Tensor(inside.astype(grad_output.dtype)), None, None


class Maximum(Function):
    """Element-wise max(a, b), broadcasting."""

    backward_name = "MaximumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y = binary_arrays(a, b)
        return np.maximum(x, y)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        return _split_between(grad_output, a, b, np.greater)


class Minimum(Function):
    """Element-wise min(a, b), broadcasting."""

    backward_name = "MinimumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y = binary_arrays(a, b)
        return np.minimum(x, y)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        return _split_between(grad_output, a, b, np.less)


def _split_between(grad_output: Tensor, a: Tensor, b: Tensor, wins) -> tuple:
    """The gradient goes to the operand that won; ties share it half and half (torch)."""
    x, y = binary_arrays(a, b)
    dtype = grad_output.dtype
    a_share = wins(x, y).astype(dtype) + 0.5 * (x == y).astype(dtype)  # in {0, 0.5, 1}
    a_share = Tensor(a_share.astype(dtype, copy=False))
    grad_a = grad_output * a_share
    grad_b = grad_output - grad_a
    return unbroadcast(grad_a, a.shape), unbroadcast(grad_b, b.shape)


class Where(Function):
    """``x`` where ``condition`` holds, else ``y`` (broadcasting all three)."""

    backward_name = "WhereBackward0"

    @staticmethod
    def forward(ctx, condition, x, y):
        condition = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
        ctx.condition = condition
        ctx.shapes = (x.shape, y.shape)
        a, b = binary_arrays(x, y)
        return np.where(condition, a, b)

    @staticmethod
    def backward(ctx, grad_output):
        x_shape, y_shape = ctx.shapes
        zero = grad_output.new_zeros(())
        condition = Tensor(ctx.condition)
        # d/dx = 1 where the condition holds, 0 elsewhere; the opposite for y
        grad_x = (unbroadcast(grad_output.where(condition, zero), x_shape)
                  if ctx.needs_input_grad[1] else None)
        grad_y = (unbroadcast(zero.where(condition, grad_output), y_shape)
                  if ctx.needs_input_grad[2] else None)
        return None, grad_x, grad_y


class Cast(Function):
    """A copy of x with another dtype; the gradient is cast back."""

    backward_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.input_dtype = x.dtype
        return x._data.astype(dtype)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.to(ctx.input_dtype), None
