"""Linear algebra with gradients, the twin of ``torch.linalg``.

Every function works on (batches of) matrices (..., m, n), like torch's, and records
its gradient, each given by a formula from matrix calculus that its module spells out:

==================  ===============================  =====================================
function            computes                         gradient (dL/dA)
==================  ===============================  =====================================
:func:`inv`         A^-1                             -A^-T G A^-T
:func:`solve`       X with A X = B                   dB = A^-T G, dA = -dB X^T
:func:`det`         det(A)                           g det(A) A^-T (Jacobi's formula)
:func:`slogdet`     sign, log|det(A)|                g A^-T
:func:`eigh`        L, V with A = V diag(L) V^T      V diag(g_L) V^T + eigenvector part
:func:`svd`         U, S, Vh with A = U diag(S) Vh   U diag(g_S) Vh + singular vector part
:func:`cholesky`    L with A = L L^T                 L^-T Phi(L^T G) L^-1
:func:`matrix_exp`  e^A = sum A^k / k!               block of exp([[A^T, G], [0, A^T]])
:func:`qr`          Q, R with A = Q R                (G_Q + Q S(triu(X))) R^-T (see qr)
:func:`pinv`        A^+ = V diag(1/s) U^T            Golub-Pereyra (see least_squares)
:func:`lstsq`       A^+ B (least squares)            through A^+ and the product
:func:`vector_norm` (sum |x_i|^p)^(1/p)              sign(x) |x|^(p-1) / ||x||^(p-1)
:func:`matrix_norm` Frobenius, nuclear, 1, 2, inf    from the norms / sums / singular values
==================  ===============================  =====================================

(G is dL/d(output).) Errors are torch's: a RuntimeError for a shape or dtype that does
not fit, and :class:`LinAlgError` (a RuntimeError) for a singular matrix.

Examples
--------
Least squares by the normal equations, (X^T X) w = X^T y:

>>> import glassbox as gb
>>> X = gb.tensor([[1., 0.], [1., 1.], [1., 2.]])
>>> y = gb.tensor([1., 3., 5.])
>>> gb.linalg.solve(X.mT @ X, X.mT @ y)
tensor([1., 2.])
"""

from glassbox.autograd.tensor import Tensor
from glassbox.linalg._checks import LinAlgError
from glassbox.linalg.cholesky import cholesky
from glassbox.linalg.inverse import det, inv, slogdet, solve, solve_triangular
from glassbox.linalg.least_squares import lstsq, matrix_rank, pinv
from glassbox.linalg.matrix_functions import cond, matrix_exp
from glassbox.linalg.norms import matrix_norm, norm, vector_norm
from glassbox.linalg.products import cross, matrix_power, multi_dot, vander, vecdot
from glassbox.linalg.qr import qr
from glassbox.linalg.spectral import eigh, eigvalsh, svd, svdvals


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonal of each matrix (torch.linalg.diagonal: the last two dimensions by
    default); see :meth:`glassbox.Tensor.diagonal`.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.diagonal(gb.eye(3).expand(2, 3, 3)).shape
    glassbox.Size([2, 3])
    """
    return A.diagonal(offset, dim1, dim2)


def matmul(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The matrix product, as :func:`glassbox.matmul`.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.matmul(gb.ones(2, 3), gb.ones(3)).tolist()
    [3.0, 3.0]
    """
    return input.matmul(other)


__all__ = ["LinAlgError", "inv", "solve", "det", "slogdet", "eigh", "eigvalsh", "svd",
           "svdvals", "vector_norm", "matrix_norm", "norm", "cholesky", "pinv", "lstsq",
           "matrix_rank", "vecdot", "cross", "multi_dot", "matrix_power", "qr",
           "solve_triangular", "matrix_exp", "cond", "diagonal", "matmul", "vander"]
