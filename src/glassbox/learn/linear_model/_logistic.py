"""Logistic regression: :class:`LogisticRegression`, the twin of scikit-learn's (lbfgs)."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Hidden, Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from glassbox.learn.linear_model._lbfgs import _minimize_like_sklearn
from glassbox.learn.linear_model._loss import (
    _split_parameters,
    logistic_loss_gradient,
    softmax_loss_gradient,
)

__all__ = ["LogisticRegression"]


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression with an L2 penalty, fitted by L-BFGS.

    Binary: ``P(y = classes_[1] | x) = sigmoid(x · w + b)``. More classes (multinomial):
    ``P(y = k | x) = softmax(W x + b)_k``. The fitted parameters minimise, as in
    scikit-learn,

    ``C * sum_i s_i loss_i + ||W||² / 2``   (the intercept is not penalised),

    which the solver handles in the better-scaled form divided by ``C sum_i s_i``:
    ``mean_s(loss) + ||W||² / (2 C sum_i s_i)``. ``loss_i`` is the cross-entropy
    ``-log P(y_i | x_i)``; ``s_i`` are sample (and class) weights, 1 by default.

    The algorithm as taught, each on one screen: the loss and its gradient,
    :func:`logistic_loss_gradient` (two classes) and :func:`softmax_loss_gradient`, and
    L-BFGS, :func:`minimize_lbfgs` (tested to reach this estimator's coefficients).

    Parameters
    ----------
    penalty : {"l2", None}, default="deprecated"
        As in scikit-learn 1.9, where ``penalty`` is deprecated: leave it at its default
        for L2 and use ``C=np.inf`` for no penalty. ``"l2"`` and None are accepted, with
        scikit-learn 1.9's FutureWarning.
    C : float, default=1.0
        Inverse of the regularisation strength; ``np.inf`` disables the penalty.
    l1_ratio : float, default=0.0
        Must be 0 (glassbox implements the L2 penalty only); None means 0 and is
        deprecated (FutureWarning), as in scikit-learn 1.9.
    dual : bool, default=False
        Must be False (no dual formulation).
    tol : float, default=1e-4
        Stop when every gradient entry of the scaled objective is at most ``tol``.
    fit_intercept : bool, default=True
        Whether to fit the intercept ``b``.
    intercept_scaling : float, default=1
        Accepted for compatibility (used by liblinear only).
    class_weight : dict, "balanced" or None, default=None
        Multiplies each sample's weight by the weight of its class; "balanced" uses
        ``n_samples / (n_classes * count(class))``.
    random_state : int, RandomState instance or None, default=None
        Accepted for compatibility (L-BFGS is deterministic).
    solver : {"lbfgs"}, default="lbfgs"
        glassbox's own L-BFGS.
    max_iter : int, default=100
        Maximum number of L-BFGS iterations.
    verbose : int, default=0
        Accepted for compatibility.
    warm_start : bool, default=False
        Start from the previous ``coef_`` / ``intercept_`` when refitting.
    n_jobs : int or None, default=None
        No effect; any value but None gives scikit-learn 1.9's FutureWarning.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Weights; one row for a binary problem (the log-odds of ``classes_[1]``).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts (zeros when ``fit_intercept=False``).
    n_iter_ : ndarray of shape (1,)
        Number of L-BFGS iterations run.
    n_features_in_ : int
        Number of features seen in ``fit``.

    See Also
    --------
    sklearn.linear_model.LogisticRegression : the twin (``solver="lbfgs"``).

    Examples
    --------
    >>> import numpy as np
    >>> from glassbox.learn.linear_model import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = np.array([0, 0, 1, 1])
    >>> model = LogisticRegression(C=10.0).fit(X, y)
    >>> model.predict([[0.2], [2.8]])
    array([0, 1])
    >>> model.predict_proba([[1.5]]).round(3)
    array([[0.5, 0.5]])
    >>> model.coef_.shape, model.intercept_.shape
    ((1, 1), (1,))
    """

    _parameter_constraints: dict = {
        "penalty": [StrOptions({"l2"}), None, Hidden(StrOptions({"deprecated"}))],
        "C": [Interval(Real, 0, None, closed="right")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), None],
        "dual": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "intercept_scaling": [Interval(Real, 0, None, closed="neither")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "random_state": ["random_state"],
        "solver": [StrOptions({"lbfgs"})],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "n_jobs": [None, Integral],
    }

    def __init__(
        self,
        penalty="deprecated",
        *,
        C=1.0,
        l1_ratio=0.0,
        dual=False,
        tol=1e-4,
        fit_intercept=True,
        intercept_scaling=1,
        class_weight=None,
        random_state=None,
        solver="lbfgs",
        max_iter=100,
        verbose=0,
        warm_start=False,
        n_jobs=None,
    ):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.dual = dual
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs

    def fit(self, X, y, sample_weight=None):
        """Fit the weights by L-BFGS.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,)
            Class labels (at least two classes).
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Weight of each sample in the loss.

        Returns
        -------
        self : LogisticRegression
            The fitted classifier.
        """
        self._validate_params()
        self._warn_deprecated_like_sklearn()
        if self.l1_ratio not in (0, None):
            raise ValueError(
                "glassbox's LogisticRegression implements the L2 penalty only: expected "
                f"l1_ratio=0, received l1_ratio={self.l1_ratio}. Use "
                "sklearn.linear_model.LogisticRegression(solver='saga') for L1/elastic-net."
            )
        if self.dual:
            raise ValueError(
                "glassbox's LogisticRegression solves the primal problem: expected "
                "dual=False, received dual=True."
            )
        if self.penalty is None and self.C != 1.0:  # 1.0: the default
            warnings.warn("Setting penalty=None will ignore the C and l1_ratio parameters",
                          UserWarning, stacklevel=2)
        no_penalty = self.penalty is None or self.C == np.inf
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], order="C")
        check_classification_targets(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        n_classes = self.classes_.size
        if n_classes < 2:
            raise ValueError(
                "This solver needs samples of at least 2 classes in the data, but the data "
                f"contains only one class: {self.classes_[0]!r}"
            )

        sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        if self.class_weight is not None:
            per_class = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
            sample_weight = sample_weight * per_class[y_index]

        X64 = np.asarray(X, dtype=np.float64)  # the optimiser works in float64
        n_features = X.shape[1]
        # scikit-learn's C * sum(loss) + ||W||²/2, divided by C * sum(s): mean loss + this
        l2_strength = 0.0 if no_penalty else 1.0 / (self.C * sample_weight.sum())

        binary = n_classes == 2
        n_rows = 1 if binary else n_classes  # rows of coef_
        if binary:
            target = (y_index == 1).astype(np.float64)  # classes_[1] is the positive class
            objective = logistic_loss_gradient
        else:
            target = np.zeros((X.shape[0], n_classes))  # one-hot (n_samples, K)
            target[np.arange(X.shape[0]), y_index] = 1.0
            objective = softmax_loss_gradient

        w0 = np.zeros((n_rows, n_features + int(self.fit_intercept)))
        if self.warm_start and hasattr(self, "coef_") and self.coef_.shape == (n_rows, n_features):
            self.densify()  # a sparsified coef_ is dense again for fitting, as scikit-learn
            w0[:, :n_features] = self.coef_
            if self.fit_intercept:
                w0[:, -1] = self.intercept_

        def loss_gradient(parameters):
            return objective(
                parameters, X64, target, sample_weight, l2_strength, self.fit_intercept
            )

        # NOTE: the same minimiser as scikit-learn (scipy's L-BFGS-B with its options), so
        # that at the default tol both stop at the same point; minimize_lbfgs below is the
        # algorithm written out, tested equal to it when both run to convergence.
        w, n_iter, converged = _minimize_like_sklearn(
            loss_gradient, w0.ravel(), max_iter=self.max_iter, tol=self.tol
        )
        if not converged:
            warnings.warn(
                f"lbfgs failed to converge after {n_iter} iteration(s) (max_iter="
                f"{self.max_iter}). Increase max_iter or scale the data (for example with "
                "sklearn.preprocessing.StandardScaler).",
                ConvergenceWarning,
                stacklevel=2,
            )
        coef, intercept = _split_parameters(w, n_rows, n_features, self.fit_intercept)
        self.coef_ = coef.astype(X.dtype)
        self.intercept_ = (
            intercept.astype(X.dtype) if self.fit_intercept else np.zeros(n_rows, dtype=X.dtype)
        )
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        return self

    def _warn_deprecated_like_sklearn(self):
        """scikit-learn 1.9's FutureWarnings for ``penalty``, ``l1_ratio=None``, ``n_jobs``."""
        if self.penalty == "deprecated":
            if self.l1_ratio is None:
                warnings.warn("'l1_ratio=None' was deprecated in version 1.8 and will trigger "
                              "an error in 1.10. Use 0<=l1_ratio<=1 instead.", FutureWarning,
                              stacklevel=3)
        else:
            warnings.warn(
                "'penalty' was deprecated in version 1.8 and will be removed in 1.10. To "
                "avoid this warning, leave 'penalty' set to its default value and use "
                "'l1_ratio' or 'C' instead. Use l1_ratio=0 instead of penalty='l2', "
                "l1_ratio=1 instead of penalty='l1', l1_ratio set to a float between 0 and 1 "
                "instead of penalty='elasticnet', and C=np.inf instead of penalty=None.",
                FutureWarning, stacklevel=3,
            )  # fmt: skip
            if self.penalty == "l2" and self.l1_ratio != 0:
                warnings.warn(f"Inconsistent values: penalty={self.penalty} with "
                              f"l1_ratio={self.l1_ratio}. penalty is deprecated. Please use "
                              "l1_ratio only.", UserWarning, stacklevel=3)
        if self.n_jobs is not None:
            warnings.warn("'n_jobs' has no effect since 1.8 and will be removed in 1.10. "
                          f"You provided 'n_jobs={self.n_jobs}', please leave it unspecified.",
                          FutureWarning, stacklevel=3)

    def sparsify(self):
        """Store ``coef_`` as a scipy sparse matrix (saves memory when most weights are 0).

        Predictions are unchanged; :meth:`densify` converts back. ``intercept_`` stays
        dense. As scikit-learn's ``sparsify``.

        Returns
        -------
        self : LogisticRegression

        Examples
        --------
        >>> from sklearn.datasets import load_breast_cancer
        >>> X, y = load_breast_cancer(return_X_y=True)
        >>> model = LogisticRegression(max_iter=5000).fit(X, y)
        >>> before = model.predict(X)
        >>> type(model.sparsify().coef_).__name__, bool((model.predict(X) == before).all())
        ('csr_matrix', True)
        >>> type(model.densify().coef_).__name__
        'ndarray'
        """
        from scipy import sparse

        check_is_fitted(self, msg="Estimator, %(name)s, must be fitted before sparsifying.")
        self.coef_ = sparse.csr_matrix(self.coef_)
        return self

    def densify(self):
        """Store ``coef_`` back as a NumPy array (the inverse of :meth:`sparsify`).

        Returns
        -------
        self : LogisticRegression

        Examples
        --------
        See :meth:`sparsify`.
        """
        from scipy import sparse

        check_is_fitted(self, msg="Estimator, %(name)s, must be fitted before densifying.")
        if sparse.issparse(self.coef_):
            self.coef_ = self.coef_.toarray()
        return self

    def decision_function(self, X):
        """Scores ``X @ coef_.T + intercept_``: log-odds (binary) or softmax inputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            One score per sample for binary problems (positive means ``classes_[1]``).
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        # coef_ may be a sparse matrix (after sparsify): the product is then a dense array
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict_proba(self, X):
        """Class probabilities: sigmoid (binary) or softmax (multinomial) of the scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            positive = expit(scores)
            return np.column_stack([1.0 - positive, positive])
        exp_shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        return exp_shifted / exp_shifted.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed without taking ``log(0)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            # log sigmoid(z) = -log(1 + e^-z), log(1 - sigmoid(z)) = -log(1 + e^z)
            return np.column_stack([-np.logaddexp(0.0, scores), -np.logaddexp(0.0, -scores)])
        # log softmax(z)_k = z_k - logsumexp(z)
        shifted = scores - scores.max(axis=1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))

    def predict(self, X):
        """Most probable class (binary: ``classes_[1]`` when the score is positive).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags
