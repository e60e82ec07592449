"""Activations and Adam's update split over glassbox's threads (``autograd._parallel``):
the same bits at 1 and 2 threads, on arrays large enough to be split."""

import numpy as np
import pytest

import glassbox as gb
from glassbox import _threads
from glassbox.autograd import _parallel
from glassbox.nn import functional as F

SHAPE = (300, 1000)  # 1.2 MB in float32: cut in two pieces at 2 threads


@pytest.fixture
def threads(monkeypatch):
    monkeypatch.setattr(_parallel, "_MIN_SPLIT_BYTES", 0)  # cut these 1.2 MB arrays too
    before = gb.get_num_threads()
    yield gb.set_num_threads
    gb.set_num_threads(before)


def forward_backward(function, dtype):
    rng = np.random.default_rng(0)
    x = gb.tensor(rng.standard_normal(SHAPE).astype(dtype) * 3, requires_grad=True)
    y = function(x)
    y.backward(gb.tensor(rng.standard_normal(SHAPE).astype(dtype)))
    return y.numpy().copy(), x.grad.numpy().copy()


def leaky_relu(x):
    return F.leaky_relu(x, 0.2)


@pytest.mark.parametrize("function", [F.relu, leaky_relu, F.tanh, F.sigmoid],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_activations_identical_at_one_and_two_threads(threads, function, dtype):
    threads(2)
    assert _threads.chunk_count(SHAPE[0] * SHAPE[1], np.dtype(dtype).itemsize
                                * SHAPE[0] * SHAPE[1] * 2) == 2  # the pass is split
    two = forward_backward(function, dtype)
    threads(1)
    one = forward_backward(function, dtype)
    for a, b in zip(two, one):
        assert a.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(a, b)


def adam_trajectory(amsgrad):
    rng = np.random.default_rng(1)
    w = gb.nn.Parameter(gb.tensor(rng.standard_normal(SHAPE).astype("float32")))
    target = gb.tensor(rng.standard_normal(SHAPE).astype("float32"))
    opt = gb.optim.Adam([w], lr=0.01, amsgrad=amsgrad)
    for _ in range(3):
        opt.zero_grad()
        ((w - target) ** 2).sum().backward()
        opt.step()
    return [w.numpy().copy()] + [np.array(v) for k, v in sorted(opt.state[w].items())
                                 if k != "step"]


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_identical_at_one_and_two_threads(threads, amsgrad):
    threads(2)
    two = adam_trajectory(amsgrad)
    threads(1)
    one = adam_trajectory(amsgrad)
    assert len(two) == (4 if amsgrad else 3)
    for a, b in zip(two, one):
        np.testing.assert_array_equal(a, b)


def test_elementwise_splits_and_matches_the_whole_pass(threads):
    threads(2)
    x = np.random.default_rng(2).standard_normal(1 << 17)
    pieces = []

    def square(out, x):
        pieces.append(len(x))
        np.multiply(x, x, out=out)
    out = _parallel.elementwise(square, np.empty_like(x), x)
    assert sorted(pieces) == [1 << 16, 1 << 16]
    np.testing.assert_array_equal(out, x * x)
    pieces.clear()
    _parallel.elementwise(square, np.empty_like(x[::2]), x[::2])  # not contiguous: whole
    assert pieces == [1 << 16]


def test_passes_below_the_split_size_run_whole(monkeypatch):
    calls = []
    monkeypatch.setattr(_threads, "parallel_for", lambda *args: calls.append(args))
    monkeypatch.setattr(_threads, "_num_threads", 2)
    x = np.linspace(-1.0, 1.0, 1000, dtype=np.float32)          # far below 32 MiB
    out = _parallel.elementwise(lambda out, x: np.maximum(x, 0, out=out), np.empty_like(x), x)
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    assert calls == []
    big = np.zeros(_parallel._MIN_SPLIT_BYTES // 8 + 1, dtype=np.float32)  # out + 1 input
    _parallel.elementwise(lambda out, x: np.maximum(x, 0, out=out), np.empty_like(big), big)
    assert len(calls) == 1
