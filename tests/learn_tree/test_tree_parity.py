"""glassbox.learn.tree against sklearn.tree: the same tree, node for node.

Our split search replays scikit-learn's feature order (its xorshift generator and
Fisher-Yates draw), so with the same ``random_state`` the trees are identical even where
two features tie, and with ``max_features`` or ``splitter="random"`` too.
"""

import numpy as np
import pytest
import sklearn.tree as sk_tree
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.model_selection import cross_val_score, train_test_split

from glassbox.learn.tree import DecisionTreeClassifier, export_text
from tree_compare import assert_same_tree_up_to_ties

TOL = 1e-12  # float64 quantities computed in a different order (importances, impurities)


def _data(name):
    loader = {
        "breast_cancer": load_breast_cancer,
        "iris": load_iris,
        "wine": load_wine,
        "digits": load_digits,
    }[name]
    X, y = loader(return_X_y=True)
    if name == "digits":  # a third of digits keeps the suite fast; still 10 classes
        X, y = X[::3], y[::3]
    return train_test_split(X, y, test_size=0.3, random_state=0)


def assert_same_tree(ours, theirs, X_test):
    """Node-for-node equality of two fitted trees and of everything derived from them."""
    a, b = ours.tree_, theirs.tree_
    assert a.node_count == b.node_count
    np.testing.assert_array_equal(a.children_left, b.children_left)
    np.testing.assert_array_equal(a.children_right, b.children_right)
    np.testing.assert_array_equal(a.feature, b.feature)
    np.testing.assert_array_equal(a.threshold, b.threshold)  # bit-identical thresholds
    np.testing.assert_array_equal(a.n_node_samples, b.n_node_samples)
    np.testing.assert_array_equal(a.missing_go_to_left, b.missing_go_to_left)
    np.testing.assert_allclose(a.weighted_n_node_samples, b.weighted_n_node_samples, rtol=TOL)
    np.testing.assert_allclose(a.value, b.value, rtol=0, atol=TOL)
    np.testing.assert_allclose(a.impurity, b.impurity, rtol=0, atol=TOL)
    assert ours.get_depth() == theirs.get_depth()
    assert ours.get_n_leaves() == theirs.get_n_leaves()
    np.testing.assert_allclose(ours.feature_importances_, theirs.feature_importances_, atol=TOL)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    np.testing.assert_array_equal(ours.predict_proba(X_test), theirs.predict_proba(X_test))
    np.testing.assert_array_equal(ours.apply(X_test), theirs.apply(X_test))
    path, sk_path = ours.decision_path(X_test), theirs.decision_path(X_test)
    np.testing.assert_array_equal(path.toarray(), sk_path.toarray())
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.n_classes_ == theirs.n_classes_
    assert ours.max_features_ == theirs.max_features_


def fit_both(X, y, sample_weight=None, **params):
    ours = DecisionTreeClassifier(**params).fit(X, y, sample_weight=sample_weight)
    theirs = sk_tree.DecisionTreeClassifier(**params).fit(X, y, sample_weight=sample_weight)
    return ours, theirs


PARAMS = [
    {},
    {"criterion": "entropy"},
    {"criterion": "log_loss", "max_depth": 4},
    {"max_depth": 3},
    {"min_samples_leaf": 5},
    {"min_samples_split": 0.1},
    {"min_samples_leaf": 0.02, "criterion": "entropy"},
    {"min_weight_fraction_leaf": 0.05},
    {"min_impurity_decrease": 0.01},
    {"max_features": "sqrt"},
    {"max_features": 0.5, "criterion": "entropy"},
    {"max_features": 2},
    {"splitter": "random"},
    {"max_leaf_nodes": 8},
    {"ccp_alpha": 0.01},
]


@pytest.mark.parametrize("dataset", ["breast_cancer", "iris", "wine", "digits"])
@pytest.mark.parametrize("params", PARAMS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()))
def test_same_tree_as_sklearn(dataset, params):
    X_train, X_test, y_train, _ = _data(dataset)
    ours, theirs = fit_both(X_train, y_train, random_state=0, **params)
    assert_same_tree(ours, theirs, X_test)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_tree_for_other_seeds_with_ties(seed):
    # iris has many tied values and tied splits: the feature order decides them
    X_train, X_test, y_train, _ = _data("iris")
    ours, theirs = fit_both(X_train, y_train, random_state=seed, max_features=2)
    assert_same_tree(ours, theirs, X_test)


def _with_missing(X, fraction, seed=0):
    X = X.astype(float)  # a copy
    X[np.random.default_rng(seed).random(X.shape) < fraction] = np.nan
    return X


@pytest.mark.parametrize("dataset", ["breast_cancer", "iris", "digits"])
@pytest.mark.parametrize(
    "params",
    [{}, {"criterion": "entropy"}, {"max_features": "sqrt"}, {"min_samples_leaf": 4},
     {"splitter": "random"}, {"max_leaf_nodes": 8}],
    ids=str,
)  # fmt: skip
def test_missing_values_are_routed_like_sklearn(dataset, params):
    # 10% of the training and test values missing; scikit-learn tries sending them left
    # and right at every split and keeps the better side (missing_go_to_left)
    X_train, X_test, y_train, _ = _data(dataset)
    X_train, X_test = _with_missing(X_train, 0.1), _with_missing(X_test, 0.1, seed=1)
    if dataset == "iris":
        X_train[:, 0] = np.nan  # a feature that is missing everywhere is never used
    ours, theirs = fit_both(X_train, y_train, random_state=0, **params)
    assert_same_tree(ours, theirs, X_test)


def test_missing_values_at_predict_time_only_follow_the_bigger_child_like_sklearn():
    X_train, X_test, y_train, _ = _data("breast_cancer")
    ours, theirs = fit_both(X_train, y_train, random_state=0)
    assert_same_tree(ours, theirs, _with_missing(X_test, 0.3))


def test_integer_sample_weights_give_sklearns_tree():
    X_train, X_test, y_train, _ = _data("breast_cancer")
    weight = np.random.default_rng(0).integers(0, 4, size=len(y_train)).astype(float)
    ours, theirs = fit_both(X_train, y_train, sample_weight=weight, random_state=0)
    assert_same_tree(ours, theirs, X_test)


@pytest.mark.parametrize("dataset", ["breast_cancer", "iris", "wine", "digits"])
@pytest.mark.parametrize("weights", ["balanced", "uniform", "thirds"])
def test_non_integer_weights_give_sklearns_tree_up_to_exact_ties(dataset, weights):
    X_train, X_test, y_train, _ = _data(dataset)
    rng = np.random.default_rng(0)
    params = {"random_state": 0}
    sample_weight = None
    if weights == "balanced":
        params["class_weight"] = "balanced"
    elif weights == "uniform":
        sample_weight = rng.uniform(0.05, 2.0, len(y_train))
    else:
        sample_weight = rng.integers(1, 7, len(y_train)) / 3.0
    ours, theirs = fit_both(X_train, y_train, sample_weight=sample_weight, **params)
    compared, ties = assert_same_tree_up_to_ties(ours, theirs)
    assert compared >= min(ours.tree_.node_count, 7)


def test_pure_weighted_node_has_zero_impurity():
    # weights whose sums round differently in each order: a pure node must still be a leaf
    X = np.arange(12, dtype=float).reshape(-1, 1)
    y = np.array([0] * 6 + [1] * 6)
    weight = np.full(12, 0.1)
    tree = DecisionTreeClassifier().fit(X, y, sample_weight=weight)
    assert tree.tree_.node_count == 3
    assert tree.tree_.impurity[1] == tree.tree_.impurity[2] == 0.0


@settings(max_examples=25, deadline=None)
@given(
    data=st.data(),
    n_samples=st.integers(2, 60),
    n_features=st.integers(1, 5),
    n_classes=st.integers(1, 4),
    criterion=st.sampled_from(["gini", "entropy"]),
    max_depth=st.sampled_from([None, 1, 3]),
    min_samples_leaf=st.integers(1, 4),
    missing=st.booleans(),
)
def test_same_tree_on_hypothesis_data(
    data, n_samples, n_features, n_classes, criterion, max_depth, min_samples_leaf, missing
):
    value = st.floats(-1e3, 1e3, width=32)
    if missing:  # some values NaN (missing)
        value = st.one_of(value, st.just(np.float32(np.nan)))
    X = data.draw(arrays(np.float32, (n_samples, n_features), elements=value))
    y = data.draw(arrays(np.int64, n_samples, elements=st.integers(0, n_classes - 1)))
    ours, theirs = fit_both(
        X, y, criterion=criterion, max_depth=max_depth, min_samples_leaf=min_samples_leaf,
        random_state=0,
    )  # fmt: skip
    assert_same_tree(ours, theirs, X)


def test_cost_complexity_pruning_path_matches_sklearn():
    X_train, _, y_train, _ = _data("breast_cancer")
    ours = DecisionTreeClassifier(random_state=0).cost_complexity_pruning_path(X_train, y_train)
    theirs = sk_tree.DecisionTreeClassifier(random_state=0).cost_complexity_pruning_path(
        X_train, y_train
    )
    np.testing.assert_allclose(ours.ccp_alphas, theirs.ccp_alphas, atol=TOL)
    np.testing.assert_allclose(ours.impurities, theirs.impurities, atol=TOL)


def test_single_class_gives_a_one_leaf_tree_like_sklearn():
    X = np.arange(12.0).reshape(6, 2)
    y = np.array(["a"] * 6)
    ours, theirs = fit_both(X, y)
    assert_same_tree(ours, theirs, X)
    assert list(ours.predict(X)) == ["a"] * 6


def test_string_labels_and_cross_validation_scores_match_sklearn():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    ours = cross_val_score(DecisionTreeClassifier(random_state=0), X, names, cv=5)
    theirs = cross_val_score(sk_tree.DecisionTreeClassifier(random_state=0), X, names, cv=5)
    np.testing.assert_array_equal(ours, theirs)
    assert ours.mean() > 0.9


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"feature_names": ["sl", "sw", "pl", "pw"]},
        {"class_names": ["setosa", "versicolor", "virginica"], "show_weights": True},
        {"max_depth": 1, "decimals": 4, "spacing": 2},
        {"max_depth": 0},
    ],
)
def test_export_text_equals_sklearns_text(options):
    X, y = load_iris(return_X_y=True)
    ours, theirs = fit_both(X, y, random_state=0, max_depth=4)
    assert export_text(ours, **options) == sk_tree.export_text(theirs, **options)


def test_export_text_of_digits_tree_equals_sklearns():
    X_train, _, y_train, _ = _data("digits")
    ours, theirs = fit_both(X_train, y_train, random_state=0)
    assert export_text(ours, max_depth=30) == sk_tree.export_text(theirs, max_depth=30)
