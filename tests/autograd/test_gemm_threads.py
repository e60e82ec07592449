"""Matrix products split over glassbox's threads give the same bits as one np.matmul.

At 2 or more threads, ``glassbox._gemm.matmul`` cuts a large ``a @ b`` into stacked
matrices, column blocks or row blocks, one per thread, each multiplied by BLAS on one
thread. Each
output number is the same dot product summed in the same order, so the result must
equal ``np.matmul(a, b)`` (BLAS on one thread) bit for bit, whatever the thread count;
the layers that use it (convolutions, linear, ``@``) must give identical outputs and
gradients (first and second order) at 1 and 2-3 threads, and equal torch's.
The products here are at the real size threshold (no patched threshold: a piece below
OpenBLAS's small-matrix size could take another kernel, which is what it guards).
"""

import numpy as np
import pytest
import torch.nn.functional as TF
from threadpoolctl import threadpool_limits

from glassbox import _gemm, _threads
from glassbox.nn import functional as F
from parity import helper_test_op, results_to_second_order

pytestmark = pytest.mark.skipif(_gemm._numpy_blas_threads() is None,
                                reason="NumPy's BLAS is not an OpenBLAS on pthreads")

RNG = np.random.default_rng(0)


def _array(shape, dtype):
    return RNG.standard_normal(shape).astype(dtype)


# name -> (a, b, the cut expected at 2 threads)
PRODUCTS = {
    "stacked, cut along the batch": ((4, 128, 512), (4, 512, 256), "batch"),
    "broadcast weight over samples (per-sample conv)": ((2, 64, 576), (8, 2, 576, 256),
                                                        "batch"),
    "wide b: column blocks": ((64, 512), (512, 2048), "columns"),
    "tall a: row blocks": ((2048, 512), (512, 64), "rows"),
    "one stacked matrix: column blocks": ((1, 64, 576), (1, 576, 2048), "columns"),
}


@pytest.fixture
def one_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture
def threads(monkeypatch):
    def use(count, every_thread_works=True):
        monkeypatch.setattr(_threads, "_num_threads", count)
        monkeypatch.setattr(_threads, "_CALLER_TAKES_IDLE_PIECES", not every_thread_works)
    yield use


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(PRODUCTS))
def test_pieces_equal_one_product_bit_for_bit(name, dtype, threads):
    a_shape, b_shape, cut = PRODUCTS[name]
    a, b = _array(a_shape, dtype), _array(b_shape, dtype)
    assert _gemm._plan(a, b, 2)[0] == cut
    with threadpool_limits(limits=1, user_api="blas"):
        reference = np.matmul(a, b)
        for count, every_thread_works in [(2, True), (3, True), (2, False)]:
            threads(count, every_thread_works)
            np.testing.assert_array_equal(_gemm.matmul(a, b), reference)


def _record_blas_threads(monkeypatch):
    """Spy on _gemm's np.matmul calls: the list of BLAS thread counts each call ran with,
    the real np.matmul and the BLAS thread-count getter."""
    get_blas_threads = _gemm._numpy_blas_threads()[0]
    inside = []
    original = _gemm.np.matmul
    monkeypatch.setattr(_gemm.np, "matmul", lambda *args, **kwargs: inside.append(
        get_blas_threads()) or original(*args, **kwargs))
    return inside, original, get_blas_threads


@pytest.mark.parametrize("blas_threads", [1, 2])
def test_transposed_views_and_blas_threads_put_back(blas_threads, threads, monkeypatch):
    a = _array((512, 64), "float32").T                        # (64, 512), a view
    b = _array((2048, 512), "float32").T                      # (512, 2048), a view
    small = _array((64, 64), "float32")
    with threadpool_limits(limits=1, user_api="blas"):
        reference, small_reference = np.matmul(a, b), np.matmul(small, small)
    threads(2)
    inside, original, get_blas_threads = _record_blas_threads(monkeypatch)
    with threadpool_limits(limits=blas_threads, user_api="blas"):
        np.testing.assert_array_equal(_gemm.matmul(a, b), reference)        # cut
        np.testing.assert_array_equal(_gemm.matmul(small, small), small_reference)  # whole
        assert get_blas_threads() == blas_threads               # put back
    assert inside == [1, 1, 1]                                 # two pieces, one whole


def test_linear_products_too_small_to_cut_stay_on_blas_threads(threads, monkeypatch):
    a, b = _array((64, 512), "float32"), _array((512, 2048), "float32")
    small, weight = _array((128, 784), "float32"), _array((784, 256), "float32")  # the MLP's
    assert _gemm._plan(small, weight, 2, 1 << 23) is not None  # 8 M pieces would cut it
    assert _gemm._plan(small, weight, 2, _gemm._MIN_LINEAR_PIECE_MACS) is None
    threads(2)
    inside, original, get_blas_threads = _record_blas_threads(monkeypatch)
    with threadpool_limits(limits=1, user_api="blas"):
        reference = original(a, b)
    with threadpool_limits(limits=2, user_api="blas"):
        np.testing.assert_array_equal(
            _gemm.matmul(a, b, whole_on_blas_threads=True), reference)      # cut
        np.testing.assert_allclose(_gemm.matmul(small, weight, whole_on_blas_threads=True),
                                   original(small, weight), rtol=1e-5, atol=1e-4)  # whole
    assert inside == [1, 1, 2]   # two pieces on one BLAS thread, the small one on two


def test_small_linear_products_on_one_blas_thread(threads, monkeypatch):
    # LeNet-5's first linear layer (3 M multiply-adds): on one BLAS thread, so the same bits
    # at every thread count and no OpenBLAS thread left spinning; with the switch at 0, on
    # BLAS's threads
    x, weight_t = _array((64, 400), "float32"), _array((400, 120), "float32")
    threads(2)
    inside, original, get_blas_threads = _record_blas_threads(monkeypatch)
    with threadpool_limits(limits=1, user_api="blas"):
        reference = original(x, weight_t)
    with threadpool_limits(limits=2, user_api="blas"):
        np.testing.assert_array_equal(_gemm.matmul(x, weight_t, whole_on_blas_threads=True),
                                      reference)
        assert get_blas_threads() == 2                         # put back
        monkeypatch.setattr(_gemm, "_MIN_BLAS_THREADS_MACS", 0)
        _gemm.matmul(x, weight_t, whole_on_blas_threads=True)
    assert inside == [1, 2]   # the product on one BLAS thread, then (switch at 0) on two


def test_off_switch_is_plain_matmul(threads, monkeypatch):
    a, b = _array((64, 512), "float32"), _array((512, 2048), "float32")
    threads(2)
    monkeypatch.setattr(_gemm, "_PRODUCTS_ON_OWN_THREADS", False)
    calls = []
    monkeypatch.setattr(_gemm, "_matmul_in_pieces", lambda *args: calls.append(args))
    with threadpool_limits(limits=1, user_api="blas"):
        np.testing.assert_array_equal(_gemm.matmul(a, b), np.matmul(a, b))
    assert calls == []


def test_pieces_run_on_one_blas_thread_and_on_the_pool(threads, monkeypatch):
    import threading

    seen = []
    original = np.matmul
    get_blas_threads = _gemm._numpy_blas_threads()[0]

    def spy(*args, **kwargs):
        seen.append((threading.current_thread().name, get_blas_threads()))
        return original(*args, **kwargs)
    a, b = _array((64, 512), "float32"), _array((512, 2048), "float32")
    threads(2)
    monkeypatch.setattr(_gemm.np, "matmul", spy)
    with threadpool_limits(limits=2, user_api="blas"):
        _gemm.matmul(a, b)
    assert len(seen) == 2 and {blas for _, blas in seen} == {1}
    assert any(name.startswith("glassbox-intraop") for name, _ in seen)


@pytest.mark.usefixtures("one_blas_thread")
def test_small_products_and_other_inputs_run_whole(threads, monkeypatch):
    threads(2)
    assert _gemm._plan(_array((64, 784), "float32"), _array((784, 256), "float32"), 2) is None
    calls = []
    monkeypatch.setattr(_gemm, "_matmul_in_pieces", lambda *args: calls.append(args))
    a, c = _array((64, 512), "float32"), _array((2048, 512), "float32")
    for x, y in [(a, _array((512, 2048), "float64")),            # mixed dtypes: NumPy's rules
                 (a, a.T[:, :64]),                               # small
                 (c, c.T)]:                                      # c c^T: NumPy's syrk
        with threadpool_limits(limits=1, user_api="blas"):
            np.testing.assert_array_equal(_gemm.matmul(x, y), np.matmul(x, y))
    b = _array((512,), "float32")
    np.testing.assert_array_equal(_gemm.matmul(a, b), np.matmul(a, b))  # a vector
    assert calls == []
    with pytest.raises(ValueError):
        _gemm.matmul(_array((3, 64, 512), "float32"), _array((2, 512, 2048), "float32"))


def test_run_pieces_takes_each_piece_once_and_reraises(threads):
    for every_thread_works in (True, False):
        threads(3, every_thread_works)
        seen = np.zeros(7, dtype=int)

        def mark(i, stop, seen=seen):
            seen[i:stop] += 1
        _threads.run_pieces(7, mark)
        np.testing.assert_array_equal(seen, np.ones(7, dtype=int))

        def fail(i, stop):
            if i == 5:
                raise ArithmeticError(f"piece {i}")
        with pytest.raises(ArithmeticError, match="piece 5"):
            _threads.run_pieces(7, fail)


# name -> (glassbox function, torch function, input shapes); every product in them is
# large enough to be cut at 2 threads
LAYERS = {
    "conv2d 3x3 (im2col product, its weight and input gradients)": (
        lambda x, w: F.conv2d(x, w, padding=1), lambda x, w: TF.conv2d(x, w, padding=1),
        [(16, 32, 16, 16), (64, 32, 3, 3)]),
    "conv2d stride 2 (col2im input gradient)": (
        lambda x, w: F.conv2d(x, w, stride=2, padding=1),
        lambda x, w: TF.conv2d(x, w, stride=2, padding=1),
        [(16, 64, 16, 16), (128, 64, 3, 3)]),
    "linear": (lambda x, w, b: F.linear(x, w, b), lambda x, w, b: TF.linear(x, w, b),
               [(512, 256), (512, 256), (512,)]),
    "matmul (stacked)": (lambda a, b: a @ b, lambda a, b: a @ b,
                         [(4, 128, 256), (4, 256, 256)]),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(LAYERS))
def test_layers_identical_at_every_thread_count(name, dtype, threads, monkeypatch):
    function, _, shapes = LAYERS[name]
    arrays = [np.random.default_rng(2).standard_normal(s) for s in shapes]
    cut = []
    original = _gemm._matmul_in_pieces
    monkeypatch.setattr(_gemm, "_matmul_in_pieces", lambda *args: cut.append(1)
                        or original(*args))
    with threadpool_limits(limits=1, user_api="blas"):           # gb.set_num_threads(1)
        threads(1)
        reference = results_to_second_order(function, arrays, dtype)
        assert cut == []
    for count in (2, 3):
        with threadpool_limits(limits=count, user_api="blas"):   # gb.set_num_threads(count)
            threads(count)
            for mine, theirs in zip(results_to_second_order(function, arrays, dtype), reference):
                np.testing.assert_array_equal(mine, theirs)
    assert cut                                                 # the products were cut


@pytest.mark.usefixtures("one_blas_thread")
@pytest.mark.parametrize("name", list(LAYERS))
def test_layers_with_cut_products_equal_torch(name, threads):
    function, torch_function, shapes = LAYERS[name]
    threads(2)
    helper_test_op(shapes, torch_function, function, dtypes=("float64",))
    # float32: sums of 288 to 4096 products of numbers up to 2, near-zero results
    helper_test_op(shapes, torch_function, function, dtypes=("float32",), atol=1e-3)
