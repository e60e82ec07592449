"""Activations used everywhere: relu, leaky_relu, sigmoid, tanh, softmax, log_softmax.

Fused into one Function each (rather than composed from exp, sum, ...) because they sit
on the hot path of every network: one pass forward, one pass backward, few temporaries.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd import grad_mode
from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor

__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax"]

# NOTE: set False to run the backwards of ReLU and LeakyReLU written in Tensor ops (the
# teaching path) even when no graph is being built; the tests check both give the same
# gradients. Under create_graph=True the Tensor ops always run (second order).
_FUSED_ACTIVATION_BACKWARD = True


class ReLU(Function):
    """max(x, 0)."""

    backward_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, x):
        result = np.maximum(x._data, 0)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        if _FUSED_ACTIVATION_BACKWARD and not grad_mode.is_grad_enabled():
            # no graph to build: g times the boolean mask, one branch-free pass (a select,
            # np.where, mispredicts on a random sign pattern and is ~6x slower); an
            # infinite or NaN g where x <= 0 gives NaN here (torch and the select: 0)
            return np.multiply(grad_output._data, result._data > 0)
        # d relu(x)/dx = 1 where x > 0, else 0 (a constant mask: relu'' = 0)
        return grad_output.where(Tensor(result._data > 0), grad_output.new_zeros(()))


class LeakyReLU(Function):
    """x where x > 0, negative_slope * x elsewhere."""

    backward_name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, x, negative_slope):
        ctx.save_for_backward(x)
        ctx.negative_slope = negative_slope
        data = x._data
        slope = data.dtype.type(negative_slope)
        if 0 < negative_slope <= 1:
            # then x > 0 exactly where x >= slope * x: max(x, slope * x), two branch-free
            # passes (np.where with its mask takes four and mispredicts on random signs);
            # not at slope 0, where 0 * inf = nan would hide x = inf
            scaled = np.multiply(data, slope)
            return np.maximum(data, scaled, out=scaled)
        return np.where(data > 0, data, data * slope)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        dtype = grad_output.dtype
        if (_FUSED_ACTIVATION_BACKWARD and not grad_mode.is_grad_enabled()
                and 0 <= ctx.negative_slope <= 1):
            # no graph to build: the factor (1 where x > 0, slope elsewhere) is
            # max(mask, slope) with the mask as 0./1., then g * factor in the same
            # buffer: branch-free passes, exact (no 1 - slope + slope rounding)
            factor = (x._data > 0).astype(dtype)
            np.maximum(factor, dtype.type(ctx.negative_slope), out=factor)
            return np.multiply(grad_output._data, factor, out=factor), None
        # d/dx = 1 where x > 0, negative_slope elsewhere
        slope = np.where(x._data > 0, dtype.type(1), dtype.type(ctx.negative_slope))
        return grad_output * Tensor(slope), None


class Sigmoid(Function):
    """1 / (1 + e^-x), computed without overflow for large |x|."""

    backward_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, x):
        data = x._data
        # e^-|x| never overflows; then sigmoid(x) = 1/(1+e^-x) for x >= 0 and
        # e^x/(1+e^x) for x < 0
        e = np.exp(-np.abs(data))
        result = np.where(data >= 0, 1 / (1 + e), e / (1 + e)).astype(data.dtype, copy=False)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result * (1 - result)  # s' = s (1 - s)


class Tanh(Function):
    """Hyperbolic tangent."""

    backward_name = "TanhBackward0"

    @staticmethod
    def forward(ctx, x):
        result = np.tanh(x._data)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * (1 - result * result)  # tanh' = 1 - tanh^2


class Softmax(Function):
    """softmax(x)_i = e^(x_i - max x) / sum_j e^(x_j - max x) along ``dim``."""

    backward_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        shifted = x._data - x._data.max(axis=dim, keepdims=True)  # e^big would overflow
        result = np.exp(shifted)
        result /= result.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        # Jacobian diag(s) - s s^T applied to g: s * (g - <g, s>)
        return s * (grad_output - (grad_output * s).sum(dim=ctx.dim, keepdim=True)), None


class LogSoftmax(Function):
    """log softmax(x) = x - max x - log sum e^(x - max x): the stable log-sum-exp form."""

    backward_name = "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        shifted = x._data - x._data.max(axis=dim, keepdims=True)
        result = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (log_s,) = ctx.saved_tensors
        # d(log softmax)/dx applied to g: g - softmax * sum(g)
        return grad_output - log_s.exp() * grad_output.sum(dim=ctx.dim, keepdim=True), None
