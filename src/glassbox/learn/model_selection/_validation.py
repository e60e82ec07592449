"""Cross-validation: fit on k-1 folds, score on the held-out one.

The twin of ``sklearn.model_selection._validation``.

The whole method is :func:`_fit_and_score`, one cell of the table "fold x candidate":
cut the rows of the fold (and the fold's share of every per-sample fit parameter such as
``sample_weight``), fit a fresh clone, score it. :func:`cross_validate` runs it once per
fold; the grid search (``_search``) once per fold and candidate.
"""

from __future__ import annotations

import numbers
import time
import warnings
from collections import Counter
from collections.abc import Mapping
from traceback import format_exc

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone, is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.utils import get_tags

from glassbox.learn.metrics._scorer import _passthrough_scorer, get_scorer
from glassbox.learn.model_selection._split import (
    _check_same_length,
    _num_samples,
    _take,
    check_cv,
)

__all__ = ["cross_val_score", "cross_validate"]


# ---------------------------------------------------------------------------
# Cutting a fold out of the data
# ---------------------------------------------------------------------------
def _is_pairwise(estimator):
    """True for estimators whose X is a square (n_samples, n_samples) kernel matrix."""
    try:
        return bool(get_tags(estimator).input_tags.pairwise)
    except (AttributeError, TypeError):
        return False


def _fold_rows(estimator, X, y, rows, train_rows=None):
    """``X[rows]`` and ``y[rows]``; for a precomputed kernel, ``X[rows][:, train_rows]``.

    A kernel matrix holds K(x_i, x_j): the model is fitted on K(train, train) and
    predicts from K(test, train), so its columns are cut as well as its rows.
    """
    if _is_pairwise(estimator):
        if not hasattr(X, "shape"):
            raise ValueError("Precomputed kernels or affinity matrices have to be passed "
                             "as arrays or sparse matrices.")
        if X.shape[0] != X.shape[1]:
            raise ValueError("X should be a square kernel matrix")
        columns = rows if train_rows is None else train_rows
        X_fold = X[np.ix_(rows, columns)]
    else:
        X_fold = _take(X, rows)
    return X_fold, _take(y, rows)


def _fold_params(X, params, rows):
    """Per-sample parameters (``sample_weight``...) cut to ``rows``; others unchanged.

    A parameter is per-sample when it is array-like with one entry per row of X, as in
    scikit-learn.
    """
    n_samples = _num_samples(X)
    fold = {}
    for name, value in (params or {}).items():
        is_array = (hasattr(value, "__len__") or hasattr(value, "shape")) and not isinstance(
            value, (str, Mapping))
        if is_array and np.ndim(value) > 0 and _num_samples(value) == n_samples:
            fold[name] = _take(value, rows)
        else:
            fold[name] = value
    return fold


# ---------------------------------------------------------------------------
# Scoring one fitted model
# ---------------------------------------------------------------------------
def _check_scoring(scoring, estimator=None):
    """``(scorer, multimetric)``: one callable, or a dict name -> callable for several."""
    if scoring is None:
        if estimator is not None and not hasattr(estimator, "score"):
            raise TypeError(
                "If no scoring is specified, the estimator passed should have a 'score' "
                f"method. The estimator {estimator!r} does not.")
        return _passthrough_scorer, False
    if callable(scoring) or isinstance(scoring, str):
        return get_scorer(scoring), False
    if isinstance(scoring, (list, tuple, set)):
        message = "The list/tuple elements must be unique strings of predefined scorers."
        if len(scoring) == 0:
            raise ValueError(f"{message} Empty list was given. {scoring!r}")
        if not all(isinstance(s, str) for s in scoring):
            raise ValueError(f"{message} One or more of the elements were not strings "
                             f"(use a dict of name -> scorer callable). Got {scoring!r}")
        if len(set(scoring)) != len(scoring):
            raise ValueError(f"{message} Duplicate elements were found in the given list. "
                             f"{scoring!r}")
        return {name: get_scorer(name) for name in scoring}, True
    if isinstance(scoring, Mapping):
        if len(scoring) == 0:
            raise ValueError("An empty dict was passed as scoring; name at least one scorer.")
        return {name: get_scorer(s) for name, s in scoring.items()}, True
    raise ValueError(
        "scoring must be None, a string, a callable (estimator, X, y) -> float, or a "
        f"list/dict of those; got scoring={scoring!r}.")


def _check_error_score(error_score):
    if not isinstance(error_score, numbers.Number) and error_score != "raise":
        raise ValueError(
            "error_score must be the string 'raise' or a numeric value. (Hint: if using "
            "'raise', please make sure that it has been spelled correctly.)")


def _as_number(score, name):
    if hasattr(score, "item"):
        try:
            score = score.item()
        except ValueError:
            pass
    if not isinstance(score, numbers.Number):
        raise ValueError(
            f"scoring must return a number, got {score} ({type(score)}) instead. "
            f"(scorer={name})")
    return score


def _score_failed(error_score):
    warnings.warn(
        "Scoring failed. The score on this train-test partition for these parameters "
        f"will be set to {error_score}. Details: \n{format_exc()}", UserWarning,
        stacklevel=4)
    return error_score


def _score(estimator, X, y, scorer, score_params, error_score):
    """A number, or a dict of numbers (several scorers, or a scorer returning a dict).

    A scorer that raises gets ``error_score`` and a warning, unless error_score="raise".
    """
    args = (X,) if y is None else (X, y)
    if isinstance(scorer, dict):
        scores = {}
        for name, one in scorer.items():
            try:
                scores[name] = one(estimator, *args, **score_params)
            except Exception:
                if error_score == "raise":
                    raise
                scores[name] = _score_failed(error_score)
        return {name: _as_number(value, name) for name, value in scores.items()}
    try:
        scores = scorer(estimator, *args, **score_params)
    except Exception:
        if error_score == "raise":
            raise
        return _score_failed(error_score)
    if isinstance(scores, dict):  # a callable returning several named scores
        return {name: _as_number(value, name) for name, value in scores.items()}
    return _as_number(scores, scorer)


# ---------------------------------------------------------------------------
# One cell: fit on the training rows, score on the test rows
# ---------------------------------------------------------------------------
def _fit_and_score(estimator, X, y, scorer, train, test, parameters=None,
                   return_train_score=False, error_score=np.nan, fit_params=None,
                   score_params=None, verbose=0):
    """Clone, set ``parameters``, fit on ``train`` and score on ``test`` (one CV cell).

    Returns a dict: ``test_scores`` (a number or a dict of them), ``train_scores``,
    ``fit_time``, ``score_time``, ``fit_error`` (the traceback text, or None),
    ``estimator``, ``parameters``.
    """
    _check_error_score(error_score)
    estimator = clone(estimator)
    if parameters:
        estimator.set_params(**clone(parameters, safe=False))
    fit_params = _fold_params(X, fit_params, train)
    score_params = score_params or {}
    test_score_params = _fold_params(X, score_params, test)
    train_score_params = _fold_params(X, score_params, train)
    X_train, y_train = _fold_rows(estimator, X, y, train)
    X_test, y_test = _fold_rows(estimator, X, y, test, train)
    result = {"estimator": estimator, "parameters": parameters, "fit_error": None,
              "n_test_samples": _num_samples(X_test)}
    start = time.perf_counter()
    try:
        if y_train is None:
            estimator.fit(X_train, **fit_params)
        else:
            estimator.fit(X_train, y_train, **fit_params)
    except Exception:
        if error_score == "raise":
            raise
        result["fit_time"] = time.perf_counter() - start
        result["score_time"] = 0.0
        result["fit_error"] = format_exc()
        failed = ({name: error_score for name in scorer} if isinstance(scorer, dict)
                  else error_score)
        result["test_scores"] = failed
        if return_train_score:
            result["train_scores"] = failed
        return result
    result["fit_time"] = time.perf_counter() - start
    start = time.perf_counter()
    result["test_scores"] = _score(estimator, X_test, y_test, scorer, test_score_params,
                                   error_score)
    result["score_time"] = time.perf_counter() - start
    if return_train_score:
        result["train_scores"] = _score(estimator, X_train, y_train, scorer,
                                        train_score_params, error_score)
    if verbose > 1:
        shown = ", ".join(f"{k}={parameters[k]}" for k in sorted(parameters or {}))
        total = result["fit_time"] + result["score_time"]
        message = f"{shown}{';' if shown else ''} total time={total:.1f}s"
        print(f"[CV] END {'.' * max(0, 80 - 9 - len(message))}{message}")
    return result


def _warn_or_raise_about_fit_failures(results, error_score):
    """Warn when some fits failed; raise when every fit failed (nothing to compare)."""
    errors = [r["fit_error"] for r in results if r["fit_error"] is not None]
    if not errors:
        return
    delimiter = "-" * 80 + "\n"
    summary = "\n".join(f"{delimiter}{n} fits failed with the following error:\n{error}"
                        for error, n in Counter(errors).items())
    if len(errors) == len(results):
        raise ValueError(
            f"\nAll the {len(results)} fits failed.\nIt is very likely that your model is "
            "misconfigured.\nYou can try to debug the error by setting error_score='raise'."
            f"\n\nBelow are more details about the failures:\n{summary}")
    warnings.warn(
        f"\n{len(errors)} fits failed out of a total of {len(results)}.\nThe score on these "
        f"train-test partitions for these parameters will be set to {error_score}.\nIf "
        "these failures are not expected, you can try to debug them by setting "
        f"error_score='raise'.\n\nBelow are more details about the failures:\n{summary}",
        FitFailedWarning, stacklevel=3)


def _insert_error_scores(results, error_score):
    """Failed cells of a dict-returning scorer get a dict of error_score (same names)."""
    names = next((r["test_scores"] for r in results
                  if r["fit_error"] is None and isinstance(r["test_scores"], dict)), None)
    if names is None:
        return
    for result in results:
        if result["fit_error"] is not None:
            result["test_scores"] = {name: error_score for name in names}
            if "train_scores" in result:
                result["train_scores"] = {name: error_score for name in names}


def _scores_by_name(scores):
    """A list of numbers -> {"score": array}; a list of dicts -> {name: array}."""
    if isinstance(scores[0], dict):
        return {name: np.asarray([s[name] for s in scores]) for name in scores[0]}
    return {"score": np.asarray(scores)}


# ---------------------------------------------------------------------------
# Cross-validation
# ---------------------------------------------------------------------------
def cross_validate(estimator, X, y=None, *, groups=None, scoring=None, cv=None, n_jobs=None,
                   verbose=0, params=None, pre_dispatch="2*n_jobs", return_train_score=False,
                   return_estimator=False, return_indices=False, error_score=np.nan):
    """k-fold cross-validation: fit on k-1 folds, score on the held-out one, k times.

    Per-sample fit parameters (``params={"sample_weight": w}``) are cut with the folds:
    each fit sees the weights of its own training rows.

    Parameters
    ----------
    estimator : estimator object
        Anything with ``fit`` (cloned before each fit).
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), default=None
    groups : array-like of shape (n_samples,), default=None
        Passed to the splitter (group splitters keep each group on one side).
    scoring : str, callable, list, dict or None, default=None
        None: the estimator's ``score``. A string (e.g. "accuracy", "f1_macro",
        "roc_auc"), a callable ``scorer(estimator, X, y)`` returning a number or a dict
        of named numbers, or a list/dict of them.
    cv : int, splitter, iterable of (train, test) or None, default=None
        5-fold (stratified for classifiers) if None.
    n_jobs : int, default=None
        Folds fitted in parallel by joblib.
    verbose : int, default=0
    params : dict, default=None
        Extra ``fit`` arguments; those with one value per sample are cut per fold.
    pre_dispatch : str or int, default="2*n_jobs"
    return_train_score : bool, default=False
    return_estimator : bool, default=False
    return_indices : bool, default=False
    error_score : "raise" or float, default=np.nan
        Score of a fold whose fit or scoring fails (with a warning), or re-raise. When
        every fit fails a ``ValueError`` says so.

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
    _check_error_score(error_score)
    scorer, _ = _check_scoring(scoring, estimator)
    splitter = check_cv(cv, y, classifier=is_classifier(estimator))
    splits = list(splitter.split(X, y, groups))
    results = Parallel(n_jobs=n_jobs, verbose=verbose, pre_dispatch=pre_dispatch)(
        delayed(_fit_and_score)(estimator, X, y, scorer, train, test,
                                return_train_score=return_train_score,
                                error_score=error_score, fit_params=params, verbose=verbose)
        for train, test in splits
    )
    _warn_or_raise_about_fit_failures(results, error_score)
    if callable(scoring):
        _insert_error_scores(results, error_score)
    output = {
        "fit_time": np.array([r["fit_time"] for r in results]),
        "score_time": np.array([r["score_time"] for r in results]),
    }
    if return_estimator:
        output["estimator"] = [r["estimator"] for r in results]
    if return_indices:
        output["indices"] = {"train": [train for train, _ in splits],
                             "test": [test for _, test in splits]}
    test_scores = _scores_by_name([r["test_scores"] for r in results])
    if return_train_score:
        train_scores = _scores_by_name([r["train_scores"] for r in results])
    for name in test_scores:
        output[f"test_{name}"] = test_scores[name]
        if return_train_score:
            output[f"train_{name}"] = train_scores[name]
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
    scorer, _ = _check_scoring(scoring, estimator)
    result = cross_validate(estimator, X, y, groups=groups, scoring={"score": scorer}, cv=cv,
                            n_jobs=n_jobs, verbose=verbose, params=params,
                            pre_dispatch=pre_dispatch, error_score=error_score)
    return result["test_score"]
