"""The Cholesky factorisation of a symmetric positive-definite matrix: A = L L^T.

L is lower triangular with a positive diagonal (``upper=True`` returns U = L^T,
A = U^T U). It is how one samples from N(mu, A) (mu + L z with z ~ N(0, I)) and solves
with A twice as fast as with a general ``solve``.

Gradient (Murray, 2016, arXiv:1602.07527, as torch computes it): differentiating
A = L L^T gives dA = dL L^T + L dL^T, and solving that for dL leads to

    dL/dA = L^-T Phi(L^T dL/dL) L^-1,   Phi(M) = (tril(M) + tril(M, -1)^T) / 2,

the lower triangle of L^T G, made symmetric with its diagonal counted once. It is
written with :func:`glassbox.linalg.solve`, so it can be differentiated again.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor
from glassbox.linalg._checks import LinAlgError, check_square

__all__ = ["cholesky", "Cholesky"]


class Cholesky(Function):
    """The lower-triangular L with A = L L^T (only A's lower triangle is read)."""

    backward_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, A):
        try:
            result = np.linalg.cholesky(A._data)
        except np.linalg.LinAlgError:
            raise _not_positive_definite(A._data) from None
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        from glassbox.linalg.inverse import solve

        (L,) = ctx.saved_tensors
        # Phi(L^T G): the lower triangle, symmetrised with the diagonal counted once
        lower = (L.mT @ grad_output).tril()
        phi = (lower + lower.tril(-1).mT) * 0.5
        # L^-T Phi L^-1, as two solves with L^T
        left = solve(L.mT, phi)
        return solve(L.mT, left.mT).mT


def _not_positive_definite(A: np.ndarray) -> LinAlgError:
    """torch's error, with the order of the first leading minor that is not positive."""
    batch = A.reshape((-1,) + A.shape[-2:])
    for index, matrix in enumerate(batch):
        for order in range(1, matrix.shape[-1] + 1):
            try:
                np.linalg.cholesky(matrix[:order, :order])
            except np.linalg.LinAlgError:
                where = f"(Batch element {index}): " if A.ndim > 2 else ""
                return LinAlgError(
                    f"linalg.cholesky: {where}The factorization could not be completed "
                    f"because the input is not positive-definite (the leading minor of "
                    f"order {order} is not positive-definite). A covariance or kernel "
                    f"matrix may need a small jitter added to its diagonal.")
    return LinAlgError("linalg.cholesky: The input is not positive-definite.")


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """L lower triangular with A = L L^T (or U = L^T with ``upper=True``), for symmetric
    positive-definite A.

    Gradient: dL/dA = L^-T Phi(L^T G) L^-1 with Phi(M) = (tril(M) + tril(M, -1)^T) / 2.

    Parameters
    ----------
    A : Tensor of shape (..., n, n)
        Symmetric positive-definite; only its lower triangle is read.
    upper : bool, default=False

    Returns
    -------
    Tensor of shape (..., n, n)

    Raises
    ------
    LinAlgError
        When a matrix is not positive-definite (naming the leading minor that fails).

    See Also
    --------
    torch.linalg.cholesky

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.cholesky(gb.tensor([[4., 2.], [2., 5.]]))
    tensor([[2., 0.],
            [1., 2.]])
    """
    check_square(A, "cholesky")
    L = Cholesky.apply(A)
    return L.mT if upper else L
