"""Linear models: least squares, and logistic regression fitted by a written-out L-BFGS.

- :class:`LinearRegression` solves ``min_w ||y - X w - b||²`` with one least-squares
  solve on centred data.
- :class:`LogisticRegression` minimises the L2-penalised cross-entropy with L-BFGS. The
  algorithm as taught: the loss and its gradient (:func:`logistic_loss_gradient` for two
  classes, :func:`softmax_loss_gradient` for more) and L-BFGS (:func:`minimize_lbfgs`:
  the two-loop recursion that turns the last few steps into a quasi-Newton direction,
  :func:`_two_loop_direction`, and a line search that stops at a step satisfying the
  strong Wolfe conditions, :func:`_wolfe_line_search`). The estimator minimises the same
  loss with scipy's L-BFGS-B and scikit-learn's options, so that it stops where
  scikit-learn stops; the two minimisers are tested to reach the same minimum.

The twins are :class:`sklearn.linear_model.LinearRegression` and
:class:`sklearn.linear_model.LogisticRegression` (``solver="lbfgs"``).
"""

import warnings
from collections import deque
from numbers import Integral, Real

import numpy as np
from scipy import linalg
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Hidden, Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

__all__ = ["LinearRegression", "LogisticRegression", "logistic_loss_gradient", "minimize_lbfgs",
           "softmax_loss_gradient"]


# --------------------------------------------------------------------------------------
# Least squares
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Logistic regression: loss and gradient
# --------------------------------------------------------------------------------------


def _split_parameters(parameters, n_classes_out, n_features, fit_intercept):
    """View the flat parameter vector as ``(coef (K, n_features), intercept (K,) or None)``."""
    weights = parameters.reshape(n_classes_out, n_features + int(fit_intercept))
    if fit_intercept:
        return weights[:, :-1], weights[:, -1]
    return weights, None


def logistic_loss_gradient(parameters, X, y, sample_weight, l2_strength, fit_intercept):
    """Mean logistic loss plus L2 penalty, and its gradient (two classes).

    ``z = X w + b``, ``loss_i = log(1 + e^{z_i}) - y_i z_i`` for ``y_i`` in {0, 1},
    ``f = sum_i s_i loss_i / sum_i s_i + l2_strength / 2 * ||w||²``.
    ``d loss_i / d z_i = sigmoid(z_i) - y_i``, so
    ``df/dw = Xᵀ (s (sigmoid(z) - y)) / sum(s) + l2_strength w`` and
    ``df/db = sum_i s_i (sigmoid(z_i) - y_i) / sum(s)`` (the intercept is not penalised).

    Parameters
    ----------
    parameters : ndarray of shape (n_features + fit_intercept,)
        ``w`` then (with ``fit_intercept``) ``b``.
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), 0.0 or 1.0
    sample_weight : ndarray of shape (n_samples,)
    l2_strength : float
        :class:`LogisticRegression` uses ``1 / (C * sum(sample_weight))``.
    fit_intercept : bool

    Returns
    -------
    (loss, gradient) : (float, ndarray of the shape of ``parameters``)

    Examples
    --------
    At ``w = 0`` every probability is 1/2: the loss is ``log 2``.

    >>> import numpy as np
    >>> X, y = np.array([[1.0], [-1.0]]), np.array([1.0, 0.0])
    >>> loss, gradient = logistic_loss_gradient(np.zeros(2), X, y, np.ones(2), 0.0, True)
    >>> round(float(loss), 4), gradient
    (0.6931, array([-0.5,  0. ]))
    """
    coef, intercept = _split_parameters(parameters, 1, X.shape[1], fit_intercept)
    coef = coef[0]
    z = X @ coef  # (n_samples,)
    if fit_intercept:
        z += intercept[0]
    # log(1 + e^z) computed without overflow
    pointwise_loss = np.logaddexp(0.0, z) - y * z
    weight_total = sample_weight.sum()
    loss = (sample_weight @ pointwise_loss) / weight_total + 0.5 * l2_strength * (coef @ coef)

    grad_z = sample_weight * (expit(z) - y) / weight_total  # d f / d z_i
    gradient = np.empty_like(parameters)
    gradient[: X.shape[1]] = X.T @ grad_z + l2_strength * coef
    if fit_intercept:
        gradient[-1] = grad_z.sum()
    return loss, gradient


def softmax_loss_gradient(parameters, X, Y_onehot, sample_weight, l2_strength, fit_intercept):
    """Mean softmax cross-entropy plus L2 penalty, and its gradient (K classes).

    ``Z = X Wᵀ + b`` of shape (n_samples, K),
    ``loss_i = logsumexp(Z_i) - Z_i[y_i]``, ``f = sum_i s_i loss_i / sum(s) + l2/2 ||W||²``.
    ``d loss_i / d Z_ik = softmax(Z_i)_k - [y_i = k]``, so
    ``df/dW = (s (P - Y))ᵀ X / sum(s) + l2 W`` and ``df/db = sum_i s_i (P_i - Y_i) / sum(s)``.

    ``parameters`` is ``[W | b]`` of shape (K, n_features + fit_intercept), flattened;
    ``Y_onehot`` (n_samples, K); the other arguments as for :func:`logistic_loss_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> X, Y = np.array([[1.0], [-1.0], [0.0]]), np.eye(3)
    >>> loss, gradient = softmax_loss_gradient(np.zeros(6), X, Y, np.ones(3), 0.0, True)
    >>> bool(np.isclose(loss, np.log(3))), gradient.shape
    (True, (6,))
    """
    n_classes = Y_onehot.shape[1]
    coef, intercept = _split_parameters(parameters, n_classes, X.shape[1], fit_intercept)
    Z = X @ coef.T  # (n_samples, K)
    if fit_intercept:
        Z += intercept
    # logsumexp with the row maximum factored out, so exp never overflows
    Z_max = Z.max(axis=1, keepdims=True)
    exp_shifted = np.exp(Z - Z_max)
    sum_exp = exp_shifted.sum(axis=1, keepdims=True)
    log_sum_exp = np.log(sum_exp) + Z_max  # (n_samples, 1)
    pointwise_loss = log_sum_exp[:, 0] - np.einsum("ik,ik->i", Z, Y_onehot)
    weight_total = sample_weight.sum()
    loss = (sample_weight @ pointwise_loss) / weight_total + 0.5 * l2_strength * np.sum(coef**2)

    probabilities = exp_shifted / sum_exp  # softmax, (n_samples, K)
    grad_Z = (probabilities - Y_onehot) * (sample_weight / weight_total)[:, np.newaxis]
    gradient = np.empty((n_classes, X.shape[1] + int(fit_intercept)))
    gradient[:, : X.shape[1]] = grad_Z.T @ X + l2_strength * coef
    if fit_intercept:
        gradient[:, -1] = grad_Z.sum(axis=0)
    return loss, gradient.ravel()


# --------------------------------------------------------------------------------------
# L-BFGS
# --------------------------------------------------------------------------------------


def _two_loop_direction(gradient, steps, gradient_changes):
    """Quasi-Newton direction ``-H g`` from the last m pairs ``(s_i, y_i)``.

    L-BFGS never forms the inverse Hessian approximation ``H``; the two-loop recursion
    applies it to ``g`` using the stored steps ``s_i = w_{i+1} - w_i`` and gradient
    changes ``y_i = g_{i+1} - g_i`` (Nocedal & Wright, Algorithm 7.4). The initial matrix
    is ``gamma I`` with ``gamma = s·y / y·y`` from the newest pair, an estimate of the
    inverse curvature along the last step.
    """
    q = gradient.copy()
    rhos = [1.0 / (y @ s) for s, y in zip(steps, gradient_changes)]
    alphas = []
    for s, y, rho in zip(reversed(steps), reversed(gradient_changes), reversed(rhos)):
        alpha = rho * (s @ q)
        q -= alpha * y
        alphas.append(alpha)
    if steps:
        gamma = (steps[-1] @ gradient_changes[-1]) / (gradient_changes[-1] @ gradient_changes[-1])
    else:
        gamma = 1.0
    r = gamma * q
    for s, y, rho, alpha in zip(steps, gradient_changes, rhos, reversed(alphas)):
        beta = rho * (y @ r)
        r += (alpha - beta) * s
    return -r


def _cubic_minimizer(a, f_a, slope_a, b, f_b, slope_b):
    """Minimiser of the cubic matching f and f' at a and b (Nocedal & Wright, eq. 3.59).

    Returns None when the cubic has no minimiser (the caller then bisects).
    """
    if a == b:
        return None
    d1 = slope_a + slope_b - 3.0 * (f_a - f_b) / (a - b)
    discriminant = d1 * d1 - slope_a * slope_b
    if discriminant < 0:
        return None
    d2 = np.copysign(np.sqrt(discriminant), b - a)
    denominator = slope_b - slope_a + 2.0 * d2
    if denominator == 0:
        return None
    return b - (b - a) * (slope_b + d2 - d1) / denominator


def _wolfe_line_search(
    loss_gradient, w, f0, g0, direction, step, c1=1e-4, c2=0.9, max_evaluations=50
):
    """Find a step length t with the strong Wolfe conditions along ``direction``.

    Sufficient decrease: ``f(w + t d) <= f(w) + c1 t g·d``; curvature:
    ``|g(w + t d)·d| <= c2 |g·d|``. The step grows until it brackets such a point, then
    the bracket shrinks by cubic interpolation (Nocedal & Wright, Algorithms 3.5 and 3.6).
    Returns ``(t, f, g)``, or ``(None, f0, g0)`` when no such step was found.
    """
    slope0 = g0 @ direction  # negative for a descent direction
    evaluations = 0

    def evaluate(t):
        nonlocal evaluations
        evaluations += 1
        f, g = loss_gradient(w + t * direction)
        return f, g, g @ direction

    def zoom(low, high):
        # low/high are (t, f, g, slope); low satisfies sufficient decrease, and the
        # minimiser we look for lies between them
        while evaluations < max_evaluations:
            t_low, f_low, _, slope_low = low
            t_high, f_high, _, slope_high = high
            t = _cubic_minimizer(t_low, f_low, slope_low, t_high, f_high, slope_high)
            width = abs(t_high - t_low)
            # safeguard: stay clearly inside the bracket, else bisect
            if t is None or not min(t_low, t_high) + 0.1 * width <= t <= max(
                t_low, t_high
            ) - 0.1 * width:
                t = 0.5 * (t_low + t_high)
            f, g, slope = evaluate(t)
            if f > f0 + c1 * t * slope0 or f >= f_low:
                high = (t, f, g, slope)
            else:
                if abs(slope) <= -c2 * slope0:
                    return t, f, g
                if slope * (t_high - t_low) >= 0:
                    high = low
                low = (t, f, g, slope)
        t_low, f_low, g_low, _ = low
        if t_low > 0 and f_low < f0:  # out of evaluations: keep the best decrease found
            return t_low, f_low, g_low
        return None, f0, g0

    previous = (0.0, f0, g0, slope0)
    while evaluations < max_evaluations:
        f, g, slope = evaluate(step)
        current = (step, f, g, slope)
        if f > f0 + c1 * step * slope0 or (previous[0] > 0 and f >= previous[1]):
            return zoom(previous, current)
        if abs(slope) <= -c2 * slope0:
            return step, f, g
        if slope >= 0:
            return zoom(current, previous)
        previous = current
        step *= 2.0  # still descending: try further
    return None, f0, g0


def _minimize_like_sklearn(loss_gradient, w0, *, max_iter, tol):
    """scipy's L-BFGS-B with scikit-learn's options; return ``(w, n_iter, converged)``.

    scikit-learn stops where scipy's projected gradient is below ``gtol = tol`` or the
    relative decrease below ``ftol = 64 eps``, after a line search of at most 50 steps.
    """
    from scipy import optimize

    result = optimize.minimize(
        loss_gradient, w0, method="L-BFGS-B", jac=True,
        options={"maxiter": max_iter, "maxls": 50, "gtol": tol,
                 "ftol": 64 * np.finfo(float).eps},
    )  # fmt: skip
    return result.x, min(result.nit, max_iter), result.status == 0


def minimize_lbfgs(loss_gradient, w0, *, max_iter, gtol, history_size=10):
    """Minimise a smooth function with L-BFGS; return ``(w, n_iter, converged)``.

    Stops when ``max |gradient| <= gtol`` (scipy's ``gtol``), when an iteration lowers the
    loss by less than ``64 eps`` relative to its size (the ``ftol`` scikit-learn passes),
    when even a steepest-descent step cannot lower the loss (it is flat at floating-point
    precision: the same situation as the ``ftol`` stop), or after ``max_iter`` iterations.

    Examples
    --------
    The quadratic ``(w - 3)^2`` summed over two coordinates:

    >>> def loss_gradient(w):
    ...     return float(((w - 3.0) ** 2).sum()), 2.0 * (w - 3.0)
    >>> w, n_iter, converged = minimize_lbfgs(loss_gradient, np.zeros(2), max_iter=50,
    ...                                       gtol=1e-8)
    >>> np.round(w, 6), converged
    (array([3., 3.]), True)
    """
    relative_tolerance = 64 * np.finfo(float).eps
    w = w0.copy()
    f, g = loss_gradient(w)
    steps = deque(maxlen=history_size)  # s_i = w_{i+1} - w_i
    gradient_changes = deque(maxlen=history_size)  # y_i = g_{i+1} - g_i
    for n_iter in range(max_iter):
        if np.max(np.abs(g)) <= gtol:
            return w, n_iter, True
        direction = _two_loop_direction(g, steps, gradient_changes)
        # the first direction is -g, of arbitrary scale: start with a unit-length step
        first_step = 1.0 if steps else min(1.0, 1.0 / np.linalg.norm(g))
        step, f_new, g_new = _wolfe_line_search(loss_gradient, w, f, g, direction, first_step)
        if step is None:
            if not steps:  # even steepest descent cannot lower the loss any more
                return w, n_iter, True
            # a stale curvature history can give a poor direction: restart from -g
            steps.clear()
            gradient_changes.clear()
            continue
        s = step * direction
        y = g_new - g
        # keep the pair only if it carries positive curvature (keeps H positive definite)
        if s @ y > np.finfo(float).eps * (y @ y):
            steps.append(s)
            gradient_changes.append(y)
        w = w + s
        decrease = f - f_new
        f, g = f_new, g_new
        if decrease <= relative_tolerance * max(abs(f), abs(f + decrease), 1.0):
            return w, n_iter + 1, True
    return w, max_iter, bool(np.max(np.abs(g)) <= gtol)


# --------------------------------------------------------------------------------------
# Logistic regression
# --------------------------------------------------------------------------------------


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
