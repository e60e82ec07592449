"""One epoch of LeNet-5 on MNIST: the glassbox engine against the torch engine.

Run:  GLASSBOX_DATA=../shared/data python benchmarks/bench_lenet5_epoch.py [--threads 2]
      [--limit N] [--batch-size 64]

The same model function (``glassbox.models.lenet5``), the same padded and normalised
MNIST digits, the same batch size, Adam, and the same training loop
(``glassbox.train.fit``) on each engine; torch gets ``--threads`` threads, glassbox the
same number (``glassbox.set_num_threads``, which also limits NumPy's BLAS). Prints
seconds per epoch for both and the ratio (issue goal: glassbox <= 1.5x torch).
``--limit`` trains on the first N digits only (quick checks).
"""

from __future__ import annotations

import argparse
import time

import torch
from threadpoolctl import threadpool_limits

import glassbox
from glassbox.lab._common import mnist_nchw
from glassbox.models import lenet5
from glassbox.train import fit, get_engine


def epoch_seconds(engine_name: str, x, y, batch_size: int) -> float:
    engine = get_engine(engine_name)
    engine.manual_seed(0)
    model = lenet5(nn=engine.nn)
    optimizer = engine.optim.Adam(model.parameters(), lr=1e-3)
    loader = engine.data_loader(x, y, batch_size=batch_size, shuffle=True, seed=0)
    started = time.perf_counter()
    fit(model, loader, None, engine.nn.CrossEntropyLoss(), optimizer, epochs=1, progress=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    glassbox.set_num_threads(args.threads)
    x, y = mnist_nchw("train")
    if args.limit:
        x, y = x[:args.limit], y[:args.limit]
    with threadpool_limits(args.threads):
        epoch_seconds("glassbox", x[:640], y[:640], args.batch_size)  # warm-up
        times = {name: epoch_seconds(name, x, y, args.batch_size) for name in ("torch", "glassbox")}
    print(f"LeNet-5, one epoch of {len(x):,} MNIST digits, batch {args.batch_size}, "
          f"{args.threads} threads")
    for name, seconds in times.items():
        print(f"  {name:<9} {seconds:7.2f} s")
    print(f"  glassbox / torch: {times['glassbox'] / times['torch']:.2f}x  (goal <= 1.5x)")


if __name__ == "__main__":
    main()
