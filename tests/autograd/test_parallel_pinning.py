"""glassbox's pool threads pinned to cores of their own (``_threads._PIN_POOL_THREADS``).

With the switch on, a pool thread runs its pieces on one core, not the process's first
(where the calling thread usually runs); with it off, on every core the process may use
again; where the system refuses to pin, the pieces still run, each once.
"""

import os
import threading

import numpy as np
import pytest

from glassbox import _threads

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="pinning needs Linux and at least two cores")


@pytest.fixture
def every_thread_works(monkeypatch):
    """2 threads, piece i on thread i (the pool surely runs piece 1)."""
    monkeypatch.setattr(_threads, "_num_threads", 2)
    monkeypatch.setattr(_threads, "_CALLER_TAKES_IDLE_PIECES", False)


def _cores_of_each_piece(pieces=2):
    """{piece: (thread name, the cores that thread may run on)} from one run_pieces."""
    seen = {}

    def record(start, stop):
        seen[start] = (threading.current_thread().name, frozenset(os.sched_getaffinity(0)))
    _threads.run_pieces(pieces, record)
    return seen


@pytest.mark.usefixtures("every_thread_works")
def test_pool_thread_pinned_to_a_core_other_than_the_first_and_unpinned(monkeypatch):
    cores = sorted(os.sched_getaffinity(0))
    monkeypatch.setattr(_threads, "_PIN_POOL_THREADS", True)
    seen = _cores_of_each_piece()
    name, pool_cores = seen[1]
    assert name.startswith("glassbox-intraop")
    assert len(pool_cores) == 1 and min(pool_cores) in cores[1:]
    assert seen[0][1] == frozenset(cores)  # the calling thread is left alone

    monkeypatch.setattr(_threads, "_PIN_POOL_THREADS", False)
    assert _cores_of_each_piece()[1][1] == frozenset(cores)


@pytest.mark.usefixtures("every_thread_works")
def test_pieces_run_once_where_pinning_is_refused(monkeypatch):
    monkeypatch.setattr(_threads, "_PIN_POOL_THREADS", False)
    _cores_of_each_piece()  # the pool thread unpinned, so that it tries again below

    def refuse(*args):
        raise PermissionError("sched_setaffinity: not permitted here")
    monkeypatch.setattr(_threads.os, "sched_setaffinity", refuse)
    monkeypatch.setattr(_threads, "_PIN_POOL_THREADS", True)
    seen = np.zeros(5, dtype=int)

    def mark(start, stop):
        seen[start:stop] += 1
    _threads.run_pieces(5, mark)
    np.testing.assert_array_equal(seen, np.ones(5, dtype=int))
