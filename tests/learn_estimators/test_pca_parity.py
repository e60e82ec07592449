"""PCA against scikit-learn: same axes (same signs), variances, projections, counts."""

import numpy as np
import pytest
import sklearn.decomposition
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine

from glassbox.learn.decomposition import PCA

TOLERANCE = 1e-6


def assert_same_as_sklearn(X, **params):
    """One parity helper: every fitted attribute and every projection, to 1e-6."""
    ours = PCA(**params).fit(X)
    theirs = sklearn.decomposition.PCA(**params).fit(X)
    assert ours.n_components_ == theirs.n_components_
    assert ours._fit_svd_solver == theirs._fit_svd_solver
    # axes with (numerically) zero variance span an arbitrary null space: any orthonormal
    # basis of it is right, so only the axes that carry variance are compared
    scale = max(theirs.explained_variance_.max(initial=0.0), 1e-300)
    kept = theirs.explained_variance_ > 1e-9 * scale
    np.testing.assert_allclose(ours.components_[kept], theirs.components_[kept],
                               atol=TOLERANCE, rtol=0)
    for name in ("explained_variance_", "singular_values_", "mean_"):
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name),
                                   atol=TOLERANCE * max(1.0, scale), rtol=TOLERANCE)
    np.testing.assert_allclose(ours.explained_variance_ratio_,
                               theirs.explained_variance_ratio_, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(ours.noise_variance_, theirs.noise_variance_,
                               atol=TOLERANCE * max(1.0, scale), rtol=TOLERANCE)
    projected = ours.transform(X)
    magnitude = max(1.0, np.abs(theirs.transform(X)).max(initial=0.0))
    np.testing.assert_allclose(projected[:, kept], theirs.transform(X)[:, kept],
                               atol=TOLERANCE * magnitude, rtol=0)
    np.testing.assert_allclose(ours.fit_transform(X)[:, kept],
                               theirs.fit_transform(X)[:, kept],
                               atol=TOLERANCE * magnitude, rtol=0)
    if not params.get("whiten") and ours.n_components_ > 0:
        np.testing.assert_allclose(ours.inverse_transform(projected),
                                   theirs.inverse_transform(projected),
                                   atol=TOLERANCE * magnitude, rtol=0)
    return ours


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_breast_cancer, load_digits])
@pytest.mark.parametrize("svd_solver", ["auto", "full", "covariance_eigh"])
@pytest.mark.parametrize(
    "n_components, whiten", [(None, False), (2, True), (0.5, False), (0.95, True), (0.999, False)]
)
def test_real_data_parity(loader, svd_solver, n_components, whiten):
    X, _ = loader(return_X_y=True)
    assert_same_as_sklearn(X, n_components=n_components, svd_solver=svd_solver, whiten=whiten)


@given(
    X=arrays(np.float64, st.tuples(st.integers(2, 40), st.integers(1, 8)),
             elements=st.floats(-1e3, 1e3, allow_subnormal=False)),
    data=st.data(),
)
def test_hypothesis_parity(X, data):
    n_max = min(X.shape)
    n_components = data.draw(st.one_of(st.none(), st.integers(0, n_max),
                                       st.floats(0.05, 0.95)))
    svd_solver = data.draw(st.sampled_from(["auto", "full", "covariance_eigh"]))
    if X.std(axis=0).max() == 0:
        return  # constant data: every ratio is 0/0 in both libraries
    assert_same_as_sklearn(X, n_components=n_components, svd_solver=svd_solver)


def test_float_fraction_picks_the_same_count():
    X, _ = load_digits(return_X_y=True)
    for fraction in (0.1, 0.5, 0.8, 0.9, 0.95, 0.99):
        ours = PCA(n_components=fraction).fit(X)
        theirs = sklearn.decomposition.PCA(n_components=fraction).fit(X)
        assert ours.n_components_ == theirs.n_components_
        assert ours.explained_variance_ratio_.sum() > fraction


def test_full_rank_reconstruction_is_exact():
    X, _ = load_wine(return_X_y=True)
    pca = PCA().fit(X)
    np.testing.assert_allclose(pca.inverse_transform(pca.transform(X)), X, atol=1e-8)
    whitened = PCA(whiten=True).fit(X)
    Z = whitened.transform(X)
    np.testing.assert_allclose(np.cov(Z, rowvar=False), np.eye(X.shape[1]), atol=1e-8)
    np.testing.assert_allclose(whitened.inverse_transform(Z), X, atol=1e-8)


def test_float32_stays_float32():
    X, _ = load_iris(return_X_y=True)
    pca = PCA(n_components=2).fit(X.astype(np.float32))
    assert pca.components_.dtype == np.float32
    assert pca.transform(X.astype(np.float32)).dtype == np.float32
    reference = sklearn.decomposition.PCA(n_components=2).fit(X)
    np.testing.assert_allclose(pca.components_, reference.components_, atol=1e-4)


@pytest.mark.parametrize("params", [
    {"n_components": 5, "svd_solver": "randomized", "random_state": 0},
    {"n_components": 3, "svd_solver": "randomized", "random_state": 1, "whiten": True,
     "power_iteration_normalizer": "QR", "n_oversamples": 4},
    {"n_components": 4, "svd_solver": "randomized", "random_state": 2, "iterated_power": 1},
    {"n_components": 5, "svd_solver": "arpack", "random_state": 0},
    {"n_components": "mle"},
    {"n_components": "mle", "svd_solver": "covariance_eigh"},
])
@pytest.mark.parametrize("loader", [load_wine, load_breast_cancer, load_digits])
def test_approximate_solvers_and_mle_parity(loader, params):
    # the same random draws as scikit-learn: the same approximate components
    X, _ = loader(return_X_y=True)
    assert_same_as_sklearn(X, **params)


@pytest.mark.parametrize("shape, n_components", [
    ((600, 550), 10),     # big, few components: randomized
    ((600, 550), 500),    # big, most components: full
    ((400, 300), 10),     # small: full
    ((5000, 40), 5),      # tall and skinny: covariance_eigh
    ((600, 150), "mle"),  # mle: full (not randomized although 600 > 500; 150 features keep
                          # the evidence search, O(features^3) in both libraries, to ~1 s)
    ((600, 550), 0.5),    # a fraction: full
])
def test_auto_picks_the_solver_sklearn_picks(shape, n_components):
    scale = np.r_[30.0, 20.0, 10.0, np.linspace(1.0, 0.1, shape[1] - 3)]  # three clear axes
    X = np.random.RandomState(0).normal(size=shape) * scale
    ours = PCA(n_components=n_components, random_state=0).fit(X)
    theirs = sklearn.decomposition.PCA(n_components=n_components, random_state=0).fit(X)
    assert ours._fit_svd_solver == theirs._fit_svd_solver
    # the same random draws where the solver is randomized: the same components
    np.testing.assert_allclose(ours.components_, theirs.components_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_,
                               rtol=1e-9)


@pytest.mark.parametrize("params, n_samples", [
    ({"n_components": "mle", "svd_solver": "arpack"}, 50),
    ({"n_components": "mle", "svd_solver": "randomized"}, 50),
    ({"n_components": "mle"}, 5),
    ({"n_components": 10, "svd_solver": "arpack"}, 10),
    ({"n_components": 0.5, "svd_solver": "randomized"}, 50),
])
def test_solver_refusals_same_as_sklearn(params, n_samples):
    X = np.random.RandomState(0).normal(size=(n_samples, 10))
    with pytest.raises(ValueError) as theirs:
        sklearn.decomposition.PCA(**params).fit(X)
    with pytest.raises(ValueError) as ours:
        PCA(**params).fit(X)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("estimator_class", [PCA, sklearn.decomposition.PCA])
def test_bad_input_same_errors(estimator_class):
    X, _ = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="n_components=5 must be between 0 and"):
        estimator_class(n_components=5, svd_solver="full").fit(X)
    with pytest.raises(ValueError, match="n_components"):
        estimator_class(n_components=-1).fit(X)
    with pytest.raises(ValueError, match="n_components"):
        estimator_class(n_components=1.5).fit(X)
    with pytest.raises(ValueError, match="Reshape your data"):
        estimator_class().fit(X[:, 0])
    with pytest.raises(ValueError, match="NaN"):
        estimator_class().fit(np.where(X > 7, np.nan, X))
    with pytest.raises(ValueError, match="features"):
        estimator_class(n_components=2).fit(X).transform(X[:, :3])


@pytest.mark.parametrize("params", [{"n_components": 2}, {"n_components": 3, "whiten": True},
                                    {"n_components": None}, {"n_components": 0}])
def test_probabilistic_pca_likelihood_equal(params):
    X = load_wine(return_X_y=True)[0]
    ours = PCA(**params).fit(X[::2])
    theirs = sklearn.decomposition.PCA(**params).fit(X[::2])
    for method in ("get_covariance", "get_precision"):
        expected = getattr(theirs, method)()
        np.testing.assert_allclose(getattr(ours, method)(), expected, rtol=1e-6,
                                   atol=1e-9 * np.abs(expected).max(), err_msg=method)
    np.testing.assert_allclose(ours.score_samples(X[1::2]), theirs.score_samples(X[1::2]),
                               rtol=1e-8)
    assert ours.score(X[1::2]) == pytest.approx(theirs.score(X[1::2]), rel=1e-8)
