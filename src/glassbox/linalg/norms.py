"""Norms: ``vector_norm``, ``matrix_norm`` and ``norm`` (which picks one of the two).

The vector p-norm is ||x||_p = (sum_i |x_i|^p)^(1/p); its gradient (in
:mod:`glassbox.autograd.ops.norms`, shared with ``Tensor.norm``) is

    d||x||_p / dx_i = sign(x_i) |x_i|^(p-1) / ||x||_p^(p-1)      (x_i / ||x||_2 for p = 2)

with the limits p = inf, 1 and 0, and 0 at x = 0 for the 2-norm, as in torch.

The matrix norms reduce to these or to singular values: Frobenius is the 2-norm of all
entries, "nuc" the sum of the singular values, 2 the largest one, 1 the largest column
sum of |a_ij| and inf the largest row sum.
"""

from __future__ import annotations

import numbers

import numpy as np

from glassbox.autograd.ops.norms import VectorNorm
from glassbox.autograd.ops.reduction import normalize_dims
from glassbox.autograd.tensor import Tensor
from glassbox.linalg._checks import check_floating

__all__ = ["vector_norm", "matrix_norm", "norm"]

_INF = float("inf")


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *,  # noqa: A002
                dtype=None) -> Tensor:
    """The vector norm ||x||_ord = (sum |x_i|^ord)^(1/ord) over ``dim`` (every element
    when None, whatever the shape).

    Gradient: d||x||_p/dx_i = sign(x_i) |x_i|^(p-1) / ||x||_p^(p-1) (x_i/||x|| for p=2,
    0 at x = 0 as in torch).

    Parameters
    ----------
    x : Tensor of floats
    ord : float, default=2
        inf is max |x_i|, -inf min |x_i|, 0 the number of non-zero entries.
    dim : int or tuple of ints, optional
    keepdim : bool, default=False
    dtype : dtype, optional
        Cast x to it first.

    See Also
    --------
    torch.linalg.vector_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.vector_norm(gb.tensor([3., -4.]))
    tensor(5.)
    >>> gb.linalg.vector_norm(gb.tensor([3., -4.]), ord=float("inf"))
    tensor(4.)
    """
    check_floating(x, "vector_norm")
    if isinstance(ord, bool) or not isinstance(ord, (numbers.Real, np.floating)):
        raise TypeError(f"linalg.vector_norm: ord must be a number (2, 1, inf, ...), "
                           f"received {ord!r}; for 'fro' or 'nuc' use linalg.matrix_norm")
    if dtype is not None:
        x = x.to(dtype)
    dims = normalize_dims(dim, x.ndim)
    return VectorNorm.apply(x, float(ord), dims, keepdim)


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *,  # noqa: A002
                dtype=None) -> Tensor:
    """A matrix norm of each matrix over the two dimensions ``dim``.

    ``"fro"``: sqrt(sum a_ij^2); ``"nuc"``: the sum of the singular values; 2 / -2: the
    largest / smallest singular value; 1 / -1: the largest / smallest sum of |a_ij|
    over a column; inf / -inf: the same over a row. The gradient follows from the
    vector norms, sums, maxima and singular values these are built from.

    Parameters
    ----------
    A : Tensor of shape (..., m, n)
    ord : {"fro", "nuc", 2, -2, 1, -1, inf, -inf}, default="fro"
    dim : tuple of two ints, default=(-2, -1)
    keepdim : bool, default=False
    dtype : dtype, optional

    See Also
    --------
    torch.linalg.matrix_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> A = gb.tensor([[1., -2.], [3., 4.]])
    >>> gb.linalg.matrix_norm(A), gb.linalg.matrix_norm(A, ord=1)
    (tensor(5.4772), tensor(6.))
    """
    check_floating(A, "matrix_norm")
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           f"dimensions; received shape {A.shape}.")
    if dtype is not None:
        A = A.to(dtype)
    rows, columns = (d % A.ndim for d in dim)
    if rows == columns:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({rows}, "
                           f"{columns})")
    if ord == "fro":
        return vector_norm(A, 2, (rows, columns), keepdim)
    if ord not in ("nuc", 2, -2, 1, -1, _INF, -_INF):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    # the two matrix dimensions last: (..., m, n)
    others = [d for d in range(A.ndim) if d not in (rows, columns)]
    matrices = A.permute(*others, rows, columns)
    if ord in ("nuc", 2, -2):
        from glassbox.linalg.spectral import svdvals

        singular = svdvals(matrices)  # (..., k), descending
        result = (singular.sum(-1) if ord == "nuc" else
                  singular[..., 0] if ord == 2 else singular[..., -1])
    else:
        # 1: sums over each column (over the rows), inf: sums over each row
        sums = matrices.abs().sum(-2 if ord in (1, -1) else -1)
        result = sums.amax(-1) if ord in (1, _INF) else sums.amin(-1)
    if keepdim:
        for d in sorted((rows, columns)):
            result = result.unsqueeze(d)
    return result


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *,  # noqa: A002
         dtype=None) -> Tensor:
    """A vector or a matrix norm, chosen as torch does: a vector norm when ``dim`` is an
    int (or ``ord`` and ``dim`` are both None: the 2-norm of all entries), a matrix norm
    when ``dim`` has two entries or when A is 2-D and ``ord`` is given.

    Parameters
    ----------
    A : Tensor of floats
    ord : number or {"fro", "nuc"}, optional
    dim : int or tuple of one or two ints, optional
    keepdim : bool, default=False
    dtype : dtype, optional

    See Also
    --------
    torch.linalg.norm, vector_norm, matrix_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> A = gb.tensor([[1., -2.], [3., 4.]])
    >>> gb.linalg.norm(A), gb.linalg.norm(A, ord=1), gb.linalg.norm(A, dim=1)
    (tensor(5.4772), tensor(6.), tensor([2.2361, 5.    ]))
    """
    check_floating(A, "norm")
    if dim is not None:
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        if len(dims) == 1:
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        if len(dims) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                           f"Got {list(dims)}")
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if isinstance(ord, str):
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)  # "fro", "nuc"
    if A.ndim == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be "
                       f"1D or 2D. Got {A.ndim}D.")
