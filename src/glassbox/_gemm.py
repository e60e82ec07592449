"""Matrix products on glassbox's threads: :func:`matmul`, ``np.matmul`` in pieces.

glassbox's layers spend most of their time in matrix products (a linear layer's three,
a convolution's three over its im2col columns). NumPy hands each to its BLAS
(OpenBLAS), which has threads of its own; but after each product OpenBLAS's idle
threads keep spinning on the other cores for a while (~0.1 s), just when glassbox's
own threads (:mod:`glassbox._threads`: im2col, pooling, batch norm, activations) and
its Python want them. So when glassbox runs on several threads
(``glassbox.set_num_threads``), its products run on one BLAS thread each and the large
ones are cut over glassbox's threads instead: ``a @ b`` is cut into pieces that share
no output number -- stacked matrices of a batched product, blocks of output columns,
or blocks of output rows -- and each thread computes its pieces with the same
one-thread BLAS call, ``np.matmul(a_piece, b_piece, out=out_piece)`` (NumPy releases
the GIL inside it). Each output number is still one dot product over the whole inner
dimension, summed in the same order by the same BLAS kernel, so the result is the same
bit for bit at every thread count (tested; OpenBLAS's own threads do not promise that).
A product is cut only when each piece keeps enough work to pay for handing it to a
thread (``_MIN_PIECE_MACS`` multiply-adds); smaller ones run whole on the calling
thread. BLAS's thread count is set back after each product, so other NumPy code keeps
its threads.

Measured (2 cores, zoo train steps at 2 threads, one process, alternating): ResNet18,
DCGAN, DenseNet121, MobileNet, GoogLeNet and LeNet-5 10-30% faster than with the
products on OpenBLAS's two threads; the MLP 20-30% slower, which is why linear layers
leave their products too small to cut but not tiny (the MLP's, ~25 M multiply-adds each)
on BLAS's threads (``whole_on_blas_threads``, ``_MIN_BLAS_THREADS_MACS``). On one
product alone OpenBLAS's two threads scale better (1.5-1.9x, these pieces 1.4-1.6x):
the gain is in the whole step.

The teaching version is one line, ``np.matmul(a, b)``; :func:`matmul` is tested equal to
it bit for bit.
"""

from __future__ import annotations

import functools
import math
import os

import numpy as np

from glassbox import _threads

__all__ = ["matmul"]

# Switch: False runs every product as one np.matmul call on BLAS's own threads.
_PRODUCTS_ON_OWN_THREADS = True

# NOTE: a piece must be worth handing to a thread (~20-50 us on idle cores, 100-150 us
# on a busy machine), and OpenBLAS switches to a different "small matrix" kernel below
# about 1e6 multiply-adds (SkylakeX): pieces far above that keep the kernel of the whole
# product. At ~40-70 GMAC/s a piece of 32 M multiply-adds takes ~0.5-0.8 ms on one core:
# the pool thread starts a section 80-240 us late on a busy machine, and sections under
# ~1 ms barely beat running whole (benchmarks/bench_threads.py). Measured on the zoo at
# 2 threads (one process, alternating; 8 M -> 32 M, three runs): ResNet50 -9 / -3 / -4 %,
# GoogLeNet -1 / -4 %, DenseNet121 -1 / -5 %, ResNet18 -2 / -2 %, DCGAN +1 / +1 / -2 %,
# WGAN-GP -4 / +0.5 %, VGG16 +3 %, AlexNet and LeNet-5 equal (an earlier session: 8 M beat
# 16 M by 5-9 % on LeNet-5 and WGAN-GP, 4 M no better). Linear layers: 16 M (the MLP's
# 25 M products were slower cut than on BLAS's threads).
_MIN_PIECE_MACS = 1 << 25
_MIN_LINEAR_PIECE_MACS = 1 << 24

# Switch: a linear layer's product too small to cut goes to BLAS's threads only from this
# many multiply-adds (the MLP's); smaller ones run on one BLAS thread (0: all on BLAS's
# threads). NOTE: OpenBLAS uses its threads from ~0.26 M multiply-adds, and each time
# they then spin ~0.1 s on the other core. LeNet-5's first linear layer (3 M) kept one
# spinning through every step: at 2 threads its process used 17.7-21.3 ms of CPU per
# 9.7-11.7 ms step, and 9.7-10.3 ms per 9.7-9.9 ms step with this limit; one-process A/B
# (30 steps): LeNet-5 10.17 -> 9.39 and 10.06 -> 9.73 ms, DCGAN 137.2 -> 135.3, WGAN-GP
# 123.3 -> 120.6, AlexNet 208.1 -> 212.6, MLP 1.54 -> 1.46 (its 25 M products unchanged).
_MIN_BLAS_THREADS_MACS = 1 << 23

# Column blocks start at multiples of 16 numbers (64 bytes: the row of the BLAS kernel's
# register tile for float32, and one cache line), row blocks at multiples of 8.
_COLUMN_ALIGN = 16
_ROW_ALIGN = 8


@functools.cache
def _numpy_blas_threads():
    """``(get, set)`` of the thread count of the BLAS that NumPy calls, or None.

    Found through threadpoolctl's controller of NumPy's own OpenBLAS (the one under
    NumPy's package directory; SciPy may load another). None when NumPy's BLAS is not an
    OpenBLAS on its own pthreads (then products are not split: we could not keep its
    threads off while ours run).
    """
    numpy_dir = os.path.dirname(os.path.dirname(os.path.abspath(np.__file__)))
    for lib in _threads._blas_controller().lib_controllers:
        path = os.path.abspath(lib.filepath)
        if (lib.internal_api == "openblas" and getattr(lib, "threading_layer", "") == "pthreads"
                and path.startswith(numpy_dir + os.sep)
                and os.path.basename(os.path.dirname(path)).startswith("numpy")):
            symbol = getattr(lib, "_get_symbol", None)  # (threadpoolctl's, with affixes)
            if symbol is None:
                return None
            get = symbol("openblas_get_num_threads")
            set_ = symbol("openblas_set_num_threads")
            if get is not None and set_ is not None:
                return get, set_
    return None


def _pieces(length: int, count: int, align: int) -> list[int]:
    """Boundaries cutting ``range(length)`` into ``count`` near-equal aligned pieces."""
    bounds = [0]
    for i in range(1, count):
        cut = (length * i // count) // align * align
        if cut > bounds[-1]:
            bounds.append(cut)
    bounds.append(length)
    return bounds


def _plan(a: np.ndarray, b: np.ndarray, threads: int, min_piece: int = 0):
    """How to cut ``a @ b``: ``(axis, bounds)`` or None to run it whole.

    ``axis`` is "batch" (the first stacked axis of the output), "columns" or "rows".
    """
    M, K = a.shape[-2:]
    N = b.shape[-1]
    batch = (np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) if a.ndim > 2 or b.ndim > 2
             else ())
    macs = math.prod(batch) * M * N * K
    count = min(threads, macs // (min_piece or _MIN_PIECE_MACS))
    if count < 2:
        return None
    if batch and batch[0] >= count:
        return "batch", _pieces(batch[0], count, 1)
    # A column block re-reads all of a, a row block all of b: cut the side that makes
    # the smaller operand the one read again by every thread.
    if N >= count * _COLUMN_ALIGN and (M * K <= K * N or M < count * _ROW_ALIGN):
        return "columns", _pieces(N, count, _COLUMN_ALIGN)
    if M >= count * _ROW_ALIGN:
        return "rows", _pieces(M, count, _ROW_ALIGN)
    return None


def matmul(a: np.ndarray, b: np.ndarray, *, whole_on_blas_threads: bool = False
           ) -> np.ndarray:
    """``np.matmul(a, b)`` for arrays of at least two dimensions, on glassbox's threads.

    With ``glassbox.get_num_threads() > 1``: BLAS on one thread for this product, and a
    large product cut over glassbox's threads; the result is the same, bit for bit, as
    ``np.matmul(a, b)`` on one BLAS thread, at every thread count. With one thread: plain
    ``np.matmul(a, b)``. Stacked (batch) dimensions broadcast as in ``np.matmul``.

    ``whole_on_blas_threads=True`` leaves a product too small to cut, but of at least
    ``_MIN_BLAS_THREADS_MACS`` multiply-adds, on BLAS's own threads (linear layers and
    ``@`` ask for it: a network of linear layers alone gives the cores nothing else to
    do, and OpenBLAS's threads, spinning between its products, serve back-to-back
    products best; the MLP's step at 2 threads measured 1.7 -> 1.4 ms, no row slower).
    Those products are then not bit-identical across thread counts.

    Examples
    --------
    >>> a = np.arange(6.0).reshape(2, 3)
    >>> matmul(a, a.T)
    array([[ 5., 14.],
           [14., 50.]])
    """
    threads = _threads._num_threads
    if (threads == 1 or not _PRODUCTS_ON_OWN_THREADS or a.ndim < 2 or b.ndim < 2
            or getattr(_threads._worker, "busy", False)):
        return np.matmul(a, b)
    blas = _numpy_blas_threads()
    if blas is None:
        return np.matmul(a, b)
    plan = None
    # quick first test: max(a.size * N, b.size * M) is at most the multiply-adds
    macs_at_least = max(a.size * b.shape[-1], b.size * a.shape[-2])
    min_piece = _MIN_LINEAR_PIECE_MACS if whole_on_blas_threads else _MIN_PIECE_MACS
    if (macs_at_least >= 2 * min_piece
            and a.dtype == b.dtype and a.dtype.kind in "fc" and a.shape[-1] == b.shape[-2]
            and not np.may_share_memory(a, b)):  # (a @ a.T is NumPy's syrk: one piece)
        plan = _plan(a, b, threads, min_piece)
    if plan is None and whole_on_blas_threads and macs_at_least >= _MIN_BLAS_THREADS_MACS:
        return np.matmul(a, b)
    get_blas_threads, set_blas_threads = blas
    blas_threads = get_blas_threads()
    if blas_threads != 1:
        set_blas_threads(1)  # BLAS's threads stay asleep (see the module's notes)
    try:
        return np.matmul(a, b) if plan is None else _matmul_in_pieces(a, b, *plan)
    finally:
        if blas_threads != 1:
            set_blas_threads(blas_threads)


def _matmul_in_pieces(a, b, axis, bounds):
    """``a @ b`` computed piece by piece (cut along ``axis`` at ``bounds``) on threads."""
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    out = np.empty((*batch, a.shape[-2], b.shape[-1]), dtype=np.result_type(a, b))
    if axis == "batch":
        a = np.broadcast_to(a, (*batch, *a.shape[-2:]))
        b = np.broadcast_to(b, (*batch, *b.shape[-2:]))

    def pieces(first: int, stop: int) -> None:
        for i in range(first, stop):
            part = slice(bounds[i], bounds[i + 1])
            if axis == "batch":
                np.matmul(a[part], b[part], out=out[part])
            elif axis == "columns":
                np.matmul(a, b[..., part], out=out[..., part])
            else:                                              # rows
                np.matmul(a[..., part, :], b, out=out[..., part, :])

    _threads.run_pieces(len(bounds) - 1, pieces)
    return out
