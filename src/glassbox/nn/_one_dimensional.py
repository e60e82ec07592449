"""The 1-D convolutions and poolings (sequences, signals, text CNNs): each is the 2-D
operation applied to the sequence seen as an image one pixel high.

A (N, C, L) input becomes (N, C, 1, L), a kernel of length k becomes a 1 x k kernel, a
stride s becomes (1, s), and so on; the result's unit height is dropped. torch computes
max and average pooling in 1-D the same way. The views (``unsqueeze`` / ``squeeze``)
carry the gradients, so every gradient, of every order, is the 2-D operation's.
"""

from __future__ import annotations

from glassbox.autograd.tensor import Tensor
from glassbox.nn._adaptive_max_pool import adaptive_max_pool2d
from glassbox.nn._conv import (
    _ArgumentError,
    _check_tensor,
    adaptive_avg_pool2d,
    avg_pool2d,
    conv2d,
    conv_transpose2d,
    max_pool2d,
)

__all__ = ["conv1d", "conv_transpose1d", "max_pool1d", "max_pool1d_with_indices",
           "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d",
           "adaptive_max_pool1d_with_indices"]


def _single(value, name: str) -> int:
    """An int or a one-element sequence, as an int (torch's ``_single``)."""
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise _ArgumentError(f"expected {name} to be a single integer value or a list of "
                                 f"1 value, but got {name}={value!r}")
        value = value[0]
    return int(value)


def _as_image(x: Tensor, function: str, message: str) -> tuple[Tensor, bool]:
    """(N, C, L) -> (N, C, 1, L); an unbatched (C, L) gets a batch of one too."""
    _check_tensor(x, "input", function)
    if x.ndim not in (2, 3):
        raise _ArgumentError(message.format(shape=list(x.shape), ndim=x.ndim))
    unbatched = x.ndim == 2
    return (x.unsqueeze(0) if unbatched else x).unsqueeze(2), unbatched


def _as_sequence(y: Tensor, unbatched: bool) -> Tensor:
    """(N, C, 1, L) -> (N, C, L) (or (C, L))."""
    y = y.squeeze(2)
    return y.squeeze(0) if unbatched else y


_CONV_MESSAGE = ("Expected 2D (unbatched) or 3D (batched) input to {function}, but got "
                 "input of size: {{shape}}")
_POOL_MESSAGE = ("Expected 2 to 3 dimensions, but got {{ndim}}-dimensional tensor for "
                 "argument #1 'self' (while checking arguments for {function})")


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,  # noqa: A002
           padding=0, dilation=1, groups: int = 1) -> Tensor:
    """1-D convolution (cross-correlation) over (N, C_in, L): ``conv2d`` on a one-pixel-high
    image.

    .. math:: y[n, o, l] = b[o] + \\sum_{c, k} W[o, c, k]\\, x[n, c, l s + k d - p]

    Parameters
    ----------
    input : Tensor of shape (N, C_in, L) or (C_in, L)
    weight : Tensor of shape (C_out, C_in / groups, k)
    bias : Tensor of shape (C_out,), optional
    stride, dilation : int, default=1
    padding : int, 'same' or 'valid', default=0
    groups : int, default=1

    Returns
    -------
    Tensor of shape (N, C_out, L_out), L_out = floor((L + 2 p - d (k - 1) - 1) / s) + 1

    See Also
    --------
    torch.nn.functional.conv1d, glassbox.nn.functional.conv2d

    Examples
    --------
    >>> import glassbox as gb
    >>> conv1d(gb.tensor([[[1.0, 2.0, 3.0, 4.0]]]), gb.tensor([[[1.0, -1.0]]]))
    tensor([[[-1., -1., -1.]]])
    """
    x, unbatched = _as_image(input, "conv1d", _CONV_MESSAGE.format(function="conv1d"))
    padding = padding if isinstance(padding, str) else (0, _single(padding, "padding"))
    y = conv2d(x, weight.unsqueeze(2), bias, (1, _single(stride, "stride")), padding,
               (1, _single(dilation, "dilation")), groups)
    return _as_sequence(y, unbatched)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,  # noqa: A002
                     stride=1, padding=0, output_padding=0, groups: int = 1,
                     dilation=1) -> Tensor:
    """1-D transposed convolution: the gradient of ``conv1d`` with respect to its input
    (upsampling a sequence).

    Parameters
    ----------
    input : Tensor of shape (N, C_in, L) or (C_in, L)
    weight : Tensor of shape (C_in, C_out / groups, k)
    bias : Tensor of shape (C_out,), optional
    stride, padding, output_padding, dilation : int
    groups : int, default=1

    Returns
    -------
    Tensor of shape (N, C_out, L_out), L_out = (L - 1) s - 2 p + d (k - 1) + op + 1

    See Also
    --------
    torch.nn.functional.conv_transpose1d

    Examples
    --------
    >>> import glassbox as gb
    >>> conv_transpose1d(gb.tensor([[[1.0, 2.0]]]), gb.tensor([[[1.0, 1.0]]]), stride=2)
    tensor([[[1., 1., 2., 2.]]])
    """
    x, unbatched = _as_image(input, "conv_transpose1d",
                             _CONV_MESSAGE.format(function="conv_transpose1d"))
    y = conv_transpose2d(x, weight.unsqueeze(2), bias, (1, _single(stride, "stride")),
                         (0, _single(padding, "padding")),
                         (0, _single(output_padding, "output_padding")), groups,
                         (1, _single(dilation, "dilation")))
    return _as_sequence(y, unbatched)


def max_pool1d_with_indices(input: Tensor, kernel_size, stride=None, padding=0,  # noqa: A002
                            dilation=1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """:func:`max_pool1d` returning (values, indices)."""
    x, unbatched = _as_image(
        input, "max_pool1d", "max_pool1d: Expected 2D or 3D (batch mode) tensor with "
                             "optional 0 dim batch size for input, but got:{shape}")
    kernel = _single(kernel_size, "kernel_size")
    step = kernel if stride is None or stride == [] else _single(stride, "stride")
    values, indices = max_pool2d(x, (1, kernel), (1, step), (0, _single(padding, "padding")),
                                 (1, _single(dilation, "dilation")), ceil_mode=ceil_mode,
                                 return_indices=True)
    # a one-pixel-high image: the flat index h * L + l is the position l itself
    return _as_sequence(values, unbatched), _as_sequence(indices, unbatched)


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
               ceil_mode: bool = False, return_indices: bool = False):
    """The maximum of every (dilated, strided) window of length ``kernel_size``.

    Parameters
    ----------
    input : Tensor of shape (N, C, L) or (C, L)
    kernel_size : int
    stride : int, optional
        Defaults to ``kernel_size``.
    padding, dilation : int
    ceil_mode, return_indices : bool, default=False

    See Also
    --------
    torch.nn.functional.max_pool1d

    Examples
    --------
    >>> import glassbox as gb
    >>> max_pool1d(gb.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
    tensor([[[3., 2.]]])
    """
    values, indices = max_pool1d_with_indices(input, kernel_size, stride, padding, dilation,
                                              ceil_mode)
    return (values, indices) if return_indices else values


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """The mean of every window of length ``kernel_size``.

    Parameters
    ----------
    input : Tensor of shape (N, C, L) or (C, L)
    kernel_size : int
    stride : int, optional
        Defaults to ``kernel_size``.
    padding : int, default=0
    ceil_mode : bool, default=False
    count_include_pad : bool, default=True

    See Also
    --------
    torch.nn.functional.avg_pool1d

    Examples
    --------
    >>> import glassbox as gb
    >>> avg_pool1d(gb.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
    tensor([[[2., 1.]]])
    """
    x, unbatched = _as_image(input, "avg_pool1d", _POOL_MESSAGE.format(function="avg_pool1d"))
    kernel = _single(kernel_size, "kernel_size")
    step = kernel if stride is None or stride == [] else _single(stride, "stride")
    y = avg_pool2d(x, (1, kernel), (1, step), (0, _single(padding, "padding")), ceil_mode,
                   count_include_pad)
    return _as_sequence(y, unbatched)


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:  # noqa: A002
    """Average pooling to ``output_size`` positions: window i covers
    ``[floor(i L / out), ceil((i + 1) L / out))``.

    See Also
    --------
    torch.nn.functional.adaptive_avg_pool1d

    Examples
    --------
    >>> import glassbox as gb
    >>> adaptive_avg_pool1d(gb.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 1)
    tensor([[[1.5]]])
    """
    x, unbatched = _as_image(input, "adaptive_avg_pool1d",
                             _POOL_MESSAGE.format(function="adaptive_avg_pool1d"))
    y = adaptive_avg_pool2d(x, (1, _single(output_size, "output_size")))
    return _as_sequence(y, unbatched)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size,  # noqa: A002
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """:func:`adaptive_max_pool1d` returning (values, indices)."""
    x, unbatched = _as_image(input, "adaptive_max_pool1d",
                             _POOL_MESSAGE.format(function="adaptive_max_pool1d"))
    values, indices = adaptive_max_pool2d(x, (1, _single(output_size, "output_size")), True)
    return _as_sequence(values, unbatched), _as_sequence(indices, unbatched)


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """Max pooling to ``output_size`` positions (torch's adaptive windows).

    See Also
    --------
    torch.nn.functional.adaptive_max_pool1d

    Examples
    --------
    >>> import glassbox as gb
    >>> adaptive_max_pool1d(gb.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
    tensor([[[3., 2.]]])
    """
    values, indices = adaptive_max_pool1d_with_indices(input, output_size)
    return (values, indices) if return_indices else values
