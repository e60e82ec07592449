"""A fitted tree as flat arrays: scikit-learn's ``tree_``, and how it predicts.

Node ``i`` is a leaf when ``children_left[i] == -1``; otherwise a sample goes to
``children_left[i]`` if ``x[feature[i]] <= threshold[i]`` and to ``children_right[i]``
otherwise. ``value[i, 0]`` holds the (weighted) class fractions of the training samples
that reached node ``i``. (The nested dicts of :func:`glassbox.learn.tree.grow_tree` hold
the same tree as the course draws it.)
"""

from __future__ import annotations

import numpy as np

TREE_LEAF = -1  # children_left / children_right of a leaf
TREE_UNDEFINED = -2  # feature / threshold of a leaf

# The per-node arrays of a tree and their dtypes (scikit-learn's names).
_NODE_FIELDS = {
    "children_left": np.intp,
    "children_right": np.intp,
    "feature": np.intp,
    "threshold": np.float64,
    "impurity": np.float64,
    "n_node_samples": np.intp,
    "weighted_n_node_samples": np.float64,
    "missing_go_to_left": np.uint8,
}


class Tree:
    """The arrays of a fitted decision tree, named as scikit-learn's ``tree_``.

    Attributes
    ----------
    node_count : int
    n_features : int
    n_classes : ndarray of shape (1,), int
    n_outputs : int
        Always 1 here.
    max_depth : int
        Depth of the deepest leaf (the root has depth 0).
    n_leaves : int
    children_left, children_right : ndarray of shape (node_count,), int
    feature : ndarray of shape (node_count,), int
    threshold : ndarray of shape (node_count,), float64
    value : ndarray of shape (node_count, 1, n_classes), float64
        Weighted class fractions of the node's training samples.
    impurity : ndarray of shape (node_count,), float64
    n_node_samples : ndarray of shape (node_count,), int
    weighted_n_node_samples : ndarray of shape (node_count,), float64
    missing_go_to_left : ndarray of shape (node_count,), uint8
        Whether a missing value (NaN) goes left: the side chosen by the split search when
        the node's training samples had missing values, else the child with more samples.
    """

    def __init__(self, n_features: int, n_classes: int):
        self.n_features = n_features
        self.n_classes = np.array([n_classes], dtype=np.intp)
        self.n_outputs = 1
        self.max_n_classes = n_classes
        # One Python list per node field while growing. NOTE: lists of numbers, not one
        # list per node: numbers are not tracked by Python's garbage collector, so growing
        # a forest does not trigger full collections.
        self._columns = {name: [] for name in _NODE_FIELDS}
        self._values: list[np.ndarray] = []

    # --- building -------------------------------------------------------------------
    def append(self, parent, is_left, feature, threshold, impurity, n_samples, weight,
               go_left, value):  # fmt: skip
        """Append a node with the given fields, link it to its parent, return its id."""
        columns = self._columns
        node_id = len(self._values)
        # one line per field (in _NODE_FIELDS order): this runs once per node
        columns["children_left"].append(TREE_LEAF)
        columns["children_right"].append(TREE_LEAF)
        columns["feature"].append(feature)
        columns["threshold"].append(threshold)
        columns["impurity"].append(impurity)
        columns["n_node_samples"].append(n_samples)
        columns["weighted_n_node_samples"].append(weight)
        columns["missing_go_to_left"].append(go_left)
        self._values.append(value)
        if parent != TREE_UNDEFINED:
            columns["children_left" if is_left else "children_right"][parent] = node_id
        return node_id

    def add_node(self, parent, is_left, is_leaf, split, impurity, n_samples, weight, value):
        """Append a leaf (``is_leaf``) or a split node described by ``split``."""
        if is_leaf or split is None:
            feature, threshold, go_left = TREE_UNDEFINED, float(TREE_UNDEFINED), 0
        else:
            feature, threshold = split.feature, split.threshold
            go_left = int(split.missing_go_to_left)
        return self.append(
            parent, is_left, feature, threshold, impurity, n_samples, weight, go_left, value
        )

    def make_leaf(self, node_id):
        """Turn a node whose split was planned (best-first growth) back into a leaf."""
        columns = self._columns
        columns["children_left"][node_id] = columns["children_right"][node_id] = TREE_LEAF
        columns["feature"][node_id] = TREE_UNDEFINED
        columns["threshold"][node_id] = float(TREE_UNDEFINED)
        # NOTE: missing_go_to_left is kept, as scikit-learn does (a leaf never reads it)

    def finish(self):
        """Freeze the node lists into the public arrays."""
        self.node_count = len(self._values)
        for name, dtype in _NODE_FIELDS.items():
            setattr(self, name, np.array(self._columns[name], dtype=dtype))
        self.value = np.stack(self._values)[:, None, :]  # (node_count, 1, n_classes)
        self.n_leaves = int(np.sum(self.children_left == TREE_LEAF))
        self.max_depth = int(self._depths().max())
        del self._columns, self._values
        return self

    def _depths(self):
        """Depth of every node, one tree level per step (parents have smaller ids)."""
        depth = np.zeros(self.node_count, dtype=np.intp)
        level = np.array([0])
        while level.size:
            children = np.concatenate(
                [self.children_left[level], self.children_right[level]]
            )  # fmt: skip
            level_depth = np.concatenate([depth[level], depth[level]]) + 1
            keep = children != TREE_LEAF
            depth[children[keep]] = level_depth[keep]
            level = children[keep]
        return depth

    # --- using ----------------------------------------------------------------------
    def apply(self, X):
        """Leaf id reached by each row of ``X`` (n_samples, n_features) -> (n_samples,).

        All samples descend together, one tree level per step: the loop runs over the
        depth of the tree, never over samples.
        """
        node = np.zeros(X.shape[0], dtype=np.intp)
        rows = np.arange(X.shape[0])
        active = self.children_left[node] != TREE_LEAF
        while np.any(active):
            at = node[active]
            x = X[rows[active], self.feature[at]]
            # float32 value compared with float64 threshold in float64, as scikit-learn;
            # a missing value goes where missing_go_to_left says
            goes_left = np.where(
                np.isnan(x), self.missing_go_to_left[at] == 1, x <= self.threshold[at]
            )
            node[active] = np.where(goes_left, self.children_left[at], self.children_right[at])
            active = self.children_left[node] != TREE_LEAF
        return node

    def decision_path(self, X):
        """Sparse indicator (n_samples, node_count): 1 where a sample passes a node."""
        from scipy.sparse import csr_matrix

        node = np.zeros(X.shape[0], dtype=np.intp)
        rows = np.arange(X.shape[0])
        visited_rows, visited_nodes = [rows], [node]
        active = self.children_left[node] != TREE_LEAF
        while np.any(active):
            at = node[active]
            x = X[rows[active], self.feature[at]]
            goes_left = np.where(
                np.isnan(x), self.missing_go_to_left[at] == 1, x <= self.threshold[at]
            )
            node = node.copy()
            node[active] = np.where(goes_left, self.children_left[at], self.children_right[at])
            visited_rows.append(rows[active])
            visited_nodes.append(node[active])
            active = self.children_left[node] != TREE_LEAF
        rows_all, nodes_all = np.concatenate(visited_rows), np.concatenate(visited_nodes)
        # CSR with int64 indices, as scikit-learn returns: row i's nodes, in node order
        order = np.lexsort((nodes_all, rows_all))
        indptr = np.zeros(X.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows_all, minlength=X.shape[0]), out=indptr[1:])
        indicator = csr_matrix(
            (np.ones(len(rows_all), dtype=np.int64), nodes_all[order].astype(np.int64), indptr),
            shape=(X.shape[0], self.node_count),
        )
        # scipy shrinks small indices to int32 on construction; put the int64 back
        indicator.indices = nodes_all[order].astype(np.int64)
        indicator.indptr = indptr
        return indicator

    def predict(self, X):
        """Class fractions of the leaf of each row: (n_samples, 1, n_classes)."""
        return self.value[self.apply(X)]

    def compute_feature_importances(self, normalize=True):
        """Total weighted impurity decrease brought by each feature (MDI importance).

        For every split node ``t`` on feature ``f``:
        ``importance[f] += N_t * impurity_t - N_left * impurity_left - N_right *
        impurity_right``, divided by the root weight and (if ``normalize``) by the sum.
        """
        importances = np.zeros(self.n_features)
        weighted_impurity = self.weighted_n_node_samples * self.impurity
        for node in np.flatnonzero(self.children_left != TREE_LEAF):
            left, right = self.children_left[node], self.children_right[node]
            importances[self.feature[node]] += (
                weighted_impurity[node] - weighted_impurity[left] - weighted_impurity[right]
            )
        importances /= self.weighted_n_node_samples[0]
        if normalize:
            total = np.sum(importances)
            if total > 0.0:
                importances /= total
        return importances
