"""``Conv2d``, ``ConvTranspose2d``, ``Conv1d``, ``ConvTranspose1d``: the layers around
``F.conv2d`` / ``F.conv_transpose2d`` (and their 1-D forms).

The arithmetic (im2col, col2im and their gradients) lives in ``glassbox.nn._conv``; these
classes hold the hyper-parameters, create the weights and initialise them like torch.
"""

from __future__ import annotations

import math

import numpy as np

from glassbox.autograd.dtypes import get_default_dtype
from glassbox.nn import functional as F
from glassbox.nn import init
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["Conv2d", "ConvTranspose2d", "Conv1d", "ConvTranspose1d"]


def _ntuple(value, dims: int, name: str) -> tuple[int, ...]:
    """An int repeated ``dims`` times, or a sequence of ``dims`` ints, as a tuple."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * dims
    value = tuple(value)
    if len(value) != dims:
        kind = "a pair of ints" if dims == 2 else f"a sequence of {dims} int(s)"
        raise ValueError(f"{name} must be an int or {kind}, received {value!r}")
    return tuple(int(v) for v in value)


class _ConvNd(Module):
    """What the convolutions share: checks, weights, initialisation, repr. ``dims`` is the
    number of spatial dimensions."""

    dims = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 transposed, output_padding, groups, bias, padding_mode, dtype) -> None:
        super().__init__()
        name = type(self).__name__
        for argument, value in (("in_channels", in_channels),
                                ("out_channels", out_channels), ("groups", groups)):
            if not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"{name} expects a positive integer {argument}, received "
                                 f"{argument}={value!r}")
        if in_channels % groups != 0:
            raise ValueError(f"in_channels must be divisible by groups (received "
                             f"in_channels={in_channels}, groups={groups})")
        if out_channels % groups != 0:
            raise ValueError(f"out_channels must be divisible by groups (received "
                             f"out_channels={out_channels}, groups={groups})")
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError(f"padding_mode must be one of 'zeros', 'reflect', 'replicate', "
                             f"'circular', received padding_mode={padding_mode!r}")
        self.in_channels = int(in_channels)
        self.out_channels = int(out_channels)
        dims = self.dims
        self.kernel_size = _ntuple(kernel_size, dims, "kernel_size")
        self.stride = _ntuple(stride, dims, "stride")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 f"{{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions "
                                 f"(received stride={self.stride}); use an explicit padding")
            self.padding = padding
        else:
            self.padding = _ntuple(padding, dims, "padding")
        self.dilation = _ntuple(dilation, dims, "dilation")
        self.transposed = transposed
        self.output_padding = _ntuple(output_padding, dims, "output_padding")
        self.groups = int(groups)
        self.padding_mode = padding_mode
        dtype = np.dtype(dtype or get_default_dtype())
        if transposed:  # (C_in, C_out / groups, kH, kW), (C_in, C_out / groups, k) in 1-D
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:  # (C_out, C_in / groups, kH, kW)
            shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # NOTE: torch's default for convolutions, as for Linear: kaiming_uniform_ with
        # a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the
        # bias (fan_in = C_in / groups * kH * kW; for the transposed weight's layout it is
        # C_out / groups * kH * kW, as torch computes it).
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        zeros, ones = (0,) * self.dims, (1,) * self.dims
        if self.padding != zeros:
            text += f", padding={self.padding}"
        if self.dilation != ones:
            text += f", dilation={self.dilation}"
        if self.output_padding != zeros:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation) over an (N, C_in, H, W) input.

    .. math:: y[n, o] = b[o] + \\sum_{c} W[o, c] \\star x[n, c]

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride : int or (int, int), default=1
    padding : int, (int, int), 'same' or 'valid', default=0
    dilation : int or (int, int), default=1
    groups : int, default=1
        Channels are split into ``groups`` independent convolutions (groups =
        in_channels is a depthwise convolution).
    bias : bool, default=True
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}, default='zeros'

    Shape
    -----
    Input (N, C_in, H, W), output (N, C_out, H_out, W_out) with
    H_out = floor((H + 2 padding - dilation (k - 1) - 1) / stride) + 1.

    Attributes
    ----------
    weight : Parameter of shape (C_out, C_in / groups, kH, kW)
    bias : Parameter of shape (C_out,) or None

    See Also
    --------
    torch.nn.Conv2d

    Examples
    --------
    >>> import glassbox as gb
    >>> Conv2d(1, 6, 5)(gb.zeros(64, 1, 28, 28)).shape
    glassbox.Size([64, 6, 24, 24])
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1,
                 padding=0, dilation=1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         False, 0, groups, bias, padding_mode, dtype)

    def forward(self, input):  # noqa: A002
        if self.padding_mode != "zeros" and self.padding != "valid":
            if self.padding == "same":
                # total padding dilation * (k - 1) per side pair, the extra one at the end
                # (torch's split), so the output keeps the input's size
                (pad_top, pad_bottom), (pad_left, pad_right) = (
                    (total // 2, total - total // 2) for total in (
                        d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)))
            else:
                (pad_top, pad_left), (pad_bottom, pad_right) = self.padding, self.padding
            padded = F.pad(input, (pad_left, pad_right, pad_top, pad_bottom),
                           mode=self.padding_mode)
            return F.conv2d(padded, self.weight, self.bias, self.stride, 0, self.dilation,
                            self.groups)
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)


class ConvTranspose2d(_ConvNd):
    """2-D transposed convolution: the gradient of a Conv2d with respect to its input.

    Used to upsample (decoders, DCGAN generators).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride : int or (int, int), default=1
    padding : int or (int, int), default=0
    output_padding : int or (int, int), default=0
    groups : int, default=1
    bias : bool, default=True
    dilation : int or (int, int), default=1

    Shape
    -----
    H_out = (H - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1.

    Attributes
    ----------
    weight : Parameter of shape (C_in, C_out / groups, kH, kW)
    bias : Parameter of shape (C_out,) or None

    See Also
    --------
    torch.nn.ConvTranspose2d

    Examples
    --------
    >>> import glassbox as gb
    >>> ConvTranspose2d(8, 4, 4, stride=2, padding=1)(gb.zeros(2, 8, 7, 7)).shape
    glassbox.Size([2, 4, 14, 14])
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1,
                 padding=0, output_padding=0, groups: int = 1, bias: bool = True,
                 dilation=1, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for ConvTranspose2d, '
                             f"received padding_mode={padding_mode!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         True, output_padding, groups, bias, padding_mode, dtype)

    def forward(self, input, output_size=None):  # noqa: A002
        output_padding = self.output_padding
        if output_size is not None:
            # choose the output_padding that gives the requested size (as torch)
            target = tuple(output_size)[-2:]
            output_padding = tuple(
                target[axis] - ((input.shape[-2 + axis] - 1) * self.stride[axis]
                                - 2 * self.padding[axis]
                                + self.dilation[axis] * (self.kernel_size[axis] - 1) + 1)
                for axis in range(2)
            )
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  output_padding, self.groups, self.dilation)


class Conv1d(_ConvNd):
    """1-D convolution (cross-correlation) over an (N, C_in, L) input: sequences, signals,
    text CNNs.

    .. math:: y[n, o, l] = b[o] + \\sum_{c, k} W[o, c, k]\\, x[n, c, l s + k d - p]

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int
    stride : int, default=1
    padding : int, 'same' or 'valid', default=0
    dilation : int, default=1
    groups : int, default=1
    bias : bool, default=True
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}, default='zeros'

    Attributes
    ----------
    weight : Parameter of shape (C_out, C_in / groups, k)
    bias : Parameter of shape (C_out,) or None

    See Also
    --------
    torch.nn.Conv1d, glassbox.nn.functional.conv1d

    Examples
    --------
    >>> import glassbox as gb
    >>> Conv1d(4, 8, 3, padding=1)(gb.zeros(2, 4, 10)).shape
    glassbox.Size([2, 8, 10])
    """

    dims = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1,
                 padding=0, dilation=1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         False, 0, groups, bias, padding_mode, dtype)

    def forward(self, input):  # noqa: A002
        if self.padding_mode != "zeros" and self.padding != "valid":
            if self.padding == "same":  # torch's split: the extra pixel at the end
                total = self.dilation[0] * (self.kernel_size[0] - 1)
                before, after = total // 2, total - total // 2
            else:
                before = after = self.padding[0]
            padded = F.pad(input, (before, after), mode=self.padding_mode)
            return F.conv1d(padded, self.weight, self.bias, self.stride, 0, self.dilation,
                            self.groups)
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        return F.conv1d(input, self.weight, self.bias, self.stride, padding, self.dilation,
                        self.groups)


class ConvTranspose1d(_ConvNd):
    """1-D transposed convolution: the gradient of a Conv1d with respect to its input
    (upsampling a sequence).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int
    stride : int, default=1
    padding : int, default=0
    output_padding : int, default=0
    groups : int, default=1
    bias : bool, default=True
    dilation : int, default=1

    Attributes
    ----------
    weight : Parameter of shape (C_in, C_out / groups, k)
    bias : Parameter of shape (C_out,) or None

    See Also
    --------
    torch.nn.ConvTranspose1d, glassbox.nn.functional.conv_transpose1d

    Examples
    --------
    >>> import glassbox as gb
    >>> ConvTranspose1d(8, 4, 4, stride=2, padding=1)(gb.zeros(2, 8, 7)).shape
    glassbox.Size([2, 4, 14])
    """

    dims = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1,
                 padding=0, output_padding=0, groups: int = 1, bias: bool = True,
                 dilation=1, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for ConvTranspose1d, '
                             f"received padding_mode={padding_mode!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         True, output_padding, groups, bias, padding_mode, dtype)

    def forward(self, input, output_size=None):  # noqa: A002
        output_padding = self.output_padding[0]
        if output_size is not None:
            # the output_padding that gives the requested length (as torch)
            output_padding = tuple(output_size)[-1] - (
                (input.shape[-1] - 1) * self.stride[0] - 2 * self.padding[0]
                + self.dilation[0] * (self.kernel_size[0] - 1) + 1)
        return F.conv_transpose1d(input, self.weight, self.bias, self.stride[0],
                                  self.padding[0], output_padding, self.groups,
                                  self.dilation[0])
