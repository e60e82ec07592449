"""Least squares: :class:`LinearRegression`, twin of ``sklearn.linear_model.LinearRegression``."""

from numbers import Integral, Real

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

__all__ = ["LinearRegression"]


class LinearRegression(RegressorMixin, BaseEstimator):
    """Ordinary least squares: ``y ≈ X @ coef_ + intercept_``.

    The course's first example of a model with several inputs is
    ``y = α x₁ + β x₂ + γ x₃``: the output is a weighted sum of the variables, and
    learning means finding the weights ``(α, β, γ)`` from examples. Least squares picks
    the weights that minimise the squared error ``sum_i (y_i - α x_i1 - β x_i2 - γ x_i3 - b)²``.

    The intercept ``b`` is handled by centring: subtract the column means
    ``x̄`` and ``ȳ``, solve ``min_w ||(y - ȳ) - (X - x̄) w||²`` (no intercept needed: centred
    data passes through the origin), then ``b = ȳ - x̄ · w``. The solve is one call to
    LAPACK's SVD-based least squares, which also handles rank-deficient X (singular values
    below ``tol`` times the largest are treated as zero, giving the minimum-norm solution).

    Parameters
    ----------
    fit_intercept : bool, default=True
        Whether to fit ``b``; if False the data is assumed centred.
    copy_X : bool, default=True
        If False, X may be overwritten by the centring.
    tol : float, default=1e-6
        Relative cut-off for small singular values of X.
    n_jobs : int or None, default=None
        Accepted for compatibility (the solve is one LAPACK call).
    positive : bool, default=False
        scikit-learn's non-negative least squares; not implemented, must be False.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        The weights ``w``.
    intercept_ : float or ndarray of shape (n_targets,)
        The bias ``b`` (0.0 when ``fit_intercept=False``).
    rank_ : int
        Rank of the (centred) X.
    singular_ : ndarray of shape (min(n_samples, n_features),)
        Singular values of the (centred) X.
    n_features_in_ : int
        Number of features seen in ``fit``.

    See Also
    --------
    sklearn.linear_model.LinearRegression : the twin.

    Examples
    --------
    Recover ``y = 2 x₁ - 1 x₂ + 0.5 x₃ + 3`` from four noiseless samples:

    >>> import numpy as np
    >>> from glassbox.learn.linear_model import LinearRegression
    >>> X = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0], [2.0, 1.0, 0.0], [1.0, 3.0, 1.0]])
    >>> y = X @ np.array([2.0, -1.0, 0.5]) + 3.0
    >>> model = LinearRegression().fit(X, y)
    >>> model.coef_.round(6)
    array([ 2. , -1. ,  0.5])
    >>> round(float(model.intercept_), 6)
    3.0
    >>> model.score(X, y)
    1.0
    """

    _parameter_constraints: dict = {
        "fit_intercept": ["boolean"],
        "copy_X": ["boolean"],
        "n_jobs": [None, Integral],
        "positive": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, *, fit_intercept=True, copy_X=True, tol=1e-6, n_jobs=None, positive=False):
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.tol = tol
        self.n_jobs = n_jobs
        self.positive = positive

    def fit(self, X, y, sample_weight=None):
        """Solve the least-squares problem.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Weight of each sample's squared error.

        Returns
        -------
        self : LinearRegression
            The fitted model.
        """
        self._validate_params()
        if self.positive:
            raise ValueError(
                "glassbox's LinearRegression solves ordinary least squares only; received "
                "positive=True. Use sklearn.linear_model.LinearRegression(positive=True) "
                "for non-negative weights."
            )
        X, y = validate_data(
            self, X, y, dtype=[np.float64, np.float32], y_numeric=True, multi_output=True,
            copy=self.copy_X,
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        y = np.asarray(y, dtype=X.dtype)

        if self.fit_intercept:
            # centre with the (weighted) means; the intercept is recovered below
            X_offset = np.average(X, axis=0, weights=sample_weight)
            y_offset = np.average(y, axis=0, weights=sample_weight)
            # NOTE: in place: X is already a copy unless copy_X=False, where scikit-learn
            # also centres the caller's array to save memory
            X -= X_offset
            y = y - y_offset
        else:
            X_offset = np.zeros(X.shape[1], dtype=X.dtype)
            y_offset = np.zeros(y.shape[1:], dtype=X.dtype) if y.ndim > 1 else X.dtype.type(0)

        if sample_weight is not None:
            # sum_i s_i r_i² = sum_i (sqrt(s_i) r_i)²: weighted least squares is ordinary
            # least squares on rows scaled by sqrt(s_i)
            root_weight = np.sqrt(sample_weight)
            X *= root_weight[:, np.newaxis]  # in place, as above
            y = y * (root_weight[:, np.newaxis] if y.ndim > 1 else root_weight)

        coef, _, self.rank_, self.singular_ = linalg.lstsq(X, y, cond=self.tol)
        self.coef_ = coef.T  # (n_targets, n_features) or (n_features,)
        if self.fit_intercept:
            self.intercept_ = y_offset - X_offset @ self.coef_.T
        else:
            self.intercept_ = 0.0
        return self

    def predict(self, X):
        """Predict ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predictions.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return X @ self.coef_.T + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = False
        return tags
