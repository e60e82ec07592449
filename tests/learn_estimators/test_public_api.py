"""Public methods users call on scikit-learn's estimators: same results from glassbox's."""

import numpy as np
import pytest
import sklearn.ensemble
import sklearn.neighbors
import sklearn.tree
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError

from glassbox.learn.ensemble import RandomForestClassifier
from glassbox.learn.neighbors import KNeighborsClassifier
from glassbox.learn.tree import DecisionTreeClassifier


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.mark.parametrize("bootstrap", [True, False])
def test_forest_container_path_and_samples_equal(iris, bootstrap):
    X, y = iris
    params = dict(n_estimators=4, max_depth=3, bootstrap=bootstrap, random_state=0)
    ours = RandomForestClassifier(**params).fit(X, y)
    theirs = sklearn.ensemble.RandomForestClassifier(**params).fit(X, y)
    assert len(ours) == len(theirs) == 4
    assert [t.random_state for t in ours] == [t.random_state for t in theirs]
    assert ours[2] is ours.estimators_[2]
    for a, b in zip(ours.estimators_samples_, theirs.estimators_samples_):
        np.testing.assert_array_equal(a, b)
    path, n_nodes_ptr = ours.decision_path(X)
    their_path, their_ptr = theirs.decision_path(X)
    np.testing.assert_array_equal(n_nodes_ptr, their_ptr)
    assert (path != their_path).nnz == 0
    # the trees inside carry the encoded classes as floats, as scikit-learn's do
    assert ours[0].classes_.dtype == theirs[0].classes_.dtype == np.float64
    np.testing.assert_array_equal(ours[0].classes_, theirs[0].classes_)


def test_tree_decision_path_int64_and_not_fitted_errors(iris):
    X, y = iris
    ours = DecisionTreeClassifier(random_state=0).fit(X, y).decision_path(X)
    theirs = sklearn.tree.DecisionTreeClassifier(random_state=0).fit(X, y).decision_path(X)
    assert (ours.indices.dtype, ours.indptr.dtype, ours.dtype) == (
        theirs.indices.dtype, theirs.indptr.dtype, theirs.dtype)
    assert (ours != theirs).nnz == 0
    for method in ("apply", "decision_path", "predict", "predict_proba"):
        with pytest.raises(NotFittedError):
            getattr(DecisionTreeClassifier(), method)(X)


@pytest.mark.parametrize("mode", ["connectivity", "distance"])
@pytest.mark.parametrize("query", [None, "X"])
def test_kneighbors_graph_equal(iris, mode, query):
    X, y = iris
    X = X[::3] + np.random.default_rng(0).normal(0, 1e-3, X[::3].shape)  # no exact ties
    y = y[::3]
    queries = None if query is None else X[:10]
    ours = KNeighborsClassifier(n_neighbors=4).fit(X, y).kneighbors_graph(queries, mode=mode)
    theirs = sklearn.neighbors.KNeighborsClassifier(n_neighbors=4).fit(X, y).kneighbors_graph(
        queries, mode=mode)
    assert ours.shape == theirs.shape and ours.format == theirs.format == "csr"
    np.testing.assert_allclose(ours.toarray(), theirs.toarray(), rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="Unsupported mode"):
        KNeighborsClassifier().fit(X, y).kneighbors_graph(mode="weights")
