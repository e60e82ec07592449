"""Hold-out splits (train / validation / test) and standardisation fitted on training data.

The course's protocol: split once into 70 % training, 20 % validation (to choose
hyper-parameters) and 10 % test (touched once, at the end), keeping each class's
proportion in every part (stratification), reproducibly from a seed. Any statistic used
to preprocess (a mean, a standard deviation) is computed on the training part only and
then applied unchanged to the others; computing it on all the data would leak the test
set into training.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["train_val_test_split", "StandardScaler", "standardize"]


def _split_counts(n: int, fractions: np.ndarray) -> np.ndarray:
    """Integer sizes summing to ``n``, each the floor or ceiling of ``n * fraction``
    (largest remainders get the ceilings)."""
    exact = n * fractions
    counts = np.floor(exact).astype(np.int64)
    by_remainder = np.argsort(-(exact - counts), kind="stable")
    counts[by_remainder[: n - counts.sum()]] += 1
    return counts


def _stratified_counts(class_counts: np.ndarray, totals: np.ndarray,
                       fractions: np.ndarray) -> np.ndarray:
    """How many samples of each class go to each part: ``allocation[c, j]``.

    Every entry is within one sample of ``class_counts[c] * fractions[j]`` and the columns
    sum to ``totals``: start from the floors, then hand each class's leftover samples (at
    most one per part) to the parts still furthest below their total (Ryser's greedy
    filling of a 0-1 matrix with given row and column sums).
    """
    exact = class_counts[:, None] * fractions[None, :]  # (n_classes, n_parts)
    allocation = np.floor(exact).astype(np.int64)
    missing = totals - allocation.sum(axis=0)  # per part
    leftover = class_counts - allocation.sum(axis=1)  # per class
    remainder = exact - allocation
    for c in np.argsort(-leftover, kind="stable"):
        if leftover[c] == 0:
            continue
        # Parts most in need first; among equals, where this class's remainder is largest.
        order = np.lexsort((-remainder[c], -missing))
        chosen = order[: leftover[c]]
        allocation[c, chosen] += 1
        missing[chosen] -= 1
    return allocation


def _is_classification(y: np.ndarray) -> bool:
    """Labels (ints, bools, strings, or floats that are whole numbers) can be stratified."""
    if y.dtype.kind in "biuUSO":
        return True
    return y.dtype.kind == "f" and bool(np.all(np.mod(y, 1) == 0))


def train_val_test_split(X: Any, y: Any, sizes: Sequence[float] = (0.7, 0.2, 0.1),
                         stratify: bool | Any = True, seed: int | None = 0
                         ) -> tuple[np.ndarray, ...]:
    """Split ``X, y`` into training, validation and test parts, reproducibly.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
    y : array-like of shape (n_samples,)
    sizes : three floats summing to 1, default=(0.7, 0.2, 0.1)
        Fractions for training, validation and test. The part sizes are
        ``n * size`` rounded so that they sum to ``n``.
    stratify : bool or array-like of shape (n_samples,), default=True
        True: keep each class of ``y`` in the same proportion in every part (for each
        class and part, the count is within one sample of ``class count * size``);
        applied when ``y`` holds class labels, a continuous ``y`` is split at random.
        An array: stratify on those groups instead. False: a plain random split.
    seed : int or None, default=0
        Seed of the shuffling; None is not reproducible.

    Returns
    -------
    X_train, X_val, X_test, y_train, y_val, y_test : ndarrays
        Rows of ``X`` and ``y`` (scikit-learn's order: all X parts, then all y parts).

    See Also
    --------
    sklearn.model_selection.train_test_split

    Examples
    --------
    >>> X = np.arange(200).reshape(100, 2); y = np.repeat([0, 1], [80, 20])
    >>> X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(X, y)
    >>> len(y_train), len(y_val), len(y_test)
    (70, 20, 10)
    >>> np.bincount(y_train).tolist(), np.bincount(y_val).tolist(), np.bincount(y_test).tolist()
    ([56, 14], [16, 4], [8, 2])
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"Found input variables with inconsistent numbers of samples: "
                         f"X has {len(X)}, y has {len(y)}.")
    fractions = np.asarray(sizes, dtype=np.float64)
    if fractions.shape != (3,) or np.any(fractions < 0) or not np.isclose(fractions.sum(), 1):
        raise ValueError(f"sizes: expected three non-negative fractions summing to 1, like "
                         f"(0.7, 0.2, 0.1), received {tuple(sizes)!r}.")
    n = len(y)
    generator = np.random.default_rng(seed)
    totals = _split_counts(n, fractions)

    if stratify is True:
        groups = y if _is_classification(y) else None
    elif stratify is False or stratify is None:
        groups = None
    else:
        groups = np.asarray(stratify)
        if len(groups) != n:
            raise ValueError(f"stratify: expected {n} group labels (one per sample), "
                             f"received {len(groups)}.")

    if groups is None:
        order = generator.permutation(n)
        parts = np.split(order, np.cumsum(totals)[:-1])
    else:
        classes, group_index = np.unique(groups, return_inverse=True)
        class_counts = np.bincount(group_index.ravel(), minlength=len(classes))
        allocation = _stratified_counts(class_counts, totals, fractions)
        pieces: list[list[np.ndarray]] = [[], [], []]
        for c in range(len(classes)):
            members = generator.permutation(np.flatnonzero(group_index.ravel() == c))
            for part, chunk in enumerate(np.split(members, np.cumsum(allocation[c])[:-1])):
                pieces[part].append(chunk)
        # Shuffle within each part so that classes are not in blocks.
        parts = [generator.permutation(np.concatenate(piece)) for piece in pieces]
    return (X[parts[0]], X[parts[1]], X[parts[2]], y[parts[0]], y[parts[1]], y[parts[2]])


class StandardScaler:
    """Standardise features: ``z = (x - mean_) / scale_``, statistics from ``fit`` data.

    ``mean_`` and ``var_`` are the per-feature mean and (biased, ``ddof=0``) variance of
    the data given to ``fit``; ``scale_ = sqrt(var_)``, with 1 for a constant feature (so
    it maps to 0 instead of dividing by zero). Fit it on the training part only, then
    transform every part with the same statistics.

    Parameters
    ----------
    copy : bool, default=True
        Accepted for scikit-learn compatibility; a new array is always returned.
    with_mean : bool, default=True
        Subtract the mean.
    with_std : bool, default=True
        Divide by the standard deviation.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,) or None
    var_ : ndarray of shape (n_features,) or None
    scale_ : ndarray of shape (n_features,) or None
    n_features_in_ : int
    n_samples_seen_ : int

    See Also
    --------
    sklearn.preprocessing.StandardScaler

    Examples
    --------
    >>> X_train = np.array([[0.0, 10.0], [2.0, 10.0]])
    >>> scaler = StandardScaler().fit(X_train)
    >>> scaler.mean_, scaler.scale_
    (array([ 1., 10.]), array([1., 1.]))
    >>> scaler.transform(np.array([[4.0, 12.0]]))
    array([[3., 2.]])
    """

    def __init__(self, *, copy: bool = True, with_mean: bool = True,
                 with_std: bool = True) -> None:
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def _validate(self, X: Any, fitting: bool) -> np.ndarray:
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"Expected a 2D array of shape (n_samples, n_features), "
                             f"received an array of shape {X.shape}. Reshape your data with "
                             "X.reshape(-1, 1) for one feature or X.reshape(len(X), -1).")
        if X.dtype.kind not in "biuf":
            raise TypeError(f"StandardScaler expects numeric data, received dtype {X.dtype}.")
        if not np.all(np.isfinite(X)):
            raise ValueError("Input X contains NaN or infinity; remove or impute those values "
                             "first.")
        if not fitting:
            if not hasattr(self, "n_features_in_"):
                raise ValueError("This StandardScaler instance is not fitted yet. Call 'fit' "
                                 "with the training data first.")
            if X.shape[1] != self.n_features_in_:
                raise ValueError(f"X has {X.shape[1]} features, but StandardScaler is "
                                 f"expecting {self.n_features_in_} features as input.")
        # Integers are standardised in float64; float32 stays float32 (as scikit-learn).
        return X.astype(np.float64) if X.dtype.kind in "biu" else X

    def fit(self, X: Any, y: Any = None) -> StandardScaler:
        """Compute ``mean_``, ``var_`` and ``scale_`` of ``X`` (n_samples, n_features)."""
        X = self._validate(X, fitting=True)
        self.n_features_in_ = X.shape[1]
        self.n_samples_seen_ = X.shape[0]
        # Statistics in float64 for accuracy, stored in X's dtype like scikit-learn.
        mean = X.mean(axis=0, dtype=np.float64)
        var = X.var(axis=0, dtype=np.float64)
        self.mean_ = mean.astype(X.dtype) if self.with_mean else None
        if self.with_std:
            self.var_ = var.astype(X.dtype)
            scale = np.sqrt(var)
            # A constant feature keeps scale 1. "Constant" allows for round-off in the
            # variance of n values near ``mean`` (scikit-learn's bound).
            eps, n = np.finfo(np.float64).eps, X.shape[0]
            scale[var <= n * eps * var + (n * mean * eps) ** 2] = 1.0
            self.scale_ = scale.astype(X.dtype)
        else:
            self.var_ = None
            self.scale_ = None
        return self

    def transform(self, X: Any) -> np.ndarray:
        """``(X - mean_) / scale_`` with the statistics learned by ``fit``."""
        X = self._validate(X, fitting=False)
        if self.with_mean:
            X = X - self.mean_
        if self.with_std:
            X = X / self.scale_
        return np.array(X, copy=True)

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X: Any) -> np.ndarray:
        """``X * scale_ + mean_``: back to the original units."""
        X = self._validate(X, fitting=False)
        if self.with_std:
            X = X * self.scale_
        if self.with_mean:
            X = X + self.mean_
        return np.array(X, copy=True)

    def __repr__(self) -> str:
        return (f"StandardScaler(with_mean={self.with_mean}, with_std={self.with_std})")


def standardize(X_train: Any, *X_others: Any) -> tuple[Any, ...]:
    """Standardise ``X_train`` with its own statistics and the other parts with the same.

    Parameters
    ----------
    X_train : array-like of shape (n_samples, n_features)
    *X_others : array-like of shape (m, n_features)
        Validation, test, ... parts.

    Returns
    -------
    tuple
        ``(Z_train, *Z_others, mean, std)``: the standardised parts, then the training
        mean and standard deviation (constant features have std 1).

    See Also
    --------
    StandardScaler

    Examples
    --------
    >>> Z_train, Z_test, mean, std = standardize(np.array([[0.0], [2.0]]), np.array([[3.0]]))
    >>> Z_train.ravel(), Z_test.ravel(), mean, std
    (array([-1.,  1.]), array([2.]), array([1.]), array([1.]))
    """
    scaler = StandardScaler().fit(X_train)
    parts = [scaler.transform(X_train)] + [scaler.transform(X) for X in X_others]
    return (*parts, scaler.mean_, scaler.scale_)
