"""Pooling layers (no parameters): max, average, adaptive average and adaptive max
pooling, in 2-D and 1-D."""

from __future__ import annotations

from glassbox.nn import functional as F
from glassbox.nn.modules.module import Module

__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "MaxPool1d",
           "AvgPool1d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "MaxUnpool1d", "MaxUnpool2d",
           "LPPool1d", "LPPool2d"]


class MaxPool2d(Module):
    """The maximum of every (dilated, strided) ``kernel_size`` window.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size`` (non-overlapping windows).
    padding : int or (int, int), default=0
        Implicit -inf padding on both sides.
    dilation : int or (int, int), default=1
    return_indices : bool, default=False
    ceil_mode : bool, default=False

    See Also
    --------
    torch.nn.MaxPool2d

    Examples
    --------
    >>> import glassbox as gb
    >>> MaxPool2d(2)(gb.zeros(1, 6, 24, 24)).shape
    glassbox.Size([1, 6, 12, 12])
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input):  # noqa: A002
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, "
                f"ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """The mean of every ``kernel_size`` window.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size``.
    padding : int or (int, int), default=0
    ceil_mode : bool, default=False
    count_include_pad : bool, default=True
        Count the zero padding in the divisor.
    divisor_override : int, optional

    See Also
    --------
    torch.nn.AvgPool2d

    Examples
    --------
    >>> import glassbox as gb
    >>> AvgPool2d(2)(gb.ones(1, 1, 4, 4))
    tensor([[[[1., 1.],
              [1., 1.]]]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override=None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):  # noqa: A002
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding,
                            self.ceil_mode, self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed ``output_size`` whatever the input's size.

    See Also
    --------
    torch.nn.AdaptiveAvgPool2d

    Examples
    --------
    >>> import glassbox as gb
    >>> AdaptiveAvgPool2d(1)(gb.ones(2, 3, 7, 7)).shape
    glassbox.Size([2, 3, 1, 1])
    """

    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input):  # noqa: A002
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Max pooling to a fixed ``output_size`` whatever the input's size.

    Window (i, j) covers input rows ``[floor(i H / H_out), ceil((i + 1) H / H_out))``
    and the same rule for columns.

    Parameters
    ----------
    output_size : int or (int or None, int or None)
    return_indices : bool, default=False
        Also return each maximum's flat position in its plane.

    See Also
    --------
    torch.nn.AdaptiveMaxPool2d, glassbox.nn.functional.adaptive_max_pool2d

    Examples
    --------
    >>> import glassbox as gb
    >>> AdaptiveMaxPool2d((2, 3))(gb.ones(2, 3, 7, 9)).shape
    glassbox.Size([2, 3, 2, 3])
    """

    def __init__(self, output_size, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input):  # noqa: A002
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class MaxPool1d(MaxPool2d):
    """The maximum of every (dilated, strided) window of length ``kernel_size`` over an
    (N, C, L) input.

    Same parameters as :class:`MaxPool2d`, with ints.

    See Also
    --------
    torch.nn.MaxPool1d, glassbox.nn.functional.max_pool1d

    Examples
    --------
    >>> import glassbox as gb
    >>> MaxPool1d(2)(gb.zeros(1, 6, 24)).shape
    glassbox.Size([1, 6, 12])
    """

    def forward(self, input):  # noqa: A002
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


def _single(value):
    """torch's ``_single``: an int as a 1-tuple (AvgPool1d stores its settings so)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class AvgPool1d(Module):
    """The mean of every window of length ``kernel_size`` over an (N, C, L) input.

    Parameters
    ----------
    kernel_size : int
    stride : int, optional
        Defaults to ``kernel_size``.
    padding : int, default=0
    ceil_mode : bool, default=False
    count_include_pad : bool, default=True

    See Also
    --------
    torch.nn.AvgPool1d, glassbox.nn.functional.avg_pool1d

    Examples
    --------
    >>> import glassbox as gb
    >>> AvgPool1d(2)(gb.ones(1, 1, 4))
    tensor([[[1., 1.]]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):  # noqa: A002
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool1d(AdaptiveAvgPool2d):
    """Average pooling of an (N, C, L) input to ``output_size`` positions.

    See Also
    --------
    torch.nn.AdaptiveAvgPool1d, glassbox.nn.functional.adaptive_avg_pool1d

    Examples
    --------
    >>> import glassbox as gb
    >>> AdaptiveAvgPool1d(1)(gb.ones(2, 3, 7)).shape
    glassbox.Size([2, 3, 1])
    """

    def forward(self, input):  # noqa: A002
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveMaxPool1d(AdaptiveMaxPool2d):
    """Max pooling of an (N, C, L) input to ``output_size`` positions.

    See Also
    --------
    torch.nn.AdaptiveMaxPool1d, glassbox.nn.functional.adaptive_max_pool1d

    Examples
    --------
    >>> import glassbox as gb
    >>> AdaptiveMaxPool1d(2)(gb.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
    tensor([[[3., 2.]]])
    """

    def forward(self, input):  # noqa: A002
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


def _pair_of(value):
    """torch's ``_pair``: an int as a 2-tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


class MaxUnpool2d(Module):
    """Put each max-pooled value back at its recorded position (zeros elsewhere).

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size``.
    padding : int or (int, int), default=0

    See Also
    --------
    torch.nn.MaxUnpool2d, glassbox.nn.functional.max_unpool2d

    Examples
    --------
    >>> import glassbox as gb
    >>> pool, unpool = MaxPool2d(2, return_indices=True), MaxUnpool2d(2)
    >>> unpool(*pool(gb.randn(1, 3, 4, 4))).shape
    glassbox.Size([1, 3, 4, 4])
    """

    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        super().__init__()
        self.kernel_size = _pair_of(kernel_size)
        self.stride = _pair_of(stride if stride is not None else kernel_size)
        self.padding = _pair_of(padding)

    def forward(self, input, indices, output_size=None):  # noqa: A002
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(Module):
    """Put each max-pooled value of a sequence back at its recorded position.

    See Also
    --------
    torch.nn.MaxUnpool1d, glassbox.nn.functional.max_unpool1d

    Examples
    --------
    >>> import glassbox as gb
    >>> pool, unpool = MaxPool1d(2, return_indices=True), MaxUnpool1d(2)
    >>> unpool(*pool(gb.randn(1, 3, 6))).shape
    glassbox.Size([1, 3, 6])
    """

    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)

    def forward(self, input, indices, output_size=None):  # noqa: A002
        return F.max_unpool1d(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class LPPool2d(Module):
    """The p-norm of every ``kernel_size`` window: (sum x^p)^(1/p).

    Parameters
    ----------
    norm_type : float
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
    ceil_mode : bool, default=False

    See Also
    --------
    torch.nn.LPPool2d, glassbox.nn.functional.lp_pool2d

    Examples
    --------
    >>> import glassbox as gb
    >>> LPPool2d(2, 2)(gb.ones(1, 1, 4, 4))
    tensor([[[[2., 2.],
              [2., 2.]]]])
    """

    def __init__(self, norm_type: float, kernel_size, stride=None,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input):  # noqa: A002
        return F.lp_pool2d(input, float(self.norm_type), self.kernel_size, self.stride,
                           self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(LPPool2d):
    """The p-norm of every window of length ``kernel_size`` of an (N, C, L) input.

    See Also
    --------
    torch.nn.LPPool1d, glassbox.nn.functional.lp_pool1d

    Examples
    --------
    >>> import glassbox as gb
    >>> LPPool1d(1, 2)(gb.ones(1, 1, 4))
    tensor([[[2., 2.]]])
    """

    def forward(self, input):  # noqa: A002
        return F.lp_pool1d(input, float(self.norm_type), self.kernel_size, self.stride,
                           self.ceil_mode)
