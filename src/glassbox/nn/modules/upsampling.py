"""``Upsample``: nearest-neighbour resizing (the layer around ``F.interpolate``)."""

from __future__ import annotations

from glassbox.nn import functional as F
from glassbox.nn.modules.module import Module

__all__ = ["Upsample"]


class Upsample(Module):
    """Resize the spatial dimensions to ``size`` or by ``scale_factor``.

    Parameters
    ----------
    size : int or (int, int), optional
    scale_factor : float or (float, float), optional
    mode : {'nearest', 'nearest-exact'}, default='nearest'
    align_corners : None
        Accepted for torch compatibility (it only concerns interpolating modes).

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
