"""Ensembles of trees: the scikit-learn twin of ``sklearn.ensemble``.

A random forest averages many decision trees, each grown on a bootstrap sample of the
training set (n draws with replacement) and looking at a random subset of the features at
every node. Averaging decorrelated, low-bias trees lowers the variance of one deep tree.
The samples a tree never saw ("out of bag") give a free estimate of the test accuracy.

The algorithm as the course teaches it is :func:`grow_forest` (bootstrap samples, the
taught tree :func:`~glassbox.learn.tree.grow_tree` with a few random features per split)
and :func:`forest_predict_proba` (the mean vote), a screen together.
:class:`RandomForestClassifier` grows the same trees with the fast tree builder, draws
each node's features with scikit-learn's generator and runs batches of trees in worker
processes; given the same bootstrap samples and feature draws, the forests are equal.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state, compute_sample_weight
from sklearn.utils._param_validation import Hidden, Interval, RealNotInt, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from glassbox.learn._tree_fast_build import presort
from glassbox.learn.tree import (
    DecisionTreeClassifier,
    check_taught_input,
    grow_tree,
    leaf_fractions,
)

__all__ = ["RandomForestClassifier", "forest_predict_proba", "grow_forest"]

# Seeds for the trees are drawn below this bound, as scikit-learn does.
_MAX_INT = np.iinfo(np.int32).max

# Parameters passed on from the forest to each tree.
_TREE_PARAMS = (
    "criterion", "max_depth", "min_samples_split", "min_samples_leaf",
    "min_weight_fraction_leaf", "max_features", "max_leaf_nodes", "min_impurity_decrease",
    "ccp_alpha", "monotonic_cst",
)  # fmt: skip


# ---------------------------------------------------------------------------
# The algorithm as taught (the estimator below grows the same forests, faster)
# ---------------------------------------------------------------------------
def grow_forest(X, y, n_estimators=100, max_features="sqrt", random_state=None,
                draw_features=None):  # fmt: skip
    """A random forest as taught: each tree on a bootstrap sample, random features per split.

    Tree ``b`` gets a seed from ``random_state``; with it, (1) draw ``n_samples`` rows
    with replacement (a bootstrap sample: about 63 % of the rows, some several times);
    (2) grow :func:`~glassbox.learn.tree.grow_tree` on those rows, each node choosing its
    split among ``max_features`` features drawn at random. Predict with
    :func:`forest_predict_proba`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), int in 0..n_classes-1
    n_estimators : int, default=100
    max_features : "sqrt", int or None, default="sqrt"
        Features a node draws (``"sqrt"``: ``floor(sqrt(n_features))``; None: all).
    random_state : int or None, default=None
    draw_features : callable, default=None
        ``draw_features(seed)`` returns the function drawing the features of each node of
        tree ``seed``: ``choose(X_node) -> feature indices``. Default: ``max_features``
        distinct features drawn uniformly by ``RandomState(seed)``.
        :class:`RandomForestClassifier` draws them with scikit-learn's generator instead
        (``glassbox.learn._tree_sklearn_random``); given its draws, this grows its trees.

    Returns
    -------
    forest : list of nested dicts (trees of :func:`~glassbox.learn.tree.grow_tree`)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> forest = grow_forest(X, y, n_estimators=10, random_state=0)
    >>> float(np.mean(np.argmax(forest_predict_proba(forest, X), axis=1) == y)) > 0.95
    True
    """
    X, y = check_taught_input(X, y)
    n_samples, n_features = X.shape
    n_classes = int(y.max()) + 1
    if max_features == "sqrt":
        max_features = max(1, int(np.sqrt(n_features)))
    max_features = n_features if max_features is None else max_features
    random_state = np.random.RandomState(random_state)
    forest = []
    for _ in range(n_estimators):
        seed = random_state.randint(_MAX_INT)
        random = np.random.RandomState(seed)
        rows = random.randint(0, n_samples, n_samples)  # the bootstrap sample
        if draw_features is None:
            def choose(X_node, random=random):
                return random.choice(n_features, max_features, replace=False)
        else:
            choose = draw_features(seed)
        forest.append(grow_tree(X[rows], y[rows], n_classes=n_classes, choose_features=choose))
    return forest


def forest_predict_proba(forest, X):
    """The forest's vote: the mean over the trees of their leaves' class fractions.

    The predicted class is the one of highest mean fraction (``argmax`` over columns).

    Parameters
    ----------
    forest : list of trees
        The trees grown by :func:`grow_forest`.
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
        Each row sums to 1.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> forest = grow_forest(X, y, n_estimators=5, random_state=0)
    >>> proba = forest_predict_proba(forest, X[:3])
    >>> proba.shape, bool(np.allclose(proba.sum(axis=1), 1.0))
    ((3, 3), True)
    """
    proba = 0.0
    for tree in forest:
        proba = proba + leaf_fractions(tree, X)
    return proba / len(forest)


def _bootstrap_indices(seed, n_samples, n_samples_bootstrap, sample_weight):
    """The rows a tree is trained on: ``n_samples_bootstrap`` draws with replacement.

    With sample weights, rows are drawn with probability proportional to their weight.
    The tree's seed drives the draw, so the out-of-bag rows can be found again later.
    """
    random = np.random.RandomState(seed)
    if sample_weight is None:
        return random.randint(0, n_samples, n_samples_bootstrap)
    probability = sample_weight / np.sum(sample_weight)
    return random.choice(n_samples, n_samples_bootstrap, replace=True, p=probability)


def _fit_trees(trees, seeds, X_T, y_encoded, sample_weight, bootstrap, n_samples_bootstrap,
               class_weight):  # fmt: skip
    """Grow a batch of trees (one joblib task): each on its bootstrap sample."""
    n_samples = X_T.shape[1]
    # every feature sorted once for the whole batch; each tree keeps its own samples of
    # this order instead of sorting again (the sort was a tenth of a small tree's time)
    presorted = presort(X_T)
    for tree, seed in zip(trees, seeds):
        if bootstrap:
            indices = _bootstrap_indices(seed, n_samples, n_samples_bootstrap, sample_weight)
            # "drawn k times" is the same as "weight k": the tree gets counts, not copies
            weight = np.bincount(indices, minlength=n_samples).astype(np.float64)
            if class_weight == "balanced_subsample":
                weight *= compute_sample_weight("balanced", y_encoded, indices=indices)
        else:
            weight = sample_weight
        tree._fit_encoded(X_T, y_encoded, weight, np.random.RandomState(seed), presorted)
    return trees


class RandomForestClassifier(ClassifierMixin, BaseEstimator):
    """A random forest classifier: the average of randomised decision trees.

    Tree ``b`` is grown on a bootstrap sample with ``max_features`` features drawn at each
    node; the forest predicts :math:`p(k \\mid x) = \\frac{1}{B} \\sum_b p_b(k \\mid x)`
    and the class of highest mean probability. The algorithm as taught, on one screen:
    :func:`grow_forest` and :func:`forest_predict_proba` (tested to give this estimator's
    forest from the same bootstrap samples and feature draws).

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees.
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
    max_depth : int, default=None
    min_samples_split : int or float, default=2
    min_samples_leaf : int or float, default=1
    min_weight_fraction_leaf : float, default=0.0
    max_features : {"sqrt", "log2"}, int, float or None, default="sqrt"
        Features examined per node (``"sqrt"``: ``floor(sqrt(n_features))``).
    max_leaf_nodes : int, default=None
    min_impurity_decrease : float, default=0.0
        These tree parameters are as in
        :class:`~glassbox.learn.tree.DecisionTreeClassifier`.
    bootstrap : bool, default=True
        Train each tree on a bootstrap sample (else on the whole training set).
    oob_score : bool or callable, default=False
        Score the out-of-bag predictions (accuracy, or ``oob_score(y, y_pred)``).
    n_jobs : int, default=None
        Trees are grown in parallel by joblib on this many processes (None: 1, -1: all).
    random_state : int, RandomState instance or None, default=None
        Seeds the bootstraps and the trees; equal seeds give scikit-learn's forest.
    verbose : int, default=0
        joblib's progress messages.
    warm_start : bool, default=False
        Keep the fitted trees and add ``n_estimators - len(estimators_)`` new ones.
    class_weight : dict, list, "balanced" or "balanced_subsample", default=None
        Class weights; ``"balanced_subsample"`` rebalances each bootstrap sample.
    ccp_alpha : float, default=0.0
        Cost-complexity pruning of each tree.
    max_samples : int or float, default=None
        Size of each bootstrap sample (a float is a fraction of the samples).
    monotonic_cst : None
        Not implemented: only None is accepted.

    Attributes
    ----------
    estimators_ : list of DecisionTreeClassifier
    estimator_ : DecisionTreeClassifier
        The unfitted template of the trees.
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    n_features_in_ : int
    n_outputs_ : int
    feature_importances_ : ndarray of shape (n_features_in_,)
        Mean of the trees' impurity importances, normalised to sum to 1.
    oob_score_ : float
        Accuracy of the out-of-bag predictions (when ``oob_score`` is set).
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
        Mean class probabilities over the trees that did not see each sample.

    See Also
    --------
    sklearn.ensemble.RandomForestClassifier : The twin; same parameters and attributes.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from glassbox.learn.ensemble import RandomForestClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> forest = RandomForestClassifier(n_estimators=20, oob_score=True, random_state=0)
    >>> forest = forest.fit(X, y)
    >>> len(forest.estimators_), forest.predict_proba(X[:1]).shape
    (20, (1, 2))
    >>> bool(forest.oob_score_ > 0.9)
    True
    """

    _parameter_constraints: dict = {
        **DecisionTreeClassifier._parameter_constraints,
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "bootstrap": ["boolean"],
        "oob_score": ["boolean", callable],
        "n_jobs": [numbers.Integral, None],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "max_samples": [
            None,
            Interval(RealNotInt, 0.0, None, closed="neither"),
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "max_features": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            StrOptions({"sqrt", "log2"}),
            None,
        ],
        "class_weight": [StrOptions({"balanced_subsample", "balanced"}), dict, list, None],
        "monotonic_cst": [Hidden("array-like"), None],
    }
    _parameter_constraints.pop("splitter")

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=True,
        oob_score=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        class_weight=None,
        ccp_alpha=0.0,
        max_samples=None,
        monotonic_cst=None,
    ):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha
        self.max_samples = max_samples
        self.monotonic_cst = monotonic_cst

    def fit(self, X, y, sample_weight=None):
        """Grow the forest on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples; converted to float32 like scikit-learn.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            With ``bootstrap=True`` rows are drawn in proportion to their weight.

        Returns
        -------
        self : RandomForestClassifier
        """
        self._validate_params()
        if self.monotonic_cst is not None:
            raise NotImplementedError(
                "glassbox's RandomForestClassifier does not implement monotonic constraints; "
                f"expected monotonic_cst=None, received monotonic_cst={self.monotonic_cst!r}."
            )
        X, y = validate_data(self, X, y, dtype=np.float32, ensure_all_finite="allow-nan")
        check_classification_targets(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        self.classes_, y_encoded = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        self.n_outputs_ = 1
        n_samples = X.shape[0]

        presets = ("balanced", "balanced_subsample")
        if self.warm_start and self.class_weight in presets:
            warnings.warn(
                'class_weight presets "balanced" or "balanced_subsample" are not recommended '
                "for warm_start if the fitted data differs from the full dataset. In order to "
                'use "balanced" weights, use compute_class_weight ("balanced", classes, y). In '
                "place of y you can use a large enough sample of the full training set target "
                "to properly estimate the class frequency distributions. Pass the resulting "
                "weights as the class_weight parameter.", UserWarning, stacklevel=2,
            )  # fmt: skip
        if self.class_weight in presets and not (
            self.class_weight == "balanced_subsample" and self.bootstrap
        ):
            # n / (n_classes * n_k), with the sample weights' sums as in scikit-learn 1.9
            class_totals = np.bincount(y_encoded, weights=sample_weight,
                                       minlength=self.n_classes_)  # fmt: skip
            per_class = np.sum(class_totals) / (self.n_classes_ * class_totals)
            expanded = per_class[y_encoded]
            sample_weight = expanded if sample_weight is None else sample_weight * expanded
        elif self.class_weight is not None and self.class_weight not in presets:
            expanded = compute_sample_weight(self.class_weight, y)  # a dict or list
            sample_weight = expanded if sample_weight is None else sample_weight * expanded

        if not self.bootstrap and self.max_samples is not None:
            raise ValueError(
                "`max_sample` cannot be set if `bootstrap=False`. Either switch to "
                "`bootstrap=True` or set `max_sample=None`."
            )
        if not self.bootstrap and self.oob_score:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        self._n_samples_bootstrap = (
            self._bootstrap_size(n_samples, sample_weight) if self.bootstrap else None
        )
        self._sample_weight = sample_weight
        self._n_samples = n_samples
        self.estimator_ = DecisionTreeClassifier()

        random_state = check_random_state(self.random_state)
        if not self.warm_start or not hasattr(self, "estimators_"):
            self.estimators_ = []
        n_more = self.n_estimators - len(self.estimators_)
        if n_more < 0:
            raise ValueError(
                f"n_estimators={self.n_estimators} must be larger or equal to "
                f"len(estimators_)={len(self.estimators_)} when warm_start==True"
            )
        if n_more == 0:
            warnings.warn(
                "Warm-start fitting without increasing n_estimators does not fit new trees.",
                UserWarning,
                stacklevel=2,
            )
        else:
            if self.warm_start and self.estimators_:
                # skip the seeds of the trees already grown, as scikit-learn does
                random_state.randint(_MAX_INT, size=len(self.estimators_))
            new_trees = [self._make_tree() for _ in range(n_more)]
            # one seed per tree, drawn in order: it drives the bootstrap and the tree
            seeds = [int(random_state.randint(_MAX_INT)) for _ in range(n_more)]
            for tree, seed in zip(new_trees, seeds):
                tree.random_state = seed
            self.estimators_ += self._fit_in_parallel(new_trees, seeds, X, y_encoded)

        if self.oob_score and (n_more > 0 or not hasattr(self, "oob_score_")):
            self._set_oob_score(X, y_encoded)
        return self

    def _bootstrap_size(self, n_samples, sample_weight):
        if self.max_samples is None:
            return n_samples
        if isinstance(self.max_samples, numbers.Integral):
            return self.max_samples
        total = n_samples if sample_weight is None else float(np.sum(sample_weight))
        return max(int(self.max_samples * total), 1)

    def _make_tree(self):
        tree = DecisionTreeClassifier(**{name: getattr(self, name) for name in _TREE_PARAMS})
        # the trees share the forest's encoding of the classes (0.0 .. n_classes - 1, as
        # floats: scikit-learn's trees see the encoded y as float64)
        tree.classes_ = np.arange(self.n_classes_, dtype=np.float64)
        tree.n_classes_ = self.n_classes_
        tree.n_outputs_ = 1
        return tree

    def _fit_in_parallel(self, trees, seeds, X, y_encoded):
        """Grow the trees in ``n_jobs`` batches, one joblib task per batch.

        NOTE: processes (joblib's default loky backend), not threads: a tree is grown by
        many small NumPy calls from Python, which threads would serialise on the GIL.
        Batches keep the cost of sending data to the workers to one send per worker.
        """
        X_T = np.ascontiguousarray(X.T)  # (n_features, n_samples), shared by all trees
        n_jobs = min(effective_n_jobs(self.n_jobs), len(trees))
        batches = np.array_split(np.arange(len(trees)), n_jobs)
        fitted = Parallel(n_jobs=n_jobs, verbose=self.verbose)(
            delayed(_fit_trees)(
                [trees[i] for i in batch],
                [seeds[i] for i in batch],
                X_T,
                y_encoded,
                self._sample_weight,
                self.bootstrap,
                self._n_samples_bootstrap,
                self.class_weight,
            )  # fmt: skip
            for batch in batches
        )
        return [tree for batch in fitted for tree in batch]

    def _set_oob_score(self, X, y_encoded):
        """Average each sample's predictions over the trees that did not train on it."""
        n_samples = X.shape[0]
        oob_sum = np.zeros((n_samples, self.n_classes_))
        n_oob = np.zeros(n_samples, dtype=np.int64)
        for tree in self.estimators_:
            drawn = _bootstrap_indices(
                tree.random_state, n_samples, self._n_samples_bootstrap, self._sample_weight
            )
            unsampled = np.flatnonzero(np.bincount(drawn, minlength=n_samples) == 0)
            oob_sum[unsampled] += tree.tree_.predict(X[unsampled])[:, 0, :]
            n_oob[unsampled] += 1
        if np.any(n_oob == 0):
            warnings.warn(
                "Some inputs do not have OOB scores. This probably means too few trees were "
                "used to compute any reliable OOB estimates.",
                UserWarning,
                stacklevel=3,
            )
            n_oob[n_oob == 0] = 1
        self.oob_decision_function_ = oob_sum / n_oob[:, None]
        predicted = np.argmax(self.oob_decision_function_, axis=1)
        if callable(self.oob_score):
            self.oob_score_ = self.oob_score(y_encoded, predicted)
        else:
            self.oob_score_ = float(np.mean(y_encoded == predicted))

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float32, reset=False, ensure_all_finite="allow-nan")

    def predict_proba(self, X):
        """Mean over the trees of their class fractions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._validate_X_predict(X)
        proba = np.zeros((X.shape[0], self.n_classes_))
        for tree in self.estimators_:
            proba += tree.tree_.predict(X)[:, 0, :]
        return proba / len(self.estimators_)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Class of highest mean probability (a soft vote of the trees).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)  # checks first that the estimator is fitted
        return self.classes_.take(np.argmax(proba, axis=1), axis=0)

    def apply(self, X):
        """Leaf index of each sample in each tree: (n_samples, n_estimators)."""
        X = self._validate_X_predict(X)
        return np.stack([tree.tree_.apply(X) for tree in self.estimators_], axis=1)

    def decision_path(self, X):
        """The nodes each sample passes through, in every tree.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        indicator : sparse matrix of shape (n_samples, total number of nodes)
            The trees' indicators side by side (see
            :meth:`DecisionTreeClassifier.decision_path`).
        n_nodes_ptr : ndarray of shape (n_estimators + 1,)
            Tree ``b``'s columns are ``indicator[:, n_nodes_ptr[b]:n_nodes_ptr[b + 1]]``.
        """
        from scipy.sparse import hstack

        X = self._validate_X_predict(X)
        indicators = [tree.tree_.decision_path(X) for tree in self.estimators_]
        n_nodes_ptr = np.cumsum([0] + [indicator.shape[1] for indicator in indicators])
        return hstack(indicators).tocsr(), n_nodes_ptr

    @property
    def estimators_samples_(self):
        """The rows each tree was grown on (its bootstrap draws, with repeats).

        Found again from each tree's seed, as in scikit-learn; all rows without bootstrap.
        """
        check_is_fitted(self)
        if not self.bootstrap:
            return [np.arange(self._n_samples, dtype=np.int32) for _ in self.estimators_]
        return [_bootstrap_indices(tree.random_state, self._n_samples,
                                   self._n_samples_bootstrap, self._sample_weight)
                for tree in self.estimators_]

    def __len__(self):
        """Number of trees in the forest."""
        return len(self.estimators_)

    def __getitem__(self, index):
        """The index-th tree."""
        return self.estimators_[index]

    def __iter__(self):
        """Iterate over the trees."""
        return iter(self.estimators_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # the trees route missing values
        return tags

    @property
    def feature_importances_(self):
        """Mean over the trees of their normalised importances, renormalised to sum to 1."""
        check_is_fitted(self)
        importances = [
            tree.tree_.compute_feature_importances()
            for tree in self.estimators_
            if tree.tree_.node_count > 1
        ]
        if not importances:
            return np.zeros(self.n_features_in_)
        mean = np.mean(importances, axis=0)
        return mean / np.sum(mean)
