"""Diagonals: read one (``diagonal``, ``diag`` of a matrix) or write one into zeros
(``diag_embed``, ``diag`` of a vector).

The two are each other's gradient: reading a diagonal passes its gradient back onto the
diagonal of a zero matrix (every other entry did not take part), and writing a vector
onto a diagonal passes back the diagonal of the gradient. So there are two Functions,
:class:`Diagonal` and :class:`DiagonalScatter`, and each one's backward is the other.

The diagonal with ``offset`` k of the dimensions (dim1, dim2) holds the entries
[i, i + k] (k >= 0) or [i - k, i] (k < 0); it becomes the *last* dimension of the
result, as in torch and NumPy.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function

__all__ = ["Diagonal", "DiagonalScatter", "diagonal_positions"]


def diagonal_positions(rows: int, columns: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the ``offset`` diagonal of a (rows, columns) matrix.

    Examples
    --------
    >>> diagonal_positions(3, 3, 1)
    (array([0, 1]), array([1, 2]))
    """
    length = max(0, min(rows + min(offset, 0), columns - max(offset, 0)))
    start = np.arange(length)
    return start - min(offset, 0), start + max(offset, 0)


class Diagonal(Function):
    """The ``offset`` diagonal of dims (dim1, dim2), moved to the last dimension."""

    backward_name = "DiagonalBackward0"

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.settings = (x.shape, offset, dim1, dim2)
        return np.diagonal(x._data, offset, dim1, dim2).copy()

    @staticmethod
    def backward(ctx, grad_output):
        shape, offset, dim1, dim2 = ctx.settings
        # d(x[i, i+k])/dx is 1 at [i, i+k]: the gradient goes back onto the diagonal
        return DiagonalScatter.apply(grad_output, shape, offset, dim1, dim2), None, None, None


class DiagonalScatter(Function):
    """Zeros of ``shape`` with ``source`` (last dimension) written on a diagonal."""

    backward_name = "DiagonalScatterBackward0"

    @staticmethod
    def forward(ctx, source, shape, offset, dim1, dim2):
        ctx.settings = (offset, dim1, dim2)
        out = np.zeros(shape, dtype=source.dtype)
        # the two matrix dimensions last (a writable view of out): (..., rows, columns)
        matrices = np.moveaxis(out, (dim1, dim2), (-2, -1))
        rows, columns = diagonal_positions(shape[dim1], shape[dim2], offset)
        matrices[..., rows, columns] = source._data
        return out

    @staticmethod
    def backward(ctx, grad_output):
        offset, dim1, dim2 = ctx.settings
        # source fed only the diagonal entries: its gradient is the diagonal of grad_output
        return Diagonal.apply(grad_output, offset, dim1, dim2), None, None, None, None
