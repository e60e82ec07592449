"""The algorithms as taught (short, public) equal the estimators' fast paths.

Tree (CART split search, recursion), forest (bootstrap, random features per split, vote),
kNN, PCA's four steps, logistic regression's loss, gradient and L-BFGS.

Each teaching function is checked against the estimator that computes the same thing
faster (and with scikit-learn's tie-breaking), on Hypothesis data; draws where the two
may legitimately differ (exact ties) are excluded with ``assume``.
"""

import contextlib
from unittest import mock

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from glassbox.learn import _tree_fast_build, _tree_fast_split
from glassbox.learn import neighbors as neighbors_module
from glassbox.learn._tree_sklearn_random import FeatureSampler, SklearnRandom
from glassbox.learn.decomposition import PCA, pca_four_steps
from glassbox.learn.ensemble import RandomForestClassifier, forest_predict_proba, grow_forest
from glassbox.learn.linear_model import (
    LogisticRegression,
    logistic_loss_gradient,
    minimize_lbfgs,
    softmax_loss_gradient,
)
from glassbox.learn.neighbors import KNeighborsClassifier, knn_predict
from glassbox.learn.tree import (
    DecisionTreeClassifier,
    cart_best_split,
    grow_tree,
    leaf_fractions,
)


@st.composite
def labelled_data(draw, max_features=4):
    n_samples = draw(st.integers(4, 40))
    n_features = draw(st.integers(1, max_features))
    X = draw(arrays(np.float32, (n_samples, n_features),
                    elements=st.floats(-5, 5, width=32, allow_subnormal=False)))
    n_classes = draw(st.integers(2, 3))
    y = draw(arrays(np.int64, n_samples, elements=st.integers(0, n_classes - 1)))
    return X, y


@settings(max_examples=30, deadline=None)
@given(data=labelled_data(max_features=1))
def test_grow_tree_gives_the_estimators_predictions(data):
    # one feature: no tie between features, so the recursion is the estimator's tree
    X, y = data
    y = np.unique(y, return_inverse=True)[1]  # classes 0..C-1, all present
    # the estimator (as scikit-learn) puts no threshold between values closer than 1e-7
    assume(np.all(np.diff(np.unique(X)) > 1e-6))
    X64 = X.astype(np.float64)
    taught = grow_tree(X64, y)
    fitted = DecisionTreeClassifier(random_state=0).fit(X, y)
    np.testing.assert_array_equal(leaf_fractions(taught, X64), fitted.predict_proba(X))


@st.composite
def continuous_data(draw):
    """Hypothesis picks the sizes, the seed and the spread of each feature; the values
    are continuous draws, so exact distance ties (a convention) almost never occur."""
    n_samples = draw(st.integers(6, 50))
    n_features = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scales = np.array(draw(st.lists(st.floats(0.1, 10), min_size=n_features,
                                    max_size=n_features)))
    X = rng.normal(size=(n_samples, n_features)) * scales
    y = rng.integers(0, draw(st.integers(2, 4)), n_samples)
    return X, y


# The estimator's fast paths: one block of queries, or blocks of 4 queries (cache-sized
# blocks forced small) shared by 2 threads.
KNN_PATHS = {
    "one block": {},
    "blocks on 2 threads": {"_openmp_effective_n_threads": lambda: 2,
                            "_MIN_QUERIES_PER_BLOCK": 4, "_CACHE_BLOCK_BYTES": 1},
}


@pytest.mark.parametrize("path", KNN_PATHS)
@settings(max_examples=40, deadline=None)
@given(data=continuous_data(), k=st.integers(1, 6))
def test_knn_predict_is_the_estimators_predict(path, data, k):
    X, y = data
    queries = X[: len(X) // 2] + 0.25
    distances = np.sqrt(((queries[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    ordered = np.sort(distances, axis=1)
    # a tie at the k-th distance makes "the k nearest" a convention: leave it out
    # (k = n_samples takes every point: no tie to break)
    gaps = ordered[:, k] - ordered[:, k - 1] if k < len(X) else np.inf
    assume(np.all(gaps > 1e-9))
    with contextlib.ExitStack() as stack:
        for name, value in KNN_PATHS[path].items():
            stack.enter_context(mock.patch.object(neighbors_module, name, value))
        expected = KNeighborsClassifier(n_neighbors=k).fit(X, y).predict(queries)
    np.testing.assert_array_equal(knn_predict(X, y, queries, k), expected)


@settings(max_examples=40, deadline=None)
@given(data=continuous_data(), n_components=st.integers(1, 2))
def test_pca_four_steps_is_the_estimators_transform(data, n_components):
    X, _ = data
    assume(X.shape[1] > n_components)
    variances = np.linalg.eigvalsh(np.cov(X.T))[::-1]
    # distinct variances: each axis is defined (up to the sign both fix the same way)
    assume(np.all(np.diff(variances[: n_components + 1]) < -1e-3 * variances[0]))
    projected, components, explained = pca_four_steps(X, n_components)
    model = PCA(n_components=n_components, svd_solver="full").fit(X)
    scale = max(1.0, np.abs(X).max())
    np.testing.assert_allclose(components, model.components_, atol=1e-6)
    np.testing.assert_allclose(explained, model.explained_variance_, rtol=1e-8)
    np.testing.assert_allclose(projected, model.transform(X), atol=1e-6 * scale)


@st.composite
def grid_data(draw, max_features=6, max_classes=4):
    """Values on a grid of quarters (many ties between values, none closer than 1e-7)."""
    n_samples = draw(st.integers(4, 60))
    n_features = draw(st.integers(1, max_features))
    X = draw(arrays(np.int64, (n_samples, n_features), elements=st.integers(-8, 8))) / 4.0
    n_classes = draw(st.integers(2, max_classes))
    y = draw(arrays(np.int64, n_samples, elements=st.integers(0, n_classes - 1)))
    return X, np.unique(y, return_inverse=True)[1]


def _recorded_feature_draws(fit):
    """Run ``fit()``, recording the features each tree's nodes visited, tree by tree."""
    draws = {}  # one list per sampler (one sampler per tree), in creation order
    original_init, original_draw = FeatureSampler.__init__, FeatureSampler.draw

    def init(sampler, *args, **kwargs):
        original_init(sampler, *args, **kwargs)
        draws[sampler] = []  # a tree whose root is pure never draws: an empty list

    def draw(sampler, *args, **kwargs):
        visited, n_constants = original_draw(sampler, *args, **kwargs)
        draws[sampler].append(list(visited))
        return visited, n_constants

    with mock.patch.object(FeatureSampler, "__init__", init), \
            mock.patch.object(FeatureSampler, "draw", draw):
        fitted = fit()
    return fitted, list(draws.values())


@settings(max_examples=25, deadline=None)
@given(data=grid_data(), seed=st.integers(0, 2**31 - 2), n_estimators=st.integers(1, 4),
       max_features=st.sampled_from(["sqrt", 1, 2, None]))
def test_grow_forest_gives_the_estimators_forest_from_the_same_draws(
        data, seed, n_estimators, max_features):
    X, y = data
    assume(len(np.unique(y)) > 1)
    assume(max_features in ("sqrt", None) or max_features <= X.shape[1])
    fast, draws = _recorded_feature_draws(lambda: RandomForestClassifier(
        n_estimators=n_estimators, max_features=max_features, random_state=seed).fit(X, y))
    # tree b's node draws, replayed in the same (depth-first, left first) order
    seeds = [tree.random_state for tree in fast.estimators_]
    replay = dict(zip(seeds, draws))

    def draw_features(tree_seed):
        node_draws = iter(replay[tree_seed])
        return lambda X_node: next(node_draws)

    taught = grow_forest(X, y, n_estimators=n_estimators, max_features=max_features,
                         random_state=seed, draw_features=draw_features)
    for tree, rows, fast_tree in zip(taught, fast.estimators_samples_, fast.estimators_):
        # the same bootstrap sample: the root's class counts
        np.testing.assert_array_equal(tree["counts"], np.bincount(y[rows], minlength=y.max() + 1))
        # the same tree: identical class fractions for every training sample
        np.testing.assert_array_equal(leaf_fractions(tree, X), fast_tree.predict_proba(X))
    np.testing.assert_array_equal(forest_predict_proba(taught, X), fast.predict_proba(X))
    np.testing.assert_array_equal(np.argmax(forest_predict_proba(taught, X), axis=1),
                                  fast.predict(X))


@settings(max_examples=40, deadline=None)
@given(data=grid_data(max_features=5))
def test_cart_best_split_is_the_trees_root_split(data):
    X, y = data
    assume(len(np.unique(y)) > 1)
    fitted, draws = _recorded_feature_draws(
        lambda: DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y))
    tree = fitted.tree_
    # the estimator visits the features in a random order (first one wins a tie): give
    # the taught search the same order
    visited = draws[0][0] if draws[0] else []
    split = cart_best_split(X[:, visited], y)
    assume(split is not None)  # no feature separates two values: the root is a leaf
    assert (visited[split[0]], split[1]) == (tree.feature[0], tree.threshold[0])
    n = tree.weighted_n_node_samples
    fitted_decrease = (tree.impurity[0] - (n[1] * tree.impurity[1] + n[2] * tree.impurity[2])
                       / n[0])
    assert abs(split[2] - fitted_decrease) <= 1e-12


# The builder's fast paths, each forced on: small nodes as sample lists searched by one
# matrix product (the default for nodes of <= 128 samples), or every node a presorted
# matrix searched by running sums (LIST_NODE_SAMPLES = _SMALL_NODE_SAMPLES = 0; with
# more than 4 classes the Gini running sums take the one-cumsum trick of _gini_children).
FAST_PATHS = {
    "small nodes, matrix product": {},
    "presorted rows, running sums": {(_tree_fast_build, "LIST_NODE_SAMPLES"): 0,
                                     (_tree_fast_split, "_SMALL_NODE_SAMPLES"): 0},
}


@pytest.mark.parametrize("path", FAST_PATHS)
@settings(max_examples=25, deadline=None)
@given(data=grid_data(max_classes=7), weighted=st.booleans())
def test_fast_split_searches_grow_the_taught_tree(path, data, weighted):
    X, y = data
    assume(len(np.unique(y)) > 1)
    # whole-number weights (a bootstrap's counts) are copies of rows for the taught tree
    counts = (np.arange(len(y)) % 3 + 1) if weighted else np.ones(len(y), dtype=int)
    with contextlib.ExitStack() as stack:
        for (module, name), value in FAST_PATHS[path].items():
            stack.enter_context(mock.patch.object(module, name, value))
        fitted, draws = _recorded_feature_draws(lambda: DecisionTreeClassifier(
            random_state=0).fit(X, y, sample_weight=counts if weighted else None))
    node_draws = iter(draws[0])
    rows = np.repeat(np.arange(len(y)), counts)
    taught = grow_tree(X[rows], y[rows], n_classes=int(y.max()) + 1,
                       choose_features=lambda X_node: next(node_draws))
    np.testing.assert_array_equal(leaf_fractions(taught, X), fitted.predict_proba(X))


@settings(max_examples=20, deadline=None)
@given(data=continuous_data(), C=st.sampled_from([0.1, 1.0, 10.0]))
def test_taught_loss_and_lbfgs_give_the_estimators_coefficients(data, C):
    # the loss, its gradient and L-BFGS as taught, run to convergence, against the
    # estimator (scipy's L-BFGS-B, scikit-learn's stopping rule) at a tight tol
    X, y = data
    classes = np.unique(y)
    assume(len(classes) >= 2)
    y = np.searchsorted(classes, y)
    n_samples, n_features = X.shape
    l2_strength = 1.0 / (C * n_samples)
    if len(classes) == 2:
        def loss_gradient(w):
            return logistic_loss_gradient(w, X, y.astype(float), np.ones(n_samples),
                                          l2_strength, True)
        n_rows = 1
    else:
        Y = np.eye(len(classes))[y]

        def loss_gradient(w):
            return softmax_loss_gradient(w, X, Y, np.ones(n_samples), l2_strength, True)
        n_rows = len(classes)
    w, _, converged = minimize_lbfgs(loss_gradient, np.zeros(n_rows * (n_features + 1)),
                                     max_iter=5000, gtol=1e-10)
    assert converged
    fitted = LogisticRegression(C=C, tol=1e-10, max_iter=5000).fit(X, y)
    w = w.reshape(n_rows, n_features + 1)
    scale = max(1.0, np.abs(fitted.coef_).max(), np.abs(fitted.intercept_).max())
    np.testing.assert_allclose(w[:, :-1], fitted.coef_, rtol=0, atol=1e-6 * scale)
    np.testing.assert_allclose(w[:, -1], fitted.intercept_, rtol=0, atol=1e-6 * scale)


@settings(max_examples=40, deadline=None)
@given(is_constant=st.lists(st.booleans(), min_size=1, max_size=12),
       max_features=st.integers(1, 12), seed=st.integers(0, 2**31 - 2),
       n_nodes=st.integers(1, 4))
def test_sklearn_feature_order_draws_random_features_as_taught(is_constant, max_features,
                                                              seed, n_nodes):
    # The taught draw is "a few distinct features at random, none constant in the node".
    # scikit-learn's (replayed bit for bit) counts constant features it happens to draw
    # against max_features, but never returns one and goes on until it has one.
    sampler = FeatureSampler(len(is_constant), SklearnRandom(seed))
    non_constant = {f for f, constant in enumerate(is_constant) if not constant}
    n_known = 0
    for _ in range(n_nodes):  # successive nodes (children keep the constants found)
        visited, n_known = sampler.draw(n_known, max_features, is_constant)
        assert len(set(visited)) == len(visited)  # distinct
        assert set(visited) <= non_constant
        assert (len(visited) >= 1) == bool(non_constant)
        assert len(visited) <= max_features
        if max_features >= len(is_constant):
            assert set(visited) == non_constant  # all features: every useful one
        assert sorted(sampler.features) == list(range(len(is_constant)))  # a permutation


@pytest.mark.parametrize("grow", [grow_tree, grow_forest])
@pytest.mark.parametrize("X, y, message", [
    ([[np.nan], [1.0]], [0, 1], "Input X contains NaN"),
    (np.zeros((0, 2)), np.zeros(0, dtype=int), "0 sample"),
    (np.zeros((3, 2)), [0, 1], "inconsistent numbers of samples"),
    ([[0.0], [1.0]], [0.5, 1.5], "class indices"),
    ([[0.0], [1.0]], [-1, 0], "class indices"),
])
def test_taught_trees_refuse_bad_input_clearly(grow, X, y, message):
    with pytest.raises(ValueError, match=message):
        grow(X, y)
