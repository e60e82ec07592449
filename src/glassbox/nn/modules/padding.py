"""Padding layers (``torch.nn.modules.padding``): each one call to
:func:`glassbox.nn.functional.pad` with a fixed mode and widths.

``padding`` is an int (the same width on every side) or the widths themselves, from the
last dimension backwards: ``(left, right)`` for 1-D, ``(left, right, top, bottom)`` for
2-D, ``(left, right, top, bottom, front, back)`` for 3-D.

- constant / zero: fill with a value (CNNs' "same" borders by hand, DCGAN crops);
- reflection: mirror the image without repeating the edge (CycleGAN's and style
  transfer's generators: no dark frame around the output);
- replication: repeat the edge pixel;
- circular: wrap around (periodic signals and textures).
"""

from __future__ import annotations

from collections.abc import Iterable

from glassbox.nn import functional as F
from glassbox.nn.modules.module import Module

__all__ = [
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d",
    "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d",
]


def _widths(padding, dims: int) -> tuple:
    """An int repeated 2 * dims times, or the given widths as a tuple (torch's _ntuple)."""
    if isinstance(padding, Iterable):
        return tuple(padding)
    return (padding,) * (2 * dims)


class _PadNd(Module):
    """The shared machinery: ``dims`` padded dimensions, a mode, and torch's repr."""

    dims: int = 1
    mode: str = "constant"

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _widths(padding, self.dims)

    def forward(self, input):  # noqa: A002
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input):  # noqa: A002
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dimension with ``value``: (*, W) -> (*, left + W + right).

    Examples
    --------
    >>> import glassbox as gb
    >>> ConstantPad1d((1, 2), 9.0)(gb.zeros(1, 2))
    tensor([[9., 0., 0., 9., 9.]])
    """

    dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dimensions with ``value``: (*, H, W) -> (*, top + H + bottom,
    left + W + right).

    See Also
    --------
    torch.nn.ConstantPad2d

    Examples
    --------
    >>> import glassbox as gb
    >>> ConstantPad2d(1, -1.0)(gb.zeros(1, 1, 2, 2)).shape
    glassbox.Size([1, 1, 4, 4])
    """

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dimensions with ``value``.

    Examples
    --------
    >>> import glassbox as gb
    >>> ConstantPad3d(1, 0.5)(gb.zeros(1, 1, 2, 2, 2)).shape
    glassbox.Size([1, 1, 4, 4, 4])
    """

    dims = 3


class ZeroPad1d(ConstantPad1d):
    """Pad the last dimension with zeros.

    See Also
    --------
    torch.nn.ZeroPad1d

    Examples
    --------
    >>> import glassbox as gb
    >>> ZeroPad1d(1)(gb.ones(1, 2))
    tensor([[0., 1., 1., 0.]])
    """

    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last two dimensions with zeros.

    See Also
    --------
    torch.nn.ZeroPad2d

    Examples
    --------
    >>> import glassbox as gb
    >>> ZeroPad2d((1, 0, 0, 1))(gb.ones(1, 1, 1, 1))
    tensor([[[[0., 1.],
              [0., 0.]]]])
    """

    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pad the last three dimensions with zeros.

    Examples
    --------
    >>> import glassbox as gb
    >>> ZeroPad3d(1)(gb.ones(1, 1, 1, 1, 1)).sum()
    tensor(1.)
    """

    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_PadNd):
    """Mirror the last dimension at its edges, without repeating the edge value.

    Examples
    --------
    >>> import glassbox as gb
    >>> ReflectionPad1d(2)(gb.tensor([[1.0, 2.0, 3.0]]))
    tensor([[3., 2., 1., 2., 3., 2., 1.]])
    """

    dims, mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Mirror the last two dimensions at their edges (no dark frame, unlike zeros).

    See Also
    --------
    torch.nn.ReflectionPad2d

    Examples
    --------
    >>> import glassbox as gb
    >>> ReflectionPad2d(1)(gb.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))
    tensor([[[[4., 3., 4., 3.],
              [2., 1., 2., 1.],
              [4., 3., 4., 3.],
              [2., 1., 2., 1.]]]])
    """

    dims, mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Mirror the last three dimensions at their edges.

    Examples
    --------
    >>> import glassbox as gb
    >>> ReflectionPad3d(1)(gb.ones(1, 1, 2, 2, 2)).shape
    glassbox.Size([1, 1, 4, 4, 4])
    """

    dims, mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Repeat the edge values of the last dimension.

    Examples
    --------
    >>> import glassbox as gb
    >>> ReplicationPad1d((2, 1))(gb.tensor([[1.0, 2.0]]))
    tensor([[1., 1., 1., 2., 2.]])
    """

    dims, mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Repeat the edge pixels of the last two dimensions.

    See Also
    --------
    torch.nn.ReplicationPad2d

    Examples
    --------
    >>> import glassbox as gb
    >>> ReplicationPad2d(1)(gb.ones(1, 1, 2, 2)).shape
    glassbox.Size([1, 1, 4, 4])
    """

    dims, mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Repeat the edge values of the last three dimensions.

    Examples
    --------
    >>> import glassbox as gb
    >>> ReplicationPad3d(1)(gb.ones(1, 1, 2, 2, 2)).shape
    glassbox.Size([1, 1, 4, 4, 4])
    """

    dims, mode = 3, "replicate"


class _CircularPadNd(_PadNd):
    mode = "circular"

    def forward(self, input):  # noqa: A002
        if input.ndim not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"expected {self.dims + 1}D or {self.dims + 2}D input (got "
                             f"{input.ndim}D input)")
        return F.pad(input, self.padding, "circular")


class CircularPad1d(_CircularPadNd):
    """Wrap the last dimension around: its end before the start, its start after the end.

    Examples
    --------
    >>> import glassbox as gb
    >>> CircularPad1d(1)(gb.tensor([[1.0, 2.0, 3.0]]))
    tensor([[3., 1., 2., 3., 1.]])
    """

    dims = 1


class CircularPad2d(_CircularPadNd):
    """Wrap the last two dimensions around (a torus: periodic images, textures).

    See Also
    --------
    torch.nn.CircularPad2d

    Examples
    --------
    >>> import glassbox as gb
    >>> CircularPad2d(1)(gb.ones(1, 1, 2, 2)).shape
    glassbox.Size([1, 1, 4, 4])
    """

    dims = 2


class CircularPad3d(_CircularPadNd):
    """Wrap the last three dimensions around.

    Examples
    --------
    >>> import glassbox as gb
    >>> CircularPad3d(1)(gb.ones(1, 1, 2, 2, 2)).shape
    glassbox.Size([1, 1, 4, 4, 4])
    """

    dims = 3
