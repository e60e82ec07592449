"""Input checks shared by the metrics: label types, weights, averages."""

from __future__ import annotations

import inspect
import numbers
import warnings

import numpy as np
from sklearn.utils import check_consistent_length, column_or_1d
from sklearn.utils.multiclass import type_of_target, unique_labels

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
    y_true = _column(y_true, "y_true")
    y_pred = _column(y_pred, "y_pred")
    present_labels = _present_labels(y_true, y_pred)
    if y_type == "binary" and len(present_labels) > 2:
        y_type = "multiclass"
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight)
    return y_type, present_labels, y_true, y_pred, sample_weight


# NOTE: column_or_1d names the array in its messages since scikit-learn 1.7; glassbox
# supports 1.6 (see pyproject.toml), where it takes no name.
_COLUMN_TAKES_NAME = "input_name" in inspect.signature(column_or_1d).parameters


def _column(y, name):
    """``column_or_1d(y)``, naming the array in the message where scikit-learn can."""
    return column_or_1d(y, input_name=name) if _COLUMN_TAKES_NAME else column_or_1d(y)


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


def _check_finite(values, input_name=""):
    """Raise scikit-learn's ``ValueError`` when ``values`` hold NaN or infinity.

    A NaN weight would silently empty a whole cell of a confusion matrix, and a NaN
    prediction would turn an error into NaN, so both are refused up front.
    """
    values = np.asarray(values)
    if values.dtype.kind in "fc" and not np.isfinite(values).all():
        subject = f"Input {input_name} contains" if input_name else "Input contains"
        if np.isnan(values).any():
            raise ValueError(f"{subject} NaN.")
        raise ValueError(f"{subject} infinity or a value too large for {values.dtype!r}.")
    return values


def _check_sample_weight(sample_weight):
    """Sample weights as a finite 1-D numeric array with at least one non-zero weight."""
    sample_weight = np.asarray(sample_weight)
    if sample_weight.dtype.kind not in "biuf":
        try:
            sample_weight = sample_weight.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                "Sample weights must be numbers; got an array of dtype "
                f"{sample_weight.dtype}.") from None
    if sample_weight.ndim != 1:
        raise ValueError(
            "Sample weights must be 1D array or scalar, got a "
            f"{sample_weight.ndim}D array. Pass one weight per sample."
        )
    _check_finite(sample_weight, "sample_weight")
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


