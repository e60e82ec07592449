"""Label metrics equal scikit-learn's (1e-12) on Hypothesis-drawn labels, warnings included."""

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given
from hypothesis import strategies as st

import glassbox.learn.metrics as gbm

AVERAGES = [None, "micro", "macro", "weighted"]
ZERO_DIVISIONS = ["warn", 0, 1, 0.0, 1.0, np.nan]


@st.composite
def label_problems(draw, n_classes_max=4):
    """y_true, y_pred over classes 0..k-1 (some classes may be absent), optional weights."""
    n_classes = draw(st.integers(1, n_classes_max))
    n = draw(st.integers(1, 25))
    labels = st.integers(0, n_classes - 1)
    y_true = np.array(draw(st.lists(labels, min_size=n, max_size=n)))
    y_pred = np.array(draw(st.lists(labels, min_size=n, max_size=n)))
    weights = draw(st.one_of(
        st.none(),
        st.lists(st.floats(0.0, 5.0), min_size=n, max_size=n).map(np.array),
        st.lists(st.integers(0, 3), min_size=n, max_size=n).map(np.array),
    ))
    return y_true, y_pred, weights


@given(label_problems(), st.sampled_from(AVERAGES), st.sampled_from(ZERO_DIVISIONS),
       st.booleans(), st.data())
def test_prf_scores_equal_sklearn(
    same_as_sklearn, problem, average, zero_division, use_labels, data
):
    y_true, y_pred, weights = problem
    labels = None
    if use_labels:
        # A subset, in any order, possibly naming a class that never occurs.
        labels = data.draw(st.lists(st.integers(0, 4), min_size=1, max_size=4, unique=True))
    kwargs = dict(average=average, labels=labels, sample_weight=weights,
                  zero_division=zero_division)
    for name in ("precision_score", "recall_score", "f1_score"):
        same_as_sklearn(name, y_true, y_pred, **kwargs)
    same_as_sklearn("fbeta_score", y_true, y_pred, beta=0.5, **kwargs)
    same_as_sklearn("precision_recall_fscore_support", y_true, y_pred, beta=2.0,
                           **kwargs)


@given(label_problems(n_classes_max=2), st.sampled_from([0, 1, 2]),
       st.sampled_from(ZERO_DIVISIONS))
def test_binary_average_with_pos_label_equals_sklearn(
    same_as_sklearn, problem, pos_label, zero_division
):
    y_true, y_pred, weights = problem
    kwargs = dict(pos_label=pos_label, sample_weight=weights, zero_division=zero_division)
    for name in ("precision_score", "recall_score", "f1_score"):
        same_as_sklearn(name, y_true, y_pred, **kwargs)


@given(label_problems(), st.booleans())
def test_accuracy_and_confusion_matrix_equal_sklearn(same_as_sklearn, problem, normalize_count):
    y_true, y_pred, weights = problem
    same_as_sklearn("accuracy_score", y_true, y_pred, sample_weight=weights,
                           normalize=not normalize_count)
    for normalize in (None, "true", "pred", "all"):
        same_as_sklearn("confusion_matrix", y_true, y_pred, sample_weight=weights,
                               normalize=normalize)
    same_as_sklearn("confusion_matrix", y_true, y_pred, labels=[3, 0, 1])
    same_as_sklearn("multilabel_confusion_matrix", y_true, y_pred,
                           sample_weight=weights, labels=[2, 0])


def test_confusion_matrix_dtype_follows_weights():
    assert gbm.confusion_matrix([0, 1], [1, 1]).dtype == np.int64
    assert gbm.confusion_matrix([0, 1], [1, 1], sample_weight=[0.5, 2.0]).dtype == np.float64


@given(label_problems(), st.sampled_from([2, 3]), st.booleans())
def test_classification_report_text_and_dict_equal_sklearn(problem, digits, use_labels):
    y_true, y_pred, weights = problem
    labels = [0, 1] if use_labels else None
    if weights is not None and not weights.any():
        weights = None  # all-zero weights are an error, tested elsewhere
    kwargs = dict(labels=labels, sample_weight=weights, digits=digits, zero_division=0)
    ours = gbm.classification_report(y_true, y_pred, **kwargs)
    theirs = skm.classification_report(y_true, y_pred, **kwargs)
    assert ours == theirs
    ours = gbm.classification_report(y_true, y_pred, output_dict=True, **kwargs)
    theirs = skm.classification_report(y_true, y_pred, output_dict=True, **kwargs)
    assert ours.keys() == theirs.keys()
    for key in theirs:
        np.testing.assert_allclose(
            np.array(list(ours[key].values()) if isinstance(ours[key], dict) else ours[key]),
            np.array(list(theirs[key].values()) if isinstance(theirs[key], dict)
                     else theirs[key]),
            rtol=0, atol=1e-12)


def test_string_labels_and_target_names(same_as_sklearn):
    y_true = ["cat", "dog", "pig", "cat", "dog", "pig"]
    y_pred = ["cat", "pig", "dog", "cat", "cat", "dog"]
    for average in AVERAGES:
        same_as_sklearn("f1_score", y_true, y_pred, average=average)
    same_as_sklearn("precision_score", y_true, y_pred, average=None,
                           labels=["pig", "dog", "cat"])
    same_as_sklearn("recall_score", ["a", "b", "b"], ["a", "a", "b"], pos_label="b")
    names = ["Cat", "Dog", "Pig pig pig pig"]
    assert (gbm.classification_report(y_true, y_pred, target_names=names, digits=4)
            == skm.classification_report(y_true, y_pred, target_names=names, digits=4))


def test_errors_like_sklearn():
    with pytest.raises(ValueError, match="average='binary'"):
        gbm.precision_score([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="pos_label=3 is not a valid label"):
        gbm.recall_score([0, 1], [0, 1], pos_label=3)
    with pytest.raises(ValueError, match="average has to be one of"):
        gbm.f1_score([0, 1], [0, 1], average="mean")
    with pytest.raises(ValueError, match="zero_division"):
        gbm.f1_score([0, 1], [0, 1], zero_division=2)
    with pytest.raises(ValueError, match="mix of binary and continuous"):
        gbm.accuracy_score([0, 1], [0.5, 1.0])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        gbm.accuracy_score([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="Samplewise"):
        gbm.f1_score([0, 1], [0, 1], average="samples")
    with pytest.raises(ValueError, match="At least one label specified must be in y_true"):
        gbm.confusion_matrix([0, 1], [0, 1], labels=[5])
    with pytest.warns(UserWarning, match="pos_label"):
        gbm.f1_score([0, 1], [0, 1], average="macro", pos_label=0)


def test_log_loss_and_mse_equal_sklearn(same_as_sklearn):
    rng = np.random.default_rng(0)
    for n_classes in (2, 3, 5):
        y_true = np.concatenate([np.arange(n_classes), rng.integers(0, n_classes, 30)])
        proba = rng.dirichlet(np.ones(n_classes), size=y_true.size)
        weights = rng.random(y_true.size)
        proba[0, 0] = 0.0  # exercises the clipping to eps
        proba[0] /= proba[0].sum()
        for normalize in (True, False):
            same_as_sklearn("log_loss", y_true, proba, normalize=normalize,
                                   sample_weight=weights)
    same_as_sklearn("log_loss", [1, 0, 1], [0.9, 0.2, 0.6])
    same_as_sklearn("log_loss", [1, 1, 1], [[0.1, 0.9]] * 3, labels=[0, 1])
    same_as_sklearn("log_loss", [1, 1, 1], [0.9, 0.8, 0.7])  # one label: error
    y, y_hat = rng.normal(size=(20, 3)), rng.normal(size=(20, 3))
    for multioutput in ("raw_values", "uniform_average", [0.2, 0.3, 0.5]):
        same_as_sklearn("mean_squared_error", y, y_hat, multioutput=multioutput,
                               sample_weight=rng.random(20))
    same_as_sklearn("mean_squared_error", y[:, 0], y_hat[:, 0])
