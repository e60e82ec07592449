"""``Flatten`` and ``Unflatten``: reshape between layers."""

from __future__ import annotations

from glassbox.nn.modules.module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Merge dimensions ``start_dim`` .. ``end_dim`` into one (default: all but the batch).

    See Also
    --------
    torch.nn.Flatten

    Examples
    --------
    >>> import glassbox as gb
    >>> Flatten()(gb.zeros(2, 3, 4)).shape
    glassbox.Size([2, 12])
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):  # noqa: A002
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size``.

    See Also
    --------
    torch.nn.Unflatten

    Examples
    --------
    >>> import glassbox as gb
    >>> Unflatten(1, (3, 4))(gb.zeros(2, 12)).shape
    glassbox.Size([2, 3, 4])
    """

    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__()
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, input):  # noqa: A002
        dim = self.dim % input.ndim
        shape = input.shape[:dim] + self.unflattened_size + input.shape[dim + 1:]
        return input.reshape(shape)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
