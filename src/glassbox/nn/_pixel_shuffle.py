"""``pixel_shuffle`` / ``pixel_unshuffle``: trade channels for resolution, a reshape and a
permutation (no arithmetic, so autograd's view rules give every gradient); and
``channel_shuffle`` (ShuffleNet), the same trick on channels alone.

Sub-pixel convolution (ESPCN) upsamples by computing r^2 channels per output channel at
low resolution and interleaving them into an r-times larger image:

.. math:: \\text{out}[n, c, h r + i, w r + j] = \\text{in}[n, c r^2 + i r + j, h, w]
"""

from __future__ import annotations

from glassbox.autograd.tensor import Tensor
from glassbox.nn._conv import _ArgumentError, _check_tensor

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle"]


def _check_factor(input: Tensor, factor, function: str, name: str) -> int:  # noqa: A002
    _check_tensor(input, "input", function)
    if input.ndim < 3:
        raise _ArgumentError(f"{function} expects input to have at least 3 dimensions, but got "
                             f"input with {input.ndim} dimension(s)")
    if isinstance(factor, bool) or not isinstance(factor, int) or factor <= 0:
        raise _ArgumentError(f"{function} expects a positive {name}, but got {factor}")
    return factor


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:  # noqa: A002
    """Rearrange (*, C r^2, H, W) into (*, C, H r, W r): each group of r^2 channels
    becomes the r x r sub-pixels of one output channel.

    Parameters
    ----------
    input : Tensor of shape (*, C * r^2, H, W)
    upscale_factor : int
        r.

    Returns
    -------
    Tensor of shape (*, C, H * r, W * r)

    See Also
    --------
    torch.nn.functional.pixel_shuffle, pixel_unshuffle

    Examples
    --------
    >>> import glassbox as gb
    >>> pixel_shuffle(gb.arange(4.0).reshape(1, 4, 1, 1), 2)
    tensor([[[[0., 1.],
              [2., 3.]]]])
    """
    r = _check_factor(input, upscale_factor, "pixel_shuffle", "upscale_factor")
    *batch, channels, H, W = input.shape
    if channels % (r * r):
        raise _ArgumentError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                             f"divisible by the square of upscale_factor, but "
                             f"input.size(-3)={channels} is not divisible by {r * r}")
    C = channels // (r * r)
    lead = len(batch)
    x = input.reshape(*batch, C, r, r, H, W)                        # (*, C, i, j, H, W)
    x = x.permute(*range(lead), lead, lead + 3, lead + 1, lead + 4, lead + 2)  # (*, C, H, i, W, j)
    return x.reshape(*batch, C, H * r, W * r)                      # (*, C, H r, W r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:  # noqa: A002
    """Rearrange (*, C, H r, W r) into (*, C r^2, H, W): the inverse of pixel_shuffle.

    Parameters
    ----------
    input : Tensor of shape (*, C, H * r, W * r)
    downscale_factor : int
        r.

    Returns
    -------
    Tensor of shape (*, C * r^2, H, W)

    See Also
    --------
    torch.nn.functional.pixel_unshuffle, pixel_shuffle

    Examples
    --------
    >>> import glassbox as gb
    >>> pixel_unshuffle(gb.arange(4.0).reshape(1, 1, 2, 2), 2).flatten()
    tensor([0., 1., 2., 3.])
    """
    r = _check_factor(input, downscale_factor, "pixel_unshuffle", "downscale_factor")
    *batch, C, height, width = input.shape
    for name, size, axis in (("height", height, -2), ("width", width, -1)):
        if size % r:
            raise _ArgumentError(f"pixel_unshuffle expects {name} to be divisible by "
                                 f"downscale_factor, but input.size({axis})={size} is not "
                                 f"divisible by {r}")
    H, W = height // r, width // r
    lead = len(batch)
    x = input.reshape(*batch, C, H, r, W, r)                        # (*, C, H, i, W, j)
    x = x.permute(*range(lead), lead, lead + 2, lead + 4, lead + 1, lead + 3)  # (*, C, i, j, H, W)
    return x.reshape(*batch, C * r * r, H, W)                      # (*, C r^2, H, W)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """Interleave the channels of ``groups`` groups (ShuffleNet): channel g * (C / G) + i
    moves to i * G + g, so the next grouped convolution sees every group.

    Parameters
    ----------
    input : Tensor of shape (N, C, *)
    groups : int
        G, a divisor of C.

    See Also
    --------
    torch.nn.functional.channel_shuffle

    Examples
    --------
    >>> import glassbox as gb
    >>> channel_shuffle(gb.arange(4.0).reshape(1, 4, 1), 2).flatten()
    tensor([0., 2., 1., 3.])
    """
    _check_tensor(input, "input", "channel_shuffle")
    if input.ndim <= 2:
        raise _ArgumentError(f"channel_shuffle expects input with > 2 dims, but got input "
                             f"with sizes {list(input.shape)}")
    if groups <= 0:
        raise _ArgumentError(f"Number of groups to divide channels in must be positive. "
                             f"Value of groups:{groups}")
    N, C, *spatial = input.shape
    if C % groups:
        raise _ArgumentError(f"Number of channels must be divisible by groups. Got {C} "
                             f"channels and {groups} groups.")
    x = input.reshape(N, groups, C // groups, *spatial)           # (N, G, C/G, *)
    return x.transpose(1, 2).reshape(input.shape)                 # (N, C/G, G, *) -> (N, C, *)
