"""Counting and searching (integer results, no gradient): ``bincount``,
``searchsorted``, ``bucketize``, ``triu_indices``, ``tril_indices``.

Examples
--------
>>> import glassbox as gb
>>> gb.bincount(gb.tensor([0, 2, 2]))
tensor([1, 0, 2])
>>> gb.bucketize(gb.tensor([3, 6, 9]), gb.tensor([1, 3, 5, 7, 9]))
tensor([1, 3, 4])
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.tensor import Tensor

__all__ = ["bincount", "searchsorted", "bucketize", "triu_indices", "tril_indices", "histc"]


def _array(value) -> np.ndarray:
    return value._data if isinstance(value, Tensor) else np.asarray(value)


def bincount(input: Tensor, weights=None, minlength: int = 0) -> Tensor:  # noqa: A002
    """How many times each non-negative integer 0, 1, ... appears (or the sum of its
    ``weights``), at least ``minlength`` counts."""
    values = _array(input)
    if values.ndim != 1 or values.dtype.kind not in "iu":
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs; "
                           f"received {values.ndim}-d {values.dtype}")
    if values.size and values.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs; "
                           f"received a minimum of {values.min()}")
    if weights is None:
        return Tensor(np.bincount(values, minlength=minlength).astype(np.int64))
    weight_array = _array(weights)
    counts = np.bincount(values, weights=weight_array, minlength=minlength)
    # torch keeps float32 weights float32 (NumPy sums in float64)
    dtype = weight_array.dtype if weight_array.dtype.kind == "f" else np.float64
    return Tensor(counts.astype(dtype))


def searchsorted(sorted_sequence: Tensor, values, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None, sorter=None) -> Tensor:
    """Where each value would be inserted to keep the (last dimension of the) sorted
    sequence sorted: the first such place (``right`` or side="right": the last)."""
    sequence = _array(sorted_sequence)
    queries = _array(values)
    side = side or ("right" if right else "left")
    if sorter is not None:
        sequence = np.take_along_axis(sequence, _array(sorter), axis=-1)
    if sequence.ndim == 1:
        result = np.searchsorted(sequence, queries, side=side)
    else:
        if sequence.shape[:-1] != queries.shape[:-1]:
            raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 "
                               f"dimension or the first N-1 dimensions of boundaries tensor "
                               f"and input value tensor must match, but we got boundaries "
                               f"tensor {list(sequence.shape)} and input value tensor "
                               f"{list(queries.shape)}")
        rows = sequence.reshape(-1, sequence.shape[-1])
        row_queries = queries.reshape(-1, queries.shape[-1])
        result = np.stack([np.searchsorted(row, query, side=side)
                           for row, query in zip(rows, row_queries)]).reshape(queries.shape)
    return Tensor(np.asarray(result, dtype=np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries: Tensor, *, out_int32: bool = False,  # noqa: A002
              right: bool = False) -> Tensor:
    """The bucket of each value: i with boundaries[i-1] < x <= boundaries[i]
    (``right``: boundaries[i-1] <= x < boundaries[i])."""
    edges = _array(boundaries)
    if edges.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{edges.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None) -> Tensor:
    """The (2, N) row and column indices of the upper triangle (from diagonal ``offset``)."""
    rows, columns = np.triu_indices(row, offset, col)
    return Tensor(np.stack([rows, columns]).astype(dtype or np.int64))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None) -> Tensor:
    """The (2, N) row and column indices of the lower triangle (up to diagonal ``offset``)."""
    rows, columns = np.tril_indices(row, offset, col)
    return Tensor(np.stack([rows, columns]).astype(dtype or np.int64))


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
    """How many values fall in each of ``bins`` equal bins over [min, max] (the data's
    range when min == max; values outside are left out), in the input's dtype."""
    values = _array(input)
    if values.dtype.kind != "f":
        raise RuntimeError(f"torch.histc: input tensor and hist tensor should have the same "
                           f"dtype, but got input {values.dtype} and hist float")
    if bins <= 0:
        raise RuntimeError(f"torch.histc(): bins must be > 0, but got {bins} for dim 0")
    low, high = (float(min), float(max))
    if low == high and values.size:
        low, high = float(values.min()), float(values.max())
    if low == high:  # torch widens an empty range by 1 on each side
        low, high = low - 1, high + 1
    if low > high:
        raise RuntimeError(f"torch.histc(): max must be larger than min; received min={min}, "
                           f"max={max}")
    counts, _ = np.histogram(values, bins=bins, range=(low, high))
    return Tensor(counts.astype(values.dtype))
