"""PCA in four steps equals glassbox's and scikit-learn's PCA; principal angles equal scipy's;
a linear autoencoder trained to convergence spans PCA's subspace."""

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given
from hypothesis import strategies as st
from sklearn.decomposition import PCA as SklearnPCA

import glassbox as gb
import glassbox.nn as gnn
from glassbox.generative import (
    decoder_subspace,
    pca_four_steps,
    principal_angles,
    reconstruction_error,
)
from glassbox.learn.decomposition import PCA
from glassbox.models import autoencoder


def _data(seed, n=60, d=8):
    rng = np.random.default_rng(seed)
    # distinct variances so the components are well defined
    return rng.standard_normal((n, d)) * np.linspace(3, 0.5, d) @ _rotation(rng, d) + 2.0


def _rotation(rng, d):
    return np.linalg.qr(rng.standard_normal((d, d)))[0]


@given(seed=st.integers(0, 10_000), k=st.integers(1, 8))
def test_four_steps_equal_glassbox_and_sklearn_pca(seed, k):
    X = _data(seed)
    ours = pca_four_steps(X, k)
    theirs = SklearnPCA(n_components=k, svd_solver="full").fit(X)
    glassbox_pca = PCA(n_components=k).fit(X)
    np.testing.assert_allclose(ours["components"], theirs.components_, atol=1e-9)
    np.testing.assert_allclose(ours["components"], glassbox_pca.components_, atol=1e-9)
    n = len(X)
    # the course divides the covariance by n, scikit-learn by n - 1
    np.testing.assert_allclose(ours["eigenvalues"][:k] * n / (n - 1),
                               theirs.explained_variance_, rtol=1e-9)
    np.testing.assert_allclose(ours["explained_variance_ratio"][:k],
                               theirs.explained_variance_ratio_, rtol=1e-9)
    np.testing.assert_allclose(ours["codes"], theirs.transform(X), atol=1e-9)


@given(seed=st.integers(0, 10_000), p=st.integers(1, 5), q=st.integers(1, 5))
def test_principal_angles_equal_scipy(seed, p, q):
    rng = np.random.default_rng(seed)
    A, B = rng.standard_normal((9, p)), rng.standard_normal((9, q))
    B[:, 0] = A[:, 0] + 1e-7 * rng.standard_normal(9)  # one tiny angle, where cosines fail
    expected = np.sort(np.degrees(scipy.linalg.subspace_angles(A, B)))
    # NOTE: scipy pairs its arcsin/arccos choice by position, so it may take a tiny angle
    # from arccos(1 - x), good to ~1e-8 rad only: hence the 5e-6 degree tolerance.
    np.testing.assert_allclose(principal_angles(A, B), expected, atol=5e-6)
    np.testing.assert_allclose(principal_angles(A, B, degrees=False), np.radians(expected),
                               atol=1e-7)


@pytest.mark.parametrize("angle", [1e-9, 1e-6, 0.3, np.pi / 2])
def test_a_known_angle_is_recovered_to_full_precision(angle):
    A = np.array([[1.0], [0.0], [0.0]])
    B = np.array([[np.cos(angle)], [np.sin(angle)], [0.0]])
    assert principal_angles(A, B, degrees=False)[0] == pytest.approx(angle, rel=1e-9)


def test_same_subspace_in_another_basis_has_zero_angles():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((20, 4))
    mixed = A @ rng.standard_normal((4, 4))   # any invertible mix of the same columns
    assert principal_angles(A, mixed).max() < 1e-6


def test_linear_autoencoder_trained_to_convergence_spans_the_pca_subspace():
    # centered data with a clear gap after the 3rd variance, full-batch Adam in float64
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 10)) * np.array([4, 3, 2.5, 1, .8, .6, .5, .4, .3, .2])
    X = X @ _rotation(rng, 10)
    X -= X.mean(0)
    gb.manual_seed(0)
    model = autoencoder(gnn, input_dim=10, latent_dim=3).double()
    optimizer = gb.optim.Adam(model.parameters(), lr=0.02)
    x = gb.tensor(X)
    for _ in range(600):
        optimizer.zero_grad()
        loss = ((model(x) - x) ** 2).sum(dim=1).mean()
        loss.backward()
        optimizer.step()
    pca = pca_four_steps(X, 3)
    assert principal_angles(decoder_subspace(model), pca["components"].T).max() < 0.1
    pca_error = reconstruction_error(X, pca["codes"] @ pca["components"] + pca["mean"])
    with gb.no_grad():
        ae_error = reconstruction_error(X, model(x).numpy())
    # PCA's error is the sum of the discarded eigenvalues, the least any rank-3 map reaches
    np.testing.assert_allclose(pca_error, pca["eigenvalues"][3:].sum(), rtol=1e-9)
    assert pca_error <= ae_error < pca_error * 1.0001


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match=r"k must be an integer in \[1, n_features=3\]"):
        pca_four_steps(np.zeros((5, 3)), k=4)
    with pytest.raises(ValueError, match="2-D array"):
        pca_four_steps(np.zeros(5), k=1)
    with pytest.raises(ValueError, match="same number of rows"):
        principal_angles(np.eye(3)[:, :2], np.eye(4)[:, :2])
    with pytest.raises(ValueError, match="linearly independent"):
        principal_angles(np.ones((3, 2)), np.eye(3)[:, :1])
    with pytest.raises(ValueError, match="needs a linear autoencoder"):
        decoder_subspace(autoencoder(hidden=(8,)))
    with pytest.raises(ValueError, match="same shape"):
        reconstruction_error(np.zeros((2, 3)), np.zeros((2, 4)))
