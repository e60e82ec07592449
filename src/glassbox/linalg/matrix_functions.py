"""Functions of a matrix: ``matrix_exp`` (e^A = I + A + A^2/2! + ...) and ``cond`` (the
condition number ||A|| ||A^-1||).

The gradient of the matrix exponential is itself an exponential (Najfeld and Havel,
1995; torch's backward): with G = dL/d e^A,

    dL/dA = the top-right n x n block of exp([[A^T, G], [0, A^T]]),

so one Function serves the value and every order of derivative.

Examples
--------
>>> import glassbox as gb
>>> gb.linalg.matrix_exp(gb.tensor([[0., 1.], [0., 0.]]))   # I + A: A^2 = 0
tensor([[1., 1.],
        [0., 1.]])
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor
from glassbox.linalg._checks import check_floating, check_square

__all__ = ["matrix_exp", "cond", "MatrixExp"]


class MatrixExp(Function):
    """e^A for each square matrix of the batch (SciPy's Pade approximation)."""

    backward_name = "LinalgMatrixExpBackward0"

    @staticmethod
    def forward(ctx, A):
        # NOTE: imported here: scipy.linalg would add ~70 ms to every `import glassbox`
        from scipy import linalg as scipy_linalg

        ctx.save_for_backward(A)
        data = A._data
        if data.ndim == 2:
            return scipy_linalg.expm(data)
        flat = data.reshape((-1,) + data.shape[-2:])
        return np.stack([scipy_linalg.expm(m) for m in flat]).reshape(data.shape)

    @staticmethod
    def backward(ctx, grad_output):
        from glassbox.autograd.factories import cat

        (A,) = ctx.saved_tensors
        n = A.shape[-1]
        At = A.mT
        zeros = At.new_zeros(At.shape)
        # [[A^T, G], [0, A^T]]: (..., 2n, 2n)
        block = cat([cat([At, grad_output], -1), cat([zeros, At], -1)], -2)
        return MatrixExp.apply(block)[..., :n, n:]


def matrix_exp(A: Tensor) -> Tensor:
    """The matrix exponential e^A = sum_k A^k / k! of each square matrix.

    Gradient: the top-right block of exp([[A^T, G], [0, A^T]]).

    Parameters
    ----------
    A : Tensor of shape (..., n, n)

    See Also
    --------
    torch.linalg.matrix_exp

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.matrix_exp(gb.tensor([[0., 1.], [0., 0.]]))  # nilpotent: I + A
    tensor([[1., 1.],
            [0., 1.]])
    """
    check_square(A, "matrix_exp")
    return MatrixExp.apply(A)


def cond(A: Tensor, p=None) -> Tensor:
    """The condition number ||A||_p ||A^-1||_p: how much A can magnify relative errors.
    For p = None or 2, the ratio of the largest to the smallest singular value (any
    shape); -2 its inverse; "fro", "nuc", 1, -1, inf, -inf for square invertible A.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.cond(gb.tensor([[1., 0.], [0., 4.]]))
    tensor(4.)
    """
    from glassbox.linalg.inverse import inv
    from glassbox.linalg.norms import matrix_norm
    from glassbox.linalg.spectral import svdvals

    check_floating(A, "cond")
    if p is None or p in (2, -2):
        singular = svdvals(A)
        largest, smallest = singular[..., 0], singular[..., -1]
        return smallest / largest if p == -2 else largest / smallest
    check_square(A, "cond")
    return matrix_norm(A, p) * matrix_norm(inv(A), p)
