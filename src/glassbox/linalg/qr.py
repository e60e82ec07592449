"""The QR decomposition A = Q R (Q with orthonormal columns, R upper triangular):
Gram-Schmidt done stably (Householder reflections, by LAPACK through NumPy).

Gradient (torch's ``linalg_qr_backward``). For m >= n, with G_Q, G_R the gradients of
Q and R:

    X = G_R R^T - Q^T G_Q,   dL/dA = (G_Q + Q S(triu(X))) R^-T,   S(M) = M + M^T - diag(M)

(the upper triangle mirrored into a symmetric matrix). For m < n, A = [X | Y] and
R = [U | V] with X = Q U square: the square case gives dL/dX from G_Q + Y G_V^T and
G_U, and dL/dY = Q G_V.

Examples
--------
>>> import glassbox as gb
>>> A = gb.tensor([[3., 1.], [4., 2.]])
>>> Q, R = gb.linalg.qr(A)
>>> gb.allclose(Q @ R, A), gb.allclose(Q.mT @ Q, gb.eye(2), atol=1e-6)
(True, True)
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor
from glassbox.linalg._checks import check_floating

__all__ = ["qr", "QR"]

qr_result = namedtuple("qr", ["Q", "R"])


class QR(Function):
    """Packed (..., m*q + r*n): Q (m, q) and R (r, n) flattened."""

    backward_name = "LinalgQrBackward0"

    @staticmethod
    def forward(ctx, A, mode):
        Q, R = np.linalg.qr(A._data, mode="complete" if mode == "complete" else "reduced")
        if mode == "r":
            Q = np.zeros(A.shape[:-2] + (0, 0), dtype=A.dtype)
        ctx.mode, ctx.shapes = mode, (Q.shape[-2:], R.shape[-2:])
        batch = A.shape[:-2]
        packed = np.concatenate([Q.reshape(batch + (-1,)), R.reshape(batch + (-1,))], -1)
        ctx.save_for_backward(A, packed)
        return packed

    @staticmethod
    def backward(ctx, grad_output):
        A, packed = ctx.saved_tensors
        m, n = A.shape[-2:]
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not "
                               "computed when mode='r'. Please use linalg.qr(A, "
                               "mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")
        Q, R = _unpack(packed, ctx.shapes)
        grad_Q, grad_R = _unpack(grad_output, ctx.shapes)
        if m >= n:
            return _square_or_tall_backward(Q, R, grad_Q, grad_R), None
        # A = [X | Y], R = [U | V]: X = Q U is square
        from glassbox.autograd.factories import cat

        Y, U = A[..., m:], R[..., :m]
        grad_U, grad_V = grad_R[..., :m], grad_R[..., m:]
        grad_X = _square_or_tall_backward(Q, U, grad_Q + Y @ grad_V.mT, grad_U)
        return cat([grad_X, Q @ grad_V], -1), None


def _unpack(packed: Tensor, shapes) -> tuple[Tensor, Tensor]:
    (m, q), (r, n) = shapes
    batch = packed.shape[:-1]
    return (packed[..., : m * q].reshape(batch + (m, q)),
            packed[..., m * q:].reshape(batch + (r, n)))


def _square_or_tall_backward(Q: Tensor, R: Tensor, grad_Q: Tensor, grad_R: Tensor) -> Tensor:
    from glassbox.linalg.inverse import solve

    upper = (grad_R @ R.mT - Q.mT @ grad_Q).triu()
    # S(M) = M + M^T - diag(M): the upper triangle mirrored
    symmetric = upper + upper.mT - upper.diagonal(0, -2, -1).diag_embed()
    right = grad_Q + Q @ symmetric
    # right R^-T, as the solve X R^T = right
    return solve(R.mT, right, left=False)


def qr(A: Tensor, mode: str = "reduced"):
    """Q and R with A = Q R, Q with orthonormal columns and R upper triangular.

    Parameters
    ----------
    A : Tensor of shape (..., m, n)
    mode : {"reduced", "complete", "r"}, default="reduced"
        "reduced": Q (..., m, k), R (..., k, n) with k = min(m, n); "complete": Q
        (..., m, m), R (..., m, n); "r": R only (Q empty), as torch.

    Returns
    -------
    (Q, R) : named tuple of Tensors

    See Also
    --------
    torch.linalg.qr

    Examples
    --------
    >>> import glassbox as gb
    >>> Q, R = gb.linalg.qr(gb.tensor([[3., 0.], [4., 5.]]))
    >>> R.abs()                      # |R|: the signs are LAPACK's choice
    tensor([[5., 4.],
            [0., 3.]])
    """
    check_floating(A, "qr")
    if A.ndim < 2:
        raise RuntimeError(f"linalg.qr: The input tensor A must have at least 2 dimensions; "
                           f"received shape {A.shape}.")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           f"'reduced' (default), 'r', or 'complete'")
    m, n = A.shape[-2:]
    k = min(m, n)
    q_shape = (m, m) if mode == "complete" else (0, 0) if mode == "r" else (m, k)
    r_shape = (m, n) if mode == "complete" else (k, n)
    Q, R = _unpack(QR.apply(A, mode), (q_shape, r_shape))
    if mode == "r":
        Q = Tensor(np.zeros((0,), dtype=A.dtype))  # torch's empty Q
    return qr_result(Q, R)
