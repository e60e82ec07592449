"""Layer, group, RMS and local response normalisation (``torch.nn.LayerNorm``,
``GroupNorm``, ``RMSNorm``, ``LocalResponseNorm``): statistics of each sample alone."""

from __future__ import annotations

import numpy as np

from glassbox.autograd.dtypes import get_default_dtype
from glassbox.nn import functional as F
from glassbox.nn import init
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["LayerNorm", "GroupNorm", "RMSNorm", "LocalResponseNorm"]


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
    glassbox.Size([2, 3, 4])
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
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, statistics per sample over
    groups of ``num_channels / num_groups`` channels.

    Independent of the batch (as layer norm), yet per channel group (as batch norm):
    ``num_groups=1`` normalises each sample over all its channels, ``num_groups=C`` is
    instance norm.

    Parameters
    ----------
    num_groups : int
        G, must divide ``num_channels``.
    num_channels : int
        C, the input's dimension 1.
    eps : float, default=1e-5
    affine : bool, default=True
        Learn ``weight`` (ones) and ``bias`` (zeros) of shape (C,).
    bias : bool, default=True (keyword only)

    See Also
    --------
    torch.nn.GroupNorm, glassbox.nn.functional.group_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> GroupNorm(2, 6)(gb.randn(4, 6, 5, 5)).shape
    glassbox.Size([4, 6, 5, 5])
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        dtype = np.dtype(dtype or get_default_dtype())
        if affine:
            self.weight = Parameter(np.empty(num_channels, dtype=dtype))
            if bias:
                self.bias = Parameter(np.empty(num_channels, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.affine:
            init.ones_(self.weight)  # start as the plain normalisation
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):  # noqa: A002
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


class RMSNorm(Module):
    """y = x / sqrt(mean(x^2) + eps) * weight over the last dimensions (layer norm without
    the centring: transformer language models).

    Parameters
    ----------
    normalized_shape : int or tuple of int
    eps : float, optional
        Defaults to the machine epsilon of the input's dtype.
    elementwise_affine : bool, default=True
        Learn ``weight`` (ones) of ``normalized_shape``.

    See Also
    --------
    torch.nn.RMSNorm, glassbox.nn.functional.rms_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> RMSNorm(4)(gb.randn(2, 3, 4)).shape
    glassbox.Size([2, 3, 4])
    """

    def __init__(self, normalized_shape, eps: float | None = None,
                 elementwise_affine: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.normalized_shape = ((int(normalized_shape),)
                                 if isinstance(normalized_shape, (int, np.integer))
                                 else tuple(int(size) for size in normalized_shape))
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(np.empty(self.normalized_shape,
                                             dtype=np.dtype(dtype or get_default_dtype())))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, input):  # noqa: A002
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class LocalResponseNorm(Module):
    """AlexNet's normalisation: each value divided by (k + alpha * mean of squares over
    ``size`` neighbouring channels)^beta.

    Parameters
    ----------
    size : int
    alpha : float, default=1e-4
    beta : float, default=0.75
    k : float, default=1.0

    See Also
    --------
    torch.nn.LocalResponseNorm, glassbox.nn.functional.local_response_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> LocalResponseNorm(5)(gb.randn(2, 8, 4, 4)).shape
    glassbox.Size([2, 8, 4, 4])
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75,
                 k: float = 1.0) -> None:
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):  # noqa: A002
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
