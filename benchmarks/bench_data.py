"""Data layer speed: MNIST loading, a DataLoader epoch, batched augmentation.

Run: ``GLASSBOX_DATA=../shared/data python benchmarks/bench_data.py [--repeat 5]``

Everything runs in this process; each line prints the median time of both sides and
their ratio (glassbox / reference; below 1 means glassbox is faster):

- ``load_mnist("train")``: the first call (decompress, check the header and SHA-256,
  parse) and a repeated call (the in-memory cache), against reading the same gzip files
  with ``gzip`` + ``np.frombuffer`` and no checks.
- one shuffled epoch of MNIST-train (60,000 x 1 x 28 x 28 float32, batch 64) through
  ``glassbox.data.DataLoader`` against ``torch.utils.data.DataLoader`` on the same arrays.
- augmentation of a 256 x 1 x 28 x 28 batch against scipy.ndimage called image by image.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import time
from pathlib import Path

import numpy as np
import scipy.ndimage as ndi
import torch
import torch.utils.data as tud

import glassbox.data as gd
from glassbox.data import transforms as T

torch.set_num_threads(2)


def median_time(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, ours: float, reference: float, reference_name: str) -> None:
    print(f"{name:<48} glassbox {ours * 1e3:9.1f} ms   {reference_name} "
          f"{reference * 1e3:9.1f} ms   ratio {ours / reference:5.2f}")


def raw_mnist_train(folder: Path) -> np.ndarray:
    """The unchecked reference: gunzip and view, nothing else."""
    images = gzip.decompress((folder / "train-images-idx3-ubyte.gz").read_bytes())
    labels = gzip.decompress((folder / "train-labels-idx1-ubyte.gz").read_bytes())
    return np.frombuffer(images, np.uint8, offset=16), np.frombuffer(labels, np.uint8, offset=8)


def bench_loading(repeat: int) -> None:
    folder = Path(os.environ.get("GLASSBOX_DATA", "../shared/data")) / "mnist"
    start = time.perf_counter()
    gd.load_mnist("train")
    first = time.perf_counter() - start
    reference = median_time(lambda: raw_mnist_train(folder), repeat)
    report("load_mnist('train'), first call (checked)", first, reference, "gunzip")
    warm = median_time(lambda: gd.load_mnist("train", as_float=True), repeat)
    report("load_mnist('train', as_float=True), cached", warm, reference, "gunzip")


def bench_epoch(repeat: int) -> None:
    images, labels = gd.load_mnist("train", as_float=True)
    X = images[:, None]  # (60000, 1, 28, 28)
    ours = gd.DataLoader(gd.TensorDataset(X, labels), batch_size=64, shuffle=True,
                         generator=np.random.default_rng(0))
    theirs = tud.DataLoader(tud.TensorDataset(torch.from_numpy(X), torch.from_numpy(labels)),
                            batch_size=64, shuffle=True)

    def epoch(loader):
        for _ in loader:
            pass

    report("DataLoader epoch, MNIST train, batch 64, shuffle",
           median_time(lambda: epoch(ours), repeat), median_time(lambda: epoch(theirs), repeat),
           "torch")


def bench_augmentation(repeat: int) -> None:
    x = gd.load_mnist("test", as_float=True)[0][:256, None]  # (256, 1, 28, 28)
    cases = [
        ("RandomRotation(15) bilinear, 256x1x28x28",
         T.RandomRotation(15, interpolation="bilinear", generator=np.random.default_rng(0)),
         lambda angle, image: ndi.rotate(image, angle, reshape=False, order=1,
                                         mode="grid-constant", prefilter=False)),
        ("RandomRotation(15) nearest, 256x1x28x28",
         T.RandomRotation(15, generator=np.random.default_rng(0)),
         lambda angle, image: ndi.rotate(image, angle, reshape=False, order=0,
                                         mode="grid-constant", prefilter=False)),
    ]
    angles = np.random.default_rng(1).uniform(-15, 15, size=len(x))
    for name, transform, scipy_one in cases:
        def scipy_batch(scipy_one=scipy_one):
            return np.stack([scipy_one(angle, image[0])[None] for angle, image in zip(angles, x)])
        report(name, median_time(lambda transform=transform: transform(x), repeat),
               median_time(scipy_batch, repeat), "scipy loop")
    crop = T.RandomCrop(28, padding=2, generator=np.random.default_rng(0))
    tops, lefts = np.random.default_rng(2).integers(0, 5, size=(2, len(x)))

    def loop_crop():
        padded = np.pad(x, ((0, 0), (0, 0), (2, 2), (2, 2)))
        return np.stack([padded[n, :, t:t + 28, l:l + 28] for n, (t, l)
                         in enumerate(zip(tops, lefts))])
    report("RandomCrop(28, padding=2), 256x1x28x28", median_time(lambda: crop(x), repeat),
           median_time(loop_crop, repeat), "numpy loop")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("NOTE: the machine is shared; compare the ratios, not the absolute times.")
    bench_loading(args.repeat)
    bench_epoch(max(1, args.repeat // 2))
    bench_augmentation(args.repeat)


if __name__ == "__main__":
    main()
