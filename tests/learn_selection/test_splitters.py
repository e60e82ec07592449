"""KFold, StratifiedKFold and train_test_split give scikit-learn's splits."""

import warnings

import numpy as np
import pytest
import sklearn.model_selection as skms
from hypothesis import given
from hypothesis import strategies as st

import glassbox.learn.model_selection as gbms


def _splits_or_error(splitter, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            splits = [(train.tolist(), test.tolist()) for train, test in splitter.split(X, y)]
        except ValueError:
            splits = ValueError
    return splits, sorted({str(w.message) for w in caught})


@given(st.lists(st.integers(0, 4), min_size=2, max_size=60), st.integers(2, 6),
       st.sampled_from([None, 0, 7]))
def test_kfold_and_stratified_kfold_folds_identical(labels, n_splits, seed):
    y = np.array(labels)
    X = np.zeros((len(y), 1))
    shuffle = seed is not None
    for name in ("KFold", "StratifiedKFold"):
        ours = getattr(gbms, name)(n_splits, shuffle=shuffle, random_state=seed)
        theirs = getattr(skms, name)(n_splits, shuffle=shuffle, random_state=seed)
        assert _splits_or_error(ours, X, y) == _splits_or_error(theirs, X, y)


@given(st.lists(st.sampled_from(["b", "a", "c"]), min_size=6, max_size=40))
def test_stratified_kfold_string_labels_first_appearance_order(labels):
    y = np.array(labels)
    X = np.zeros((len(y), 2))
    assert (_splits_or_error(gbms.StratifiedKFold(3), X, y)
            == _splits_or_error(skms.StratifiedKFold(3), X, y))


def test_splitter_argument_errors():
    with pytest.raises(ValueError, match="n_splits=2 or more"):
        gbms.KFold(1)
    with pytest.raises(ValueError, match="random_state has no effect"):
        gbms.KFold(3, random_state=0)
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        gbms.StratifiedKFold(3, shuffle="yes")
    with pytest.raises(ValueError, match="greater than the number of samples"):
        list(gbms.KFold(5).split(np.zeros(3)))
    with pytest.raises(ValueError, match="Supported target types"):
        list(gbms.StratifiedKFold(2).split(np.zeros(4), [0.5, 1.5, 2.5, 3.5]))


@given(st.integers(20, 120), st.integers(2, 4), st.sampled_from([0.2, 0.25, 0.5, 7]),
       st.integers(0, 1000))
def test_train_test_split_stratified_proportions_and_sklearn_equal(n, n_classes, test_size,
                                                                    seed):
    rng = np.random.default_rng(seed)
    y = np.concatenate([np.repeat(np.arange(n_classes), 2), rng.integers(0, n_classes, n)])
    X = np.arange(2 * y.size).reshape(y.size, 2)
    ours = gbms.train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)
    try:
        theirs = skms.train_test_split(X, y, test_size=test_size, stratify=y,
                                       random_state=seed)
    except ValueError:
        return  # (too few test samples for the classes) -- covered by the error test
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    X_train, X_test, y_train, y_test = ours
    # Each class's test count is within one of its exact share.
    exact_share = np.bincount(y, minlength=n_classes) * len(y_test) / len(y)
    assert np.all(np.abs(np.bincount(y_test, minlength=n_classes) - exact_share) <= 1)
    assert sorted(X_train[:, 0].tolist() + X_test[:, 0].tolist()) == X[:, 0].tolist()


def test_train_test_split_plain_and_lists():
    X = np.arange(30).reshape(10, 3)
    y = list("abcdefghij")
    ours = gbms.train_test_split(X, y, train_size=0.6, random_state=3)
    theirs = skms.train_test_split(X, y, train_size=0.6, random_state=3)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    X_train, X_test = gbms.train_test_split(X, shuffle=False, test_size=3)
    np.testing.assert_array_equal(X_test, X[7:])
    with pytest.raises(ValueError, match="test_size=1.5 should be"):
        gbms.train_test_split(X, test_size=1.5)
    with pytest.raises(ValueError, match="only 1 member"):
        gbms.train_test_split(X, stratify=[0] * 9 + [1])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        gbms.train_test_split(X, y[:5])
