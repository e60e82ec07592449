"""Model inspection: which features does a fitted model rely on?

Permutation importance (Breiman 2001, for random forests; Fisher, Rudin and Dominici
2019 for any model): shuffle one feature's column, breaking its link with the target
while keeping its distribution, and measure how much the score drops,

    importance_j = score(X, y) - score(X with column j shuffled, y),

repeated ``n_repeats`` times. A feature the model ignores costs nothing when shuffled.
It explains the *model*, on the data given (use held-out data to see what generalises),
and correlated features share their importance. The twin is
``sklearn.inspection.permutation_importance``: same random stream, same numbers.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import Bunch, check_random_state

__all__ = ["permutation_importance"]


def _scorer(scoring):
    """A function ``score(estimator, X, y, sample_weight)``."""
    if scoring is None:
        def score(estimator, X, y, sample_weight):
            if sample_weight is None:
                return estimator.score(X, y)
            return estimator.score(X, y, sample_weight=sample_weight)
        return score
    if isinstance(scoring, str):
        from sklearn.metrics import get_scorer

        scoring = get_scorer(scoring)
    if not callable(scoring):
        raise TypeError(f"scoring must be None, a scorer name or a callable "
                        f"scorer(estimator, X, y), received {scoring!r}.")

    def score(estimator, X, y, sample_weight):
        if sample_weight is None:
            return scoring(estimator, X, y)
        return scoring(estimator, X, y, sample_weight=sample_weight)
    return score


def permutation_importance(estimator, X, y, *, scoring=None, n_repeats: int = 5,
                           n_jobs=None, random_state=None, sample_weight=None,
                           max_samples: float | int = 1.0) -> Bunch:
    """The drop in score when each feature's column is shuffled.

    Parameters
    ----------
    estimator : fitted estimator
    X : ndarray of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    scoring : str, callable or None, default=None
        None: ``estimator.score``; a name (``"roc_auc"``) or a scorer(estimator, X, y).
    n_repeats : int, default=5
        Shuffles per feature.
    n_jobs : None
        Accepted for scikit-learn's signature; the columns are done one after the other.
    random_state : int, RandomState or None
    sample_weight : array-like of shape (n_samples,), optional
    max_samples : int or float, default=1.0
        Rows drawn (without replacement) for each feature: a number, or a fraction.

    Returns
    -------
    Bunch
        ``importances`` (n_features, n_repeats), ``importances_mean`` and
        ``importances_std`` (n_features,).

    See Also
    --------
    sklearn.inspection.permutation_importance

    Examples
    --------
    >>> from glassbox.learn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = (X[:, 0] > 0).astype(int)  # only the first feature matters
    >>> model = LogisticRegression().fit(X, y)
    >>> result = permutation_importance(model, X, y, n_repeats=3, random_state=0)
    >>> bool(result.importances_mean[0] > 0.3), bool(abs(result.importances_mean[1]) < 0.05)
    (True, True)
    """
    if isinstance(n_repeats, bool) or not isinstance(n_repeats, numbers.Integral) \
            or n_repeats < 1:
        raise ValueError(f"The 'n_repeats' parameter of permutation_importance must be an "
                         f"int in the range [1, inf). Got {n_repeats!r} instead.")
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"Expected 2D array, got an array of shape {X.shape} instead.")
    y = np.asarray(y)
    n_samples, n_features = X.shape
    # NOTE: one seed drawn from random_state, then a fresh RandomState(seed) per column:
    # scikit-learn's scheme, so that the columns can be done in any order (or parallel).
    random_seed = check_random_state(random_state).randint(np.iinfo(np.int32).max + 1)
    if not isinstance(max_samples, numbers.Integral):
        max_samples = int(max_samples * n_samples)
    elif max_samples > n_samples:
        raise ValueError("max_samples must be <= n_samples")
    score = _scorer(scoring)
    baseline = score(estimator, X, y, sample_weight)
    importances = np.empty((n_features, n_repeats))
    for column in range(n_features):
        rng = np.random.RandomState(random_seed)
        X_used, y_used, weight_used = X, y, sample_weight
        if max_samples < n_samples:
            from sklearn.utils.random import sample_without_replacement

            rows = sample_without_replacement(n_samples, max_samples, random_state=rng)
            X_used, y_used = X[rows], y[rows]
            weight_used = None if sample_weight is None else np.asarray(sample_weight)[rows]
        X_permuted = X_used.copy()
        order = np.arange(len(X_permuted))
        for repeat in range(n_repeats):
            # shuffles accumulate: each repeat permutes the previous permutation again
            rng.shuffle(order)
            X_permuted[:, column] = X_permuted[order, column]
            importances[column, repeat] = baseline - score(estimator, X_permuted, y_used,
                                                           weight_used)
    return Bunch(importances_mean=importances.mean(axis=1),
                 importances_std=importances.std(axis=1), importances=importances)
