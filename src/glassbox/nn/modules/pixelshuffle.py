"""``PixelShuffle`` / ``PixelUnshuffle``: sub-pixel upsampling and its inverse
(``torch.nn.modules.pixelshuffle``)."""

from __future__ import annotations

from glassbox.nn import functional as F
from glassbox.nn.modules.module import Module

__all__ = ["PixelShuffle", "PixelUnshuffle", "ChannelShuffle"]


class PixelShuffle(Module):
    """(*, C r^2, H, W) -> (*, C, H r, W r): out[c, h r + i, w r + j] = in[c r^2 + i r + j, h, w].

    Parameters
    ----------
    upscale_factor : int
        r.

    See Also
    --------
    torch.nn.PixelShuffle, glassbox.nn.functional.pixel_shuffle

    Examples
    --------
    >>> import glassbox as gb
    >>> PixelShuffle(3)(gb.randn(1, 9, 4, 4)).shape
    glassbox.Size([1, 1, 12, 12])
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):  # noqa: A002
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H r, W r) -> (*, C r^2, H, W), the inverse of :class:`PixelShuffle`.

    Parameters
    ----------
    downscale_factor : int
        r.

    See Also
    --------
    torch.nn.PixelUnshuffle, glassbox.nn.functional.pixel_unshuffle

    Examples
    --------
    >>> import glassbox as gb
    >>> PixelUnshuffle(2)(gb.randn(1, 1, 4, 6)).shape
    glassbox.Size([1, 4, 2, 3])
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):  # noqa: A002
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """Interleave the channels of ``groups`` groups (ShuffleNet).

    See Also
    --------
    torch.nn.ChannelShuffle, glassbox.nn.functional.channel_shuffle

    Examples
    --------
    >>> import glassbox as gb
    >>> ChannelShuffle(2)(gb.arange(4.0).reshape(1, 4, 1, 1)).flatten()
    tensor([0., 2., 1., 3.])
    """

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input):  # noqa: A002
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
