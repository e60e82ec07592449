"""Decision trees: the scikit-learn twin of ``sklearn.tree``.

A decision tree classifier cuts the feature space with axis-aligned questions
``x[feature] <= threshold``, chosen greedily: at each node, the question whose answer
separates the classes best (largest decrease of Gini impurity or entropy). A leaf predicts
the class fractions of the training samples that reached it.

The algorithm as the course teaches it is :func:`cart_best_split` (one node: sort each
feature, cumulative class counts, children's impurity at every threshold, keep the best)
and :func:`grow_tree` (recursion until nodes are pure), a screen each; :func:`leaf_fractions`
predicts with the grown tree. The estimator grows the same trees (tested equal on
Hypothesis data) faster and node for node like scikit-learn, in private modules named for
what they are:

- :mod:`~glassbox.learn._tree_fast_build`: the recursion as a stack over presorted rows;
- :mod:`~glassbox.learn._tree_fast_split`: the split search of many features at once
  (running sums, or one matrix product on small nodes);
- :mod:`~glassbox.learn._tree_sklearn_random`: scikit-learn's random order of visiting
  features (which decides exact ties), bit for bit;
- :mod:`~glassbox.learn._tree_arrays`: the fitted tree as scikit-learn's flat arrays;
- :mod:`~glassbox.learn._tree_prune`, :mod:`~glassbox.learn._tree_plot`,
  :mod:`~glassbox.learn._tree_export`: pruning, drawing and printing a fitted tree.
"""

from __future__ import annotations

import numbers
from functools import partial
from math import ceil

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils import Bunch, check_random_state, compute_sample_weight
from sklearn.utils._param_validation import Hidden, Interval, RealNotInt, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    check_X_y,
    column_or_1d,
    validate_data,
)

from glassbox.learn._tree_export import export_text
from glassbox.learn._tree_fast_build import BuildParams, TreeBuilder
from glassbox.learn._tree_plot import plot_tree
from glassbox.learn._tree_prune import cost_complexity_path, prune
from glassbox.learn._tree_sklearn_random import FeatureSampler, SklearnRandom, draw_seed

__all__ = ["DecisionTreeClassifier", "cart_best_split", "check_taught_input", "export_text",
           "grow_tree", "leaf_fractions", "plot_tree"]


# ---------------------------------------------------------------------------
# The algorithm as taught (the estimator below grows the same trees, faster)
# ---------------------------------------------------------------------------
def gini_impurity(class_counts):
    """``1 - sum_k N_k**2 / N**2`` (that is ``1 - sum_k p_k**2``) along the last axis.

    0 for an empty node. Written with counts, as scikit-learn writes it, so that equal
    counts give bit-identical impurities in both libraries.

    Examples
    --------
    >>> gini_impurity(np.array([[5, 5], [10, 0], [0, 0]]))
    array([0.5, 0. , 0. ])
    """
    total = class_counts.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 1.0 - (class_counts**2).sum(-1) / total**2, 0.0)


def cart_best_split(X, y, n_classes=None):
    """The best split ``x[feature] <= threshold`` of one node by the Gini index.

    For each feature: sort the samples by its value; the class counts of the left child
    after the first p samples are a cumulative sum of one-hot labels, the right child's
    are the totals minus those; every position between two distinct values is a
    candidate threshold (halfway between them). Keep the split of least weighted
    impurity ``n_L I(left) + n_R I(right)``, i.e. of largest decrease
    ``I(node) - (n_L I(left) + n_R I(right)) / n``; on a tie the first feature, then the
    smallest threshold.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), int in 0..n_classes-1
    n_classes : int, default=None
        ``y.max() + 1`` if None.

    Returns
    -------
    (feature, threshold, decrease) : tuple, or None when no split separates anything.

    Examples
    --------
    >>> import numpy as np
    >>> from glassbox.learn.tree import cart_best_split
    >>> X = np.array([[1.0, 5.0], [2.0, 4.0], [3.0, 1.0], [4.0, 0.0]])
    >>> cart_best_split(X, np.array([0, 0, 1, 1]))
    (0, 2.5, 0.5)
    """
    n_samples, n_features = X.shape
    n_classes = int(y.max()) + 1 if n_classes is None else n_classes
    one_hot = np.eye(n_classes)[y]  # (n_samples, n_classes)
    best, best_cost = None, np.inf
    for feature in range(n_features):
        order = np.argsort(X[:, feature], kind="stable")
        values = X[order, feature]
        left = np.cumsum(one_hot[order], axis=0)[:-1]  # (n-1, C): first p+1 samples
        right = one_hot.sum(axis=0) - left
        n_left = np.arange(1, n_samples)
        cost = n_left * gini_impurity(left) + (n_samples - n_left) * gini_impurity(right)
        cost[values[1:] <= values[:-1]] = np.inf  # no threshold between equal values
        p = int(np.argmin(cost)) if n_samples > 1 else 0
        if n_samples > 1 and cost[p] < best_cost:  # strictly: ties keep the first feature
            best_cost = cost[p]
            best = (feature, float(values[p] / 2 + values[p + 1] / 2))
    if best is None:
        return None
    decrease = gini_impurity(one_hot.sum(axis=0)) - best_cost / n_samples
    return best + (float(decrease),)


def check_taught_input(X, y):
    """X as a finite 2-D array and y as class indices 0, 1, ...; else a clear ValueError.

    The check of :func:`grow_tree` and :func:`glassbox.learn.ensemble.grow_forest`.

    Examples
    --------
    >>> X, y = check_taught_input([[0.0], [1.0]], [0, 1])
    >>> X.shape, y.tolist()
    ((2, 1), [0, 1])
    """
    X, y = check_X_y(X, y)  # 2-D, finite, non-empty, one label per row
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError("y must hold class indices 0, 1, 2, ... (non-negative integers), "
                         f"received dtype {y.dtype} with minimum {y.min()!r}")
    return X, y


def grow_tree(X, y, max_depth=None, n_classes=None, choose_features=None, depth=0):
    """Grow a tree by recursion: split with :func:`cart_best_split` until pure.

    ``choose_features(X_node)``, if given, returns the features a node may split on (a
    random forest draws a few at random, see
    :func:`glassbox.learn.ensemble.grow_forest`); by default every feature.

    Returns nested dicts: a leaf ``{"counts": ...}``, an inner node adds ``"feature"``,
    ``"threshold"``, ``"left"`` and ``"right"``. :func:`leaf_fractions` predicts with it.

    Examples
    --------
    >>> import numpy as np
    >>> from glassbox.learn.tree import grow_tree
    >>> tree = grow_tree(np.array([[0.0], [1.0], [2.0]]), np.array([0, 1, 1]))
    >>> tree["feature"], tree["threshold"], tree["right"]["counts"].tolist()
    (0, 0.5, [0.0, 2.0])
    """
    if depth == 0:
        X, y = check_taught_input(X, y)
    n_classes = int(y.max()) + 1 if n_classes is None else n_classes
    node = {"counts": np.bincount(y, minlength=n_classes).astype(float)}
    if np.count_nonzero(node["counts"]) <= 1 or (max_depth is not None and depth >= max_depth):
        return node
    features = np.arange(X.shape[1]) if choose_features is None else choose_features(X)
    split = cart_best_split(X[:, features], y, n_classes)
    if split is None:
        return node
    column, threshold, _ = split
    feature = int(features[column])
    goes_left = X[:, feature] <= threshold
    grow = partial(grow_tree, max_depth=max_depth, n_classes=n_classes,
                   choose_features=choose_features, depth=depth + 1)
    node.update(feature=feature, threshold=threshold,
                left=grow(X[goes_left], y[goes_left]), right=grow(X[~goes_left], y[~goes_left]))
    return node


def leaf_fractions(tree, X):
    """Class fractions of the leaf of :func:`grow_tree`'s ``tree`` each row of X reaches.

    Examples
    --------
    >>> import numpy as np
    >>> tree = grow_tree(np.array([[0.0], [1.0], [2.0]]), np.array([0, 1, 1]))
    >>> leaf_fractions(tree, np.array([[0.2], [5.0]]))
    array([[1., 0.],
           [0., 1.]])
    """
    fractions = []
    for x in X:
        node = tree
        while "feature" in node:
            node = node["left"] if x[node["feature"]] <= node["threshold"] else node["right"]
        fractions.append(node["counts"] / node["counts"].sum())
    return np.array(fractions)


class DecisionTreeClassifier(ClassifierMixin, BaseEstimator):
    """A decision tree classifier (CART): greedy binary splits that reduce impurity.

    At each node the split ``x[j] <= t`` maximising the weighted impurity decrease

    .. math::  \\frac{N_t}{N}\\Big(I(t) - \\frac{N_{t_R}}{N_t} I(t_R)
               - \\frac{N_{t_L}}{N_t} I(t_L)\\Big)

    is chosen, with ``I`` the Gini index :math:`1 - \\sum_k p_k^2` or the entropy
    :math:`-\\sum_k p_k \\log_2 p_k`. Thresholds lie halfway between consecutive distinct
    values. Growth stops at pure nodes or when a stopping parameter says so. Missing
    values (NaN) are allowed, as in scikit-learn: each split also learns on which side
    they go (``tree_.missing_go_to_left``). The algorithm as taught, on one screen:
    :func:`cart_best_split` and :func:`grow_tree`.

    Parameters
    ----------
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
        Impurity measure (``log_loss`` and ``entropy`` are the same).
    splitter : {"best", "random"}, default="best"
        ``"best"`` searches every threshold; ``"random"`` draws one threshold per feature.
    max_depth : int, default=None
        Maximum depth; None grows until leaves are pure or too small to split.
    min_samples_split : int or float, default=2
        Fewest samples a node needs to be split (a float is a fraction of n_samples).
    min_samples_leaf : int or float, default=1
        Fewest samples each child must keep (a float is a fraction of n_samples).
    min_weight_fraction_leaf : float, default=0.0
        Smallest fraction of the total sample weight each leaf must keep.
    max_features : int, float, {"sqrt", "log2"} or None, default=None
        Number of features examined per node (drawn at random without replacement).
    random_state : int, RandomState instance or None, default=None
        Seeds the feature order; the same seed as scikit-learn gives the same tree.
    max_leaf_nodes : int, default=None
        Grow best-first with at most this many leaves.
    min_impurity_decrease : float, default=0.0
        A split must decrease the weighted impurity by at least this much.
    class_weight : dict, list of dict or "balanced", default=None
        Weights of the classes (``"balanced"``: ``n_samples / (n_classes * count_k)``).
    ccp_alpha : float, default=0.0
        Complexity parameter of minimal cost-complexity pruning (0: no pruning).
    monotonic_cst : None
        Monotonic constraints are not implemented: only None is accepted.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when X has feature names (a DataFrame).
    n_outputs_ : int
        Always 1.
    max_features_ : int
        The resolved ``max_features``.
    tree_ : Tree
        The fitted tree as arrays (``children_left``, ``children_right``, ``feature``,
        ``threshold``, ``value``, ``impurity``, ``n_node_samples``, ...).
    feature_importances_ : ndarray of shape (n_features_in_,)
        Normalised total impurity decrease brought by each feature.

    See Also
    --------
    sklearn.tree.DecisionTreeClassifier : The twin; same parameters and attributes.
    glassbox.learn.ensemble.RandomForestClassifier : An average of randomised trees.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from glassbox.learn.tree import DecisionTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    >>> tree.get_depth(), tree.get_n_leaves()
    (2, 3)
    >>> tree.predict(X[[0, 50, 100]])
    array([0, 1, 2])
    >>> tree.feature_importances_  # both splits are on petal width
    array([0., 0., 0., 1.])
    """

    _parameter_constraints: dict = {
        "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
        "splitter": [StrOptions({"best", "random"})],
        "max_depth": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "min_samples_split": [
            Interval(numbers.Integral, 2, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
        ],
        "min_samples_leaf": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "min_weight_fraction_leaf": [Interval(numbers.Real, 0.0, 0.5, closed="both")],
        "max_features": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            StrOptions({"sqrt", "log2"}),
            None,
        ],
        "random_state": ["random_state"],
        "max_leaf_nodes": [Interval(numbers.Integral, 2, None, closed="left"), None],
        "min_impurity_decrease": [Interval(numbers.Real, 0.0, None, closed="left")],
        "class_weight": [dict, list, StrOptions({"balanced"}), None],
        "ccp_alpha": [Interval(numbers.Real, 0.0, None, closed="left")],
        "monotonic_cst": [Hidden("array-like"), None],
    }

    def __init__(
        self,
        *,
        criterion="gini",
        splitter="best",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features=None,
        random_state=None,
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        class_weight=None,
        ccp_alpha=0.0,
        monotonic_cst=None,
    ):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha
        self.monotonic_cst = monotonic_cst

    # --- fitting ---------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        """Grow the tree on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples; converted to float32 like scikit-learn. NaN marks a
            missing value; infinity is refused.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; samples of weight 0 are ignored.

        Returns
        -------
        self : DecisionTreeClassifier
        """
        self._validate_params()
        if self.monotonic_cst is not None:
            raise NotImplementedError(
                "glassbox's DecisionTreeClassifier does not implement monotonic constraints; "
                f"expected monotonic_cst=None, received monotonic_cst={self.monotonic_cst!r}."
            )
        random_state = check_random_state(self.random_state)
        # X and y validated separately, then their lengths compared, as scikit-learn's tree
        X, y = validate_data(
            self,
            X,
            y,
            validate_separately=(
                {"dtype": np.float32, "ensure_all_finite": "allow-nan"},
                {"ensure_2d": False, "dtype": None},
            ),
        )
        y = column_or_1d(y, warn=True)  # a column vector is accepted with a warning
        check_classification_targets(y)
        if len(y) != X.shape[0]:
            raise ValueError(
                f"Number of labels={len(y)} does not match number of samples={X.shape[0]}"
            )
        self.classes_, y_encoded = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        self.n_outputs_ = 1

        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        if self.class_weight is not None:
            expanded = compute_sample_weight(self.class_weight, y)
            sample_weight = expanded if sample_weight is None else sample_weight * expanded
        X_T = np.ascontiguousarray(X.T)  # (n_features, n_samples): a node reads rows
        self._fit_encoded(X_T, y_encoded, sample_weight, random_state)
        return self

    def _fit_encoded(self, X_T, y_encoded, sample_weight, random_state, presorted=None):
        """Grow the tree on validated data (also used by the random forest).

        ``X_T`` is float32 of shape (n_features, n_samples), ``y_encoded`` holds class
        indices into ``self.classes_``, ``random_state`` is a RandomState; ``presorted``
        is ``presort(X_T)`` when the caller already has it (a forest sorts once).
        """
        n_features, n_samples = X_T.shape
        self.n_features_in_ = n_features
        params = self._build_params(n_samples, n_features, sample_weight)
        if sample_weight is not None and np.all(sample_weight == 1.0):
            sample_weight = None  # unit weights take the faster path (weight = count)
        sampler = FeatureSampler(n_features, SklearnRandom(draw_seed(random_state)))
        builder = TreeBuilder(
            X_T, y_encoded, sample_weight, self.n_classes_, params, sampler, presorted
        )
        self.tree_ = builder.build()
        if self.ccp_alpha > 0.0:
            self.tree_ = prune(self.tree_, self.ccp_alpha)
        return self

    def _build_params(self, n_samples, n_features, sample_weight) -> BuildParams:
        """Resolve fractions and keywords to numbers, as scikit-learn does."""
        if isinstance(self.min_samples_leaf, numbers.Integral):
            min_samples_leaf = self.min_samples_leaf
        else:
            min_samples_leaf = ceil(self.min_samples_leaf * n_samples)
        if isinstance(self.min_samples_split, numbers.Integral):
            min_samples_split = self.min_samples_split
        else:
            min_samples_split = max(2, ceil(self.min_samples_split * n_samples))
        min_samples_split = max(min_samples_split, 2 * min_samples_leaf)

        if self.max_features == "sqrt":
            max_features = max(1, int(np.sqrt(n_features)))
        elif self.max_features == "log2":
            max_features = max(1, int(np.log2(n_features)))
        elif self.max_features is None:
            max_features = n_features
        elif isinstance(self.max_features, numbers.Integral):
            max_features = self.max_features
        else:
            max_features = max(1, int(self.max_features * n_features))
        self.max_features_ = max_features

        total_weight = n_samples if sample_weight is None else np.sum(sample_weight)
        return BuildParams(
            criterion=self.criterion,
            splitter=self.splitter,
            max_depth=np.iinfo(np.int32).max if self.max_depth is None else self.max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_leaf=self.min_weight_fraction_leaf * total_weight,
            max_features=max_features,
            max_leaf_nodes=self.max_leaf_nodes,
            min_impurity_decrease=self.min_impurity_decrease,
        )

    def cost_complexity_pruning_path(self, X, y, sample_weight=None):
        """Effective alphas of minimal cost-complexity pruning and the leaves' impurities.

        Parameters
        ----------
        X, y, sample_weight
            As for :meth:`fit`; a copy with ``ccp_alpha=0`` is grown on them.

        Returns
        -------
        ccp_path : Bunch
            ``ccp_alphas`` (increasing) and ``impurities`` (total leaf impurity of the
            subtree kept at each alpha).
        """
        grown = clone(self).set_params(ccp_alpha=0.0).fit(X, y, sample_weight=sample_weight)
        alphas, impurities = cost_complexity_path(grown.tree_)
        return Bunch(ccp_alphas=alphas, impurities=impurities)

    # --- predicting ------------------------------------------------------------------
    def _validate_X_predict(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float32, reset=False, ensure_all_finite="allow-nan")

    def apply(self, X):
        """Index of the leaf each sample lands in.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        X_leaves : ndarray of shape (n_samples,)
        """
        X = self._validate_X_predict(X)  # NotFittedError before fit
        return self.tree_.apply(X)

    def decision_path(self, X):
        """The nodes each sample passes through, root to leaf.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        indicator : sparse matrix of shape (n_samples, n_nodes)
            CSR matrix with 1 at ``[i, j]`` when sample ``i`` goes through node ``j``.
        """
        X = self._validate_X_predict(X)
        return self.tree_.decision_path(X)

    def predict_proba(self, X):
        """Class fractions of the training samples in each sample's leaf.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        X = self._validate_X_predict(X)
        return self.tree_.predict(X)[:, 0, :]

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (``-inf`` where a fraction is 0)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Most frequent class of each sample's leaf.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)  # checks first that the estimator is fitted
        return self.classes_.take(np.argmax(proba, axis=1), axis=0)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # missing values are routed, as in scikit-learn
        return tags

    # --- inspecting ------------------------------------------------------------------
    def get_depth(self):
        """Depth of the tree: the longest root-to-leaf path (a lone root has depth 0)."""
        check_is_fitted(self)
        return self.tree_.max_depth

    def get_n_leaves(self):
        """Number of leaves of the tree."""
        check_is_fitted(self)
        return self.tree_.n_leaves

    @property
    def feature_importances_(self):
        """Normalised total impurity decrease of each feature (Gini importance)."""
        check_is_fitted(self)
        return self.tree_.compute_feature_importances()
