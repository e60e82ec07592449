"""``Fold`` / ``Unfold``: col2im and im2col as layers (``torch.nn.modules.fold``)."""

from __future__ import annotations

from glassbox.nn import functional as F
from glassbox.nn.modules.module import Module

__all__ = ["Fold", "Unfold"]


class Unfold(Module):
    """Every sliding block of a (N, C, H, W) image as a column: (N, C*kH*kW, L).

    ``conv2d(x, W)`` is ``W.view(C_out, -1) @ Unfold(k)(x)`` reshaped to an image.

    Parameters
    ----------
    kernel_size : int or (int, int)
    dilation : int or (int, int), default=1
    padding : int or (int, int), default=0
    stride : int or (int, int), default=1

    See Also
    --------
    torch.nn.Unfold, glassbox.nn.functional.unfold, Fold

    Examples
    --------
    >>> import glassbox as gb
    >>> Unfold(kernel_size=3, padding=1)(gb.randn(2, 4, 5, 5)).shape
    glassbox.Size([2, 36, 25])
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):  # noqa: A002
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Module):
    """Sum columns of sliding blocks (N, C*kH*kW, L) back into a (N, C, H, W) image.

    The adjoint of :class:`Unfold` with the same settings: overlapping blocks add up.

    Parameters
    ----------
    output_size : int or (int, int)
    kernel_size : int or (int, int)
    dilation : int or (int, int), default=1
    padding : int or (int, int), default=0
    stride : int or (int, int), default=1

    See Also
    --------
    torch.nn.Fold, glassbox.nn.functional.fold, Unfold

    Examples
    --------
    >>> import glassbox as gb
    >>> Fold(output_size=(4, 5), kernel_size=2)(gb.randn(1, 3 * 2 * 2, 12)).shape
    glassbox.Size([1, 3, 4, 5])
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):  # noqa: A002
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")
