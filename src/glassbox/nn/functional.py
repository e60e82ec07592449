"""The functions behind ``glassbox.nn``'s layers, the twin of ``torch.nn.functional``.

Read this file to see how each gradient is computed. The hot ones (``linear``,
``cross_entropy``, ``nll_loss``, the binary cross-entropies, ``batch_norm``) are fused
:class:`~glassbox.autograd.Function` s: one pass forward over NumPy arrays, and a
backward rule written with Tensor operations (so that it runs on plain arrays normally
and stays differentiable under ``create_graph=True``). Activations live with the Tensor
(``x.relu()``, ``x.log_softmax(dim)``) in :mod:`glassbox.autograd.ops.activation`.

Softplus, SiLU, Mish, the exponential units (ELU, CELU, SELU), PReLU, GLU, the shrinks
and the hard (piecewise-linear) activations are written in
:mod:`glassbox.nn._activations` and re-exported here; ``normalize``,
``cosine_similarity`` and ``pairwise_distance`` in :mod:`glassbox.nn._distance`;
``unfold`` / ``fold`` (im2col / col2im) in :mod:`glassbox.nn._fold`; the dropouts in
:mod:`glassbox.nn._dropout`; ``pixel_shuffle`` /
``pixel_unshuffle`` in :mod:`glassbox.nn._pixel_shuffle`; ``group_norm`` and
``instance_norm`` in :mod:`glassbox.nn._normalization`; ``adaptive_max_pool2d`` in
:mod:`glassbox.nn._adaptive_max_pool`; the 1-D convolutions and poolings in
:mod:`glassbox.nn._one_dimensional`; the ranking, embedding, multi-label and likelihood
losses in :mod:`glassbox.nn._losses`.

Convolution, pooling, padding and upsampling (``conv2d``, ``conv_transpose2d``,
``max_pool2d``, ``avg_pool2d``, ``adaptive_avg_pool2d``, ``pad``, ``interpolate``,
``upsample_nearest``) are written in :mod:`glassbox.nn._conv` and re-exported here.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from glassbox import _gemm, _threads
from glassbox.autograd import grad_mode
from glassbox.autograd.function import Function
from glassbox.autograd.functions import einsum
from glassbox.autograd.ops.activation import (
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    sigmoid_array,
)
from glassbox.autograd.ops.arithmetic import unbroadcast
from glassbox.autograd.tensor import Tensor
from glassbox.nn._activations import (  # the activations beyond ReLU, sigmoid and tanh
    celu,
    elu,
    glu,
    gumbel_softmax,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    logsigmoid,
    mish,
    prelu,
    relu6,
    rrelu,
    selu,
    silu,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
)
from glassbox.nn._adaptive_max_pool import (
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
)
from glassbox.nn._attention import scaled_dot_product_attention
from glassbox.nn._conv import (  # the spatial operations, written in their own file
    _ArgumentError,
    adaptive_avg_pool2d,
    avg_pool2d,
    conv2d,
    conv_transpose2d,
    interpolate,
    max_pool2d,
    pad,
    upsample_bilinear,
    upsample_nearest,
)
from glassbox.nn._distance import cosine_similarity, normalize, pairwise_distance
from glassbox.nn._dropout import (
    alpha_dropout,
    dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
)
from glassbox.nn._embedding_bag import embedding_bag
from glassbox.nn._fold import fold, unfold
from glassbox.nn._grid_sample import affine_grid, grid_sample
from glassbox.nn._losses import (
    cosine_embedding_loss,
    gaussian_nll_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_soft_margin_loss,
    poisson_nll_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from glassbox.nn._lp_pool import lp_pool1d, lp_pool2d
from glassbox.nn._max_unpool import max_unpool1d, max_unpool2d
from glassbox.nn._normalization import (
    group_norm,
    instance_norm,
    local_response_norm,
    rms_norm,
)
from glassbox.nn._one_dimensional import (
    adaptive_avg_pool1d,
    adaptive_max_pool1d,
    adaptive_max_pool1d_with_indices,
    avg_pool1d,
    conv1d,
    conv_transpose1d,
    max_pool1d,
    max_pool1d_with_indices,
)
from glassbox.nn._pixel_shuffle import channel_shuffle, pixel_shuffle, pixel_unshuffle

__all__ = [
    "linear", "dropout", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax",
    "mse_loss", "l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "batch_norm", "conv2d", "conv_transpose2d",
    "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "pad", "interpolate",
    "upsample_nearest", "gelu", "layer_norm", "embedding", "smooth_l1_loss", "huber_loss",
    "one_hot", "softplus", "silu", "mish", "hardtanh", "relu6", "hardsigmoid", "hardswish",
    "normalize", "cosine_similarity", "pairwise_distance", "unfold", "fold",
    "pixel_shuffle", "pixel_unshuffle", "group_norm", "instance_norm",
    "dropout2d", "dropout1d", "dropout3d", "adaptive_max_pool2d",
    "adaptive_max_pool2d_with_indices", "kl_div",
    "elu", "celu", "selu", "prelu", "logsigmoid", "softsign", "softmin", "tanhshrink",
    "threshold", "hardshrink", "softshrink", "glu", "upsample_bilinear", "conv1d",
    "conv_transpose1d", "max_pool1d", "max_pool1d_with_indices", "avg_pool1d",
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "adaptive_max_pool1d_with_indices",
    "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
    "multilabel_soft_margin_loss", "cosine_embedding_loss", "triplet_margin_loss",
    "gaussian_nll_loss", "poisson_nll_loss", "rms_norm", "local_response_norm",
    "channel_shuffle", "bilinear", "scaled_dot_product_attention", "max_unpool1d",
    "max_unpool2d", "alpha_dropout", "feature_alpha_dropout", "gumbel_softmax",
    "multi_margin_loss", "triplet_margin_with_distance_loss", "rrelu", "lp_pool1d",
    "lp_pool2d", "affine_grid", "grid_sample", "embedding_bag",
]


def _tensor(value, like: Tensor | None = None) -> Tensor:
    """``value`` as a Tensor (arrays and Python data are wrapped; dtype of ``like``)."""
    if isinstance(value, Tensor):
        return value
    if like is not None and like.dtype.kind == "f":
        array = np.asarray(value)
        if array.dtype.kind == "f":
            return Tensor(array.astype(like.dtype, copy=False))
    return Tensor(np.asarray(value))


def _check_reduction(reduction: str) -> None:
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction; expected one of "
                         f"'none', 'mean', 'sum'.")


def _legacy_reduction(size_average, reduce, reduction: str) -> str:
    """torch's deprecated ``size_average``/``reduce`` arguments, turned into ``reduction``."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    _check_reduction(reduction)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


# NOTE: set False to run the teaching path everywhere below: every backward in Tensor ops
# even when no graph is being built, and the class-index losses' general target weights.
# When True, and no graph is being built (an ordinary backward(), no create_graph), the
# hot backwards (linear, cross_entropy, binary_cross_entropy_with_logits, mse_loss)
# compute the same formulas on the arrays directly, without a Function call per term, and
# plain class indices get their one-hot targets directly. The tests check both paths give
# the same values. Under create_graph=True the Tensor ops always run (second order).
_FAST_PATHS = True


# ---------------------------------------------------------------------------- linear
class _Linear(Function):
    """y = x W^T + b, over the last axis of x."""

    backward_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias):
        if x.shape[-1] != weight.shape[-1]:
            rows = int(np.prod(x.shape[:-1]))
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
                f"{weight.shape[1]}x{weight.shape[0]}): input of shape {x.shape} has "
                f"{x.shape[-1]} features but the weight {weight.shape} expects "
                f"{weight.shape[1]}."
            )
        ctx.save_for_backward(x, weight)
        ctx.has_bias = bias is not None
        # (BLAS reads the transposed view directly)
        y = _gemm.matmul(x._data, weight._data.T, whole_on_blas_threads=True)
        if bias is not None:
            y += bias._data
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        needs_x, needs_weight, needs_bias = ctx.needs_input_grad
        out_features, in_features = weight.shape
        rows = int(np.prod(x.shape[:-1]))  # not -1: NumPy cannot infer it for empty arrays
        if _FAST_PATHS and not grad_mode._grad_enabled:
            # no graph to build: the same three products on the arrays (no Tensor ops)
            g = grad_output._data.reshape(rows, out_features)  # (rows, out)
            return (_gemm.matmul(grad_output._data, weight._data, whole_on_blas_threads=True)
                    if needs_x else None,
                    _gemm.matmul(g.T, x._data.reshape(rows, in_features),
                                 whole_on_blas_threads=True) if needs_weight
                    else None,
                    g.sum(0) if ctx.has_bias and needs_bias else None)
        grad_2d = grad_output.reshape(rows, out_features)  # (rows, out)
        grad_x = grad_output @ weight if needs_x else None  # dy/dx = W
        # dL/dW = sum over rows of g^T x
        grad_weight = grad_2d.T @ x.reshape(rows, in_features) if needs_weight else None
        grad_bias = grad_2d.sum(0) if ctx.has_bias and needs_bias else None
        return grad_x, grad_weight, grad_bias


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    """Affine map :math:`y = x W^T + b`.

    Parameters
    ----------
    input : Tensor of shape (*, in_features)
    weight : Tensor of shape (out_features, in_features)
    bias : Tensor of shape (out_features,), optional

    Returns
    -------
    Tensor of shape (*, out_features)

    See Also
    --------
    torch.nn.functional.linear

    Examples
    --------
    >>> import glassbox as gb
    >>> linear(gb.ones(2, 3), gb.ones(4, 3), gb.zeros(4)).shape
    glassbox.Size([2, 4])
    """
    if input.ndim == 0:
        raise _ArgumentError(f"linear: both arguments need to be at least 1D, but they are 0D "
                             f"and {weight.ndim}D: expected an input of shape (*, "
                             f"{weight.shape[-1]}), received a scalar.")
    return _Linear.apply(input, weight, bias)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor,
             bias: Tensor | None = None) -> Tensor:
    """y_o = x1^T A_o x2 + b_o: one bilinear form per output feature.

    .. math:: y[..., o] = \\sum_{i, j} x_1[..., i]\\, A[o, i, j]\\, x_2[..., j] + b[o]

    Parameters
    ----------
    input1 : Tensor of shape (*, in1)
    input2 : Tensor of shape (*, in2)
    weight : Tensor of shape (out, in1, in2)
    bias : Tensor of shape (out,), optional

    See Also
    --------
    torch.nn.functional.bilinear

    Examples
    --------
    >>> import glassbox as gb
    >>> bilinear(gb.tensor([[1.0, 2.0]]), gb.tensor([[3.0]]), gb.ones(1, 2, 1))
    tensor([[9.]])
    """
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.shape[-1]} but expected {weight.shape[2]}")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.shape[-1]} but expected {weight.shape[1]}")
    y = einsum("...i,oij,...j->...o", input1, weight, input2)
    return y + bias if bias is not None else y


# ---------------------------------------------------------------------------- activations
def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """max(x, 0) element-wise (``inplace`` is accepted for torch compatibility).

    Examples
    --------
    >>> import glassbox as gb
    >>> relu(gb.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return ReLU.apply(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01,  # noqa: A002
               inplace: bool = False) -> Tensor:
    """x for x > 0, ``negative_slope`` * x otherwise.

    Examples
    --------
    >>> import glassbox as gb
    >>> leaky_relu(gb.tensor([-1.0, 2.0]), 0.1)
    tensor([-0.1,  2. ])
    """
    return LeakyReLU.apply(input, negative_slope)


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """1 / (1 + e^-x) element-wise.

    Examples
    --------
    >>> import glassbox as gb
    >>> sigmoid(gb.zeros(1))
    tensor([0.5])
    """
    return Sigmoid.apply(input)


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic tangent element-wise.

    Examples
    --------
    >>> import glassbox as gb
    >>> tanh(gb.zeros(1))
    tensor([0.])
    """
    return Tanh.apply(input)


def _softmax_dim(ndim: int, dim: int | None) -> int:
    # torch's legacy rule when dim is omitted
    if dim is None:
        return 0 if ndim in (0, 1, 3) else 1
    return dim


def softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:  # noqa: A002
    """softmax(x)_i = e^(x_i) / sum_j e^(x_j) along ``dim`` (shifted by the max: stable).

    Examples
    --------
    >>> import glassbox as gb
    >>> softmax(gb.zeros(1, 2), dim=1)
    tensor([[0.5, 0.5]])
    """
    if dtype is not None:
        input = input.to(dtype)
    return Softmax.apply(input, _softmax_dim(input.ndim, dim))


def log_softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:  # noqa: A002
    """log softmax(x) = x - logsumexp(x) along ``dim``, in the stable log-sum-exp form.

    Examples
    --------
    >>> import glassbox as gb
    >>> log_softmax(gb.zeros(1, 2), dim=1).exp()
    tensor([[0.5, 0.5]])
    """
    if dtype is not None:
        input = input.to(dtype)
    return LogSoftmax.apply(input, _softmax_dim(input.ndim, dim))


# ---------------------------------------------------------------------------- losses
def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,  # noqa: A002
             reduction: str = "mean") -> Tensor:
    """Mean squared error: reduce((input - target)^2).

    See Also
    --------
    torch.nn.functional.mse_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> mse_loss(gb.tensor([1.0, 3.0]), gb.tensor([1.0, 1.0]))
    tensor(2.)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return _MSELoss.apply(input, _tensor(target, input), reduction)


class _MSELoss(Function):
    """reduce((input - target)^2) as one graph node (torch's ``MseLossBackward0``)."""

    backward_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx, input, target, reduction):  # noqa: A002
        ctx.save_for_backward(input, target)
        ctx.reduction = reduction
        difference = (input - target)._data  # broadcasting and dtype rules of Tensor ops
        squared = difference * difference
        if reduction == "none":
            return squared
        if reduction == "sum":
            return squared.sum()
        return squared.mean() if squared.size else np.asarray(np.nan, dtype=squared.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        input, target = ctx.saved_tensors  # noqa: A001
        if (_FAST_PATHS and not grad_mode._grad_enabled and not ctx.needs_input_grad[1]
                and input.shape == target.shape and input.dtype == target.dtype):
            # no graph to build, nothing broadcast: the lines below on the arrays
            difference = input._data - target._data
            scale = 2.0 / max(difference.size, 1) if ctx.reduction == "mean" else 2.0
            grad = grad_output._data * difference
            grad *= scale
            return grad, None, None
        difference = input - target
        # d(d^2)/d(input) = 2 d, and the mean divides by the number of terms
        scale = 2.0 / max(difference.numel(), 1) if ctx.reduction == "mean" else 2.0
        grad = grad_output * difference * scale
        grad_input = unbroadcast(grad, input.shape) if ctx.needs_input_grad[0] else None
        grad_target = unbroadcast(-grad, target.shape) if ctx.needs_input_grad[1] else None
        return grad_input, grad_target, None


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,  # noqa: A002
            reduction: str = "mean") -> Tensor:
    """Mean absolute error: reduce(|input - target|).

    Examples
    --------
    >>> import glassbox as gb
    >>> l1_loss(gb.tensor([1.0, 3.0]), gb.tensor([1.0, 1.0]))
    tensor(1.)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    return _reduce((input - _tensor(target, input)).abs(), reduction)


def _check_class_input_and_target(input: Tensor, target: Tensor, function: str) -> None:
    """Float scores, and class-index targets shaped as the input without its class axis."""
    if input.dtype.kind != "f":
        raise TypeError(f"{function}: expected floating-point scores as input, received "
                        f"dtype {input.dtype}; convert them with input.float().")
    if target.dtype.kind == "f":  # probabilities: checked against the input's shape later
        return
    # (C,) -> (); (N, C) -> (N,); (N, C, d1, ...) -> (N, d1, ...)
    expected = () if input.ndim == 1 else (input.shape[0],) + tuple(input.shape[2:])
    if input.ndim >= 2 and target.ndim >= 1 and target.shape[0] != input.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}); input shape {tuple(input.shape)}, "
                         f"target shape {tuple(target.shape)}.")
    if tuple(target.shape) != expected:
        hint = ""
        if tuple(target.shape) == expected + (1,) or (
                target.ndim == len(expected) + 1 and target.shape[1] == 1
                and tuple(target.shape[:1] + target.shape[2:]) == expected):
            axis = target.ndim - 1 if tuple(target.shape) == expected + (1,) else 1
            hint = f" Remove the extra axis of size 1: target.squeeze({axis})."
        # NOTE: RuntimeError, as torch raises for these shapes.
        raise RuntimeError(f"{function}: expected class-index targets of shape {expected} (the "
                         f"input's shape {tuple(input.shape)} without the class axis), "
                         f"received shape {tuple(target.shape)}.{hint}")


def _class_targets(input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int,
                   label_smoothing: float, function: str) -> tuple[np.ndarray, float]:
    """The per-class target weights q (N, C) and the 'mean' denominator.

    Class indices y with class weights w and smoothing e give
    q[i, c] = w[c] ((1 - e) [c == y_i] + e / C), rows with y_i == ignore_index zeroed,
    and the weighted mean divides by sum_i w[y_i] over the rows kept (as torch).
    Probabilities t give q = w (1 - e) t + w e / C and the mean divides by N.
    """
    N, C = input.shape
    dtype = input.dtype
    class_weight = (np.ones(C, dtype=dtype) if weight is None
                    else np.asarray(weight._data, dtype=dtype))
    if class_weight.shape != (C,):
        raise RuntimeError(f"{function}: weight should be a 1D Tensor of size {C} (the number "
                           f"of classes), received shape {class_weight.shape}")
    if target.dtype.kind == "f":  # class probabilities, same shape as the input
        if target.shape != input.shape:
            raise ValueError(f"{function}: probability targets must have the input's shape "
                             f"{input.shape}, received {target.shape}")
        probabilities = target._data.astype(dtype, copy=False)
        if label_smoothing > 0:
            probabilities = (1 - label_smoothing) * probabilities + label_smoothing / C
        return (class_weight * probabilities).astype(dtype, copy=False), float(N)
    if target.ndim != 1 or target.shape[0] != N:
        raise ValueError(f"Expected input batch_size ({N}) to match target batch_size "
                         f"({target.shape[0] if target.ndim else 0}); input shape "
                         f"{input.shape}, target shape {target.shape}.")
    labels = target._data.astype(np.int64, copy=False)
    if (_FAST_PATHS and weight is None and label_smoothing == 0 and N
            and 0 <= labels.min() and labels.max() < C and ignore_index not in range(C)):
        # the common case, every row a plain class index: q is one-hot, the mean divides
        # by N (the general lines below give the same q, only with more passes)
        q = np.zeros((N, C), dtype=dtype)
        q[np.arange(N), labels] = 1
        return q, float(N)
    kept = labels != ignore_index
    if kept.any():
        bad = labels[kept][(labels[kept] < 0) | (labels[kept] >= C)]
        if bad.size:
            raise IndexError(f"Target {int(bad[0])} is out of bounds: classes are 0..{C - 1}")
    safe_labels = np.where(kept, labels, 0)
    rows = np.arange(N)
    q = np.zeros((N, C), dtype=dtype)
    if label_smoothing > 0:
        q += (label_smoothing / C) * class_weight  # (C,) broadcast over rows
    q[rows, safe_labels] += (1 - label_smoothing) * class_weight[safe_labels]
    q[~kept] = 0
    denominator = float(class_weight[safe_labels][kept].sum())
    return q, denominator


class _CrossEntropy(Function):
    """loss_i = -sum_c q[i, c] log softmax(x_i)_c; q holds targets, weights, smoothing."""

    backward_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, x, q, soft_target, smoothing_and_weight, denominator, reduction):
        data = x._data
        shifted = data - data.max(axis=1, keepdims=True)  # log-sum-exp trick: no overflow
        exp_shifted = np.exp(shifted)
        exp_sum = exp_shifted.sum(axis=1, keepdims=True)
        log_p = shifted - np.log(exp_sum)  # log softmax(x), rows (N, C)
        loss = -(q * log_p).sum(axis=1)  # (N,)
        ctx.save_for_backward(x)
        # softmax(x) = exp_shifted / exp_sum, kept for the fused backward (as Softmax
        # computes it, so both backwards agree to the last bit)
        ctx.exp_shifted, ctx.exp_sum = exp_shifted, exp_sum
        ctx.q, ctx.denominator, ctx.reduction = q, denominator, reduction
        ctx.smoothing_and_weight = smoothing_and_weight
        if reduction == "none":
            return loss
        total = loss.sum()
        if reduction == "mean" and denominator == 0:  # the mean of nothing, as torch: NaN
            return np.array(np.nan, dtype=x.dtype)
        return total / x.dtype.type(denominator) if reduction == "mean" else total

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        q = ctx.q
        if _FAST_PATHS and not grad_mode._grad_enabled and ctx.needs_input_grad[0] \
                and not ctx.needs_input_grad[2]:
            return _cross_entropy_backward_arrays(ctx, grad_output._data), None, None, \
                None, None, None
        scale = grad_output.reshape(-1, 1) if ctx.reduction == "none" else grad_output
        if ctx.reduction == "mean":
            # nothing counted (an empty batch, every target ignored): q is all zeros and
            # the gradient 0, as in torch
            scale = scale * (1.0 / ctx.denominator if ctx.denominator else 0.0)
        grad_x = grad_target = None
        if ctx.needs_input_grad[0]:
            # dL_i/dx_i = softmax(x_i) * sum_c q[i, c] - q[i]
            row_total = Tensor(q.sum(axis=1, keepdims=True))
            grad_x = (x.softmax(1) * row_total - Tensor(q)) * scale
        if ctx.needs_input_grad[2]:
            smoothing, weight = ctx.smoothing_and_weight
            # probability targets: dL_i/dt[i, c] = -(1 - e) w[c] log softmax(x_i)_c
            grad_target = x.log_softmax(1) * Tensor(-(1 - smoothing) * weight) * scale
        return grad_x, None, grad_target, None, None, None


def _cross_entropy_backward_arrays(ctx, grad_output: np.ndarray) -> np.ndarray:
    """_CrossEntropy's gradient for the input, on arrays (no graph is being built).

    The Tensor-op lines of ``_CrossEntropy.backward``, term for term in the same order,
    written into one buffer: softmax(x) * row_total - q, times the scale.
    """
    q = ctx.q
    scale = grad_output.reshape(-1, 1) if ctx.reduction == "none" else grad_output
    if ctx.reduction == "mean":
        scale = scale * (1.0 / ctx.denominator if ctx.denominator else 0.0)
    grad = ctx.exp_shifted / ctx.exp_sum  # softmax(x), as Softmax.forward computes it
    grad *= q.sum(axis=1, keepdims=True)  # row_total
    grad -= q
    return np.multiply(grad, scale, out=grad) if grad.dtype == np.result_type(grad, scale) \
        else grad * scale


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
                  size_average=None, ignore_index: int = -100, reduce=None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between softmax(input) and the target classes (or probabilities).

    .. math:: \\ell_i = -\\sum_c w_c\\, q_{ic} \\log \\frac{e^{x_{ic}}}{\\sum_k e^{x_{ik}}},
              \\quad q_{ic} = (1-\\varepsilon)[c = y_i] + \\varepsilon / C

    computed with the log-sum-exp trick. 'mean' divides by :math:`\\sum_i w_{y_i}` over
    the samples not ignored (by N for probability targets).

    Parameters
    ----------
    input : Tensor of shape (N, C), (C,) or (N, C, d1, ...)
        Unnormalised scores (logits).
    target : Tensor of shape (N,) (int64 class indices) or the input's shape (floats)
    weight : Tensor of shape (C,), optional
        A weight per class.
    ignore_index : int, default=-100
        Samples with this target contribute nothing (class-index targets only).
    reduction : {'mean', 'sum', 'none'}, default='mean'
    label_smoothing : float in [0, 1], default=0.0

    Returns
    -------
    Tensor, a scalar (shape (N,) or (N, d1, ...) for reduction='none')

    See Also
    --------
    torch.nn.functional.cross_entropy

    Examples
    --------
    >>> import glassbox as gb
    >>> round(cross_entropy(gb.zeros(2, 4), gb.tensor([0, 3])).item(), 4)  # log 4
    1.3863
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    target = _tensor(target, input)
    weight = _tensor(weight, input) if weight is not None else None
    _check_class_input_and_target(input, target, "cross_entropy")
    if input.ndim == 1:  # one sample: (C,) with a 0-d target
        loss = cross_entropy(input.unsqueeze(0), target.unsqueeze(0), weight, None,
                             ignore_index, None, reduction, label_smoothing)
        return loss.squeeze(0) if reduction == "none" else loss
    if input.ndim > 2:  # (N, C, d1, ...): every position is a sample
        C = input.shape[1]
        # (N, C, d1, ...) -> (N, d1, ..., C) -> (N * d1 * ..., C)
        flat_input = input.permute(0, *range(2, input.ndim), 1).reshape(-1, C)
        if target.dtype.kind == "f":
            flat_target = target.permute(0, *range(2, target.ndim), 1).reshape(-1, C)
        else:
            flat_target = target.reshape(-1)
        loss = cross_entropy(flat_input, flat_target, weight, None, ignore_index, None,
                             reduction, label_smoothing)
        spatial = (input.shape[0],) + input.shape[2:]
        return loss.reshape(spatial) if reduction == "none" else loss
    q, denominator = _class_targets(input, target, weight, ignore_index, label_smoothing,
                                    "cross_entropy")
    if target.dtype.kind != "f":
        return _CrossEntropy.apply(input, q, None, None, denominator, reduction)
    class_weight = (np.ones(input.shape[1], dtype=input.dtype) if weight is None
                    else np.asarray(weight._data, dtype=input.dtype))
    return _CrossEntropy.apply(input, q, target, (label_smoothing, class_weight),
                               denominator, reduction)


class _NLLLoss(Function):
    """loss_i = -sum_c q[i, c] x[i, c], with q the one-hot targets times class weights."""

    backward_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, x, q, denominator, reduction):
        loss = -(q * x._data).sum(axis=1)  # (N,)
        ctx.q, ctx.denominator, ctx.reduction = q, denominator, reduction
        if reduction == "none":
            return loss
        total = loss.sum()
        if reduction == "mean" and denominator == 0:  # the mean of nothing, as torch: NaN
            return np.array(np.nan, dtype=x.dtype)
        return total / x.dtype.type(denominator) if reduction == "mean" else total

    @staticmethod
    def backward(ctx, grad_output):
        scale = grad_output.reshape(-1, 1) if ctx.reduction == "none" else grad_output
        if ctx.reduction == "mean":
            # nothing counted (an empty batch, every target ignored): q is all zeros and
            # the gradient 0, as in torch
            scale = scale * (1.0 / ctx.denominator if ctx.denominator else 0.0)
        return Tensor(-ctx.q) * scale, None, None, None  # dL_i/dx[i, c] = -q[i, c]


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,  # noqa: A002
             size_average=None, ignore_index: int = -100, reduce=None,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of the target classes, given log-probabilities.

    .. math:: \\ell_i = -w_{y_i}\\, x_{i, y_i}

    'mean' divides by :math:`\\sum_i w_{y_i}` over the samples not ignored.

    Parameters
    ----------
    input : Tensor of shape (N, C) or (N, C, d1, ...)
        Log-probabilities (``log_softmax`` output).
    target : Tensor of shape (N,) or (N, d1, ...), int64 class indices
    weight : Tensor of shape (C,), optional
    ignore_index : int, default=-100
    reduction : {'mean', 'sum', 'none'}, default='mean'

    See Also
    --------
    torch.nn.functional.nll_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> nll_loss(gb.tensor([[-1.0, -2.0]]), gb.tensor([1]))
    tensor(2.)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    target = _tensor(target)
    weight = _tensor(weight, input) if weight is not None else None
    if target.dtype.kind == "f":
        raise RuntimeError(f"nll_loss expects int64 class indices as target, received "
                           f"{target.dtype}; use target.long()")
    _check_class_input_and_target(input, target, "nll_loss")
    if input.ndim == 1:
        loss = nll_loss(input.unsqueeze(0), target.reshape(1), weight, None, ignore_index,
                        None, reduction)
        return loss.squeeze(0) if reduction == "none" else loss
    if input.ndim > 2:
        C = input.shape[1]
        # (N, C, d1, ...) -> (N, d1, ..., C) -> (N * d1 * ..., C)
        flat_input = input.permute(0, *range(2, input.ndim), 1).reshape(-1, C)
        loss = nll_loss(flat_input, target.reshape(-1), weight, None, ignore_index, None,
                        reduction)
        return loss.reshape((input.shape[0],) + input.shape[2:]) if reduction == "none" \
            else loss
    q, denominator = _class_targets(input, target, weight, ignore_index, 0.0, "nll_loss")
    return _NLLLoss.apply(input, q, denominator, reduction)


def _check_same_shape(input: Tensor, target: Tensor, function: str) -> None:
    if input.shape != target.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size "
            f"({function})."
        )


class _BinaryCrossEntropy(Function):
    """loss = -(t log p + (1 - t) log(1 - p)), each log clamped at -100 (as torch)."""

    backward_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, p, t):
        probability, target = p._data, t._data
        if probability.size and (probability.min() < 0 or probability.max() > 1):
            raise RuntimeError("all elements of input should be between 0 and 1 "
                               "(binary_cross_entropy expects probabilities: apply sigmoid "
                               "first, or use binary_cross_entropy_with_logits)")
        if target.size and (target.min() < 0 or target.max() > 1):
            raise RuntimeError("all elements of target should be between 0 and 1 "
                               "(binary cross-entropy compares probabilities; targets "
                               "outside [0, 1] would give a meaningless, even negative, loss)")
        ctx.save_for_backward(p, t)
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(probability), -100)
            log_not_p = np.maximum(np.log1p(-probability), -100)
        return -(target * log_p + (1 - target) * log_not_p)

    @staticmethod
    def backward(ctx, grad_output):
        p, t = ctx.saved_tensors
        grad_p = grad_t = None
        if ctx.needs_input_grad[0]:
            # dL/dp = (p - t) / (p (1 - p)), the denominator kept >= 1e-12 (as torch)
            grad_p = grad_output * (p - t) / (p * (1 - p)).clamp(min=1e-12)
        if ctx.needs_input_grad[1]:
            # dL/dt = log(1 - p) - log(p)
            grad_t = grad_output * ((1 - p).log().clamp(min=-100) - p.log().clamp(min=-100))
        return grad_p, grad_t


def binary_cross_entropy(input: Tensor, target: Tensor,  # noqa: A002
                         weight: Tensor | None = None, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy between probabilities and targets in [0, 1].

    .. math:: \\ell = -w\\,[t \\log p + (1 - t) \\log(1 - p)]

    with each log clamped at -100, as torch does, so that p = 0 or 1 stays finite.

    Parameters
    ----------
    input : Tensor of shape (*), probabilities
    target : Tensor of the same shape
    weight : Tensor broadcastable to the input's shape, optional
    reduction : {'mean', 'sum', 'none'}, default='mean'

    See Also
    --------
    torch.nn.functional.binary_cross_entropy

    Examples
    --------
    >>> import glassbox as gb
    >>> round(binary_cross_entropy(gb.tensor([0.5]), gb.tensor([1.0])).item(), 4)
    0.6931
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    target = _tensor(target, input)
    _check_same_shape(input, target, "binary_cross_entropy")
    loss = _BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * _tensor(weight, input)
    return _reduce(loss, reduction)


class _BinaryCrossEntropyWithLogits(Function):
    """loss = (1 - t) x + (1 + (pos_weight - 1) t) log(1 + e^-x), in a stable form."""

    backward_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, t, pos_weight):
        logits, target = x._data, t._data
        ctx.save_for_backward(x, t, pos_weight)
        # log(1 + e^-x) = log1p(e^-|x|) + max(-x, 0): never exponentiates a large number
        softplus_of_minus_x = np.log1p(np.exp(-np.abs(logits))) + np.maximum(-logits, 0)
        if pos_weight is None:
            return (1 - target) * logits + softplus_of_minus_x
        log_weight = 1 + (pos_weight._data - 1) * target
        return (1 - target) * logits + log_weight * softplus_of_minus_x

    @staticmethod
    def backward(ctx, grad_output):
        x, t, pos_weight = ctx.saved_tensors
        if (_FAST_PATHS and not grad_mode._grad_enabled and pos_weight is None
                and ctx.needs_input_grad[0] and not ctx.needs_input_grad[1]):
            # no graph to build: the lines below on the arrays (Function calls saved)
            sigmoid_minus_x = sigmoid_array(np.negative(x._data))
            return grad_output._data * ((1 - t._data) - sigmoid_minus_x), None, None
        log_weight = 1 + (pos_weight - 1) * t if pos_weight is not None else None
        grad_x = grad_t = None
        if ctx.needs_input_grad[0]:
            # dL/dx = (1 - t) - log_weight * sigmoid(-x)
            sigmoid_minus_x = (-x).sigmoid()
            if log_weight is not None:
                sigmoid_minus_x = log_weight * sigmoid_minus_x
            grad_x = grad_output * ((1 - t) - sigmoid_minus_x)
        if ctx.needs_input_grad[1]:
            # dL/dt = -x + (pos_weight - 1) log(1 + e^-x)
            grad_t = -x
            if pos_weight is not None:
                softplus_of_minus_x = (1 + (-x.abs()).exp()).log() + (-x).clamp(min=0)
                grad_t = grad_t + (pos_weight - 1) * softplus_of_minus_x
            grad_t = grad_output * grad_t
        return grad_x, grad_t, None


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,  # noqa: A002
                                     weight: Tensor | None = None, size_average=None,
                                     reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross-entropy on logits: sigmoid and BCE in one numerically stable step.

    .. math:: \\ell = w\\,[(1 - t)\\, x + (1 + (p_w - 1)\\, t)\\,
              \\log(1 + e^{-x})]

    Parameters
    ----------
    input : Tensor of shape (*), logits
    target : Tensor of the same shape, in [0, 1]
    weight : Tensor broadcastable to the input's shape, optional
    reduction : {'mean', 'sum', 'none'}, default='mean'
    pos_weight : Tensor broadcastable to the input (one per class), optional
        Weight of the positive term: > 1 raises recall, < 1 precision.

    See Also
    --------
    torch.nn.functional.binary_cross_entropy_with_logits

    Examples
    --------
    >>> import glassbox as gb
    >>> round(binary_cross_entropy_with_logits(gb.zeros(1), gb.ones(1)).item(), 4)
    0.6931
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    target = _tensor(target, input)
    _check_same_shape(input, target, "binary_cross_entropy_with_logits")
    pos_weight = _tensor(pos_weight, input) if pos_weight is not None else None
    loss = _BinaryCrossEntropyWithLogits.apply(input, target, pos_weight)
    if weight is not None:
        loss = loss * _tensor(weight, input)
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------- batch norm
# NOTE: set False to run the backward written in Tensor ops (the teaching path) even
# when no graph is being built; the tests check that both give the same gradients.
_FUSED_BATCH_NORM_BACKWARD = True
# NOTE: set False to apply the per-channel vectors (mean, scale, shift, ...) of batch
# norm's array passes broadcast as (1, C, 1, ...), one NumPy inner loop per plane; True
# repeats each along a sample's C*L numbers (``_channelwise``): one loop per sample, the
# same numbers (tested bit for bit), ~2x faster on DenseNet's 4x4 and 2x2 planes.
_BATCH_NORM_FLAT_RUNS = True
# NOTE: set False to sum planes of 2 to 4 numbers (DenseNet's 2x2) as larger ones, plane
# first (``einsum``: ~3x slower there); True sums the samples first (see ``_channel_sum``).
_SMALL_PLANE_SUMS = True


class _BatchNorm(Function):
    """y = (x - mean) / sqrt(var + eps) * weight + bias, per channel (axis 1).

    ``centered``, when given, is ``x - mean`` already computed for the statistics.
    """

    backward_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, mean, var, training, eps, centered=None):
        data = x._data
        shape = (1, -1) + (1,) * (data.ndim - 2)  # broadcast per channel: (1, C, 1, ...)
        invstd = 1.0 / np.sqrt(var + eps)
        ctx.save_for_backward(x, weight)
        ctx.training, ctx.eps = training, eps
        ctx.mean, ctx.invstd = mean, invstd
        scale = invstd if weight is None else invstd * weight._data
        scale = scale.astype(data.dtype, copy=False).reshape(shape)
        if centered is not None:  # (x - mean) * scale + bias, in the buffer of x - mean
            y, source = centered, centered
            shift = None if bias is None else bias._data.astype(data.dtype, copy=False)
        else:
            # one fused affine map per channel: x * scale + shift
            y, source = np.empty_like(data), data
            shift = -mean * scale.ravel() if bias is None else \
                bias._data - mean * scale.ravel()
            shift = shift.astype(data.dtype, copy=False)

        def affine(start, stop):  # on samples start..stop (threads: chunks of samples)
            _channelwise(np.multiply, source[start:stop], scale.ravel(), y[start:stop])
            if shift is not None:
                _channelwise(np.add, y[start:stop], shift, y[start:stop])
        _threads.parallel_for(data.shape[0], affine, data.nbytes)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        if _FUSED_BATCH_NORM_BACKWARD and not grad_mode.is_grad_enabled():
            return _batch_norm_backward_arrays(ctx, x, weight, grad_output)
        needs_x, needs_weight, needs_bias = ctx.needs_input_grad[:3]
        axes = (0,) + tuple(range(2, x.ndim))  # all but the channel axis
        shape = (1, -1) + (1,) * (x.ndim - 2)
        if ctx.training:
            # the statistics depend on x: recompute them as Tensor ops (differentiable)
            mean = x.mean(axes, keepdim=True)
            centered = x - mean
            invstd = ((centered * centered).mean(axes, keepdim=True) + ctx.eps) ** -0.5
        else:
            centered = x - Tensor(ctx.mean.astype(x.dtype).reshape(shape))
            invstd = Tensor(ctx.invstd.astype(x.dtype).reshape(shape))
        x_hat = centered * invstd
        grad_x = grad_weight = grad_bias = None
        if needs_x:
            g = grad_output if weight is None else grad_output * weight.reshape(shape)
            if ctx.training:
                # dL/dx = invstd * (g - mean(g) - x_hat * mean(g * x_hat)) per channel
                grad_x = invstd * (g - g.mean(axes, keepdim=True)
                                   - x_hat * (g * x_hat).mean(axes, keepdim=True))
            else:
                grad_x = g * invstd  # fixed statistics: an affine map
        if needs_weight:
            grad_weight = (grad_output * x_hat).sum(axes)
        if needs_bias:
            grad_bias = grad_output.sum(axes)
        return grad_x, grad_weight, grad_bias, None, None, None, None, None


def _channelwise(ufunc: np.ufunc, a: np.ndarray, vector: np.ndarray,
                 out: np.ndarray) -> np.ndarray:
    """out = ufunc(a, vector[c]) on every channel c of ``a`` (N, C, *); ``out`` like ``a``.

    Straightforward: ``vector`` broadcast as (1, C, 1, ...), where NumPy runs one inner
    loop per plane of L = H*W numbers, costly on small planes (L = 4: ~3x the flat
    pass). ``_BATCH_NORM_FLAT_RUNS``: ``vector`` repeated L times (C*L numbers, 1/N of
    ``a``'s), applied along each sample's C*L numbers: the same products, one loop per
    sample.

    Examples
    --------
    >>> a = np.arange(8.0).reshape(2, 2, 2)
    >>> _channelwise(np.multiply, a, np.array([1.0, 10.0]), np.empty_like(a))[1]
    array([[ 4.,  5.],
           [60., 70.]])
    """
    if _BATCH_NORM_FLAT_RUNS and a.ndim > 2 and a.size:
        N, C = a.shape[:2]
        flat_out = out.view()
        try:
            flat_out.shape = (N, a.size // N)  # a view of out (raises where a copy is needed)
        except AttributeError:
            flat_out = None
        if flat_out is not None:
            ufunc(a.reshape(N, -1), np.repeat(vector, a.size // (N * C)), out=flat_out)
            return out
    return ufunc(a, vector.reshape((1, -1) + (1,) * (a.ndim - 2)), out=out)


def _channel_sum(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Sum of ``a`` (or of ``a * b``, without the product array) over every axis but the
    channel axis 1.

    NOTE: in a fixed order, each sample's plane first, then the samples:
    (N, C, L) -> (N, C) -> (C, N) -> (C,). Each sum then runs along a contiguous row, so
    a channel gets the same number whether it is summed alone or with the others (as in
    the chunks of channels that threads work on); ``a.sum(axis=(0, 2, 3))`` can change
    its order with the array's shape. (``einsum`` sums a plane 2-3x faster than
    ``sum(axis=2)`` on small planes; the samples' sums are added pairwise.)
    """
    N, C = a.shape[:2]
    L = math.prod(a.shape[2:])
    if L == 1:  # 1x1 planes (and (N, C) inputs): the plane sums are the numbers
        # themselves (einsum would copy them at ~10x the cost; the same values)
        per_sample = a.reshape(N, C) if b is None else np.multiply(a.reshape(N, C),
                                                                   b.reshape(N, C))
        return np.ascontiguousarray(per_sample.T).sum(axis=1)
    if _SMALL_PLANE_SUMS and L <= 4 and N <= 64:
        # tiny planes: the samples first, (N, C*L) -> (C*L,) row after row (a sequential
        # sum, the same for a chunk of channels; N <= 64 keeps it accurate), then each
        # channel's L numbers
        rows = a.reshape(N, C * L) if b is None else np.multiply(
            a.reshape(N, C * L), b.reshape(N, C * L))
        return np.add.reduce(rows, axis=0).reshape(C, L).sum(axis=1)
    a = a.reshape(N, C, L)
    per_sample = np.einsum("ncl->nc", a) if b is None else np.einsum(
        "ncl,ncl->nc", a, b.reshape(N, C, L))
    return np.ascontiguousarray(per_sample.T).sum(axis=1)      # (C, N) -> (C,)


def _batch_norm_backward_arrays(ctx, x, weight, grad_output):
    """The backward above on plain arrays, fused: 7 passes over x instead of about 20.

    Per channel, with s = invstd, x_hat = (x - mean) s, w the weight (1 if none):
    dL/dbias = sum(g), dL/dweight = sum(g x_hat) and
    dL/dx = w s (g - mean(g) - x_hat mean(g x_hat)) in training,
    dL/dx = w s g with the running statistics.
    """
    needs_x, needs_weight, needs_bias = ctx.needs_input_grad[:3]
    g, data = grad_output._data, x._data
    dtype = data.dtype
    C = data.shape[1]
    count = data.size // C
    mean = ctx.mean.astype(dtype, copy=False)
    invstd = ctx.invstd.astype(dtype, copy=False)
    w = np.ones_like(invstd) if weight is None else weight._data.astype(dtype, copy=False)
    sum_g, sum_g_xhat = np.empty(C, dtype=dtype), np.empty(C, dtype=dtype)
    grad_x = np.empty_like(data) if needs_x else None

    def channels(start, stop):  # every pass on channels start..stop (threads: chunks)
        c = slice(start, stop)
        g_c = g[:, c]
        sum_g[c] = _channel_sum(g_c)
        out = None if grad_x is None else grad_x[:, c]
        # x - mean, in training written where dL/dx goes (it is only needed until then)
        centered = _channelwise(np.subtract, data[:, c], mean[c],           # x - mean
                                out if ctx.training and out is not None
                                else np.empty(g_c.shape, np.result_type(data, mean)))
        sum_g_xhat[c] = _channel_sum(g_c, centered) * invstd[c]            # sum(g x_hat)
        if out is None:
            return
        if ctx.training:
            _channelwise(np.multiply, centered, invstd[c] * sum_g_xhat[c] / count,
                         out)                                   # x_hat mean(g x_hat)
            np.subtract(g_c, out, out=out)
            _channelwise(np.subtract, out, sum_g[c] / count, out)
            _channelwise(np.multiply, out, w[c] * invstd[c], out)
        else:
            _channelwise(np.multiply, g_c, w[c] * invstd[c], out)
    _threads.parallel_for(C, channels, 2 * data.nbytes)
    return (None if grad_x is None else Tensor(grad_x),
            Tensor(sum_g_xhat) if needs_weight else None,
            Tensor(sum_g) if needs_bias else None, None, None, None, None, None)


def _batch_statistics(data: np.ndarray):
    """Mean and biased variance per channel (axis 1), and ``data - mean``.

    Two passes, as accurate as ``np.var``: the mean, then the mean square of x - mean.
    """
    C = data.shape[1]
    count = data.size // C
    centered = np.empty(data.shape, dtype=np.result_type(data.dtype, np.float16))
    means, variances = np.empty(C, centered.dtype), np.empty(C, centered.dtype)

    def channels(start, stop):  # on channels start..stop (threads: chunks of channels)
        part, c = data[:, start:stop], slice(start, stop)
        means[c] = _channel_sum(part) / count
        out = centered[:, c]
        _channelwise(np.subtract, part, means[c], out)
        variances[c] = _channel_sum(out, out) / count
    _threads.parallel_for(C, channels, data.nbytes)
    return means, variances, centered


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,  # noqa: A002
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch normalisation per channel (axis 1).

    .. math:: y = \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}}\\, \\gamma + \\beta

    In training, mu and sigma^2 are the batch's (biased variance) and the running
    statistics are updated in place: ``running = (1 - momentum) running + momentum
    batch`` (the unbiased variance goes into ``running_var``). In evaluation the running
    statistics are used.

    Parameters
    ----------
    input : Tensor of shape (N, C) or (N, C, *)
    running_mean, running_var : Tensor of shape (C,) or None
    weight, bias : Tensor of shape (C,), optional (gamma and beta)
    training : bool, default=False
    momentum : float, default=0.1
    eps : float, default=1e-5

    See Also
    --------
    torch.nn.functional.batch_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> y = batch_norm(gb.tensor([[1.0], [3.0]]), None, None, training=True)
    >>> y
    tensor([[-1.],
            [ 1.]])
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm expects an input of shape (N, C) or (N, C, *), "
                         f"received shape {input.shape}")
    data = input._data
    C = data.shape[1]
    for name, value in (("running_mean", running_mean), ("running_var", running_var),
                        ("weight", weight), ("bias", bias)):
        if value is not None and value.shape != (C,):
            raise RuntimeError(f"batch_norm: {name} should have shape ({C},) for an input of "
                               f"shape {input.shape} (C={C}), received {value.shape}")
    if training and data.size == 0:
        # NOTE: an empty batch, as in torch: an empty output and no statistics to update
        # (the formula with any mean and variance gives it, and zero gradients).
        mean, var = np.zeros(C, dtype=data.dtype), np.ones(C, dtype=data.dtype)
        return _BatchNorm.apply(input, weight, bias, mean, var, False, eps, None)
    if training:
        count = data.size // C
        if count == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got "
                             f"input size {input.shape}")
        mean, var, centered = _batch_statistics(data)
        if running_mean is not None:
            running_mean._data *= 1 - momentum
            running_mean._data += momentum * mean
        if running_var is not None:
            running_var._data *= 1 - momentum
            running_var._data += momentum * var * (count / (count - 1))  # unbiased
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("batch_norm in evaluation mode needs running_mean and "
                               "running_var (or pass training=True)")
        mean, var = running_mean._data, running_var._data
        centered = None
    return _BatchNorm.apply(input, weight, bias, mean, var, training, eps, centered)


# ---------------------------------------------------------------------------- more (torch's F)
def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """Gaussian error linear unit: x * Phi(x), Phi the standard normal CDF.

    Phi(x) = (1 + erf(x / sqrt 2)) / 2; with ``approximate="tanh"``,
    0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).

    Examples
    --------
    >>> import glassbox as gb
    >>> gelu(gb.tensor([0.0, 1.0]))
    tensor([0.    , 0.8413])
    """
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (input + 0.044715 * input * input * input)
        return 0.5 * input * (1 + inner.tanh())
    if approximate != "none":
        raise RuntimeError(f"approximate argument must be either none or tanh, received "
                           f"{approximate!r}")
    return 0.5 * input * (1 + (input * (1 / math.sqrt(2.0))).erf())


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` dimensions of each sample:
    y = (x - mean) / sqrt(var + eps) * weight + bias (biased variance).

    Examples
    --------
    >>> import glassbox as gb
    >>> layer_norm(gb.tensor([[1.0, 3.0]]), (2,))
    tensor([[-1.,  1.]])
    """
    normalized_shape = ((normalized_shape,) if isinstance(normalized_shape, int)
                        else tuple(normalized_shape))
    if input.shape[input.ndim - len(normalized_shape):] != normalized_shape:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input "
                           f"with shape [*, {', '.join(map(str, normalized_shape))}], but got "
                           f"input of size {list(input.shape)}")
    dims = tuple(range(input.ndim - len(normalized_shape), input.ndim))
    centered = input - input.mean(dims, keepdim=True)
    variance = (centered * centered).mean(dims, keepdim=True)
    y = centered * (variance + eps).rsqrt()
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,  # noqa: A002
              max_norm=None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """Rows of ``weight`` picked by the integer ``input``: output[...] = weight[input[...]].

    The gradient of each row sums over the positions that picked it; the row
    ``padding_idx`` gets none.

    Examples
    --------
    >>> import glassbox as gb
    >>> embedding(gb.tensor([2, 0]), gb.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
    tensor([[4., 5.],
            [0., 1.]])
    """
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("glassbox's embedding supports neither max_norm, "
                                  "scale_grad_by_freq nor sparse gradients")
    indices = input._data if isinstance(input, Tensor) else np.asarray(input)
    if indices.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {indices.dtype} "
                           f"instead")
    if indices.size and (indices.min() < -weight.shape[0] or indices.max() >= weight.shape[0]):
        raise IndexError(f"index out of range in self: indices must be in [0, "
                         f"{weight.shape[0]}), received values in [{indices.min()}, "
                         f"{indices.max()}]")
    if padding_idx is not None and weight.requires_grad:
        keep = np.ones((weight.shape[0], 1), dtype=weight.dtype)
        keep[padding_idx] = 0  # that row receives no gradient: a constant stands in for it
        weight = weight * Tensor(keep) + weight.detach() * Tensor(1 - keep)
    return weight[indices]


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,  # noqa: A002
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (d = input - target).

    Examples
    --------
    >>> import glassbox as gb
    >>> smooth_l1_loss(gb.tensor([0.5, 3.0]), gb.tensor([0.0, 0.0]), reduction="none")
    tensor([0.125, 2.5  ])
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    difference = input - _tensor(target, input)
    size = difference.abs()
    loss = (0.5 * difference * difference / beta).where(size < beta, size - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean",  # noqa: A002
               delta: float = 1.0, weight=None) -> Tensor:
    """0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere (d = input - target):
    ``delta * smooth_l1_loss(beta=delta)``.

    Examples
    --------
    >>> import glassbox as gb
    >>> huber_loss(gb.tensor([0.5, 3.0]), gb.tensor([0.0, 0.0]), reduction="none", delta=2.0)
    tensor([0.125, 4.   ])
    """
    difference = input - _tensor(target, input)
    size = difference.abs()
    loss = (0.5 * difference * difference).where(size < delta, delta * (size - 0.5 * delta))
    if weight is not None:
        loss = loss * _tensor(weight, input)
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None,  # noqa: A002
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence KL(target || model), the model given as log-probabilities.

    .. math:: \\ell = t\\, (\\log t - x) \\quad (0 \\text{ where } t = 0), \\qquad
              \\ell = e^{t} (t - x) \\text{ with ``log_target``}

    ``input`` x holds log q (e.g. a ``log_softmax``) and ``target`` t holds p (or log p with
    ``log_target=True``); summed over the classes this is KL(p || q) = sum p log(p / q).
    (Where t = 0 the gradient with respect to t is taken as 0; torch's is NaN there.)

    Parameters
    ----------
    input : Tensor of shape (N, *)
        Log-probabilities.
    target : Tensor of the same shape
        Probabilities (log-probabilities with ``log_target``).
    reduction : {'mean', 'batchmean', 'sum', 'none'}, default='mean'
        'batchmean' (the sum divided by N) is the KL divergence per sample; 'mean' divides
        by the number of elements as torch does (with torch's warning).
    log_target : bool, default=False

    See Also
    --------
    torch.nn.functional.kl_div

    Examples
    --------
    >>> import glassbox as gb
    >>> p = gb.tensor([[0.5, 0.5]])
    >>> kl_div(gb.tensor([[0.25, 0.75]]).log(), p, reduction="batchmean")  # KL(p || q)
    tensor(0.1438)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns "
                      "with the KL div math definition.'mean' will be changed to behave the "
                      "same as 'batchmean' in the next major release.", stacklevel=2)
    target = _tensor(target, input)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # t log t, taken as 0 at t = 0 (its limit); log of 1 there keeps the graph finite
        positive = Tensor(target._data > 0)
        loss = target * target.where(positive, 1.0).log() - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices as rows of 0s with a 1 at the index (int64), shape (*, num_classes).

    Examples
    --------
    >>> import glassbox as gb
    >>> one_hot(gb.tensor([0, 2]), 3)
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    indices = tensor._data
    if indices.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        num_classes = int(indices.max()) + 1 if indices.size else 0
    if indices.size and (indices.min() < 0 or indices.max() >= num_classes):
        raise RuntimeError("Class values must be smaller than num_classes.")
    return Tensor((indices[..., None] == np.arange(num_classes)).astype(np.int64))
