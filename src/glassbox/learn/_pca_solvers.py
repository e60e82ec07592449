"""PCA beyond the four steps: approximate SVDs for a few components, and Minka's MLE.

:func:`glassbox.learn.decomposition.pca_four_steps` is PCA as taught (exact
eigenvectors of the covariance). When only ``k`` of many components are wanted,
scikit-learn can approximate them instead, and :class:`~glassbox.learn.decomposition.PCA`
does the same, drawing the same random numbers so that the results agree:

- :func:`randomized_svd` (Halko, Martinsson & Tropp, 2011): multiply the data by a random
  Gaussian matrix of ``k + n_oversamples`` columns, sharpen with a few power iterations
  ``(X Xᵀ)^q X Ω``, orthonormalise (QR) into ``Q``, whose columns span nearly the top
  ``k`` singular vectors; then the exact SVD of the small matrix ``Qᵀ X``;
- :func:`arpack_svd`: scipy's ARPACK (Lanczos iterations) for the top ``k`` triplets;
- :func:`infer_dimension`: ``n_components="mle"``, the rank of highest evidence under
  Minka's probabilistic PCA model (Minka, *Automatic choice of dimensionality for PCA*,
  NIPS 2000).
"""

from __future__ import annotations

from math import lgamma, log

import numpy as np
from scipy import linalg


def randomized_svd(M, n_components, *, n_oversamples, n_iter, power_iteration_normalizer,
                   random_state):  # fmt: skip
    """Approximate top ``n_components`` SVD ``(U, S, Vt)`` of ``M``, as scikit-learn's.

    ``n_iter="auto"``: 7 power iterations when ``n_components < 0.1 min(M.shape)``, else
    4. ``power_iteration_normalizer="auto"``: no normalisation for at most 2 iterations,
    else an LU factor after each product (keeps the columns from collapsing onto the top
    singular vector). A wide ``M`` is handled through its transpose. Signs are not fixed.
    """
    n_random = n_components + n_oversamples
    if n_iter == "auto":
        n_iter = 7 if n_components < 0.1 * min(M.shape) else 4
    transpose = M.shape[0] < M.shape[1]
    if transpose:
        M = M.T
    Q = random_state.normal(size=(M.shape[1], n_random))  # Ω: (n_features, k + p)
    if M.dtype == np.float32:
        Q = Q.astype(np.float32)
    normalizer = power_iteration_normalizer
    if normalizer == "auto":
        normalizer = "none" if n_iter <= 2 else "LU"
    for _ in range(n_iter):
        Q = _normalized(M @ Q, normalizer)  # (n_samples, k + p)
        Q = _normalized(M.T @ Q, normalizer)  # (n_features, k + p)
    Q, _ = linalg.qr(M @ Q, mode="economic", check_finite=False)  # orthonormal basis
    B = Q.T @ M  # (k + p, n_features): M projected on the basis
    U_small, S, Vt = linalg.svd(B, full_matrices=False, lapack_driver="gesdd")
    U = Q @ U_small
    k = n_components
    if transpose:
        return Vt[:k].T, S[:k], U[:, :k].T
    return U[:, :k], S[:k], Vt[:k]


def _normalized(A, normalizer):
    if normalizer == "LU":
        return linalg.lu(A, permute_l=True, check_finite=False)[0]
    if normalizer == "QR":
        return linalg.qr(A, mode="economic", check_finite=False)[0]
    return A


def arpack_svd(M, n_components, *, tol, random_state):
    """Top ``n_components`` SVD ``(U, S, Vt)`` by ARPACK, largest first, as scikit-learn's.

    The starting vector is scikit-learn's: uniform in [-1, 1] from ``random_state``.
    """
    from scipy.sparse.linalg import svds

    v0 = random_state.uniform(-1, 1, min(M.shape))
    U, S, Vt = svds(M, k=n_components, tol=tol, v0=v0)
    return U[:, ::-1], S[::-1], Vt[::-1]  # svds returns increasing singular values


def infer_dimension(spectrum, n_samples):
    """The rank ``k`` in ``1 .. n_features - 1`` of highest Minka evidence.

    ``spectrum`` holds the covariance's eigenvalues, decreasing (``explained_variance``).
    """
    log_likelihood = np.full(len(spectrum), -np.inf)  # rank 0 is never chosen
    for rank in range(1, len(spectrum)):
        log_likelihood[rank] = _log_evidence(spectrum, rank, n_samples)
    return int(np.argmax(log_likelihood))


def _log_evidence(spectrum, rank, n_samples):
    """Minka's Laplace approximation of ``log p(X | rank)`` (his equation 30).

    The model: ``rank`` principal directions with their own variances, the remaining
    ``n_features - rank`` sharing one noise variance ``v`` (their mean eigenvalue).
    Terms as in scikit-learn's ``_assess_dimension``, in the same order.
    """
    n_features = len(spectrum)
    eps = 1e-15
    if spectrum[rank - 1] < eps:  # a rank that keeps a zero eigenvalue: never the best
        return -np.inf
    # p(U): the uniform prior on the Stiefel manifold of rank orthonormal directions
    p_u = -rank * log(2.0)
    for i in range(1, rank + 1):
        p_u += lgamma((n_features - i + 1) / 2.0) - log(np.pi) * (n_features - i + 1) / 2.0
    p_l = -np.sum(np.log(spectrum[:rank])) * n_samples / 2.0  # the kept variances
    v = max(eps, np.sum(spectrum[rank:]) / (n_features - rank))  # the noise variance
    p_v = -log(v) * n_samples * (n_features - rank) / 2.0
    m = n_features * rank - rank * (rank + 1.0) / 2.0  # free parameters of U
    p_p = log(2.0 * np.pi) * (m + rank) / 2.0
    # the determinant of the Hessian (the Laplace approximation's volume)
    spectrum_ = spectrum.copy()
    spectrum_[rank:] = v
    p_a = 0.0
    for i in range(rank):
        for j in range(i + 1, n_features):
            p_a += log((spectrum[i] - spectrum[j]) * (1.0 / spectrum_[j] - 1.0 / spectrum_[i])
                       ) + log(n_samples)
    return p_u + p_l + p_v + p_p - p_a / 2.0 - rank * log(n_samples) / 2.0
