"""How a decision-tree node chooses its split: impurities and the vectorised split search.

A node holds ``m`` training samples. A split sends the samples with ``x[feature] <=
threshold`` to the left child and the rest to the right. The best split maximises the
impurity decrease

    N_t / N * (impurity - N_R / N_t * impurity_right - N_L / N_t * impurity_left)

where ``N`` counts (weighted) samples in the whole tree, ``N_t`` in the node and ``N_L``,
``N_R`` in the children. Only the last two terms depend on the split, so the search ranks
splits by the *proxy* ``-N_R * impurity_right - N_L * impurity_left``, as scikit-learn does.

The trick that makes the search fast without a loop over samples: sort the node's samples
by a feature once; then the class counts of the left child for *every* split position are
the running sums (``np.cumsum``) of the one-hot class weights in that order, and the right
child's counts are the node total minus those. The impurity of every candidate split is
then one array expression, for all candidate features at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# scikit-learn treats two feature values closer than this as equal: no threshold is placed
# between them and a feature whose values span less than this in a node is "constant".
# NOTE: a NumPy float64 scalar (not a Python float) so that ``float32_array + threshold``
# is computed in float64 as in scikit-learn's C code; with a Python float, NumPy 2 would
# compute in float32 and round ``v + 1e-7`` up to the next float32.
FEATURE_THRESHOLD = np.float64(1e-7)

# A node whose impurity is below this is pure: it becomes a leaf.
EPSILON = np.finfo(np.float64).eps

# Largest number of float64 numbers the cumulative class counts of one block of candidate
# features may hold (C classes x k features x m samples): 32 MiB. Bigger searches are cut
# into blocks of features so memory stays bounded on wide data (MNIST: 784 features).
_MAX_BLOCK_NUMBERS = 1 << 22

_LN_2 = np.log(2.0)


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
    square_sum = 0.0
    for count in class_weights:
        square_sum = square_sum + count * count
    return 1.0 - square_sum / (weight_sum * weight_sum)


def entropy(class_weights, weight_sum):
    """Shannon entropy ``-sum_k p_k log2 p_k`` (terms with ``p_k = 0`` count as 0).

    Parameters and return value as for :func:`gini`. ``log_loss`` is the same criterion.
    """
    result = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        for count in class_weights:
            fraction = count / weight_sum
            # scikit-learn's log is log2(x) = ln(x) / ln(2)
            term = np.where(count > 0.0, fraction * (np.log(fraction) / _LN_2), 0.0)
            result = result - term
    return result


CRITERIA = {"gini": gini, "entropy": entropy, "log_loss": entropy}


@dataclass
class Split:
    """The best split found for a node.

    ``left`` and ``right`` are the positions (into the node's sample array) of the samples
    sent to each child; ``improvement`` is the weighted impurity decrease defined in the
    module docstring.
    """

    feature: int
    threshold: float
    left: np.ndarray
    right: np.ndarray
    impurity_left: float
    impurity_right: float
    improvement: float


@dataclass
class NodeStats:
    """What the split search needs to know about a node's samples.

    ``y_weights`` has shape (C, m): row ``k`` holds each sample's weight if its class is
    ``k`` and 0 otherwise (one-hot times weight). ``class_totals`` (C,) is its row sum.
    ``weight`` (m,) holds the sample weights, or is None when they are all 1 (then the
    weight of a left child of ``p`` samples is just ``p``).
    """

    y_weights: np.ndarray
    weight: np.ndarray | None
    class_totals: np.ndarray
    weighted_n_node_samples: float
    weighted_n_samples: float
    impurity: float


def _improvement(node: NodeStats, weight_left, weight_right, impurity_left, impurity_right):
    # N_t / N * (impurity - N_R / N_t * impurity_R - N_L / N_t * impurity_L), term by term
    # in scikit-learn's order so the value (compared with min_impurity_decrease) agrees.
    n_t = node.weighted_n_node_samples
    return (n_t / node.weighted_n_samples) * (
        node.impurity - (weight_right / n_t * impurity_right) - (weight_left / n_t * impurity_left)
    )


def best_split(
    values: np.ndarray,
    features: list[int],
    node: NodeStats,
    criterion: str,
    min_samples_leaf: int,
    min_weight_leaf: float,
) -> Split | None:
    """Search every threshold of every candidate feature at once; return the best split.

    Parameters
    ----------
    values : ndarray of shape (k, m), float32
        The node's samples' values of the ``k`` candidate features, in visiting order.
    features : list of k int
        The feature index of each row of ``values``.
    node : NodeStats
        Class weights and totals of the node's ``m`` samples.
    criterion : {"gini", "entropy", "log_loss"}
    min_samples_leaf, min_weight_leaf : int, float
        Splits leaving fewer samples (or less weight) in a child are not allowed.

    Returns
    -------
    Split or None
        None when no allowed split exists. Among equally good splits the first feature in
        visiting order, then the smallest threshold, wins (scikit-learn's ``>`` rule).
    """
    impurity_of = CRITERIA[criterion]
    k, m = values.shape
    # A split "at position p" puts the first p samples (in sorted order) on the left.
    # min_samples_leaf bounds p to [lowest, highest].
    lowest, highest = min_samples_leaf, m - min_samples_leaf
    if lowest > highest:
        return None

    best_proxy = -np.inf
    best = None
    n_classes = node.y_weights.shape[0]
    block = max(1, _MAX_BLOCK_NUMBERS // max(1, n_classes * m))
    for start in range(0, k, block):
        rows = slice(start, min(k, start + block))
        found = _best_in_block(
            values[rows], node, impurity_of, lowest, highest, min_weight_leaf
        )
        # strictly greater: an earlier feature keeps a tie, like scikit-learn
        if found is not None and found[0] > best_proxy:
            best_proxy = found[0]
            best = (start + found[1],) + found[2:]
    if best is None:
        return None

    row, p, order, sorted_values, weight_left, impurity_left, impurity_right = best
    # Threshold halfway between the two neighbouring distinct values, computed in float64
    # from the float32 values as scikit-learn does (halves first, so no overflow to inf).
    threshold = float(
        np.float64(sorted_values[p - 1]) / 2.0 + np.float64(sorted_values[p]) / 2.0
    )
    weight_right = node.weighted_n_node_samples - weight_left
    improvement = _improvement(node, weight_left, weight_right, impurity_left, impurity_right)
    return Split(
        feature=features[row],
        threshold=threshold,
        left=order[:p],
        right=order[p:],
        impurity_left=float(impurity_left),
        impurity_right=float(impurity_right),
        improvement=float(improvement),
    )


def _best_in_block(values, node: NodeStats, impurity_of, lowest, highest, min_weight_leaf):
    """Best split among one block of features; see :func:`best_split`."""
    k, m = values.shape
    # 1. Sort each feature's values once (one argsort for the whole block).
    order = np.argsort(values, axis=1)  # (k, m): sample positions by increasing value
    sorted_values = np.take_along_axis(values, order, axis=1)  # (k, m)

    # Candidate positions p = lowest..highest; column j of the arrays below is p = lowest + j.
    # A threshold fits between sorted positions p-1 and p only if the value increases there.
    before = sorted_values[:, lowest - 1 : highest]  # (k, P) value at p - 1
    after = sorted_values[:, lowest : highest + 1]  # (k, P) value at p
    allowed = after > before + FEATURE_THRESHOLD  # float64 comparison, see FEATURE_THRESHOLD

    # 2. Left-child class weights for every p: running sums of the one-hot class weights in
    #    sorted order. cumsum adds in sequence, like scikit-learn's incremental update.
    left_counts = np.cumsum(node.y_weights[:, order], axis=2)  # (C, k, m)
    left_counts = left_counts[:, :, lowest - 1 : highest]  # (C, k, P): first p samples
    right_counts = node.class_totals[:, None, None] - left_counts  # (C, k, P)

    if node.weight is None:
        # unit weights: the left child of position p weighs exactly p
        weight_left = np.arange(lowest, highest + 1, dtype=np.float64)[None, :]  # (1, P)
    else:
        weight_left = np.cumsum(node.weight[order], axis=1)[:, lowest - 1 : highest]  # (k, P)
    weight_right = node.weighted_n_node_samples - weight_left
    if min_weight_leaf > 0.0:
        allowed &= (weight_left >= min_weight_leaf) & (weight_right >= min_weight_leaf)

    # 3. Impurity of both children at every (feature, position) at once.
    with np.errstate(divide="ignore", invalid="ignore"):
        impurity_left = impurity_of(left_counts, weight_left)  # (k, P)
        impurity_right = impurity_of(right_counts, weight_right)  # (k, P)
    proxy = -weight_right * impurity_right - weight_left * impurity_left
    proxy = np.where(allowed, proxy, -np.inf)

    # 4. argmax returns the first maximum: lowest feature row, then smallest threshold.
    flat = int(np.argmax(proxy))
    row, column = divmod(flat, proxy.shape[1])
    if not np.isfinite(proxy[row, column]):
        return None
    weight_left_best = weight_left[0 if node.weight is None else row, column]
    return (
        proxy[row, column],
        row,
        lowest + column,
        order[row],
        sorted_values[row],
        float(weight_left_best),
        impurity_left[row, column],
        impurity_right[row, column],
    )


def random_split(
    values: np.ndarray,
    features: list[int],
    thresholds: list[float],
    node: NodeStats,
    criterion: str,
    min_samples_leaf: int,
    min_weight_leaf: float,
) -> Split | None:
    """Best of one random threshold per candidate feature (``splitter="random"``).

    Parameters
    ----------
    values : ndarray of shape (k, m), float32
        Candidate features' values in the node.
    features, thresholds : list of k
        Feature index and drawn threshold of each row of ``values``.
    Other parameters as for :func:`best_split`.
    """
    impurity_of = CRITERIA[criterion]
    goes_left = values.astype(np.float64) <= np.asarray(thresholds)[:, None]  # (k, m)
    n_left = goes_left.sum(axis=1)  # (k,)
    # Class weights of each left child: (k, m) @ (m, C) -> (k, C)
    left_counts = (goes_left @ node.y_weights.T).T  # (C, k)
    right_counts = node.class_totals[:, None] - left_counts
    weights = np.ones(values.shape[1]) if node.weight is None else node.weight
    weight_left = goes_left @ weights  # (k,)
    weight_right = node.weighted_n_node_samples - weight_left
    m = values.shape[1]
    allowed = (n_left >= min_samples_leaf) & (m - n_left >= min_samples_leaf)
    allowed &= (weight_left >= min_weight_leaf) & (weight_right >= min_weight_leaf)
    with np.errstate(divide="ignore", invalid="ignore"):
        impurity_left = impurity_of(left_counts, weight_left)
        impurity_right = impurity_of(right_counts, weight_right)
    proxy = np.where(allowed, -weight_right * impurity_right - weight_left * impurity_left, -np.inf)
    row = int(np.argmax(proxy))
    if not np.isfinite(proxy[row]):
        return None
    improvement = _improvement(
        node, weight_left[row], weight_right[row], impurity_left[row], impurity_right[row]
    )
    return Split(
        feature=features[row],
        threshold=float(thresholds[row]),
        left=np.flatnonzero(goes_left[row]),
        right=np.flatnonzero(~goes_left[row]),
        impurity_left=float(impurity_left[row]),
        impurity_right=float(impurity_right[row]),
        improvement=float(improvement),
    )
