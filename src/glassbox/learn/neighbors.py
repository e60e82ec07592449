"""k-nearest neighbours by brute force: one matrix product, a partial sort, a vote.

A k-nearest-neighbours classifier stores the training set and, for a query point, looks
up the ``k`` training points closest to it; the predicted class is the majority (or
distance-weighted) vote among them. "Training" is memorising; all the work happens at
prediction time, in three vectorised steps:

1. distances from every query to every training point. For the euclidean metric one
   matrix product does it, through ``||a - b||² = ||a||² - 2 a·b + ||b||²``;
   the manhattan / minkowski metrics are computed block by block to bound memory;
2. the ``k`` smallest distances of each row: for small ``k``, ``k`` passes of
   ``argmin`` (each a fast vectorised scan); for large ``k``, ``np.argpartition`` in
   linear time, then only those ``k`` are sorted;
3. a vote: each neighbour adds its weight (1, or 1 / distance) to its class.

The twin is :class:`sklearn.neighbors.KNeighborsClassifier` with ``algorithm="brute"``.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["KNeighborsClassifier"]

# Memory bound of one block of differences for the manhattan / minkowski metrics.
_WORKING_MEMORY_BYTES = 64 * 2**20
# Queries are processed in blocks whose distance rows fit in a core's cache (about 2 MiB),
# so the passes after the matrix product read cached memory; at least 128 queries per
# block keep the matrix product efficient when the training set is large.
_CACHE_BLOCK_BYTES = 2 * 2**20
_MIN_QUERIES_PER_BLOCK = 128

# Names scikit-learn accepts for the metrics implemented here, and what they mean.
_METRIC_ALIASES = {
    "euclidean": "euclidean",
    "l2": "euclidean",
    "manhattan": "manhattan",
    "l1": "manhattan",
    "cityblock": "manhattan",
    "chebyshev": "chebyshev",
    "infinity": "chebyshev",
    "minkowski": "minkowski",
}


def _effective_metric(metric, p):
    """Reduce ``(metric, p)`` to the metric computed, as scikit-learn does.

    ``minkowski`` with ``p=1`` is manhattan, ``p=2`` euclidean, ``p=inf`` chebyshev.
    """
    metric = _METRIC_ALIASES[metric]
    if metric == "minkowski":
        if p == 1:
            return "manhattan"
        if p == 2:
            return "euclidean"
        if np.isinf(p):
            return "chebyshev"
    return metric


def _squared_euclidean(X, Y, Y_norm_squared):
    """Squared distances ``||x_i - y_j||²`` through one matrix product.

    ``||x - y||² = ||x||² - 2 x·y + ||y||²``: the cross term for all pairs at once is the
    matrix product ``X @ Y.T`` (a GEMM, in the dtype of the data: float32 stays float32),
    the two norms are added by broadcasting. Rounding can make an exact zero slightly
    negative (a point and itself), hence the clamp at 0.
    """
    X_norm_squared = np.einsum("ij,ij->i", X, X)  # (n_queries,)
    # scaling X by -2 is exact (a power of two) and touches n_queries * n_features
    # numbers instead of the n_queries * n_fit of the product
    squared = (X * -2) @ Y.T  # (n_queries, n_fit)
    squared += X_norm_squared[:, np.newaxis]
    squared += Y_norm_squared[np.newaxis, :]
    np.maximum(squared, 0, out=squared)
    return squared


def _reduced_minkowski(X, Y, metric, p):
    """A monotone surrogate of the distance, computed on ``(queries, fit, features)`` blocks.

    manhattan: ``sum |x - y|``; chebyshev: ``max |x - y|``; minkowski:
    ``sum |x - y|^p`` (the p-th root is taken only for the k distances returned).
    """
    n_queries, n_features = X.shape
    n_fit = Y.shape[0]
    reduced = np.empty((n_queries, n_fit), dtype=X.dtype)
    # each block materialises (rows, n_fit, n_features) differences
    rows_per_block = max(1, _WORKING_MEMORY_BYTES // (X.itemsize * n_fit * max(n_features, 1)))
    for start in range(0, n_queries, rows_per_block):
        stop = min(start + rows_per_block, n_queries)
        absolute_difference = np.abs(X[start:stop, np.newaxis, :] - Y[np.newaxis, :, :])
        if metric == "manhattan":
            reduced[start:stop] = absolute_difference.sum(axis=2)
        elif metric == "chebyshev":
            reduced[start:stop] = absolute_difference.max(axis=2, initial=0)
        else:
            reduced[start:stop] = (absolute_difference**p).sum(axis=2)
    return reduced


def _reduced_to_distance(reduced, metric, p):
    """Turn the surrogate back into the distance: sqrt for euclidean, p-th root for minkowski."""
    if metric == "euclidean":
        return np.sqrt(reduced)
    if metric == "minkowski":
        return reduced ** (1.0 / p)
    return reduced


# Up to this k, k passes of argmin beat one argpartition (argmin is a vectorised scan,
# argpartition an introselect that moves indices around).
_MAX_K_FOR_ARGMIN_PASSES = 32


def _k_smallest(reduced, n_neighbors):
    """Indices of the ``k`` smallest values of each row, in increasing order.

    Equal values are ordered by column index: the earlier training point comes first, and
    is the one kept when a tie straddles the k-th place. ``reduced`` is overwritten.

    Small k: pick the row minimum, mask it with +inf, repeat k times. ``argmin`` returns
    the first of equal minima, which is exactly the tie rule above.
    Large k: ``np.argpartition`` selects the k smallest in linear time, then only those k
    are sorted by (value, index).
    """
    n_queries, n_fit = reduced.shape
    rows = np.arange(n_queries)
    if n_neighbors <= _MAX_K_FOR_ARGMIN_PASSES:
        indices = np.empty((n_queries, n_neighbors), dtype=np.intp)
        for rank in range(n_neighbors):
            nearest = np.argmin(reduced, axis=1)  # (n_queries,)
            indices[:, rank] = nearest
            reduced[rows, nearest] = np.inf
        return indices

    rows = rows[:, np.newaxis]
    if n_neighbors < n_fit:
        candidates = np.argpartition(reduced, n_neighbors - 1, axis=1)[:, :n_neighbors]
    else:
        candidates = np.broadcast_to(np.arange(n_fit), (n_queries, n_fit)).copy()
    candidate_values = reduced[rows, candidates]  # (n_queries, k)

    # argpartition picks an arbitrary subset of values tied with the k-th; for those rows
    # keep every value below it and the lowest-indexed of the tied ones.
    kth_value = candidate_values.max(axis=1)
    n_at_most_kth = np.count_nonzero(reduced <= kth_value[:, np.newaxis], axis=1)
    for row in np.flatnonzero(n_at_most_kth > n_neighbors):
        below = np.flatnonzero(reduced[row] < kth_value[row])
        tied = np.flatnonzero(reduced[row] == kth_value[row])[: n_neighbors - below.size]
        candidates[row] = np.concatenate([below, tied])
        candidate_values[row] = reduced[row, candidates[row]]

    # sort the k by (value, index): lexsort's last key is the primary one
    order = np.lexsort((candidates, candidate_values), axis=1)
    return candidates[rows, order]


class KNeighborsClassifier(ClassifierMixin, BaseEstimator):
    """Classifier voting among the k nearest training points.

    For a query ``x``, find the ``k`` training points ``x_(1), ..., x_(k)`` closest to it
    and predict ``argmax_c sum_j w_j [y_(j) = c]``, with ``w_j = 1`` (``"uniform"``) or
    ``w_j = 1 / d(x, x_(j))`` (``"distance"``). Distances are computed by brute force:
    one matrix product for euclidean, ``||a - b||² = ||a||² - 2 a·b + ||b||²``.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours ``k`` that vote.
    weights : {"uniform", "distance"} or None, default="uniform"
        ``"uniform"``: every neighbour counts 1. ``"distance"``: a neighbour counts
        ``1 / distance``; when a query coincides with training points (distance 0), only
        those points vote, with weight 1 each (as scikit-learn).
    algorithm : {"auto", "ball_tree", "kd_tree", "brute"}, default="auto"
        Accepted for compatibility; glassbox always searches by brute force.
    leaf_size : int, default=30
        Accepted for compatibility (used by trees, which glassbox does not build).
    p : float, default=2
        Power of the minkowski metric ``(sum |x - y|^p)^(1/p)``: 1 is manhattan, 2
        euclidean, ``inf`` chebyshev.
    metric : {"minkowski", "euclidean", "manhattan", "chebyshev", "l1", "l2", \
"cityblock", "infinity"}, default="minkowski"
        Distance between points.
    metric_params : dict or None, default=None
        Accepted for compatibility; must be None or empty.
    n_jobs : int or None, default=None
        Accepted for compatibility; the matrix product already uses the BLAS threads.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    effective_metric_ : str
        The metric computed, after ``metric="minkowski"`` with ``p`` 1, 2 or inf is
        reduced to manhattan, euclidean or chebyshev.
    effective_metric_params_ : dict
        ``{"p": p}`` for minkowski, else empty.
    n_features_in_ : int
        Number of features seen in ``fit``.
    n_samples_fit_ : int
        Number of training points.
    outputs_2d_ : bool
        Always False (one target).

    See Also
    --------
    sklearn.neighbors.KNeighborsClassifier : the twin.

    Notes
    -----
    Ties in distance are broken by training index: the earlier point comes first, and is
    the one kept when a tie straddles the k-th place. scikit-learn keeps candidates in a
    binary max-heap, so its order among exactly equal distances follows the heap's layout
    (and, on its parallel-on-training-set path, the thread count); on integer-valued data
    the two can differ in which of several equidistant points is returned.

    Examples
    --------
    >>> from glassbox.learn.neighbors import KNeighborsClassifier
    >>> X = [[0.0], [1.0], [2.0], [3.0]]
    >>> y = [0, 0, 1, 1]
    >>> knn = KNeighborsClassifier(n_neighbors=3).fit(X, y)
    >>> knn.predict([[1.1]])
    array([0])
    >>> knn.predict_proba([[0.9]])
    array([[0.666..., 0.333...]])
    >>> distances, indices = knn.kneighbors([[1.1]], n_neighbors=2)
    >>> indices
    array([[1, 2]])
    """

    _parameter_constraints: dict = {
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "weights": [StrOptions({"uniform", "distance"}), None],
        "algorithm": [StrOptions({"auto", "ball_tree", "kd_tree", "brute"})],
        "leaf_size": [Interval(Integral, 1, None, closed="left")],
        "p": [Interval(Real, 0, None, closed="right")],
        "metric": [StrOptions(set(_METRIC_ALIASES))],
        "metric_params": [dict, None],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        n_neighbors=5,
        *,
        weights="uniform",
        algorithm="auto",
        leaf_size=30,
        p=2,
        metric="minkowski",
        metric_params=None,
        n_jobs=None,
    ):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y):
        """Memorise the training set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training points (float32 stays float32; anything else becomes float64).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : KNeighborsClassifier
            The fitted classifier.
        """
        self._validate_params()
        if self.metric_params:
            raise ValueError(
                "glassbox's KNeighborsClassifier takes no metric_params; received "
                f"metric_params={self.metric_params!r}. Pass the power as p= instead."
            )
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], order="C")
        check_classification_targets(y)
        self.classes_, self._y = np.unique(y, return_inverse=True)
        self._fit_X = X
        self.n_samples_fit_ = X.shape[0]
        self.outputs_2d_ = False
        self.effective_metric_ = _effective_metric(self.metric, self.p)
        self.effective_metric_params_ = (
            {"p": self.p} if self.effective_metric_ == "minkowski" else {}
        )
        # ||y||² of every training point, reused by each euclidean query
        self._fit_X_norm_squared = np.einsum("ij,ij->i", X, X)
        return self

    def _reduced_distances(self, X):
        """Surrogate distances (squared euclidean, sum |x-y|^p, ...) of shape (n_queries, n_fit)."""
        if self.effective_metric_ == "euclidean":
            return _squared_euclidean(X, self._fit_X, self._fit_X_norm_squared)
        return _reduced_minkowski(X, self._fit_X, self.effective_metric_, self.p)

    def _kneighbors_blocks(self, X, n_neighbors, return_distance):
        """Yield ``(distances, indices)`` for blocks of queries, bounding the memory used."""
        row_bytes = self._fit_X.itemsize * self.n_samples_fit_
        rows_per_block = max(_MIN_QUERIES_PER_BLOCK, _CACHE_BLOCK_BYTES // row_bytes)
        for start in range(0, X.shape[0], rows_per_block):
            reduced = self._reduced_distances(X[start : start + rows_per_block])
            distances = reduced.copy() if return_distance else None
            indices = _k_smallest(reduced, n_neighbors)  # (block, k); overwrites reduced
            if return_distance:
                rows = np.arange(indices.shape[0])[:, np.newaxis]
                distances = _reduced_to_distance(
                    distances[rows, indices], self.effective_metric_, self.p
                )
            yield distances, indices

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Find the k nearest training points of each query.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features) or None, default=None
            Query points. None: the training points themselves, each excluded from its
            own neighbours (leave-one-out).
        n_neighbors : int or None, default=None
            Number of neighbours; None uses the constructor's ``n_neighbors``.
        return_distance : bool, default=True
            Whether to return the distances too.

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries, n_neighbors)
            Distances to the neighbours, increasing; only if ``return_distance``.
        neigh_ind : ndarray of shape (n_queries, n_neighbors)
            Indices of the neighbours in the training set.
        """
        check_is_fitted(self)
        if n_neighbors is None:
            n_neighbors = self.n_neighbors
        elif not isinstance(n_neighbors, Integral):
            raise TypeError(
                f"n_neighbors does not take {type(n_neighbors)} value, enter integer value"
            )
        elif n_neighbors <= 0:
            raise ValueError(f"Expected n_neighbors > 0. Got {n_neighbors}")

        query_is_train = X is None
        if query_is_train:
            X = self._fit_X
            # ask for one more: the point itself, removed below
            n_neighbors += 1
        else:
            X = validate_data(self, X, dtype=self._fit_X.dtype, order="C", reset=False)

        n_samples_fit = self.n_samples_fit_
        if n_neighbors > n_samples_fit:
            if query_is_train:
                n_neighbors -= 1
                inequality = "n_neighbors < n_samples_fit"
            else:
                inequality = "n_neighbors <= n_samples_fit"
            raise ValueError(
                f"Expected {inequality}, but n_neighbors = {n_neighbors}, "
                f"n_samples_fit = {n_samples_fit}, n_samples = {X.shape[0]}. "
                "Lower n_neighbors or fit on more samples."
            )

        blocks = list(self._kneighbors_blocks(X, n_neighbors, return_distance))
        neigh_ind = np.vstack([indices for _, indices in blocks])
        neigh_dist = np.vstack([dist for dist, _ in blocks]) if return_distance else None

        if query_is_train:
            # Drop each point from its own list. With duplicates the point itself may not
            # be among its k+1 nearest; then the first neighbour is dropped (as sklearn).
            n_queries = X.shape[0]
            keep = neigh_ind != np.arange(n_queries)[:, np.newaxis]
            itself_missing = np.all(keep, axis=1)
            keep[itself_missing, 0] = False
            neigh_ind = neigh_ind[keep].reshape(n_queries, n_neighbors - 1)
            if return_distance:
                neigh_dist = neigh_dist[keep].reshape(n_queries, n_neighbors - 1)

        if return_distance:
            return neigh_dist, neigh_ind
        return neigh_ind

    def predict_proba(self, X):
        """Share of the (weighted) vote each class gets.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features) or None
            Query points; None means the training points, leave-one-out.

        Returns
        -------
        proba : ndarray of shape (n_queries, n_classes)
            ``proba[i, c] = sum_{j in N(i), y_j = c} w_j / sum_{j in N(i)} w_j``.
        """
        check_is_fitted(self)
        if self.weights == "distance":
            neigh_dist, neigh_ind = self.kneighbors(X)
            with np.errstate(divide="ignore"):
                weights = 1.0 / neigh_dist
            # a query on top of training points: those points vote 1, the others 0
            on_top = np.isinf(weights)
            on_top_rows = np.any(on_top, axis=1)
            weights[on_top_rows] = on_top[on_top_rows]
        else:
            neigh_ind = self.kneighbors(X, return_distance=False)
            weights = np.ones(neigh_ind.shape)

        neighbour_classes = self._y[neigh_ind]  # (n_queries, k), class indices
        n_queries = neigh_ind.shape[0]
        rows = np.arange(n_queries)
        proba = np.zeros((n_queries, self.classes_.size))
        # one pass per neighbour rank: a loop of length k, each step vectorised over queries
        for rank in range(neigh_ind.shape[1]):
            proba[rows, neighbour_classes[:, rank]] += weights[:, rank]
        proba /= proba.sum(axis=1, keepdims=True)
        return proba

    def predict(self, X):
        """Class with the largest vote; equal votes go to the first class in ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features) or None
            Query points; None means the training points, leave-one-out.

        Returns
        -------
        y : ndarray of shape (n_queries,)
            Predicted labels.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags
