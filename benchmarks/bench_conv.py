"""Convolution and pooling speed: glassbox vs torch, forward + backward, float32.

Run: ``python benchmarks/bench_conv.py [--repeat 50] [--memory]``

Both engines run in this process on the same inputs, torch with 2 threads; the ratio is
glassbox's median time over torch's (below 1 means glassbox is faster). ``--memory``
also reports each case's peak resident memory, measured in a fresh subprocess per
engine and case (the increase over the same process after imports and inputs).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as TF

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


def median_ms(step, repeat):
    step()
    step()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def peak_memory_mib(name, engine, repeat=3):
    """Peak RSS increase of a fresh process running the case (imports excluded)."""
    code = (
        "import resource, sys; sys.argv = ['x']\n"
        "import benchmarks.bench_conv as b, glassbox as gb, torch\n"
        "torch.set_num_threads(2)\n"
        f"step = b.make_case({name!r}, {engine})\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"for _ in range({repeat}): step()\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print((after - before) / 1024)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    return float(result.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, float32, "
          f"median of {args.repeat}; forward + backward")
    header = f"{'case':42s} {'glassbox ms':>11s} {'torch ms':>9s} {'ratio':>6s}"
    if args.memory:
        header += f" {'peak MiB gb':>11s} {'torch':>6s}"
    print(header)
    for name in CASES:
        ours = median_ms(make_case(name, gb), args.repeat)
        theirs = median_ms(make_case(name, torch), args.repeat)
        line = f"{name:42s} {ours:11.3f} {theirs:9.3f} {ours / theirs:5.2f}x"
        if args.memory:
            line += (f" {peak_memory_mib(name, 'gb'):11.1f}"
                     f" {peak_memory_mib(name, 'torch'):6.1f}")
        print(line, flush=True)


if __name__ == "__main__":
    main()
