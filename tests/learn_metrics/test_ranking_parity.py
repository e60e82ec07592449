"""ROC, precision-recall curves and ROC AUC equal scikit-learn's, ties in scores included."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.exceptions import UndefinedMetricWarning

import glassbox.learn.metrics as gbm


@st.composite
def scored_binary(draw):
    """Binary labels and scores on a coarse grid (so many scores tie), optional weights."""
    n = draw(st.integers(2, 40))
    y_true = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    y_score = np.array(draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))) / 6.0
    weights = draw(st.one_of(
        st.none(), st.lists(st.floats(0.0, 3.0), min_size=n, max_size=n).map(np.array)))
    return y_true, y_score, weights


@given(scored_binary(), st.booleans())
def test_curves_equal_sklearn(same_as_sklearn, problem, drop_intermediate):
    y_true, y_score, weights = problem
    same_as_sklearn("roc_curve", y_true, y_score, sample_weight=weights,
                           drop_intermediate=drop_intermediate)
    same_as_sklearn("precision_recall_curve", y_true, y_score, sample_weight=weights,
                           drop_intermediate=drop_intermediate)
    same_as_sklearn("roc_auc_score", y_true, y_score, sample_weight=weights)
    same_as_sklearn("roc_auc_score", y_true, y_score, max_fpr=0.5)


@given(scored_binary())
def test_curves_with_string_labels_and_pos_label(same_as_sklearn, problem):
    y_true, y_score, _ = problem
    names = np.where(y_true == 1, "sick", "well")
    same_as_sklearn("roc_curve", names, y_score, pos_label="sick")
    same_as_sklearn("precision_recall_curve", names, y_score, pos_label="well")
    same_as_sklearn("roc_curve", names, y_score)  # no pos_label: an error


@given(st.integers(3, 5), st.integers(0, 10_000), st.booleans())
def test_multiclass_roc_auc_equal_sklearn(same_as_sklearn, n_classes, seed, weighted):
    rng = np.random.default_rng(seed)
    y_true = np.concatenate([np.arange(n_classes), rng.integers(0, n_classes, 40)])
    proba = rng.dirichlet(np.ones(n_classes), size=y_true.size)
    proba = np.round(proba, 1)  # ties
    proba /= proba.sum(axis=1, keepdims=True)
    weights = rng.random(y_true.size) if weighted else None
    for average in ("micro", "macro", "weighted", None):
        same_as_sklearn("roc_auc_score", y_true, proba, multi_class="ovr",
                               average=average, sample_weight=weights)
    for average in ("macro", "weighted"):
        same_as_sklearn("roc_auc_score", y_true, proba, multi_class="ovo",
                               average=average)
    same_as_sklearn("roc_auc_score", y_true, proba)  # multi_class="raise"


def test_roc_auc_one_class_and_auc_edge_cases(same_as_sklearn):
    with pytest.warns(UndefinedMetricWarning, match="Only one class"):
        assert np.isnan(gbm.roc_auc_score([1, 1, 1], [0.2, 0.3, 0.4]))
    same_as_sklearn("auc", [0, 0.5, 1], [0, 1, 1])
    same_as_sklearn("auc", [1, 0.5, 0], [1, 1, 0])
    same_as_sklearn("auc", [0, 1, 0.5], [0, 1, 1])  # not monotonic: error
    with pytest.raises(ValueError, match="At least 2 points"):
        gbm.auc([0.0], [1.0])
    y_true, y_score = [0, 0, 0], [0.1, 0.2, 0.3]
    same_as_sklearn("roc_curve", y_true, y_score)  # no positives: NaN TPR + warning
    same_as_sklearn("precision_recall_curve", y_true, y_score)
