"""Activation layers: each ``forward`` is one call to ``glassbox.nn.functional``."""

from __future__ import annotations

import numpy as np

from glassbox.autograd.dtypes import get_default_dtype
from glassbox.nn import functional as F
from glassbox.nn import init
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "GELU", "Softplus",
           "SiLU", "Mish", "Hardtanh", "ReLU6", "Hardsigmoid", "Hardswish", "ELU", "CELU",
           "SELU", "PReLU", "LogSigmoid", "Softsign", "Softmin", "Tanhshrink", "Threshold",
           "Hardshrink", "Softshrink", "GLU", "Softmax2d", "RReLU"]


class ReLU(Module):
    """max(x, 0) element-wise.

    See Also
    --------
    torch.nn.ReLU

    Examples
    --------
    >>> import glassbox as gb
    >>> ReLU()(gb.tensor([-1.0, 1.0]))
    tensor([0., 1.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.relu(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """x for x > 0, negative_slope * x otherwise.

    See Also
    --------
    torch.nn.LeakyReLU

    Examples
    --------
    >>> import glassbox as gb
    >>> LeakyReLU(0.2)(gb.tensor([-1.0, 1.0]))
    tensor([-0.2,  1. ])
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace
                                                          else "")


class Sigmoid(Module):
    """1 / (1 + e^-x) element-wise.

    See Also
    --------
    torch.nn.Sigmoid

    Examples
    --------
    >>> import glassbox as gb
    >>> Sigmoid()(gb.zeros(1))
    tensor([0.5])
    """

    def forward(self, input):  # noqa: A002
        return F.sigmoid(input)


class Tanh(Module):
    """Hyperbolic tangent element-wise.

    See Also
    --------
    torch.nn.Tanh

    Examples
    --------
    >>> import glassbox as gb
    >>> Tanh()(gb.zeros(1))
    tensor([0.])
    """

    def forward(self, input):  # noqa: A002
        return F.tanh(input)


class Softmax(Module):
    """softmax along ``dim``: non-negative values summing to 1.

    See Also
    --------
    torch.nn.Softmax

    Examples
    --------
    >>> import glassbox as gb
    >>> Softmax(dim=1)(gb.zeros(1, 4))
    tensor([[0.25, 0.25, 0.25, 0.25]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log softmax along ``dim`` (stable log-sum-exp form).

    See Also
    --------
    torch.nn.LogSoftmax

    Examples
    --------
    >>> import glassbox as gb
    >>> LogSoftmax(dim=1)(gb.zeros(1, 2)).exp()
    tensor([[0.5, 0.5]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return F.log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class GELU(Module):
    """x * Phi(x), Phi the standard normal CDF (``approximate="tanh"`` for the fast form).

    See Also
    --------
    torch.nn.GELU

    Examples
    --------
    >>> import glassbox as gb
    >>> GELU()(gb.tensor([0.0, 1.0]))
    tensor([0.    , 0.8413])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input):  # noqa: A002
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """log(1 + e^(beta x)) / beta element-wise, linear where beta x > threshold.

    Parameters
    ----------
    beta : float, default=1.0
    threshold : float, default=20.0
        Above it (in units of beta x) the output is x itself.

    See Also
    --------
    torch.nn.Softplus, glassbox.nn.functional.softplus

    Examples
    --------
    >>> import glassbox as gb
    >>> Softplus(beta=2.0)(gb.tensor([0.0, 50.0]))
    tensor([ 0.3466, 50.    ])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):  # noqa: A002
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class SiLU(Module):
    """x * sigmoid(x) element-wise (also called swish).

    See Also
    --------
    torch.nn.SiLU, glassbox.nn.functional.silu

    Examples
    --------
    >>> import glassbox as gb
    >>> SiLU()(gb.tensor([-1.0, 1.0]))
    tensor([-0.2689,  0.7311])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.silu(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Mish(Module):
    """x * tanh(softplus(x)) element-wise.

    See Also
    --------
    torch.nn.Mish, glassbox.nn.functional.mish

    Examples
    --------
    >>> import glassbox as gb
    >>> Mish()(gb.tensor([-1.0, 1.0]))
    tensor([-0.3034,  0.8651])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.mish(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class _BoundsError(ValueError, AssertionError):
    """Hardtanh's bounds in the wrong order. torch's module raises ``AssertionError``;
    glassbox's convention for bad input is ``ValueError``: this error is both."""


class Hardtanh(Module):
    """x clipped to [min_val, max_val] element-wise.

    Parameters
    ----------
    min_val : float, default=-1.0
    max_val : float, default=1.0
        Must be greater than ``min_val``.

    See Also
    --------
    torch.nn.Hardtanh, glassbox.nn.functional.hardtanh

    Examples
    --------
    >>> import glassbox as gb
    >>> Hardtanh(-2.0, 2.0)(gb.tensor([-3.0, 1.0, 3.0]))
    tensor([-2.,  1.,  2.])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0,
                 inplace: bool = False) -> None:
        super().__init__()
        if max_val <= min_val:
            raise _BoundsError(f"max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return (f"min_val={self.min_val}, max_val={self.max_val}"
                + (", inplace=True" if self.inplace else ""))


class ReLU6(Hardtanh):
    """min(max(x, 0), 6) element-wise: ``Hardtanh(0, 6)``.

    See Also
    --------
    torch.nn.ReLU6, glassbox.nn.functional.relu6

    Examples
    --------
    >>> import glassbox as gb
    >>> ReLU6()(gb.tensor([-1.0, 7.0]))
    tensor([0., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Hardsigmoid(Module):
    """relu6(x + 3) / 6 element-wise: 0 below -3, 1 above 3, linear between.

    See Also
    --------
    torch.nn.Hardsigmoid, glassbox.nn.functional.hardsigmoid

    Examples
    --------
    >>> import glassbox as gb
    >>> Hardsigmoid()(gb.tensor([-4.0, 0.0, 4.0]))
    tensor([0. , 0.5, 1. ])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.hardsigmoid(input)


class Hardswish(Module):
    """x * relu6(x + 3) / 6 element-wise (MobileNetV3's activation).

    See Also
    --------
    torch.nn.Hardswish, glassbox.nn.functional.hardswish

    Examples
    --------
    >>> import glassbox as gb
    >>> Hardswish()(gb.tensor([-4.0, 4.0]))
    tensor([0., 4.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.hardswish(input)


def _inplace_suffix(inplace: bool) -> str:
    return ", inplace=True" if inplace else ""


class ELU(Module):
    """x for x > 0, alpha (e^x - 1) otherwise.

    Parameters
    ----------
    alpha : float, default=1.0

    See Also
    --------
    torch.nn.ELU, glassbox.nn.functional.elu

    Examples
    --------
    >>> import glassbox as gb
    >>> ELU()(gb.tensor([-1.0, 1.0]))
    tensor([-0.6321,  1.    ])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.elu(input, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + _inplace_suffix(self.inplace)


class CELU(ELU):
    """x for x > 0, alpha (e^(x / alpha) - 1) otherwise (continuously differentiable).

    See Also
    --------
    torch.nn.CELU, glassbox.nn.functional.celu

    Examples
    --------
    >>> import glassbox as gb
    >>> CELU(2.0)(gb.tensor([-1.0, 1.0]))
    tensor([-0.7869,  1.    ])
    """

    def forward(self, input):  # noqa: A002
        return F.celu(input, self.alpha)


class SELU(Module):
    """scale * elu(x, alpha) with the self-normalising constants (alpha ~ 1.6733,
    scale ~ 1.0507).

    See Also
    --------
    torch.nn.SELU, glassbox.nn.functional.selu

    Examples
    --------
    >>> import glassbox as gb
    >>> SELU()(gb.tensor([1.0]))
    tensor([1.0507])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.selu(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class PReLU(Module):
    """x for x > 0, a * x otherwise, with the slope a learned.

    Parameters
    ----------
    num_parameters : int, default=1
        1 (one slope shared by every channel) or the number of channels C.
    init : float, default=0.25
        The initial slope.

    Attributes
    ----------
    weight : Parameter of shape (num_parameters,)

    See Also
    --------
    torch.nn.PReLU, glassbox.nn.functional.prelu

    Examples
    --------
    >>> import glassbox as gb
    >>> PReLU()(gb.tensor([-2.0, 2.0])).detach()
    tensor([-0.5,  2. ])
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(np.empty(num_parameters,
                                         dtype=np.dtype(dtype or get_default_dtype())))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.constant_(self.weight, self.init)  # the leaky slope a learning run starts from

    def forward(self, input):  # noqa: A002
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class LogSigmoid(Module):
    """log(sigmoid(x)) element-wise, computed stably.

    See Also
    --------
    torch.nn.LogSigmoid, glassbox.nn.functional.logsigmoid

    Examples
    --------
    >>> import glassbox as gb
    >>> LogSigmoid()(gb.tensor([0.0]))
    tensor([-0.6931])
    """

    def forward(self, input):  # noqa: A002
        return F.logsigmoid(input)


class Softsign(Module):
    """x / (1 + |x|) element-wise.

    See Also
    --------
    torch.nn.Softsign, glassbox.nn.functional.softsign

    Examples
    --------
    >>> import glassbox as gb
    >>> Softsign()(gb.tensor([1.0]))
    tensor([0.5])
    """

    def forward(self, input):  # noqa: A002
        return F.softsign(input)


class Softmin(Module):
    """softmax(-x) along ``dim``.

    See Also
    --------
    torch.nn.Softmin, glassbox.nn.functional.softmin

    Examples
    --------
    >>> import glassbox as gb
    >>> Softmin(dim=1)(gb.tensor([[0.0, 0.0]]))
    tensor([[0.5, 0.5]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return F.softmin(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax2d(Module):
    """softmax over the channels of every pixel: (N, C, H, W) or (C, H, W), dim -3.

    See Also
    --------
    torch.nn.Softmax2d

    Examples
    --------
    >>> import glassbox as gb
    >>> Softmax2d()(gb.zeros(1, 2, 1, 1)).flatten()
    tensor([0.5, 0.5])
    """

    def forward(self, input):  # noqa: A002
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D "
                             f"instead")
        return F.softmax(input, -3)


class Tanhshrink(Module):
    """x - tanh(x) element-wise.

    See Also
    --------
    torch.nn.Tanhshrink, glassbox.nn.functional.tanhshrink

    Examples
    --------
    >>> import glassbox as gb
    >>> Tanhshrink()(gb.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, input):  # noqa: A002
        return F.tanhshrink(input)


class Threshold(Module):
    """x where x > threshold, ``value`` elsewhere.

    Parameters
    ----------
    threshold : float
    value : float

    See Also
    --------
    torch.nn.Threshold, glassbox.nn.functional.threshold

    Examples
    --------
    >>> import glassbox as gb
    >>> Threshold(0.5, 0.0)(gb.tensor([0.2, 0.8]))
    tensor([0. , 0.8])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.threshold(input, self.threshold, self.value)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + _inplace_suffix(self.inplace)


class Hardshrink(Module):
    """x where |x| > lambd, 0 elsewhere.

    See Also
    --------
    torch.nn.Hardshrink, glassbox.nn.functional.hardshrink

    Examples
    --------
    >>> import glassbox as gb
    >>> Hardshrink()(gb.tensor([0.2, 0.8]))
    tensor([0. , 0.8])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input):  # noqa: A002
        return F.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """x - lambd above lambd, x + lambd below -lambd, 0 between.

    See Also
    --------
    torch.nn.Softshrink, glassbox.nn.functional.softshrink

    Examples
    --------
    >>> import glassbox as gb
    >>> Softshrink()(gb.tensor([0.2, 0.8]))
    tensor([0. , 0.3])
    """

    def forward(self, input):  # noqa: A002
        return F.softshrink(input, self.lambd)


class GLU(Module):
    """Gated linear unit: a * sigmoid(b), a and b the two halves of ``dim``.

    See Also
    --------
    torch.nn.GLU, glassbox.nn.functional.glu

    Examples
    --------
    >>> import glassbox as gb
    >>> GLU()(gb.randn(4, 6)).shape
    glassbox.Size([4, 3])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class RReLU(Module):
    """Randomised leaky ReLU: slope a ~ U(lower, upper) per element in training,
    (lower + upper) / 2 in evaluation.

    See Also
    --------
    torch.nn.RReLU, glassbox.nn.functional.rrelu

    Examples
    --------
    >>> import glassbox as gb
    >>> RReLU(0.1, 0.3).eval()(gb.tensor([-1.0, 1.0]))
    tensor([-0.2,  1. ])
    """

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
                 inplace: bool = False) -> None:
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.rrelu(input, self.lower, self.upper, self.training)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + _inplace_suffix(self.inplace)
