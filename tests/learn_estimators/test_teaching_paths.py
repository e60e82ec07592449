"""The algorithms as taught (short, public) equal the estimators' fast paths.

Each teaching function is checked against the estimator that computes the same thing
faster (and with scikit-learn's tie-breaking), on Hypothesis data; draws where the two
may legitimately differ (exact ties) are excluded with ``assume``.
"""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from glassbox.learn.decomposition import PCA, pca_four_steps
from glassbox.learn.neighbors import KNeighborsClassifier, knn_predict
from glassbox.learn.tree import DecisionTreeClassifier, cart_best_split, grow_tree


@st.composite
def labelled_data(draw, max_features=4):
    n_samples = draw(st.integers(4, 40))
    n_features = draw(st.integers(1, max_features))
    X = draw(arrays(np.float32, (n_samples, n_features),
                    elements=st.floats(-5, 5, width=32, allow_subnormal=False)))
    n_classes = draw(st.integers(2, 3))
    y = draw(arrays(np.int64, n_samples, elements=st.integers(0, n_classes - 1)))
    return X, y


def _all_decreases(X, y):
    """Best decrease of each feature (for telling a unique best split from a tie)."""
    return [cart_best_split(X[:, [j]], y, int(y.max()) + 1) for j in range(X.shape[1])]


@settings(max_examples=40, deadline=None)
@given(data=labelled_data())
def test_cart_best_split_is_the_trees_root_split(data):
    X, y = data
    assume(len(np.unique(y)) > 1)
    split = cart_best_split(X.astype(np.float64), y)
    tree = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y).tree_
    assume(split is not None)
    n = tree.weighted_n_node_samples
    fitted_decrease = (tree.impurity[0] - (n[1] * tree.impurity[1] + n[2] * tree.impurity[2])
                       / n[0])
    # the largest decrease is the same even where features tie
    assert abs(split[2] - fitted_decrease) <= 1e-12
    per_feature = [s[2] for s in _all_decreases(X.astype(np.float64), y) if s is not None]
    if sorted(per_feature)[-2:].count(split[2]) == 1 or len(per_feature) == 1:
        assert (split[0], split[1]) == (tree.feature[0], tree.threshold[0])


def _predict(node, x):
    while "feature" in node:
        node = node["left"] if x[node["feature"]] <= node["threshold"] else node["right"]
    return int(np.argmax(node["counts"]))


@settings(max_examples=30, deadline=None)
@given(data=labelled_data(max_features=1))
def test_grow_tree_gives_the_estimators_predictions(data):
    # one feature: no tie between features, so the recursion is the estimator's tree
    X, y = data
    X64 = X.astype(np.float64)
    taught = grow_tree(X64, y)
    fitted = DecisionTreeClassifier(random_state=0).fit(X, y)
    np.testing.assert_array_equal([_predict(taught, x) for x in X64], fitted.predict(X))


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


@settings(max_examples=40, deadline=None)
@given(data=continuous_data(), k=st.integers(1, 6))
def test_knn_predict_is_the_estimators_predict(data, k):
    X, y = data
    queries = X[: len(X) // 2] + 0.25
    distances = np.sqrt(((queries[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    ordered = np.sort(distances, axis=1)
    # a tie at the k-th distance makes "the k nearest" a convention: leave it out
    assume(np.all(ordered[:, k] - ordered[:, k - 1] > 1e-9))
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
