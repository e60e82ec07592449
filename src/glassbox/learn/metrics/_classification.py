"""Classification metrics from the confusion matrix (``sklearn.metrics._classification``).

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

``log_loss`` (the cross-entropy of predicted probabilities) sits here too, as in
scikit-learn.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils import check_consistent_length, column_or_1d

from glassbox.learn.metrics._checks import (
    _check_finite,
    _check_sample_weight,
    _check_set_wise_labels,
    _check_targets,
    _check_zero_division,
    _label_indices,
)


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
    unit_weights = sample_weight is None
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
    if unit_weights:
        counts = np.bincount(flat_index, minlength=n_labels * n_labels).astype(np.int64)
    elif sample_weight.dtype.kind in "iub":
        # whole-number weights summed in int64, exactly (and wrapping as scikit-learn's)
        counts = np.zeros(n_labels * n_labels, dtype=np.int64)
        np.add.at(counts, flat_index, sample_weight[kept].astype(np.int64))
    else:
        counts = np.bincount(flat_index, weights=sample_weight[kept].astype(np.float64),
                             minlength=n_labels * n_labels)
    cm = counts.reshape(n_labels, n_labels)  # (true class, predicted class)
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
# Losses
# ---------------------------------------------------------------------------
def log_loss(y_true, y_proba=None, *, normalize=True, sample_weight=None, labels=None,
             y_pred="deprecated"):
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
    y_pred : array-like, deprecated
        The old name of ``y_proba`` (scikit-learn <= 1.8); accepted with a
        ``FutureWarning``, as scikit-learn 1.9 does.

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
    if not (isinstance(y_pred, str) and y_pred == "deprecated"):
        if y_proba is not None:
            raise ValueError("Cannot use both `y_pred` and `y_proba`. `y_pred` is deprecated, "
                             "use `y_proba` instead.")
        warnings.warn("`y_pred` was renamed to `y_proba` in version 1.9 and will be removed "
                      "in 1.11. Use `y_proba` instead.", FutureWarning, stacklevel=2)
        y_proba = y_pred
    y_proba = np.asarray(y_proba)
    if y_proba.dtype.kind not in "f":
        y_proba = y_proba.astype(np.float64)
    _check_finite(y_proba)
    if y_proba.max() > 1:
        raise ValueError(f"y_prob contains values greater than 1: {y_proba.max()}")
    if y_proba.min() < 0:
        raise ValueError(f"y_prob contains values lower than 0: {y_proba.min()}")
    y_true = column_or_1d(y_true)
    check_consistent_length(y_proba, y_true, sample_weight)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight)
    if labels is not None:
        classes = np.unique(labels)
        if len(labels) == len(classes) and list(np.asarray(labels)) != list(classes):
            warnings.warn(
                f"Labels passed were {list(np.asarray(labels).tolist())}. But this function "
                "assumes labels are ordered lexicographically. Pass the ordered "
                f"labels={classes.tolist()} and ensure that the columns of y_prob correspond "
                "to this ordering.", UserWarning, stacklevel=2)
        if not np.all(np.isin(y_true, labels)):
            raise ValueError(
                f"y_true contains values {set(y_true.tolist()) - set(np.asarray(labels).tolist())}"
                f" not belonging to the passed labels {list(np.asarray(labels).tolist())}."
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


