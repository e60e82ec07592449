"""specificity_score = TN / (TN + FP), checked against scikit-learn's confusion matrices."""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given
from hypothesis import strategies as st
from sklearn.exceptions import UndefinedMetricWarning

from glassbox.learn.metrics import specificity_score


def _expected_specificity(y_true, y_pred, labels, average, weights, zero_division):
    """TN / (TN + FP) per class from sklearn's multilabel confusion matrix, then averaged."""
    mcm = skm.multilabel_confusion_matrix(y_true, y_pred, labels=labels, sample_weight=weights)
    tn, fp = mcm[:, 0, 0].astype(float), mcm[:, 0, 1].astype(float)
    support = (mcm[:, 1, 1] + mcm[:, 1, 0]).astype(float)
    if average == "micro":
        tn, fp = np.array([tn.sum()]), np.array([fp.sum()])
    fill = 0.0 if zero_division == "warn" else float(zero_division)
    with np.errstate(all="ignore"):
        per_class = np.where(tn + fp > 0, tn / (tn + fp), fill)
    if average is None:
        return per_class
    defined = ~np.isnan(per_class)
    if not defined.any():
        return np.nan
    if average == "weighted" and support[defined].sum() > 0:
        return np.average(per_class[defined], weights=support[defined])
    return per_class[defined].mean()


@given(
    st.lists(st.integers(0, 3), min_size=1, max_size=25).flatmap(
        lambda y: st.tuples(st.just(np.array(y)),
                            st.lists(st.integers(0, 3), min_size=len(y), max_size=len(y)))),
    st.sampled_from([None, "micro", "macro", "weighted"]),
    st.sampled_from(["warn", 0, 1, np.nan]),
    st.booleans(),
)
def test_specificity_matches_confusion_matrix(problem, average, zero_division, weighted):
    y_true, y_pred = problem
    y_pred = np.array(y_pred)
    weights = np.linspace(0.5, 2.0, y_true.size) if weighted else None
    labels = np.unique(np.concatenate([y_true, y_pred]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        ours = specificity_score(y_true, y_pred, average=average, sample_weight=weights,
                                 zero_division=zero_division)
    expected = _expected_specificity(y_true, y_pred, labels, average, weights, zero_division)
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-12)


@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=2, max_size=30),
       st.sampled_from([0, 1]))
def test_binary_specificity_is_recall_of_flipped_problem(pairs, pos_label):
    y_true, y_pred = np.array(pairs).T
    if len(np.unique(np.concatenate([y_true, y_pred]))) < 2:
        y_true = np.append(y_true, 1 - y_true[0])  # make both classes appear
        y_pred = np.append(y_pred, 1 - y_true[-1])
    ours = specificity_score(y_true, y_pred, pos_label=pos_label, zero_division=0)
    flipped = skm.recall_score(y_true, y_pred, pos_label=1 - pos_label, zero_division=0)
    assert ours == pytest.approx(flipped, abs=1e-12)


def test_specificity_warns_without_negatives_and_honours_zero_division():
    with pytest.warns(UndefinedMetricWarning, match="Specificity is ill-defined"):
        assert specificity_score([1, 1], [1, 0]) == 0.0
    assert specificity_score([1, 1], [1, 0], zero_division=1) == 1.0
    assert np.isnan(specificity_score([1, 1], [1, 0], zero_division=np.nan))
    with pytest.raises(ValueError, match="average='binary'"):
        specificity_score([0, 1, 2], [0, 1, 2])
