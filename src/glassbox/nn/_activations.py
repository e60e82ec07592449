"""The smooth and the piecewise-linear activations of ``torch.nn.functional`` beyond ReLU,
sigmoid and tanh: softplus, SiLU, Mish, hardtanh, ReLU6, hardsigmoid, hardswish, ELU,
CELU, SELU, PReLU, log-sigmoid, softsign, softmin, tanhshrink, threshold, hardshrink,
softshrink, GLU.

Each is written so that its gradient is the one torch computes, including torch's choice
at the kinks, and so that the gradient is itself differentiable (a WGAN-GP penalty goes
through it under ``create_graph=True``):

- softplus and log-sigmoid are :class:`~glassbox.autograd.Function` s (torch's
  ``SoftplusBackward0``, ``LogSigmoidBackward0``) computed without overflow, whose
  backward is a Tensor expression (``g * sigmoid(beta x)``, ``g * sigmoid(-x)``);
- the exponential units (ELU, CELU, SELU) are one Function (``EluBackward0``) taking
  ``expm1`` of ``min(x, 0)`` only, so a large x cannot overflow;
- SiLU, Mish, softsign, tanhshrink and GLU are Tensor expressions (``x * sigmoid(x)``,
  ``x * tanh(softplus(x))``, ...), so autograd derives them;
- the piecewise-linear ones pick, with ``where``, the linear piece each element lies on:
  outside the middle piece the output is a constant (no gradient), which is torch's
  rule that the gradient at a kink is that of the constant side.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.ops.activation import Softmax
from glassbox.autograd.tensor import Tensor
from glassbox.nn._conv import _ArgumentError

__all__ = ["softplus", "silu", "mish", "hardtanh", "relu6", "hardsigmoid", "hardswish", "elu",
           "celu", "selu", "prelu", "logsigmoid", "softsign", "softmin", "tanhshrink",
           "threshold", "hardshrink", "softshrink", "glu", "rrelu", "gumbel_softmax"]


class _Softplus(Function):
    """y = log(1 + e^(beta x)) / beta, and y = x where beta x > threshold."""

    backward_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, x, beta, threshold):
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        z = x._data * beta
        linear = z > threshold
        # NOTE: e^z is only taken where it is used (z <= threshold): e^z of a large z
        # would overflow (and warn) in the branch that ``where`` throws away.
        smooth = np.log1p(np.exp(np.where(linear, 0, z))) / beta
        return np.where(linear, x._data, smooth).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        z = x * ctx.beta
        # d/dx log(1 + e^(beta x)) / beta = e^(beta x) / (1 + e^(beta x)) = sigmoid(beta x);
        # 1 on the linear part
        slope = z.sigmoid().where(Tensor(z._data <= ctx.threshold), 1.0)
        return grad_output * slope, None, None


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """Softplus, a smooth ReLU: log(1 + e^(beta x)) / beta element-wise.

    .. math:: \\text{softplus}(x) = \\frac{1}{\\beta} \\log(1 + e^{\\beta x}),
              \\quad x \\text{ where } \\beta x > \\text{threshold}

    Above the threshold the two differ by less than e^-threshold / beta, and the
    linear form cannot overflow.

    Parameters
    ----------
    input : Tensor of any shape
    beta : float, default=1
    threshold : float, default=20

    Returns
    -------
    Tensor of the same shape

    See Also
    --------
    torch.nn.functional.softplus

    Examples
    --------
    >>> import glassbox as gb
    >>> softplus(gb.tensor([0.0, 100.0]))
    tensor([  0.6931, 100.    ])
    """
    return _Softplus.apply(input, beta, threshold)


def silu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """SiLU (swish): x * sigmoid(x) element-wise.

    .. math:: \\text{silu}(x) = \\frac{x}{1 + e^{-x}}

    See Also
    --------
    torch.nn.functional.silu

    Examples
    --------
    >>> import glassbox as gb
    >>> silu(gb.tensor([0.0, 1.0]))
    tensor([0.    , 0.7311])
    """
    return input * input.sigmoid()


def mish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """Mish: x * tanh(softplus(x)) element-wise.

    .. math:: \\text{mish}(x) = x \\tanh(\\log(1 + e^{x}))

    See Also
    --------
    torch.nn.functional.mish

    Examples
    --------
    >>> import glassbox as gb
    >>> mish(gb.tensor([0.0, 1.0]))
    tensor([0.    , 0.8651])
    """
    return input * softplus(input).tanh()


def _pieces(x: Tensor, low: float, high: float) -> tuple[Tensor, Tensor]:
    """Masks (as Tensors) of the elements strictly inside (low, high), and of those above."""
    return Tensor((x._data > low) & (x._data < high)), Tensor(x._data >= high)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,  # noqa: A002
             inplace: bool = False) -> Tensor:
    """x clipped to [min_val, max_val]; the gradient is 1 strictly inside, 0 elsewhere.

    .. math:: \\text{hardtanh}(x) = \\min(\\max(x, \\text{min\\_val}), \\text{max\\_val})

    See Also
    --------
    torch.nn.functional.hardtanh

    Examples
    --------
    >>> import glassbox as gb
    >>> hardtanh(gb.tensor([-2.0, 0.5, 2.0]))
    tensor([-1. ,  0.5,  1. ])
    """
    if min_val > max_val:
        raise ValueError(f"hardtanh: expected min_val <= max_val, received min_val={min_val} "
                         f"and max_val={max_val}")
    inside, above = _pieces(input, min_val, max_val)
    # outside (min_val, max_val) the output is a constant: no gradient flows there
    edge = input.new_full((), min_val).where(~above._data, max_val)
    return input.where(inside, edge)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """min(max(x, 0), 6) element-wise: ``hardtanh(x, 0, 6)`` (MobileNet's activation).

    See Also
    --------
    torch.nn.functional.relu6

    Examples
    --------
    >>> import glassbox as gb
    >>> relu6(gb.tensor([-1.0, 3.0, 8.0]))
    tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """A piecewise-linear sigmoid: 0 below -3, 1 above 3, x / 6 + 1/2 between.

    .. math:: \\text{hardsigmoid}(x) = \\text{relu6}(x + 3) / 6

    See Also
    --------
    torch.nn.functional.hardsigmoid

    Examples
    --------
    >>> import glassbox as gb
    >>> hardsigmoid(gb.tensor([-4.0, 0.0, 1.5, 4.0]))
    tensor([0.  , 0.5 , 0.75, 1.  ])
    """
    inside, above = _pieces(input, -3.0, 3.0)
    edge = input.new_zeros(()).where(~above._data, 1.0)
    return (input / 6 + 0.5).where(inside, edge)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """A piecewise-quadratic SiLU: x * hardsigmoid(x) (MobileNetV3's activation).

    .. math:: \\text{hardswish}(x) = x\\, \\text{relu6}(x + 3) / 6

    The gradient is torch's: 0 up to -3, x / 3 + 1/2 strictly between -3 and 3, 1 from
    3 on.

    See Also
    --------
    torch.nn.functional.hardswish

    Examples
    --------
    >>> import glassbox as gb
    >>> hardswish(gb.tensor([-4.0, 1.0, 4.0]))
    tensor([-0.    ,  0.6667,  4.    ])
    """
    middle, above = _pieces(input, -3.0, 3.0)
    outer = input.where(above, input.new_zeros(()))  # x from 3 on, the constant 0 up to -3
    return (input * (input + 3) / 6).where(middle, outer)


# ---------------------------------------------------------------------------- exponential units
class _ExponentialUnit(Function):
    """y = scale x for x > 0, scale alpha (e^(input_scale x) - 1) otherwise: ELU, CELU
    (input_scale = 1/alpha) and SELU (fixed alpha and scale) are all this one function,
    as in torch."""

    backward_name = "EluBackward0"

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        ctx.save_for_backward(x)
        ctx.constants = alpha, scale, input_scale
        data = x._data
        # e^z - 1 by expm1 (exact near 0), of z <= 0 only: a large x cannot overflow
        negative = alpha * np.expm1(np.minimum(data, 0) * input_scale)
        return (scale * np.where(data > 0, data, negative)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.constants
        # dy/dx = scale for x > 0; scale alpha input_scale e^(input_scale x) for x <= 0
        # (taken at x = 0 too, torch's side); e^z written out, not expm1's 1 + (e^z - 1),
        # which rounds to 0 in float32 for z below -17
        exponential = (x.clamp(max=0.0) * input_scale).exp() * (scale * alpha * input_scale)
        slope = exponential.where(Tensor(x._data <= 0), scale)
        return grad_output * slope, None, None, None


class _Celu(_ExponentialUnit):
    """The same function, under torch's node name for CELU."""

    backward_name = "CeluBackward0"


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """Exponential linear unit: x for x > 0, alpha (e^x - 1) otherwise.

    .. math:: \\text{elu}(x) = \\begin{cases} x & x > 0 \\\\ \\alpha (e^x - 1) & x \\le 0
              \\end{cases}

    Smooth at 0 when alpha = 1, with negative outputs that push mean activations
    towards 0. At x = 0 the gradient is alpha (torch's choice of side).

    See Also
    --------
    torch.nn.functional.elu

    Examples
    --------
    >>> import glassbox as gb
    >>> elu(gb.tensor([-1.0, 0.0, 2.0]))
    tensor([-0.6321,  0.    ,  2.    ])
    """
    return _ExponentialUnit.apply(input, alpha, 1.0, 1.0)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """Continuously differentiable ELU: x for x > 0, alpha (e^(x / alpha) - 1) otherwise.

    .. math:: \\text{celu}(x) = \\max(0, x) + \\min(0, \\alpha (e^{x / \\alpha} - 1))

    See Also
    --------
    torch.nn.functional.celu

    Examples
    --------
    >>> import glassbox as gb
    >>> celu(gb.tensor([-1.0, 2.0]), alpha=2.0)
    tensor([-0.7869,  2.    ])
    """
    if alpha == 0:
        raise _ArgumentError("ZeroDivisionError: alpha cannot be 0 for CELU; use alpha > 0")
    return _Celu.apply(input, alpha, 1.0, 1.0 / alpha)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """Scaled ELU: scale * elu(x, alpha) with the self-normalising constants.

    .. math:: \\text{selu}(x) = \\lambda\\, \\text{elu}(x, \\alpha), \\quad
              \\alpha \\approx 1.6733,\\ \\lambda \\approx 1.0507

    alpha and lambda are chosen (Klambauer et al., 2017) so that activations of zero mean
    and unit variance keep them from layer to layer.

    See Also
    --------
    torch.nn.functional.selu

    Examples
    --------
    >>> import glassbox as gb
    >>> selu(gb.tensor([-1.0, 1.0]))
    tensor([-1.1113,  1.0507])
    """
    return _ExponentialUnit.apply(input, _SELU_ALPHA, _SELU_SCALE, 1.0)


def prelu(input: Tensor, weight: Tensor) -> Tensor:  # noqa: A002
    """Parametric ReLU: x for x > 0, a * x otherwise, a learned (one per channel, or one
    shared).

    .. math:: \\text{prelu}(x) = \\max(0, x) + a \\min(0, x)

    Parameters
    ----------
    input : Tensor of shape (N, C, *) (or any shape with a single weight)
    weight : Tensor of shape (C,) or (1,)
        The slopes; channel dimension 1 of the input.

    See Also
    --------
    torch.nn.functional.prelu

    Examples
    --------
    >>> import glassbox as gb
    >>> prelu(gb.tensor([[-2.0, 3.0]]), gb.tensor([0.25]))
    tensor([[-0.5,  3. ]])
    """
    slopes = weight
    if weight.numel() != 1:
        channels = input.shape[1] if input.ndim >= 2 else 1
        if weight.numel() != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {weight.numel()} and channel size = "
                               f"{channels}.")
        slopes = weight.reshape((1, channels) + (1,) * (input.ndim - 2))  # (1, C, 1, ...)
    elif input.ndim == 0:
        slopes = weight.reshape(())
    return input.where(Tensor(input._data > 0), slopes * input)


# ---------------------------------------------------------------------------- sigmoid family
class _LogSigmoid(Function):
    """y = log sigmoid(x) = -log(1 + e^-x), in a form that never overflows."""

    backward_name = "LogSigmoidBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        data = x._data
        # log sigmoid(x) = min(x, 0) - log(1 + e^-|x|): the exponent is never positive
        return (np.minimum(data, 0) - np.log1p(np.exp(-np.abs(data)))).astype(x.dtype,
                                                                              copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        # d/dx log sigmoid(x) = 1 - sigmoid(x) = sigmoid(-x)
        return grad_output * (-x).sigmoid()


def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """log(sigmoid(x)) element-wise, computed stably.

    .. math:: \\log \\sigma(x) = -\\log(1 + e^{-x}) = \\min(x, 0) - \\log(1 + e^{-|x|})

    See Also
    --------
    torch.nn.functional.logsigmoid

    Examples
    --------
    >>> import glassbox as gb
    >>> logsigmoid(gb.tensor([0.0, -100.0]))
    tensor([  -0.6931, -100.    ])
    """
    return _LogSigmoid.apply(input)


def softsign(input: Tensor) -> Tensor:  # noqa: A002
    """x / (1 + |x|) element-wise: a tanh-shaped curve with polynomial tails.

    See Also
    --------
    torch.nn.functional.softsign

    Examples
    --------
    >>> import glassbox as gb
    >>> softsign(gb.tensor([-3.0, 1.0]))
    tensor([-0.75,  0.5 ])
    """
    return input / (1 + input.abs())


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,  # noqa: A002
            dtype=None) -> Tensor:
    """softmax(-x) along ``dim``: non-negative weights summing to 1, largest where x is
    smallest.

    See Also
    --------
    torch.nn.functional.softmin

    Examples
    --------
    >>> import glassbox as gb
    >>> softmin(gb.tensor([[0.0, 0.0]]), dim=1)
    tensor([[0.5, 0.5]])
    """
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:  # torch's legacy choice when dim is omitted
        dim = 0 if input.ndim in (0, 1, 3) else 1
    return Softmax.apply(-input, dim)


def tanhshrink(input: Tensor) -> Tensor:  # noqa: A002
    """x - tanh(x) element-wise.

    See Also
    --------
    torch.nn.functional.tanhshrink

    Examples
    --------
    >>> import glassbox as gb
    >>> tanhshrink(gb.tensor([0.0, 1.0]))
    tensor([0.    , 0.2384])
    """
    return input - input.tanh()


def glu(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """Gated linear unit: the first half of ``dim`` gated by the sigmoid of the second.

    .. math:: \\text{glu}(a, b) = a \\otimes \\sigma(b)

    See Also
    --------
    torch.nn.functional.glu

    Examples
    --------
    >>> import glassbox as gb
    >>> glu(gb.tensor([[2.0, 0.0]]))
    tensor([[1.]])
    """
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    axis = dim % input.ndim
    if input.shape[axis] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {axis} is size "
                           f"{input.shape[axis]}")
    a, b = input.chunk(2, axis)
    return a * b.sigmoid()


# ---------------------------------------------------------------------------- thresholds
def threshold(input: Tensor, threshold: float, value: float,  # noqa: A002
              inplace: bool = False) -> Tensor:
    """x where x > threshold, ``value`` elsewhere.

    See Also
    --------
    torch.nn.functional.threshold

    Examples
    --------
    >>> import glassbox as gb
    >>> threshold(gb.tensor([0.1, 0.5, 2.0]), 0.5, -1.0)
    tensor([-1., -1.,  2.])
    """
    return input.where(Tensor(input._data > threshold), input.new_full((), value))


def _check_lambd(lambd: float, function: str) -> None:
    if lambd < 0:
        raise _ArgumentError(f"{function}: lambda must be in range [0, inf), but found {lambd}")


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """x where |x| > lambd, 0 elsewhere.

    See Also
    --------
    torch.nn.functional.hardshrink

    Examples
    --------
    >>> import glassbox as gb
    >>> hardshrink(gb.tensor([-1.0, 0.2, 0.7]))
    tensor([-1. ,  0. ,  0.7])
    """
    return input.where(Tensor(np.abs(input._data) > lambd), input.new_zeros(()))


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """Shrink towards 0 by lambd: x - lambd above lambd, x + lambd below -lambd, 0 between
    (the proximal operator of lambd |x|, as in the lasso's soft thresholding).

    See Also
    --------
    torch.nn.functional.softshrink

    Examples
    --------
    >>> import glassbox as gb
    >>> softshrink(gb.tensor([-1.0, 0.2, 0.7]))
    tensor([-0.5,  0. ,  0.2])
    """
    _check_lambd(lambd, "softshrink")
    data = input._data
    shrunk = (input - lambd).where(Tensor(data > lambd), input + lambd)
    return shrunk.where(Tensor(np.abs(data) > lambd), input.new_zeros(()))


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,  # noqa: A002
          training: bool = False, inplace: bool = False) -> Tensor:
    """Randomised leaky ReLU: x for x >= 0, a x otherwise, with a ~ U(lower, upper) drawn
    per element in training and a = (lower + upper) / 2 in evaluation.

    See Also
    --------
    torch.nn.functional.rrelu

    Examples
    --------
    >>> import glassbox as gb
    >>> rrelu(gb.tensor([-1.0, 2.0]), 0.1, 0.3)
    tensor([-0.2,  2. ])
    """
    from glassbox import _random

    if training:
        slopes = _random.default_generator().uniform(lower, upper, size=input.shape)
    else:
        slopes = np.full(input.shape, (lower + upper) / 2)
    slopes = np.where(input._data >= 0, 1.0, slopes).astype(input.dtype)
    return input * Tensor(slopes)


def gumbel_softmax(logits: Tensor, tau: float = 1.0, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """A differentiable sample of a categorical distribution (the Gumbel-softmax trick).

    .. math:: y = \\text{softmax}\\left(\\frac{\\text{logits} + g}{\\tau}\\right), \\quad
              g = -\\log(E),\\ E \\sim \\text{Exponential}(1)

    As tau -> 0 the sample tends to a one-hot vector. With ``hard``, the one-hot argmax is
    returned, with the soft sample's gradient (straight-through: y_hard - y.detach() + y).
    The noise comes from glassbox's generator.

    See Also
    --------
    torch.nn.functional.gumbel_softmax

    Examples
    --------
    >>> import glassbox as gb
    >>> sample = gumbel_softmax(gb.zeros(2, 5), tau=0.5, hard=True)
    >>> sample.sum(-1)
    tensor([1., 1.])
    """
    from glassbox import _random

    noise = _random.default_generator().exponential(size=logits.shape).astype(logits.dtype)
    y_soft = Softmax.apply((logits + Tensor(-np.log(noise))) / tau, dim % logits.ndim)
    if not hard:
        return y_soft
    y_hard = _one_hot_along(y_soft._data.argmax(axis=dim), logits.shape, dim, logits.dtype)
    return Tensor(y_hard) - y_soft.detach() + y_soft  # the one-hot value, the soft gradient


def _one_hot_along(index: np.ndarray, shape, dim: int, dtype) -> np.ndarray:
    """Zeros of ``shape`` with a 1 at ``index`` along ``dim``."""
    out = np.zeros(shape, dtype=dtype)
    np.put_along_axis(out, np.expand_dims(index, dim), 1, axis=dim)
    return out
