"""LinearRegression and LogisticRegression against scikit-learn, plus gradient checks."""

import warnings

import numpy as np
import pytest
import sklearn.linear_model
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.preprocessing import StandardScaler

from glassbox.learn.linear_model import (
    LinearRegression,
    LogisticRegression,
    logistic_loss_gradient,
    minimize_lbfgs,
    softmax_loss_gradient,
)
from glassbox.learn.linear_model._lbfgs import _minimize_like_sklearn

PROBABILITY_TOLERANCE = 1e-4
COEF_TOLERANCE = 1e-6  # relative to the largest coefficient


def _scaled(loader, every=1):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X[::every]), y[::every]


def assert_logistic_same_as_sklearn(X, y, sample_weight=None, coef_tolerance=COEF_TOLERANCE,
                                    **params):  # fmt: skip
    """One parity helper: coefficients to 1e-6, probabilities to 1e-4 (default tol too)."""
    params = {"max_iter": 5000, **params}
    ours = LogisticRegression(**params).fit(X, y, sample_weight=sample_weight)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = sklearn.linear_model.LogisticRegression(**params).fit(
            X, y, sample_weight=sample_weight
        )
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.coef_.shape == theirs.coef_.shape
    assert ours.intercept_.shape == theirs.intercept_.shape
    # the same minimiser with the same stopping rule: the same coefficients
    scale = max(np.abs(theirs.coef_).max(), np.abs(theirs.intercept_).max(), 1.0)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=coef_tolerance * scale)
    ours_intercept, their_intercept = ours.intercept_, theirs.intercept_
    if ours_intercept.size > 2:
        # softmax is unchanged by adding one constant to every (unpenalised) intercept: a
        # flat direction along which rounding drifts; compare the identifiable part
        ours_intercept = ours_intercept - ours_intercept.mean()
        their_intercept = their_intercept - their_intercept.mean()
    np.testing.assert_allclose(ours_intercept, their_intercept, rtol=0,
                               atol=coef_tolerance * scale)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X),
                               atol=PROBABILITY_TOLERANCE, rtol=0)
    np.testing.assert_allclose(np.exp(ours.predict_log_proba(X)), ours.predict_proba(X),
                               rtol=0, atol=1e-12)
    # decisions agree except on points the two solutions put on the boundary
    margin = np.abs(theirs.decision_function(X))
    if margin.ndim == 1:
        confident = margin > 1e-3
    else:  # the two most probable classes must be told apart
        top_two = np.sort(theirs.predict_proba(X), axis=1)[:, -2:]
        confident = top_two[:, 1] - top_two[:, 0] > 2 * PROBABILITY_TOLERANCE
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
    # full-rank, not nearly collinear designs (the intercept counts as a column of ones):
    # otherwise the minimum is flat along a direction and its parameters are not defined
    design = np.column_stack([X, np.ones(len(X))]) if fit_intercept else X
    singular = np.linalg.svd(design, compute_uv=False)
    assume(singular.min() > 1e-2 * singular.max())
    # degenerate draws (repeated rows, tied classes) make the default-tol stopping point
    # depend on rounding; compare the minimum itself. Both solvers also stop when a step
    # lowers the objective by less than 64 eps relative (scikit-learn's ftol): where the
    # minimum is flat (weak penalty, nearly equal columns) that leaves the parameters
    # free to ~1e-5 (measured up to 1.5e-5), so the objective values differ by about
    # curvature * 1e-10 (measured up to 1.2e-12 relative): compared to 1e-10 relative.
    ours, theirs = assert_logistic_same_as_sklearn(X, y, C=C, fit_intercept=fit_intercept,
                                                   tol=1e-10, coef_tolerance=1e-4)
    ours_objective, their_objective = _objective(ours, X, y, C), _objective(theirs, X, y, C)
    assert abs(ours_objective - their_objective) <= 1e-10 * max(1.0, their_objective)


def _objective(model, X, y, C):
    """The penalised mean loss a fitted model minimised (the solver's scaled objective)."""
    parameters = np.column_stack([model.coef_, model.intercept_]).ravel()
    design = np.column_stack([X, np.ones(len(X))])  # intercept_ is 0 without one: same
    weight, l2_strength = np.ones(len(y)), 1.0 / (C * len(y))
    if model.coef_.shape[0] == 1:
        target = (y == model.classes_[1]).astype(float)
        loss, _ = logistic_loss_gradient(parameters, design, target, weight, 0.0, False)
    else:
        onehot = (y[:, None] == model.classes_[None, :]).astype(float)
        loss, _ = softmax_loss_gradient(parameters, design, onehot, weight, 0.0, False)
    return loss + 0.5 * l2_strength * np.sum(model.coef_**2)  # the intercept is free


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
    binary = lambda v: logistic_loss_gradient(v, X, y_binary, weight, 0.3, fit_intercept)
    np.testing.assert_allclose(binary(w)[1], _central_difference_gradient(binary, w),
                               rtol=1e-6, atol=1e-8)
    Y = np.eye(3)[rng.integers(0, 3, 30)]
    W = rng.normal(size=3 * (4 + fit_intercept))
    multinomial = lambda v: softmax_loss_gradient(v, X, Y, weight, 0.3, fit_intercept)
    np.testing.assert_allclose(multinomial(W)[1], _central_difference_gradient(multinomial, W),
                               rtol=1e-6, atol=1e-8)


def test_objective_is_sklearns():
    # at sklearn's solution our gradient of C*sum(loss) + ||w||²/2 (scaled) vanishes
    X, y = _scaled(load_breast_cancer)
    theirs = sklearn.linear_model.LogisticRegression(C=0.7, tol=1e-12, max_iter=10000).fit(X, y)
    w = np.append(theirs.coef_[0], theirs.intercept_)
    _, gradient = logistic_loss_gradient(w, X, y.astype(float), np.ones(len(y)),
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


@st.composite
def regression_problems(draw):
    n_features = draw(st.integers(1, 6))
    n_samples = draw(st.integers(n_features + 2, 30))
    X = draw(arrays(np.float64, (n_samples, n_features),
                    elements=st.floats(-10, 10, allow_subnormal=False)))
    y = draw(arrays(np.float64, n_samples, elements=st.floats(-10, 10, allow_subnormal=False)))
    return X, y


@given(problem=regression_problems(), fit_intercept=st.booleans())
def test_hypothesis_parity_linear(problem, fit_intercept):
    X, y = problem
    # rank-deficient draws have a whole set of least-squares solutions; both libraries
    # return the minimum-norm one only up to the cut-off, so compare well-posed draws
    centred = X - X.mean(axis=0) if fit_intercept else X
    singular = np.linalg.svd(centred, compute_uv=False)
    assume(singular.min() >= 1e-3 * max(singular.max(), 1e-300))
    assert_linear_same_as_sklearn(X, y, fit_intercept=fit_intercept)


@given(problem=classification_problems(), C=st.sampled_from([0.1, 1.0]))
def test_teaching_lbfgs_reaches_scipys_minimum(problem, C):
    # the L-BFGS written out in linear_model.minimize_lbfgs against scipy's L-BFGS-B
    # (what fit uses, as scikit-learn does): the same minimum of a strictly convex loss
    X, y = problem
    target = (y == 1).astype(float)
    assume(0 < target.sum() < len(target))

    def loss_gradient(w):
        return logistic_loss_gradient(w, X, target, np.ones(len(y)), 1.0 / (C * len(y)), True)

    w0 = np.zeros(X.shape[1] + 1)
    ours, _, converged = minimize_lbfgs(loss_gradient, w0, max_iter=2000, gtol=1e-10)
    theirs, _, _ = _minimize_like_sklearn(loss_gradient, w0, max_iter=2000, tol=1e-10)
    assert converged
    assert loss_gradient(ours)[0] <= loss_gradient(theirs)[0] + 1e-12
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6 * max(1.0, np.abs(theirs).max()))


def test_linear_regression_refuses_positive():
    X, y = load_diabetes(return_X_y=True)
    with pytest.raises(ValueError, match="positive=True"):
        LinearRegression(positive=True).fit(X, y)


def _warnings_of_fit(estimator, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y)
    return sorted((w.category.__name__, str(w.message)) for w in caught)


@pytest.mark.parametrize("params", [{"l1_ratio": None}, {"penalty": "l2"}, {"penalty": None},
                                    {"n_jobs": 1}, {"penalty": "l2", "l1_ratio": None}, {}])
def test_logistic_regression_warns_as_sklearn_1_9(params):
    # scikit-learn 1.9 deprecates penalty, l1_ratio=None and n_jobs with FutureWarnings
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    ours = _warnings_of_fit(LogisticRegression(**params), X, y)
    assert ours == _warnings_of_fit(sklearn.linear_model.LogisticRegression(**params), X, y)
    assert any(w[0] == "FutureWarning" for w in ours) == bool(params)


def test_sparsify_keeps_the_predictions_and_densify_restores_coef():
    from scipy import sparse

    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = LogisticRegression().fit(X, y)
    dense_coef, scores = model.coef_.copy(), model.decision_function(X)
    assert sparse.issparse(model.sparsify().coef_)
    np.testing.assert_allclose(model.decision_function(X), scores, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(model.predict(X), np.argmax(scores, axis=1))
    np.testing.assert_array_equal(model.densify().coef_, dense_coef)
    with pytest.raises(NotFittedError, match="before sparsifying"):
        LogisticRegression().sparsify()


@pytest.mark.parametrize("use_weights", [False, True])
@pytest.mark.parametrize("copy_X", [True, False])
def test_copy_x_false_centres_the_callers_array_as_sklearn(copy_X, use_weights):
    # copy_X=False lets both libraries centre (and rescale) X in place to save memory
    rng = np.random.RandomState(0)
    X, y, weight = rng.randn(10, 12), rng.randn(10, 2), rng.rand(10)
    ours_X, theirs_X = X.copy(), X.copy()
    sample_weight = weight if use_weights else None
    ours = LinearRegression(copy_X=copy_X).fit(ours_X, y, sample_weight=sample_weight)
    theirs = sklearn.linear_model.LinearRegression(copy_X=copy_X).fit(
        theirs_X, y, sample_weight=sample_weight)
    np.testing.assert_allclose(ours_X, theirs_X, rtol=1e-12, atol=1e-12)
    assert np.array_equal(ours_X, X) == copy_X
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9, atol=1e-9)
