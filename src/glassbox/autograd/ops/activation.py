"""Activations used everywhere: relu, leaky_relu, sigmoid, tanh, softmax, log_softmax.

Fused into one Function each (rather than composed from exp, sum, ...) because they sit
on the hot path of every network: one pass forward, one pass backward, few temporaries.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd import grad_mode
from glassbox.autograd._parallel import elementwise
from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor

__all__ = ["ReLU", "LeakyReLU", "LeakyReLUBackward", "Sigmoid", "Tanh", "Softmax",
           "LogSoftmax", "sigmoid_array"]

# NOTE: set False to run the backwards of ReLU, LeakyReLU, Sigmoid, Tanh, Softmax and
# LogSoftmax written in Tensor ops (the teaching path) even when no graph is being built;
# the tests check both give the same gradients. Under create_graph=True the Tensor ops
# always run (second order). The fused passes (and the forwards of relu, leaky_relu,
# sigmoid, tanh) on large float arrays are split over glassbox's threads by
# ``elementwise``: the same bits at any thread count.
_FUSED_ACTIVATION_BACKWARD = True
# NOTE: set False to build LeakyReLU's backward under create_graph=True from Tensor ops
# (g * Tensor(factor): a select for the factor, then a Mul node) rather than as one
# ``LeakyReLUBackward`` node; the numbers are the same (tested), the one op skips the
# select's mispredictions and Mul's broadcasting bookkeeping (WGAN-GP's penalty).
_LEAKY_RELU_BACKWARD_AS_ONE_OP = True


def sigmoid_array(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) on an array, without overflow for large |x| (see ``_sigmoid_pass``).

    Examples
    --------
    >>> sigmoid_array(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    if x.dtype.kind != "f":  # integers, as before: in float64, cast back to x's dtype
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)
    return elementwise(_sigmoid_pass, np.empty_like(x), x)


def _sigmoid_pass(out: np.ndarray, x: np.ndarray) -> None:
    """out = sigmoid(x), for a float x.

    With e = e^-|x| (never overflows) and r = 1 / (1 + e) = sigmoid(|x|), sigmoid(x) is r
    for x >= 0 and e^x / (1 + e^x) = e r for x < 0: r * max(e, [x >= 0]), since e <= 1.
    """
    # NOTE: that product replaces a select (np.where), which mispredicts on random signs
    # and took ~4x as long.
    e = np.abs(x, out=np.empty_like(x))  # out=: an array, also for a 0-d x
    np.negative(e, out=e)
    np.exp(e, out=e)                      # e^-|x|, in (0, 1]
    np.add(e, x.dtype.type(1), out=out)
    np.reciprocal(out, out=out)           # sigmoid(|x|)
    np.maximum(e, x >= 0, out=e)          # 1 where x >= 0, e^-|x| elsewhere
    np.multiply(out, e, out=out)


def _relu_pass(out: np.ndarray, x: np.ndarray) -> None:
    np.maximum(x, 0, out=out)


def _relu_backward_pass(out: np.ndarray, result: np.ndarray, g: np.ndarray) -> None:
    np.multiply(g, result > 0, out=out)  # g times the mask [x > 0]


def _sigmoid_backward_pass(out: np.ndarray, s: np.ndarray, g: np.ndarray) -> None:
    np.subtract(s.dtype.type(1), s, out=out)
    np.multiply(np.multiply(g, s), out, out=out)  # (g s)(1 - s), as the Tensor ops


def _tanh_pass(out: np.ndarray, x: np.ndarray) -> None:
    np.tanh(x, out=out)


def _tanh_backward_pass(out: np.ndarray, t: np.ndarray, g: np.ndarray) -> None:
    np.multiply(t, t, out=out)
    np.subtract(t.dtype.type(1), out, out=out)
    np.multiply(g, out, out=out)  # g (1 - t^2), as the Tensor ops


class ReLU(Function):
    """max(x, 0)."""

    backward_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, x):
        data = x._data
        result = elementwise(_relu_pass, np.empty_like(data), data) \
            if data.dtype.kind == "f" else np.maximum(data, 0)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        if _FUSED_ACTIVATION_BACKWARD and not grad_mode.is_grad_enabled():
            # no graph to build: g times the boolean mask, one branch-free pass (a select,
            # np.where, mispredicts on a random sign pattern and is ~6x slower); an
            # infinite or NaN g where x <= 0 gives NaN here (torch and the select: 0)
            g, r = grad_output._data, result._data
            if g.dtype == r.dtype:
                return elementwise(_relu_backward_pass, np.empty_like(r), r, g)
            return np.multiply(g, r > 0)
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
            if data.dtype.kind != "f":
                scaled = np.multiply(data, slope)
                return np.maximum(data, scaled, out=scaled)

            def leaky_relu_pass(out, x):
                np.multiply(x, slope, out=out)
                np.maximum(x, out, out=out)
            return elementwise(leaky_relu_pass, np.empty_like(data), data)
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
            slope = dtype.type(ctx.negative_slope)

            def leaky_relu_backward_pass(factor, x, g):
                np.greater(x, 0, out=factor)                   # the mask as 0. and 1.
                np.maximum(factor, slope, out=factor)
                np.multiply(g, factor, out=factor)
            data, g = x._data, grad_output._data
            # (the factor in g's dtype: for a gradient of another dtype than x, elementwise
            # runs the pass whole)
            factor = np.empty(data.shape, dtype)
            return elementwise(leaky_relu_backward_pass, factor, data, g), None
        if _LEAKY_RELU_BACKWARD_AS_ONE_OP and 0 <= ctx.negative_slope <= 1:
            # a graph to build (create_graph): the factor as above, then one node
            # g * factor whose own backward is the same product (a constant factor)
            factor = np.empty(x._data.shape, dtype)
            np.greater(x._data, 0, out=factor)
            np.maximum(factor, dtype.type(ctx.negative_slope), out=factor)
            return LeakyReLUBackward.apply(grad_output, factor), None
        # d/dx = 1 where x > 0, negative_slope elsewhere
        slope = np.where(x._data > 0, dtype.type(1), dtype.type(ctx.negative_slope))
        return grad_output * Tensor(slope), None


def _multiply_pass(out: np.ndarray, g: np.ndarray, factor: np.ndarray) -> None:
    np.multiply(g, factor, out=out)


class LeakyReLUBackward(Function):
    """LeakyReLU's backward as one op: g * factor, factor = 1 where x > 0, slope elsewhere.

    Built by ``LeakyReLU.backward`` under ``create_graph=True`` (WGAN-GP's gradient
    penalty). The factor is a constant (it depends on x only through the sign of x, so
    its derivative in x is 0, as in torch): the backward of g * factor is grad * factor,
    this same op again, so third and higher orders also stay one node each.

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.tensor([-1.0, 2.0], requires_grad=True)
    >>> y = gb.nn.functional.leaky_relu(x, 0.1)
    >>> (g,) = gb.autograd.grad((y * y).sum(), x, create_graph=True)  # 2 y * factor
    >>> g
    tensor([-0.02,  4.  ], grad_fn=<LeakyReluBackwardBackward0>)
    """

    backward_name = "LeakyReluBackwardBackward0"

    @staticmethod
    def forward(ctx, grad_output, factor):
        ctx.factor = factor  # an array: a constant, no gradient flows into it
        g = grad_output._data
        if g.dtype == factor.dtype and g.shape == factor.shape:
            return elementwise(_multiply_pass, np.empty_like(factor), g, factor)
        return g * factor  # as Mul: NumPy's broadcasting and promotion

    @staticmethod
    def backward(ctx, grad):
        return LeakyReLUBackward.apply(grad, ctx.factor), None


class Sigmoid(Function):
    """1 / (1 + e^-x), computed without overflow for large |x|."""

    backward_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, x):
        result = sigmoid_array(x._data)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        if _FUSED_ACTIVATION_BACKWARD and not grad_mode._grad_enabled:
            # no graph to build: the same products on the arrays, two temporaries fewer
            s, g = result._data, grad_output._data
            if g.dtype == s.dtype:
                return elementwise(_sigmoid_backward_pass, np.empty_like(s), s, g)
            return g * s * (1 - s)
        return grad_output * result * (1 - result)  # s' = s (1 - s)


class Tanh(Function):
    """Hyperbolic tangent."""

    backward_name = "TanhBackward0"

    @staticmethod
    def forward(ctx, x):
        data = x._data
        result = elementwise(_tanh_pass, np.empty_like(data), data) \
            if data.dtype.kind == "f" else np.tanh(data)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        if _FUSED_ACTIVATION_BACKWARD and not grad_mode._grad_enabled:
            # no graph to build: the same three passes written into one buffer
            t, g = result._data, grad_output._data
            if g.dtype == t.dtype:
                return elementwise(_tanh_backward_pass, np.empty_like(t), t, g)
            return g * (1 - t * t)
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
        if (_FUSED_ACTIVATION_BACKWARD and not grad_mode._grad_enabled
                and grad_output.dtype == s.dtype):
            # no graph to build: the line below on the arrays, in one buffer
            g, softmax = grad_output._data, s._data
            buffer = np.multiply(g, softmax, out=np.empty_like(softmax))  # an array at 0-d
            total = buffer.sum(axis=ctx.dim, keepdims=True)            # <g, s>
            np.subtract(g, total, out=buffer)
            return np.multiply(softmax, buffer, out=buffer), None
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
        if (_FUSED_ACTIVATION_BACKWARD and not grad_mode._grad_enabled
                and grad_output.dtype == log_s.dtype):
            # no graph to build: the line below on the arrays, in one buffer
            g = grad_output._data
            buffer = np.exp(log_s._data, out=np.empty_like(log_s._data))  # softmax
            buffer *= g.sum(axis=ctx.dim, keepdims=True)
            return np.subtract(g, buffer, out=buffer), None
        # d(log softmax)/dx applied to g: g - softmax * sum(g)
        return grad_output - log_s.exp() * grad_output.sum(dim=ctx.dim, keepdim=True), None
