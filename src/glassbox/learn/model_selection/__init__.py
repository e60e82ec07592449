"""Splitting data, cross-validation and grid search (the twin of ``sklearn.model_selection``).

Course section 1.3: a model's validation score depends on which samples land in the
validation set, so k-fold cross-validation splits the data into k folds, trains on k-1
and validates on the remaining one, k times, and reports the mean. Grid search runs a
cross-validation for every combination of hyper-parameters and keeps the best
(the *inner* loop); the score of that choice is only honest when measured on data the
search never saw, so nested cross-validation wraps the search in an *outer* loop.

The modules follow scikit-learn's: ``_split`` (the splitters and ``train_test_split``),
``_validation`` (one fit-and-score per fold, ``cross_validate``), ``_search``
(``GridSearchCV``, nested cross-validation).

Estimators are any scikit-learn-compatible objects (glassbox's or scikit-learn's): they
are copied with ``sklearn.base.clone`` before each fit.
"""

from glassbox.learn.model_selection._search import (
    GridSearchCV,
    ParameterGrid,
    nested_cross_val_score,
)
from glassbox.learn.model_selection._split import (
    KFold,
    StratifiedKFold,
    check_cv,
    train_test_split,
)
from glassbox.learn.model_selection._validation import cross_val_score, cross_validate

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
