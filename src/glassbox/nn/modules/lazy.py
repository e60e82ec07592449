"""Lazy layers (``torch.nn.LazyLinear``, ``LazyConv1d/2d``, ``LazyBatchNorm1d/2d``): the
input size is read from the first input instead of being given.

Until the first call, the weights are :class:`UninitializedParameter` s without a shape.
The first call materialises them *in place* (the same objects, so an optimiser built
before it keeps working), initialises them as the ordinary layer does, and turns the layer
into that ordinary layer: a ``LazyLinear`` becomes a ``Linear``, as in torch. (The
"Dive into Deep Learning" course builds every model this way.)
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.dtypes import get_default_dtype
from glassbox.autograd.tensor import Tensor
from glassbox.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d, _BatchNorm
from glassbox.nn.modules.conv import Conv1d, Conv2d, _ConvNd
from glassbox.nn.modules.linear import Linear
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["UninitializedParameter", "LazyLinear", "LazyConv1d", "LazyConv2d",
           "LazyBatchNorm1d", "LazyBatchNorm2d"]


class UninitializedParameter(Parameter):
    """A Parameter whose shape is not known yet (see :meth:`materialize`).

    Examples
    --------
    >>> w = UninitializedParameter()
    >>> w.materialize((2, 3))
    >>> type(w).__name__, tuple(w.shape)
    ('Parameter', (2, 3))
    """

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        super().__init__(np.empty(0, dtype=np.dtype(dtype or get_default_dtype())),
                         requires_grad)

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the parameter its shape (uninitialised values), in place: it becomes a
        plain :class:`Parameter`."""
        self._data = np.empty(tuple(shape), dtype=np.dtype(dtype or self._data.dtype))
        self.__class__ = Parameter

    def __repr__(self) -> str:
        return "<UninitializedParameter>"


class _LazyMixin:
    """Infer the sizes from the first input, materialise, become ``cls_to_become``."""

    cls_to_become: type = Module

    def has_uninitialized_params(self) -> bool:
        return any(isinstance(p, UninitializedParameter) for p in self._parameters.values())

    def initialize_parameters(self, input) -> None:  # noqa: A002
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        if self.has_uninitialized_params():
            self.initialize_parameters(*args, **kwargs)
            self.__class__ = self.cls_to_become
        return Module.__call__(self, *args, **kwargs)


class LazyLinear(_LazyMixin, Linear):
    """A :class:`Linear` whose ``in_features`` is the last size of the first input.

    Examples
    --------
    >>> import glassbox as gb
    >>> layer = LazyLinear(3)
    >>> layer
    LazyLinear(in_features=0, out_features=3, bias=True)
    >>> layer(gb.ones(2, 5)).shape
    glassbox.Size([2, 3])
    >>> layer
    Linear(in_features=5, out_features=3, bias=True)
    """

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        Module.__init__(self)
        self.in_features = 0
        self.out_features = out_features
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)
        else:
            self.register_parameter("bias", None)

    def initialize_parameters(self, input) -> None:  # noqa: A002
        self.in_features = input.shape[-1]
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self.reset_parameters()


class _LazyConvNd(_LazyMixin):
    """A convolution whose ``in_channels`` is the channel size of the first input."""

    channel_axis_from_end: int = 3   # (N, C, H, W): C is the third from the end

    def _lazy_init(self, out_channels, bias: bool, dtype) -> None:
        self.in_channels = 0
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    def initialize_parameters(self, input, *args, **kwargs) -> None:  # noqa: A002
        self.in_channels = input.shape[-self.channel_axis_from_end]
        if self.in_channels % self.groups:
            raise ValueError(f"in_channels must be divisible by groups (received "
                             f"in_channels={self.in_channels}, groups={self.groups})")
        self.weight.materialize((self.out_channels, self.in_channels // self.groups)
                                + self.kernel_size)
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.reset_parameters()


class LazyConv2d(_LazyConvNd, Conv2d):
    """A :class:`Conv2d` whose ``in_channels`` is read from the first input.

    Examples
    --------
    >>> import glassbox as gb
    >>> layer = LazyConv2d(4, 3, padding=1)
    >>> layer(gb.ones(2, 3, 5, 5)).shape, layer.in_channels
    (glassbox.Size([2, 4, 5, 5]), 3)
    """

    cls_to_become = Conv2d

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None) -> None:
        # NOTE: built with in_channels = groups (valid), then the weights are made lazy
        _ConvNd.__init__(self, groups, out_channels, kernel_size, stride, padding, dilation,
                         False, 0, groups, bias, padding_mode, dtype)
        self._lazy_init(out_channels, bias, dtype)


class LazyConv1d(_LazyConvNd, Conv1d):
    """A :class:`Conv1d` whose ``in_channels`` is read from the first input.

    Examples
    --------
    >>> import glassbox as gb
    >>> LazyConv1d(4, 3)(gb.ones(2, 3, 6)).shape
    glassbox.Size([2, 4, 4])
    """

    cls_to_become = Conv1d
    channel_axis_from_end = 2

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None) -> None:
        _ConvNd.__init__(self, groups, out_channels, kernel_size, stride, padding, dilation,
                         False, 0, groups, bias, padding_mode, dtype)
        self._lazy_init(out_channels, bias, dtype)


class _LazyBatchNorm(_LazyMixin):
    """A batch norm whose ``num_features`` is the channel size (dim 1) of the first input."""

    def _lazy_init(self, dtype) -> None:
        self.num_features = 0
        if self.affine:
            self.weight = UninitializedParameter(dtype=dtype)
            if self.bias is not None:
                self.bias = UninitializedParameter(dtype=dtype)

    def initialize_parameters(self, input) -> None:  # noqa: A002
        self.num_features = input.shape[1]
        if self.affine:
            self.weight.materialize((self.num_features,))
            if self.bias is not None:
                self.bias.materialize((self.num_features,))
        if self.track_running_stats:
            dtype = self.weight.dtype if self.affine else np.dtype(get_default_dtype())
            self.running_mean = Tensor(np.zeros(self.num_features, dtype=dtype))
            self.running_var = Tensor(np.ones(self.num_features, dtype=dtype))
        self.reset_parameters()

    def has_uninitialized_params(self) -> bool:
        return self.num_features == 0


class LazyBatchNorm1d(_LazyBatchNorm, BatchNorm1d):
    """A :class:`BatchNorm1d` whose ``num_features`` is read from the first input.

    Examples
    --------
    >>> import glassbox as gb
    >>> layer = LazyBatchNorm1d()
    >>> layer(gb.randn(4, 3)).shape, layer.num_features
    (glassbox.Size([4, 3]), 3)
    """

    cls_to_become = BatchNorm1d

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *,
                 bias: bool = True) -> None:
        _BatchNorm.__init__(self, 1, eps, momentum, affine, track_running_stats, dtype=dtype,
                            bias=bias)
        self._lazy_init(dtype)


class LazyBatchNorm2d(_LazyBatchNorm, BatchNorm2d):
    """A :class:`BatchNorm2d` whose ``num_features`` is read from the first input.

    Examples
    --------
    >>> import glassbox as gb
    >>> layer = LazyBatchNorm2d()
    >>> layer(gb.randn(2, 3, 4, 4)).shape
    glassbox.Size([2, 3, 4, 4])
    >>> layer
    BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = BatchNorm2d

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *,
                 bias: bool = True) -> None:
        _BatchNorm.__init__(self, 1, eps, momentum, affine, track_running_stats, dtype=dtype,
                            bias=bias)
        self._lazy_init(dtype)
