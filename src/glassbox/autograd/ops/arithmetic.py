"""Broadcasting arithmetic: + - * / ** neg and matmul, with un-broadcast gradients.

When NumPy broadcasts ``a`` of shape (3, 1) against ``b`` of shape (4,), each element
of ``a`` is used 4 times; by the chain rule its gradient is the *sum* over those uses.
:func:`unbroadcast` performs that sum, which is why every binary rule below ends with it.
"""

from __future__ import annotations

import numpy as np

from glassbox import _gemm
from glassbox.autograd.dtypes import result_dtype
from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor

__all__ = ["unbroadcast", "Add", "Sub", "Mul", "Div", "Neg", "Pow", "PowScalar", "MatMul",
           "binary_arrays"]


def unbroadcast(grad: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum ``grad`` over the axes that broadcasting added or stretched, to get ``shape``.

    Examples
    --------
    >>> import glassbox as gb
    >>> unbroadcast(gb.ones(2, 3), (1, 3))
    tensor([[2., 2., 2.]])
    """
    if grad.shape == shape:
        return grad
    leading = grad.ndim - len(shape)  # axes broadcasting prepended
    axes = tuple(range(leading)) + tuple(
        leading + axis for axis, size in enumerate(shape)
        if size == 1 and grad.shape[leading + axis] != 1
    )
    summed = grad.sum(dim=axes, keepdim=True) if axes else grad
    return summed.reshape(shape)  # drop the prepended axes


def binary_arrays(a: Tensor, b: Tensor) -> tuple[np.ndarray, np.ndarray]:
    """The two operands' arrays, cast to their common dtype (torch's promotion rules)."""
    x, y = a._data, b._data
    if x.dtype != y.dtype:
        dtype = result_dtype(x, y)
        x, y = x.astype(dtype, copy=False), y.astype(dtype, copy=False)
    return x, y


def _broadcast_error(a: Tensor, b: Tensor) -> RuntimeError:
    return RuntimeError(
        f"The shapes {a.shape} and {b.shape} cannot be broadcast together: trailing "
        f"dimensions must be equal or 1. Reshape (or unsqueeze) one operand to match."
    )


def _apply_broadcasting(numpy_op, a: Tensor, b: Tensor) -> np.ndarray:
    x, y = binary_arrays(a, b)
    try:
        return numpy_op(x, y)
    except ValueError:
        raise _broadcast_error(a, b) from None


class Add(Function):
    """a + b."""

    backward_name = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape, b.shape)
        return _apply_broadcasting(np.add, a, b)

    @staticmethod
    def backward(ctx, grad_output):
        a_shape, b_shape = ctx.shapes
        # d(a+b)/da = d(a+b)/db = 1
        return unbroadcast(grad_output, a_shape), unbroadcast(grad_output, b_shape)


class Sub(Function):
    """a - b."""

    backward_name = "SubBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape, b.shape)
        return _apply_broadcasting(np.subtract, a, b)

    @staticmethod
    def backward(ctx, grad_output):
        a_shape, b_shape = ctx.shapes
        grad_b = -unbroadcast(grad_output, b_shape) if ctx.needs_input_grad[1] else None
        return unbroadcast(grad_output, a_shape), grad_b


class Mul(Function):
    """a * b."""

    backward_name = "MulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _apply_broadcasting(np.multiply, a, b)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        # d(a*b)/da = b, d(a*b)/db = a
        grad_a = unbroadcast(grad_output * b, a.shape) if ctx.needs_input_grad[0] else None
        grad_b = unbroadcast(grad_output * a, b.shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Div(Function):
    """a / b (true division: integer Tensors give float32)."""

    backward_name = "DivBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y = binary_arrays(a, b)
        if x.dtype.kind != "f":
            x, y = x.astype(np.float32), y.astype(np.float32)
        try:
            with np.errstate(divide="ignore", invalid="ignore"):  # x/0 is inf, as in torch
                return np.divide(x, y)
        except ValueError:
            raise _broadcast_error(a, b) from None

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
        grad_a = unbroadcast(grad_output / b, a.shape) if ctx.needs_input_grad[0] else None
        grad_b = (unbroadcast(-grad_output * a / (b * b), b.shape)
                  if ctx.needs_input_grad[1] else None)
        return grad_a, grad_b


class Neg(Function):
    """-x."""

    backward_name = "NegBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.negative(x._data)

    @staticmethod
    def backward(ctx, grad_output):
        return -grad_output


class PowScalar(Function):
    """x ** p for a Python number p."""

    backward_name = "PowBackward0"

    @staticmethod
    def forward(ctx, x, exponent):
        ctx.save_for_backward(x)
        ctx.exponent = exponent
        base = x._data
        if base.dtype.kind != "f" and isinstance(exponent, float):
            base = base.astype(np.float32)  # int ** 0.5 is float32 in torch
        return np.power(base, base.dtype.type(exponent)) if base.dtype.kind == "f" \
            else np.power(base, exponent)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        p = ctx.exponent
        if p == 0:
            return grad_output * 0.0, None
        # d(x^p)/dx = p x^(p-1)
        return grad_output * (p * x ** (p - 1)), None


class Pow(Function):
    """a ** b for two Tensors."""

    backward_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        result = _apply_broadcasting(np.power, a, b)
        ctx.save_for_backward(a, b, result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        a, b, result = ctx.saved_tensors
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            # d(a^b)/da = b a^(b-1)
            grad_a = unbroadcast(grad_output * b * a ** (b - 1), a.shape)
        if ctx.needs_input_grad[1]:
            # d(a^b)/db = a^b log(a); torch takes it as 0 where a == 0 (and b >= 0)
            log_a = a.where(a != 0, a.new_ones(())).log()
            grad_b = unbroadcast(grad_output * result * log_a, b.shape)
        return grad_a, grad_b


class MatMul(Function):
    """a @ b for operands with at least two dimensions (batch dimensions broadcast)."""

    backward_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y = binary_arrays(a, b)
        if x.shape[-1] != y.shape[-2]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({'x'.join(map(str, a.shape))} "
                f"and {'x'.join(map(str, b.shape))}): the last dimension of the first must "
                f"equal the second-to-last of the second."
            )
        try:
            return _gemm.matmul(x, y, whole_on_blas_threads=True)  # np.matmul(x, y)
        except ValueError:
            raise _broadcast_error(a, b) from None

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        # C = A B: dL/dA = dL/dC B^T, dL/dB = A^T dL/dC (summed over broadcast batches)
        grad_a = (unbroadcast(grad_output @ b.transpose(-1, -2), a.shape)
                  if ctx.needs_input_grad[0] else None)
        grad_b = (unbroadcast(a.transpose(-1, -2) @ grad_output, b.shape)
                  if ctx.needs_input_grad[1] else None)
        return grad_a, grad_b
