"""Regression metrics (``sklearn.metrics._regression``)."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_consistent_length

from glassbox.learn.metrics._checks import _check_finite, _check_sample_weight


def mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean squared error ``mean_i (y_i - y_hat_i)^2`` (per output, then averaged).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True values.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predictions.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape (n_outputs,)
        Return one error per output, their mean, or their weighted mean.

    Returns
    -------
    loss : float or ndarray of shape (n_outputs,)

    See Also
    --------
    sklearn.metrics.mean_squared_error : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import mean_squared_error
    >>> mean_squared_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
    0.375
    """
    check_consistent_length(y_true, y_pred, sample_weight)
    y_true = _check_finite(np.asarray(y_true, dtype=np.float64))
    y_pred = _check_finite(np.asarray(y_pred, dtype=np.float64))
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight)
    if y_true.ndim == 1:
        y_true = y_true.reshape(-1, 1)  # (n_samples, 1)
    if y_pred.ndim == 1:
        y_pred = y_pred.reshape(-1, 1)  # (n_samples, 1)
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(
            "y_true and y_pred have different number of output "
            f"({y_true.shape[1]}!={y_pred.shape[1]})"
        )
    output_errors = np.average((y_true - y_pred) ** 2, axis=0, weights=sample_weight)
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return output_errors
        if multioutput != "uniform_average":
            raise ValueError(
                "Allowed 'multioutput' string values are ('raw_values', "
                f"'uniform_average', 'variance_weighted'). You provided "
                f"multioutput={multioutput!r}"
            )
        multioutput = None
    return float(np.average(output_errors, weights=multioutput))
