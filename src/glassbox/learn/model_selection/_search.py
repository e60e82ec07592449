"""Grid search and nested cross-validation (``sklearn.model_selection._search``).

Course section 1.3: grid search runs a cross-validation for every combination of
hyper-parameters and keeps the best (the *inner* loop); the score of that choice is only
honest when measured on data the search never saw, so nested cross-validation wraps the
search in an *outer* loop.
"""

from __future__ import annotations

import time
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import reduce
from inspect import signature
from itertools import product

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils.metaestimators import available_if

from glassbox.learn.model_selection._split import _check_same_length, _take, check_cv
from glassbox.learn.model_selection._validation import (
    _check_error_score,
    _check_scoring,
    _fit_and_score,
    _insert_error_scores,
    _scores_by_name,
    _warn_or_raise_about_fit_failures,
)

__all__ = ["GridSearchCV", "ParameterGrid", "nested_cross_val_score"]


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



def _search_estimator_has(method):
    """``hasattr(search, method)`` follows the (best) estimator, as in scikit-learn."""

    def check(search):
        _check_refit(search, method)
        if hasattr(search, "best_estimator_"):
            getattr(search.best_estimator_, method)  # AttributeError if it has none
            return True
        getattr(search.estimator, method)
        return True

    return check


def _check_refit(search, method):
    if not search.refit:
        raise AttributeError(
            f"This {type(search).__name__} instance was initialized with `refit=False`. "
            f"{method} is available only after refitting on the best parameters. You can "
            "refit an estimator manually using the `best_params_` attribute")


def _accepts_sample_weight(scorer):
    """Whether the scorer (or every scorer of a dict) takes a ``sample_weight``."""
    scorers = scorer.values() if isinstance(scorer, dict) else [scorer]
    for one in scorers:
        accepts = getattr(one, "_accept_sample_weight", None)
        if accepts is not None:
            if not accepts():
                return False
        elif "sample_weight" not in signature(one).parameters:
            return False
    return True


class GridSearchCV(MetaEstimatorMixin, BaseEstimator):
    """Exhaustive search over a hyper-parameter grid, each candidate scored by k-fold CV.

    For every combination in ``param_grid`` and every fold, fit a clone on the training
    folds and score it on the validation fold; the candidate with the best mean
    validation score wins and (``refit=True``) is refitted on all the data. The loop
    itself is :func:`~glassbox.learn.model_selection._validation._fit_and_score`, once
    per (candidate, fold).

    Parameters
    ----------
    estimator : estimator object
    param_grid : dict or list of dicts
        Hyper-parameter names to lists of values (see :class:`ParameterGrid`).
    scoring : str, callable, list, dict or None, default=None
        As in :func:`cross_validate`; a callable may return a dict of named scores.
    n_jobs : int, default=None
        Fits run in parallel by joblib.
    refit : bool, str or callable, default=True
        Refit the best candidate on all the data. With several scorers, the name of the
        one that picks the best. A callable ``refit(cv_results_) -> index`` picks the
        candidate itself (``best_score_`` is then not set).
    cv : int, splitter, iterable of (train, test) or None, default=None
    verbose : int, default=0
        1 prints the number of fits, 2 one line per fit.
    pre_dispatch : str or int, default="2*n_jobs"
    error_score : "raise" or float, default=np.nan
        Score of a fit or scoring that fails (with a warning); when every fit fails a
        ``ValueError`` says so.
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
        tags.input_tags.pairwise = sub_tags.input_tags.pairwise
        tags.input_tags.sparse = sub_tags.input_tags.sparse
        tags.array_api_support = sub_tags.array_api_support
        return tags

    def _check_refit_for_multimetric(self, names):
        if self.refit is not False and not callable(self.refit) and not (
                isinstance(self.refit, str) and self.refit in names):
            raise ValueError(
                "For multi-metric scoring, the parameter refit must be set to a scorer key "
                "or a callable to refit an estimator with the best parameter setting on "
                "the whole data and make the best_* attributes available for that metric. "
                "If this is not needed, refit should be set to False explicitly. "
                f"{self.refit!r} was passed.")

    def _format_results(self, candidates, n_splits, results):
        """cv_results_: one row per candidate; means, stds and ranks over the folds."""
        cv_results = {}

        def store(key, values, splits_too=False, rank=False):
            table = np.array(values, dtype=np.float64).reshape(len(candidates), n_splits)
            if splits_too:
                for split in range(n_splits):
                    cv_results[f"split{split}_{key}"] = table[:, split]
            means = table.mean(axis=1)
            cv_results[f"mean_{key}"] = means
            if key.startswith(("train_", "test_")) and not np.all(np.isfinite(means)):
                warnings.warn(f"One or more of the {key.split('_')[0]} scores are "
                              f"non-finite: {means}", UserWarning, stacklevel=4)
            # population standard deviation over folds
            cv_results[f"std_{key}"] = np.sqrt(((table - means[:, None]) ** 2).mean(axis=1))
            if rank:
                cv_results[f"rank_{key}"] = _rank_min(means)

        store("fit_time", [r["fit_time"] for r in results])
        store("score_time", [r["score_time"] for r in results])
        for key, column in _masked_param_arrays(candidates):
            cv_results[key] = column
        cv_results["params"] = candidates
        test_scores = _scores_by_name([r["test_scores"] for r in results])
        if self.return_train_score:
            train_scores = _scores_by_name([r["train_scores"] for r in results])
        for name in test_scores:
            store(f"test_{name}", test_scores[name], splits_too=True, rank=True)
            if self.return_train_score:
                store(f"train_{name}", train_scores[name], splits_too=True)
        return cv_results

    def _select_best_index(self, refit_metric, cv_results):
        if callable(self.refit):
            best_index = self.refit(cv_results)
            if not isinstance(best_index, (int, np.integer)):
                raise TypeError("best_index_ returned is not an integer")
            if best_index < 0 or best_index >= len(cv_results["params"]):
                raise IndexError("best_index_ index out of range")
            return int(best_index)
        return int(cv_results[f"rank_test_{refit_metric}"].argmin())

    def fit(self, X, y=None, **params):
        """Cross-validate every candidate, pick the best, refit it on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
        **params : extra ``fit`` arguments of the estimator
            Those with one value per sample (``sample_weight``) are cut with the folds;
            ``groups`` goes to the splitter. ``sample_weight`` also weights the
            validation scores when the scorer accepts it (as scikit-learn 1.9 does).

        Returns
        -------
        self : GridSearchCV
        """
        _check_error_score(self.error_score)
        params = dict(params)
        groups = params.pop("groups", None)
        scorer, multimetric = _check_scoring(self.scoring, self.estimator)
        _check_same_length(X, y, groups)
        if multimetric:
            self._check_refit_for_multimetric(scorer)
        score_params = {}
        if params.get("sample_weight") is not None:
            named = scorer.items() if isinstance(scorer, dict) else [(None, scorer)]
            refusing = [(name, one) for name, one in named if not _accepts_sample_weight(one)]
            for name, one in refusing:
                shown = one if name is None else f"{name}={one}"
                warnings.warn(
                    f"The scoring {shown} does not support sample_weight, which may lead "
                    f"to statistically incorrect results when fitting {self} with "
                    "sample_weight. ", UserWarning, stacklevel=2)
            if len(refusing) < len(named):  # at least one scorer takes the weights
                score_params["sample_weight"] = params["sample_weight"]
        splitter = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        n_splits = splitter.get_n_splits(X, y, groups)
        splits = list(splitter.split(X, y, groups))
        if len(splits) != n_splits:
            raise ValueError("cv.split and cv.get_n_splits return inconsistent results. "
                             f"Expected {n_splits} splits, got {len(splits)}")
        candidates = list(ParameterGrid(self.param_grid))
        if self.verbose > 0:
            print(f"Fitting {n_splits} folds for each of {len(candidates)} candidates, "
                  f"totalling {n_splits * len(candidates)} fits")
        # candidate-major order: all folds of candidate 0, then candidate 1, ...
        results = Parallel(n_jobs=self.n_jobs, pre_dispatch=self.pre_dispatch)(
            delayed(_fit_and_score)(self.estimator, X, y, scorer, train, test, parameters,
                                    return_train_score=self.return_train_score,
                                    error_score=self.error_score, fit_params=params,
                                    score_params=score_params, verbose=self.verbose)
            for parameters in candidates for train, test in splits
        )
        if len(results) < 1:
            raise ValueError("No fits were performed. Was the CV iterator empty? Were there "
                             "no candidates?")
        _warn_or_raise_about_fit_failures(results, self.error_score)
        if callable(self.scoring):
            _insert_error_scores(results, self.error_score)
        cv_results = self._format_results(candidates, n_splits, results)

        # A callable scorer is multi-metric when it returns a dict: known only now.
        first_scores = results[0]["test_scores"]
        self.multimetric_ = isinstance(first_scores, dict)
        refit_metric = "score"
        if self.multimetric_:
            self._check_refit_for_multimetric(first_scores)
            refit_metric = self.refit
        self.cv_results_ = cv_results
        self.scorer_ = scorer
        self.n_splits_ = n_splits
        if self.refit or not self.multimetric_:
            self.best_index_ = self._select_best_index(refit_metric, cv_results)
            if not callable(self.refit):
                self.best_score_ = float(cv_results[f"mean_test_{refit_metric}"][
                    self.best_index_])
            self.best_params_ = candidates[self.best_index_]
        if self.refit:
            self.best_estimator_ = clone(self.estimator).set_params(
                **clone(self.best_params_, safe=False))
            start = time.perf_counter()
            if y is None:
                self.best_estimator_.fit(X, **params)
            else:
                self.best_estimator_.fit(X, y, **params)
            self.refit_time_ = time.perf_counter() - start
            if hasattr(self.best_estimator_, "feature_names_in_"):
                self.feature_names_in_ = self.best_estimator_.feature_names_in_
        return self

    def _check_fitted(self, method):
        _check_refit(self, method)
        if not hasattr(self, "best_estimator_"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                f"appropriate arguments before using {method}.")

    @available_if(_search_estimator_has("predict"))
    def predict(self, X):
        """``best_estimator_.predict(X)``."""
        self._check_fitted("predict")
        return self.best_estimator_.predict(X)

    @available_if(_search_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """``best_estimator_.predict_proba(X)``."""
        self._check_fitted("predict_proba")
        return self.best_estimator_.predict_proba(X)

    @available_if(_search_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """``best_estimator_.predict_log_proba(X)``."""
        self._check_fitted("predict_log_proba")
        return self.best_estimator_.predict_log_proba(X)

    @available_if(_search_estimator_has("decision_function"))
    def decision_function(self, X):
        """``best_estimator_.decision_function(X)``."""
        self._check_fitted("decision_function")
        return self.best_estimator_.decision_function(X)

    @available_if(_search_estimator_has("score_samples"))
    def score_samples(self, X):
        """``best_estimator_.score_samples(X)``."""
        self._check_fitted("score_samples")
        return self.best_estimator_.score_samples(X)

    @available_if(_search_estimator_has("transform"))
    def transform(self, X):
        """``best_estimator_.transform(X)``."""
        self._check_fitted("transform")
        return self.best_estimator_.transform(X)

    @available_if(_search_estimator_has("inverse_transform"))
    def inverse_transform(self, X):
        """``best_estimator_.inverse_transform(X)``."""
        self._check_fitted("inverse_transform")
        return self.best_estimator_.inverse_transform(X)

    def score(self, X, y=None, **params):
        """Score of the refitted best estimator with the refit scorer.

        Returns
        -------
        score : float
        """
        self._check_fitted("score")
        if isinstance(self.scorer_, dict):
            scorer = self.scorer_[self.refit] if self.multimetric_ else self.scorer_
            return scorer(self.best_estimator_, X, y, **params)
        score = self.scorer_(self.best_estimator_, X, y, **params)
        return score[self.refit] if self.multimetric_ else score

    @property
    def classes_(self):
        """Class labels of the best estimator."""
        _search_estimator_has("classes_")(self)
        return self.best_estimator_.classes_

    @property
    def n_features_in_(self):
        """Number of features seen by the best estimator."""
        try:
            self._check_fitted("n_features_in_")
        except NotFittedError as error:
            raise AttributeError(
                f"{type(self).__name__} object has no n_features_in_ attribute.") from error
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
    scorer, _ = _check_scoring(scoring)
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
