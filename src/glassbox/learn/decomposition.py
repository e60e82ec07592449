"""Principal component analysis: the directions along which centred data varies most.

Centre the data, ``Xc = X - mean``. The principal axes are the right singular vectors of
``Xc = U S Vᵀ``, equivalently the eigenvectors of the covariance ``Xcᵀ Xc / (n - 1)``; the
variance along axis ``i`` is ``S_i² / (n - 1)``, its eigenvalue. Two routes compute them:

- ``"full"``: the SVD of the centred ``(n_samples, n_features)`` matrix;
- ``"covariance_eigh"``: the eigendecomposition of the small ``(n_features, n_features)``
  covariance, much faster when ``n_samples >> n_features`` (one matrix product ``XᵀX``
  then an eigensolver on a tiny matrix), at the price of squaring the condition number.

For a few components of a big matrix, ``"randomized"`` and ``"arpack"`` approximate the
top singular vectors instead (``glassbox.learn._pca_solvers``, as scikit-learn's), and
``n_components="mle"`` chooses the dimension by Minka's evidence.

The twin is :class:`sklearn.decomposition.PCA`.
"""

from numbers import Integral, Real

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from glassbox.learn._pca_solvers import arpack_svd, infer_dimension, randomized_svd

__all__ = ["PCA", "pca_four_steps"]


def pca_four_steps(X, n_components):
    """PCA as the course teaches it, in four steps.

    1. centre: ``Xc = X - mean``;
    2. covariance: ``C = Xcᵀ Xc / (n - 1)``;
    3. eigenvectors of ``C``, sorted by decreasing eigenvalue (the variance along each);
    4. project: ``Xc @ V[:, :k]``.

    :class:`PCA` computes the same axes (by SVD, or this eigendecomposition when it is
    cheaper) and fixes each axis's sign as scikit-learn does; here each axis's
    largest-magnitude entry is made positive the same way, so the results agree.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    n_components : int

    Returns
    -------
    projected : ndarray of shape (n_samples, n_components)
    components : ndarray of shape (n_components, n_features)
    variances : ndarray of shape (n_components,)

    Examples
    --------
    >>> import numpy as np
    >>> from glassbox.learn.decomposition import pca_four_steps
    >>> X = np.array([[-1.0, -1.0], [-2.0, -1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> projected, components, variances = pca_four_steps(X, 1)
    >>> components.round(3), variances.round(3)
    (array([[0.851, 0.526]]), array([4.569]))
    """
    centred = X - X.mean(axis=0)  # 1. centre
    covariance = centred.T @ centred / (X.shape[0] - 1)  # 2. (n_features, n_features)
    variances, vectors = np.linalg.eigh(covariance)  # 3. increasing eigenvalues
    order = np.argsort(variances)[::-1][:n_components]
    components = vectors[:, order].T  # (n_components, n_features), rows = axes
    # an eigenvector's sign is arbitrary: make its largest entry positive (sklearn's rule)
    largest = np.argmax(np.abs(components), axis=1)
    components *= np.sign(components[np.arange(len(components)), largest])[:, None]
    return centred @ components.T, components, variances[order]  # 4. project


def _flip_signs_by_components(components, U=None):
    """Make each component's largest-magnitude loading positive (scikit-learn's convention).

    An eigenvector is only defined up to its sign, so two correct solvers may disagree.
    scikit-learn (``svd_flip(U, Vt, u_based_decision=False)``) fixes the sign of row ``i``
    of ``Vt`` so that its entry of largest absolute value is positive, and flips column
    ``i`` of ``U`` with it so that ``U S Vt`` is unchanged.
    """
    largest = np.argmax(np.abs(components), axis=1)  # (n_components,)
    signs = np.sign(components[np.arange(components.shape[0]), largest])
    components *= signs[:, np.newaxis]
    if U is not None:
        U *= signs[np.newaxis, :]
    return components, U


class PCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Principal component analysis by SVD or covariance eigendecomposition.

    The algorithm as taught, on one screen: :func:`pca_four_steps`.

    Projects centred data on the ``k`` orthonormal directions of largest variance:
    ``transform(X) = (X - mean_) @ components_.T``, divided by
    ``sqrt(explained_variance_)`` when ``whiten=True``.

    Parameters
    ----------
    n_components : int, float, "mle" or None, default=None
        int: number of components kept, ``0 <= k <= min(n_samples, n_features)``.
        float in (0, 1): keep the fewest components whose explained-variance ratios add
        up to more than this fraction. ``"mle"``: Minka's choice of dimension (exact
        solvers, ``n_samples >= n_features``). None: keep ``min(n_samples, n_features)``
        (one less with ``"arpack"``).
    copy : bool, default=True
        If False, ``fit`` may centre X in place (the "full" route).
    whiten : bool, default=False
        Divide the projections by their standard deviation so each has unit variance.
    svd_solver : {"auto", "full", "covariance_eigh", "randomized", "arpack"}, default="auto"
        ``"full"``: exact SVD of the centred data; ``"covariance_eigh"``: exact
        eigenvectors of the covariance; ``"randomized"``, ``"arpack"``: approximate top
        components (see ``glassbox.learn._pca_solvers``). ``"auto"``:
        scikit-learn's choice: ``"covariance_eigh"`` when ``n_features <= 1000`` and
        ``n_samples >= 10 * n_features``; else ``"full"`` for data of at most 500 rows
        and columns (or ``n_components="mle"``); else ``"randomized"`` for an integer
        ``n_components < 0.8 * min(n_samples, n_features)`` (set ``random_state`` for a
        repeatable result, or ask for ``"full"`` for the exact components); else ``"full"``.
    tol : float, default=0.0
        Tolerance of ``"arpack"``.
    iterated_power : int or "auto", default="auto"
        Power iterations of ``"randomized"`` (auto: 7 for few components, else 4).
    n_oversamples : int, default=10
        Extra random directions of ``"randomized"``.
    power_iteration_normalizer : {"auto", "QR", "LU", "none"}, default="auto"
        How ``"randomized"`` re-normalises between power iterations.
    random_state : int, RandomState instance or None, default=None
        Seeds ``"randomized"`` and ``"arpack"``; the same seed gives scikit-learn's result.

    Attributes
    ----------
    components_ : ndarray of shape (n_components_, n_features)
        Principal axes, orthonormal rows sorted by decreasing variance; the entry of
        largest magnitude of each row is positive.
    explained_variance_ : ndarray of shape (n_components_,)
        Variance along each axis, ``S² / (n_samples - 1)``.
    explained_variance_ratio_ : ndarray of shape (n_components_,)
        Share of the total variance along each axis.
    singular_values_ : ndarray of shape (n_components_,)
        Singular values ``S`` of the centred data.
    mean_ : ndarray of shape (n_features,)
        Per-feature mean of the training data.
    n_components_ : int
        Number of components kept.
    noise_variance_ : float
        Mean of the discarded variances (probabilistic PCA's noise), 0 if none.
    n_samples_ : int
        Number of training samples.
    n_features_in_ : int
        Number of features seen in ``fit``.

    See Also
    --------
    sklearn.decomposition.PCA : the twin.

    Examples
    --------
    >>> import numpy as np
    >>> from glassbox.learn.decomposition import PCA
    >>> X = np.array([[-1.0, -1.0], [-2.0, -1.0], [-3.0, -2.0],
    ...               [1.0, 1.0], [2.0, 1.0], [3.0, 2.0]])
    >>> pca = PCA(n_components=2).fit(X)
    >>> pca.explained_variance_ratio_
    array([0.9924..., 0.0075...])
    >>> pca.components_
    array([[ 0.838...,  0.544...],
           [-0.544...,  0.838...]])
    >>> PCA(n_components=0.95).fit(X).n_components_
    1
    """

    _parameter_constraints: dict = {
        "n_components": [
            Interval(Integral, 0, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="neither"),
            StrOptions({"mle"}),
            None,
        ],
        "copy": ["boolean"],
        "whiten": ["boolean"],
        "svd_solver": [StrOptions({"auto", "full", "covariance_eigh", "arpack", "randomized"})],
        "tol": [Interval(Real, 0, None, closed="left")],
        "iterated_power": [StrOptions({"auto"}), Interval(Integral, 0, None, closed="left")],
        "n_oversamples": [Interval(Integral, 1, None, closed="left")],
        "power_iteration_normalizer": [StrOptions({"auto", "QR", "LU", "none"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components=None,
        *,
        copy=True,
        whiten=False,
        svd_solver="auto",
        tol=0.0,
        iterated_power="auto",
        n_oversamples=10,
        power_iteration_normalizer="auto",
        random_state=None,
    ):
        self.n_components = n_components
        self.copy = copy
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.tol = tol
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state

    def fit(self, X, y=None):
        """Find the principal axes of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (float32 stays float32).
        y : None
            Ignored.

        Returns
        -------
        self : PCA
            The fitted transformer.
        """
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit, then project X on the axes found.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components_)
            Projections; with the "full" route they come from ``U S`` (``U`` times
            ``sqrt(n_samples - 1)`` when whitening) without a second product.
        """
        U, S, X = self._fit(X)
        if U is None:  # the covariance route has no U
            return self._project(X)
        U = U[:, : self.n_components_]
        if self.whiten:
            # X V / sqrt(S² / (n - 1)) = U S / S * sqrt(n - 1)
            U *= np.sqrt(X.shape[0] - 1)
        else:
            # X V = U S Vᵀ V = U S
            U *= S[: self.n_components_]
        return U

    def _fit(self, X):
        """Compute mean, axes and variances; return ``(U or None, S, X)``."""
        self._validate_params()
        X = validate_data(self, X, dtype=[np.float64, np.float32], copy=False)
        n_samples, n_features = X.shape

        solver = self.svd_solver
        n_components = self.n_components
        if n_components is None:
            n_components = min(n_samples, n_features) - (solver == "arpack")
        if solver == "auto":  # scikit-learn's choice
            if n_features <= 1_000 and n_samples >= 10 * n_features:
                solver = "covariance_eigh"  # tall and skinny: the covariance is small
            elif max(n_samples, n_features) <= 500 or n_components == "mle":
                solver = "full"  # small: the exact SVD is cheap
            elif 1 <= n_components < 0.8 * min(n_samples, n_features):
                solver = "randomized"  # a few components of a big matrix
            else:
                solver = "full"
        self._fit_svd_solver = solver
        if solver in ("arpack", "randomized"):
            return self._fit_truncated(X, n_components, solver)

        if n_components == "mle":
            if n_samples < n_features:
                raise ValueError(
                    "n_components='mle' is only supported if n_samples >= n_features"
                )
        elif not 0 < n_components < 1 and not n_components <= min(n_samples, n_features):
            raise ValueError(
                f"n_components={n_components} must be between 0 and "
                f"min(n_samples, n_features)={min(n_samples, n_features)} with "
                f"svd_solver={solver!r}. Lower n_components or pass more samples."
            )

        self.mean_ = np.mean(X, axis=0)
        U = None
        if solver == "full":
            X_centered = X.copy() if self.copy else X
            X_centered -= self.mean_
            U, S, Vt = linalg.svd(X_centered, full_matrices=False)
            explained_variance = S**2 / (n_samples - 1)
        else:
            # Xcᵀ Xc = Xᵀ X - n mean meanᵀ: centre the small Gram matrix, not the data
            covariance = X.T @ X  # (n_features, n_features)
            covariance -= n_samples * self.mean_[:, np.newaxis] * self.mean_[np.newaxis, :]
            covariance /= n_samples - 1
            eigenvalues, eigenvectors = np.linalg.eigh(covariance)  # increasing order
            eigenvalues = eigenvalues[::-1]
            Vt = eigenvectors[:, ::-1].T  # rows = axes, by decreasing variance
            # rounding can leave tiny negative eigenvalues of a semi-definite matrix
            eigenvalues[eigenvalues < 0.0] = 0.0
            explained_variance = eigenvalues
            S = np.sqrt(eigenvalues * (n_samples - 1))

        Vt, U = _flip_signs_by_components(Vt, U)
        total_variance = np.sum(explained_variance)
        explained_variance_ratio = explained_variance / total_variance

        if n_components == "mle":
            n_components = infer_dimension(explained_variance, n_samples)
        elif 0 < n_components < 1:
            # fewest components whose cumulative ratio exceeds the fraction (side="right":
            # strictly more than the requested fraction, as sklearn)
            cumulative_ratio = np.cumsum(explained_variance_ratio)
            n_components = int(np.searchsorted(cumulative_ratio, n_components, side="right") + 1)

        # probabilistic PCA: the discarded variance, averaged, is the noise variance
        if n_components < min(n_features, n_samples):
            self.noise_variance_ = float(np.mean(explained_variance[n_components:]))
        else:
            self.noise_variance_ = 0.0

        self.n_samples_ = n_samples
        self.n_components_ = n_components
        self.components_ = np.ascontiguousarray(Vt[:n_components])
        self.explained_variance_ = explained_variance[:n_components].copy()
        self.explained_variance_ratio_ = explained_variance_ratio[:n_components].copy()
        self.singular_values_ = S[:n_components].copy()
        return U, S, X

    def _fit_truncated(self, X, n_components, solver):
        """The top components by an approximate SVD (``"randomized"`` or ``"arpack"``)."""
        n_samples, n_features = X.shape
        if isinstance(n_components, str):
            raise ValueError(
                f"n_components={n_components!r} cannot be a string with svd_solver='{solver}'"
            )
        if not 1 <= n_components <= min(n_samples, n_features):
            raise ValueError(
                f"n_components={n_components!r} must be between 1 and min(n_samples, "
                f"n_features)={min(n_samples, n_features)!r} with svd_solver='{solver}'"
            )
        if solver == "arpack" and n_components == min(n_samples, n_features):
            raise ValueError(
                f"n_components={n_components!r} must be strictly less than min(n_samples, "
                f"n_features)={min(n_samples, n_features)!r} with svd_solver='{solver}'"
            )
        random_state = check_random_state(self.random_state)
        self.mean_ = np.mean(X, axis=0)
        X_centered = X - self.mean_
        if solver == "arpack":
            U, S, Vt = arpack_svd(X_centered, n_components, tol=self.tol,
                                  random_state=random_state)
        else:
            U, S, Vt = randomized_svd(
                X_centered, n_components, n_oversamples=self.n_oversamples,
                n_iter=self.iterated_power,
                power_iteration_normalizer=self.power_iteration_normalizer,
                random_state=random_state,
            )  # fmt: skip
        Vt, U = _flip_signs_by_components(Vt, U)
        self.n_samples_ = n_samples
        self.n_components_ = n_components
        self.components_ = Vt
        self.explained_variance_ = S**2 / (n_samples - 1)
        # the total variance from the data (only k eigenvalues are known)
        total_variance = np.sum(X_centered**2) / (n_samples - 1)
        self.explained_variance_ratio_ = self.explained_variance_ / total_variance
        self.singular_values_ = S.copy()
        if n_components < min(n_features, n_samples):
            # the variance not explained, spread over the discarded directions
            self.noise_variance_ = total_variance - np.sum(self.explained_variance_)
            self.noise_variance_ /= min(n_features, n_samples) - n_components
        else:
            self.noise_variance_ = 0.0
        return U, S, X

    def _project(self, X):
        """``(X - mean) @ components.T``, centring after the product to leave X untouched."""
        X_new = X @ self.components_.T  # (n_samples, n_components_)
        X_new -= self.mean_[np.newaxis, :] @ self.components_.T
        if self.whiten:
            # near-zero variances (rank-deficient data) are clipped to avoid inf
            scale = np.sqrt(self.explained_variance_)
            scale[scale < np.finfo(scale.dtype).eps] = np.finfo(scale.dtype).eps
            X_new /= scale
        return X_new

    def transform(self, X):
        """Project X on the principal axes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to project.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components_)
            ``(X - mean_) @ components_.T``, whitened if asked.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return self._project(X)

    def inverse_transform(self, X):
        """Map projections back to the input space: ``X @ components_ + mean_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components_)
            Projections (whitened ones if ``whiten=True``).

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            The reconstruction; exact when all components are kept.
        """
        check_is_fitted(self)
        X = check_array(X, input_name="X", dtype=[np.float64, np.float32])
        if self.whiten:
            # undo the whitening: scale each axis back by its standard deviation
            scaled_components = np.sqrt(self.explained_variance_[:, np.newaxis]) * self.components_
            return X @ scaled_components + self.mean_
        return X @ self.components_ + self.mean_

    # -- probabilistic PCA (Tipping & Bishop): X ~ N(mean_, W Wᵀ + noise_variance_ I) --
    def _loadings_and_excess_variance(self):
        """Axes (rescaled if whitened) and the variance each carries above the noise."""
        components = self.components_
        variance = self.explained_variance_
        if self.whiten:
            components = components * np.sqrt(variance[:, np.newaxis])
        excess = np.where(variance > self.noise_variance_, variance - self.noise_variance_, 0.0)
        return components, excess

    def get_covariance(self):
        """Covariance of the generative model: ``Vᵀ diag(λ - σ²) V + σ² I``.

        ``λ`` are the kept variances, ``V`` the kept axes and ``σ²`` the noise variance
        (the mean of the discarded variances).

        Returns
        -------
        cov : ndarray of shape (n_features, n_features)

        Examples
        --------
        >>> import numpy as np
        >>> from glassbox.learn.decomposition import PCA
        >>> X = np.random.default_rng(0).normal(size=(50, 3))
        >>> np.allclose(PCA().fit(X).get_covariance(), np.cov(X.T))
        True
        """
        check_is_fitted(self)
        components, excess = self._loadings_and_excess_variance()
        covariance = (components.T * excess) @ components
        covariance.flat[:: covariance.shape[0] + 1] += self.noise_variance_
        return covariance

    def get_precision(self):
        """Inverse of :meth:`get_covariance`, by the matrix inversion lemma.

        Returns
        -------
        precision : ndarray of shape (n_features, n_features)
        """
        check_is_fitted(self)
        n_features = self.components_.shape[1]
        if self.n_components_ == 0:
            return np.eye(n_features) / self.noise_variance_
        if self.noise_variance_ == 0.0:
            return linalg.inv(self.get_covariance())
        # (V D Vᵀ + σ² I)⁻¹ = I/σ² - Vᵀ (V Vᵀ/σ² + D⁻¹)⁻¹ V / σ⁴: a k x k inverse only
        components, excess = self._loadings_and_excess_variance()
        inner = components @ components.T / self.noise_variance_
        inner.flat[:: inner.shape[0] + 1] += 1.0 / excess
        precision = components.T @ linalg.inv(inner) @ components
        precision /= -(self.noise_variance_**2)
        precision.flat[:: n_features + 1] += 1.0 / self.noise_variance_
        return precision

    def score_samples(self, X):
        """Log-likelihood of each sample under the probabilistic PCA model.

        ``log N(x; mean_, C) = -(x - mean_)ᵀ C⁻¹ (x - mean_) / 2 - (d log 2π - log|C⁻¹|) / 2``
        with ``C`` from :meth:`get_covariance`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        centred = X - self.mean_
        precision = self.get_precision()
        log_likelihood = -0.5 * np.sum(centred * (centred @ precision), axis=1)
        sign, log_det = np.linalg.slogdet(precision)
        log_det = log_det if sign > 0 else -np.inf
        log_likelihood -= 0.5 * (X.shape[1] * np.log(2.0 * np.pi) - log_det)
        return log_likelihood

    def score(self, X, y=None):
        """Mean log-likelihood of the samples (what cross-validation maximises).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        log_likelihood : float
        """
        return float(np.mean(self.score_samples(X)))

    @property
    def _n_features_out(self):
        """Number of output features, for ``get_feature_names_out``."""
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.input_tags.sparse = False
        return tags
