"""Rates of a binary classifier, computed per protected group: the fairness vocabulary.

Every fairness criterion of the course compares one rate across groups:

===================================  ==========================  =========================
rate (one group)                     formula                     equal across groups is
===================================  ==========================  =========================
:func:`selection_rate`               P(h = 1)                    demographic parity
:func:`true_positive_rate`           P(h = 1 | y = 1)            equal opportunity
:func:`false_positive_rate`          P(h = 1 | y = 0)            (with TPR) equalized odds
:func:`false_negative_rate`          P(h = 0 | y = 1)            = 1 - TPR
:func:`true_negative_rate`           P(h = 0 | y = 0)            = 1 - FPR
:func:`positive_predictive_value`    P(y = 1 | h = 1)            predictive parity
===================================  ==========================  =========================

Each rate is a ratio of (weighted) counts of the confusion matrix. A rate whose
denominator is empty (a group with no positives has no true positive rate) is 0.0, the
convention of scikit-learn's ``confusion_matrix(normalize="true")`` that fairlearn
inherits. The ``*_difference`` and ``*_ratio`` functions summarise a rate's spread over
the groups with :class:`~glassbox.fairness.MetricFrame`; all are equal to fairlearn's
functions of the same names.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "selection_rate", "true_positive_rate", "false_positive_rate", "true_negative_rate",
    "false_negative_rate", "positive_predictive_value", "count", "mean_prediction",
    "demographic_parity_difference", "demographic_parity_ratio",
    "equalized_odds_difference", "equalized_odds_ratio",
    "equal_opportunity_difference", "equal_opportunity_ratio",
    "predictive_parity_difference", "predictive_parity_ratio", "calibration_by_group",
]


def _1d(name: str, values: Any) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim == 2 and 1 in array.shape:
        array = array.ravel()
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, received an array of shape "
                         f"{array.shape}.")
    return array


def _weights(sample_weight: Any, n: int) -> np.ndarray:
    if sample_weight is None:
        return np.ones(n)
    weight = _1d("sample_weight", sample_weight).astype(np.float64)
    if len(weight) != n:
        raise ValueError(f"sample_weight has {len(weight)} entries, expected one per sample "
                         f"({n}).")
    return weight


def _binary_pos_label(y_true: np.ndarray, y_pred: np.ndarray, pos_label: Any) -> Any:
    """The positive label; with ``pos_label=None`` the labels must be {0, 1} or {-1, 1}."""
    labels = set(np.unique(np.concatenate([y_true, y_pred])).tolist())
    if len(labels) > 2:
        raise ValueError(f"These rates are defined for binary labels, received "
                         f"{len(labels)} distinct values: {sorted(labels, key=str)}.")
    if pos_label is None:
        if not (labels <= {0, 1} or labels <= {-1, 1}):
            raise ValueError(f"If pos_label is not specified, values must be from {{0, 1}} or "
                             f"{{-1, 1}}; received {sorted(labels, key=str)}. Pass pos_label.")
        return 1
    if len(labels) == 2 and pos_label not in labels:
        raise ValueError(f"pos_label={pos_label!r} is not one of the labels "
                         f"{sorted(labels, key=str)}.")
    return pos_label


def _rate(numerator: np.ndarray, denominator: np.ndarray, weight: np.ndarray) -> float:
    """sum(w over numerator rows) / sum(w over denominator rows); 0.0 if the latter is 0."""
    total = weight[denominator].sum()
    if total == 0:
        return 0.0  # scikit-learn's convention for an empty row of the confusion matrix
    return float(weight[numerator].sum() / total)


def _confusion(y_true, y_pred, sample_weight, pos_label):
    """Boolean masks (truly positive, predicted positive) and the weights."""
    y_true, y_pred = _1d("y_true", y_true), _1d("y_pred", y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred have different lengths: {len(y_true)} and "
                         f"{len(y_pred)}.")
    pos_label = _binary_pos_label(y_true, y_pred, pos_label)
    return y_true == pos_label, y_pred == pos_label, _weights(sample_weight, len(y_true))


def true_positive_rate(y_true, y_pred, sample_weight=None, pos_label=None) -> float:
    """TPR = TP / (TP + FN) = P(h = 1 | y = 1): recall, sensitivity, hit rate.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Binary labels; with ``pos_label=None`` they must be in {0, 1} or {-1, 1}.
    sample_weight : array-like of shape (n_samples,), optional
    pos_label : scalar, optional
        The positive label (1 by default).

    See Also
    --------
    fairlearn.metrics.true_positive_rate

    Examples
    --------
    >>> true_positive_rate([1, 1, 1, 0], [1, 0, 1, 1])
    0.6666666666666666
    """
    positive, predicted, weight = _confusion(y_true, y_pred, sample_weight, pos_label)
    return _rate(positive & predicted, positive, weight)


def false_negative_rate(y_true, y_pred, sample_weight=None, pos_label=None) -> float:
    """FNR = FN / (TP + FN) = P(h = 0 | y = 1): the miss rate, 1 - TPR.

    See Also
    --------
    fairlearn.metrics.false_negative_rate

    Examples
    --------
    >>> false_negative_rate([1, 1, 1, 0], [1, 0, 1, 1])
    0.3333333333333333
    """
    positive, predicted, weight = _confusion(y_true, y_pred, sample_weight, pos_label)
    return _rate(positive & ~predicted, positive, weight)


def false_positive_rate(y_true, y_pred, sample_weight=None, pos_label=None) -> float:
    """FPR = FP / (FP + TN) = P(h = 1 | y = 0): the fall-out.

    See Also
    --------
    fairlearn.metrics.false_positive_rate

    Examples
    --------
    >>> false_positive_rate([0, 0, 1, 0], [1, 0, 1, 0])
    0.3333333333333333
    """
    positive, predicted, weight = _confusion(y_true, y_pred, sample_weight, pos_label)
    return _rate(~positive & predicted, ~positive, weight)


def true_negative_rate(y_true, y_pred, sample_weight=None, pos_label=None) -> float:
    """TNR = TN / (FP + TN) = P(h = 0 | y = 0): specificity, 1 - FPR.

    See Also
    --------
    fairlearn.metrics.true_negative_rate

    Examples
    --------
    >>> true_negative_rate([0, 0, 1, 0], [1, 0, 1, 0])
    0.6666666666666666
    """
    positive, predicted, weight = _confusion(y_true, y_pred, sample_weight, pos_label)
    return _rate(~positive & ~predicted, ~positive, weight)


def positive_predictive_value(y_true, y_pred, sample_weight=None, pos_label=None) -> float:
    """PPV = TP / (TP + FP) = P(y = 1 | h = 1): precision; equal across groups is
    *predictive parity* (0.0 when nothing is predicted positive, scikit-learn's
    ``precision_score(zero_division=0)``).

    See Also
    --------
    sklearn.metrics.precision_score

    Examples
    --------
    >>> positive_predictive_value([0, 1, 1, 0], [1, 1, 1, 0])
    0.6666666666666666
    """
    positive, predicted, weight = _confusion(y_true, y_pred, sample_weight, pos_label)
    return _rate(positive & predicted, predicted, weight)


def selection_rate(y_true, y_pred, *, pos_label: Any = 1, sample_weight=None) -> float:
    """P(h = pos_label): the fraction selected (``y_true`` is ignored).

    See Also
    --------
    fairlearn.metrics.selection_rate

    Examples
    --------
    >>> selection_rate(None, [1, 0, 0, 1, 1])
    0.6
    """
    selected = _1d("y_pred", y_pred) == pos_label
    if len(selected) == 0:
        raise ValueError("Empty y_pred passed to selection_rate function.")
    weight = _weights(sample_weight, len(selected))
    return float(np.dot(selected, weight) / weight.sum())


def count(y_true, y_pred) -> int:
    """The number of samples (per group, inside a MetricFrame).

    Examples
    --------
    >>> count([0, 1, 1], [1, 1, 0])
    3
    """
    y_true, y_pred = _1d("y_true", y_true), _1d("y_pred", y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred have different lengths: {len(y_true)} and "
                         f"{len(y_pred)}.")
    return len(y_true)


def mean_prediction(y_true, y_pred, sample_weight=None) -> float:
    """The (weighted) mean of ``y_pred`` (``y_true`` is ignored): the mean score.

    Examples
    --------
    >>> mean_prediction(None, [0.2, 0.4, 0.9])
    0.5
    """
    y_pred = _1d("y_pred", y_pred).astype(np.float64)
    weight = _weights(sample_weight, len(y_pred))
    return float(np.dot(y_pred, weight) / weight.sum())


# ---------------------------------------------------------------------------
# Disparities: one rate, summarised over the groups
# ---------------------------------------------------------------------------
def _frame(metric, y_true, y_pred, sensitive_features, sample_weight):
    from glassbox.fairness.metric_frame import MetricFrame

    return MetricFrame(metrics=metric, y_true=y_true, y_pred=y_pred,
                       sensitive_features=sensitive_features,
                       sample_params={"sample_weight": sample_weight})


def demographic_parity_difference(y_true, y_pred, *, sensitive_features,
                                  method: str = "between_groups", sample_weight=None) -> float:
    """max - min over groups of the selection rate P(h = 1 | A = a); 0 is parity.

    ``method="to_overall"``: the largest |rate of a group - overall rate| instead.

    See Also
    --------
    fairlearn.metrics.demographic_parity_difference

    Examples
    --------
    >>> demographic_parity_difference([0] * 4, [1, 1, 0, 1], sensitive_features=list("aabb"))
    0.5
    """
    frame = _frame(selection_rate, y_true, y_pred, sensitive_features, sample_weight)
    return frame.difference(method=method)


def demographic_parity_ratio(y_true, y_pred, *, sensitive_features,
                             method: str = "between_groups", sample_weight=None) -> float:
    """min / max over groups of the selection rate; 1 is parity (the "four-fifths rule"
    of US employment law asks for at least 0.8).

    See Also
    --------
    fairlearn.metrics.demographic_parity_ratio

    Examples
    --------
    >>> demographic_parity_ratio([0] * 4, [1, 1, 0, 1], sensitive_features=list("aabb"))
    0.5
    """
    frame = _frame(selection_rate, y_true, y_pred, sensitive_features, sample_weight)
    return frame.ratio(method=method)


def _odds_frame(y_true, y_pred, sensitive_features, sample_weight):
    from glassbox.fairness.metric_frame import MetricFrame

    return MetricFrame(
        metrics={"tpr": true_positive_rate, "fpr": false_positive_rate},
        y_true=y_true, y_pred=y_pred, sensitive_features=sensitive_features,
        sample_params={"tpr": {"sample_weight": sample_weight},
                       "fpr": {"sample_weight": sample_weight}})


def _check_agg(agg: str) -> None:
    if agg not in ("worst_case", "mean"):
        raise ValueError(f"agg must be one of 'worst_case' or 'mean', got {agg}")


def equalized_odds_difference(y_true, y_pred, *, sensitive_features,
                              method: str = "between_groups", sample_weight=None,
                              agg: str = "worst_case") -> float:
    """The larger (``agg="worst_case"``) or the mean (``agg="mean"``) of the TPR
    difference and the FPR difference between groups; 0 is equalized odds.

    See Also
    --------
    fairlearn.metrics.equalized_odds_difference

    Examples
    --------
    >>> equalized_odds_difference([1, 0, 1, 0], [1, 0, 0, 0], sensitive_features=list("aabb"))
    1.0
    """
    _check_agg(agg)
    differences = _odds_frame(y_true, y_pred, sensitive_features,
                              sample_weight).difference(method=method)
    values = [differences["tpr"], differences["fpr"]]
    # NOTE: Python's max, as fairlearn: a NaN TPR gap (no group has positives) wins.
    return max(values) if agg == "worst_case" else _nan_mean(values)


def equalized_odds_ratio(y_true, y_pred, *, sensitive_features,
                         method: str = "between_groups", sample_weight=None,
                         agg: str = "worst_case") -> float:
    """The smaller (``agg="worst_case"``) or the mean of the TPR ratio and the FPR
    ratio between groups; 1 is equalized odds.

    See Also
    --------
    fairlearn.metrics.equalized_odds_ratio

    Examples
    --------
    >>> equalized_odds_ratio([1, 0, 1, 0], [1, 1, 1, 0], sensitive_features=list("aabb"))
    0.0
    """
    _check_agg(agg)
    ratios = _odds_frame(y_true, y_pred, sensitive_features, sample_weight).ratio(method=method)
    values = [ratios["tpr"], ratios["fpr"]]
    # NOTE: Python's min, as fairlearn: a NaN TPR ratio (0 / 0) wins.
    return min(values) if agg == "worst_case" else _nan_mean(values)


def equal_opportunity_difference(y_true, y_pred, *, sensitive_features,
                                 method: str = "between_groups", sample_weight=None) -> float:
    """max - min over groups of the true positive rate; 0 is equal opportunity.

    See Also
    --------
    fairlearn.metrics.equal_opportunity_difference

    Examples
    --------
    >>> equal_opportunity_difference([1, 1, 1, 1], [1, 1, 1, 0],
    ...                              sensitive_features=list("aabb"))
    0.5
    """
    frame = _frame(true_positive_rate, y_true, y_pred, sensitive_features, sample_weight)
    return frame.difference(method=method)


def equal_opportunity_ratio(y_true, y_pred, *, sensitive_features,
                            method: str = "between_groups", sample_weight=None) -> float:
    """min / max over groups of the true positive rate; 1 is equal opportunity.

    See Also
    --------
    fairlearn.metrics.equal_opportunity_ratio

    Examples
    --------
    >>> equal_opportunity_ratio([1, 1, 1, 1], [1, 1, 1, 0], sensitive_features=list("aabb"))
    0.5
    """
    frame = _frame(true_positive_rate, y_true, y_pred, sensitive_features, sample_weight)
    return frame.ratio(method=method)


def predictive_parity_difference(y_true, y_pred, *, sensitive_features,
                                 method: str = "between_groups", sample_weight=None) -> float:
    """max - min over groups of the precision P(y = 1 | h = 1); 0 is predictive parity
    (a positive prediction means the same risk whatever the group).

    Examples
    --------
    >>> predictive_parity_difference([1, 0, 1, 1], [1, 1, 1, 1],
    ...                              sensitive_features=list("aabb"))
    0.5
    """
    frame = _frame(positive_predictive_value, y_true, y_pred, sensitive_features,
                   sample_weight)
    return frame.difference(method=method)


def predictive_parity_ratio(y_true, y_pred, *, sensitive_features,
                            method: str = "between_groups", sample_weight=None) -> float:
    """min / max over groups of the precision; 1 is predictive parity.

    Examples
    --------
    >>> predictive_parity_ratio([1, 0, 1, 1], [1, 1, 1, 1], sensitive_features=list("aabb"))
    0.5
    """
    frame = _frame(positive_predictive_value, y_true, y_pred, sensitive_features,
                   sample_weight)
    return frame.ratio(method=method)


def calibration_by_group(y_true, y_prob, *, sensitive_features, n_bins: int = 5,
                         strategy: str = "uniform") -> dict[Any, tuple[np.ndarray, np.ndarray]]:
    """For each group, the calibration curve: observed frequency of y = 1 against the
    mean predicted probability, in bins of the probability.

    A score is *calibrated within groups* when, in every group, the people given a
    probability p reoffend (say) with frequency p. With different base rates, this and
    equal error rates cannot both hold (Kleinberg et al. 2016; Chouldechova 2017).

    Returns
    -------
    curves : dict of group to (prob_true, prob_pred)
        What ``sklearn.calibration.calibration_curve`` returns on the group's rows.

    Examples
    --------
    >>> curves = calibration_by_group([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.7],
    ...                               sensitive_features=list("aabb"), n_bins=2)
    >>> [float(v) for v in curves["a"][0]]
    [0.0, 1.0]
    """
    from sklearn.calibration import calibration_curve

    from glassbox.fairness.metric_frame import _group_keys

    y_true, y_prob = _1d("y_true", y_true), _1d("y_prob", y_prob)
    keys, _ = _group_keys(sensitive_features, len(y_true))
    curves = {}
    for group in dict.fromkeys(keys):
        rows = np.array([key == group for key in keys])
        curves[group] = calibration_curve(y_true[rows], y_prob[rows], n_bins=n_bins,
                                          strategy=strategy)
    return dict(sorted(curves.items()))


def _nan_mean(values: list[float]) -> float:
    kept = [v for v in values if v == v]
    return sum(kept) / len(kept) if kept else float("nan")
