"""Rearranging and picking, built from the basic view and indexing Functions (so their
gradients come for free): ``movedim``, ``tile``, ``select``, ``unflatten``,
``take_along_dim``, ``masked_select``, ``diff``.

Each is a few lines over ``permute``, ``repeat``, indexing, ``gather``, ``narrow`` and
``cat``, whose backward rules route the gradient back to the entries used.

Examples
--------
>>> import glassbox as gb
>>> gb.zeros(2, 3, 4).movedim(0, -1).shape
glassbox.Size([3, 4, 2])
>>> gb.diff(gb.tensor([1, 4, 9, 16]))
tensor([3, 5, 7])
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.ops.reduction import normalize_dims
from glassbox.autograd.ops.selection import gather
from glassbox.autograd.tensor import Tensor

__all__ = ["movedim", "tile", "select", "unflatten", "take_along_dim", "masked_select",
           "diff"]


def _dims(value, ndim: int) -> list[int]:
    values = [value] if isinstance(value, (int, np.integer)) else list(value)
    return [normalize_dims(v, ndim)[0] for v in values]


def movedim(x: Tensor, source, destination) -> Tensor:
    """x with dimension(s) ``source`` moved to ``destination``, the others in order."""
    source, destination = _dims(source, x.ndim), _dims(destination, x.ndim)
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({source} "
                           f"dims) should contain the same number of dims as destination "
                           f"({destination} dims)")
    order = [d for d in range(x.ndim) if d not in source]
    for target, moved in sorted(zip(destination, source)):
        order.insert(target, moved)
    return x.permute(*order)


def tile(x: Tensor, dims) -> Tensor:
    """x repeated ``dims[i]`` times along each dimension; fewer dims than x's are padded
    with leading 1s (the difference with ``repeat``)."""
    dims = tuple(dims)
    return x.repeat(*((1,) * (x.ndim - len(dims)) + dims))


def select(x: Tensor, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim`` (that dimension removed): x[..., index, ...]."""
    dim = normalize_dims(dim, x.ndim)[0]
    size = x.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{x.shape} at dimension {dim}")
    return x[(slice(None),) * dim + (index,)]


def unflatten(x: Tensor, dim: int, sizes) -> Tensor:
    """Dimension ``dim`` split into ``sizes`` (one of them may be -1)."""
    dim = normalize_dims(dim, x.ndim)[0]
    return x.reshape(x.shape[:dim] + tuple(sizes) + x.shape[dim + 1:])


def take_along_dim(x: Tensor, indices, dim: int | None = None) -> Tensor:
    """out[..., i, ...] = x[..., indices[..., i, ...], ...] along ``dim`` (over the
    flattened x when None), other dimensions broadcast (``np.take_along_axis``)."""
    index = indices._data if isinstance(indices, Tensor) else np.asarray(indices)
    if dim is None:
        return gather(x.reshape(-1), 0, index.reshape(-1))
    if index.ndim != x.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {x.ndim} dimensions for input, "
                           f"and {index.ndim} dimensions for indices")
    dim = normalize_dims(dim, x.ndim)[0]
    # broadcast every dimension but dim
    others = np.broadcast_shapes(*(tuple(1 if d == dim else s for d, s in enumerate(shape))
                                   for shape in (x.shape, index.shape)))
    x_shape = others[:dim] + (x.shape[dim],) + others[dim + 1:]
    index_shape = others[:dim] + (index.shape[dim],) + others[dim + 1:]
    return gather(x.expand(x_shape), dim, np.broadcast_to(index, index_shape))


def masked_select(x: Tensor, mask) -> Tensor:
    """The entries of x where ``mask`` (broadcast with x) holds, as a 1-D Tensor."""
    mask = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if mask.dtype != np.bool_:
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, received "
                           f"{mask.dtype}")
    shape = np.broadcast_shapes(x.shape, mask.shape)
    return x.expand(shape)[np.broadcast_to(mask, shape)]


def diff(x: Tensor, n: int = 1, dim: int = -1, prepend=None, append=None) -> Tensor:
    """The n-th forward difference along ``dim``: out_i = x_{i+1} - x_i, n times (after
    ``prepend`` / ``append`` are concatenated)."""
    from glassbox.autograd.factories import cat

    dim = normalize_dims(dim, x.ndim)[0]
    pieces = [t for t in (prepend, x, append) if t is not None]
    if len(pieces) > 1:
        x = cat(pieces, dim)
    for _ in range(n):
        length = x.shape[dim]
        if length == 0:
            break
        x = x.narrow(dim, 1, length - 1) - x.narrow(dim, 0, length - 1)
    return x
