"""The chunked, multi-threaded array passes give the same numbers at every thread count.

``glassbox._threads`` splits im2col, col2im, the transposed copies, pooling and batch
norm into chunks of channels or samples. Here every chunk is made tiny
(``_MIN_CHUNK_BYTES = 1``) so that even small test arrays are split, into 3 chunks (an
uneven split), and each operation's output, first gradients and second-order gradients
(``create_graph=True``) must equal the one-thread results bit for bit, in float32 and
float64; the threaded path is also compared with torch through the parity helper.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassbox as gb
from glassbox import _threads
from glassbox.nn import _conv
from glassbox.nn import functional as F
from parity import helper_test_op, results_to_second_order


@pytest.fixture
def split_everything(monkeypatch):
    """Make every pass split into up to 3 chunks, whatever its size."""
    monkeypatch.setattr(_threads, "_MIN_CHUNK_BYTES", 1)
    monkeypatch.setattr(_threads, "_num_threads", 3)


def batch_norm_training(x, w, b):
    return F.batch_norm(x, None, None, w, b, training=True)


def batch_norm_eval(x, w, b):
    C = x.shape[1]
    mean, var = gb.tensor(np.linspace(-1, 1, C)), gb.tensor(np.linspace(0.5, 2, C))
    return F.batch_norm(x, mean.to(x.dtype), var.to(x.dtype), w, b, training=False)


# name -> (glassbox function, torch function, input shapes)
CASES = {
    "conv 3x3 pad 1 (im2col, stride-1 input gradient)": (
        lambda x, w, b: F.conv2d(x, w, b, padding=1),
        lambda x, w, b: TF.conv2d(x, w, b, padding=1),
        [(4, 5, 9, 8), (6, 5, 3, 3), (6,)]),
    "conv 4x4 stride 2 (col2im over channels)": (
        lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1),
        lambda x, w, b: TF.conv2d(x, w, b, stride=2, padding=1),
        [(5, 3, 10, 10), (4, 3, 4, 4), (4,)]),
    "conv 4x4 stride 2, one channel (col2im over samples)": (
        lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1),
        lambda x, w, b: TF.conv2d(x, w, b, stride=2, padding=1),
        [(5, 1, 10, 10), (3, 1, 4, 4), (3,)]),
    "conv, batch-wide product (L < K)": (
        lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=2),
        lambda x, w, b: TF.conv2d(x, w, b, padding=1, groups=2),
        [(4, 8, 5, 5), (6, 4, 3, 3), (6,)]),
    "conv 4x4 stride 2, batch-wide product (batch-last columns)": (
        lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1),
        lambda x, w, b: TF.conv2d(x, w, b, stride=2, padding=1),
        [(4, 6, 9, 9), (5, 6, 4, 4), (5,)]),
    "conv 1x1 (pointwise)": (
        lambda x, w, b: F.conv2d(x, w, b), lambda x, w, b: TF.conv2d(x, w, b),
        [(3, 4, 7, 7), (5, 4, 1, 1), (5,)]),
    "depthwise flat runs, stride 2": (
        lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=4),
        lambda x, w, b: TF.conv2d(x, w, b, stride=2, padding=1, groups=4),
        [(4, 4, 12, 11), (4, 1, 3, 3), (4,)]),
    "depthwise flat runs, stride 1": (
        lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=4),
        lambda x, w, b: TF.conv2d(x, w, b, padding=1, groups=4),
        [(4, 4, 12, 11), (4, 1, 3, 3), (4,)]),
    "depthwise plane matrices": (
        lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=4),
        lambda x, w, b: TF.conv2d(x, w, b, padding=1, groups=4),
        [(4, 4, 4, 4), (4, 1, 3, 3), (4,)]),
    "conv_transpose 4x4 stride 2 to one channel": (
        lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1),
        lambda x, w, b: TF.conv_transpose2d(x, w, b, stride=2, padding=1),
        [(5, 4, 6, 6), (4, 1, 4, 4), (1,)]),
    "max_pool 3x3 stride 2 pad 1": (
        lambda x: F.max_pool2d(x, 3, 2, 1), lambda x: TF.max_pool2d(x, 3, 2, 1),
        [(4, 3, 9, 9)]),
    "max_pool 2 on wide planes (planes first)": (
        lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2), [(3, 2, 36, 34)]),
    "avg_pool 2 on wide planes (planes first)": (
        lambda x: F.avg_pool2d(x, 2), lambda x: TF.avg_pool2d(x, 2), [(3, 2, 36, 34)]),
    "max_pool 2, unbatched": (
        lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2), [(5, 8, 6)]),
    "avg_pool 3x3 stride 2 pad 1": (
        lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
        lambda x: TF.avg_pool2d(x, 3, 2, 1, count_include_pad=False), [(4, 3, 9, 9)]),
    "batch norm 2d, training": (
        batch_norm_training,
        lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
        [(4, 5, 3, 3), (5,), (5,)]),
    "batch norm 2d, training, wide planes (pairwise sums)": (
        batch_norm_training,
        lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
        [(3, 7, 11, 13), (7,), (7,)]),
    "batch norm 1d, training": (
        batch_norm_training,
        lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
        [(6, 5), (5,), (5,)]),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", CASES)
def test_threaded_passes_equal_one_thread_bit_for_bit(monkeypatch, name, dtype):
    function, _, shapes = CASES[name]
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape) for shape in shapes]
    monkeypatch.setattr(_threads, "_num_threads", 1)
    one_thread = results_to_second_order(function, arrays, dtype)
    monkeypatch.setattr(_threads, "_MIN_CHUNK_BYTES", 1)
    monkeypatch.setattr(_threads, "_num_threads", 3)
    three_threads = results_to_second_order(function, arrays, dtype)
    assert len(one_thread) == len(three_threads) >= 4
    for index, (mine, reference) in enumerate(zip(three_threads, one_thread)):
        assert mine.dtype == reference.dtype
        np.testing.assert_array_equal(mine, reference, err_msg=f"{name}, result {index}")


@pytest.mark.parametrize("name", CASES)
def test_threaded_passes_match_torch(split_everything, name):
    function, torch_function, shapes = CASES[name]
    helper_test_op(shapes, torch_function, function, atol=1e-4)


@pytest.mark.parametrize("name", ["depthwise flat runs, stride 2", "depthwise flat runs, stride 1"])
def test_depthwise_offset_loop_threaded_equals_one_thread(monkeypatch, name):
    """The teaching loop (flat runs switched off) splits over samples too."""
    monkeypatch.setattr(_conv, "_DEPTHWISE_FLAT_RUNS", False)
    test_threaded_passes_equal_one_thread_bit_for_bit(monkeypatch, name, "float32")


def test_batch_norm_evaluation_threaded_equals_one_thread(monkeypatch):
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(shape) for shape in [(4, 5, 3, 3), (5,), (5,)]]
    monkeypatch.setattr(_threads, "_num_threads", 1)
    one_thread = results_to_second_order(batch_norm_eval, arrays, "float32")
    monkeypatch.setattr(_threads, "_MIN_CHUNK_BYTES", 1)
    monkeypatch.setattr(_threads, "_num_threads", 3)
    split = results_to_second_order(batch_norm_eval, arrays, "float32")
    for mine, reference in zip(split, one_thread):
        np.testing.assert_array_equal(mine, reference)


def test_max_pool_nan_and_ties_threaded(split_everything):
    x = np.random.default_rng(3).integers(0, 3, size=(3, 4, 6, 6)).astype(np.float32)
    x[1, 2, 3, 3] = np.nan
    helper_test_op(None, lambda t: TF.max_pool2d(t, 3, 1, 1, return_indices=True)[0],
                   lambda t: F.max_pool2d(t, 3, 1, 1), values=[x], dtypes=("float32",))
    ours = F.max_pool2d(gb.tensor(x), 3, 1, 1, return_indices=True)[1].numpy()
    theirs = TF.max_pool2d(torch.tensor(x), 3, 1, 1, return_indices=True)[1].numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_parallel_for_covers_every_item_once_and_reraises(monkeypatch):
    monkeypatch.setattr(_threads, "_num_threads", 4)
    seen = np.zeros(10, dtype=int)

    def mark(start, stop):
        seen[start:stop] += 1
    _threads.parallel_for(10, mark, nbytes=10 * _threads._MIN_CHUNK_BYTES)
    np.testing.assert_array_equal(seen, np.ones(10, dtype=int))
    assert _threads.chunk_count(10, 10 * _threads._MIN_CHUNK_BYTES) == 4
    assert _threads.chunk_count(10, 100) == 1                # too small to split

    def fail(start, stop):
        if start > 0:
            raise ArithmeticError(f"chunk {start}")
    with pytest.raises(ArithmeticError, match="chunk"):
        _threads.parallel_for(10, fail, nbytes=10 * _threads._MIN_CHUNK_BYTES)


def test_set_num_threads_sets_glassbox_and_blas_threads():
    from threadpoolctl import threadpool_info

    before = gb.get_num_threads()
    try:
        gb.set_num_threads(1)
        assert gb.get_num_threads() == 1
        blas = [pool["num_threads"] for pool in threadpool_info()
                if pool["user_api"] == "blas"]
        assert blas and all(n == 1 for n in blas)
    finally:
        gb.set_num_threads(before)
    assert gb.get_num_threads() == before


@pytest.mark.parametrize("bad", [0, -2, 1.5, "2", True])
def test_set_num_threads_refuses_non_positive_integers(bad):
    """torch's exception type (RuntimeError) and message start; also a ValueError."""
    with pytest.raises(RuntimeError) as theirs:
        torch.set_num_threads(bad)
    before = gb.get_num_threads()
    with pytest.raises(RuntimeError) as ours:
        gb.set_num_threads(bad)
    assert isinstance(ours.value, ValueError)
    assert str(ours.value).startswith(str(theirs.value).split(" but got")[0])
    assert gb.get_num_threads() == before


def test_conv_module_switch_reaches_the_threads(monkeypatch):
    """The chunked path really runs on other threads (not only chunked on this one)."""
    import threading

    monkeypatch.setattr(_threads, "_MIN_CHUNK_BYTES", 1)
    monkeypatch.setattr(_threads, "_num_threads", 2)
    monkeypatch.setattr(_threads, "_CALLER_TAKES_IDLE_PIECES", False)  # each thread a piece
    names = set()
    original = _conv._offset_slices

    def spy(*args):
        names.add(threading.current_thread().name)
        return original(*args)
    monkeypatch.setattr(_conv, "_offset_slices", spy)
    x = gb.tensor(np.ones((4, 3, 8, 8), np.float32))
    F.max_pool2d(x, 2)
    assert any(name.startswith("glassbox-intraop") for name in names)
    assert threading.current_thread().name in names
