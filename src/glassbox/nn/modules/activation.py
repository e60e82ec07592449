"""Activation layers: each ``forward`` is one call to ``glassbox.nn.functional``."""

from __future__ import annotations

from glassbox.nn import functional as F
from glassbox.nn.modules.module import Module

__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "GELU", "Softplus",
           "SiLU", "Mish", "Hardtanh", "ReLU6", "Hardsigmoid", "Hardswish"]


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
