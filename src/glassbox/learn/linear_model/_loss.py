"""The loss logistic regression minimises, and its gradient: the algorithm as taught.

Two classes: the logistic loss of ``sigmoid(X w + b)`` (:func:`logistic_loss_gradient`);
more: the softmax cross-entropy (:func:`softmax_loss_gradient`). Both add the L2 penalty
``l2_strength / 2 ||W||^2`` (never on the intercept) and return ``(loss, gradient)``, the
pair every quasi-Newton minimiser (:func:`~glassbox.learn.linear_model.minimize_lbfgs`,
scipy's L-BFGS-B) asks for.
"""

import numpy as np
from scipy.special import expit

__all__ = ["logistic_loss_gradient", "softmax_loss_gradient"]


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
