"""Element-wise passes split over glassbox's intra-op threads (``glassbox.set_num_threads``).

An activation or an optimiser update computes each element from the same position of
its inputs, so a pass over a large array can be cut into consecutive pieces computed on
several threads at once (NumPy releases the GIL inside a ufunc loop). Each element is
computed by the same NumPy loop whatever the cut, so the result is the same bit for bit
at every thread count. Small arrays, and arrays that are not contiguous, run whole on
the calling thread (``_MIN_SPLIT_BYTES``; see :func:`glassbox._threads.parallel_for`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from glassbox import _threads

__all__ = ["elementwise"]

# NOTE: an element-wise pass moves its bytes once, at ~25-35 GB/s on one core while they
# fit in its caches; cut in two, the other core must first fetch them from this one's
# cache, and the hand-off costs ~100 us on a busy machine. Measured (ReLU, 2 cores):
# 1 MB in + out 85 us whole, 145 us cut in two; 4 MB 340 vs 460 us; 16 MB 1240 vs 850 us;
# and on the zoo's steps at 2 threads (DCGAN, WGAN-GP, LeNet-5) cutting no activation
# was 3-10% faster than cutting those above 1 MiB. So only passes over 32 MiB are cut.
_MIN_SPLIT_BYTES = 1 << 25


def elementwise(work: Callable[..., object], out: np.ndarray, *inputs: np.ndarray) -> np.ndarray:
    """Run ``work(out, *inputs)`` on pieces of the arrays, on several threads; return out.

    ``work`` must compute each element of ``out`` from the same element of each input
    (ufuncs with ``out=``; it may also update inputs in place, element by element, as an
    optimiser's moment averages). ``inputs`` of another shape or dtype than ``out``, or not
    contiguous, make the pass run whole.

    Examples
    --------
    >>> x = np.linspace(-1.0, 1.0, 5)
    >>> elementwise(lambda out, x: np.multiply(x, x, out=out), np.empty_like(x), x)
    array([1.  , 0.25, 0.  , 0.25, 1.  ])
    """
    arrays = (out, *inputs)
    if (out.ndim == 0 or _threads.get_num_threads() == 1
            or out.nbytes * len(arrays) < _MIN_SPLIT_BYTES
            or not all(a.shape == out.shape and a.dtype == out.dtype and a.flags.c_contiguous
                       for a in arrays)):
        work(out, *inputs)
        return out
    flat = [a.reshape(-1) for a in arrays]  # views: contiguous arrays

    def piece(start: int, stop: int) -> None:
        work(*(a[start:stop] for a in flat))

    _threads.parallel_for(out.size, piece, out.nbytes * len(arrays))
    return out
