"""``Linear`` (y = x W^T + b), ``Bilinear`` (y = x1^T A x2 + b) and ``Identity``."""

from __future__ import annotations

import math

import numpy as np

from glassbox.autograd.dtypes import get_default_dtype
from glassbox.nn import functional as F
from glassbox.nn import init
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["Linear", "Identity", "Bilinear"]


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. to remove a classifier head).

    See Also
    --------
    torch.nn.Identity

    Examples
    --------
    >>> import glassbox as gb
    >>> Identity()(gb.ones(2))
    tensor([1., 1.])
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input):  # noqa: A002
        return input


class Linear(Module):
    """Affine layer :math:`y = x W^T + b`.

    Parameters
    ----------
    in_features : int
    out_features : int
    bias : bool, default=True
    dtype : dtype, optional
        float32 unless given.

    Shape
    -----
    Input (*, in_features), output (*, out_features).

    Attributes
    ----------
    weight : Parameter of shape (out_features, in_features)
        Initialised from U(-1/sqrt(in_features), 1/sqrt(in_features)).
    bias : Parameter of shape (out_features,) or None
        Same distribution.

    See Also
    --------
    torch.nn.Linear

    Examples
    --------
    >>> import glassbox as gb
    >>> layer = Linear(20, 30)
    >>> layer(gb.randn(128, 20)).shape
    glassbox.Size([128, 30])
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device=None, dtype=None) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"Linear expects a non-negative integer {name}, received "
                                 f"{name}={value!r}")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        dtype = np.dtype(dtype or get_default_dtype())
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # NOTE: torch's default: kaiming_uniform_ with a = sqrt(5) gives
        # U(-1/sqrt(fan_in), 1/sqrt(fan_in)), the old "LeCun uniform"-like rule; the bias
        # uses the same bound.
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):  # noqa: A002
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """y_o = x1^T A_o x2 + b_o: one bilinear form of the two inputs per output feature.

    Parameters
    ----------
    in1_features, in2_features, out_features : int
    bias : bool, default=True

    Attributes
    ----------
    weight : Parameter of shape (out_features, in1_features, in2_features)
    bias : Parameter of shape (out_features,) or None

    See Also
    --------
    torch.nn.Bilinear, glassbox.nn.functional.bilinear

    Examples
    --------
    >>> import glassbox as gb
    >>> Bilinear(3, 4, 5)(gb.randn(8, 3), gb.randn(8, 4)).shape
    glassbox.Size([8, 5])
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        dtype = np.dtype(dtype or get_default_dtype())
        self.weight = Parameter(np.empty((out_features, in1_features, in2_features),
                                         dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # NOTE: torch's rule: U(-1/sqrt(in1), 1/sqrt(in1)) for the weight and the bias
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
