"""Scorers: the strings of ``scoring="..."`` (the twin of ``sklearn.metrics._scorer``).

A scorer is a callable ``scorer(estimator, X, y, sample_weight=None) -> float`` where
higher is better: it asks the fitted estimator for the response the metric needs
(``predict``, ``predict_proba`` or ``decision_function``) and compares it with ``y``.
Losses are negated (``"neg_log_loss"``) so that the grid search can always maximise.
"""

from __future__ import annotations

from glassbox.learn.metrics._classification import (
    accuracy_score,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    specificity_score,
)
from glassbox.learn.metrics._ranking import roc_auc_score
from glassbox.learn.metrics._regression import mean_squared_error

__all__ = ["get_scorer"]


def _predict(estimator, X):
    return estimator.predict(X)


def _proba(estimator, X):
    return estimator.predict_proba(X)


def _scores_for_auc(estimator, X):
    """Decision values, or the probabilities (positive column for two classes)."""
    if hasattr(estimator, "decision_function"):
        return estimator.decision_function(X)
    proba = estimator.predict_proba(X)
    return proba[:, 1] if proba.shape[1] == 2 else proba


class _Scorer:
    """``sign * metric(y, response(estimator, X), **kwargs)``.

    Parameters
    ----------
    metric : callable ``metric(y_true, y_response, **kwargs) -> float``
    response : callable ``response(estimator, X)``
        What the metric reads: predicted labels, probabilities or decision values.
    sign : {1, -1}
        -1 turns a loss into a score.
    with_classes : bool
        Pass ``labels=estimator.classes_`` (log loss needs every class, even one that a
        validation fold lacks).
    """

    def __init__(self, name, metric, response=_predict, sign=1, with_classes=False,
                 **kwargs):
        self.name = name
        self.metric = metric
        self.response = response
        self.sign = sign
        self.with_classes = with_classes
        self.kwargs = kwargs

    def __call__(self, estimator, X, y, sample_weight=None):
        kwargs = dict(self.kwargs)
        if self.with_classes:
            kwargs["labels"] = estimator.classes_
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return self.sign * self.metric(y, self.response(estimator, X), **kwargs)

    def __repr__(self):
        return f"get_scorer({self.name!r})"


def _passthrough_scorer(estimator, X, y=None, sample_weight=None):
    """The estimator's own ``score`` (accuracy for classifiers, R^2 for regressors)."""
    if sample_weight is None:
        return estimator.score(X) if y is None else estimator.score(X, y)
    return estimator.score(X, y, sample_weight=sample_weight)


# The common scoring strings, computed with glassbox's own metrics; any other string
# goes to scikit-learn's ``get_scorer``.
_SCORERS = {
    "accuracy": _Scorer("accuracy", accuracy_score),
    "precision": _Scorer("precision", precision_score),
    "recall": _Scorer("recall", recall_score),
    "specificity": _Scorer("specificity", specificity_score),
    "f1": _Scorer("f1", f1_score),
    **{f"{name}_{average}": _Scorer(f"{name}_{average}", function, average=average)
       for name, function in (("precision", precision_score),
                              ("recall", recall_score),
                              ("specificity", specificity_score),
                              ("f1", f1_score))
       for average in ("macro", "micro", "weighted")},
    "roc_auc": _Scorer("roc_auc", roc_auc_score, _scores_for_auc),
    "roc_auc_ovr": _Scorer("roc_auc_ovr", roc_auc_score, _proba, multi_class="ovr"),
    "roc_auc_ovr_weighted": _Scorer("roc_auc_ovr_weighted", roc_auc_score, _proba,
                                    multi_class="ovr", average="weighted"),
    "neg_log_loss": _Scorer("neg_log_loss", log_loss, _proba, sign=-1, with_classes=True),
    "neg_mean_squared_error": _Scorer("neg_mean_squared_error", mean_squared_error,
                                      sign=-1),
}


def get_scorer(scoring):
    """The scorer named ``scoring`` (callables are returned unchanged).

    Parameters
    ----------
    scoring : str or callable
        A scoring name such as ``"accuracy"``, ``"f1_macro"``, ``"roc_auc"``,
        ``"neg_log_loss"``; names glassbox does not compute itself come from
        scikit-learn's ``get_scorer``.

    Returns
    -------
    scorer : callable ``scorer(estimator, X, y, sample_weight=None) -> float``

    See Also
    --------
    sklearn.metrics.get_scorer : The scikit-learn twin.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from glassbox.learn.neighbors import KNeighborsClassifier
    >>> from glassbox.learn.metrics import get_scorer
    >>> X, y = load_iris(return_X_y=True)
    >>> model = KNeighborsClassifier().fit(X, y)
    >>> round(get_scorer("f1_macro")(model, X, y), 4)
    0.9667
    """
    if callable(scoring):
        return scoring
    if isinstance(scoring, str):
        if scoring in _SCORERS:
            return _SCORERS[scoring]
        from sklearn.metrics import get_scorer as sklearn_get_scorer  # the rarer scorers

        return sklearn_get_scorer(scoring)
    raise ValueError(
        "scoring must be None, a string, a callable (estimator, X, y) -> float, or a "
        f"list/dict of those; got scoring={scoring!r}."
    )
