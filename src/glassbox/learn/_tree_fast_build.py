"""The fast tree builder: grows the :class:`~glassbox.learn._tree_arrays.Tree` of
:class:`~glassbox.learn.tree.DecisionTreeClassifier`, node for node scikit-learn's.

The algorithm is :func:`glassbox.learn.tree.grow_tree`'s (tested equal to it in
``tests/learn_estimators/test_teaching_paths.py``); what is here makes it fast and
scikit-learn's to the bit:

* the recursion becomes an explicit stack (depth-first, the left child first), or, with
  ``max_leaf_nodes``, a priority queue of open nodes by impurity decrease (best-first);
* every feature is sorted once at the root and each node's rows stay sorted (presorting),
  small nodes keep a plain list of samples; children known to be leaves are appended
  without a search;
* the split search over many features at once is in :mod:`~glassbox.learn._tree_fast_split`,
  scikit-learn's order of drawing features in :mod:`~glassbox.learn._tree_sklearn_random`.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from glassbox.learn._tree_arrays import TREE_LEAF, TREE_UNDEFINED, Tree
from glassbox.learn._tree_fast_split import (
    CRITERIA,
    EPSILON,
    FEATURE_THRESHOLD,
    NodeStats,
    Split,
    best_split,
    random_split,
    zero_when_pure,
)
from glassbox.learn._tree_sklearn_random import FeatureSampler

__all__ = ["TREE_LEAF", "TREE_UNDEFINED", "BuildParams", "Tree", "TreeBuilder", "presort"]

# Nodes of at most this many samples keep a plain list of their samples and sort their
# few candidate features themselves, instead of a presorted matrix (see TreeBuilder).
LIST_NODE_SAMPLES = 256


@dataclass
class BuildParams:
    """Stopping rules and search settings resolved from the estimator's parameters."""

    criterion: str
    splitter: str
    max_depth: int
    min_samples_split: int
    min_samples_leaf: int
    min_weight_leaf: float
    max_features: int
    max_leaf_nodes: int | None
    min_impurity_decrease: float


def _exact_sum(class_totals):
    """Sum of whole-number class weights, as a Python float.

    Exact in any order, so equal to the sum of the node's sample weights. NOTE: Python's
    sum of a short list is several times cheaper than a NumPy reduction, and this runs
    several times per node.
    """
    return sum(class_totals.tolist())


def presort(X_T):
    """Sample indices sorting each feature (a row of ``X_T``): (n_features, n_samples).

    A stable sort (ties in sample order, NaN last). A random forest sorts once for all
    its trees: restricted to a tree's bootstrap samples, this order is the one the tree
    would have computed (see :class:`TreeBuilder`).
    """
    n_samples = X_T.shape[1]
    index_dtype = np.int32 if n_samples < 2**31 else np.intp
    return np.argsort(X_T, axis=1, kind="stable").astype(index_dtype)


class TreeBuilder:
    """Grows a :class:`Tree` on float32 data ``X_T`` (n_features, n_samples).

    Samples are stored by feature (``X_T`` is X transposed) so that one feature's values
    are one contiguous row.

    Presorting, the trick that removes sorting from the nodes: every feature is sorted
    once, at the root, into ``sorted_samples`` (n_features, m): row ``f`` lists the node's
    samples by increasing ``x[f]``. Splitting a node keeps each row's order: a stable
    partition (``np.compress`` with the "goes left" mask) hands each child its rows
    already sorted. A node then costs O(n_features * m) instead of O(k * m log m).

    Small nodes (at most ``LIST_NODE_SAMPLES`` samples, most nodes of a deep tree) work
    the other way: the node is a 1-D array of its samples, and :meth:`find_split` sorts
    only the ``k`` candidate features. Its children are then two slices of the chosen
    feature's sorted samples, with no partition of all the features (the partition was a
    fifth of the time of a forest). Used where the order of samples with tied values
    cannot change a result: integer weights (every sum exact) and no missing values.
    """

    def __init__(self, X_T, y, sample_weight, n_classes, params: BuildParams, sampler,
                 presorted=None):  # fmt: skip
        self.X_T = X_T
        self.params = params
        self.sampler: FeatureSampler = sampler
        self.n_classes = n_classes
        n_features, n_samples = X_T.shape
        weight = np.ones(n_samples) if sample_weight is None else sample_weight
        # class indices as the smallest unsigned type: the Gini search sorts them by radix
        class_dtype = np.uint8 if n_classes <= 256 else np.uint16 if n_classes <= 65536 else int
        self.y = y.astype(class_dtype)
        self.weight = None if sample_weight is None else weight
        # bootstrap counts are whole numbers: the fast Gini search is exact for them
        self.integer_weights = bool(np.all(weight == np.floor(weight)))
        # one-hot class weights: y_weights[k, i] = weight_i if y_i == k else 0   (C, n)
        self.y_weights = np.zeros((n_classes, n_samples))
        self.y_weights[y, np.arange(n_samples)] = weight
        # scikit-learn ignores samples of zero weight (a bootstrap's out-of-bag samples)
        kept = np.flatnonzero(weight != 0.0)
        self.weighted_n_samples = float(np.sum(weight[kept]))
        # each feature sorted once: (n_features, n_kept) sample indices
        if presorted is None:
            self.root_samples = presort(X_T[:, kept])
            self.root_samples = kept.astype(self.root_samples.dtype)[self.root_samples]
        else:
            # ``presorted`` (from presort(X_T)) with the zero-weight samples taken out:
            # each row keeps its order, and every row keeps the same len(kept) samples
            is_kept = (weight != 0.0)[presorted]  # (n_features, n_samples)
            # NOTE: 1-D compress, 4x faster than 2-D boolean indexing (same C order)
            kept_flat = presorted.ravel().compress(is_kept.ravel())
            self.root_samples = kept_flat.reshape(n_features, len(kept))
        self.goes_left = np.zeros(n_samples, dtype=bool)  # scratch mask for partitions
        # X_T flattened, and where each feature's row starts in it: gathering values as
        # X_flat[row_start[f] + i] is one 1-D take, cheaper than 2-D fancy indexing
        self.X_flat = X_T.ravel()
        self.row_start = np.arange(n_features) * n_samples
        self.feature_ids = np.arange(n_features)
        # features with a missing value (NaN) somewhere: only they need counting per node
        self.missing_features = np.flatnonzero(np.isnan(X_T).any(axis=1))
        self.small_nodes_as_lists = self.integer_weights and self.missing_features.size == 0
        # the samples as rows (n_samples, n_features), for small nodes: see find_split
        self.X_rows = np.ascontiguousarray(X_T.T) if self.small_nodes_as_lists else None
        self.no_missing = np.zeros(n_features, dtype=np.intp)
        self.tree = Tree(n_features, n_classes)

    # --- one node -------------------------------------------------------------------
    def node_stats(self, sorted_samples, impurity, class_totals=None):
        """The node's class weights, total weight and impurity.

        ``class_totals`` may come from the parent (see :meth:`children_class_totals`);
        ``impurity`` is None at the root, else the one the parent's search computed.
        """
        if class_totals is not None:
            weighted_n = _exact_sum(class_totals)
        else:
            # a small node's list of samples, or any row of the sorted matrix
            samples = sorted_samples if sorted_samples.ndim == 1 else sorted_samples[0]
            if self.weight is None:
                class_totals = np.bincount(self.y[samples], minlength=self.n_classes)
                class_totals = class_totals.astype(np.float64)
                weighted_n = float(len(samples))
            else:
                weight = self.weight[samples]
                class_totals = np.bincount(
                    self.y[samples], weights=weight, minlength=self.n_classes
                )  # fmt: skip
                # added in sample order, as scikit-learn does (np.sum pairs the terms)
                weighted_n = float(np.cumsum(weight)[-1])
        if impurity is None:  # the root: nobody computed it yet
            impurity = CRITERIA[self.params.criterion](class_totals, weighted_n)
            if not self.integer_weights:
                impurity = zero_when_pure(impurity, class_totals, weighted_n)
            impurity = float(impurity)
        return NodeStats(
            self.y, self.weight, self.y_weights, class_totals, weighted_n,
            self.weighted_n_samples, impurity, self.integer_weights,
        )  # fmt: skip

    def children_class_totals(self, stats: NodeStats, split: Split):
        """The class weights of both children, without a pass over their samples.

        With integer weights every class weight is a whole number held exactly, so the
        right child's is the parent's minus the left child's. Otherwise (None, None): each
        child sums its own samples, as scikit-learn does, so the rounding agrees.
        """
        if not self.integer_weights:
            return None, None
        left = split.class_totals_left
        if left is None:  # the search did not keep them: one pass over the left samples
            weights = None if self.weight is None else self.weight[split.left]
            left = np.bincount(self.y[split.left], weights=weights, minlength=self.n_classes)
            left = left.astype(np.float64)
        return left, stats.class_totals - left

    def is_leaf_before_search(self, n_samples, depth, weighted_n_samples, impurity):
        p = self.params
        return (
            depth >= p.max_depth
            or n_samples < p.min_samples_split
            or n_samples < 2 * p.min_samples_leaf
            or weighted_n_samples < 2 * p.min_weight_leaf
            or impurity <= EPSILON
        )

    def add_leaf(self, parent, is_left, n_samples, impurity, class_totals):
        """Append a leaf known from its parent's split (no search, no NodeStats)."""
        weighted_n = _exact_sum(class_totals)
        return self.tree.append(
            parent, is_left, TREE_UNDEFINED, float(TREE_UNDEFINED), impurity, n_samples,
            weighted_n, 0, class_totals / weighted_n,
        )  # fmt: skip

    def is_leaf_child(self, n_samples, depth, impurity, class_totals):
        """Whether a child will be a leaf, known from its parent's split.

        False when its class weights are unknown (non-integer weights): it is then grown
        as any node, and found to be a leaf there.
        """
        if class_totals is None:
            return False
        weighted_n = _exact_sum(class_totals)
        return self.is_leaf_before_search(n_samples, depth, weighted_n, impurity)

    def find_split(self, sorted_samples, stats, n_known_constants) -> tuple[Split | None, int]:
        """The node's best allowed split (or None) and its count of constant features."""
        p = self.params
        m = sorted_samples.shape[-1]
        if sorted_samples.ndim == 1:
            # a small node, its samples in no particular order (never missing values)
            node_rows = self.X_rows.take(sorted_samples, axis=0)  # (m, n_features)
            # NOTE: reducing over the samples axis of (m, n_features) runs along whole
            # rows at once; the same reduction on (n_features, m) loops over short rows
            lowest, highest = node_rows.min(axis=0), node_rows.max(axis=0)
            n_missing = self.no_missing
            is_constant = highest <= lowest + FEATURE_THRESHOLD
        # Rows are sorted with missing values (NaN) last: a feature's minimum is its first
        # value and its maximum the last value before the NaNs.
        elif self.missing_features.size == 0:
            lowest = self.X_flat.take(self.row_start + sorted_samples[:, 0])
            n_missing = self.no_missing
            highest = self.X_flat.take(self.row_start + sorted_samples[:, -1])
            is_constant = highest <= lowest + FEATURE_THRESHOLD
        else:
            lowest = self.X_flat.take(self.row_start + sorted_samples[:, 0])
            n_missing = self._count_missing(sorted_samples)  # (n_features,)
            last_present = np.maximum(m - n_missing - 1, 0)
            highest = self.X_flat.take(
                self.row_start + sorted_samples[self.feature_ids, last_present]
            )
            # scikit-learn's rule: constant if all missing, or if the present values span
            # less than FEATURE_THRESHOLD and none is missing (else "missing vs present")
            is_constant = (n_missing == m) | (
                (highest <= lowest + FEATURE_THRESHOLD) & (n_missing == 0)
            )
        is_constant = is_constant.tolist()  # Python bools: fast lookups in the draw loop

        thresholds, missing_left = [], []
        on_visit = None
        if p.splitter == "random":
            random = self.sampler.random

            def on_visit(feature):
                # a uniform threshold in [min, max) of the feature's present values
                low, high = float(lowest[feature]), float(highest[feature])
                threshold = random.uniform(low, high)
                # with missing values, a coin says on which side they go
                missing_left.append(bool(random.randint(0, 2)) if n_missing[feature] else False)
                thresholds.append(low if threshold == high else threshold)

        visited, n_constants = self.sampler.draw(
            n_known_constants, p.max_features, is_constant, on_visit
        )
        if not visited:
            return None, n_constants
        # None: no feature of the training set has missing values (the common, fast case)
        visited_missing = n_missing[visited] if self.missing_features.size else None
        if sorted_samples.ndim == 1:
            # sort the candidate features of the small node (how ties are ordered does not
            # matter here: with integer weights every sum over a child is exact)
            values = node_rows.T[visited]  # (k, m), a copy
            order = values.argsort(axis=1)  # (k, m)
            values.sort(axis=1)  # in place: the same as values[order]
            samples = sorted_samples[order]  # (k, m)
        else:
            samples = sorted_samples[visited]  # (k, m)
            values = self.X_flat.take(self.row_start[visited][:, None] + samples)  # (k, m)
        if p.splitter == "random":
            split = random_split(
                values, samples, visited, thresholds, missing_left, visited_missing, stats,
                p.criterion, p.min_samples_leaf, p.min_weight_leaf,
            )  # fmt: skip
        else:
            split = best_split(
                values, samples, visited, visited_missing, stats, p.criterion,
                p.min_samples_leaf, p.min_weight_leaf,
            )  # fmt: skip
        return split, n_constants

    def _count_missing(self, sorted_samples):
        """Number of missing values of each feature in the node (NaNs sit at row ends)."""
        n_missing = np.zeros(len(self.feature_ids), dtype=np.intp)
        rows = sorted_samples[self.missing_features]  # (f, m) features that have NaNs
        values = self.X_flat.take(self.row_start[self.missing_features][:, None] + rows)
        n_missing[self.missing_features] = np.isnan(values).sum(axis=1)
        return n_missing

    def partition(self, sorted_samples, split: Split):
        """The children's sorted sample matrices: a stable partition of every row."""
        n_features = sorted_samples.shape[0]
        self.goes_left[split.left] = True
        goes_left = self.goes_left[sorted_samples].ravel()  # (n_features * m,)
        self.goes_left[split.left] = False
        flat = sorted_samples.ravel()
        # 1-D compress keeps the order; each row sends exactly n_left samples left
        left = np.compress(goes_left, flat).reshape(n_features, split.n_left)
        right = np.compress(~goes_left, flat).reshape(n_features, split.n_right)
        return left, right

    def children_samples(self, sorted_samples, split: Split, which="both"):
        """The children's samples: lists for small children, else sorted matrices.

        ``which="right"``: only the right child's.
        """
        n_largest = split.n_right if which == "right" else max(split.n_left, split.n_right)
        if self.small_nodes_as_lists and split.right is not None and n_largest <= LIST_NODE_SAMPLES:
            children = split.left, split.right
        else:
            children = self.partition(sorted_samples, split)
        return children[1] if which == "right" else children

    def grow_node(self, sorted_samples, depth, parent, is_left, impurity, n_known_constants,
                  class_totals=None):  # fmt: skip
        """Search a split for a node and add it.

        Returns (node_id, split or None, number of known constant features, NodeStats).
        """
        stats = self.node_stats(sorted_samples, impurity, class_totals)
        n_samples = sorted_samples.shape[-1]
        split, n_constants = None, n_known_constants
        if not self.is_leaf_before_search(
            n_samples, depth, stats.weighted_n_node_samples, stats.impurity
        ):
            split, n_constants = self.find_split(sorted_samples, stats, n_known_constants)
            if (
                split is not None
                and split.improvement + EPSILON < self.params.min_impurity_decrease
            ):
                split = None
        node_id = self.tree.add_node(
            parent, is_left, split is None, split, stats.impurity, n_samples,
            stats.weighted_n_node_samples, stats.class_totals / stats.weighted_n_node_samples,
        )  # fmt: skip
        return node_id, split, n_constants, stats

    # --- whole tree -----------------------------------------------------------------
    def build(self) -> Tree:
        # 0/0 at split positions that are masked out anyway (see _tree_fast_split)
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.params.max_leaf_nodes is None:
                self._build_depth_first()
            else:
                self._build_best_first()
        return self.tree.finish()

    def _build_depth_first(self):
        # (sorted_samples, depth, parent, is_left, impurity, n_known_constants, class_totals)
        stack = [(self.root_samples, 0, TREE_UNDEFINED, False, None, 0, None)]
        while stack:
            sorted_samples, depth, parent, is_left, impurity, n_known, totals = stack.pop()
            node_id, split, n_constants, stats = self.grow_node(
                sorted_samples, depth, parent, is_left, impurity, n_known, totals
            )
            if split is None:
                continue
            totals_left, totals_right = self.children_class_totals(stats, split)
            # A child that is a leaf anyway (pure, too small, too deep) is appended at
            # once, without a search or its samples, where depth-first order puts it:
            # the left child right after its parent, the right child after the left
            # child's subtree, i.e. now only if the left child is a leaf too.
            if self.is_leaf_child(split.n_left, depth + 1, split.impurity_left, totals_left):
                self.add_leaf(node_id, True, split.n_left, split.impurity_left, totals_left)
                if self.is_leaf_child(split.n_right, depth + 1, split.impurity_right, totals_right):
                    self.add_leaf(node_id, False, split.n_right, split.impurity_right, totals_right)
                    continue
                left, right = None, self.children_samples(sorted_samples, split, "right")
            else:
                left, right = self.children_samples(sorted_samples, split)
            # right pushed first so that the left child is grown first
            stack.append((right, depth + 1, node_id, False, split.impurity_right,
                          n_constants, totals_right))  # fmt: skip
            if left is not None:
                stack.append((left, depth + 1, node_id, True, split.impurity_left,
                              n_constants, totals_left))  # fmt: skip

    def _build_best_first(self):
        # Every node's split is searched when the node is created; the open node with the
        # largest impurity decrease is expanded next. Ties go to the older node.
        # NOTE: scikit-learn breaks ties through C++'s heap algorithm, so equal
        # improvements may be expanded in another order there.
        frontier = []
        counter = 0

        def open_node(sorted_samples, depth, parent, is_left, impurity):
            nonlocal counter
            # best-first growth forgets the parent's constant features (as scikit-learn)
            node_id, split, _, _ = self.grow_node(
                sorted_samples, depth, parent, is_left, impurity, 0
            )  # fmt: skip
            improvement = 0.0 if split is None else split.improvement
            heapq.heappush(frontier, (-improvement, counter, node_id, sorted_samples, depth, split))
            counter += 1

        open_node(self.root_samples, 0, TREE_UNDEFINED, False, None)
        max_split_nodes = self.params.max_leaf_nodes - 1
        while frontier:
            _, _, node_id, sorted_samples, depth, split = heapq.heappop(frontier)
            if split is None or max_split_nodes <= 0:
                self.tree.make_leaf(node_id)
                continue
            max_split_nodes -= 1
            left, right = self.partition(sorted_samples, split)
            open_node(left, depth + 1, node_id, True, split.impurity_left)
            open_node(right, depth + 1, node_id, False, split.impurity_right)
