"""glassbox.learn.ensemble.RandomForestClassifier against scikit-learn's.

The forest draws the trees' seeds and bootstrap samples exactly as scikit-learn does and
its trees replay scikit-learn's feature order, so with the same ``random_state`` the two
forests are the same trees: predictions, out-of-bag scores and importances agree.
"""

import numpy as np
import pytest
import sklearn.ensemble as sk_ensemble
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split

from glassbox.learn.ensemble import RandomForestClassifier

TOL = 1e-12


def _split(name):
    loader = {"breast_cancer": load_breast_cancer, "digits": load_digits}[name]
    X, y = loader(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


def fit_both(X, y, sample_weight=None, **params):
    ours = RandomForestClassifier(**params).fit(X, y, sample_weight=sample_weight)
    theirs = sk_ensemble.RandomForestClassifier(**params).fit(X, y, sample_weight=sample_weight)
    return ours, theirs


def assert_same_forest(ours, theirs, X_test):
    assert len(ours.estimators_) == len(theirs.estimators_)
    for tree, sk_tree in zip(ours.estimators_, theirs.estimators_):
        assert tree.random_state == sk_tree.random_state
        np.testing.assert_array_equal(tree.tree_.feature, sk_tree.tree_.feature)
        np.testing.assert_array_equal(tree.tree_.threshold, sk_tree.tree_.threshold)
    np.testing.assert_allclose(ours.predict_proba(X_test), theirs.predict_proba(X_test), atol=TOL)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    np.testing.assert_array_equal(ours.apply(X_test), theirs.apply(X_test))
    np.testing.assert_allclose(ours.feature_importances_, theirs.feature_importances_, atol=TOL)


@pytest.mark.parametrize("dataset", ["breast_cancer", "digits"])
def test_accuracy_within_one_point_of_sklearn_over_five_seeds(dataset):
    # the bar: mean test accuracy over 5 seeds within 1 percentage point;
    # 20 trees per forest keep the test quick (the forests are in fact identical)
    X_train, X_test, y_train, y_test = _split(dataset)
    ours, theirs = [], []
    for seed in range(5):
        forest, sk_forest = fit_both(X_train, y_train, n_estimators=20, random_state=seed)
        ours.append(forest.score(X_test, y_test))
        theirs.append(sk_forest.score(X_test, y_test))
    assert abs(np.mean(ours) - np.mean(theirs)) <= 0.01
    assert np.mean(ours) > (0.94 if dataset == "breast_cancer" else 0.93)


@pytest.mark.parametrize("dataset", ["breast_cancer", "digits"])
def test_same_forest_and_oob_score_as_sklearn(dataset):
    X_train, X_test, y_train, _ = _split(dataset)
    ours, theirs = fit_both(X_train, y_train, n_estimators=15, oob_score=True, random_state=0)
    assert_same_forest(ours, theirs, X_test)
    # stated tolerance for the out-of-bag estimate: equal to 1e-12 (same trees, same rows)
    assert abs(ours.oob_score_ - theirs.oob_score_) <= TOL
    np.testing.assert_allclose(ours.oob_decision_function_, theirs.oob_decision_function_, atol=TOL)


def test_parallel_fit_gives_the_same_forest():
    X_train, X_test, y_train, _ = _split("breast_cancer")
    serial = RandomForestClassifier(n_estimators=6, random_state=3).fit(X_train, y_train)
    parallel = RandomForestClassifier(n_estimators=6, random_state=3, n_jobs=2)
    parallel.fit(X_train, y_train)
    np.testing.assert_array_equal(serial.predict_proba(X_test), parallel.predict_proba(X_test))


@pytest.mark.parametrize(
    "params",
    [
        {"bootstrap": False, "max_features": 3},
        {"max_samples": 0.5, "criterion": "entropy"},
        {"max_samples": 50, "max_depth": 4},
        {"min_samples_leaf": 3, "max_features": None},
        {"max_leaf_nodes": 6},
    ],
)
def test_same_forest_as_sklearn_for_other_parameters(params):
    X_train, X_test, y_train, _ = _split("breast_cancer")
    ours, theirs = fit_both(X_train, y_train, n_estimators=5, random_state=1, **params)
    assert_same_forest(ours, theirs, X_test)


def test_integer_sample_weights_draw_the_same_bootstraps():
    X_train, X_test, y_train, _ = _split("breast_cancer")
    weight = np.random.default_rng(0).integers(1, 4, size=len(y_train)).astype(float)
    ours, theirs = fit_both(
        X_train, y_train, sample_weight=weight, n_estimators=5, oob_score=True, random_state=0
    )
    assert_same_forest(ours, theirs, X_test)
    assert abs(ours.oob_score_ - theirs.oob_score_) <= TOL


def test_missing_values_give_the_same_forest_as_sklearn():
    X_train, X_test, y_train, _ = _split("breast_cancer")
    rng = np.random.default_rng(0)
    X_train, X_test = X_train.copy(), X_test.copy()
    X_train[rng.random(X_train.shape) < 0.1] = np.nan
    X_test[rng.random(X_test.shape) < 0.1] = np.nan
    ours, theirs = fit_both(X_train, y_train, n_estimators=5, oob_score=True, random_state=0)
    assert_same_forest(ours, theirs, X_test)
    assert abs(ours.oob_score_ - theirs.oob_score_) <= TOL


def test_warm_start_adds_the_trees_sklearn_adds():
    X_train, X_test, y_train, _ = _split("breast_cancer")
    ours = RandomForestClassifier(n_estimators=3, warm_start=True, random_state=0)
    theirs = sk_ensemble.RandomForestClassifier(n_estimators=3, warm_start=True, random_state=0)
    for model in (ours, theirs):
        model.fit(X_train, y_train)
        model.set_params(n_estimators=6).fit(X_train, y_train)
    assert_same_forest(ours, theirs, X_test)


def test_balanced_subsample_accuracy_close_to_sklearn():
    # non-integer weights: sums in another order than scikit-learn's may flip near-ties,
    # so the model is compared, not the nodes
    X_train, X_test, y_train, y_test = _split("breast_cancer")
    ours, theirs = fit_both(
        X_train, y_train, n_estimators=20, class_weight="balanced_subsample", random_state=0
    )
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 0.03


def test_feature_importances_sum_to_one_and_rank_like_sklearn():
    X_train, _, y_train, _ = _split("breast_cancer")
    ours, theirs = fit_both(X_train, y_train, n_estimators=10, random_state=0)
    assert abs(ours.feature_importances_.sum() - 1.0) <= TOL
    top = np.argsort(ours.feature_importances_)[-5:]
    np.testing.assert_array_equal(top, np.argsort(theirs.feature_importances_)[-5:])
