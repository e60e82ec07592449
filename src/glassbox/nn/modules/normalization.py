"""Layer normalisation: each sample normalised over its last dimensions (``torch.nn.LayerNorm``)."""

from __future__ import annotations

import numpy as np

from glassbox.autograd.dtypes import get_default_dtype
from glassbox.nn import functional as F
from glassbox.nn import init
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    """y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias over the last dimensions.

    Unlike batch norm, the statistics are each sample's own (no running averages), so
    training and evaluation compute the same thing.

    Parameters
    ----------
    normalized_shape : int or tuple of int
        The trailing shape to normalise over (``(C,)`` for a transformer's features).
    eps : float, default=1e-5
    elementwise_affine : bool, default=True
        Learn ``weight`` (ones) and ``bias`` (zeros) of ``normalized_shape``.
    bias : bool, default=True

    See Also
    --------
    torch.nn.LayerNorm

    Examples
    --------
    >>> import glassbox as gb
    >>> LayerNorm(4)(gb.randn(2, 3, 4)).shape
    (2, 3, 4)
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.normalized_shape = ((int(normalized_shape),)
                                 if isinstance(normalized_shape, (int, np.integer))
                                 else tuple(int(size) for size in normalized_shape))
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dtype = np.dtype(dtype or get_default_dtype())
        if elementwise_affine:
            self.weight = Parameter(np.empty(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.empty(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)  # start as the identity map after normalising
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input):  # noqa: A002
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
