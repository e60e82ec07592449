"""NaN and infinity in weights, predictions and scores: the same ValueError as scikit-learn."""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm

import glassbox.learn.metrics as gbm

Y_TRUE = np.array([0, 1, 1, 0, 1])
Y_PRED = np.array([0, 1, 0, 0, 1])
SCORE = np.array([0.1, 0.9, 0.4, 0.3, 0.8])
PROBA = np.column_stack([1 - SCORE, SCORE])


def _with(values, position, bad):
    values = np.array(values, dtype=np.float64)
    values[position] = bad
    return values


WEIGHTS = np.ones(5)
CASES = [
    ("confusion_matrix", lambda w: ((Y_TRUE, Y_PRED), {"sample_weight": w})),
    ("accuracy_score", lambda w: ((Y_TRUE, Y_PRED), {"sample_weight": w})),
    ("f1_score", lambda w: ((Y_TRUE, Y_PRED), {"sample_weight": w})),
    ("precision_recall_fscore_support", lambda w: ((Y_TRUE, Y_PRED), {"sample_weight": w})),
    ("roc_auc_score", lambda w: ((Y_TRUE, SCORE), {"sample_weight": w})),
    ("roc_curve", lambda w: ((Y_TRUE, SCORE), {"sample_weight": w})),
    ("log_loss", lambda w: ((Y_TRUE, PROBA), {"sample_weight": w})),
    ("mean_squared_error", lambda w: ((SCORE, Y_TRUE), {"sample_weight": w})),
]


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("name, call", CASES, ids=[name for name, _ in CASES])
def test_nonfinite_sample_weight_refused_like_sklearn(name, call, bad):
    args, kwargs = call(_with(WEIGHTS, 2, bad))
    with pytest.raises(ValueError) as theirs, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(skm, name)(*args, **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(gbm, name)(*args, **kwargs)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("name, args", [
    ("mean_squared_error", lambda bad: (SCORE, _with(SCORE, 1, bad))),
    ("mean_squared_error", lambda bad: (_with(SCORE, 1, bad), SCORE)),
    ("roc_auc_score", lambda bad: (Y_TRUE, _with(SCORE, 1, bad))),
    ("roc_curve", lambda bad: (Y_TRUE, _with(SCORE, 1, bad))),
    ("precision_recall_curve", lambda bad: (Y_TRUE, _with(SCORE, 1, bad))),
])
def test_nonfinite_predictions_refused_like_sklearn(name, args, bad):
    with pytest.raises(ValueError) as theirs, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(skm, name)(*args(bad))
    with pytest.raises(ValueError) as ours:
        getattr(gbm, name)(*args(bad))
    assert str(ours.value) == str(theirs.value)


def test_log_loss_accepts_the_old_y_pred_keyword():
    with pytest.warns(FutureWarning, match="renamed to `y_proba`"):
        ours = gbm.log_loss(Y_TRUE, y_pred=PROBA)
    with pytest.warns(FutureWarning):
        theirs = skm.log_loss(Y_TRUE, y_pred=PROBA)
    assert ours == pytest.approx(theirs, rel=1e-12)
    with pytest.raises(ValueError, match="Cannot use both"):
        gbm.log_loss(Y_TRUE, PROBA, y_pred=PROBA)
