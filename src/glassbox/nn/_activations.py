"""The smooth and the piecewise-linear activations of ``torch.nn.functional`` beyond ReLU,
sigmoid and tanh: softplus, SiLU, Mish, hardtanh, ReLU6, hardsigmoid, hardswish.

Each is written so that its gradient is the one torch computes, including torch's choice
at the kinks, and so that the gradient is itself differentiable (a WGAN-GP penalty goes
through it under ``create_graph=True``):

- softplus is one :class:`~glassbox.autograd.Function` (torch's ``SoftplusBackward0``)
  whose backward is ``g * sigmoid(beta x)``, a Tensor expression;
- SiLU and Mish are products of Tensor operations (``x * sigmoid(x)``,
  ``x * tanh(softplus(x))``), so autograd derives them;
- the piecewise-linear ones pick, with ``where``, the linear piece each element lies on:
  outside the middle piece the output is a constant (no gradient), which is torch's
  rule that the gradient at a kink is that of the constant side.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor

__all__ = ["softplus", "silu", "mish", "hardtanh", "relu6", "hardsigmoid", "hardswish"]


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
