"""Ranking metrics: scores instead of labels (``sklearn.metrics._ranking``).

Sort the scores once and read the TP and FP counts at every distinct threshold from
cumulative sums: ROC curve, precision-recall curve, the area under them.
"""

from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils import check_consistent_length, column_or_1d
from sklearn.utils.multiclass import type_of_target

from glassbox.learn.metrics._checks import _AVERAGE_OPTIONS, _check_finite, _check_sample_weight


# ---------------------------------------------------------------------------
# Ranking metrics: scores instead of labels
# ---------------------------------------------------------------------------
def _check_pos_label(pos_label, y_true):
    """``pos_label``, or 1 when y_true is {0, 1} / {-1, 1} and none was given."""
    if pos_label is not None:
        return pos_label
    classes = np.unique(y_true)
    allowed = ([0, 1], [-1, 1], [0], [-1], [1])
    if classes.dtype.kind in "OUS" or not any(
        len(classes) == len(option) and np.all(classes == option) for option in allowed
    ):
        shown = ", ".join(repr(c) for c in classes.tolist())
        raise ValueError(
            f"y_true takes value in {{{shown}}} and pos_label is not specified: either "
            "make y_true take value in {0, 1} or {-1, 1} or pass pos_label explicitly."
        )
    return 1


def _binary_clf_curve(y_true, y_score, pos_label=None, sample_weight=None):
    """False and true positive counts at each distinct score threshold, high to low.

    Sort by score (descending); the cumulative sum of the positive (weights) up to
    position i is the TP count when every sample ranked <= i is called positive. Only
    the last position of each run of tied scores is a real threshold.

    Returns
    -------
    fps, tps, thresholds : ndarray of shape (n_thresholds,)
    """
    y_type = type_of_target(y_true, input_name="y_true")
    if not (y_type == "binary" or (y_type == "multiclass" and pos_label is not None)):
        raise ValueError(f"{y_type} format is not supported")
    check_consistent_length(y_true, y_score, sample_weight)
    y_true = column_or_1d(y_true)
    y_score = column_or_1d(y_score)
    _check_finite(y_score)
    pos_label = _check_pos_label(pos_label, y_true)
    y_true = (y_true == pos_label).astype(np.float64)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(column_or_1d(sample_weight)).astype(np.float64)
        nonzero = sample_weight != 0  # a zero-weight sample must not add a threshold
        y_true, y_score, sample_weight = y_true[nonzero], y_score[nonzero], sample_weight[nonzero]

    descending = np.argsort(y_score, kind="stable")[::-1]
    y_score = y_score[descending]
    y_true = y_true[descending]
    weight = 1.0 if sample_weight is None else sample_weight[descending]

    distinct = np.nonzero(np.diff(y_score))[0]  # last index of each run of ties
    threshold_idxs = np.concatenate([distinct, [y_true.size - 1]])
    tps = np.cumsum(y_true * weight)[threshold_idxs]
    if sample_weight is None:
        fps = 1 + threshold_idxs - tps  # samples called positive minus true positives
    else:
        fps = np.cumsum((1 - y_true) * weight)[threshold_idxs]
    return fps, tps, y_score[threshold_idxs]


def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate=True):
    """Receiver operating characteristic: TPR against FPR as the threshold falls.

    ``TPR = TP / (TP + FN)`` (recall), ``FPR = FP / (FP + TN)``, one point per distinct
    score, starting at (0, 0) with threshold ``inf``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels.
    y_score : array-like of shape (n_samples,)
        Scores, higher meaning more likely positive (probabilities or decisions).
    pos_label : int, float, bool or str, default=None
        The positive class; default 1 when labels are {0, 1} or {-1, 1}.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    drop_intermediate : bool, default=True
        Drop points on a straight segment (they do not change the curve or its area).

    Returns
    -------
    fpr, tpr : ndarray of shape (n_thresholds,)
    thresholds : ndarray of shape (n_thresholds,)
        Decreasing; ``thresholds[0] = inf``.

    See Also
    --------
    sklearn.metrics.roc_curve : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import roc_curve
    >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr, tpr
    (array([0. , 0. , 0.5, 0.5, 1. ]), array([0. , 0.5, 0.5, 1. , 1. ]))
    """
    fps, tps, thresholds = _binary_clf_curve(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and fps.shape[0] > 2:
        # A point is intermediate when both curves are straight there (2nd difference 0).
        keep = np.concatenate([[True], np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), [True]])
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    tps = np.concatenate([[0.0], tps])
    fps = np.concatenate([[0.0], fps])
    thresholds = np.concatenate([[np.inf], thresholds.astype(np.float64)])
    if fps[-1] <= 0:
        warnings.warn(
            "No negative samples in y_true, false positive value should be meaningless",
            UndefinedMetricWarning, stacklevel=2,
        )
        fpr = np.full(fps.shape, np.nan)
    else:
        fpr = fps / fps[-1]
    if tps[-1] <= 0:
        warnings.warn(
            "No positive samples in y_true, true positive value should be meaningless",
            UndefinedMetricWarning, stacklevel=2,
        )
        tpr = np.full(tps.shape, np.nan)
    else:
        tpr = tps / tps[-1]
    return fpr, tpr, thresholds


def precision_recall_curve(y_true, y_score, *, pos_label=None, sample_weight=None,
                           drop_intermediate=False):
    """Precision and recall at every distinct score threshold.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels.
    y_score : array-like of shape (n_samples,)
        Scores, higher meaning more likely positive.
    pos_label : int, float, bool or str, default=None
        The positive class.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    drop_intermediate : bool, default=False
        Drop thresholds where recall does not change (they add nothing to the curve).

    Returns
    -------
    precision, recall : ndarray of shape (n_thresholds + 1,)
        Ending with precision 1 and recall 0.
    thresholds : ndarray of shape (n_thresholds,)
        Increasing.

    See Also
    --------
    sklearn.metrics.precision_recall_curve : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import precision_recall_curve
    >>> precision, recall, thresholds = precision_recall_curve(
    ...     [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> precision, recall
    (array([0.5 , 0.666..., 0.5 , 1. , 1. ]), array([1. , 1. , 0.5, 0.5, 0. ]))
    """
    fps, tps, thresholds = _binary_clf_curve(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and fps.shape[0] > 2:
        keep = np.concatenate(
            [[True], np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])), [True]]
        )
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    predicted_positive = tps + fps
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted_positive != 0, tps / predicted_positive, 0.0)
    if tps[-1] == 0:
        warnings.warn(
            "No positive class found in y_true, recall is set to one for all thresholds.",
            stacklevel=2,
        )
        recall = np.ones(tps.shape)
    else:
        recall = tps / tps[-1]
    # Reverse so that recall decreases; append the (recall 0, precision 1) end point.
    return (np.concatenate([precision[::-1], [1.0]]), np.concatenate([recall[::-1], [0.0]]),
            thresholds[::-1])


def auc(x, y):
    """Area under a curve given by its points, by the trapezoidal rule.

    ``sum_i (x[i+1] - x[i]) (y[i] + y[i+1]) / 2``; ``x`` must be monotonic.

    Parameters
    ----------
    x : array-like of shape (n,)
        Increasing or decreasing abscissas (e.g. false positive rates).
    y : array-like of shape (n,)
        Ordinates.

    Returns
    -------
    auc : float

    See Also
    --------
    sklearn.metrics.auc : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import auc
    >>> auc([0.0, 0.5, 1.0], [0.0, 1.0, 1.0])
    0.75
    """
    check_consistent_length(x, y)
    x = column_or_1d(x)
    y = column_or_1d(y)
    if x.shape[0] < 2:
        raise ValueError(
            "At least 2 points are needed to compute area under curve, but x.shape = "
            f"{x.shape}"
        )
    direction = 1
    dx = np.diff(x)
    if np.any(dx < 0):
        if np.all(dx <= 0):
            direction = -1
        else:
            raise ValueError(f"x is neither increasing nor decreasing : {x}.")
    return float(direction * np.trapezoid(y, x))


def _binary_roc_auc(y_true, y_score, sample_weight=None, max_fpr=None):
    """Area under the ROC curve of 0/1 labels (NaN with a warning for one class)."""
    if len(np.unique(y_true)) != 2:
        warnings.warn(
            "Only one class is present in y_true. ROC AUC score is not defined in that "
            "case.",
            UndefinedMetricWarning, stacklevel=3,
        )
        return np.nan
    fpr, tpr, _ = roc_curve(y_true, y_score, sample_weight=sample_weight)
    if max_fpr is None or max_fpr == 1:
        return auc(fpr, tpr)
    if max_fpr <= 0 or max_fpr > 1:
        raise ValueError(f"Expected max_fpr in range (0, 1], got: {max_fpr!r}")
    # Partial AUC up to max_fpr, standardised (McClish) so 0.5 is chance and 1 perfect.
    stop = np.searchsorted(fpr, max_fpr, "right")
    tpr = np.append(tpr[:stop], np.interp(max_fpr, fpr[stop - 1:stop + 1],
                                          tpr[stop - 1:stop + 1]))
    fpr = np.append(fpr[:stop], max_fpr)
    partial_auc = auc(fpr, tpr)
    min_area = 0.5 * max_fpr**2
    max_area = max_fpr
    return 0.5 * (1 + (partial_auc - min_area) / (max_area - min_area))


def _one_vs_rest_average(y_true_onehot, y_score, average, sample_weight):
    """Binary ROC AUC of each column (one class against the rest), then averaged."""
    if average == "micro":
        # Pool every (sample, class) pair into one binary problem.
        weight = None if sample_weight is None else np.repeat(sample_weight,
                                                              y_true_onehot.shape[1])
        return float(_binary_roc_auc(y_true_onehot.ravel(), y_score.ravel(), weight))
    n_classes = y_score.shape[1]
    scores = np.array([
        _binary_roc_auc(y_true_onehot[:, c], y_score[:, c], sample_weight)
        for c in range(n_classes)
    ])
    if average is None:
        return scores
    if average == "weighted":
        weights = (y_true_onehot.sum(axis=0) if sample_weight is None
                   else (y_true_onehot * sample_weight[:, None]).sum(axis=0))
        if np.isclose(np.sum(weights), 0):
            return 0
        scores[weights == 0] = 0
        return float(np.average(scores, weights=weights))
    return float(np.mean(scores))


def roc_auc_score(y_true, y_score, *, average="macro", sample_weight=None, max_fpr=None,
                  multi_class="raise", labels=None):
    """Area under the ROC curve: the chance that a random positive outscores a random negative.

    Binary: ``y_score`` is the score of the greater label. Multiclass: ``y_score`` holds
    class probabilities of shape (n_samples, n_classes) and ``multi_class`` is
    ``"ovr"`` (each class against the rest, averaged by ``average``) or ``"ovo"`` (every
    pair of classes, averaged).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
        Scores or probabilities.
    average : {"micro", "macro", "weighted"} or None, default="macro"
        Averaging over classes (multiclass only).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    max_fpr : float in (0, 1], default=None
        Binary only: standardised partial AUC up to this false positive rate.
    multi_class : {"raise", "ovr", "ovo"}, default="raise"
        Multiclass scheme; "raise" refuses multiclass input.
    labels : array-like of shape (n_classes,), default=None
        Multiclass only: the classes of the columns of ``y_score``, sorted.

    Returns
    -------
    auc : float (NaN with an ``UndefinedMetricWarning`` when y_true has one class)

    See Also
    --------
    sklearn.metrics.roc_auc_score : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import roc_auc_score
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y_type = type_of_target(y_true, input_name="y_true")
    y_true = column_or_1d(y_true)
    y_score = np.asarray(y_score, dtype=np.float64)
    _check_finite(y_score)
    multiclass = y_type == "multiclass" or (
        y_type == "binary" and y_score.ndim == 2 and y_score.shape[1] > 2
    )
    if sample_weight is not None and not (multiclass and multi_class == "ovo"):
        # (one-vs-one refuses any sample_weight below, with scikit-learn's message)
        sample_weight = _check_sample_weight(column_or_1d(sample_weight)).astype(np.float64)
        check_consistent_length(y_true, y_score, sample_weight)
    check_consistent_length(y_true, y_score)
    if not multiclass:
        if y_type != "binary":
            raise ValueError(f"{y_type} format is not supported")
        if average not in _AVERAGE_OPTIONS:
            raise ValueError(f"average has to be one of {_AVERAGE_OPTIONS}")
        classes = np.unique(y_true)
        y_true_positive = (y_true == classes[-1]).astype(int) if len(classes) == 2 else (
            np.zeros(len(y_true), dtype=int))
        return _binary_roc_auc(y_true_positive, column_or_1d(y_score), sample_weight, max_fpr)

    if max_fpr is not None and max_fpr != 1.0:
        raise ValueError(
            "Partial AUC computation not available in multiclass setting, 'max_fpr' must "
            f"be set to `None`, received `max_fpr={max_fpr}` instead"
        )
    if multi_class == "raise":
        raise ValueError("multi_class must be in ('ovo', 'ovr')")
    if y_score.ndim != 2:
        raise ValueError(
            "`y_score` needs to be of shape `(n_samples, n_classes)`, since `y_true` "
            f"contains multiple classes. Got `y_score.shape={y_score.shape}`."
        )
    if not np.allclose(1, y_score.sum(axis=1)):
        raise ValueError(
            "Target scores need to be probabilities for multiclass roc_auc, i.e. they "
            "should sum up to 1.0 over classes"
        )
    average_options = ("macro", "weighted", None)
    if multi_class == "ovr":
        average_options = ("micro",) + average_options
    if average not in average_options:
        raise ValueError(f"average must be one of {average_options} for multiclass problems")
    if multi_class not in ("ovo", "ovr"):
        raise ValueError(
            f"multi_class='{multi_class}' is not supported for multiclass ROC AUC, "
            "multi_class must be in ('ovo', 'ovr')"
        )
    if average is None and multi_class == "ovo":
        raise NotImplementedError("average=None is not implemented for multi_class='ovo'.")
    if labels is not None:
        labels = column_or_1d(labels)
        classes = np.unique(labels)
        if len(classes) != len(labels):
            raise ValueError("Parameter 'labels' must be unique")
        if not np.array_equal(classes, labels):
            raise ValueError("Parameter 'labels' must be ordered")
        if len(classes) != y_score.shape[1]:
            raise ValueError(
                f"Number of given labels, {len(classes)}, not equal to the number of "
                f"columns in 'y_score', {y_score.shape[1]}"
            )
        if len(np.setdiff1d(y_true, classes)):
            raise ValueError("'y_true' contains labels not in parameter 'labels'")
    else:
        classes = np.unique(y_true)
        if len(classes) != y_score.shape[1]:
            raise ValueError(
                "Number of classes in y_true not equal to the number of columns in "
                "'y_score'"
            )
    # (n_samples, n_classes) 0/1 matrix: column c says "the sample is of class c".
    y_true_onehot = (y_true[:, None] == classes[None, :]).astype(int)
    if multi_class == "ovr":
        return _one_vs_rest_average(y_true_onehot, y_score, average, sample_weight)

    if sample_weight is not None:
        raise ValueError(
            "sample_weight is not supported for multiclass one-vs-one ROC AUC, "
            "'sample_weight' must be None in this case."
        )
    # One-vs-one (Hand & Till): for each pair (a, b), the samples of a or b only; the
    # AUC of "a vs b" by column a and of "b vs a" by column b, averaged.
    present = np.unique(np.searchsorted(classes, y_true))
    pair_scores, prevalence = [], []
    for a, b in combinations(present, 2):
        in_pair = (y_true_onehot[:, a] == 1) | (y_true_onehot[:, b] == 1)
        prevalence.append(np.mean(in_pair))
        a_vs_b = _binary_roc_auc(y_true_onehot[in_pair, a], y_score[in_pair, a])
        b_vs_a = _binary_roc_auc(y_true_onehot[in_pair, b], y_score[in_pair, b])
        pair_scores.append((a_vs_b + b_vs_a) / 2)
    weights = prevalence if average == "weighted" else None
    return float(np.average(pair_scores, weights=weights))


