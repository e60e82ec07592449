"""Intra-op threads: ``glassbox.set_num_threads`` and the chunked array passes behind it.

torch runs every operator on its pool of intra-op threads (``torch.set_num_threads``).
glassbox's matrix products run on NumPy's BLAS, which has threads of its own, but its
other large array passes -- the im2col copy, col2im's sums, batch-norm statistics,
pooling -- are NumPy loops that run on one core. NumPy releases the GIL inside such a
loop, so plain Python threads can run several at once: :func:`parallel_for` splits one
pass into chunks along an axis whose entries are computed independently of each other
(the channels, the samples) and runs the chunks on a small pool of threads.

Each entry is computed by the same NumPy loop, in the same order, whatever the number
of chunks, so results are the same bit for bit at every thread count (the tests check
it). A pass is split only when each chunk is big enough to pay for handing it to a
thread (``_MIN_CHUNK_BYTES``); small arrays run as before, on the calling thread. Each
pool thread is pinned to a core of its own (``_PIN_POOL_THREADS``), so that the system
does not wake it on the core of the thread that is waiting for it.
"""

from __future__ import annotations

import functools
import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = ["get_num_threads", "set_num_threads"]

# NOTE: handing a chunk to a pool thread and waiting for it costs ~20-50 microseconds on
# idle cores, and ~100-150 on a machine whose other core is busy (each hand-off wakes a
# thread and passes the GIL back and forth; measured: a ReLU over 0.5 MB took 31 us on
# one thread, 153 us cut in two). Measured on the zoo's train steps at 2 threads (one
# process, alternating): 1 MiB chunks beat 256 KiB ones by 3-15% on most rows (ResNet18,
# GoogLeNet, MobileNet, LeNet-5, the MLP), larger ones lost on GoogLeNet, DenseNet,
# ResNet50 and MobileNet.
_MIN_CHUNK_BYTES = 1 << 20


def _default_num_threads() -> int:
    """OMP_NUM_THREADS when set (as torch reads it), else the cores this process may use."""
    try:
        requested = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        requested = 0
    if requested >= 1:
        return requested
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


_num_threads = _default_num_threads()


class _ThreadsError(RuntimeError, ValueError):
    """A bad thread count: torch raises RuntimeError, glassbox's convention for bad input
    is ValueError; this error is both."""


def set_num_threads(num_threads: int) -> None:
    """Use ``num_threads`` threads for glassbox's array work, as ``torch.set_num_threads``.

    Sets the threads of glassbox's own chunked passes (convolution copies, batch norm,
    pooling, activations) and of its matrix products (at 2 threads or more each product
    runs on one BLAS thread and the large ones are cut over these threads; see
    ``glassbox._gemm``), and limits NumPy's BLAS (for other NumPy code) to the same
    number, through threadpoolctl.

    Parameters
    ----------
    num_threads : int
        At least 1.

    Raises
    ------
    RuntimeError (also a ValueError)
        If ``num_threads`` is not a positive integer (torch raises RuntimeError).

    See Also
    --------
    torch.set_num_threads

    Examples
    --------
    >>> import glassbox as gb
    >>> before = gb.get_num_threads()
    >>> gb.set_num_threads(1)
    >>> gb.get_num_threads()
    1
    >>> gb.set_num_threads(before)
    """
    global _num_threads
    if isinstance(num_threads, bool) or not isinstance(num_threads, int):
        raise _ThreadsError(f"set_num_threads expects an int, but got "
                            f"{type(num_threads).__name__}: num_threads={num_threads!r}")
    if num_threads < 1:
        raise _ThreadsError(f"set_num_threads expects a positive integer, received "
                            f"num_threads={num_threads}; use 1 for no extra threads")
    _num_threads = num_threads
    _blas_controller().limit(limits=num_threads, user_api="blas")


def get_num_threads() -> int:
    """The number of threads glassbox uses for its array work (``torch.get_num_threads``).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.get_num_threads() >= 1
    True
    """
    return _num_threads


@functools.cache
def _blas_controller():
    """One threadpoolctl controller (finding the BLAS libraries is slow: do it once)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@functools.cache
def _pool(workers: int, process_id: int) -> ThreadPoolExecutor:
    """Worker threads kept for the session (starting threads per call costs more than a
    pass). Keyed by process id: a forked child inherits the object, not its threads."""
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="glassbox-intraop")


# Pieces go to whichever thread is free first (False: piece i to thread i mod threads,
# as the tests want, to see that every thread works).
_CALLER_TAKES_IDLE_PIECES = True

_worker = threading.local()  # .busy: this thread is running a chunk already; .pinned

# Switch: each pool thread pinned to a core of its own (pool thread k to the process's
# core k + 1, the calling thread left free), or (False) wherever the system puts them.
# NOTE: while the other core runs anything, Linux often wakes an unpinned pool thread on
# the calling thread's core, and the two then take turns. Measured at 2 threads (zoo
# steps, one process, alternating): pinned 0-6 % faster on 9 of the 11 rows, within
# noise on the others (LeNet-5 -17 % to +6 % across runs); pinning the calling thread too
# during each parallel section was no better. A piece the pinned thread cannot start in
# time is taken by the calling thread (run_pieces), so a busy core delays nothing.
_PIN_POOL_THREADS = True
_pool_thread_numbers = itertools.count()


def _pin_pool_thread() -> None:
    """Pin (or unpin) the calling pool thread as ``_PIN_POOL_THREADS`` asks, once per change."""
    if getattr(_worker, "pinned", False) == _PIN_POOL_THREADS:
        return
    try:
        if not hasattr(os, "sched_setaffinity"):
            pass  # (not Linux: threads go where the system puts them)
        elif _PIN_POOL_THREADS:
            _worker.cores = sorted(os.sched_getaffinity(0))
            if len(_worker.cores) > 1:
                number = next(_pool_thread_numbers)
                os.sched_setaffinity(0, {_worker.cores[1 + number % (len(_worker.cores) - 1)]})
        elif getattr(_worker, "cores", None):
            os.sched_setaffinity(0, _worker.cores)
    except OSError:
        pass  # (a container may forbid it: run unpinned)
    _worker.pinned = _PIN_POOL_THREADS


def chunk_count(items: int, nbytes: int) -> int:
    """How many chunks to cut a pass over ``items`` entries (``nbytes`` in all) into."""
    if getattr(_worker, "busy", False):
        return 1  # a pass inside a chunk runs whole: waiting on the pool could deadlock
    return max(1, min(_num_threads, items, nbytes // _MIN_CHUNK_BYTES))


def parallel_for(items: int, work, nbytes: int) -> None:
    """Run ``work(start, stop)`` over consecutive chunks of ``range(items)`` on threads.

    ``work`` must compute each entry independently of the others (typically it writes
    ``out[start:stop]`` from ``x[start:stop]``). ``nbytes`` is the memory the whole pass
    touches; it decides whether splitting pays. The calling thread runs the first chunk.

    Examples
    --------
    >>> import numpy as np
    >>> x, out = np.arange(6.0), np.empty(6)
    >>> def double(start, stop):
    ...     np.multiply(x[start:stop], 2, out=out[start:stop])
    >>> parallel_for(len(x), double, x.nbytes)
    >>> out
    array([ 0.,  2.,  4.,  6.,  8., 10.])
    """
    chunks = chunk_count(items, nbytes)
    if chunks == 1:
        work(0, items)
        return
    bounds = [items * i // chunks for i in range(chunks + 1)]
    run_pieces(chunks, lambda start, stop: work(bounds[start], bounds[stop]))


def run_pieces(pieces: int, work) -> None:
    """Run ``work(start, stop)`` over the pieces ``0 .. pieces - 1``, each piece once, on
    up to ``get_num_threads()`` threads at once: ``work(i, i + 1)`` for each piece, or, on
    one thread, a single ``work(0, pieces)``.

    The calling thread and the pool's threads take the pieces in turn, whoever is free
    first: a pool thread that the system has not started yet (the other cores busy)
    leaves its pieces to the calling thread instead of making it wait. Each piece is
    computed by the same ``work`` call whichever thread runs it.

    Examples
    --------
    >>> done = []
    >>> run_pieces(3, lambda start, stop: done.extend(range(start, stop)))
    >>> sorted(done)
    [0, 1, 2]
    """
    if pieces <= 1 or _num_threads == 1:
        work(0, pieces)
        return
    threads = min(pieces, _num_threads)
    claim = itertools.count()          # next(claim) is atomic: each piece taken once
    lock, finished = threading.Lock(), threading.Event()
    state = {"left": pieces, "error": None}

    def take_pieces(thread: int) -> None:
        if thread:
            _pin_pool_thread()
        _worker.busy = True
        try:
            # _CALLER_TAKES_IDLE_PIECES False (tests): thread t runs pieces t, t + threads, ..
            mine = (iter(claim.__next__, None) if _CALLER_TAKES_IDLE_PIECES
                    else iter(range(thread, pieces, threads)))
            for i in mine:
                if i >= pieces:
                    break
                try:
                    work(i, i + 1)
                except BaseException as error:  # re-raised by the calling thread
                    state["error"] = state["error"] or error
                with lock:
                    state["left"] -= 1
                    if state["left"] == 0:
                        finished.set()
        finally:
            _worker.busy = False

    pool = _pool(_num_threads - 1, os.getpid())
    for thread in range(1, threads):
        pool.submit(take_pieces, thread)
    take_pieces(0)
    finished.wait()
    if state["error"] is not None:
        raise state["error"]


def copy(destination, source) -> None:
    """``destination[...] = source``, split along the first axis longer than 1 (same
    shapes)."""
    while destination.ndim > 1 and destination.shape[0] == 1:
        destination, source = destination[0], source[0]
    if destination.ndim == 0:
        destination[...] = source
        return

    def work(start, stop):
        destination[start:stop] = source[start:stop]
    parallel_for(destination.shape[0], work, destination.nbytes)


def ascontiguous(array):
    """``np.ascontiguousarray(array)`` with the copy split along the first axis."""
    if array.flags.c_contiguous:
        return array
    out = np.empty(array.shape, dtype=array.dtype)
    copy(out, array)
    return out
