"""Convolution and pooling speed: glassbox vs torch, forward + backward, float32.

Run: ``python benchmarks/bench_conv.py [--repeat 50] [--threads 2] [--memory]``

Both engines run in this process on the same inputs, with the same number of threads
(torch's intra-op pool, NumPy's BLAS through threadpoolctl); the ratio is
glassbox's time over torch's (below 1 means glassbox is faster). Times are the best of
``--repeat`` runs: on a machine shared with other work the best run is the one least
disturbed, for both engines alike.

``--memory`` adds glassbox's peak memory per step (tracemalloc). torch's CPU allocations
are invisible to tracemalloc and its profiler misses blocks allocated before profiling,
and after a warm-up both engines' resident memory stops growing (freed blocks are
reused), so no fair in-process figure exists for torch; none is printed.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
import torch
import torch.nn.functional as TF
from _timing import best_ms
from threadpoolctl import threadpool_limits

import glassbox as gb
import glassbox.nn._conv as F

# name -> (input shape, input needs grad, glassbox call, torch call); weights are made
# from the shapes in ``make_case``.
CASES = {
    "conv 1->6 5x5, 64x1x28x28 (issue goal)": ((64, 1, 28, 28), False, "conv", (6, 1, 5, 5)),
    "LeNet C1 conv 1->6 5x5, 64x1x32x32": ((64, 1, 32, 32), False, "conv", (6, 1, 5, 5)),
    "LeNet S2 avg_pool 2, 64x6x28x28": ((64, 6, 28, 28), True, "avg", None),
    "LeNet C3 conv 6->16 5x5, 64x6x14x14": ((64, 6, 14, 14), True, "conv", (16, 6, 5, 5)),
    "LeNet S4 avg_pool 2, 64x16x10x10": ((64, 16, 10, 10), True, "avg", None),
    "LeNet C5 conv 16->120 5x5, 64x16x5x5": ((64, 16, 5, 5), True, "conv", (120, 16, 5, 5)),
    "max_pool 2, 64x6x28x28": ((64, 6, 28, 28), True, "max", None),
    "LeNet features C1..C5 with tanh": ((64, 1, 32, 32), False, "lenet", None),
}


def make_case(name, library):
    """Inputs and a step function (forward + backward) for one case and engine."""
    shape, input_grad, kind, weight_shape = CASES[name]
    rng = np.random.default_rng(0)
    functional = F if library is gb else TF

    def tensor(*size, requires_grad=True):
        return library.tensor(rng.standard_normal(size).astype(np.float32),
                              requires_grad=requires_grad)

    x = tensor(*shape, requires_grad=input_grad)
    if kind == "lenet":
        params = [tensor(6, 1, 5, 5), tensor(6), tensor(16, 6, 5, 5), tensor(16),
                  tensor(120, 16, 5, 5), tensor(120)]

        def forward():
            w1, b1, w2, b2, w3, b3 = params
            h = functional.avg_pool2d(functional.conv2d(x, w1, b1).tanh(), 2)
            h = functional.avg_pool2d(functional.conv2d(h, w2, b2).tanh(), 2)
            return functional.conv2d(h, w3, b3).tanh().sum()
        leaves = params
    elif kind == "conv":
        weight, bias = tensor(*weight_shape), tensor(weight_shape[0])
        forward = lambda: functional.conv2d(x, weight, bias)
        leaves = [weight, bias] + ([x] if input_grad else [])
    else:
        pool = {"avg": functional.avg_pool2d, "max": functional.max_pool2d}[kind]
        forward = lambda: pool(x, 2)
        leaves = [x]
    upstream = None

    def step():
        nonlocal upstream
        for leaf in leaves:
            leaf.grad = None
        y = forward()
        if upstream is None:
            upstream = library.tensor(rng.standard_normal(tuple(y.shape)).astype(np.float32))
        y.backward(upstream if y.ndim else None)
    return step


def glassbox_peak_mib(step) -> float:
    """Peak NumPy memory allocated during one glassbox step (tracemalloc sees every
    NumPy array); inputs and parameters allocated before are not counted."""
    step()
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="cpu: this process's CPU time, a fair measure with --threads 1 "
                             "when other work shares the cores (waiting to be scheduled "
                             "does not count)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    gb.set_num_threads(args.threads)  # glassbox's own threads (and its BLAS's)
    threadpool_limits(args.threads)
    print(f"torch {torch.__version__}, {args.threads} threads, float32, {args.clock} clock, "
          f"best of {args.repeat}; forward + backward")
    header = f"{'case':42s} {'glassbox ms':>11s} {'torch ms':>9s} {'ratio':>6s}"
    if args.memory:
        header += f" {'glassbox peak MiB':>17s}"
    print(header)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    for name in CASES:
        ours = best_ms(make_case(name, gb), args.repeat, clock)
        theirs = best_ms(make_case(name, torch), args.repeat, clock)
        line = f"{name:42s} {ours:11.3f} {theirs:9.3f} {ours / theirs:5.2f}x"
        if args.memory:
            line += f" {glassbox_peak_mib(make_case(name, gb)):17.1f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
