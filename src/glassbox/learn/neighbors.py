"""k-nearest neighbours by brute force: one matrix product, a partial sort, a vote.

A k-nearest-neighbours classifier stores the training set and, for a query point, looks
up the ``k`` training points closest to it; the predicted class is the majority (or
distance-weighted) vote among them. "Training" is memorising; all the work happens at
prediction time, in three vectorised steps:

1. distances from every query to every training point. For the euclidean metric one
   matrix product does it, through ``||a - b||² = ||a||² - 2 a·b + ||b||²``;
   manhattan / minkowski accumulate ``|x_f - y_f|^p`` one feature at a time;
2. the ``k`` smallest distances of each row: for small ``k``, ``k`` passes of
   ``argmin`` (each a fast vectorised scan); for large ``k``, ``np.argpartition`` in
   linear time, then only those ``k`` are sorted;
3. a vote: each neighbour adds its weight (1, or 1 / distance) to its class.

Steps 1-2 run on blocks of queries small enough for the distances to stay in cache, the
blocks shared between threads (as scikit-learn's own brute force does).

The algorithm as taught, on one screen, is :func:`knn_predict`. When several training
points are exactly as far as each other, which of them are "the k nearest" is a
convention. glassbox follows scikit-learn's exactly: rows with such ties are redone by a
port of scikit-learn's heap scan, in :mod:`glassbox.learn._neighbors_sklearn_ties`, so
predictions, probabilities and neighbour lists are the twin's, ties included.

The twin is :class:`sklearn.neighbors.KNeighborsClassifier` with ``algorithm="brute"``.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from itertools import count
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import ThreadpoolController

from glassbox.learn._neighbors_sklearn_ties import _heap_select_row, _sklearn_scan_ranges

__all__ = ["KNeighborsClassifier", "knn_predict"]


def knn_predict(X_train, y_train, X, n_neighbors=5):
    """k-nearest-neighbours prediction as taught: distances, k smallest, majority vote.

    1. the (n_queries, n_train) matrix of euclidean distances;
    2. each row's ``n_neighbors`` smallest by ``np.argpartition`` (no full sort);
    3. each query's most frequent class among them (the smallest class on a tie).

    :class:`KNeighborsClassifier` computes the same, faster (one matrix product, blocks of
    queries in threads) and with scikit-learn's choice among equally distant points.

    Parameters
    ----------
    X_train : ndarray of shape (n_train, n_features)
    y_train : ndarray of shape (n_train,), int in 0..n_classes-1
    X : ndarray of shape (n_queries, n_features)
    n_neighbors : int, default=5

    Returns
    -------
    y_pred : ndarray of shape (n_queries,)

    Examples
    --------
    >>> import numpy as np
    >>> from glassbox.learn.neighbors import knn_predict
    >>> X_train = np.array([[0.0], [1.0], [2.0], [10.0], [11.0]])
    >>> knn_predict(X_train, np.array([0, 0, 0, 1, 1]), np.array([[0.5], [10.4]]), 3)
    array([0, 1])
    """
    difference = X[:, None, :] - X_train[None, :, :]  # (n_queries, n_train, n_features)
    distances = np.sqrt((difference**2).sum(axis=2))  # (n_queries, n_train)
    nearest = np.argpartition(distances, n_neighbors - 1, axis=1)[:, :n_neighbors]
    votes = y_train[nearest]  # (n_queries, n_neighbors) class of each neighbour
    n_classes = int(y_train.max()) + 1
    counts = np.stack([np.bincount(row, minlength=n_classes) for row in votes])
    return np.argmax(counts, axis=1)  # argmax: the first (smallest) class on a tie

# Queries are processed in blocks whose distance rows fit in a core's cache (about 2 MiB),
# so the passes after the matrix product read cached memory; at least 128 queries per
# block keep the matrix product efficient when the training set is large.
_CACHE_BLOCK_BYTES = 2 * 2**20
_MIN_QUERIES_PER_BLOCK = 128


@cache
def _blas_controller():
    """One threadpoolctl controller (finding the BLAS libraries is slow: do it once)."""
    return ThreadpoolController()


@cache
def _thread_pool(n_threads, process_id):
    """A pool of worker threads kept for the whole session, as OpenMP keeps its team
    (starting threads on every call costs more than a small search). Keyed by process
    id: a forked child inherits the pool object but not its threads, so it gets its own.
    """
    return ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="glassbox-knn")


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


def _squared_row_norms(X):
    """``||x_i||²`` for every row.

    NOTE: ``np.vecdot`` runs BLAS ``ddot`` on each row, as scikit-learn does; ``einsum``
    would sum in another order, and the last-bit differences would break near-ties the
    other way.
    """
    if hasattr(np, "vecdot"):  # NumPy >= 2.0
        return np.vecdot(X, X)
    return np.einsum("ij,ij->i", X, X)


def _squared_euclidean(X, Y, Y_norm_squared):
    """Squared distances ``||x_i - y_j||²`` through one matrix product.

    ``||x - y||² = ||x||² - 2 x·y + ||y||²``: the cross term for all pairs at once is the
    matrix product ``X @ Y.T`` (a GEMM, in the dtype of the data: float32 stays float32),
    the two norms are added by broadcasting. Rounding can make an exact zero slightly
    negative (a point and itself), hence the clamp at 0.
    """
    X_norm_squared = _squared_row_norms(X)  # (n_queries,)
    # scaling X by -2 is exact (a power of two) and touches n_queries * n_features
    # numbers instead of the n_queries * n_fit of the product
    squared = (X * -2) @ Y.T  # (n_queries, n_fit)
    squared += X_norm_squared[:, np.newaxis]
    squared += Y_norm_squared[np.newaxis, :]
    np.maximum(squared, 0, out=squared)
    return squared


def _reduced_minkowski(X, Y, metric, p):
    """A monotone surrogate of the distance, of shape (n_queries, n_fit).

    manhattan: ``sum_f |x_f - y_f|``; chebyshev: ``max_f |x_f - y_f|``; minkowski:
    ``sum_f |x_f - y_f|^p`` (the p-th root is taken only for the k distances returned).
    Accumulated one feature at a time: memory stays at one (n_queries, n_fit) matrix, and
    the sum is in feature order, the order scikit-learn's C loop adds in (same rounding).
    """
    reduced = np.zeros((X.shape[0], Y.shape[0]), dtype=X.dtype)
    term = np.empty_like(reduced)
    for feature in range(X.shape[1]):
        np.subtract(X[:, feature, np.newaxis], Y[np.newaxis, :, feature], out=term)
        np.abs(term, out=term)
        if metric == "chebyshev":
            np.maximum(reduced, term, out=reduced)
            continue
        if metric == "minkowski":
            np.power(term, p, out=term)
        reduced += term
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


def _k_smallest_fast(reduced, n_neighbors):
    """The ``k`` smallest values of each row, increasing: ``(indices, values, next_value)``.

    ``next_value`` is the (k+1)-th smallest value of each row (None when not computed): a
    row where it equals the k-th has a tie straddling the k-th place.

    Small k: pick the row minimum, mask it with +inf, repeat k times (one more ``min``
    gives the next value), then restore the masked entries. ``argmin`` returns the first
    of equal minima (lowest index first).
    Large k: ``np.argpartition`` selects the k smallest in linear time, then only those k
    are sorted by (value, index).
    """
    n_queries, n_fit = reduced.shape
    rows = np.arange(n_queries)
    if n_neighbors <= _MAX_K_FOR_ARGMIN_PASSES:
        indices = np.empty((n_queries, n_neighbors), dtype=np.intp)
        values = np.empty((n_queries, n_neighbors), dtype=reduced.dtype)
        for rank in range(n_neighbors):
            nearest = np.argmin(reduced, axis=1)  # (n_queries,)
            indices[:, rank] = nearest
            values[:, rank] = reduced[rows, nearest]
            reduced[rows, nearest] = np.inf
        next_value = reduced.min(axis=1) if n_neighbors < n_fit else None
        for rank in range(n_neighbors):  # undo the masking
            reduced[rows, indices[:, rank]] = values[:, rank]
        return indices, values, next_value

    rows = rows[:, np.newaxis]
    if n_neighbors < n_fit:
        indices = np.argpartition(reduced, n_neighbors - 1, axis=1)[:, :n_neighbors]
    else:
        indices = np.broadcast_to(np.arange(n_fit), (n_queries, n_fit)).copy()
    values = reduced[rows, indices]  # (n_queries, k)
    order = np.lexsort((indices, values), axis=1)  # last key is the primary one
    return indices[rows, order], values[rows, order], None


def _select_k_nearest(reduced, n_neighbors, exact_order=True, scan_ranges=None, labels=None):
    """Indices of the ``k`` nearest training points of each query, nearest first.

    Rows whose ``k`` smallest distances are distinct and strictly below the next one have
    a unique answer, found by the fast vectorised path. Rows with ties are redone by
    :func:`_heap_select_row`, which reproduces scikit-learn's choice among equal distances:
    always when the tie straddles the k-th place (it decides which points vote), and for
    ties among the k when ``exact_order`` (it only decides their order). Given the training
    ``labels`` (only the vote matters), a straddling tie among points of a single class is
    left alone: whichever of them is kept, the vote is the same.
    """
    indices, values, next_value = _k_smallest_fast(reduced, n_neighbors)
    n_queries, n_fit = reduced.shape
    kth_value = values[:, -1]
    # a value equal to the k-th one outside the k chosen means a choice among equals
    if n_neighbors >= n_fit:
        needs_heap = np.zeros(n_queries, dtype=bool)
    elif next_value is not None:
        needs_heap = next_value == kth_value
    else:
        n_at_most_kth = np.count_nonzero(reduced <= kth_value[:, np.newaxis], axis=1)
        needs_heap = n_at_most_kth > n_neighbors
    if exact_order:
        needs_heap |= np.any(values[:, 1:] == values[:, :-1], axis=1)
    for row in np.flatnonzero(needs_heap):
        if labels is not None:
            tied_labels = labels[reduced[row] == kth_value[row]]
            if np.all(tied_labels == tied_labels[0]):
                continue
        indices[row] = _heap_select_row(reduced[row], n_neighbors, scan_ranges)
    return indices


def _inverse_distance_weights(distances):
    """Weights ``1 / distance``; a query on top of training points lets only those vote.

    A zero distance would give an infinite weight: in such a row the points at distance 0
    get weight 1 and the others 0 (scikit-learn's rule).
    """
    with np.errstate(divide="ignore"):
        weights = 1.0 / distances
    on_top = np.isinf(weights)
    on_top_rows = np.any(on_top, axis=1)
    weights[on_top_rows] = on_top[on_top_rows]
    return weights


class KNeighborsClassifier(ClassifierMixin, BaseEstimator):
    """Classifier voting among the k nearest training points.

    The algorithm as taught, on one screen: :func:`knn_predict`.

    For a query ``x``, find the ``k`` training points ``x_(1), ..., x_(k)`` closest to it
    and predict ``argmax_c sum_j w_j [y_(j) = c]``, with ``w_j = 1`` (``"uniform"``) or
    ``w_j = 1 / d(x, x_(j))`` (``"distance"``). Distances are computed by brute force:
    one matrix product for euclidean, ``||a - b||² = ||a||² - 2 a·b + ||b||²``.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours ``k`` that vote.
    weights : {"uniform", "distance"}, callable or None, default="uniform"
        ``"uniform"`` (or None): every neighbour counts 1. ``"distance"``: a neighbour
        counts ``1 / distance``; when a query coincides with training points (distance
        0), only those points vote, with weight 1 each (as scikit-learn). A callable
        maps the ``(n_queries, k)`` distances to weights of the same shape.
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
        Accepted for compatibility. Like scikit-learn's brute force, the search uses as
        many threads as OpenMP would (``OMP_NUM_THREADS``, else all cores).

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
    Ties: when training points are exactly equidistant from a query, scikit-learn's
    brute force decides which are kept and in which order through a bounded max-heap
    filled in index order (and, for ``kneighbors`` with fewer queries than training
    points, split between its threads). glassbox finds the k nearest by vectorised passes
    and redoes only the rows with such ties by a port of that procedure, so the results
    are the twin's. Float32 data is compared in float32 here (scikit-learn works in
    float64), so float32 near-ties may be broken differently.

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
        "weights": [StrOptions({"uniform", "distance"}), callable, None],
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
        self._fit_X_norm_squared = _squared_row_norms(X)
        return self

    def _reduced_distances(self, X):
        """Surrogate distances (squared euclidean, sum |x-y|^p, ...) of shape (n_queries, n_fit)."""
        if self.effective_metric_ == "euclidean":
            return _squared_euclidean(X, self._fit_X, self._fit_X_norm_squared)
        return _reduced_minkowski(X, self._fit_X, self.effective_metric_, self.p)

    def _kneighbors_block(self, X, n_neighbors, return_distance, exact_order, scan_ranges):
        """``(distances or None, indices)`` of the k nearest for one block of queries."""
        reduced = self._reduced_distances(X)  # (n_block, n_fit)
        # without exact order only the vote matters, and the labels can spare tie work
        labels = None if exact_order else self._y
        indices = _select_k_nearest(reduced, n_neighbors, exact_order, scan_ranges, labels)
        if not return_distance:
            return None, indices
        rows = np.arange(indices.shape[0])[:, np.newaxis]
        distances = _reduced_to_distance(reduced[rows, indices], self.effective_metric_, self.p)
        return distances, indices

    def _search_in_blocks(self, X, n_neighbors, return_distance, exact_order, one_pass):
        """Run :meth:`_kneighbors_block` on blocks of queries, on several threads.

        ``one_pass``: break ties as scikit-learn's single scan per query does (its
        class-vote path); otherwise as its ``kneighbors`` does for this many queries.
        """
        scan_ranges = None if one_pass else _sklearn_scan_ranges(X.shape[0], self.n_samples_fit_)
        n_threads = _openmp_effective_n_threads()
        row_bytes = self._fit_X.itemsize * self.n_samples_fit_
        rows_per_block = max(_MIN_QUERIES_PER_BLOCK, _CACHE_BLOCK_BYTES // row_bytes)
        starts = range(0, X.shape[0], rows_per_block)

        def search(start):
            block = X[start : start + rows_per_block]
            return self._kneighbors_block(
                block, n_neighbors, return_distance, exact_order, scan_ranges
            )

        n_threads = min(n_threads, len(starts))
        if n_threads == 1:
            return [search(start) for start in starts]
        # Blocks are independent: the calling thread and n_threads - 1 workers take them
        # one at a time from a shared counter (NumPy and BLAS release the GIL while they
        # compute). Each uses a single-threaded BLAS, as scikit-learn does: BLAS threads
        # inside our threads would oversubscribe the cores.
        results = [None] * len(starts)
        block_counter = count()  # next() on it is atomic under the GIL

        def work():
            while True:
                block_index = next(block_counter)
                if block_index >= len(starts):
                    return
                results[block_index] = search(starts[block_index])

        with _blas_controller().limit(limits=1, user_api="blas"):
            pool = _thread_pool(n_threads - 1, os.getpid())
            workers = [pool.submit(work) for _ in range(n_threads - 1)]
            try:
                work()
            finally:
                for worker in workers:
                    worker.result()  # waits, and re-raises a worker's exception
        return results

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
        return self._kneighbors(X, n_neighbors, return_distance)

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """The k-nearest-neighbours graph as a sparse matrix.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features) or None, default=None
            Query points; None: the training points, each without itself.
        n_neighbors : int or None, default=None
        mode : {"connectivity", "distance"}, default="connectivity"
            Entry ``[i, j]`` is 1 (or the distance) when training point ``j`` is one of
            query ``i``'s neighbours.

        Returns
        -------
        graph : sparse matrix of shape (n_queries, n_samples_fit_)
            CSR, ``n_neighbors`` entries per row.

        Examples
        --------
        >>> from glassbox.learn.neighbors import KNeighborsClassifier
        >>> knn = KNeighborsClassifier(n_neighbors=2).fit([[0], [3], [1]], [0, 1, 0])
        >>> knn.kneighbors_graph([[0], [3]]).toarray()
        array([[1., 0., 1.],
               [0., 1., 1.]])
        """
        from scipy.sparse import csr_matrix

        check_is_fitted(self)
        n_neighbors = self.n_neighbors if n_neighbors is None else n_neighbors
        if mode == "connectivity":
            indices = self.kneighbors(X, n_neighbors, return_distance=False)
            data = np.ones(indices.size)
        elif mode == "distance":
            distances, indices = self.kneighbors(X, n_neighbors, return_distance=True)
            data = np.ravel(distances)
        else:
            raise ValueError('Unsupported mode, must be one of "connectivity", or "distance" '
                             f'but got "{mode}" instead')
        indptr = np.arange(0, indices.size + 1, n_neighbors)  # n_neighbors per row
        return csr_matrix((data, indices.ravel(), indptr),
                          shape=(indices.shape[0], self.n_samples_fit_))

    def _kneighbors(self, X, n_neighbors, return_distance, exact_order=True, one_pass=False):
        """:meth:`kneighbors`; ``exact_order=False`` skips ordering tied neighbours,
        ``one_pass=True`` breaks ties as scikit-learn's class-vote search does."""
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

        # leave-one-out drops "the first neighbour" when a point has duplicates: the order
        # among tied neighbours then decides which one goes
        exact_order = exact_order or query_is_train
        blocks = self._search_in_blocks(X, n_neighbors, return_distance, exact_order, one_pass)
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
        if self._weighted_by_distance():
            # the order among tied neighbours does not change the vote: skip ordering them
            neigh_dist, neigh_ind = self._kneighbors(X, None, True, exact_order=False)
            weights = self._neighbour_weights(neigh_dist)
        else:
            # NOTE: for uniform votes with a metric other than euclidean, scikit-learn uses
            # a dedicated search that scans each query in one pass ("ArgKminClassMode");
            # for euclidean it calls kneighbors. The tie rule follows the path it takes.
            one_pass = X is not None and self.effective_metric_ != "euclidean"
            neigh_ind = self._kneighbors(X, None, False, exact_order=False, one_pass=one_pass)
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
        check_is_fitted(self)
        if not self._weighted_by_distance():
            return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

        # Distance weights: the score of class c is the sum of the weights of its
        # neighbours. NOTE: summed as a masked row (zeros for the other classes), as
        # sklearn's weighted_mode does, so that rounding, and hence near-ties, match.
        neigh_dist, neigh_ind = self.kneighbors(X)
        weights = self._neighbour_weights(neigh_dist)
        neighbour_classes = self._y[neigh_ind]  # (n_queries, k)
        scores = np.empty((neigh_ind.shape[0], self.classes_.size))
        for class_index in range(self.classes_.size):
            in_class = neighbour_classes == class_index
            scores[:, class_index] = np.sum(np.where(in_class, weights, 0.0), axis=1)
        return self.classes_[np.argmax(scores, axis=1)]

    def _weighted_by_distance(self):
        """True for ``weights="distance"`` or a callable."""
        return self.weights not in (None, "uniform")

    def _neighbour_weights(self, neigh_dist):
        """Vote weights of shape (n_queries, k) from the neighbour distances."""
        if self.weights == "distance":
            return _inverse_distance_weights(neigh_dist)
        weights = np.asarray(self.weights(neigh_dist), dtype=np.float64)
        if np.any(np.all(weights == 0, axis=1)):
            raise ValueError(
                "All neighbors of some sample is getting zero weights. Please modify "
                "'weights' to avoid this case if you are using a user-defined function."
            )
        return weights

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags
