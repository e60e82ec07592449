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
from tree_compare import assert_same_tree_up_to_ties

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
        np.testing.assert_array_equal(tree.tree_.children_left, sk_tree.tree_.children_left)
        np.testing.assert_array_equal(tree.tree_.feature, sk_tree.tree_.feature)
        np.testing.assert_array_equal(tree.tree_.threshold, sk_tree.tree_.threshold)
        np.testing.assert_allclose(tree.tree_.value, sk_tree.tree_.value, rtol=0, atol=TOL)
    np.testing.assert_allclose(ours.predict_proba(X_test), theirs.predict_proba(X_test), atol=TOL)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    np.testing.assert_array_equal(ours.apply(X_test), theirs.apply(X_test))
    np.testing.assert_allclose(ours.feature_importances_, theirs.feature_importances_, atol=TOL)


@pytest.mark.parametrize("dataset", ["breast_cancer", "digits"])
def test_same_forest_over_five_seeds(dataset):
    # 10 trees per forest keep the test quick; equal forests give equal accuracies
    X_train, X_test, y_train, y_test = _split(dataset)
    for seed in range(5):
        forest, sk_forest = fit_both(X_train, y_train, n_estimators=10, random_state=seed)
        assert_same_forest(forest, sk_forest, X_test)
        assert forest.score(X_test, y_test) == sk_forest.score(X_test, y_test)


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


@pytest.mark.parametrize("class_weight", ["balanced_subsample", "balanced"])
def test_class_weighted_forest_gives_sklearns_trees_up_to_exact_ties(class_weight):
    # non-integer weights: each tree is compared node by node, exact ties aside
    X_train, X_test, y_train, _ = _split("breast_cancer")
    ours, theirs = fit_both(X_train, y_train, n_estimators=8, class_weight=class_weight,
                            random_state=0)
    for tree, sk_tree in zip(ours.estimators_, theirs.estimators_):
        assert tree.random_state == sk_tree.random_state
        compared, _ = assert_same_tree_up_to_ties(tree, sk_tree, random_features=True)
        assert compared >= 3


@pytest.mark.parametrize("bootstrap", [True, False])
@pytest.mark.parametrize("class_weight", ["balanced", "balanced_subsample"])
def test_balanced_class_weights_count_the_sample_weights_as_sklearn_1_9(class_weight, bootstrap):
    # scikit-learn 1.9 balances the classes' total sample weights, not their counts
    X_train, _, y_train, _ = _split("breast_cancer")
    weight = np.random.RandomState(0).randint(1, 5, len(y_train)).astype(float)
    ours, theirs = fit_both(X_train, y_train, sample_weight=weight, n_estimators=4,
                            class_weight=class_weight, bootstrap=bootstrap, random_state=0)
    for tree, sk_tree in zip(ours.estimators_, theirs.estimators_):
        # the root's weight is the sum of the balanced weights: equal only if balanced alike
        np.testing.assert_allclose(tree.tree_.weighted_n_node_samples[0],
                                   sk_tree.tree_.weighted_n_node_samples[0], rtol=TOL)
        compared, _ = assert_same_tree_up_to_ties(tree, sk_tree, random_features=True)
        assert compared >= 3


def test_warm_start_with_balanced_class_weights_warns_as_sklearn():
    X_train, _, y_train, _ = _split("breast_cancer")
    messages = []
    for forest in (RandomForestClassifier, sk_ensemble.RandomForestClassifier):
        with pytest.warns(UserWarning, match="not recommended for warm_start") as caught:
            forest(n_estimators=2, warm_start=True, class_weight="balanced").fit(X_train, y_train)
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1]
