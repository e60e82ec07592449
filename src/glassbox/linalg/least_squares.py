"""Least squares and the pseudo-inverse: ``pinv``, ``lstsq``, ``matrix_rank``.

The pseudo-inverse A^+ comes from the SVD A = U diag(s) V^T: A^+ = V diag(1/s_i) U^T,
keeping only the singular values above a tolerance (the others are treated as 0:
that is what "rank" means numerically). x = A^+ b is the least-squares solution of
A x = b with the smallest norm: for a tall A of full column rank it equals the normal
equations' (A^T A)^-1 A^T b, for a wide A it is the shortest of the exact solutions.

Gradient of P = A^+ (Golub and Pereyra, 1973; torch's ``pinv_backward``): from
dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P, with G = dL/dP,

    dL/dA = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A),

exact where the rank does not change. ``lstsq``'s solution is A^+ B, so its gradient
follows from this one and from the product.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor
from glassbox.linalg._checks import check_floating

__all__ = ["pinv", "lstsq", "matrix_rank", "Pinv"]

lstsq_result = namedtuple("lstsq", ["solution", "residuals", "rank", "singular_values"])


def _check_matrix(A: Tensor, name: str) -> None:
    check_floating(A, name)
    if A.ndim < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 "
                           f"dimensions; received shape {A.shape}.")


def _cutoff(singular: np.ndarray, shape: tuple[int, ...], dtype, atol, rtol) -> np.ndarray:
    """max(atol, rtol * s_max) per matrix, torch's rule: rtol defaults to
    eps * max(m, n) when neither tolerance is given, to 0 when only atol is."""
    if rtol is None:
        rtol = np.finfo(dtype).eps * max(shape[-2:]) if atol is None else 0.0
    largest = singular.max(axis=-1, initial=0.0)
    return np.maximum(0.0 if atol is None else atol, rtol * largest)


class Pinv(Function):
    """A^+ = V diag(1/s_i) U^T over the singular values above the tolerance."""

    backward_name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx, A, atol, rtol):
        U, s, Vh = np.linalg.svd(A._data, full_matrices=False)
        kept = s > _cutoff(s, A.shape, A.dtype, atol, rtol)[..., None]
        inverse_s = np.where(kept, 1 / np.where(kept, s, 1), 0).astype(A.dtype)
        result = np.swapaxes(Vh, -1, -2) @ (inverse_s[..., :, None] * np.swapaxes(U, -1, -2))
        ctx.save_for_backward(A, result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        A, pinv_A = ctx.saved_tensors
        return _pinv_backward(grad_output, pinv_A, A), None, None


def _pinv_backward(grad: Tensor, pinv_A: Tensor, A: Tensor) -> Tensor:
    """torch's pinv_backward (real case): the Golub-Pereyra derivative of A^+, with the
    products ordered so that the intermediate matrices are the smallest."""
    m, n = A.shape[-2:]
    pinv_At, grad_t = pinv_A.mT, grad.mT
    if m <= n:
        K = grad_t @ pinv_A
        K_pinv_At = K @ pinv_At
        return (-(pinv_A @ K).mT + K_pinv_At - (A @ pinv_A) @ K_pinv_At
                + (pinv_At @ pinv_A) @ (grad_t - K @ A))
    K = pinv_A @ grad_t
    pinv_At_K = pinv_At @ K
    return (-(K @ pinv_A).mT + ((grad_t - A @ K) @ pinv_A) @ pinv_At + pinv_At_K
            - (pinv_At_K @ pinv_A) @ A)


def pinv(A: Tensor, *, atol: float | None = None, rtol: float | None = None,
         hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse A^+ = V diag(1/s_i) U^T (singular values at or
    below max(atol, rtol * s_max) count as 0).

    Parameters
    ----------
    A : Tensor of shape (..., m, n)
    atol, rtol : float, optional
        Tolerances; by default rtol = eps * max(m, n), as torch.
    hermitian : bool, default=False
        Accepted for torch's signature (the SVD is used either way).

    Returns
    -------
    Tensor of shape (..., n, m)

    See Also
    --------
    torch.linalg.pinv, lstsq

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.pinv(gb.tensor([[1., 0.], [0., 2.], [0., 0.]]))
    tensor([[1. , 0. , 0. ],
            [0. , 0.5, 0. ]])
    """
    _check_matrix(A, "pinv")
    return Pinv.apply(A, atol, rtol)


def matrix_rank(A: Tensor, *, atol: float | None = None, rtol: float | None = None,
                hermitian: bool = False) -> Tensor:
    """The numerical rank: how many singular values are above max(atol, rtol * s_max).

    Parameters
    ----------
    A : Tensor of shape (..., m, n)
    atol, rtol : float, optional
        By default rtol = eps * max(m, n), as torch.
    hermitian : bool, default=False

    Returns
    -------
    int64 Tensor of shape (...)

    See Also
    --------
    torch.linalg.matrix_rank

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.matrix_rank(gb.tensor([[1., 2.], [2., 4.]]))
    tensor(1)
    """
    _check_matrix(A, "matrix_rank")
    singular = np.linalg.svd(A._data, compute_uv=False)
    cutoff = _cutoff(singular, A.shape, A.dtype, atol, rtol)
    return Tensor(np.asarray((singular > cutoff[..., None]).sum(-1), dtype=np.int64))


def lstsq(A: Tensor, B: Tensor, rcond: float | None = None, *, driver: str | None = None):
    """The least-squares solution X minimising ||A X - B|| (the shortest one when A is
    rank deficient): X = A^+ B.

    Returns torch's CPU result for its default driver ``"gelsy"``: the solution and the
    rank; ``residuals`` and ``singular_values`` are empty, as there.

    Parameters
    ----------
    A : Tensor of shape (..., m, n)
    B : Tensor of shape (..., m, k), or (..., m) (one dimension fewer than A)
    rcond : float, optional
        Singular values below rcond * s_max count as 0; default eps * max(m, n).
    driver : {None, "gelsy"}, optional

    Returns
    -------
    (solution, residuals, rank, singular_values) : named tuple
        solution (..., n, k) (or (..., n)), rank an int64 Tensor of shape (...).

    See Also
    --------
    torch.linalg.lstsq, solve : the normal equations, when A^T A is well conditioned.

    Examples
    --------
    >>> import glassbox as gb
    >>> X = gb.tensor([[1., 0.], [1., 1.], [1., 2.]])
    >>> fit = gb.linalg.lstsq(X, gb.tensor([[1.], [3.], [5.]]))
    >>> gb.allclose(fit.solution, gb.tensor([[1.], [2.]]), atol=1e-5), fit.rank
    (True, tensor(2))
    """
    _check_matrix(A, "lstsq")
    check_floating(B, "lstsq")
    if driver not in (None, "gelsy"):
        raise NotImplementedError(f"glassbox's linalg.lstsq implements torch's default CPU "
                                  f"driver 'gelsy' only; received driver={driver!r}")
    if not (A.ndim >= B.ndim and A.ndim - B.ndim <= 1):
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to "
                           "other.dim() and (input.dim() - other.dim()) <= 1")
    vector = B.ndim == A.ndim - 1
    matrix_B = B.unsqueeze(-1) if vector else B  # (..., m, k)
    if matrix_B.shape[-2] != A.shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match "
                           f"other.size(-2); received A of shape {A.shape} and B of shape "
                           f"{B.shape}")
    if A.dtype != B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same "
                           f"dtype, but got input's dtype {A.dtype} and other's dtype "
                           f"{B.dtype}")
    solution = Pinv.apply(A, None, rcond) @ matrix_B
    empty = Tensor(np.zeros((0,), dtype=A.dtype))
    rank = matrix_rank(A, rtol=rcond)
    return lstsq_result(solution.squeeze(-1) if vector else solution, empty, rank, empty)
