"""Fit parameters and groups per fold, dict scorers, refit callables, failures, kernels.

Each case runs the same call through glassbox and scikit-learn and asserts equal results
(or the same error), so a parameter that is dropped or passed whole shows up as a
different score.
"""

import warnings

import numpy as np
import pytest
import sklearn.model_selection as skms
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_iris
from sklearn.metrics import confusion_matrix
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.svm import SVC

import glassbox.learn.model_selection as gbms
from glassbox.learn.tree import DecisionTreeClassifier


@pytest.fixture(scope="module")
def data():
    X, y = load_iris(return_X_y=True)
    rng = np.random.default_rng(0)
    weights = rng.uniform(0.2, 3.0, len(y))
    groups = np.arange(len(y)) % 7
    return X, y, weights, groups


def _assert_same_results(ours, theirs, keys):
    for key in keys:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=0, atol=1e-12, err_msg=key)


def test_sample_weight_is_cut_per_fold_in_cross_val_score(data):
    X, y, weights, _ = data
    model = DecisionTreeClassifier(max_depth=2, random_state=0)
    ours = gbms.cross_val_score(model, X, y, cv=4, params={"sample_weight": weights})
    theirs = skms.cross_val_score(model, X, y, cv=4, params={"sample_weight": weights})
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    unweighted = gbms.cross_val_score(model, X, y, cv=4)
    assert not np.allclose(ours, unweighted)  # the weights did change the fits


def test_grid_search_cuts_sample_weight_and_weights_the_scores(data):
    X, y, weights, _ = data
    grid = {"max_depth": [1, 2, 3]}
    ours = gbms.GridSearchCV(DecisionTreeClassifier(random_state=0), grid, cv=3,
                             scoring="accuracy").fit(X, y, sample_weight=weights)
    theirs = skms.GridSearchCV(DecisionTreeClassifier(random_state=0), grid, cv=3,
                               scoring="accuracy").fit(X, y, sample_weight=weights)
    _assert_same_results(ours.cv_results_, theirs.cv_results_,
                         ["mean_test_score", "split0_test_score", "rank_test_score"])
    assert ours.best_index_ == theirs.best_index_
    np.testing.assert_array_equal(ours.best_estimator_.tree_.weighted_n_node_samples,
                                  theirs.best_estimator_.tree_.weighted_n_node_samples)


def test_groups_reach_the_splitter(data):
    X, y, _, groups = data
    model = DecisionTreeClassifier(max_depth=2, random_state=0)
    cv = skms.GroupKFold(n_splits=3)
    ours = gbms.cross_validate(model, X, y, groups=groups, cv=cv, return_indices=True)
    theirs = skms.cross_validate(model, X, y, groups=groups, cv=cv, return_indices=True)
    for a, b in zip(ours["indices"]["test"], theirs["indices"]["test"]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(ours["test_score"], theirs["test_score"], rtol=0, atol=0)
    search = gbms.GridSearchCV(model, {"max_depth": [1, 3]}, cv=cv).fit(X, y, groups=groups)
    reference = skms.GridSearchCV(model, {"max_depth": [1, 3]}, cv=cv).fit(X, y, groups=groups)
    _assert_same_results(search.cv_results_, reference.cv_results_,
                         ["split0_test_score", "split2_test_score"])


def _confusion_scorer(estimator, X, y):
    tn, fp, fn, tp = confusion_matrix(y, estimator.predict(X), labels=[0, 1]).ravel()
    return {"tn": tn, "fp": fp, "fn": fn, "tp": tp}


def test_scorer_returning_a_dict(data):
    X, y, _, _ = data
    y = (y == 2).astype(int)
    model = DecisionTreeClassifier(max_depth=1, random_state=0)
    ours = gbms.cross_validate(model, X, y, cv=3, scoring=_confusion_scorer)
    theirs = skms.cross_validate(model, X, y, cv=3, scoring=_confusion_scorer)
    assert set(ours) == set(theirs)
    _assert_same_results(ours, theirs, ["test_tn", "test_fp", "test_fn", "test_tp"])
    grid = {"max_depth": [1, 2, 3]}
    search = gbms.GridSearchCV(model, grid, cv=3, scoring=_confusion_scorer, refit="tp")
    reference = skms.GridSearchCV(model, grid, cv=3, scoring=_confusion_scorer, refit="tp")
    search.fit(X, y)
    reference.fit(X, y)
    assert search.multimetric_ and search.best_index_ == reference.best_index_
    assert search.best_score_ == reference.best_score_
    with pytest.raises(ValueError, match="refit must be set to a scorer key"):
        gbms.GridSearchCV(model, grid, cv=3, scoring=_confusion_scorer).fit(X, y)


def _fewest_leaves_within_one_std(cv_results):
    """The simplest candidate whose score is within one std of the best."""
    means, stds = cv_results["mean_test_accuracy"], cv_results["std_test_accuracy"]
    best = np.argmax(means)
    good = np.flatnonzero(means >= means[best] - stds[best])
    return int(good[np.argmin(np.asarray(cv_results["param_max_depth"])[good])])


@pytest.mark.parametrize("scoring", [["accuracy", "f1_macro"], "accuracy"])
def test_refit_callable_picks_the_candidate(data, scoring):
    X, y, _, _ = data
    grid = {"max_depth": [1, 2, 3, 4, 5]}
    refit = (_fewest_leaves_within_one_std if isinstance(scoring, list)
             else (lambda results: 3))
    model = DecisionTreeClassifier(random_state=0)
    ours = gbms.GridSearchCV(model, grid, cv=4, scoring=scoring, refit=refit).fit(X, y)
    theirs = skms.GridSearchCV(model, grid, cv=4, scoring=scoring, refit=refit).fit(X, y)
    assert ours.best_index_ == theirs.best_index_
    assert ours.best_params_ == theirs.best_params_
    assert ours.best_estimator_.max_depth == grid["max_depth"][theirs.best_index_]
    assert not hasattr(ours, "best_score_") and not hasattr(theirs, "best_score_")
    with pytest.raises(IndexError, match="best_index_ index out of range"):
        gbms.GridSearchCV(model, grid, cv=4, refit=lambda results: 99).fit(X, y)


class _FailsOnLabelTwo(ClassifierMixin, BaseEstimator):
    """Fits anything; its scorer raises on folds whose test part holds class 2."""

    def __init__(self, fail_fit=False):
        self.fail_fit = fail_fit

    def fit(self, X, y):
        if self.fail_fit:
            raise ValueError("this fit always fails")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.zeros(len(X), dtype=int)


def _raising_scorer(estimator, X, y):
    if 2 in y:
        raise RuntimeError("scorer failed on this fold")
    return float(np.mean(estimator.predict(X) == y))


def test_a_failing_scorer_gets_error_score(data):
    X, y, _, _ = data
    splits = [(np.arange(50, 150), np.arange(50)), (np.arange(100), np.arange(100, 150))]
    grid = {"fail_fit": [False]}
    with pytest.warns(UserWarning, match="Scoring failed"):
        ours = gbms.GridSearchCV(_FailsOnLabelTwo(), grid, cv=splits, scoring=_raising_scorer,
                                 error_score=-1.0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = skms.GridSearchCV(_FailsOnLabelTwo(), grid, cv=splits,
                                   scoring=_raising_scorer, error_score=-1.0).fit(X, y)
    _assert_same_results(ours.cv_results_, theirs.cv_results_,
                         ["split0_test_score", "split1_test_score"])
    assert ours.cv_results_["split1_test_score"][0] == -1.0


def test_all_fits_failing_raises(data):
    X, y, _, _ = data
    for search in (gbms.GridSearchCV(_FailsOnLabelTwo(fail_fit=True), {"fail_fit": [True]},
                                     cv=3),):
        with pytest.raises(ValueError, match="All the 3 fits failed"):
            search.fit(X, y)
    with pytest.raises(ValueError, match="All the 4 fits failed"):
        gbms.cross_val_score(_FailsOnLabelTwo(fail_fit=True), X, y, cv=4)
    with pytest.raises(ValueError, match="error_score must be the string 'raise'"):
        gbms.cross_val_score(_FailsOnLabelTwo(), X, y, cv=4, error_score="rasie")


def test_precomputed_kernel_cut_by_rows_and_columns(data):
    X, y, _, _ = data
    kernel = rbf_kernel(X, gamma=0.5)
    ours = gbms.cross_val_score(SVC(kernel="precomputed"), kernel, y, cv=5)
    theirs = skms.cross_val_score(SVC(kernel="precomputed"), kernel, y, cv=5)
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=0)
    search = gbms.GridSearchCV(SVC(kernel="precomputed"), {"C": [0.1, 10]}, cv=3)
    reference = skms.GridSearchCV(SVC(kernel="precomputed"), {"C": [0.1, 10]}, cv=3)
    _assert_same_results(search.fit(kernel, y).cv_results_,
                         reference.fit(kernel, y).cv_results_, ["mean_test_score"])
    with pytest.raises(ValueError, match="square kernel matrix"):
        gbms.cross_val_score(SVC(kernel="precomputed"), kernel[:, :50], y, cv=5)


def test_search_delegates_like_its_estimator(data, capsys):
    X, y, _, _ = data
    from glassbox.learn.decomposition import PCA

    search = gbms.GridSearchCV(PCA(), {"n_components": [1, 2]}, cv=3, verbose=1)
    assert not hasattr(search, "predict_proba")  # PCA has none
    assert hasattr(search, "score_samples") and hasattr(search, "inverse_transform")
    search.fit(X)
    assert "Fitting 3 folds for each of 2 candidates, totalling 6 fits" in capsys.readouterr().out
    reference = skms.GridSearchCV(PCA(), {"n_components": [1, 2]}, cv=3).fit(X)
    np.testing.assert_allclose(search.cv_results_["mean_test_score"],
                               reference.cv_results_["mean_test_score"], rtol=1e-12)
    np.testing.assert_allclose(search.score_samples(X), reference.score_samples(X),
                               rtol=1e-12)
    np.testing.assert_allclose(search.inverse_transform(search.transform(X)),
                               reference.inverse_transform(reference.transform(X)),
                               rtol=1e-12)
