"""Minimal cost-complexity pruning (Breiman et al., CART), as scikit-learn's ``ccp_alpha``.

The cost of a subtree ``T`` is ``R_alpha(T) = R(T) + alpha * |leaves(T)|`` with ``R`` the
weighted impurity of the leaves, ``R(t) = N_t / N * impurity(t)``. Collapsing the branch
under node ``t`` into a leaf pays off once alpha exceeds its *effective alpha*

    g(t) = (R(t) - R(T_t)) / (|leaves(T_t)| - 1).

Pruning repeatedly collapses the weakest link (smallest ``g``) while ``g <= ccp_alpha``.
The loop runs over pruning steps (at most the number of nodes); each step is array work.
"""

from __future__ import annotations

import numpy as np

from glassbox.learn._tree_arrays import TREE_LEAF, TREE_UNDEFINED, Tree


def _parents(tree: Tree) -> np.ndarray:
    parent = np.full(tree.node_count, TREE_UNDEFINED, dtype=np.intp)
    split_nodes = np.flatnonzero(tree.children_left != TREE_LEAF)
    parent[tree.children_left[split_nodes]] = split_nodes
    parent[tree.children_right[split_nodes]] = split_nodes
    return parent


def _weakest_links(tree: Tree, ccp_alpha: float):
    """Run the pruning loop; return (leaf mask of the kept subtree, alphas, impurities)."""
    n_nodes = tree.node_count
    parent = _parents(tree)
    r_node = tree.weighted_n_node_samples * tree.impurity / tree.weighted_n_node_samples[0]
    is_leaf = tree.children_left == TREE_LEAF
    # R(T_t) and |leaves(T_t)| for every node: each leaf adds itself to all its ancestors
    r_branch = np.where(is_leaf, r_node, 0.0)
    n_leaves = np.zeros(n_nodes, dtype=np.intp)
    for leaf in np.flatnonzero(is_leaf):
        node = parent[leaf]
        while node != TREE_UNDEFINED:
            r_branch[node] += r_node[leaf]
            n_leaves[node] += 1
            node = parent[node]

    leaves = is_leaf.copy()
    in_subtree = np.ones(n_nodes, dtype=bool)
    candidate = ~is_leaf
    alphas, impurities = [0.0], [r_branch[0]]
    while candidate[0]:
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.where(candidate, (r_node - r_branch) / (n_leaves - 1), np.inf)
        weakest = int(np.argmin(g))  # first smallest, as scikit-learn's strict "<"
        effective_alpha = g[weakest]
        if ccp_alpha < effective_alpha:
            break
        # collapse the branch: its descendants leave the subtree, it becomes a leaf
        stack = [weakest]
        while stack:
            node = stack.pop()
            if not in_subtree[node]:
                continue
            candidate[node] = leaves[node] = in_subtree[node] = False
            if tree.children_left[node] != TREE_LEAF:
                stack += [tree.children_left[node], tree.children_right[node]]
        leaves[weakest] = in_subtree[weakest] = True
        n_pruned = n_leaves[weakest] - 1
        r_diff = r_node[weakest] - r_branch[weakest]
        n_leaves[weakest] = 0
        r_branch[weakest] = r_node[weakest]
        node = parent[weakest]
        while node != TREE_UNDEFINED:
            n_leaves[node] -= n_pruned
            r_branch[node] += r_diff
            node = parent[node]
        alphas.append(effective_alpha)
        impurities.append(r_branch[0])
    return leaves, np.array(alphas), np.array(impurities)


def prune(tree: Tree, ccp_alpha: float) -> Tree:
    """A copy of ``tree`` pruned at complexity ``ccp_alpha`` (nodes renumbered depth-first)."""
    leaves, _, _ = _weakest_links(tree, ccp_alpha)
    pruned = Tree(tree.n_features, int(tree.n_classes[0]))
    stack = [(0, TREE_UNDEFINED, False)]
    while stack:
        node, parent, is_left = stack.pop()
        leaf = bool(leaves[node])
        node_id = pruned.append(
            parent, is_left,
            TREE_UNDEFINED if leaf else int(tree.feature[node]),
            float(TREE_UNDEFINED) if leaf else float(tree.threshold[node]),
            float(tree.impurity[node]), int(tree.n_node_samples[node]),
            float(tree.weighted_n_node_samples[node]),
            0 if leaf else int(tree.missing_go_to_left[node]),
            tree.value[node, 0],
        )  # fmt: skip
        if not leaf:
            stack.append((tree.children_right[node], node_id, False))
            stack.append((tree.children_left[node], node_id, True))
    return pruned.finish()


def cost_complexity_path(tree: Tree):
    """Every effective alpha of the pruning sequence and the leaf impurity after it."""
    _, alphas, impurities = _weakest_links(tree, np.inf)
    return alphas, impurities
