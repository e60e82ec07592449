"""Hold-out splits (stratified, reproducible) and standardisation vs scikit-learn."""

import numpy as np
import pytest
import sklearn.preprocessing
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from glassbox.data import StandardScaler, standardize, train_val_test_split

SIZES = st.sampled_from([(0.7, 0.2, 0.1), (0.6, 0.2, 0.2), (0.8, 0.1, 0.1), (0.5, 0.5, 0.0),
                         (1 / 3, 1 / 3, 1 / 3), (0.9, 0.05, 0.05)])


@given(class_counts=st.lists(st.integers(1, 60), min_size=1, max_size=8), sizes=SIZES,
       seed=st.integers(0, 10**6))
def test_stratified_parts_keep_class_proportions(class_counts, sizes, seed):
    y = np.repeat(np.arange(len(class_counts)), class_counts)
    X = np.arange(len(y) * 2).reshape(len(y), 2)
    X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(X, y, sizes,
                                                                          seed=seed)
    n = len(y)
    parts = (y_train, y_val, y_test)
    # Part sizes: n * size rounded, summing to n.
    for part, size in zip(parts, sizes):
        assert abs(len(part) - n * size) < 1
    assert sum(len(part) for part in parts) == n
    # Each class in each part: within one sample of its share.
    for part, size in zip(parts, sizes):
        counts = np.bincount(part, minlength=len(class_counts))
        assert np.all(np.abs(counts - np.array(class_counts) * size) <= 1)
    # Rows stay paired with their labels and every sample is used exactly once.
    for X_part, y_part in zip((X_train, X_val, X_test), parts):
        np.testing.assert_array_equal(y[X_part[:, 0] // 2], y_part)
    used = np.concatenate([X_train[:, 0], X_val[:, 0], X_test[:, 0]]) // 2
    assert sorted(used.tolist()) == list(range(n))


def test_split_is_reproducible_and_seed_dependent():
    X = np.random.default_rng(0).standard_normal((100, 3))
    y = np.arange(100) % 3
    first = train_val_test_split(X, y, seed=7)
    again = train_val_test_split(X, y, seed=7)
    other = train_val_test_split(X, y, seed=8)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_continuous_target_and_unstratified_split():
    X = np.arange(50.0).reshape(50, 1)
    y = np.linspace(0.0, 1.0, 50) ** 2  # a regression target: split at random
    parts = train_val_test_split(X, y)
    assert [len(p) for p in parts[3:]] == [35, 10, 5]
    y_classes = np.repeat([0, 1], [45, 5])
    plain = train_val_test_split(X, y_classes, stratify=False, seed=3)
    assert [len(p) for p in plain[3:]] == [35, 10, 5]
    groups = np.arange(50) % 5  # stratify on another column
    by_group = train_val_test_split(X, y_classes, stratify=groups)
    assert np.bincount(groups[by_group[0][:, 0].astype(int)]).tolist() == [7] * 5


def test_split_errors():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        train_val_test_split(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match=r"three non-negative fractions summing to 1"):
        train_val_test_split(np.zeros((5, 2)), np.zeros(5), sizes=(0.7, 0.2))


finite = st.floats(-1e3, 1e3, allow_nan=False, width=64)


@given(X=arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 5)), elements=finite),
       X_other=arrays(np.float64, st.tuples(st.integers(1, 5), st.just(5)), elements=finite))
def test_scaler_equals_sklearn(X, X_other):
    X_other = X_other[:, : X.shape[1]]
    ours = StandardScaler().fit(X)
    theirs = sklearn.preprocessing.StandardScaler().fit(X)
    np.testing.assert_allclose(ours.mean_, theirs.mean_, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.var_, theirs.var_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.scale_, theirs.scale_, rtol=1e-9)
    np.testing.assert_allclose(ours.transform(X_other), theirs.transform(X_other),
                               rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(X)), X, atol=1e-9)
    assert ours.n_samples_seen_ == theirs.n_samples_seen_
    assert ours.n_features_in_ == theirs.n_features_in_


def test_scaler_options_and_float32():
    X = np.random.default_rng(0).standard_normal((40, 3)).astype(np.float32) * 5 + 2
    for options in ({"with_mean": False}, {"with_std": False}):
        ours = StandardScaler(**options).fit_transform(X)
        theirs = sklearn.preprocessing.StandardScaler(**options).fit_transform(X)
        assert ours.dtype == theirs.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
    constant = np.ones((5, 2))
    np.testing.assert_array_equal(StandardScaler().fit(constant).scale_, [1.0, 1.0])
    with pytest.raises(ValueError, match="not fitted yet"):
        StandardScaler().transform(X)
    with pytest.raises(ValueError, match="X has 2 features, but StandardScaler is expecting 3"):
        StandardScaler().fit(X).transform(X[:, :2])
    with pytest.raises(ValueError, match="Expected a 2D array"):
        StandardScaler().fit(X[:, 0])
    with pytest.raises(ValueError, match="NaN"):
        StandardScaler().fit(np.array([[np.nan]]))


def test_standardize_uses_training_statistics_only():
    X = np.random.default_rng(1).standard_normal((100, 4)) * 3 + 1
    y = np.arange(100) % 2
    X_train, X_val, X_test, *_ = train_val_test_split(X, y)
    Z_train, Z_val, Z_test, mean, std = standardize(X_train, X_val, X_test)
    reference = sklearn.preprocessing.StandardScaler().fit(X_train)
    np.testing.assert_allclose(mean, reference.mean_)
    np.testing.assert_allclose(std, reference.scale_)
    np.testing.assert_allclose(Z_test, reference.transform(X_test))
    np.testing.assert_allclose(Z_train.mean(axis=0), 0, atol=1e-12)
    assert not np.allclose(Z_val.mean(axis=0), 0, atol=1e-3)  # not re-centred on its own
