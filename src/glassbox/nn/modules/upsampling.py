"""``Upsample``, ``UpsamplingNearest2d``, ``UpsamplingBilinear2d``: resizing layers around
``F.interpolate``."""

from __future__ import annotations

from glassbox.nn import functional as F
from glassbox.nn.modules.module import Module

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]


class Upsample(Module):
    """Resize the spatial dimensions to ``size`` or by ``scale_factor``.

    Parameters
    ----------
    size : int or (int, int), optional
    scale_factor : float or (float, float), optional
    mode : {'nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', \
'area'}, default='nearest'
    align_corners : bool, optional
        Interpolating modes only (see :func:`glassbox.nn.functional.interpolate`).

    See Also
    --------
    torch.nn.Upsample

    Examples
    --------
    >>> import glassbox as gb
    >>> Upsample(scale_factor=2)(gb.zeros(1, 1, 3, 3)).shape
    glassbox.Size([1, 1, 6, 6])
    """

    def __init__(self, size=None, scale_factor=None, mode: str = "nearest",
                 align_corners=None, recompute_scale_factor=None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        self.scale_factor = float(scale_factor) if isinstance(scale_factor, int) \
            else scale_factor
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):  # noqa: A002
        return F.interpolate(input, self.size, self.scale_factor, self.mode,
                             self.align_corners, self.recompute_scale_factor)

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            return f"scale_factor={self.scale_factor}, mode='{self.mode}'"
        return f"size={self.size}, mode='{self.mode}'"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of (N, C, H, W) images: ``Upsample(mode='nearest')``.

    See Also
    --------
    torch.nn.UpsamplingNearest2d

    Examples
    --------
    >>> import glassbox as gb
    >>> UpsamplingNearest2d(scale_factor=2)(gb.ones(1, 1, 2, 3)).shape
    glassbox.Size([1, 1, 4, 6])
    """

    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling with the corners aligned: ``Upsample(mode='bilinear',
    align_corners=True)``.

    See Also
    --------
    torch.nn.UpsamplingBilinear2d

    Examples
    --------
    >>> import glassbox as gb
    >>> UpsamplingBilinear2d(size=(1, 3))(gb.tensor([[[[0.0, 1.0]]]]))
    tensor([[[[0. , 0.5, 1. ]]]])
    """

    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
