"""Train-step speed and peak memory of glassbox.nn against torch (CPU, float32).

Run:  python benchmarks/bench_nn.py [--repeats 50] [--threads 1 2] [--clock wall|cpu]

Both engines run in this one process, on the same data and the same initial weights, at
each ``--threads`` count: torch with that many threads (``torch.set_num_threads``),
glassbox with as many (``glassbox.set_num_threads``: its chunked array passes, and
NumPy's BLAS through threadpoolctl). ``--clock cpu`` times this process's CPU time
instead of the wall clock: steadier on a machine shared with other work, meaningful at
1 thread only (it adds up the time of every thread). One *train step* is: forward, loss,
backward, and a plain SGD update written on the raw arrays (``p.data -= lr * p.grad``),
so the optimiser's own cost is not measured.

- MLP 784-256-10, ReLU, cross-entropy, batch 128 (goal: <= 1.0x torch);
- LeNet-5 (conv 5x5 -> 6, max-pool, conv 5x5 -> 16, max-pool, 120, 84, 10), batch 64
  (goal: <= 1.5x torch).

Times are medians over ``--repeats`` steps after warm-up, the two engines alternating
in blocks of 10 steps so that both see the same machine load.

Peak memory of one step, two ways: the growth of the process's peak resident set
(``VmHWM`` in /proc, reset before the step through /proc/self/clear_refs) above the
resident set before the step, measured the same way for both engines (Linux only);
and, for glassbox, the peak that ``tracemalloc`` sees (NumPy reports its buffers to it;
torch's allocator does not, so there is no torch figure for that column).
The machine is shared, so absolute numbers are noisy; compare the ratios.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc

import numpy as np
import torch
from threadpoolctl import threadpool_limits

import glassbox as gb
from glassbox import nn


def mlp(namespace):
    return namespace.Sequential(namespace.Linear(784, 256), namespace.ReLU(),
                                namespace.Linear(256, 10))


def lenet5(namespace):
    return namespace.Sequential(
        namespace.Conv2d(1, 6, 5, padding=2), namespace.ReLU(), namespace.MaxPool2d(2),
        namespace.Conv2d(6, 16, 5), namespace.ReLU(), namespace.MaxPool2d(2),
        namespace.Flatten(), namespace.Linear(16 * 5 * 5, 120), namespace.ReLU(),
        namespace.Linear(120, 84), namespace.ReLU(), namespace.Linear(84, 10))


def glassbox_step(model, x, y, lr=0.01):
    loss = nn.functional.cross_entropy(model(x), y)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad.data
    return loss


def torch_step(model, x, y, lr=0.01):
    loss = torch.nn.functional.cross_entropy(model(x), y)
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p.sub_(lr * p.grad)
    return loss


def interleaved_median_ms(steps, repeats: int, block: int = 10,
                          clock=time.perf_counter) -> list[float]:
    """Median milliseconds of each step function, timed in alternating blocks.

    Blocks of ``block`` consecutive steps per engine (so that one engine does not run
    with the other's data in its caches), alternated so that both see the same load.
    """
    for _ in range(3):  # warm-up (BLAS threads, allocator caches)
        for step in steps:
            step()
    times = [[] for _ in steps]
    for _ in range(max(1, repeats // block)):
        for step, record in zip(steps, times):
            for _ in range(block):
                start = clock()
                step()
                record.append(clock() - start)
    return [1000 * statistics.median(record) for record in times]


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def peak_rss_growth_mb(step) -> float:
    """How far one step raises the resident set above where it started (MiB)."""
    try:
        gc.collect()
        before = _status_kib("VmRSS")
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")  # reset VmHWM, the peak resident set, to the current one
        step()
        return (_status_kib("VmHWM") - before) / 1024
    except OSError:
        return float("nan")


def peak_tracemalloc_mb(step) -> float:
    gc.collect()
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def compare(name: str, build, input_shape, batch: int, repeats: int,
            clock=time.perf_counter) -> None:
    rng = np.random.default_rng(0)
    x_np = rng.normal(size=(batch,) + input_shape).astype(np.float32)
    y_np = rng.integers(0, 10, size=batch)
    mine, theirs = build(nn), build(torch.nn)
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                            for k, v in mine.state_dict().items()})
    x, y = gb.tensor(x_np), gb.tensor(y_np)
    tx, ty = torch.from_numpy(x_np), torch.from_numpy(y_np)
    loss_mine = glassbox_step(mine, x, y).item()
    loss_theirs = torch_step(theirs, tx, ty).item()
    assert abs(loss_mine - loss_theirs) < 1e-4, (loss_mine, loss_theirs)
    ms_mine, ms_theirs = interleaved_median_ms(
        [lambda: glassbox_step(mine, x, y), lambda: torch_step(theirs, tx, ty)], repeats,
        clock=clock)
    rss_mine = peak_rss_growth_mb(lambda: glassbox_step(mine, x, y))
    rss_theirs = peak_rss_growth_mb(lambda: torch_step(theirs, tx, ty))
    traced_mine = peak_tracemalloc_mb(lambda: glassbox_step(mine, x, y))
    print(f"{name}\n  time    glassbox {ms_mine:8.2f} ms   torch {ms_theirs:8.2f} ms   "
          f"ratio {ms_mine / ms_theirs:5.2f}x\n"
          f"  memory  peak RSS growth: glassbox {rss_mine:6.1f} MiB, torch "
          f"{rss_theirs:6.1f} MiB; glassbox tracemalloc peak {traced_mine:6.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                        help="thread counts for torch, glassbox and NumPy's BLAS (default: "
                             "1 2)")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="wall time (default), or this process's CPU time (1 thread)")
    args = parser.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    for threads in args.threads:
        torch.set_num_threads(threads)
        gb.set_num_threads(threads)
        with threadpool_limits(limits=threads, user_api="blas"):
            print(f"numpy {np.__version__}, torch {torch.__version__}, {threads} threads "
                  f"each, float32, {args.clock} clock")
            compare("MLP 784-256-10, batch 128", mlp, (784,), 128, args.repeats, clock)
            compare("LeNet-5, batch 64", lenet5, (1, 28, 28), 64, args.repeats, clock)


if __name__ == "__main__":
    main()
