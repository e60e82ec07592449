"""Eigen-decomposition of symmetric matrices and the singular value decomposition:
``eigh``, ``eigvalsh``, ``svd``, ``svdvals``.

Eigenvalues (A = V diag(L) V^T, V orthogonal, L ascending). A small change dA moves
eigenvalue i by v_i^T dA v_i (first-order perturbation theory), so

    dL/dA = V diag(dL/dL_i) V^T.

The eigenvectors move too: dv_i = sum_{j != i} v_j (v_j^T dA v_i) / (L_i - L_j), which
gives dL/dA = V (F o skew(V^T dL/dV) / 2) V^T with F_ij = 1 / (L_j - L_i) (torch's
formula; it divides by the gaps between eigenvalues, so it is undefined for repeated
ones).

Singular values (A = U diag(S) V^T): ds_i = u_i^T dA v_i, so dL/dA = U diag(dL/dS) V^T;
the singular vectors' part follows the same pattern with the gaps s_j^2 - s_i^2.

A Function has one output: the eigenvalues and eigenvectors (or U, S and V^T) travel
as one array, packed and unpacked by the public functions, so that one decomposition
serves both and the backward receives every gradient at once.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor
from glassbox.linalg._checks import check_floating, check_square

__all__ = ["eigh", "eigvalsh", "svd", "svdvals", "Eigh", "SvdVals", "Svd"]

eigh_result = namedtuple("eigh", ["eigenvalues", "eigenvectors"])
svd_result = namedtuple("svd", ["U", "S", "Vh"])


def _skew(M: Tensor) -> Tensor:
    return M - M.mT


def _gaps(values: Tensor) -> Tensor:
    """E_ij = values_j - values_i, with 1 on the diagonal (never divided by there)."""
    gaps = values.unsqueeze(-2) - values.unsqueeze(-1)
    eye = np.eye(values.shape[-1], dtype=np.bool_)
    return gaps.where(Tensor(~eye), 1.0)


class Eigh(Function):
    """Packed (..., n + 1, n): row 0 the eigenvalues (ascending), rows 1.. the
    eigenvectors (as columns) of the symmetric A (its lower triangle is read)."""

    backward_name = "LinalgEighBackward0"

    @staticmethod
    def forward(ctx, A, uplo):
        values, vectors = np.linalg.eigh(A._data, UPLO=uplo)
        packed = np.concatenate([values[..., None, :], vectors], axis=-2)
        ctx.save_for_backward(packed)
        return packed

    @staticmethod
    def backward(ctx, grad_output):
        (packed,) = ctx.saved_tensors
        values, V = packed[..., 0, :], packed[..., 1:, :]
        grad_values, grad_V = grad_output[..., 0, :], grad_output[..., 1:, :]
        # eigenvalues: dL/dA = V diag(dL/dL_i) V^T
        inner = grad_values.diag_embed()
        if np.any(grad_V._data):
            # eigenvectors: V (skew(V^T dL/dV) / 2 / E) V^T, E_ij = L_j - L_i
            inner = inner + _skew(V.mT @ grad_V) * 0.5 / _gaps(values)
        return V @ inner @ V.mT, None


class SvdVals(Function):
    """The singular values of A, descending."""

    backward_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        return np.linalg.svd(A._data, compute_uv=False)

    @staticmethod
    def backward(ctx, grad_output):
        (A,) = ctx.saved_tensors
        U, _, Vh = svd(A, full_matrices=False)  # differentiable again under create_graph
        # ds_i = u_i^T dA v_i  =>  dL/dA = U diag(dL/dS) V^T
        return (U * grad_output.unsqueeze(-2)) @ Vh


class Svd(Function):
    """Packed (..., m*r + k + r*n): U (m, r), S (k) and Vh (r', n) flattened, k = min(m, n)
    (r = m, r' = n with ``full_matrices``, else k)."""

    backward_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, A, full_matrices):
        U, S, Vh = np.linalg.svd(A._data, full_matrices=full_matrices)
        ctx.shapes = (U.shape[-2:], S.shape[-1], Vh.shape[-2:])
        batch = A.shape[:-2]
        packed = np.concatenate([U.reshape(batch + (-1,)), S, Vh.reshape(batch + (-1,))], -1)
        ctx.save_for_backward(packed)
        return packed

    @staticmethod
    def backward(ctx, grad_output):
        (packed,) = ctx.saved_tensors
        U, S, Vh = _unpack_svd(packed, ctx.shapes)
        gU, gS, gVh = _unpack_svd(grad_output, ctx.shapes)
        k = S.shape[-1]
        # NOTE: with full_matrices, only the first k columns of U (rows of Vh) are defined
        # by A; the others are any basis of the rest, so their gradients are ignored (torch)
        U, gU, Vh, gVh = U[..., :k], gU[..., :k], Vh[..., :k, :], gVh[..., :k, :]
        return _svd_backward(U, S, Vh, gU, gS, gVh), None


def _unpack_svd(packed: Tensor, shapes) -> tuple[Tensor, Tensor, Tensor]:
    (m, r), k, (r2, n) = shapes
    batch = packed.shape[:-1]
    U = packed[..., : m * r].reshape(batch + (m, r))
    S = packed[..., m * r: m * r + k]
    Vh = packed[..., m * r + k:].reshape(batch + (r2, n))
    return U, S, Vh


def _svd_backward(U, S, Vh, gU, gS, gVh) -> Tensor:
    """torch's svd_backward (real case) for the reduced SVD A = U diag(S) Vh."""
    m, n = U.shape[-2], Vh.shape[-1]
    use_U, use_V = bool(np.any(gU._data)), bool(np.any(gVh._data))
    # the singular values: ds_i = u_i^T dA v_i
    inner = gS.diag_embed()
    if use_U or use_V:
        squares = S * S
        gaps = _gaps(squares)  # E_ij = s_j^2 - s_i^2
        if use_U:
            inner = inner + _skew(U.mT @ gU) * S.unsqueeze(-2) / gaps
        if use_V:
            inner = inner + S.unsqueeze(-1) * _skew(Vh @ gVh.mT) / gaps
    if m > n and use_U:
        # the part of gU outside the span of U: (I - U U^T) gU S^-1
        outside = gU / S.unsqueeze(-2)
        return (U @ inner + outside - U @ (U.mT @ outside)) @ Vh
    if m < n and use_V:
        outside = gVh / S.unsqueeze(-1)
        return U @ (inner @ Vh + outside - (outside @ Vh.mT) @ Vh)
    return U @ inner @ Vh


def eigh(A: Tensor, UPLO: str = "L"):  # noqa: N803 (torch's name)
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices: A = V diag(L) V^T.

    Only the lower triangle (``UPLO="L"``) or the upper one (``"U"``) is read.
    Gradient: dL/dA = V diag(dL/dL_i) V^T for the eigenvalues; the eigenvectors' part
    divides by the gaps L_j - L_i (undefined for repeated eigenvalues). Each eigenvector
    is defined up to its sign: compare V V^T or |V|, not V.

    Parameters
    ----------
    A : Tensor of shape (..., n, n)
    UPLO : {"L", "U"}, default="L"

    Returns
    -------
    (eigenvalues, eigenvectors) : named tuple of Tensors (..., n) and (..., n, n)
        The eigenvectors are the columns: ``A @ V[..., :, i] = L[..., i] V[..., :, i]``.

    See Also
    --------
    torch.linalg.eigh

    Examples
    --------
    >>> import glassbox as gb
    >>> values, vectors = gb.linalg.eigh(gb.tensor([[2., 1.], [1., 2.]]))
    >>> values
    tensor([1., 3.])
    >>> (vectors @ values.diag() @ vectors.mT).round()
    tensor([[2., 1.],
            [1., 2.]])
    """
    check_square(A, "eigh")
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    packed = Eigh.apply(A, UPLO)
    return eigh_result(packed[..., 0, :], packed[..., 1:, :])


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803
    """The eigenvalues (ascending) of symmetric matrices; see :func:`eigh`.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.eigvalsh(gb.tensor([[2., 1.], [1., 2.]]))
    tensor([1., 3.])
    """
    return eigh(A, UPLO).eigenvalues


def svdvals(A: Tensor) -> Tensor:
    """The singular values of each matrix, descending.

    Gradient: ds_i = u_i^T dA v_i, so dL/dA = U diag(dL/dS) V^T.

    Parameters
    ----------
    A : Tensor of shape (..., m, n)

    Returns
    -------
    Tensor of shape (..., min(m, n))

    See Also
    --------
    torch.linalg.svdvals

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.svdvals(gb.tensor([[3., 0.], [0., -4.]]))
    tensor([4., 3.])
    """
    check_floating(A, "svdvals")
    _check_matrix(A, "svdvals")
    return SvdVals.apply(A)


def _check_matrix(A: Tensor, name: str) -> None:
    if A.ndim < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 "
                           f"dimensions; received shape {A.shape}.")


def svd(A: Tensor, full_matrices: bool = True):
    """The singular value decomposition A = U diag(S) Vh (U, Vh with orthonormal columns
    / rows, S >= 0 descending).

    Gradient: torch's formula (singular values: U diag(dL/dS) Vh; the singular vectors'
    part divides by the gaps s_j^2 - s_i^2). With ``full_matrices`` the extra columns of
    U (rows of Vh) are any basis of the rest of the space: their gradients are ignored,
    as in torch. Each pair (u_i, v_i) is defined up to a common sign.

    Parameters
    ----------
    A : Tensor of shape (..., m, n)
    full_matrices : bool, default=True
        U is (..., m, m) and Vh (..., n, n) when True; (..., m, k) and (..., k, n) with
        k = min(m, n) when False.

    Returns
    -------
    (U, S, Vh) : named tuple of Tensors

    See Also
    --------
    torch.linalg.svd

    Examples
    --------
    >>> import glassbox as gb
    >>> A = gb.tensor([[3., 0.], [0., -4.], [0., 0.]])
    >>> U, S, Vh = gb.linalg.svd(A, full_matrices=False)
    >>> S
    tensor([4., 3.])
    >>> gb.allclose(U @ S.diag() @ Vh, A)
    True
    """
    check_floating(A, "svd")
    _check_matrix(A, "svd")
    m, n = A.shape[-2:]
    k = min(m, n)
    r, r2 = (m, n) if full_matrices else (k, k)
    packed = Svd.apply(A, bool(full_matrices))
    return svd_result(*_unpack_svd(packed, ((m, r), k, (r2, n))))
