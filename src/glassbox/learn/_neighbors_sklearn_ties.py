"""Ties among k nearest neighbours broken exactly as scikit-learn breaks them.

When several training points are exactly as far from a query as each other, which of
them are "the k nearest", and in which order, is a convention. scikit-learn's brute
force keeps, for each query, a bounded max-heap of the k best candidates while it scans
the training points in index order (in chunks shared by threads), then sorts the heap
with an (unstable) introsort. This module ports those routines, so that glassbox's
:class:`~glassbox.learn.neighbors.KNeighborsClassifier` returns the twin's neighbours,
ties included. It is replication, not the algorithm: the algorithm is
:func:`glassbox.learn.neighbors.knn_predict`. Only rows with ties come here.
"""

from math import ceil

import numpy as np
from sklearn import get_config
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads


def _heap_push(heap_values, heap_indices, value, index):
    """Push onto a bounded max-heap of the k smallest, exactly as scikit-learn does.

    A port of ``heap_push`` in ``sklearn/utils/_heap.pyx``: a value not strictly below the
    root (the largest kept) is rejected, so among equal distances the one met first stays;
    otherwise it replaces the root and sinks, each time below the larger child (the left
    one when both are equal).
    """
    size = len(heap_values)
    if value >= heap_values[0]:
        return
    current = 0
    while True:
        left = 2 * current + 1
        right = left + 1
        if left >= size:
            break
        if right >= size or heap_values[left] >= heap_values[right]:
            child = left
        else:
            child = right
        if not value < heap_values[child]:
            break
        heap_values[current] = heap_values[child]
        heap_indices[current] = heap_indices[child]
        current = child
    heap_values[current] = value
    heap_indices[current] = index


def _simultaneous_sort(values, indices, start, n, max_depth):
    """Sort ``values[start:start + n]`` (and ``indices`` with them) as scikit-learn does.

    A port of ``introsort_2way`` in ``sklearn/utils/_sorting.pyx``: quicksort with a
    median-of-three pivot, heapsort past a depth limit, insertion sort below 16 elements.
    It is not stable, so the order among equal distances depends on the heap's layout.
    """

    def swap(i, j):
        values[i], values[j] = values[j], values[i]
        indices[i], indices[j] = indices[j], indices[i]

    while n > 15:
        if max_depth <= 0:
            _heapsort(values, indices, start, n)
            return
        max_depth -= 1
        # median of three: smallest to the front, median (the pivot) to the back
        middle, last = start + n // 2, start + n - 1
        if values[start] > values[last]:
            swap(start, last)
        if values[last] > values[middle]:
            swap(last, middle)
            if values[start] > values[last]:
                swap(start, last)
        pivot = values[last]
        i, j = start + 1, start + n - 2
        while True:
            while i <= j and values[i] < pivot:
                i += 1
            while i <= j and values[j] > pivot:
                j -= 1
            if i >= j:
                break
            swap(i, j)
            i += 1
            j -= 1
        swap(i, last)
        _simultaneous_sort(values, indices, start, i - start, max_depth)
        n -= i - start + 1
        start = i + 1
    # insertion sort (stable) for the short remainder
    for i in range(start + 1, start + n):
        value, index = values[i], indices[i]
        j = i
        while j > start and values[j - 1] > value:
            values[j], indices[j] = values[j - 1], indices[j - 1]
            j -= 1
        values[j], indices[j] = value, index


def _heapsort(values, indices, start, n):
    """Heapsort of ``values[start:start + n]``, the introsort fallback of scikit-learn."""

    def sift_down(root, end):
        while True:
            child = 2 * root + 1
            largest = root
            if child < end and values[start + largest] < values[start + child]:
                largest = child
            if child + 1 < end and values[start + largest] < values[start + child + 1]:
                largest = child + 1
            if largest == root:
                return
            a, b = start + root, start + largest
            values[a], values[b] = values[b], values[a]
            indices[a], indices[b] = indices[b], indices[a]
            root = largest

    for root in range((n - 2) // 2, -1, -1):
        sift_down(root, n)
    for end in range(n - 1, 0, -1):
        values[start], values[start + end] = values[start + end], values[start]
        indices[start], indices[start + end] = indices[start + end], indices[start]
        sift_down(0, end)


def _heap_scan(row, start, stop, heap_values, heap_indices):
    """Push ``row[start:stop]`` in index order onto the heap (skipping sure rejections).

    A block of columns is looked at a time and only the values below the current root are
    pushed (the others would be rejected); blocks double in length as the root, and so
    the number of candidates, falls.
    """
    block = len(heap_values)
    while start < stop:
        segment = row[start : min(start + block, stop)]
        for offset in np.flatnonzero(segment < heap_values[0]).tolist():
            _heap_push(heap_values, heap_indices, float(segment[offset]), start + offset)
        start += block
        block *= 2


def _heap_select_row(row, n_neighbors, scan_ranges):
    """k nearest of one row by scikit-learn's rule: heap scans, a merge, then a sort.

    ``scan_ranges`` is None when scikit-learn scans the whole training set for each query
    in one pass; otherwise it lists the ``(start, stop)`` training ranges its threads scan
    into their own heaps, which are then pushed, thread after thread, onto the final heap.
    """
    largest = np.finfo(np.float64).max  # DBL_MAX fills empty heap slots, as in sklearn
    heap_values = [largest] * n_neighbors
    heap_indices = [0] * n_neighbors
    if scan_ranges is None:
        _heap_scan(row, 0, row.size, heap_values, heap_indices)
    else:
        for start, stop in scan_ranges:
            thread_values = [largest] * n_neighbors
            thread_indices = [-1] * n_neighbors
            _heap_scan(row, start, stop, thread_values, thread_indices)
            for value, index in zip(thread_values, thread_indices):
                _heap_push(heap_values, heap_indices, value, index)
    max_depth = 2 * int(np.log2(n_neighbors))
    _simultaneous_sort(heap_values, heap_indices, 0, n_neighbors, max_depth)
    return heap_indices


def _sklearn_scan_ranges(n_queries, n_fit):
    """How scikit-learn's brute-force ``kneighbors`` splits the training set.

    Its heuristic (``sklearn/metrics/_pairwise_distances_reduction/_base.pyx.tp``): with
    more queries than training points, or more than ``4 * chunk_size * n_threads``
    queries, each query scans the whole training set in one pass (returns None).
    Otherwise the training set is cut in chunks of ``chunk_size`` (256) rows shared by
    the threads in contiguous runs (OpenMP's static schedule: the first
    ``n_chunks % n_threads`` threads get one chunk more); returns each thread's range.
    """
    chunk_size = get_config().get("pairwise_dist_chunk_size", 256)
    n_threads = _openmp_effective_n_threads()
    if n_fit < n_queries or 4 * chunk_size * n_threads < n_queries:
        return None
    rows_per_chunk = min(n_fit, chunk_size)
    n_chunks = ceil(n_fit / rows_per_chunk)
    n_threads = min(n_chunks, n_threads)
    chunks_per_thread, n_threads_with_one_more = divmod(n_chunks, n_threads)
    ranges, first_chunk = [], 0
    for thread in range(n_threads):
        n_thread_chunks = chunks_per_thread + (thread < n_threads_with_one_more)
        last_chunk = first_chunk + n_thread_chunks
        ranges.append((first_chunk * rows_per_chunk, min(last_chunk * rows_per_chunk, n_fit)))
        first_chunk = last_chunk
    return ranges


