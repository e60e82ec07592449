"""Classification and regression metrics, written to be read (the twin of ``sklearn.metrics``).

Every per-class score comes from one table: the *multilabel confusion matrix*, one 2x2
matrix per class, built by three ``np.bincount`` calls (class c is "positive", every
other class "negative")::

                      predicted c     predicted not c
    truly c               TP               FN
    truly not c           FP               TN

From it (course section 1.3.1)::

    accuracy    = (TP + TN) / (TP + FP + FN + TN)
    recall      = TP / (TP + FN)        (sensitivity, true positive rate)
    precision   = TP / (TP + FP)
    specificity = TN / (TN + FP)        (true negative rate)
    F-beta      = (1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP)

and ``average`` says how the per-class numbers become one: ``"binary"`` (only
``pos_label``), ``"macro"`` (plain mean), ``"weighted"`` (mean weighted by support),
``"micro"`` (sum TP, FP, FN over classes first, then divide) or ``None`` (one per class).

The ranking metrics (``roc_curve``, ``precision_recall_curve``, ``roc_auc_score``) sort
the scores once and read TP and FP counts at every distinct threshold from cumulative
sums.
"""

from __future__ import annotations

import numbers
import warnings
from itertools import combinations

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils import check_consistent_length, column_or_1d
from sklearn.utils.multiclass import type_of_target, unique_labels

__all__ = [
    "accuracy_score",
    "auc",
    "classification_report",
    "confusion_matrix",
    "f1_score",
    "fbeta_score",
    "log_loss",
    "mean_squared_error",
    "multilabel_confusion_matrix",
    "precision_recall_curve",
    "precision_recall_fscore_support",
    "precision_score",
    "recall_score",
    "roc_auc_score",
    "roc_curve",
    "specificity_score",
]

_AVERAGE_OPTIONS = (None, "micro", "macro", "weighted", "samples")


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------
def _check_targets(y_true, y_pred, sample_weight=None):
    """Return ``(y_type, present_labels, y_true, y_pred, sample_weight)`` for 1-D labels.

    ``y_type`` is ``"binary"`` or ``"multiclass"``; ``present_labels`` are the sorted
    labels seen in either array.
    """
    check_consistent_length(y_true, y_pred, sample_weight)
    if _is_integer_vector(y_true) and _is_integer_vector(y_pred) and len(y_true) > 0:
        # NOTE: fast path; 1-D integer labels are binary or multiclass, and which one is
        # decided below from the labels present (type_of_target would sort each array).
        type_true = type_pred = "binary"
    else:
        type_true = type_of_target(y_true, input_name="y_true")
        type_pred = type_of_target(y_pred, input_name="y_pred")
    if len(y_true) < 1:
        raise ValueError(
            "Found empty input array (e.g., `y_true` or `y_pred`) while a minimum of 1 "
            "sample is required."
        )
    y_types = {type_true, type_pred}
    if y_types == {"binary", "multiclass"}:
        y_types = {"multiclass"}
    if len(y_types) > 1:
        raise ValueError(
            f"Classification metrics can't handle a mix of {type_true} and {type_pred} "
            "targets"
        )
    y_type = y_types.pop()
    if y_type not in ("binary", "multiclass"):
        raise ValueError(
            f"{y_type} is not supported: glassbox metrics take 1-D class labels (binary "
            "or multiclass). Pass y_true and y_pred as arrays of shape (n_samples,)."
        )
    y_true = column_or_1d(y_true, input_name="y_true")
    y_pred = column_or_1d(y_pred, input_name="y_pred")
    present_labels = _present_labels(y_true, y_pred)
    if y_type == "binary" and len(present_labels) > 2:
        y_type = "multiclass"
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight)
    return y_type, present_labels, y_true, y_pred, sample_weight


def _is_integer_vector(y):
    return isinstance(y, np.ndarray) and y.ndim == 1 and y.dtype.kind in "iu"


def _present_labels(y_true, y_pred):
    """Sorted labels found in either array (``unique_labels``, faster for small ints)."""
    if y_true.dtype.kind in "iu" and y_pred.dtype.kind in "iu":
        low = min(y_true.min(), y_pred.min())
        high = max(y_true.max(), y_pred.max())
        if int(high) - int(low) <= 2 * len(y_true) + 1000:
            # Integer labels in a modest range: a bincount replaces two sorts.
            span = int(high) - int(low) + 1
            counts = (np.bincount((y_true - low).astype(np.intp), minlength=span)
                      + np.bincount((y_pred - low).astype(np.intp), minlength=span))
            return (np.flatnonzero(counts) + low).astype(np.result_type(y_true, y_pred))
    return unique_labels(y_true, y_pred)


def _check_sample_weight(sample_weight):
    """Sample weights as a 1-D array with at least one non-zero weight."""
    sample_weight = np.asarray(sample_weight)
    if sample_weight.ndim != 1:
        raise ValueError(
            "Sample weights must be 1D array or scalar, got a "
            f"{sample_weight.ndim}D array. Pass one weight per sample."
        )
    if np.all(sample_weight == 0):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return sample_weight


def _check_zero_division(zero_division):
    """The value a 0/0 score takes: 0.0 for "warn" and 0, 1.0 for 1, NaN for np.nan."""
    if isinstance(zero_division, str) and zero_division == "warn":
        return np.float64(0.0)
    if isinstance(zero_division, numbers.Real) and not isinstance(zero_division, bool):
        if zero_division in (0, 1):
            return np.float64(zero_division)
        if np.isnan(zero_division):
            return np.float64(np.nan)
    raise ValueError(
        "The 'zero_division' parameter must be 'warn', 0.0, 1.0 or np.nan. "
        f"Got zero_division={zero_division!r} instead."
    )


def _check_average(average, allowed=_AVERAGE_OPTIONS + ("binary",)):
    if average not in allowed:
        raise ValueError(
            f"average has to be one of {_AVERAGE_OPTIONS}; got average={average!r}. "
            "Use average='binary' for one class, 'macro'/'weighted'/'micro' to average "
            "over classes or None for per-class scores."
        )


def _check_set_wise_labels(y_true, y_pred, average, labels, pos_label, sample_weight=None):
    """Validate the targets once; the labels to score are ``[pos_label]`` for
    ``average="binary"``, else ``labels``.

    Returns ``(labels, present_labels, y_true, y_pred, sample_weight)``.
    """
    _check_average(average)
    if average == "samples":
        raise ValueError(
            "Samplewise metrics are not available outside of multilabel classification."
        )
    y_type, present_labels, y_true, y_pred, sample_weight = _check_targets(
        y_true, y_pred, sample_weight)
    if average == "binary":
        if y_type == "binary":
            if pos_label not in present_labels and len(present_labels) >= 2:
                raise ValueError(
                    f"pos_label={pos_label} is not a valid label. It should be one of "
                    f"{present_labels}"
                )
            labels = [pos_label]
        else:
            raise ValueError(
                f"Target is {y_type} but average='binary'. Please choose another average "
                "setting, one of [None, 'micro', 'macro', 'weighted']."
            )
    elif pos_label not in (None, 1):
        warnings.warn(
            f"Note that pos_label (set to {pos_label!r}) is ignored when average != "
            f"'binary' (got {average!r}). You may use labels=[pos_label] to specify a "
            "single positive class.",
            UserWarning,
            stacklevel=3,
        )
    return labels, present_labels, y_true, y_pred, sample_weight


def _label_indices(values, labels):
    """Position of each value in ``labels`` (any order), or ``len(labels)`` if absent.

    One sort of ``labels`` and one binary search per value, instead of a Python dict
    lookup per sample.
    """
    labels = np.asarray(labels)
    values = np.asarray(values)
    sorter = np.argsort(labels, kind="stable")
    position = np.searchsorted(labels, values, sorter=sorter)
    position = np.minimum(position, len(labels) - 1)  # values beyond the last label
    index = sorter[position]
    found = labels[index] == values
    return np.where(found, index, len(labels))


# ---------------------------------------------------------------------------
# The core: one 2x2 confusion matrix per class
# ---------------------------------------------------------------------------
def multilabel_confusion_matrix(y_true, y_pred, *, sample_weight=None, labels=None,
                                samplewise=False):
    """One-vs-rest confusion matrix of every class: ``[[TN, FP], [FN, TP]]`` per label.

    For class c, the samples labelled c are the positives; with weights ``w``::

        TP_c = sum(w[y_true == c and y_pred == c])
        FP_c = sum(w[y_pred == c]) - TP_c
        FN_c = sum(w[y_true == c]) - TP_c
        TN_c = sum(w) - TP_c - FP_c - FN_c

    The three sums are three ``np.bincount`` calls over class indices.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    labels : array-like of shape (n_labels,), default=None
        Classes to report, in this order; default: every label in either array, sorted.
    samplewise : bool, default=False
        Only for multilabel data, which glassbox does not take; ``True`` raises.

    Returns
    -------
    multi_confusion : ndarray of shape (n_labels, 2, 2)
        ``multi_confusion[c] = [[TN, FP], [FN, TP]]`` of class ``labels[c]``.

    See Also
    --------
    sklearn.metrics.multilabel_confusion_matrix : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import multilabel_confusion_matrix
    >>> multilabel_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    array([[[3, 0],
            [0, 1]],
    <BLANKLINE>
           [[2, 0],
            [1, 1]],
    <BLANKLINE>
           [[2, 1],
            [0, 1]]])
    """
    y_type, present_labels, y_true, y_pred, sample_weight = _check_targets(
        y_true, y_pred, sample_weight
    )
    if samplewise:
        raise ValueError(
            "Samplewise metrics are not available outside of multilabel classification."
        )
    return _per_class_confusion(y_true, y_pred, sample_weight, labels, present_labels)


def _per_class_confusion(y_true, y_pred, sample_weight, labels, present_labels):
    """The core of :func:`multilabel_confusion_matrix`, on validated 1-D arrays."""
    labels = present_labels if labels is None else np.asarray(labels)
    # Every label (the requested ones and the others present) gets a bin, so samples
    # of a label not requested still count towards TN of the requested ones.
    all_labels = np.unique(np.concatenate([np.asarray(labels), present_labels]))
    n_bins = len(all_labels)
    true_index = np.searchsorted(all_labels, y_true)
    pred_index = np.searchsorted(all_labels, y_pred)

    correct = true_index == pred_index
    weights_correct = None if sample_weight is None else sample_weight[correct]
    tp_sum = np.bincount(true_index[correct], weights=weights_correct, minlength=n_bins)
    if not np.any(correct):
        # NOTE: scikit-learn's TP counts are float zeros when no prediction is right, which
        # makes the whole matrix float (and a report prints support "1.0"); kept for parity.
        tp_sum = np.zeros(n_bins)
    pred_sum = np.bincount(pred_index, weights=sample_weight, minlength=n_bins)
    true_sum = np.bincount(true_index, weights=sample_weight, minlength=n_bins)

    selected = np.searchsorted(all_labels, labels)
    tp = tp_sum[selected]
    fp = pred_sum[selected] - tp
    fn = true_sum[selected] - tp
    total = len(y_true) if sample_weight is None else np.sum(sample_weight)
    tn = total - tp - fp - fn
    # (n_labels, 4) -> (n_labels, 2, 2)
    return np.stack([tn, fp, fn, tp]).T.reshape(-1, 2, 2)


def _divide(numerator, denominator, metric, modifier, average, warn_for, zero_division):
    """``numerator / denominator`` with 0/0 set to ``zero_division`` (and a warning).

    Warns (``UndefinedMetricWarning``) only when ``zero_division="warn"`` and ``metric``
    is one the caller asked to be warned about.
    """
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64).copy()
    undefined = denominator == 0
    denominator[undefined] = 1  # avoid 0/0, fixed just below
    result = numerator / denominator
    if not np.any(undefined):
        return result
    result[undefined] = _check_zero_division(zero_division)
    if isinstance(zero_division, str) and zero_division == "warn" and metric in warn_for:
        if result.shape[0] == 1:
            where = "due to"
        else:
            where = "in labels with"
        warnings.warn(
            f"{metric.capitalize()} is ill-defined and being set to 0.0 {where} no "
            f"{modifier} samples. Use `zero_division` parameter to control this behavior.",
            UndefinedMetricWarning,
            stacklevel=4,
        )
    return result


def _nanaverage(scores, weights=None):
    """Mean of the non-NaN ``scores`` (weighted if ``weights``; plain if they sum to 0)."""
    if scores.shape[0] == 0:
        return np.nan
    defined = ~np.isnan(scores)
    if not np.any(defined):
        return np.nan
    if weights is None:
        return np.mean(scores[defined])
    weights = np.asarray(weights, dtype=np.float64)[defined]
    if np.sum(weights) == 0:
        return np.mean(scores[defined])
    return np.average(scores[defined], weights=weights)


def precision_recall_fscore_support(y_true, y_pred, *, beta=1.0, labels=None, pos_label=1,
                                    average=None, warn_for=("precision", "recall", "f-score"),
                                    sample_weight=None, zero_division="warn"):
    """Precision, recall, F-beta and support of each class, or their average.

    ``precision = TP / (TP + FP)``, ``recall = TP / (TP + FN)``,
    ``F_beta = (1 + beta^2) TP / ((1 + beta^2) TP + beta^2 FN + FP)``,
    ``support = TP + FN`` (samples truly in the class). A score whose denominator is 0
    is set to ``zero_division`` (0 with an ``UndefinedMetricWarning`` for "warn";
    NaN scores are left out of an average).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    beta : float, default=1.0
        Weight of recall against precision in the F-score.
    labels : array-like, default=None
        Classes to score (and their order when ``average=None``); default all, sorted.
    pos_label : int, float, bool or str, default=1
        The positive class when ``average="binary"``.
    average : {"binary", "micro", "macro", "weighted"} or None, default=None
        How per-class scores are combined (see the module docstring).
    warn_for : tuple of str, default=("precision", "recall", "f-score")
        Which ill-defined scores warn.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    zero_division : {"warn", 0.0, 1.0, np.nan}, default="warn"
        Value of a 0/0 score.

    Returns
    -------
    precision, recall, fbeta_score : float or ndarray of shape (n_labels,)
    support : None or ndarray of shape (n_labels,)
        ``None`` when averaged.

    See Also
    --------
    sklearn.metrics.precision_recall_fscore_support : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import precision_recall_fscore_support
    >>> precision_recall_fscore_support([0, 1, 1, 2], [0, 1, 2, 2], average="macro")
    (0.8333..., 0.8333..., 0.7777..., None)
    """
    _check_zero_division(zero_division)
    if not isinstance(beta, numbers.Real) or beta < 0:
        raise ValueError(f"beta should be a float >= 0; got beta={beta!r}.")
    labels, present_labels, y_true, y_pred, sample_weight = _check_set_wise_labels(
        y_true, y_pred, average, labels, pos_label, sample_weight)
    confusion = _per_class_confusion(y_true, y_pred, sample_weight, labels, present_labels)
    tp_sum = confusion[:, 1, 1]
    pred_sum = tp_sum + confusion[:, 0, 1]  # TP + FP
    true_sum = tp_sum + confusion[:, 1, 0]  # TP + FN = support
    if average == "micro":
        # Pool the counts of every class, then divide once.
        tp_sum, pred_sum, true_sum = (np.array([s.sum()]) for s in (tp_sum, pred_sum, true_sum))

    precision = _divide(tp_sum, pred_sum, "precision", "predicted", average, warn_for,
                        zero_division)
    recall = _divide(tp_sum, true_sum, "recall", "true", average, warn_for, zero_division)
    if np.isposinf(beta):
        f_score = recall
    elif beta == 0:
        f_score = precision
    else:
        # F = (1 + b^2) P R / (b^2 P + R) = (1 + b^2) TP / (b^2 (TP + FN) + (TP + FP))
        beta2 = beta**2
        f_score = _divide(
            (1 + beta2) * tp_sum.astype(np.float64),
            beta2 * true_sum.astype(np.float64) + pred_sum.astype(np.float64),
            "f-score", "true nor predicted", average, warn_for, zero_division,
        )

    if average is None:
        return precision, recall, f_score, true_sum
    weights = true_sum if average == "weighted" else None
    return (
        float(_nanaverage(precision, weights)),
        float(_nanaverage(recall, weights)),
        float(_nanaverage(f_score, weights)),
        None,
    )


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                    sample_weight=None, zero_division="warn"):
    """Precision ``TP / (TP + FP)``: of the samples predicted positive, the share truly so.

    Parameters are those of :func:`precision_recall_fscore_support`.

    Returns
    -------
    precision : float or ndarray of shape (n_labels,)

    See Also
    --------
    sklearn.metrics.precision_score : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import precision_score
    >>> precision_score([0, 1, 1, 0], [1, 1, 0, 0])
    0.5
    """
    precision, _, _, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        warn_for=("precision",), sample_weight=sample_weight, zero_division=zero_division,
    )
    return precision


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                 sample_weight=None, zero_division="warn"):
    """Recall (sensitivity, TPR) ``TP / (TP + FN)``: of the true positives, the share found.

    Parameters are those of :func:`precision_recall_fscore_support`.

    Returns
    -------
    recall : float or ndarray of shape (n_labels,)

    See Also
    --------
    sklearn.metrics.recall_score : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import recall_score
    >>> recall_score([0, 1, 1, 1], [1, 1, 0, 1])
    0.666...
    """
    _, recall, _, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        warn_for=("recall",), sample_weight=sample_weight, zero_division=zero_division,
    )
    return recall


def specificity_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                      sample_weight=None, zero_division="warn"):
    """Specificity (true negative rate) ``TN / (TN + FP)``: of the negatives, the share kept.

    For a multiclass problem each class is scored one-vs-rest and ``average`` combines
    them exactly as in :func:`recall_score` (``"weighted"`` weighs class c by its
    support ``TP_c + FN_c``; ``"micro"`` pools TN and FP over classes). For a binary
    problem, the specificity of ``pos_label`` is the recall of the other class.
    A 0/0 (no negative samples) is set to ``zero_division``.

    Parameters are those of :func:`precision_recall_fscore_support`.

    Returns
    -------
    specificity : float or ndarray of shape (n_labels,)

    See Also
    --------
    recall_score : Sensitivity, the true positive rate.
    sklearn.metrics.recall_score : scikit-learn has no specificity; it is the recall
        of the flipped problem (``pos_label`` set to the negative class).

    Examples
    --------
    >>> from glassbox.learn.metrics import specificity_score
    >>> specificity_score([0, 0, 0, 1], [0, 1, 0, 1])
    0.666...
    """
    _check_zero_division(zero_division)
    labels, present_labels, y_true, y_pred, sample_weight = _check_set_wise_labels(
        y_true, y_pred, average, labels, pos_label, sample_weight)
    confusion = _per_class_confusion(y_true, y_pred, sample_weight, labels, present_labels)
    tn_sum = confusion[:, 0, 0]
    negative_sum = tn_sum + confusion[:, 0, 1]  # TN + FP: samples truly not in the class
    support = confusion[:, 1, 1] + confusion[:, 1, 0]
    if average == "micro":
        tn_sum, negative_sum = np.array([tn_sum.sum()]), np.array([negative_sum.sum()])
    specificity = _divide(tn_sum, negative_sum, "specificity", "negative", average,
                          ("specificity",), zero_division)
    if average is None:
        return specificity
    weights = support if average == "weighted" else None
    return float(_nanaverage(specificity, weights))


def fbeta_score(y_true, y_pred, *, beta, labels=None, pos_label=1, average="binary",
                sample_weight=None, zero_division="warn"):
    """F-beta: the weighted harmonic mean of precision P and recall R.

    ``F_beta = (1 + beta^2) P R / (beta^2 P + R)``; ``beta > 1`` favours recall.
    Parameters are those of :func:`precision_recall_fscore_support`.

    Returns
    -------
    fbeta_score : float or ndarray of shape (n_labels,)

    See Also
    --------
    sklearn.metrics.fbeta_score : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import fbeta_score
    >>> round(fbeta_score([0, 1, 1, 1], [1, 1, 0, 1], beta=2), 4)
    0.6667
    """
    _, _, f_score, _ = precision_recall_fscore_support(
        y_true, y_pred, beta=beta, labels=labels, pos_label=pos_label, average=average,
        warn_for=("f-score",), sample_weight=sample_weight, zero_division=zero_division,
    )
    return f_score


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
             sample_weight=None, zero_division="warn"):
    """F1, the harmonic mean of precision and recall: ``2 P R / (P + R)``.

    Parameters are those of :func:`precision_recall_fscore_support`.

    Returns
    -------
    f1_score : float or ndarray of shape (n_labels,)

    See Also
    --------
    sklearn.metrics.f1_score : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import f1_score
    >>> f1_score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], average="micro")
    0.333...
    """
    return fbeta_score(
        y_true, y_pred, beta=1, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )


def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None):
    """Accuracy: the (weighted) share of samples whose predicted label is the true one.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    normalize : bool, default=True
        If False, return the (weighted) number of correct samples instead.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    score : float

    See Also
    --------
    sklearn.metrics.accuracy_score : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import accuracy_score
    >>> accuracy_score([0, 1, 2, 3], [0, 2, 1, 3])
    0.5
    """
    _, _, y_true, y_pred, sample_weight = _check_targets(y_true, y_pred, sample_weight)
    correct = (y_true == y_pred).astype(np.float64)
    if normalize:
        return float(np.average(correct, weights=sample_weight))
    if sample_weight is None:
        return float(np.sum(correct))
    return float(np.dot(correct, sample_weight))


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None):
    """Confusion matrix ``C``: ``C[i, j]`` counts samples of class i predicted as class j.

    Built by one ``np.bincount`` over the flat index ``i * n_labels + j``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like of shape (n_classes,), default=None
        Classes (rows and columns, in this order); samples of other classes are dropped.
        Default: every label in either array, sorted.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    normalize : {"true", "pred", "all"}, default=None
        Divide by the row sums (recall per class on the diagonal), the column sums
        (precision) or the total.

    Returns
    -------
    C : ndarray of shape (n_classes, n_classes)

    See Also
    --------
    sklearn.metrics.confusion_matrix : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import confusion_matrix
    >>> confusion_matrix(["cat", "dog", "dog"], ["cat", "cat", "dog"])
    array([[1, 0],
           [1, 1]])
    """
    if normalize not in ("true", "pred", "all", None):
        raise ValueError(
            "normalize must be one of {'true', 'pred', 'all', None}; "
            f"got normalize={normalize!r}."
        )
    y_type, present_labels, y_true, y_pred, sample_weight = _check_targets(
        y_true, y_pred, sample_weight
    )
    if sample_weight is None:
        sample_weight = np.ones(y_true.shape[0], dtype=np.int64)
    if labels is None:
        labels = present_labels
    else:
        labels = np.asarray(labels)
        if labels.size == 0:
            raise ValueError("'labels' should contain at least one label.")
        if len(np.intersect1d(y_true, labels)) == 0:
            raise ValueError("At least one label specified must be in y_true")
    n_labels = labels.size
    true_index = _label_indices(y_true, labels)
    pred_index = _label_indices(y_pred, labels)
    kept = (true_index < n_labels) & (pred_index < n_labels)
    flat_index = true_index[kept] * n_labels + pred_index[kept]
    integer_weights = sample_weight.dtype.kind in "iub"
    counts = np.bincount(flat_index, weights=sample_weight[kept].astype(np.float64),
                         minlength=n_labels * n_labels)
    cm = counts.reshape(n_labels, n_labels)  # (true class, predicted class)
    cm = cm.astype(np.int64) if integer_weights else cm
    with np.errstate(all="ignore"):
        if normalize == "true":
            cm = cm / cm.sum(axis=1, keepdims=True)
        elif normalize == "pred":
            cm = cm / cm.sum(axis=0, keepdims=True)
        elif normalize == "all":
            cm = cm / cm.sum()
        cm = np.nan_to_num(cm)  # an empty row or column divides 0 by 0
    if cm.shape == (1, 1):
        warnings.warn(
            "A single label was found in 'y_true' and 'y_pred'. For the confusion matrix "
            "to have the correct shape, use the 'labels' parameter to pass all known "
            "labels.",
            UserWarning,
            stacklevel=2,
        )
    return cm


def classification_report(y_true, y_pred, *, labels=None, target_names=None,
                          sample_weight=None, digits=2, output_dict=False,
                          zero_division="warn"):
    """Text (or dict) report of precision, recall, F1 and support per class and averaged.

    The "accuracy" row replaces "micro avg" when every class is reported (micro-averaged
    precision, recall and F1 all equal accuracy then).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like of shape (n_labels,), default=None
        Classes to report.
    target_names : list of str of shape (n_labels,), default=None
        Display names of the classes.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    digits : int, default=2
        Digits of the floats in the text.
    output_dict : bool, default=False
        Return a dict ``{class: {"precision": ..., ...}, "accuracy": ..., ...}``.
    zero_division : {"warn", 0.0, 1.0, np.nan}, default="warn"
        Value of a 0/0 score.

    Returns
    -------
    report : str or dict

    See Also
    --------
    sklearn.metrics.classification_report : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import classification_report
    >>> print(classification_report([0, 1, 1], [0, 1, 0]))
                  precision    recall  f1-score   support
    <BLANKLINE>
               0       0.50      1.00      0.67         1
               1       1.00      0.50      0.67         2
    <BLANKLINE>
        accuracy                           0.67         3
       macro avg       0.75      0.75      0.67         3
    weighted avg       0.83      0.67      0.67         3
    <BLANKLINE>
    """
    y_type, present_labels, y_true, y_pred, sample_weight = _check_targets(
        y_true, y_pred, sample_weight
    )
    labels_given = labels is not None
    labels = np.asarray(labels) if labels_given else present_labels
    micro_is_accuracy = not labels_given or set(labels) >= set(present_labels)
    if target_names is not None and len(labels) != len(target_names):
        if labels_given:
            warnings.warn(
                f"labels size, {len(labels)}, does not match size of target_names, "
                f"{len(target_names)}",
                stacklevel=2,
            )
        else:
            raise ValueError(
                f"Number of classes, {len(labels)}, does not match size of target_names, "
                f"{len(target_names)}. Try specifying the labels parameter"
            )
    if target_names is None:
        target_names = [f"{label}" for label in labels]

    headers = ["precision", "recall", "f1-score", "support"]
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, average=None, sample_weight=sample_weight,
        zero_division=zero_division,
    )
    rows = list(zip(target_names, precision, recall, f1, support))
    averages = {}
    for average in ("micro", "macro", "weighted"):
        heading = "accuracy" if average == "micro" and micro_is_accuracy else f"{average} avg"
        avg_precision, avg_recall, avg_f1, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average=average, sample_weight=sample_weight,
            zero_division=zero_division,
        )
        averages[heading] = [avg_precision, avg_recall, avg_f1, np.sum(support)]

    if output_dict:
        report = {
            name: dict(zip(headers, [float(value) for value in scores]))
            for name, *scores in rows
        }
        for heading, scores in averages.items():
            report[heading] = dict(zip(headers, [float(value) for value in scores]))
        if "accuracy" in report:
            report["accuracy"] = report["accuracy"]["precision"]
        return report

    width = max(max(len(name) for name in target_names), len("weighted avg"), digits)
    head_fmt = "{:>{width}s} " + " {:>9}" * len(headers)
    row_fmt = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    text = head_fmt.format("", *headers, width=width) + "\n\n"
    for row in rows:
        text += row_fmt.format(*row, width=width, digits=digits)
    text += "\n"
    for heading, scores in averages.items():
        if heading == "accuracy":
            # Only the F1 column (= accuracy) and the support are shown.
            accuracy_fmt = ("{:>{width}s} " + " {:>9.{digits}}" * 2 + " {:>9.{digits}f}"
                            + " {:>9}\n")
            text += accuracy_fmt.format(heading, "", "", *scores[2:], width=width,
                                        digits=digits)
        else:
            text += row_fmt.format(heading, *scores, width=width, digits=digits)
    return text


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
    if not np.all(np.isfinite(y_score)):
        raise ValueError("Input y_score contains NaN or infinity; pass finite scores.")
    pos_label = _check_pos_label(pos_label, y_true)
    y_true = (y_true == pos_label).astype(np.float64)
    if sample_weight is not None:
        sample_weight = column_or_1d(sample_weight).astype(np.float64)
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
    if not np.all(np.isfinite(y_score)):
        raise ValueError("Input y_score contains NaN or infinity; pass finite scores.")
    if sample_weight is not None:
        sample_weight = column_or_1d(sample_weight).astype(np.float64)
    check_consistent_length(y_true, y_score, sample_weight)
    multiclass = y_type == "multiclass" or (
        y_type == "binary" and y_score.ndim == 2 and y_score.shape[1] > 2
    )
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


# ---------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------
def log_loss(y_true, y_proba=None, *, normalize=True, sample_weight=None, labels=None):
    """Cross-entropy of predicted probabilities: ``-mean_i sum_k y_ik log p_ik``.

    Probabilities are clipped to ``[eps, 1 - eps]`` (eps of their float type) so that a
    confident mistake costs a large but finite amount.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities, columns in sorted label order; a 1-D array is the
        probability of the greater class of a binary problem.
    normalize : bool, default=True
        Mean over samples if True, else the sum.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    labels : array-like, default=None
        All the classes, when y_true does not contain them all.

    Returns
    -------
    loss : float

    See Also
    --------
    sklearn.metrics.log_loss : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.metrics import log_loss
    >>> round(log_loss(["spam", "ham", "ham", "spam"],
    ...                [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]), 4)
    0.2162
    """
    y_proba = np.asarray(y_proba)
    if y_proba.dtype.kind not in "f":
        y_proba = y_proba.astype(np.float64)
    if not np.all(np.isfinite(y_proba)):
        raise ValueError("Input y_proba contains NaN or infinity; pass finite probabilities.")
    if y_proba.max() > 1:
        raise ValueError(f"y_prob contains values greater than 1: {y_proba.max()}")
    if y_proba.min() < 0:
        raise ValueError(f"y_prob contains values lower than 0: {y_proba.min()}")
    y_true = column_or_1d(y_true)
    check_consistent_length(y_proba, y_true, sample_weight)
    if labels is not None:
        classes = np.unique(labels)
        if not np.all(np.isin(y_true, labels)):
            raise ValueError(
                f"y_true contains values {set(y_true) - set(labels)} not belonging to the "
                f"passed labels {labels}."
            )
    else:
        classes = np.unique(y_true)
    if classes.shape[0] == 1:
        if labels is None:
            raise ValueError(
                f"y_true contains only one label ({classes[0]}). Please provide the list "
                "of all expected class labels explicitly through the labels argument."
            )
        raise ValueError(f"The labels array needs to contain at least two labels, got {classes}.")
    # (n_samples, n_classes) one-hot targets
    y_onehot = (y_true[:, None] == classes[None, :]).astype(y_proba.dtype)
    if y_proba.ndim == 1:
        y_proba = y_proba[:, None]
    if y_proba.shape[1] == 1:
        y_proba = np.concatenate([1 - y_proba, y_proba], axis=1)
    eps = np.finfo(y_proba.dtype).eps
    if not np.all(np.isclose(y_proba.sum(axis=1), 1, rtol=np.sqrt(eps))):
        warnings.warn(
            "The y_prob values do not sum to one. Make sure to pass probabilities.",
            UserWarning, stacklevel=2,
        )
    if classes.shape[0] != y_proba.shape[1]:
        if labels is None:
            raise ValueError(
                "y_true and y_prob contain different number of classes: "
                f"{classes.shape[0]} vs {y_proba.shape[1]}. Please provide the true labels "
                f"explicitly through the labels argument. Classes found in y_true: {classes}"
            )
        raise ValueError(
            "The number of classes in labels is different from that in y_prob. Classes "
            f"found in labels: {classes}"
        )
    y_proba = np.clip(y_proba, eps, 1 - eps)
    # Only the true class contributes: y_ik log p_ik with y_ik in {0, 1}.
    loss = -np.sum(y_onehot * np.log(y_proba), axis=1)
    if normalize:
        return float(np.average(loss, weights=sample_weight))
    return float(np.sum(loss) if sample_weight is None else np.dot(loss, sample_weight))


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
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
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
