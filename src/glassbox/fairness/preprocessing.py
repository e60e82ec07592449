"""Pre-processing mitigation: reweighing (Kamiran and Calders 2012).

If the protected attribute A and the label Y were independent, P(a, y) would be
P(a) P(y). Reweighing gives each training sample the weight that makes them so:

    w(a, y) = P(a) P(y) / P(a, y)

Groups under-represented among the positives (P(a, 1) < P(a) P(1)) get weights above 1
on their positives, and below 1 on their negatives; the weighted data has the same
positive rate in every group, and any classifier that accepts ``sample_weight`` learns
from it. Nothing changes at prediction time, and the attribute is not needed there.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils.validation import check_is_fitted

from glassbox.fairness.metric_frame import _group_keys

__all__ = ["Reweighing", "reweighing_weights"]


def reweighing_weights(y, sensitive_features) -> np.ndarray:
    """The Kamiran-Calders weight P(a) P(y) / P(a, y) of each sample.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_features)

    Returns
    -------
    weight : ndarray of shape (n_samples,)

    Examples
    --------
    >>> reweighing_weights([1, 1, 0, 1, 0, 0], ["a", "a", "a", "b", "b", "b"])
    array([0.75, 0.75, 1.5 , 1.5 , 0.75, 0.75])
    """
    y = np.asarray(y)
    keys, _ = _group_keys(sensitive_features, len(y))
    groups = np.unique(np.array([str(k) for k in keys]), return_inverse=True)[1]
    labels = np.unique(y, return_inverse=True)[1]
    n = len(y)
    # joint counts: one row per group, one column per label
    joint = np.zeros((groups.max() + 1, labels.max() + 1))
    np.add.at(joint, (groups, labels), 1.0)
    p_group = joint.sum(axis=1) / n
    p_label = joint.sum(axis=0) / n
    p_joint = joint / n
    return p_group[groups] * p_label[labels] / p_joint[groups, labels]


class Reweighing(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Fit ``estimator`` with the reweighing weights (groups and labels made independent).

    Parameters
    ----------
    estimator : classifier
        Any classifier whose ``fit`` accepts ``sample_weight``.

    Attributes
    ----------
    estimator_ : the fitted classifier
    sample_weight_ : ndarray of shape (n_samples,)
        The weights it was fitted with.
    classes_ : ndarray

    Examples
    --------
    >>> from glassbox.learn.linear_model import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> model = Reweighing(LogisticRegression()).fit(X, [0, 0, 1, 1],
    ...                                              sensitive_features=["a", "b", "a", "b"])
    >>> model.predict(X).tolist()
    [0, 0, 1, 1]
    """

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y, *, sensitive_features, sample_weight=None):
        """Fit a clone of ``estimator`` on the reweighed samples (times ``sample_weight``)."""
        weight = reweighing_weights(y, sensitive_features)
        if sample_weight is not None:
            weight = weight * np.asarray(sample_weight, dtype=np.float64)
        self.sample_weight_ = weight
        self.estimator_ = clone(self.estimator).fit(X, y, sample_weight=weight)
        self.classes_ = self.estimator_.classes_
        return self

    def predict(self, X):
        check_is_fitted(self)
        return self.estimator_.predict(X)

    def predict_proba(self, X):
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)
