"""Inverse, linear systems and determinants: ``inv``, ``solve``, ``det``, ``slogdet``.

Their gradients all follow from one identity, the derivative of the inverse,
d(A^-1) = -A^-1 dA A^-1 (differentiate A A^-1 = I):

- ``inv``: Y = A^-1, so dL/dA = -Y^T (dL/dY) Y^T.
- ``solve``: X = A^-1 B, so dL/dB = A^-T (dL/dX) (one more solve, with A^T) and
  dL/dA = -(dL/dB) X^T.
- ``det`` (Jacobi's formula): d det(A) = det(A) tr(A^-1 dA), so
  dL/dA = (dL/d det) det(A) A^-T. For a singular A (det = 0, no inverse) the same
  derivative is the transposed adjugate, adj(A)^T, which glassbox then computes from
  the SVD A = U S V^T: adj(A)^T = det(U) det(V) U diag(prod_{j != i} s_j) V^T.
- ``slogdet``: log|det(A)|, whose derivative is A^-T.

Each backward is written with these same functions on Tensors, so the gradient can be
differentiated again (``create_graph=True``). All work on batches (..., n, n).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.ops.arithmetic import unbroadcast
from glassbox.autograd.tensor import Tensor
from glassbox.linalg._checks import LinAlgError, check_floating, check_square, singular_error

__all__ = ["inv", "solve", "solve_triangular", "det", "slogdet", "Inv", "Solve", "Det",
           "LogAbsDet"]

slogdet_result = namedtuple("slogdet", ["sign", "logabsdet"])


class Inv(Function):
    """Y = A^-1 for each matrix of the batch."""

    backward_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, A):
        try:
            result = np.linalg.inv(A._data)
        except np.linalg.LinAlgError:
            raise singular_error("inv", A._data) from None
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (inverse,) = ctx.saved_tensors
        # d(A^-1) = -A^-1 dA A^-1  =>  dL/dA = -A^-T (dL/dY) A^-T
        return -(inverse.mT @ grad_output @ inverse.mT)


class Solve(Function):
    """X with A X = B (A: (..., n, n), B: (..., n, k), batch dimensions broadcast)."""

    backward_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, A, B):
        try:
            result = np.linalg.solve(A._data, B._data)
        except np.linalg.LinAlgError:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix "
                              "is singular (its determinant is 0, so A X = B has no unique "
                              "solution). Check A for dependent rows or columns.") from None
        ctx.shapes = (A.shape, B.shape)
        ctx.save_for_backward(A, result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        A, X = ctx.saved_tensors
        A_shape, B_shape = ctx.shapes
        # X = A^-1 B: dL/dB = A^-T dL/dX, one solve with the transpose
        grad_B = Solve.apply(A.mT, grad_output)
        # dX = -A^-1 dA X  =>  dL/dA = -(dL/dB) X^T
        grad_A = -(grad_B @ X.mT) if ctx.needs_input_grad[0] else None
        return (None if grad_A is None else unbroadcast(grad_A, A_shape),
                unbroadcast(grad_B, B_shape) if ctx.needs_input_grad[1] else None)


class Det(Function):
    """det(A) for each matrix of the batch."""

    backward_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, A):
        result = np.asarray(np.linalg.det(A._data))
        ctx.save_for_backward(A, result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        A, determinant = ctx.saved_tensors
        scale = (grad_output * determinant).unsqueeze(-1).unsqueeze(-1)  # (..., 1, 1)
        if (determinant._data != 0).all():
            # Jacobi: d det(A) = det(A) tr(A^-1 dA)  =>  dL/dA = g det(A) A^-T
            try:
                return scale * Inv.apply(A).mT
            except LinAlgError:
                pass  # det underflowed to a tiny non-zero value: use the adjugate below
        # singular: dL/dA = g adj(A)^T, from the SVD (still differentiable)
        return grad_output.unsqueeze(-1).unsqueeze(-1) * adjugate_transposed(A)


def adjugate_transposed(A: Tensor) -> Tensor:
    """adj(A)^T = d det(A) / dA for any square A (also singular), from the SVD:
    A = U S V^T gives adj(A)^T = det(U) det(V) U diag(prod_{j != i} s_j) V^T.

    Examples
    --------
    >>> import glassbox as gb
    >>> adjugate_transposed(gb.tensor([[1., 2.], [2., 4.]], dtype=gb.float64)).round()
    tensor([[ 4., -2.],
            [-2.,  1.]], dtype=glassbox.float64)
    """
    from glassbox.autograd.ops.products import products_of_the_others
    from glassbox.linalg.spectral import svd

    U, S, Vh = svd(A)
    # det(U) det(V) is +-1 and piecewise constant: no gradient
    signs = Tensor(np.linalg.det(U._data) * np.linalg.det(Vh._data))
    others = products_of_the_others(S, -1)  # (..., n): prod_{j != i} s_j
    return signs.unsqueeze(-1).unsqueeze(-1) * ((U * others.unsqueeze(-2)) @ Vh)


class LogAbsDet(Function):
    """log|det(A)| for each matrix of the batch."""

    backward_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        return np.linalg.slogdet(A._data)[1]

    @staticmethod
    def backward(ctx, grad_output):
        (A,) = ctx.saved_tensors
        # d log|det A| = tr(A^-1 dA)  =>  dL/dA = g A^-T
        return grad_output.unsqueeze(-1).unsqueeze(-1) * Inv.apply(A).mT


def inv(A: Tensor) -> Tensor:
    """The inverse A^-1 of each square matrix: A A^-1 = A^-1 A = I.

    Gradient: d(A^-1) = -A^-1 dA A^-1, so dL/dA = -A^-T (dL/dA^-1) A^-T.

    Parameters
    ----------
    A : Tensor of shape (..., n, n)

    Returns
    -------
    Tensor of shape (..., n, n)

    Raises
    ------
    RuntimeError
        When A is not a (batch of) square float matrices.
    LinAlgError
        When a matrix is singular.

    See Also
    --------
    torch.linalg.inv, solve : prefer ``solve(A, B)`` to ``inv(A) @ B``.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.inv(gb.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5 , 0.  ],
            [0.  , 0.25]])
    """
    check_square(A, "inv")
    return Inv.apply(A)


def _is_vector_right_side(A: Tensor, B: Tensor) -> bool:
    # torch's rule: B is a (batch of) vector(s) when it is 1-D, or has exactly A's
    # batch shape plus n
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """X with A X = B (or X A = B when ``left=False``), without forming A^-1.

    Gradient: dL/dB = A^-T dL/dX (a solve with A^T) and dL/dA = -(dL/dB) X^T.

    Parameters
    ----------
    A : Tensor of shape (..., n, n)
    B : Tensor of shape (..., n, k), or (..., n) / (n,) for vectors (torch's rule: a
        vector when 1-D or when its shape is A's batch shape plus n)
    left : bool, default=True

    Returns
    -------
    Tensor with B's shape (batch dimensions broadcast)

    See Also
    --------
    torch.linalg.solve

    Examples
    --------
    >>> import glassbox as gb
    >>> A = gb.tensor([[3., 1.], [1., 2.]])
    >>> gb.linalg.solve(A, gb.tensor([9., 8.]))
    tensor([2., 3.])
    """
    check_square(A, "solve")
    check_floating(B, "solve")
    if not left:
        # X A = B  <=>  A^T X^T = B^T
        return solve(A.mT, B.mT).mT
    vector = _is_vector_right_side(A, B)
    matrix_B = B.unsqueeze(-1) if vector else B  # (..., n, 1)
    n = A.shape[-1]
    if matrix_B.ndim < 2 or matrix_B.shape[-2] != n:
        rows, columns = (matrix_B.shape[-2:] if matrix_B.ndim >= 2 else (B.shape[-1], 1))
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"AX = B ({n}x{n} and {rows}x{columns})")
    try:
        np.broadcast_shapes(A.shape[:-2], matrix_B.shape[:-2])
    except ValueError:
        raise RuntimeError(f"linalg.solve: the batch dimensions of A {A.shape[:-2]} and B "
                           f"{matrix_B.shape[:-2]} cannot be broadcast together") from None
    if A.dtype != B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found "
                           f"A of type {A.dtype} and B of type {B.dtype} instead")
    X = Solve.apply(A, matrix_B)
    return X.squeeze(-1) if vector else X


def det(A: Tensor) -> Tensor:
    """The determinant of each square matrix.

    Gradient (Jacobi's formula): d det(A) = det(A) tr(A^-1 dA), so
    dL/dA = (dL/d det) det(A) A^-T; for a singular A, the transposed adjugate.

    Parameters
    ----------
    A : Tensor of shape (..., n, n)

    Returns
    -------
    Tensor of shape (...)

    See Also
    --------
    torch.linalg.det, slogdet : for large matrices, whose determinant overflows.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.det(gb.tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    check_square(A, "det")
    return Det.apply(A)


def slogdet(A: Tensor):
    """The sign and the log of the absolute value of the determinant: det = sign *
    exp(logabsdet), without overflow.

    Gradient: d log|det A| = tr(A^-1 dA), so dL/dA = (dL/d logabsdet) A^-T (the sign
    is piecewise constant: no gradient).

    Parameters
    ----------
    A : Tensor of shape (..., n, n)

    Returns
    -------
    (sign, logabsdet) : named tuple of Tensors of shape (...)

    See Also
    --------
    torch.linalg.slogdet

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.slogdet(gb.tensor([[-2., 0.], [0., 3.]]))
    slogdet(sign=tensor(-1.), logabsdet=tensor(1.7918))
    """
    check_square(A, "slogdet")
    sign = Tensor(np.asarray(np.linalg.slogdet(A._data)[0], dtype=A.dtype))
    return slogdet_result(sign, LogAbsDet.apply(A))


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,
                     unitriangular: bool = False) -> Tensor:
    """X with A X = B (X A = B when ``left=False``) for a triangular A: only its upper
    (``upper=True``) or lower triangle is read, and its diagonal is taken as ones with
    ``unitriangular``.

    Gradient: :func:`solve`'s, restricted to the triangle that was read (the other
    entries of A do not take part).

    Parameters
    ----------
    A : Tensor of shape (..., n, n)
    B : Tensor of shape (..., n, k) (``left``) or (..., k, n)
    upper : bool (keyword, required as in torch)
    left, unitriangular : bool

    See Also
    --------
    torch.linalg.solve_triangular, cholesky

    Examples
    --------
    >>> import glassbox as gb
    >>> L = gb.tensor([[2., 0.], [1., 1.]])
    >>> gb.linalg.solve_triangular(L, gb.tensor([[4.], [3.]]), upper=False)
    tensor([[2.],
            [1.]])
    """
    check_square(A, "solve_triangular")
    check_floating(B, "solve_triangular")
    if B.ndim < 2:
        raise RuntimeError(f"linalg.solve_triangular: The input tensor B must have at least "
                           f"2 dimensions; received shape {B.shape}.")
    # the triangle that is read (the rest of A plays no part, so gets no gradient)
    triangle = A.triu(1 if unitriangular else 0) if upper else A.tril(-1 if unitriangular
                                                                       else 0)
    if unitriangular:
        triangle = triangle + Tensor(np.eye(A.shape[-1], dtype=A.dtype))
    return solve(triangle, B, left=left)
