"""LinearRegression and LogisticRegression against scikit-learn, plus gradient checks."""

import warnings

import numpy as np
import pytest
import sklearn.linear_model
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from glassbox.learn.linear_model import (
    LinearRegression,
    LogisticRegression,
    _binary_loss_gradient,
    _multinomial_loss_gradient,
)

PROBABILITY_TOLERANCE = 1e-4


def _scaled(loader, every=1):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X[::every]), y[::every]


def assert_logistic_same_as_sklearn(X, y, sample_weight=None, **params):
    """One parity helper: probabilities within 1e-4 of sklearn's lbfgs at a tight tol."""
    params = {"tol": 1e-10, "max_iter": 5000, **params}
    ours = LogisticRegression(**params).fit(X, y, sample_weight=sample_weight)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = sklearn.linear_model.LogisticRegression(**params).fit(
            X, y, sample_weight=sample_weight
        )
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.coef_.shape == theirs.coef_.shape
    assert ours.intercept_.shape == theirs.intercept_.shape
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X),
                               atol=PROBABILITY_TOLERANCE, rtol=0)
    np.testing.assert_allclose(np.exp(ours.predict_log_proba(X)), ours.predict_proba(X),
                               rtol=0, atol=1e-12)
    # decisions agree except on points the two solutions put on the boundary
    margin = np.abs(theirs.decision_function(X))
    confident = margin > 1e-3 if margin.ndim == 1 else np.ptp(theirs.predict_proba(X), 1) > 0
    np.testing.assert_array_equal(ours.predict(X)[confident], theirs.predict(X)[confident])
    return ours, theirs


@pytest.mark.parametrize(
    "loader, every",
    [(load_breast_cancer, 1), (load_iris, 1), (load_wine, 1), (load_digits, 3)],
)
@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_real_data_parity(loader, every, C, fit_intercept):
    X, y = _scaled(loader, every)
    assert_logistic_same_as_sklearn(X, y, C=C, fit_intercept=fit_intercept)


def test_binary_on_multiclass_subset_and_string_labels():
    X, y = _scaled(load_iris)
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    keep = y > 0
    ours, _ = assert_logistic_same_as_sklearn(X[keep], labels[keep], C=0.5)
    assert ours.coef_.shape == (1, X.shape[1])
    assert set(ours.predict(X[keep])) <= {"versicolor", "virginica"}


def test_no_penalty_and_weights():
    X, y = _scaled(load_wine)
    rng = np.random.default_rng(0)
    assert_logistic_same_as_sklearn(X, y, sample_weight=rng.uniform(0.5, 2.0, len(y)))
    assert_logistic_same_as_sklearn(X, y, class_weight="balanced", C=0.3)
    assert_logistic_same_as_sklearn(X, y, class_weight={0: 1.0, 1: 2.0, 2: 0.5})
    X, y = _scaled(load_breast_cancer)
    assert_logistic_same_as_sklearn(X[:, :3], y, C=np.inf)


@st.composite
def classification_problems(draw):
    n_classes = draw(st.integers(2, 4))
    n_samples = draw(st.integers(3 * n_classes, 60))
    n_features = draw(st.integers(1, 5))
    X = draw(arrays(np.float64, (n_samples, n_features),
                    elements=st.floats(-3, 3, allow_subnormal=False)))
    y = np.arange(n_samples) % n_classes  # every class present
    y = draw(st.permutations(y))
    return X, np.asarray(y)


@given(problem=classification_problems(), C=st.sampled_from([0.1, 1.0, 10.0]),
       fit_intercept=st.booleans())
def test_hypothesis_parity(problem, C, fit_intercept):
    X, y = problem
    assert_logistic_same_as_sklearn(X, y, C=C, fit_intercept=fit_intercept)


def _central_difference_gradient(function, w, step=1e-6):
    gradient = np.empty_like(w)
    for i in range(w.size):
        bump = np.zeros_like(w)
        bump[i] = step
        gradient[i] = (function(w + bump)[0] - function(w - bump)[0]) / (2 * step)
    return gradient


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_loss_gradients_match_central_differences(fit_intercept):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4))
    weight = rng.uniform(0.5, 2.0, 30)
    y_binary = (rng.random(30) > 0.5).astype(float)
    w = rng.normal(size=4 + fit_intercept)
    binary = lambda v: _binary_loss_gradient(v, X, y_binary, weight, 0.3, fit_intercept)
    np.testing.assert_allclose(binary(w)[1], _central_difference_gradient(binary, w),
                               rtol=1e-6, atol=1e-8)
    Y = np.eye(3)[rng.integers(0, 3, 30)]
    W = rng.normal(size=3 * (4 + fit_intercept))
    multinomial = lambda v: _multinomial_loss_gradient(v, X, Y, weight, 0.3, fit_intercept)
    np.testing.assert_allclose(multinomial(W)[1], _central_difference_gradient(multinomial, W),
                               rtol=1e-6, atol=1e-8)


def test_objective_is_sklearns():
    # at sklearn's solution our gradient of C*sum(loss) + ||w||²/2 (scaled) vanishes
    X, y = _scaled(load_breast_cancer)
    theirs = sklearn.linear_model.LogisticRegression(C=0.7, tol=1e-12, max_iter=10000).fit(X, y)
    w = np.append(theirs.coef_[0], theirs.intercept_)
    _, gradient = _binary_loss_gradient(w, X, y.astype(float), np.ones(len(y)),
                                        1.0 / (0.7 * len(y)), True)
    assert np.abs(gradient).max() < 1e-6


def test_convergence_warning_and_n_iter():
    X, y = _scaled(load_digits, 3)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        model = LogisticRegression(max_iter=3).fit(X, y)
    assert model.n_iter_.tolist() == [3]
    converged = LogisticRegression(max_iter=1000).fit(X, y)
    assert 3 < converged.n_iter_[0] < 1000


def test_warm_start_continues_from_previous_solution():
    X, y = _scaled(load_iris)
    model = LogisticRegression(warm_start=True, max_iter=1000).fit(X, y)
    first = model.n_iter_[0]
    model.fit(X, y)
    assert model.n_iter_[0] < first


@pytest.mark.parametrize("estimator_class", [LogisticRegression,
                                             sklearn.linear_model.LogisticRegression])
def test_logistic_bad_input_same_errors(estimator_class):
    X, y = _scaled(load_iris)
    with pytest.raises(ValueError, match="only one class: np.int64\\(0\\)|only one class: 0"):
        estimator_class().fit(X[:10], y[:10])
    with pytest.raises(ValueError, match="C"):
        estimator_class(C=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="Reshape your data"):
        estimator_class().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        estimator_class().fit(X, y[:-1])
    with pytest.raises(ValueError, match="Unknown label type"):
        estimator_class().fit(X, y + 0.5)


def test_unsupported_penalties_are_refused_clearly():
    X, y = _scaled(load_iris)
    with pytest.raises(ValueError, match="L2 penalty only.*l1_ratio=1"):
        LogisticRegression(l1_ratio=1.0).fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        LogisticRegression(solver="saga").fit(X, y)


# ----------------------------------------------------------------------------------------
# LinearRegression
# ----------------------------------------------------------------------------------------


def assert_linear_same_as_sklearn(X, y, sample_weight=None, **params):
    ours = LinearRegression(**params).fit(X, y, sample_weight=sample_weight)
    theirs = sklearn.linear_model.LinearRegression(**params).fit(
        X, y, sample_weight=sample_weight
    )
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-8, rtol=1e-8)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-8, rtol=1e-8)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-8, rtol=1e-8)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), abs=1e-10)
    assert ours.rank_ == theirs.rank_


def test_course_example_recovers_alpha_beta_gamma():
    # y = α x₁ + β x₂ + γ x₃ with α=1.5, β=-2, γ=0.25 (and no noise)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    y = X @ np.array([1.5, -2.0, 0.25])
    model = LinearRegression(fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(model.coef_, [1.5, -2.0, 0.25], atol=1e-12)
    assert model.score(X, y) == pytest.approx(1.0)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_diabetes_parity(fit_intercept):
    X, y = load_diabetes(return_X_y=True)
    assert_linear_same_as_sklearn(X, y, fit_intercept=fit_intercept)
    weights = np.random.default_rng(1).uniform(0.1, 3.0, len(y))
    assert_linear_same_as_sklearn(X, y, sample_weight=weights, fit_intercept=fit_intercept)
    assert_linear_same_as_sklearn(X, np.column_stack([y, -2 * y + 1]),
                                  fit_intercept=fit_intercept)


@given(
    X=arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 6)),
             elements=st.floats(-10, 10, allow_subnormal=False)),
    data=st.data(),
    fit_intercept=st.booleans(),
)
def test_hypothesis_parity_linear(X, data, fit_intercept):
    y = data.draw(arrays(np.float64, X.shape[0], elements=st.floats(-10, 10,
                                                                   allow_subnormal=False)))
    # rank-deficient draws have a whole set of least-squares solutions; both libraries
    # return the minimum-norm one only up to the cut-off, so compare well-posed draws
    centred = X - X.mean(axis=0) if fit_intercept else X
    singular = np.linalg.svd(centred, compute_uv=False)
    if singular.size < X.shape[1] or singular.min() < 1e-3 * max(singular.max(), 1e-300):
        return
    assert_linear_same_as_sklearn(X, y, fit_intercept=fit_intercept)


def test_linear_regression_refuses_positive():
    X, y = load_diabetes(return_X_y=True)
    with pytest.raises(ValueError, match="positive=True"):
        LinearRegression(positive=True).fit(X, y)
