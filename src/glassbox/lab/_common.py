"""Pieces shared by the labs that train networks: data preparation, prediction, timing
and the standard figures (learning curves, confusion matrix)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassbox.data import load_mnist

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # over the 60,000 training images, pixels in [0, 1]


def mnist_nchw(split: str, data_dir: Any = None, pad_to_32: bool = True,
               normalize: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """MNIST as float32 (N, 1, H, W) batches: padded to 32x32 (LeNet-5's input) and
    normalised with the training set's mean and standard deviation."""
    images, labels = load_mnist(split, data_dir=data_dir, as_float=True)
    x = images[:, None, :, :]  # (N, 1, 28, 28)
    if pad_to_32:
        x = np.pad(x, ((0, 0), (0, 0), (2, 2), (2, 2)))  # (N, 1, 32, 32), zero background
    if normalize:
        x = (x - np.float32(MNIST_MEAN)) / np.float32(MNIST_STD)
    return np.ascontiguousarray(x, dtype=np.float32), labels


def subsample(x: np.ndarray, y: np.ndarray, n: int | None,
              rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` rows drawn without replacement (all rows when ``n`` is None or too large)."""
    if n is None or n >= len(x):
        return x, y
    index = np.sort(rng.choice(len(x), size=n, replace=False))
    return x[index], y[index]


def seconds_per_step(build: Callable[[Any], Any], engine: Any, x: np.ndarray, y: np.ndarray,
                     steps: int = 20, warmup: int = 3) -> float:
    """Mean wall time of one training step (forward, cross-entropy, backward, Adam)."""
    model = build(engine.nn)
    optimizer = engine.optim.Adam(model.parameters(), lr=1e-3)
    inputs, targets = engine.tensor(x), engine.tensor(y)
    loss_fn = engine.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def plot_learning_curves(histories: dict[str, Any], title: str | None = None,
                         loss_name: str = "loss", loss_scale: str = "linear"):
    """Loss and accuracy per epoch, training (solid) against validation (dashed)."""
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))
    for (label, history), color in zip(histories.items(), plt.cm.tab10.colors):
        epochs = np.arange(1, len(history["train_loss"]) + 1)
        ax_loss.plot(epochs, history["train_loss"], "-", color=color, label=f"{label}: train")
        ax_loss.plot(epochs, history["val_loss"], "--", color=color, label=f"{label}: val")
        if "train_accuracy" in history:
            ax_acc.plot(epochs, history["train_accuracy"], "-", color=color)
            ax_acc.plot(epochs, history["val_accuracy"], "--", color=color)
    ax_loss.set(xlabel="epoch", ylabel=loss_name, title="loss", yscale=loss_scale)
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    ax_loss.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(matrix: np.ndarray, labels: Sequence[Any], title: str | None = None):
    """A confusion matrix as a heat map with the counts written in."""
    import matplotlib.pyplot as plt

    size = (5.2, 4.6) if len(labels) > 2 else (4, 3.6)
    fig, ax = plt.subplots(figsize=size)
    ax.imshow(matrix, cmap="Blues")
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            color = "white" if matrix[i, j] > matrix.max() / 2 else "black"
            ax.text(j, i, f"{matrix[i, j]:,}", ha="center", va="center", color=color,
                    fontsize=7 if len(labels) > 2 else 10)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set(xlabel="predicted", ylabel="true", title=title or "")
    fig.tight_layout()
    return fig


class AugmentedLoader:
    """Batches of NumPy arrays, optionally augmented, as tensors of an engine.

    Each epoch (each ``iter``) shuffles with ``rng``, applies ``transform`` (a batch
    transform from :mod:`glassbox.data.transforms`) to every image batch, and converts the
    batch to the engine's tensors. ``fit`` re-iterates it every epoch.
    """

    def __init__(self, engine: Any, x: np.ndarray, y: np.ndarray, batch_size: int,
                 rng: np.random.Generator, transform: Callable[[np.ndarray], np.ndarray]
                 | None = None, shuffle: bool = True):
        self.engine, self.x, self.y = engine, x, y
        self.batch_size, self.rng = batch_size, rng
        self.transform, self.shuffle = transform, shuffle

    def __len__(self) -> int:
        return -(-len(self.x) // self.batch_size)

    def __iter__(self):
        order = self.rng.permutation(len(self.x)) if self.shuffle else np.arange(len(self.x))
        for start in range(0, len(order), self.batch_size):
            index = order[start:start + self.batch_size]
            batch = self.x[index]
            if self.transform is not None:
                batch = self.transform(batch)
            yield self.engine.tensor(batch), self.engine.tensor(self.y[index])
