"""KNeighborsClassifier against scikit-learn's brute force: same neighbours, votes, errors.

scikit-learn scans the training set once per query when there are more queries than
training points ("parallel on X"); its order among exactly equal distances is then fixed,
and glassbox reproduces it. Every kneighbors comparison below uses that regime; votes
(predict, predict_proba) are compared in every regime.
"""

import numpy as np
import pytest
import sklearn.neighbors
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine

from glassbox.learn.neighbors import KNeighborsClassifier

METRICS = [
    ("minkowski", 2),
    ("euclidean", 2),
    ("manhattan", 2),
    ("minkowski", 1),
    ("minkowski", 3),
    ("minkowski", np.inf),
]


def assert_same_as_sklearn(X_fit, y_fit, X_query, check_kneighbors=True, **params):
    """One parity helper: predictions, probabilities and (optionally) neighbours equal."""
    ours = KNeighborsClassifier(**params).fit(X_fit, y_fit)
    theirs = sklearn.neighbors.KNeighborsClassifier(algorithm="brute", **params).fit(
        X_fit, y_fit
    )
    np.testing.assert_array_equal(ours.predict(X_query), theirs.predict(X_query))
    np.testing.assert_allclose(
        ours.predict_proba(X_query), theirs.predict_proba(X_query), rtol=0, atol=1e-12
    )
    if check_kneighbors:
        our_dist, our_ind = ours.kneighbors(X_query)
        their_dist, their_ind = theirs.kneighbors(X_query)
        np.testing.assert_array_equal(our_ind, their_ind)
        np.testing.assert_allclose(our_dist, their_dist, rtol=1e-12, atol=1e-12)


def _real(loader):
    X, y = loader(return_X_y=True)
    return X, y


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_breast_cancer, load_digits])
@pytest.mark.parametrize("metric, p", METRICS)
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_real_data_parity(loader, metric, p, weights):
    X, y = _real(loader)
    euclidean = metric == "euclidean" or (metric == "minkowski" and p == 2)
    if loader is load_digits and not euclidean:
        X, y = X[::3], y[::3]  # keep the feature-by-feature metrics quick
    # fit on a third, query the other two thirds: more queries than training points
    fit = np.arange(len(X)) % 3 == 0
    assert_same_as_sklearn(
        X[fit], y[fit], X[~fit], n_neighbors=5, weights=weights, metric=metric, p=p
    )


def test_digits_predictions_with_ties_in_every_regime():
    # digits are integers 0..16, so many squared distances tie exactly; the vote is the
    # same as sklearn's whatever strategy sklearn picks
    X, y = load_digits(return_X_y=True)
    for n_neighbors in (1, 5, 10):
        assert_same_as_sklearn(X, y, X, check_kneighbors=False, n_neighbors=n_neighbors)
        assert_same_as_sklearn(X[:1200], y[:1200], X[1200:], n_neighbors=n_neighbors)


@st.composite
def tied_problems(draw):
    """Small integer-valued data (values 0..3), where distances tie all the time."""
    n_fit = draw(st.integers(1, 40))
    n_features = draw(st.integers(1, 3))
    X_fit = draw(arrays(np.float64, (n_fit, n_features), elements=st.integers(0, 3)))
    y_fit = draw(arrays(np.int64, n_fit, elements=st.integers(0, 2)))
    n_query = draw(st.integers(n_fit + 1, n_fit + 30))
    X_query = draw(arrays(np.float64, (n_query, n_features), elements=st.integers(0, 3)))
    n_neighbors = draw(st.integers(1, n_fit))
    return X_fit, y_fit, X_query, n_neighbors


@given(
    problem=tied_problems(),
    metric_p=st.sampled_from(METRICS),
    weights=st.sampled_from(["uniform", "distance"]),
)
def test_ties_broken_as_sklearn(problem, metric_p, weights):
    X_fit, y_fit, X_query, n_neighbors = problem
    metric, p = metric_p
    assert_same_as_sklearn(
        X_fit, y_fit, X_query, n_neighbors=n_neighbors, weights=weights, metric=metric, p=p
    )


@given(
    X_fit=arrays(np.float64, st.tuples(st.integers(2, 30), st.just(3)),
                 elements=st.floats(-100, 100, allow_subnormal=False)),
    data=st.data(),
    weights=st.sampled_from(["uniform", "distance"]),
    metric_p=st.sampled_from(METRICS),
)
def test_float_data_parity(X_fit, data, weights, metric_p):
    n_fit = X_fit.shape[0]
    y_fit = data.draw(arrays(np.int64, n_fit, elements=st.integers(0, 3)))
    X_query = data.draw(arrays(np.float64, (n_fit + 5, 3),
                               elements=st.floats(-100, 100, allow_subnormal=False)))
    n_neighbors = data.draw(st.integers(1, n_fit))
    metric, p = metric_p
    assert_same_as_sklearn(
        X_fit, y_fit, X_query, n_neighbors=n_neighbors, weights=weights, metric=metric, p=p
    )


def test_leave_one_out_kneighbors_match_sklearn():
    # X=None: each training point is left out of its own neighbours
    X, y = load_iris(return_X_y=True)
    X = X + np.random.default_rng(0).normal(scale=1e-3, size=X.shape)  # no ties
    ours = KNeighborsClassifier(n_neighbors=4).fit(X, y)
    theirs = sklearn.neighbors.KNeighborsClassifier(n_neighbors=4, algorithm="brute").fit(X, y)
    our_dist, our_ind = ours.kneighbors()
    their_dist, their_ind = theirs.kneighbors()
    np.testing.assert_array_equal(our_ind, their_ind)
    np.testing.assert_allclose(our_dist, their_dist, rtol=1e-12, atol=1e-12)
    assert not np.any(our_ind == np.arange(len(X))[:, None])
    assert ours.score(None, y) == theirs.score(None, y)


def test_float32_stays_float32_and_agrees():
    X, y = load_iris(return_X_y=True)
    X32 = X.astype(np.float32)
    ours = KNeighborsClassifier(n_neighbors=3).fit(X32, y)
    distances, _ = ours.kneighbors(X32)
    assert distances.dtype == np.float32
    theirs = sklearn.neighbors.KNeighborsClassifier(n_neighbors=3, algorithm="brute").fit(X, y)
    assert np.mean(ours.predict(X32) == theirs.predict(X)) > 0.99


def test_large_k_uses_argpartition_path():
    X, y = load_wine(return_X_y=True)
    fit = np.arange(len(X)) % 3 == 0
    assert_same_as_sklearn(X[fit], y[fit], X[~fit], n_neighbors=40, weights="distance")


def _squared_inverse(distances):
    return 1.0 / (1.0 + distances**2)


def test_callable_weights_match_sklearn():
    X, y = load_wine(return_X_y=True)
    fit = np.arange(len(X)) % 3 == 0
    assert_same_as_sklearn(X[fit], y[fit], X[~fit], n_neighbors=7, weights=_squared_inverse)


def test_distance_weights_on_duplicates():
    # a query sitting on two training points: only those vote (weights 1 each)
    X = np.array([[0.0], [0.0], [1.0], [5.0]])
    y = np.array([0, 1, 1, 1])
    knn = KNeighborsClassifier(n_neighbors=3, weights="distance").fit(X, y)
    np.testing.assert_array_equal(knn.predict_proba([[0.0]]), [[0.5, 0.5]])
    assert knn.predict([[0.0]])[0] == 0  # equal votes: the first class wins


@pytest.mark.parametrize("estimator_class", [KNeighborsClassifier,
                                             sklearn.neighbors.KNeighborsClassifier])
def test_bad_input_same_errors(estimator_class):
    X, y = load_iris(return_X_y=True)
    knn = estimator_class(n_neighbors=200).fit(X, y)
    with pytest.raises(ValueError, match="Expected n_neighbors <= n_samples_fit"):
        knn.predict(X)
    with pytest.raises(ValueError, match="Expected n_neighbors > 0"):
        estimator_class().fit(X, y).kneighbors(X, n_neighbors=0)
    with pytest.raises(TypeError, match="enter integer value"):
        estimator_class().fit(X, y).kneighbors(X, n_neighbors=2.5)
    with pytest.raises(ValueError, match="n_neighbors"):
        estimator_class(n_neighbors=0).fit(X, y)
    with pytest.raises(ValueError, match="Reshape your data"):
        estimator_class().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="NaN"):
        estimator_class().fit(np.where(X > 7, np.nan, X), y)
    with pytest.raises(ValueError, match="features"):
        estimator_class().fit(X, y).predict(X[:, :2])


def test_n_neighbors_error_names_the_fix():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="n_neighbors = 200, n_samples_fit = 150.*Lower"):
        KNeighborsClassifier(n_neighbors=200).fit(X, y).predict(X)
