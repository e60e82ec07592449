"""Splitters: k-fold, stratified k-fold, train/test split (``sklearn.model_selection._split``).

A splitter's ``split(X, y, groups)`` yields ``(train_index, test_index)`` pairs; the
cross-validation and the grid search (in ``_validation`` and ``_search``) take them from
here, or from any object with the same ``split`` and ``get_n_splits``.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterable
from math import ceil, floor

import numpy as np
from scipy.sparse import issparse
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target

__all__ = ["KFold", "StratifiedKFold", "check_cv", "train_test_split"]


# ---------------------------------------------------------------------------
# Indexing helpers
# ---------------------------------------------------------------------------
def _num_samples(x):
    if not hasattr(x, "shape") and not hasattr(x, "__len__") and hasattr(x, "__array__"):
        x = np.asarray(x)  # array-likes known only by __array__
    if hasattr(x, "shape") and len(x.shape) > 0:
        return x.shape[0]
    if hasattr(x, "__len__"):
        return len(x)
    raise TypeError(f"Expected an array-like with a length; got {type(x).__name__}.")


def _take(x, indices):
    """Rows ``indices`` of an array, DataFrame/Series or list (None stays None)."""
    if x is None:
        return None
    if issparse(x):  # scipy sparse: rows of its CSR form, as scikit-learn returns
        return x.tocsr()[indices]
    if not hasattr(x, "shape") and not hasattr(x, "__len__") and hasattr(x, "__array__"):
        x = np.asarray(x)
    if hasattr(x, "iloc"):  # pandas: positional indexing
        return x.iloc[indices]
    if hasattr(x, "shape"):
        return x[indices]
    return [x[i] for i in indices]


def _check_same_length(*arrays):
    lengths = [_num_samples(a) for a in arrays if a is not None]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: {lengths}. "
            "X, y (and groups) need one row per sample."
        )


# ---------------------------------------------------------------------------
# k-fold splitters
# ---------------------------------------------------------------------------
class _BaseKFold:
    """Shared argument checks and ``split`` of the k-fold splitters."""

    def __init__(self, n_splits, *, shuffle, random_state):
        if not isinstance(n_splits, numbers.Integral):
            raise ValueError(
                "The number of folds must be of Integral type. "
                f"{n_splits} of type {type(n_splits)} was passed."
            )
        if n_splits <= 1:
            raise ValueError(
                "k-fold cross-validation requires at least one train/test split by setting "
                f"n_splits=2 or more, got n_splits={n_splits}."
            )
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False; got {shuffle}")
        if not shuffle and random_state is not None:
            raise ValueError(
                "Setting a random_state has no effect since shuffle is False. You should "
                "leave random_state to its default (None), or set shuffle=True."
            )
        self.n_splits = int(n_splits)
        self.shuffle = shuffle
        self.random_state = random_state

    def _test_folds(self, n_samples, y):
        """Fold number (0..n_splits-1) of every sample, shape (n_samples,)."""
        raise NotImplementedError

    def split(self, X, y=None, groups=None):
        """Yield ``(train_index, test_index)`` for each fold; indices are sorted.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Only its length is used.
        y : array-like of shape (n_samples,), default=None
            Class labels (used by :class:`StratifiedKFold`).
        groups : ignored

        Yields
        ------
        train : ndarray of shape (n_train,)
        test : ndarray of shape (n_test,)
        """
        _check_same_length(X, y, groups)
        n_samples = _num_samples(X)
        if self.n_splits > n_samples:
            raise ValueError(
                f"Cannot have number of splits n_splits={self.n_splits} greater than the "
                f"number of samples: n_samples={n_samples}."
            )
        test_folds = self._test_folds(n_samples, y)
        indices = np.arange(n_samples)
        for fold in range(self.n_splits):
            in_test = test_folds == fold
            yield indices[~in_test], indices[in_test]

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of folds, ``n_splits``."""
        return self.n_splits

    def __repr__(self):
        return (f"{type(self).__name__}(n_splits={self.n_splits}, "
                f"random_state={self.random_state}, shuffle={self.shuffle})")


class KFold(_BaseKFold):
    """k-fold cross-validation: k consecutive folds, each the validation set once.

    The first ``n_samples % n_splits`` folds get one extra sample. With
    ``shuffle=True`` the samples are permuted first (``random_state`` seeds it).

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    shuffle : bool, default=False
        Shuffle the samples before cutting them into folds.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffle; only with ``shuffle=True``.

    See Also
    --------
    sklearn.model_selection.KFold : The scikit-learn twin (same folds for the same seed).

    Examples
    --------
    >>> import numpy as np
    >>> from glassbox.learn.model_selection import KFold
    >>> for train, test in KFold(n_splits=3).split(np.zeros(5)):
    ...     print(train, test)
    [2 3 4] [0 1]
    [0 1 4] [2 3]
    [0 1 2 3] [4]
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits, shuffle=shuffle, random_state=random_state)

    def _test_folds(self, n_samples, y):
        order = np.arange(n_samples)
        if self.shuffle:
            check_random_state(self.random_state).shuffle(order)
        fold_sizes = np.full(self.n_splits, n_samples // self.n_splits, dtype=int)
        fold_sizes[: n_samples % self.n_splits] += 1
        test_folds = np.empty(n_samples, dtype=int)
        # sample order[i] goes to the fold whose range [start, stop) contains i
        test_folds[order] = np.repeat(np.arange(self.n_splits), fold_sizes)
        return test_folds


class StratifiedKFold(_BaseKFold):
    """k-fold cross-validation keeping each class's share the same in every fold.

    The algorithm (scikit-learn's, so the folds are identical): sort the labels and deal
    them round-robin to the folds, ``sorted_y[i::n_splits]`` to fold i; that fixes how
    many samples of each class every fold gets. Then the samples of class k, in their
    original order (or shuffled), fill fold 0's share, then fold 1's, and so on. Classes
    are numbered by first appearance in ``y``.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    shuffle : bool, default=False
        Shuffle each class's samples before assigning them to folds.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffle; only with ``shuffle=True``.

    See Also
    --------
    sklearn.model_selection.StratifiedKFold : The scikit-learn twin.

    Examples
    --------
    >>> import numpy as np
    >>> from glassbox.learn.model_selection import StratifiedKFold
    >>> y = np.array([0, 0, 0, 0, 1, 1])
    >>> for train, test in StratifiedKFold(n_splits=2).split(np.zeros(6), y):
    ...     print(test, y[test])
    [0 1 4] [0 0 1]
    [2 3 5] [0 0 1]
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits, shuffle=shuffle, random_state=random_state)

    def _test_folds(self, n_samples, y):
        if y is None:
            raise ValueError("StratifiedKFold needs the class labels: call split(X, y).")
        y = np.asarray(y)
        target_type = type_of_target(y)
        if target_type not in ("binary", "multiclass"):
            raise ValueError(
                "Supported target types are: ('binary', 'multiclass'). "
                f"Got {target_type!r} instead."
            )
        y = y.ravel()
        # Number the classes by first appearance: the class of y[0] is 0, and so on.
        _, first_index, inverse = np.unique(y, return_index=True, return_inverse=True)
        _, class_rank = np.unique(first_index, return_inverse=True)
        y_encoded = class_rank[inverse]
        n_classes = len(first_index)
        class_counts = np.bincount(y_encoded)
        if np.all(self.n_splits > class_counts):
            raise ValueError(
                f"n_splits={self.n_splits} cannot be greater than the number of members in "
                "each class."
            )
        if self.n_splits > class_counts.min():
            warnings.warn(
                f"The least populated class in y has only {class_counts.min()} members, "
                f"which is less than n_splits={self.n_splits}.",
                UserWarning, stacklevel=3,
            )
        # allocation[i, k]: samples of class k in fold i, from dealing the sorted labels
        y_sorted = np.sort(y_encoded)
        allocation = np.array([
            np.bincount(y_sorted[fold::self.n_splits], minlength=n_classes)
            for fold in range(self.n_splits)
        ])  # (n_splits, n_classes)
        rng = check_random_state(self.random_state)
        test_folds = np.empty(n_samples, dtype="i")
        for k in range(n_classes):
            folds_for_class = np.arange(self.n_splits).repeat(allocation[:, k])
            if self.shuffle:
                rng.shuffle(folds_for_class)
            test_folds[y_encoded == k] = folds_for_class
        return test_folds

    def split(self, X, y, groups=None):
        """Yield ``(train_index, test_index)`` for each fold (see :class:`KFold`)."""
        return super().split(X, y, groups)


class _SplitList:
    """A fixed list of ``(train, test)`` index pairs, used as a splitter."""

    def __init__(self, splits):
        self.splits = [(np.asarray(train), np.asarray(test)) for train, test in splits]

    def split(self, X=None, y=None, groups=None):
        yield from self.splits

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(self.splits)


def check_cv(cv=5, y=None, *, classifier=False):
    """A splitter from ``cv``: an int (k folds), a splitter, or a list of (train, test).

    An int gives :class:`StratifiedKFold` for a classifier with binary/multiclass ``y``
    and :class:`KFold` otherwise; ``None`` means 5.

    Parameters
    ----------
    cv : int, splitter, iterable of (train, test) or None, default=5
    y : array-like of shape (n_samples,), default=None
    classifier : bool, default=False

    Returns
    -------
    splitter : object with ``split`` and ``get_n_splits``

    See Also
    --------
    sklearn.model_selection.check_cv : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.model_selection import check_cv
    >>> check_cv(3, [0, 1, 0, 1, 1, 0], classifier=True)
    StratifiedKFold(n_splits=3, random_state=None, shuffle=False)
    """
    cv = 5 if cv is None else cv
    if isinstance(cv, numbers.Integral):
        if classifier and y is not None and type_of_target(y) in ("binary", "multiclass"):
            return StratifiedKFold(cv)
        return KFold(cv)
    if hasattr(cv, "split") and not isinstance(cv, str):
        return cv
    if isinstance(cv, Iterable) and not isinstance(cv, str):
        return _SplitList(cv)
    raise ValueError(
        "Expected `cv` as an integer, a cross-validation object (from "
        "sklearn.model_selection), or an iterable yielding (train, test) splits as arrays "
        f"of indices. Got {cv}."
    )


# ---------------------------------------------------------------------------
# train_test_split
# ---------------------------------------------------------------------------
def _split_sizes(n_samples, test_size, train_size, default_test_size=0.25):
    """Numbers of train and test samples from fractions or counts."""
    if test_size is None and train_size is None:
        test_size = default_test_size
    for name, size in (("test_size", test_size), ("train_size", train_size)):
        if size is None:
            continue
        if isinstance(size, numbers.Integral) and not isinstance(size, bool):
            if size <= 0 or size >= n_samples:
                raise ValueError(
                    f"{name}={size} should be either positive and smaller than the number "
                    f"of samples {n_samples} or a float in the (0, 1) range"
                )
        elif isinstance(size, numbers.Real) and not isinstance(size, bool):
            if size <= 0 or size >= 1:
                raise ValueError(
                    f"{name}={size} should be either positive and smaller than the number "
                    f"of samples {n_samples} or a float in the (0, 1) range"
                )
        else:
            raise ValueError(f"Invalid value for {name}: {size}")
    is_fraction = lambda size: isinstance(size, numbers.Real) and not isinstance(
        size, numbers.Integral)
    if is_fraction(train_size) and is_fraction(test_size) and train_size + test_size > 1:
        raise ValueError(
            f"The sum of test_size and train_size = {train_size + test_size}, should be in "
            "the (0, 1) range. Reduce test_size and/or train_size."
        )
    n_test = None if test_size is None else (
        ceil(test_size * n_samples) if is_fraction(test_size) else test_size)
    n_train = None if train_size is None else (
        floor(train_size * n_samples) if is_fraction(train_size) else train_size)
    if n_train is None:
        n_train = n_samples - n_test
    elif n_test is None:
        n_test = n_samples - n_train
    if n_train + n_test > n_samples:
        raise ValueError(
            f"The sum of train_size and test_size = {n_train + n_test}, should be smaller "
            f"than the number of samples {n_samples}. Reduce test_size and/or train_size."
        )
    if n_train == 0:
        raise ValueError(
            f"With n_samples={n_samples}, test_size={test_size} and train_size={train_size}, "
            "the resulting train set will be empty. Adjust any of the aforementioned "
            "parameters."
        )
    return int(n_train), int(n_test)


def _apportion(class_counts, n_draws, rng):
    """Split ``n_draws`` over classes in proportion to ``class_counts`` (whole numbers).

    Floor the exact shares, then hand the missing draws to the classes with the largest
    remainders (ties broken at random) -- scikit-learn's ``_approximate_mode``.
    """
    exact = class_counts / class_counts.sum() * n_draws
    counts = np.floor(exact)
    missing = int(n_draws - counts.sum())
    remainder = exact - counts
    for value in np.sort(np.unique(remainder))[::-1]:
        if missing == 0:
            break
        (tied,) = np.where(remainder == value)
        chosen = rng.choice(tied, size=min(len(tied), missing), replace=False)
        counts[chosen] += 1
        missing -= len(chosen)
    return counts.astype(int)


def _stratified_split(y, n_train, n_test, rng):
    """Train and test indices holding each class in its overall proportion."""
    y = np.asarray(y)
    if y.ndim == 2:  # multi-output: one "class" per distinct row
        y = np.array([" ".join(row.astype("str")) for row in y])
    classes, y_indices, class_counts = np.unique(y, return_inverse=True, return_counts=True)
    if np.min(class_counts) < 2:
        raise ValueError(
            "The least populated classes in y have only 1 member, which is too few. The "
            "minimum number of groups for any class cannot be less than 2. Classes with too "
            f"few members are: {classes[class_counts < 2].tolist()}"
        )
    if n_train < len(classes):
        raise ValueError(f"The train_size = {n_train} should be greater or equal to the "
                         f"number of classes = {len(classes)}")
    if n_test < len(classes):
        raise ValueError(f"The test_size = {n_test} should be greater or equal to the "
                         f"number of classes = {len(classes)}")
    # sample indices of each class, in order
    class_indices = np.split(np.argsort(y_indices, kind="stable"), np.cumsum(class_counts)[:-1])
    n_train_per_class = _apportion(class_counts, n_train, rng)
    n_test_per_class = _apportion(class_counts - n_train_per_class, n_test, rng)
    train, test = [], []
    for k in range(len(classes)):
        shuffled = class_indices[k][rng.permutation(class_counts[k])]
        train.extend(shuffled[: n_train_per_class[k]])
        test.extend(shuffled[n_train_per_class[k]: n_train_per_class[k] + n_test_per_class[k]])
    return rng.permutation(train), rng.permutation(test)


def train_test_split(*arrays, test_size=None, train_size=None, random_state=None,
                     shuffle=True, stratify=None):
    """Split arrays into random train and test subsets (same rows cut from each).

    With ``stratify=y`` each class keeps its proportion in both parts. For the same
    ``random_state`` the split is scikit-learn's.

    Parameters
    ----------
    *arrays : sequence of array-likes with the same length
    test_size : float or int, default=None
        Fraction (0, 1) or number of test samples; 0.25 if both sizes are None.
    train_size : float or int, default=None
        Fraction or number of train samples; the complement of test_size if None.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffle.
    shuffle : bool, default=True
        If False, the first rows are the train set (no stratify then).
    stratify : array-like of shape (n_samples,), default=None
        Class labels to keep in proportion.

    Returns
    -------
    splitting : list of length 2 * len(arrays)
        ``[a_train, a_test, b_train, b_test, ...]``.

    See Also
    --------
    sklearn.model_selection.train_test_split : The scikit-learn twin.

    Examples
    --------
    >>> import numpy as np
    >>> from glassbox.learn.model_selection import train_test_split
    >>> X, y = np.arange(20).reshape(10, 2), np.array([0] * 5 + [1] * 5)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, test_size=0.4, stratify=y, random_state=0)
    >>> X_train.shape, np.bincount(y_test)
    ((6, 2), array([2, 2]))
    """
    if len(arrays) == 0:
        raise ValueError("At least one array required as input")
    _check_same_length(*arrays)
    n_samples = _num_samples(arrays[0])
    n_train, n_test = _split_sizes(n_samples, test_size, train_size)
    if not shuffle:
        if stratify is not None:
            raise ValueError(
                "Stratified train/test split is not implemented for shuffle=False")
        train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    elif stratify is not None:
        train, test = _stratified_split(stratify, n_train, n_test,
                                        check_random_state(random_state))
    else:
        permutation = check_random_state(random_state).permutation(n_samples)
        test, train = permutation[:n_test], permutation[n_test: n_test + n_train]
    return [part for a in arrays for part in (_take(a, train), _take(a, test))]


