"""Splitting data, cross-validation and grid search (the twin of ``sklearn.model_selection``).

Course section 1.3: a model's validation score depends on which samples land in the
validation set, so k-fold cross-validation splits the data into k folds, trains on k-1
and validates on the remaining one, k times, and reports the mean. Grid search runs a
cross-validation for every combination of hyper-parameters and keeps the best
(the *inner* loop); the score of that choice is only honest when measured on data the
search never saw, so nested cross-validation wraps the search in an *outer* loop.

Estimators are any scikit-learn-compatible objects (glassbox's or scikit-learn's): they
are copied with ``sklearn.base.clone`` before each fit.
"""

from __future__ import annotations

import numbers
import time
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import reduce
from itertools import product
from math import ceil, floor

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target

from glassbox.learn import metrics

__all__ = [
    "GridSearchCV",
    "KFold",
    "ParameterGrid",
    "StratifiedKFold",
    "check_cv",
    "cross_val_score",
    "cross_validate",
    "nested_cross_val_score",
    "train_test_split",
]


# ---------------------------------------------------------------------------
# Indexing helpers
# ---------------------------------------------------------------------------
def _num_samples(x):
    if hasattr(x, "shape") and len(x.shape) > 0:
        return x.shape[0]
    if hasattr(x, "__len__"):
        return len(x)
    raise TypeError(f"Expected an array-like with a length; got {type(x).__name__}.")


def _take(x, indices):
    """Rows ``indices`` of an array, DataFrame/Series or list (None stays None)."""
    if x is None:
        return None
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


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------
def _scores_for_auc(estimator, X):
    """Decision values, or the probabilities (positive column for two classes)."""
    if hasattr(estimator, "decision_function"):
        return estimator.decision_function(X)
    proba = estimator.predict_proba(X)
    return proba[:, 1] if proba.shape[1] == 2 else proba


def _label_scorer(metric, **kwargs):
    return lambda estimator, X, y: metric(y, estimator.predict(X), **kwargs)


# The common scoring strings, computed with glassbox's own metrics; any other string
# goes to scikit-learn's ``get_scorer``. "neg_" scores are negated losses (higher = better).
_SCORERS = {
    "accuracy": _label_scorer(metrics.accuracy_score),
    "precision": _label_scorer(metrics.precision_score),
    "recall": _label_scorer(metrics.recall_score),
    "specificity": _label_scorer(metrics.specificity_score),
    "f1": _label_scorer(metrics.f1_score),
    **{f"{name}_{average}": _label_scorer(function, average=average)
       for name, function in (("precision", metrics.precision_score),
                              ("recall", metrics.recall_score),
                              ("specificity", metrics.specificity_score),
                              ("f1", metrics.f1_score))
       for average in ("macro", "micro", "weighted")},
    "roc_auc": lambda est, X, y: metrics.roc_auc_score(y, _scores_for_auc(est, X)),
    "roc_auc_ovr": lambda est, X, y: metrics.roc_auc_score(
        y, est.predict_proba(X), multi_class="ovr"),
    "roc_auc_ovr_weighted": lambda est, X, y: metrics.roc_auc_score(
        y, est.predict_proba(X), multi_class="ovr", average="weighted"),
    "neg_log_loss": lambda est, X, y: -metrics.log_loss(
        y, est.predict_proba(X), labels=est.classes_),
    "neg_mean_squared_error": lambda est, X, y: -metrics.mean_squared_error(
        y, est.predict(X)),
}


def _passthrough_scorer(estimator, X, y):
    """The estimator's own ``score`` (accuracy for classifiers, R^2 for regressors)."""
    return estimator.score(X, y)


def _check_scoring(scoring):
    """``(scorers, multimetric)``: a dict name -> scorer(estimator, X, y) -> float."""
    def one(scoring):
        if scoring is None:
            return _passthrough_scorer
        if callable(scoring):
            return scoring
        if isinstance(scoring, str):
            if scoring in _SCORERS:
                return _SCORERS[scoring]
            from sklearn.metrics import get_scorer  # the rarer scorers

            return get_scorer(scoring)
        raise ValueError(
            "scoring must be None, a string, a callable (estimator, X, y) -> float, or a "
            f"list/dict of those; got scoring={scoring!r}."
        )

    if isinstance(scoring, (list, tuple, set)):
        if len(scoring) == 0 or not all(isinstance(s, str) for s in scoring):
            raise ValueError(
                f"A list of scorers must hold unique metric names; got scoring={scoring!r}.")
        return {name: one(name) for name in scoring}, True
    if isinstance(scoring, Mapping):
        if len(scoring) == 0:
            raise ValueError("An empty dict was passed as scoring; name at least one scorer.")
        return {name: one(s) for name, s in scoring.items()}, True
    return {"score": one(scoring)}, False


def _fit_and_score(estimator, X, y, scorers, train, test, parameters=None,
                   return_train_score=False, error_score=np.nan, fit_params=None):
    """Clone, set ``parameters``, fit on ``train`` and score on ``test`` (one CV cell)."""
    estimator = clone(estimator)
    if parameters:
        estimator.set_params(**clone(parameters, safe=False))
    X_train, y_train = _take(X, train), _take(y, train)
    X_test, y_test = _take(X, test), _take(y, test)
    result = {"estimator": estimator, "parameters": parameters, "fit_error": None}
    start = time.perf_counter()
    try:
        estimator.fit(X_train, y_train, **(fit_params or {}))
    except Exception as error:
        if isinstance(error_score, str) and error_score == "raise":
            raise
        result["fit_time"] = time.perf_counter() - start
        result["score_time"] = 0.0
        result["fit_error"] = f"{type(error).__name__}: {error}"
        result["test_scores"] = {name: error_score for name in scorers}
        if return_train_score:
            result["train_scores"] = {name: error_score for name in scorers}
        return result
    result["fit_time"] = time.perf_counter() - start
    start = time.perf_counter()
    result["test_scores"] = {name: scorer(estimator, X_test, y_test)
                             for name, scorer in scorers.items()}
    result["score_time"] = time.perf_counter() - start
    if return_train_score:
        result["train_scores"] = {name: scorer(estimator, X_train, y_train)
                                  for name, scorer in scorers.items()}
    return result


def _warn_fit_failures(results):
    errors = [r["fit_error"] for r in results if r["fit_error"] is not None]
    if errors:
        warnings.warn(
            f"{len(errors)} fits failed out of a total of {len(results)}; their score is "
            f"error_score. First error: {errors[0]}. Set error_score='raise' to see the "
            "traceback.",
            FitFailedWarning, stacklevel=3,
        )


# ---------------------------------------------------------------------------
# Cross-validation
# ---------------------------------------------------------------------------
def cross_validate(estimator, X, y=None, *, groups=None, scoring=None, cv=None, n_jobs=None,
                   verbose=0, params=None, pre_dispatch="2*n_jobs", return_train_score=False,
                   return_estimator=False, return_indices=False, error_score=np.nan):
    """k-fold cross-validation: fit on k-1 folds, score on the held-out one, k times.

    Parameters
    ----------
    estimator : estimator object
        Anything with ``fit`` (cloned before each fit).
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), default=None
    groups : array-like of shape (n_samples,), default=None
        Passed to the splitter.
    scoring : str, callable, list, dict or None, default=None
        None: the estimator's ``score``. A string (e.g. "accuracy", "f1_macro",
        "roc_auc"), a callable ``scorer(estimator, X, y)``, or a list/dict of them.
    cv : int, splitter, iterable of (train, test) or None, default=None
        5-fold (stratified for classifiers) if None.
    n_jobs : int, default=None
        Folds fitted in parallel by joblib.
    verbose : int, default=0
    params : dict, default=None
        Extra ``fit`` arguments.
    pre_dispatch : str or int, default="2*n_jobs"
    return_train_score : bool, default=False
    return_estimator : bool, default=False
    return_indices : bool, default=False
    error_score : "raise" or float, default=np.nan
        Score of a fold whose fit fails (with a ``FitFailedWarning``), or re-raise.

    Returns
    -------
    scores : dict of ndarray of shape (n_splits,)
        ``fit_time``, ``score_time``, ``test_<name>`` (``test_score`` for one scorer),
        ``train_<name>``, and ``estimator`` / ``indices`` if asked.

    See Also
    --------
    sklearn.model_selection.cross_validate : The scikit-learn twin.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from glassbox.learn.model_selection import cross_validate
    >>> X, y = load_iris(return_X_y=True)
    >>> result = cross_validate(DecisionTreeClassifier(random_state=0), X, y, cv=3,
    ...                         scoring=["accuracy", "f1_macro"])
    >>> sorted(result)
    ['fit_time', 'score_time', 'test_accuracy', 'test_f1_macro']
    >>> result["test_accuracy"].round(2)
    array([0.98, 0.94, 0.98])
    """
    _check_same_length(X, y, groups)
    splitter = check_cv(cv, y, classifier=is_classifier(estimator))
    splits = list(splitter.split(X, y, groups))
    scorers, multimetric = _check_scoring(scoring)
    results = Parallel(n_jobs=n_jobs, verbose=verbose, pre_dispatch=pre_dispatch)(
        delayed(_fit_and_score)(estimator, X, y, scorers, train, test,
                                return_train_score=return_train_score,
                                error_score=error_score, fit_params=params)
        for train, test in splits
    )
    _warn_fit_failures(results)
    output = {
        "fit_time": np.array([r["fit_time"] for r in results]),
        "score_time": np.array([r["score_time"] for r in results]),
    }
    if return_estimator:
        output["estimator"] = [r["estimator"] for r in results]
    if return_indices:
        output["indices"] = {"train": [train for train, _ in splits],
                             "test": [test for _, test in splits]}
    for name in scorers:
        output[f"test_{name}"] = np.array([r["test_scores"][name] for r in results])
        if return_train_score:
            output[f"train_{name}"] = np.array([r["train_scores"][name] for r in results])
    return output


def cross_val_score(estimator, X, y=None, *, groups=None, scoring=None, cv=None, n_jobs=None,
                    verbose=0, params=None, pre_dispatch="2*n_jobs", error_score=np.nan):
    """Validation score of each fold of a k-fold cross-validation.

    Parameters are those of :func:`cross_validate`; ``scoring`` is one scorer.

    Returns
    -------
    scores : ndarray of shape (n_splits,)

    See Also
    --------
    sklearn.model_selection.cross_val_score : The scikit-learn twin.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from glassbox.learn.model_selection import cross_val_score
    >>> X, y = load_iris(return_X_y=True)
    >>> cross_val_score(KNeighborsClassifier(), X, y, cv=5)
    array([0.966..., 1. , 0.933..., 0.966..., 1. ])
    """
    if isinstance(scoring, (list, tuple, set, Mapping)):
        raise ValueError(
            "cross_val_score takes one scorer; use cross_validate for several "
            f"(got scoring={scoring!r}).")
    result = cross_validate(estimator, X, y, groups=groups, scoring=scoring, cv=cv,
                            n_jobs=n_jobs, verbose=verbose, params=params,
                            pre_dispatch=pre_dispatch, error_score=error_score)
    return result["test_score"]


# ---------------------------------------------------------------------------
# Grid search
# ---------------------------------------------------------------------------
class ParameterGrid:
    """Every combination of hyper-parameter values of a grid (or a list of grids).

    Keys are sorted, and the last key varies fastest (``itertools.product``).

    Parameters
    ----------
    param_grid : dict of str to sequence, or list of such dicts

    See Also
    --------
    sklearn.model_selection.ParameterGrid : The scikit-learn twin.

    Examples
    --------
    >>> from glassbox.learn.model_selection import ParameterGrid
    >>> list(ParameterGrid({"n_neighbors": [1, 5], "weights": ["uniform", "distance"]}))
    [{'n_neighbors': 1, 'weights': 'uniform'}, {'n_neighbors': 1, 'weights': 'distance'},
     {'n_neighbors': 5, 'weights': 'uniform'}, {'n_neighbors': 5, 'weights': 'distance'}]
    """

    def __init__(self, param_grid):
        if not isinstance(param_grid, (Mapping, Iterable)):
            raise TypeError(
                f"Parameter grid should be a dict or a list, got: {param_grid!r} of type "
                f"{type(param_grid).__name__}")
        if isinstance(param_grid, Mapping):
            param_grid = [param_grid]
        for grid in param_grid:
            if not isinstance(grid, dict):
                raise TypeError(f"Parameter grid is not a dict ({grid!r})")
            for key, value in grid.items():
                if isinstance(value, np.ndarray) and value.ndim > 1:
                    raise ValueError(
                        f"Parameter array for {key!r} should be one-dimensional, got: "
                        f"{value!r} with shape {value.shape}")
                if isinstance(value, str) or not isinstance(value, (np.ndarray, Sequence)):
                    raise TypeError(
                        f"Parameter grid for parameter {key!r} needs to be a list or a numpy "
                        f"array, but got {value!r} (of type {type(value).__name__}) instead. "
                        "Single values need to be wrapped in a list with one element.")
                if len(value) == 0:
                    raise ValueError(
                        f"Parameter grid for parameter {key!r} need to be a non-empty "
                        f"sequence, got: {value!r}")
        self.param_grid = param_grid

    def __iter__(self):
        for grid in self.param_grid:
            items = sorted(grid.items())
            if not items:
                yield {}
                continue
            keys, values = zip(*items)
            for combination in product(*values):
                yield dict(zip(keys, combination))

    def __len__(self):
        return sum(reduce(lambda a, b: a * b, (len(v) for v in grid.values()), 1)
                   for grid in self.param_grid)

    def __getitem__(self, index):
        for combination_index, params in enumerate(self):
            if combination_index == index:
                return params
        raise IndexError("ParameterGrid index out of range")


def _masked_param_arrays(candidate_params):
    """``param_<name>`` columns of cv_results_: masked where a candidate lacks the name."""
    n_candidates = len(candidate_params)
    values_by_name = defaultdict(dict)
    for index, params in enumerate(candidate_params):
        for name, value in params.items():
            values_by_name[f"param_{name}"][index] = value
    for key, values in values_by_name.items():
        try:
            as_array = np.array(list(values.values()))
        except ValueError:
            dtype = np.dtype(object)
        else:
            # strings and nested values are kept as Python objects, as scikit-learn does
            dtype = as_array.dtype if as_array.dtype.kind != "U" and as_array.ndim == 1 else (
                object)
        column = np.ma.MaskedArray(np.empty(n_candidates, dtype=dtype), mask=True)
        for index, value in values.items():
            column[index] = value
        yield key, column


def _rank_min(scores):
    """Rank 1 for the highest score; ties share the smallest rank; NaN ranks last."""
    if np.isnan(scores).all():
        return np.ones(len(scores), dtype=np.int32)
    scores = np.where(np.isnan(scores), np.nanmin(scores) - 1, scores)
    # rank = 1 + number of candidates scoring strictly higher
    return (1 + (scores[None, :] > scores[:, None]).sum(axis=1)).astype(np.int32)


class GridSearchCV(MetaEstimatorMixin, BaseEstimator):
    """Exhaustive search over a hyper-parameter grid, each candidate scored by k-fold CV.

    For every combination in ``param_grid`` and every fold, fit a clone on the training
    folds and score it on the validation fold; the candidate with the best mean
    validation score wins and (``refit=True``) is refitted on all the data.

    Parameters
    ----------
    estimator : estimator object
    param_grid : dict or list of dicts
        Hyper-parameter names to lists of values (see :class:`ParameterGrid`).
    scoring : str, callable, list, dict or None, default=None
        As in :func:`cross_validate`.
    n_jobs : int, default=None
        Fits run in parallel by joblib.
    refit : bool or str, default=True
        Refit the best candidate on all the data; with several scorers, the name of the
        one that picks the best.
    cv : int, splitter, iterable of (train, test) or None, default=None
    verbose : int, default=0
    pre_dispatch : str or int, default="2*n_jobs"
    error_score : "raise" or float, default=np.nan
    return_train_score : bool, default=False

    Attributes
    ----------
    cv_results_ : dict of ndarray
        ``mean_test_<name>``, ``std_test_<name>``, ``rank_test_<name>``,
        ``split<i>_test_<name>``, ``mean_fit_time``, ..., ``param_<name>`` (masked
        arrays) and ``params``.
    best_estimator_ : estimator
    best_score_ : float
    best_params_ : dict
    best_index_ : int
    scorer_ : callable or dict
    n_splits_ : int
    refit_time_ : float
    multimetric_ : bool

    See Also
    --------
    sklearn.model_selection.GridSearchCV : The scikit-learn twin.
    nested_cross_val_score : Grid search inside an outer cross-validation.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from glassbox.learn.model_selection import GridSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GridSearchCV(KNeighborsClassifier(), {"n_neighbors": [1, 5, 15]}, cv=5)
    >>> search.fit(X, y).best_params_
    {'n_neighbors': 5}
    >>> round(search.best_score_, 4)
    0.9733
    """

    def __init__(self, estimator, param_grid, *, scoring=None, n_jobs=None, refit=True,
                 cv=None, verbose=0, pre_dispatch="2*n_jobs", error_score=np.nan,
                 return_train_score=False):
        self.estimator = estimator
        self.param_grid = param_grid
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.cv = cv
        self.verbose = verbose
        self.pre_dispatch = pre_dispatch
        self.error_score = error_score
        self.return_train_score = return_train_score

    @property
    def _estimator_type(self):
        return getattr(self.estimator, "_estimator_type", None)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        sub_tags = self.estimator.__sklearn_tags__()
        tags.estimator_type = sub_tags.estimator_type
        tags.classifier_tags = sub_tags.classifier_tags
        tags.regressor_tags = sub_tags.regressor_tags
        return tags

    def _refit_metric(self, scorers, multimetric):
        if not multimetric:
            return "score"
        if self.refit is False:
            return None
        if not isinstance(self.refit, str) or self.refit not in scorers:
            raise ValueError(
                "For multi-metric scoring, the parameter refit must be set to a scorer key "
                f"to refit an estimator with the best parameter setting on the whole data "
                f"and make the best_* attributes available for that metric. Got "
                f"refit={self.refit!r}; scorer keys are {sorted(scorers)}. Set refit=False "
                "to skip refitting.")
        return self.refit

    def fit(self, X, y=None, **params):
        """Cross-validate every candidate, pick the best, refit it on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
        **params : extra ``fit`` arguments of the estimator

        Returns
        -------
        self : GridSearchCV
        """
        _check_same_length(X, y)
        scorers, multimetric = _check_scoring(self.scoring)
        refit_metric = self._refit_metric(scorers, multimetric)
        splitter = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(splitter.split(X, y))
        candidates = list(ParameterGrid(self.param_grid))
        n_splits = len(splits)
        # candidate-major order: all folds of candidate 0, then candidate 1, ...
        results = Parallel(n_jobs=self.n_jobs, verbose=self.verbose,
                           pre_dispatch=self.pre_dispatch)(
            delayed(_fit_and_score)(self.estimator, X, y, scorers, train, test, parameters,
                                    return_train_score=self.return_train_score,
                                    error_score=self.error_score, fit_params=params)
            for parameters in candidates for train, test in splits
        )
        _warn_fit_failures(results)

        cv_results = {}

        def store(key, values, splits_too=False, rank=False):
            table = np.array(values, dtype=np.float64).reshape(len(candidates), n_splits)
            if splits_too:
                for split in range(n_splits):
                    cv_results[f"split{split}_{key}"] = table[:, split]
            means = table.mean(axis=1)
            cv_results[f"mean_{key}"] = means
            # population standard deviation over folds
            cv_results[f"std_{key}"] = np.sqrt(((table - means[:, None]) ** 2).mean(axis=1))
            if rank:
                cv_results[f"rank_{key}"] = _rank_min(means)
            if key.startswith(("train_", "test_")) and not np.all(np.isfinite(means)):
                warnings.warn(f"One or more of the {key.split('_')[0]} scores are "
                              f"non-finite: {means}", UserWarning, stacklevel=3)

        store("fit_time", [r["fit_time"] for r in results])
        store("score_time", [r["score_time"] for r in results])
        for key, column in _masked_param_arrays(candidates):
            cv_results[key] = column
        cv_results["params"] = candidates
        for name in scorers:
            store(f"test_{name}", [r["test_scores"][name] for r in results],
                  splits_too=True, rank=True)
            if self.return_train_score:
                store(f"train_{name}", [r["train_scores"][name] for r in results],
                      splits_too=True)

        self.cv_results_ = cv_results
        self.multimetric_ = multimetric
        self.scorer_ = scorers if multimetric else scorers["score"]
        self.n_splits_ = n_splits
        if refit_metric is not None:  # one scorer, or several and refit names one
            self.best_index_ = int(cv_results[f"rank_test_{refit_metric}"].argmin())
            self.best_score_ = float(cv_results[f"mean_test_{refit_metric}"][self.best_index_])
            self.best_params_ = candidates[self.best_index_]
        if self.refit:
            self.best_estimator_ = clone(self.estimator).set_params(
                **clone(self.best_params_, safe=False))
            start = time.perf_counter()
            self.best_estimator_.fit(X, y, **params)
            self.refit_time_ = time.perf_counter() - start
            if hasattr(self.best_estimator_, "feature_names_in_"):
                self.feature_names_in_ = self.best_estimator_.feature_names_in_
        return self

    def _check_refitted(self, method):
        if not self.refit:
            raise AttributeError(
                f"This GridSearchCV instance was initialized with refit=False. {method} is "
                "available only after refitting on the best parameters. You can refit an "
                "estimator manually using the best_params_ attribute")
        if not hasattr(self, "best_estimator_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                f"This GridSearchCV instance is not fitted yet. Call 'fit' with appropriate "
                f"arguments before using {method}.")

    def predict(self, X):
        """``best_estimator_.predict(X)``."""
        self._check_refitted("predict")
        return self.best_estimator_.predict(X)

    def predict_proba(self, X):
        """``best_estimator_.predict_proba(X)``."""
        self._check_refitted("predict_proba")
        return self.best_estimator_.predict_proba(X)

    def predict_log_proba(self, X):
        """``best_estimator_.predict_log_proba(X)``."""
        self._check_refitted("predict_log_proba")
        return self.best_estimator_.predict_log_proba(X)

    def decision_function(self, X):
        """``best_estimator_.decision_function(X)``."""
        self._check_refitted("decision_function")
        return self.best_estimator_.decision_function(X)

    def transform(self, X):
        """``best_estimator_.transform(X)``."""
        self._check_refitted("transform")
        return self.best_estimator_.transform(X)

    def score(self, X, y=None):
        """Score of the refitted best estimator with the refit scorer.

        Returns
        -------
        score : float
        """
        self._check_refitted("score")
        scorer = self.scorer_[self.refit] if self.multimetric_ else self.scorer_
        return scorer(self.best_estimator_, X, y)

    @property
    def classes_(self):
        """Class labels of the best estimator."""
        self._check_refitted("classes_")
        return self.best_estimator_.classes_

    @property
    def n_features_in_(self):
        """Number of features seen by the best estimator."""
        self._check_refitted("n_features_in_")
        return self.best_estimator_.n_features_in_


def nested_cross_val_score(estimator, param_grid, X, y, *, inner_cv=3, outer_cv=5,
                           scoring=None, n_jobs=None):
    """Nested cross-validation: grid search in an inner loop, its score in an outer loop.

    For each outer fold: run :class:`GridSearchCV` (``inner_cv`` folds) on the outer
    training part only, refit the winner on it, and score that winner on the outer test
    fold, which the search never saw. The mean of the outer scores estimates how well
    "tune by grid search, then fit" generalises; the chosen parameters per fold show how
    stable the choice is. (The course's "inner or outer loops", section 1.3.)

    It gives the same outer scores as scikit-learn's
    ``cross_val_score(GridSearchCV(estimator, param_grid, cv=inner_cv), X, y, cv=outer_cv)``.

    Parameters
    ----------
    estimator : estimator object
    param_grid : dict or list of dicts
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    inner_cv : int, splitter or iterable, default=3
        Splits of each outer training part for the search.
    outer_cv : int, splitter or iterable, default=5
        Splits of (X, y) for the estimate.
    scoring : str or callable, default=None
        One scorer, used in both loops.
    n_jobs : int, default=None
        Parallel fits of the inner searches.

    Returns
    -------
    result : dict
        ``test_score`` (ndarray of shape (n_outer,)), ``best_params`` (list of dicts),
        ``inner_best_score`` (ndarray, mean inner validation score of each winner),
        ``fit_time`` (ndarray, seconds per outer fold, search included) and
        ``best_estimator`` (list of the refitted winners).

    See Also
    --------
    GridSearchCV, cross_val_score
    sklearn.model_selection.cross_val_score : With a ``GridSearchCV`` as the estimator.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from glassbox.learn.model_selection import nested_cross_val_score
    >>> X, y = load_iris(return_X_y=True)
    >>> result = nested_cross_val_score(KNeighborsClassifier(), {"n_neighbors": [1, 15]},
    ...                                 X, y, inner_cv=3, outer_cv=3)
    >>> result["test_score"].round(3), [p["n_neighbors"] for p in result["best_params"]]
    (array([0.96, 0.94, 0.94]), [15, 1, 15])
    """
    if isinstance(scoring, (list, tuple, set, Mapping)):
        raise ValueError(
            f"nested_cross_val_score takes one scorer; got scoring={scoring!r}.")
    _check_same_length(X, y)
    scorers, _ = _check_scoring(scoring)
    scorer = scorers["score"]
    outer = check_cv(outer_cv, y, classifier=is_classifier(estimator))
    result = {"test_score": [], "best_params": [], "inner_best_score": [], "fit_time": [],
              "best_estimator": []}
    for train, test in outer.split(X, y):
        start = time.perf_counter()
        search = GridSearchCV(estimator, param_grid, scoring=scoring, cv=inner_cv,
                              n_jobs=n_jobs, refit=True)
        search.fit(_take(X, train), _take(y, train))
        result["fit_time"].append(time.perf_counter() - start)
        result["test_score"].append(scorer(search.best_estimator_, _take(X, test),
                                           _take(y, test)))
        result["best_params"].append(search.best_params_)
        result["inner_best_score"].append(search.best_score_)
        result["best_estimator"].append(search.best_estimator_)
    for key in ("test_score", "inner_best_score", "fit_time"):
        result[key] = np.array(result[key])
    return result
