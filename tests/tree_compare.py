"""Compare two trees grown with non-integer weights, where exact ties may break either way.

With non-integer sample weights, glassbox and scikit-learn add the same weights in
different orders, so two splits that tie exactly in real arithmetic can differ in the
last bit and be chosen differently. The comparison walks both trees from the root:
every node pair must hold the same weight and class fractions (to 1e-12); where both
split, the weighted impurity decreases must be equal (to 1e-12), and if the chosen
(feature, threshold) differ that equality is the proof of a tie, below which the trees
are no longer comparable. scikit-learn may also split a pure node whose Gini rounds to a
few 1e-16 above its EPSILON; glassbox computes a pure node's impurity as exactly 0 and
keeps it a leaf, which the walk accepts.

With ``max_features`` below the number of features, each node scikit-learn grows draws
from the tree's random stream, so after such an extra split (or a tie broken the other
way) the later nodes see other candidate features: ``random_features=True`` then stops
the walk at the first divergence, nodes being visited in scikit-learn's build order.
"""

import heapq

import numpy as np

TOL = 1e-12


def _decrease(tree, node):
    """``N_t * impurity - N_L * impurity_L - N_R * impurity_R`` over the root's weight."""
    left, right = tree.children_left[node], tree.children_right[node]
    w = tree.weighted_n_node_samples
    return (w[node] * tree.impurity[node] - w[left] * tree.impurity[left]
            - w[right] * tree.impurity[right]) / w[0]


def assert_same_tree_up_to_ties(ours, theirs, random_features=False):
    """Walk both trees; return (nodes compared, ties met). Fails on any other difference."""
    a, b = ours.tree_, theirs.tree_
    heap, compared, ties = [(0, 0)], 0, 0  # (their node id = build order, our node id)
    while heap:
        j, i = heapq.heappop(heap)
        compared += 1
        np.testing.assert_allclose(a.weighted_n_node_samples[i], b.weighted_n_node_samples[j],
                                   rtol=TOL, err_msg=f"node {i}/{j} weight")
        np.testing.assert_allclose(a.value[i], b.value[j], rtol=0, atol=TOL,
                                   err_msg=f"node {i}/{j} class fractions")
        assert abs(a.impurity[i] - b.impurity[j]) <= TOL, f"node {i}/{j} impurity"
        leaf_a, leaf_b = a.children_left[i] == -1, b.children_left[j] == -1
        if leaf_a and leaf_b:
            continue
        if leaf_a and not leaf_b:
            assert b.value[j].max() >= 1.0 - TOL, f"node {i}/{j}: only theirs splits, not pure"
            assert a.impurity[i] == 0.0
            if random_features:
                break
            continue
        assert not leaf_b, f"node {i}/{j}: only ours splits"
        assert abs(_decrease(a, i) - _decrease(b, j)) <= TOL, f"node {i}/{j} decrease"
        if (a.feature[i], a.threshold[i]) != (b.feature[j], b.threshold[j]):
            ties += 1  # an exact tie broken the other way: equal decrease asserted above
            if random_features:
                break
            continue
        heapq.heappush(heap, (b.children_left[j], a.children_left[i]))
        heapq.heappush(heap, (b.children_right[j], a.children_right[i]))
    return compared, ties
