"""Activation layers: each ``forward`` is one call to ``glassbox.nn.functional``."""

from __future__ import annotations

from glassbox.nn import functional as F
from glassbox.nn.modules.module import Module

__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "GELU"]


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
