"""The fast split search of a tree node: every threshold of many features at once.

The taught version is :func:`glassbox.learn.tree.cart_best_split` (one feature at a time,
Gini only); this one gives the same split (tested equal on Hypothesis data, ties
included) for Gini and entropy, sample weights and missing values.

A node holds ``m`` training samples. A split sends the samples with ``x[feature] <=
threshold`` to the left child and the rest to the right. The best split maximises the
impurity decrease

    N_t / N * (impurity - N_R / N_t * impurity_right - N_L / N_t * impurity_left)

where ``N`` counts (weighted) samples in the whole tree, ``N_t`` in the node and ``N_L``,
``N_R`` in the children. Only the last two terms depend on the split, so the search ranks
splits by the *proxy* ``-N_R * impurity_right - N_L * impurity_left``, as scikit-learn does.

The trick that makes the search fast without a loop over samples: with the node's samples
sorted by a feature (the builder keeps every feature presorted, see ``_tree_fast_build``), the
class counts of the left child for *every* split position are running sums (``np.cumsum``)
in that order, and the right child's counts are the node total minus those. The impurity
of every candidate split is then one array expression, for all candidate features at once.
For Gini, :func:`_gini_children` even avoids one running sum per class.

Empty children (weight 0) give 0/0 at positions that are masked out afterwards; the
builder runs the whole search under ``np.errstate(divide="ignore", invalid="ignore")``
(entered once per tree rather than once per node).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# scikit-learn treats two feature values closer than this as equal: no threshold is placed
# between them and a feature whose values span less than this in a node is "constant".
# NOTE: float32, like scikit-learn's constant, so that ``float32_array + threshold`` is
# rounded to float32 exactly as in its C code (1e-7 is about one float32 step at 1.0).
FEATURE_THRESHOLD = np.float32(1e-7)

# A node whose impurity is below this is pure: it becomes a leaf.
EPSILON = np.finfo(np.float64).eps

# Largest number of float64 numbers the cumulative class counts of one block of candidate
# features may hold (C classes x k features x m samples): 32 MiB. Bigger searches are cut
# into blocks of features so memory stays bounded on wide data (MNIST: 784 features).
_MAX_BLOCK_NUMBERS = 1 << 22

_LN_2 = np.log(2.0)

# Small nodes (most nodes of a deep tree hold a few dozen samples) pay for the number of
# NumPy calls, not for arithmetic. There, :func:`_best_in_small_block` gets the class
# weights of both children at every position from one matrix product (about 15 calls
# instead of about 40). That product costs 2 * C' * k * m * m multiply-adds (C' classes
# present in the node), so it is used for nodes of at most _SMALL_NODE_SAMPLES samples and
# while C' * k * m * m stays below _SMALL_NODE_WORK. NOTE: that bound also keeps the
# product under OpenBLAS's threshold for starting threads (2**18 multiply-adds): a
# threaded product per node was 50 % slower on 2 busy cores.
_SMALL_NODE_SAMPLES = 128
_SMALL_NODE_WORK = 1 << 17


def gini(class_weights, weight_sum):
    """Gini index ``1 - sum_k p_k**2`` with ``p_k = class_weights[k] / weight_sum``.

    Parameters
    ----------
    class_weights : sequence of C arrays (or floats) of the same shape
        Weighted count of each class, one array per class.
    weight_sum : array or float of that shape
        Total weight (the sum of ``class_weights`` over classes).

    Returns
    -------
    ndarray or float
        The impurity, elementwise.
    """
    # NOTE: summed class by class in class order, exactly as scikit-learn's Gini, so that
    # two splits with equal counts get bit-identical impurities (ties break the same way).
    # NOTE: np.cumsum adds in sequence (its last row is the sum in class order); np.sum
    # may pair the terms differently and round differently.
    if np.ndim(class_weights) >= 2 and len(class_weights) > 4:
        square_sum = np.cumsum(class_weights * class_weights, axis=0)[-1]
    else:
        # with few classes, the same sequence of additions in 2 C operations on arrays
        # of one class each is cheaper than squaring and cumulating the whole stack
        square_sum = 0.0
        for count in class_weights:
            square_sum = square_sum + count * count
    return 1.0 - square_sum / (weight_sum * weight_sum)


def entropy(class_weights, weight_sum):
    """Shannon entropy ``-sum_k p_k log2 p_k`` (terms with ``p_k = 0`` count as 0).

    Parameters and return value as for :func:`gini`. ``log_loss`` is the same criterion.
    """
    if np.ndim(class_weights) >= 2:
        # all classes at once; -(t_0 + t_1 + ...) equals scikit-learn's 0 - t_0 - t_1 - ...
        fraction = class_weights / weight_sum
        terms = np.where(class_weights > 0.0, fraction * (np.log(fraction) / _LN_2), 0.0)
        # 0 - sum (not -sum): a pure node gets +0.0, as scikit-learn's, not -0.0
        return 0.0 - np.cumsum(terms, axis=0)[-1]  # in class order, see gini
    result = 0.0
    for count in class_weights:
        fraction = count / weight_sum
        # scikit-learn's log is log2(x) = ln(x) / ln(2); log(0) is computed, then dropped
        term = np.where(count > 0.0, fraction * (np.log(fraction) / _LN_2), 0.0)
        result = result - term
    return result


CRITERIA = {"gini": gini, "entropy": entropy, "log_loss": entropy}

# A class holding less than this share of a node's weight counts as absent in
# :func:`zero_when_pure`.
_PURE_TOLERANCE = 1e-12


def zero_when_pure(impurity, class_weights, weight_sum):
    """``impurity``, but exactly 0 where one class holds all the weight.

    With non-integer sample weights a pure node's class weight and its total weight are
    sums of the same numbers added in different orders (or differences of two sums), so
    ``1 - (w_c / W)**2`` comes out a few 1e-16 either side of 0; above ``EPSILON`` the node
    would be split although all its samples share one class. Whole-number weights are
    exact and never need this.
    """
    largest = np.max(class_weights, axis=0)
    return np.where(largest >= weight_sum * (1.0 - _PURE_TOLERANCE), 0.0, impurity)


@dataclass
class Split:
    """The best split found for a node.

    ``left`` holds the (global) indices of the samples sent to the left child, ``right``
    those sent right (None where the search did not list them);
    ``improvement`` is the weighted impurity decrease defined in the module docstring;
    ``missing_go_to_left`` where a missing value goes (when the node had none in training:
    to the child with more samples, as scikit-learn). ``class_totals_left`` (C,) is the
    left child's weight of each class when the search computed it (else None).
    """

    feature: int
    threshold: float
    left: np.ndarray
    n_left: int
    n_right: int
    impurity_left: float
    impurity_right: float
    improvement: float
    missing_go_to_left: bool
    class_totals_left: np.ndarray | None = None
    right: np.ndarray | None = None


@dataclass
class NodeStats:
    """What the split search needs to know about a node.

    ``y`` (n,) small unsigned ints: class index of every training sample; ``weight`` (n,)
    the sample weights, or None when they are all 1 (then a left child of ``p`` samples
    weighs exactly ``p``); ``y_weights`` (C, n): weight if the sample is of class ``k``,
    else 0 (used by the entropy). These three cover the whole training set; a node
    picks its samples out of them. ``class_totals`` (C,) is the node's weight of samples
    of each class. ``integer_weights`` says whether
    all weights are whole numbers (then Gini sums are exact, see :func:`_gini_children`).
    """

    y: np.ndarray
    weight: np.ndarray | None
    y_weights: np.ndarray
    class_totals: np.ndarray
    weighted_n_node_samples: float
    weighted_n_samples: float
    impurity: float
    integer_weights: bool


def _improvement(node: NodeStats, weight_left, weight_right, impurity_left, impurity_right):
    # N_t / N * (impurity - N_R / N_t * impurity_R - N_L / N_t * impurity_L), term by term
    # in scikit-learn's order so the value (compared with min_impurity_decrease) agrees.
    n_t = node.weighted_n_node_samples
    return (n_t / node.weighted_n_samples) * (
        node.impurity - (weight_right / n_t * impurity_right) - (weight_left / n_t * impurity_left)
    )


def best_split(
    values: np.ndarray,
    samples: np.ndarray,
    features: list[int],
    n_missing: np.ndarray,
    node: NodeStats,
    criterion: str,
    min_samples_leaf: int,
    min_weight_leaf: float,
) -> Split | None:
    """Search every threshold of every candidate feature at once; return the best split.

    Parameters
    ----------
    values : ndarray of shape (k, m), float32
        Row ``j``: the node's values of feature ``features[j]``, sorted increasingly,
        missing values (NaN) last.
    samples : ndarray of shape (k, m), int
        Row ``j``: the node's sample indices in that sorted order.
    features : list of k int
        Candidate features, in the order they were drawn.
    n_missing : ndarray of shape (k,), int, or None
        Number of missing values of each candidate feature in the node (None: none).
    node : NodeStats
    criterion : {"gini", "entropy", "log_loss"}
    min_samples_leaf, min_weight_leaf : int, float
        Splits leaving fewer samples (or less weight) in a child are not allowed.

    Returns
    -------
    Split or None
        None when no allowed split exists. Among equally good splits the first feature in
        drawing order, then the smallest threshold, wins (scikit-learn's ``>`` rule).
    """
    k, m = values.shape
    if n_missing is not None and np.any(n_missing):
        return _best_split_with_missing(
            values, samples, features, n_missing, node, criterion, min_samples_leaf,
            min_weight_leaf,
        )  # fmt: skip
    # A split "at position p" sends the first p sorted samples left; min_samples_leaf
    # restricts p to [lowest, highest].
    lowest, highest = min_samples_leaf, m - min_samples_leaf
    if lowest > highest:
        return None

    # Cut wide searches into blocks of features so the (classes x k x m) arrays of the
    # entropy stay within _MAX_BLOCK_NUMBERS.
    per_feature = m * (node.y_weights.shape[0] if criterion != "gini" else 4)
    block = max(1, _MAX_BLOCK_NUMBERS // per_feature)
    if block >= k:  # one block (the common case): no slicing, no bookkeeping
        found = _best_in_block(values, samples, node, criterion, lowest, highest, min_weight_leaf)
        best = None if found is None else found[1:]  # without the proxy
    else:
        best_proxy, best = -np.inf, None
        for start in range(0, k, block):
            rows = slice(start, min(k, start + block))
            found = _best_in_block(
                values[rows], samples[rows], node, criterion, lowest, highest, min_weight_leaf
            )
            # strictly greater: on a tie the earlier feature stays, as in scikit-learn
            if found is not None and found[0] > best_proxy:
                best_proxy, best = found[0], (start + found[1],) + found[2:]
    if best is None:
        return None

    row, p, weight_left, impurity_left, impurity_right, class_totals_left = best
    # Threshold halfway between the two neighbouring distinct values, computed in float64
    # from the float32 values as scikit-learn does (halves first, so no overflow to inf).
    # NOTE: .item() gives the float32 value as a Python float (a float64, exactly), and
    # arithmetic on Python floats is float64 arithmetic: the same numbers, fewer calls.
    threshold = values.item(row, p - 1) / 2.0 + values.item(row, p) / 2.0
    impurity_left, impurity_right = float(impurity_left), float(impurity_right)
    weight_right = node.weighted_n_node_samples - weight_left
    improvement = _improvement(node, weight_left, weight_right, impurity_left, impurity_right)
    return Split(
        feature=features[row],
        threshold=threshold,
        left=samples[row, :p],
        n_left=p,
        n_right=m - p,
        impurity_left=impurity_left,
        impurity_right=impurity_right,
        improvement=float(improvement),
        missing_go_to_left=p > m - p,
        class_totals_left=class_totals_left,
        right=samples[row, p:],
    )


def _best_split_with_missing(
    values, samples, features, n_missing, node: NodeStats, criterion, min_samples_leaf,
    min_weight_leaf,
):  # fmt: skip
    """:func:`best_split` when some candidate feature has missing values (NaN) in the node.

    As scikit-learn, two searches per feature: (1) missing values go right, including
    the split "all present values left, all missing right" (threshold +inf); (2) missing
    values go left, together with the smallest present values. Per-class running sums
    (as for the entropy) make both searches one array expression each; candidates are
    ranked feature by feature, search (1) before (2), smaller threshold first.
    """
    impurity_of = CRITERIA[criterion]
    k, m = values.shape
    n_present = m - n_missing  # (k,)
    # left class weights after the first p sorted samples, p = 1 .. m-1 (NaNs are last)
    left_counts = np.cumsum(node.y_weights[:, samples], axis=2)  # (C, k, m)
    weight = np.ones((k, m)) if node.weight is None else node.weight[samples]
    cumulative_weight = np.cumsum(weight, axis=1)  # (k, m)
    rows = np.arange(k)
    # the missing samples' class weights and weight: totals minus the present prefix
    present_counts = np.where(
        n_present > 0, left_counts[:, rows, np.maximum(n_present - 1, 0)], 0.0
    )  # (C, k)
    missing_counts = node.class_totals[:, None] - present_counts  # (C, k)
    present_weight = np.where(n_present > 0, cumulative_weight[rows, n_present - 1], 0.0)
    missing_weight = node.weighted_n_node_samples - present_weight  # (k,)

    p = np.arange(1, m)[None, :]  # (1, m-1) number of present samples sent left
    # between two distinct present values (NaN comparisons are False)
    between = (p < n_present[:, None]) & (
        values[:, 1:] > values[:, :-1] + FEATURE_THRESHOLD
    )  # (k, m-1)
    only_missing_right = (p == n_present[:, None]) & (n_missing[:, None] > 0)
    n_left = np.stack([np.broadcast_to(p, (k, m - 1)), p + n_missing[:, None]])  # (2, k, m-1)
    allowed = np.stack([between | only_missing_right, between])
    allowed &= (n_left >= min_samples_leaf) & (m - n_left >= min_samples_leaf)

    left_first = left_counts[:, :, :-1]  # (C, k, m-1)
    left = np.stack([left_first, left_first + missing_counts[:, :, None]], axis=1)  # (C,2,k,m-1)
    weight_left = np.stack(
        [cumulative_weight[:, :-1], cumulative_weight[:, :-1] + missing_weight[:, None]]
    )  # (2, k, m-1)
    weight_right = node.weighted_n_node_samples - weight_left
    right = node.class_totals[:, None, None, None] - left
    allowed &= (weight_left >= min_weight_leaf) & (weight_right >= min_weight_leaf)
    impurity_left = impurity_of(left, weight_left)  # (2, k, m-1)
    impurity_right = impurity_of(right, weight_right)
    if not node.integer_weights:
        impurity_left = zero_when_pure(impurity_left, left, weight_left)
        impurity_right = zero_when_pure(impurity_right, right, weight_right)
    proxy = np.where(
        allowed, -weight_right * impurity_right - weight_left * impurity_left, -np.inf
    )  # (2, k, m-1)
    # rank feature by feature, then search (1) before (2), then position
    order = proxy.transpose(1, 0, 2).reshape(k, -1)  # (k, 2 (m-1))
    flat = int(np.argmax(order))
    row, rest = divmod(flat, 2 * (m - 1))
    search, column = divmod(rest, m - 1)
    if not np.isfinite(order[row, rest]):
        return None
    n_sorted_left = column + 1  # present samples sent left
    if search == 0 and n_sorted_left == n_present[row]:
        threshold = np.inf  # every present value goes left: nan <= inf is False
    else:
        threshold = float(
            np.float64(values[row, column]) / 2.0 + np.float64(values[row, column + 1]) / 2.0
        )
    if search == 0:
        left_samples = samples[row, :n_sorted_left]
    else:
        left_samples = np.concatenate(
            [samples[row, :n_sorted_left], samples[row, n_present[row] :]]
        )
    w_left = float(weight_left[search, row, column])
    improvement = _improvement(
        node, w_left, node.weighted_n_node_samples - w_left,
        impurity_left[search, row, column], impurity_right[search, row, column],
    )  # fmt: skip
    count_left = int(n_left[search, row, column])
    return Split(
        feature=features[row],
        threshold=float(threshold),
        left=left_samples,
        n_left=count_left,
        n_right=m - count_left,
        impurity_left=float(impurity_left[search, row, column]),
        impurity_right=float(impurity_right[search, row, column]),
        improvement=float(improvement),
        # a feature without missing values here sends them to the bigger child
        missing_go_to_left=bool(search == 1) if n_missing[row] else count_left > m - count_left,
    )


def _best_in_block(values, samples, node: NodeStats, criterion, lowest, highest, min_weight_leaf):
    """Best split among one block of presorted features; see :func:`best_split`."""
    # Candidate positions p = lowest..highest; column j of the (k, P) arrays is p = lowest+j.
    # A threshold fits between sorted positions p-1 and p only where the value increases.
    before = values[:, lowest - 1 : highest]  # (k, P) value at p - 1
    after = values[:, lowest : highest + 1]  # (k, P) value at p
    allowed = after > before + FEATURE_THRESHOLD  # in float32, see FEATURE_THRESHOLD

    k, m = samples.shape
    n_classes = len(node.class_totals)
    if criterion == "gini" and node.integer_weights and m <= _SMALL_NODE_SAMPLES:
        # only the classes present in the node can change a sum (deep nodes hold few)
        present = np.flatnonzero(node.class_totals)
        if len(present) * k * m * m <= _SMALL_NODE_WORK:
            return _best_in_small_block(
                samples, node, present, lowest, highest, min_weight_leaf, allowed
            )

    if node.weight is None:
        weight = None
        # unit weights: the left child at position p weighs exactly p
        weight_left = np.arange(lowest, highest + 1, dtype=np.float64)[None, :]  # (1, P)
    else:
        weight = node.weight[samples]  # (k, m) in sorted order
        weight_left = np.cumsum(weight, axis=1)[:, lowest - 1 : highest]  # (k, P)
    weight_right = node.weighted_n_node_samples - weight_left
    # with few classes the per-class sums take fewer operations than the trick
    if criterion == "gini" and node.integer_weights and n_classes > 4:
        impurity_left, impurity_right = _gini_children(
            samples, weight, node, lowest, highest, weight_left, weight_right
        )
    else:
        impurity_left, impurity_right = _children_by_class(
            CRITERIA[criterion], samples, node, lowest, highest, weight_left, weight_right
        )
    if min_weight_leaf > 0.0:
        allowed &= (weight_left >= min_weight_leaf) & (weight_right >= min_weight_leaf)
    proxy = -weight_right * impurity_right - weight_left * impurity_left
    proxy = np.where(allowed, proxy, -np.inf)

    # argmax returns the first maximum: lowest feature row, then smallest threshold.
    row, column = divmod(int(proxy.argmax()), proxy.shape[1])
    best_proxy = proxy.item(row, column)
    if not math.isfinite(best_proxy):
        return None
    weight_left_best = weight_left.item(0 if node.weight is None else row, column)
    return (
        best_proxy,
        row,
        lowest + column,
        weight_left_best,
        impurity_left.item(row, column),
        impurity_right.item(row, column),
        None,  # the left child's class weights: not at hand here
    )


def _gini_children(samples, weight, node: NodeStats, lowest, highest, weight_left, weight_right):
    """Gini impurity of both children at every position, in O(k m) whatever the classes.

    Gini needs ``S_L = sum_c L_c**2`` with ``L_c`` the left weight of class ``c``. Moving a
    sample of class ``c`` and weight ``w`` to the left raises it by
    ``(L_c + w)**2 - L_c**2 = w * (2 L_c + w)``, so ``S_L`` at every position is one
    cumulative sum, once each sample knows ``L_c`` just before it (``running`` below).
    On the right, ``sum_c (T_c - L_c)**2 = sum_c T_c**2 - 2 sum_c T_c L_c + S_L`` where
    ``sum_c T_c L_c`` is also one cumulative sum. With integer weights every number is an
    integer held exactly in float64, so the impurities equal scikit-learn's to the bit.
    """
    k, m = samples.shape
    classes = node.y[samples]  # (k, m) class of each sample in sorted order
    class_counts = np.bincount(classes[0], minlength=len(node.class_totals))  # (C,)
    # Group each row's samples by class with a stable sort (a radix sort on small ints):
    # inside a group they stay in sorted-value order. Every row has the same class counts,
    # so the groups start at the same columns in every row.
    by_class = np.argsort(classes, axis=1, kind="stable")  # (k, m)
    # the same permutation as positions in the flattened (k * m,) arrays (1-D indexing is
    # cheaper than take_along_axis / 2-D fancy indexing on the many small nodes)
    flat_by_class = (by_class + np.arange(0, k * m, m)[:, None]).ravel()
    if weight is None:
        # the j-th sample of a class has j - 1 of its class before it: rank inside the group
        group_start = np.repeat(np.cumsum(class_counts) - class_counts, class_counts)
        rank = np.arange(m, dtype=np.float64) - group_start  # (m,) the same in every row
        running_grouped = np.broadcast_to(rank, (k, m))  # (k, m)
        w = 1.0
    else:
        # weight of the class before each sample: running sum minus the earlier groups
        w_grouped = weight.ravel()[flat_by_class]  # (k * m,)
        class_weight_start = np.cumsum(node.class_totals) - node.class_totals  # (C,)
        group_weight_start = np.repeat(class_weight_start, class_counts)  # (m,)
        w_grouped = w_grouped.reshape(k, m)
        running_grouped = np.cumsum(w_grouped, axis=1)  # (k, m)
        running_grouped -= w_grouped
        running_grouped -= group_weight_start  # the same group starts in every row
        w = weight
    running = np.empty(k * m)
    running[flat_by_class] = running_grouped.ravel()
    running = running.reshape(k, m)  # back in sorted-value order

    columns = slice(lowest - 1, highest)
    square_left = np.cumsum(w * (2.0 * running + w), axis=1)[:, columns]  # (k, P)
    cross = np.cumsum(node.class_totals[classes] * w, axis=1)[:, columns]  # sum_c T_c L_c
    square_total = 0.0
    for total in node.class_totals.tolist():  # class by class, as scikit-learn sums
        square_total += total * total
    square_right = square_total - 2.0 * cross + square_left
    impurity_left = 1.0 - square_left / (weight_left * weight_left)
    impurity_right = 1.0 - square_right / (weight_right * weight_right)
    return impurity_left, impurity_right


@lru_cache(maxsize=128)  # at most 128 sizes m: about 11 MB
def _left_and_right_sums(m, lowest, highest):
    """The (m, 2P) matrix of 0s and 1s that sums the samples of each child at each position.

    Column ``j`` (``j < P``) has ones on samples ``0 .. p-1`` (the left child at position
    ``p = lowest + j``), column ``P + j`` on samples ``p .. m-1`` (the right child), so
    ``counts (.., m) @ matrix`` gives the class weights of both children at every position.
    Cached: within a tree ``lowest`` and ``highest`` depend on m only.
    """
    position = np.arange(lowest, highest + 1)  # (P,) samples sent left
    sample = np.arange(m)[:, None]  # (m, 1)
    return np.concatenate([sample < position, sample >= position], axis=1).astype(np.float64)


def _best_in_small_block(
    samples, node: NodeStats, present, lowest, highest, min_weight_leaf, allowed
):
    """:func:`_best_in_block` for Gini with integer weights on a small node.

    ``present`` lists the classes of nonzero weight in the node (C' of them); the others
    add exact zeros to every sum below, so they are left out.

    The same numbers in fewer NumPy calls. With integer weights every class weight and
    every sum of squares is an integer held exactly in float64, whatever the order of the
    additions, so:

    * the class weights of both children at every position are one matrix product of the
      one-hot class weights with :func:`_left_and_right_sums` (left half, right half);
    * the weight of a child is the sum of its class weights, ``sum_c L_c**2`` one einsum;
    * the chosen entries are read with ``.item()`` (Python floats: cheaper to handle);
    * scikit-learn's proxy ``-N_R * gini_R - N_L * gini_L`` is, bit for bit, minus
      ``N_L * gini_L + N_R * gini_R`` (rounding is symmetric), which is ranked with
      argmin (the first minimum: first feature, then smallest threshold).
    """
    k, m = samples.shape
    n_positions = highest - lowest + 1  # P
    # class weights of the samples in sorted order, as (C' k, m): one 2-D matrix product
    one_hot = node.y_weights.take(samples, axis=1)[present].reshape(-1, m)  # (C' k, m)
    # [:, :, :P] left child, [:, :, P:] right child, at each position
    children = one_hot @ _left_and_right_sums(m, lowest, highest)  # (C' k, 2P)
    children = children.reshape(len(present), k, 2 * n_positions)  # (C', k, 2P)
    weight = children.sum(axis=0)  # (k, 2P) weight of each child
    # Gini as scikit-learn writes it: 1 - (sum_c N_c**2) / N**2
    impurity = 1.0 - np.einsum("ckq,ckq->kq", children, children) / (weight * weight)
    weighted = weight * impurity  # (k, 2P)
    cost = weighted[:, :n_positions] + weighted[:, n_positions:]  # N_L gini_L + N_R gini_R
    if min_weight_leaf > 0.0:
        allowed &= (weight >= min_weight_leaf).reshape(k, 2, n_positions).all(axis=1)
    cost = np.where(allowed, cost, np.inf)
    row, column = divmod(int(cost.argmin()), n_positions)
    best_cost = cost.item(row, column)
    if not math.isfinite(best_cost):
        return None
    return (
        -best_cost,  # the proxy
        row,
        lowest + column,
        weight.item(row, column),
        impurity.item(row, column),
        impurity.item(row, n_positions + column),
        # the left child's class weights, zeros put back for the absent classes (each
        # index once: the sums are the values themselves)
        np.bincount(present, weights=children[:, row, column], minlength=len(node.class_totals)),
    )


def _children_by_class(
    impurity_of, samples, node: NodeStats, lowest, highest, weight_left, weight_right
):
    """Impurity of both children at every position from per-class running sums, O(C k m).

    Used for the entropy and for Gini with non-integer weights (where the subtraction in
    :func:`_gini_children` would not be exact).
    """
    # left weight of class c after p sorted samples: running sums of the one-hot weights
    left_counts = np.cumsum(node.y_weights[:, samples], axis=2)  # (C, k, m)
    left_counts = left_counts[:, :, lowest - 1 : highest]  # (C, k, P)
    right_counts = node.class_totals[:, None, None] - left_counts
    impurity_left = impurity_of(left_counts, weight_left)
    impurity_right = impurity_of(right_counts, weight_right)
    if not node.integer_weights:
        impurity_left = zero_when_pure(impurity_left, left_counts, weight_left)
        impurity_right = zero_when_pure(impurity_right, right_counts, weight_right)
    return impurity_left, impurity_right


def random_split(
    values: np.ndarray,
    samples: np.ndarray,
    features: list[int],
    thresholds: list[float],
    missing_left: list[bool],
    n_missing: np.ndarray,
    node: NodeStats,
    criterion: str,
    min_samples_leaf: int,
    min_weight_leaf: float,
) -> Split | None:
    """Best of one random threshold per candidate feature (``splitter="random"``).

    Parameters
    ----------
    values, samples : ndarray of shape (k, m)
        As for :func:`best_split` (sorted rows, NaN last).
    thresholds : list of k float
        The threshold drawn for each candidate feature.
    missing_left : list of k bool
        The side drawn for the missing values of each feature (used where it has some).
    n_missing : ndarray of shape (k,), int, or None
    Other parameters as for :func:`best_split`.
    """
    impurity_of = CRITERIA[criterion]
    k, m = values.shape
    goes_left = values.astype(np.float64) <= np.asarray(thresholds)[:, None]  # (k, m)
    if n_missing is not None:
        goes_left |= np.isnan(values) & np.asarray(missing_left, dtype=bool)[:, None]
    n_left = goes_left.sum(axis=1)  # (k,)
    # class weights of each left child: (C, k, m) summed over the samples -> (C, k)
    left_counts = np.where(goes_left, node.y_weights[:, samples], 0.0).sum(axis=2)
    right_counts = node.class_totals[:, None] - left_counts
    weights = 1.0 if node.weight is None else node.weight[samples]
    weight_left = np.where(goes_left, weights, 0.0).sum(axis=1)  # (k,)
    weight_right = node.weighted_n_node_samples - weight_left
    allowed = (n_left >= min_samples_leaf) & (m - n_left >= min_samples_leaf)
    allowed &= (weight_left >= min_weight_leaf) & (weight_right >= min_weight_leaf)
    impurity_left = impurity_of(left_counts, weight_left)
    impurity_right = impurity_of(right_counts, weight_right)
    if not node.integer_weights:
        impurity_left = zero_when_pure(impurity_left, left_counts, weight_left)
        impurity_right = zero_when_pure(impurity_right, right_counts, weight_right)
    proxy = np.where(allowed, -weight_right * impurity_right - weight_left * impurity_left, -np.inf)
    row = int(np.argmax(proxy))
    if not np.isfinite(proxy[row]):
        return None
    improvement = _improvement(
        node, weight_left[row], weight_right[row], impurity_left[row], impurity_right[row]
    )
    count_left = int(n_left[row])
    return Split(
        feature=features[row],
        threshold=float(thresholds[row]),
        left=samples[row][goes_left[row]],
        right=samples[row][~goes_left[row]],
        n_left=count_left,
        n_right=m - count_left,
        impurity_left=float(impurity_left[row]),
        impurity_right=float(impurity_right[row]),
        improvement=float(improvement),
        missing_go_to_left=(
            missing_left[row]
            if n_missing is not None and n_missing[row]
            else count_left > m - count_left
        ),
    )
