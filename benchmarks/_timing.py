"""Timing helper shared by the benchmark scripts (run as ``python benchmarks/bench_X.py``:
the script's folder is on ``sys.path``, so ``from _timing import best_ms`` resolves)."""

from __future__ import annotations

import time

import numpy as np


def best_ms(step, repeat, clock=time.perf_counter):
    """Best of ``repeat`` calls of ``step`` in milliseconds, after two warm-up calls."""
    step()
    step()
    times = []
    for _ in range(repeat):
        start = clock()
        step()
        times.append(clock() - start)
    return 1e3 * float(np.min(times))
