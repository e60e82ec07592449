"""PCA in the course's four steps, and how to tell that a linear autoencoder found it.

Course section 5.1: "a linear autoencoder with squared error loss is equal to PCA". A
linear autoencoder reconstructs ``x_tilde = D E x`` (plus biases) with ``E`` of shape
``(k, d)`` and ``D`` of shape ``(d, k)``; its reconstructions lie in the column space of
``D``. The squared error is smallest when that space is the span of the top ``k``
eigenvectors of the data's covariance (Eckart-Young; Baldi and Hornik, 1989), though
``D`` itself is only determined up to an invertible ``k x k`` mix: the autoencoder finds
PCA's *subspace*, not its individual, ordered components.

Two subspaces are compared by their *principal angles* (:func:`principal_angles`): with
``Q_A``, ``Q_B`` orthonormal bases, the singular values of ``Q_A^T Q_B`` are the cosines of
the angles; all zero means the same subspace.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["pca_four_steps", "principal_angles", "decoder_subspace", "reconstruction_error"]


def pca_four_steps(X: Any, k: int) -> dict[str, np.ndarray]:
    """PCA as the course writes it: center, covariance, eigen-decomposition, projection.

    1. ``X' = X - mu`` (subtract each column's mean);
    2. ``S = X'^T X' / n`` (the covariance, ``d x d``);
    3. ``S w = lambda w`` (``numpy.linalg.eigh``; sorted by decreasing eigenvalue);
    4. ``Z = X' W_k`` (the codes on the first ``k`` eigenvectors).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k : int
        Number of components kept, ``1 <= k <= n_features``.

    Returns
    -------
    dict
        ``mean`` (d,), ``components`` (k, d) (rows: unit eigenvectors, each with its
        largest entry positive, as scikit-learn's ``svd_flip`` would), ``eigenvalues`` (d,)
        all of them in decreasing order (``/ n``: scikit-learn's ``explained_variance_``
        divides by ``n - 1``), ``explained_variance_ratio`` (d,), and ``codes`` (n, k).

    See Also
    --------
    glassbox.learn.decomposition.PCA, sklearn.decomposition.PCA

    Examples
    --------
    >>> X = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    >>> pca = pca_four_steps(X, k=1)
    >>> pca["components"], pca["eigenvalues"]
    (array([[1., 0.]]), array([2. , 0.5]))
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (n_samples, n_features), received shape "
                         f"{X.shape}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= X.shape[1]:
        raise ValueError(f"k must be an integer in [1, n_features={X.shape[1]}], received k={k!r}")
    mean = X.mean(axis=0)
    centered = X - mean                                   # 1. X' = X - mu
    covariance = centered.T @ centered / len(X)           # 2. S = X'^T X' / n, (d, d)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)  # 3. S w = lambda w (ascending)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, eigenvectors = eigenvalues[order], eigenvectors[:, order]
    eigenvalues = np.clip(eigenvalues, 0.0, None)         # rounding can make zeros negative
    components = eigenvectors[:, :k].T                    # (k, d)
    # NOTE: an eigenvector's sign is arbitrary; fix it so the largest |entry| is positive.
    signs = np.sign(components[np.arange(k), np.abs(components).argmax(axis=1)])
    components = components * signs[:, None]
    return {"mean": mean, "components": components, "eigenvalues": eigenvalues,
            "explained_variance_ratio": eigenvalues / eigenvalues.sum(),
            "codes": centered @ components.T}             # 4. Z = X' W_k, (n, k)


def _basis(A: np.ndarray, name: str) -> np.ndarray:
    A = np.asarray(A, dtype=np.float64)
    if A.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array whose columns span the subspace, "
                         f"received shape {A.shape}")
    Q, R = np.linalg.qr(A)
    if np.min(np.abs(np.diag(R)), initial=np.inf) <= 1e-12 * np.abs(R).max():
        raise ValueError(f"The columns of {name} must be linearly independent (a basis), "
                         f"received a rank-deficient matrix of shape {A.shape}")
    return Q


def principal_angles(A: Any, B: Any, degrees: bool = True) -> np.ndarray:
    """The principal angles between the column spaces of ``A`` and ``B``, smallest first.

    With orthonormal bases ``Q_A = qr(A)``, ``Q_B = qr(B)``, the singular values
    ``sigma_i`` of ``Q_A^T Q_B`` are ``cos(theta_i)``. For small angles, where the cosine is
    flat, the sines are used instead: they are the singular values of
    ``Q_B - Q_A Q_A^T Q_B`` (the part of B's basis outside A's span).

    Parameters
    ----------
    A : array-like of shape (n_features, p)
    B : array-like of shape (n_features, q)
    degrees : bool, default=True
        Degrees (True) or radians.

    Returns
    -------
    ndarray of shape (min(p, q),)
        In increasing order; all zero when one subspace contains the other.

    See Also
    --------
    scipy.linalg.subspace_angles : the same angles, largest first, in radians.

    Examples
    --------
    >>> A = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])   # the xy-plane
    >>> B = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])   # tilted by 45 degrees
    >>> principal_angles(A, B).round(6)
    array([ 0., 45.])
    """
    QA, QB = _basis(A, "A"), _basis(B, "B")
    if QA.shape[0] != QB.shape[0]:
        raise ValueError(f"A and B must have the same number of rows (the dimension of the "
                         f"space), received {QA.shape[0]} and {QB.shape[0]}")
    if QA.shape[1] < QB.shape[1]:
        QA, QB = QB, QA   # angles of the smaller subspace against the larger one
    cosines = np.clip(np.linalg.svd(QA.T @ QB, compute_uv=False), -1.0, 1.0)
    sines = np.linalg.svd(QB - QA @ (QA.T @ QB), compute_uv=False)
    # cosines come in decreasing order (smallest angle first), sines in decreasing order
    # (largest angle first): reverse the sines to pair them with the same angles.
    angles = np.where(cosines**2 < 0.5, np.arccos(cosines), np.arcsin(np.clip(sines[::-1],
                                                                               0.0, 1.0)))
    return np.degrees(angles) if degrees else angles


def decoder_subspace(model: Any) -> np.ndarray:
    """The column space of a linear autoencoder's decoder: its weight ``D``, ``(d, k)``.

    Works for :func:`glassbox.models.autoencoder` models of either engine with no hidden
    layer (the decoder is one ``Linear(k, d)``).

    Examples
    --------
    >>> from glassbox.models import autoencoder
    >>> decoder_subspace(autoencoder(input_dim=6, latent_dim=2)).shape
    (6, 2)
    """
    layers = list(model.decoder)
    if len(layers) != 1 or not hasattr(layers[0], "weight"):
        raise ValueError("decoder_subspace needs a linear autoencoder (hidden=() and no "
                         f"output activation), received a decoder of {len(layers)} layers")
    weight = layers[0].weight
    weight = weight.detach() if hasattr(weight, "detach") else weight
    return np.asarray(weight.numpy(), dtype=np.float64)   # (d, k)


def reconstruction_error(X: Any, X_reconstructed: Any) -> float:
    """The mean over samples of the squared error ``||x - x_tilde||^2`` (summed over features).

    Examples
    --------
    >>> reconstruction_error([[1.0, 2.0], [0.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]])
    2.5
    """
    X = np.asarray(X, dtype=np.float64)
    X_reconstructed = np.asarray(X_reconstructed, dtype=np.float64)
    if X.shape != X_reconstructed.shape:
        raise ValueError(f"X and X_reconstructed must have the same shape, received "
                         f"{X.shape} and {X_reconstructed.shape}")
    return float(((X - X_reconstructed) ** 2).reshape(len(X), -1).sum(axis=1).mean())
