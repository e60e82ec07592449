"""Helpers shared by the programs (plain NumPy, so they work under torch and glassbox).

The tutorials draw their data and initial weights from torch's generator; here they come
from NumPy, so that both engines start from the same numbers and their losses can be
compared. MNIST is read from the local files ($GLASSBOX_DATA/mnist) instead of
torchvision.
"""

import gzip
import os

import numpy as np


def mnist(count: int, offset: int = 0):
    """``count`` training images (float32 in [0, 1], shape (N, 1, 28, 28)) and labels."""
    folder = os.path.join(os.environ.get("GLASSBOX_DATA", "data"), "mnist")
    with gzip.open(os.path.join(folder, "train-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(folder, "train-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    part = slice(offset, offset + count)
    return (images[part] / np.float32(255)).astype(np.float32), labels[part].astype(np.int64)


def init_from_numpy(torch, model, seed: int = 0, scale: float = 0.2) -> None:
    """Overwrite every parameter in place with U(-scale, scale) draws from NumPy."""
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for p in model.parameters():
            values = rng.uniform(-scale, scale, size=tuple(p.shape)).astype(np.float32)
            p.copy_(torch.from_numpy(values))
