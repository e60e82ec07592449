"""MNIST: 70,000 handwritten digits (LeCun, Cortes and Burges), from the four idx files.

``load_mnist`` returns NumPy arrays; :class:`MNIST` wraps them as a map-style
:class:`~glassbox.data.Dataset` (the twin of ``torchvision.datasets.MNIST``). The files
are found, downloaded and verified as described in :mod:`glassbox.data.sources`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from glassbox.data.dataset import Dataset
from glassbox.data.idx import parse_idx
from glassbox.data.sources import DataFile, fetch, read_verified

__all__ = ["load_mnist", "MNIST", "MNIST_FILES", "MNIST_MIRRORS"]

# SHA-256 of the DECOMPRESSED files (DESIGN.md): gzip bytes differ between mirrors. Sizes:
# a 16-byte idx header (8 for labels) and one byte per pixel (per label).
MNIST_FILES = {
    "train": (
        DataFile("train-images-idx3-ubyte",
                 "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                 size=47_040_016),
        DataFile("train-labels-idx1-ubyte",
                 "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                 size=60_008),
    ),
    "test": (
        DataFile("t10k-images-idx3-ubyte",
                 "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                 size=7_840_016),
        DataFile("t10k-labels-idx1-ubyte",
                 "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
                 size=10_008),
    ),
}
MNIST_SIZES = {"train": 60_000, "test": 10_000}

# The mirrors torchvision uses (Yann LeCun's own site no longer serves the files).
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

_HOW_TO = (
    "To provide MNIST, put the four files train-images-idx3-ubyte.gz, "
    "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz "
    "(gzipped or not) in a folder D/mnist/ and pass --data-dir D (data_dir=D), or set "
    "GLASSBOX_DATA=D, or allow a download (download=True) from " + ", ".join(MNIST_MIRRORS)
)

# Verified arrays of this process, keyed by (path, size, modification time): loading the
# same split twice costs a copy, not a decompression and a digest.
_memory: dict[tuple[str, int, int], np.ndarray] = {}


def _idx_check(n_samples: int, is_images: bool) -> Callable[[bytes, str], None]:
    """Structural check of an MNIST idx file (runs before the digest, for a clear error)."""
    expected_shape = (n_samples, 28, 28) if is_images else (n_samples,)

    def check(data: bytes, name: str) -> None:
        array = parse_idx(data, name, expected_ndim=len(expected_shape),
                          expected_shape=expected_shape)
        if array.dtype != np.uint8:
            raise ValueError(f"{name}: expected uint8 idx data (code 0x08), "
                             f"received {array.dtype}.")
    return check


def _load_file(file: DataFile, n_samples: int, is_images: bool,
               data_dir: str | os.PathLike | None, download: bool,
               mirrors: Sequence[str]) -> np.ndarray:
    check = _idx_check(n_samples, is_images)
    path = fetch(file, "mnist", data_dir, download, mirrors, check, _HOW_TO)
    status = path.stat()
    key = (str(path.resolve()), status.st_size, status.st_mtime_ns)
    if key not in _memory:
        data = read_verified(path, file, check)
        _memory[key] = parse_idx(data, str(path))  # read-only view of verified bytes
    return _memory[key]


def load_mnist(split: str = "train", data_dir: str | os.PathLike | None = None,
               as_float: bool = False, download: bool = True,
               mirrors: Sequence[str] = MNIST_MIRRORS) -> tuple[np.ndarray, np.ndarray]:
    """Load the MNIST training (60,000) or test (10,000) images and labels.

    The files are looked for in ``data_dir``, ``$GLASSBOX_DATA``, the cache
    (``$GLASSBOX_CACHE`` or ``~/.cache/glassbox``), then downloaded from ``mirrors``
    (see :mod:`glassbox.data.sources`). Every file is checked: idx header and byte count,
    then the SHA-256 of its decompressed bytes; a file that fails is never used.

    Parameters
    ----------
    split : {"train", "test"}, default="train"
    data_dir : str or PathLike, optional
        A folder holding ``mnist/`` or the ``mnist`` folder itself (the lab's
        ``--data-dir``).
    as_float : bool, default=False
        Return float32 images scaled to [0, 1] (``pixel / 255``) instead of uint8.
    download : bool, default=True
        Try the mirrors when no local copy exists.
    mirrors : sequence of str, default=MNIST_MIRRORS
        Base URLs; ``mirror + "train-images-idx3-ubyte.gz"`` etc. are fetched.

    Returns
    -------
    images : ndarray of shape (N, 28, 28), uint8 (or float32 if ``as_float``)
    labels : ndarray of shape (N,), int64
        Digits 0-9.

    Raises
    ------
    ValueError
        Unknown ``split``, or a file that is truncated, corrupted or has the wrong digest.
    FileNotFoundError
        The files are nowhere to be found; the message lists every place looked and how
        to provide them.

    See Also
    --------
    torchvision.datasets.MNIST, MNIST

    Examples
    --------
    >>> images, labels = load_mnist("test")
    >>> images.shape, images.dtype, labels.shape, labels.dtype
    ((10000, 28, 28), dtype('uint8'), (10000,), dtype('int64'))
    >>> float(load_mnist("test", as_float=True)[0].max())
    1.0
    """
    if split not in MNIST_FILES:
        raise ValueError(f"Received an invalid value for split: expected 'train' or 'test', "
                         f"received {split!r}.")
    if isinstance(mirrors, str):
        mirrors = (mirrors,)
    images_file, labels_file = MNIST_FILES[split]
    n_samples = MNIST_SIZES[split]
    images = _load_file(images_file, n_samples, True, data_dir, download, mirrors)
    labels = _load_file(labels_file, n_samples, False, data_dir, download, mirrors)
    labels = labels.astype(np.int64)
    if as_float:
        # pixel / 255 in float32: multiplying by the float32 reciprocal is not exact.
        return images.astype(np.float32) / np.float32(255.0), labels
    return images.copy(), labels  # a copy: the cached arrays stay read-only and intact


class MNIST(Dataset):
    """MNIST as a map-style dataset of ``(image, label)`` pairs.

    Each image is a float32 array of shape (1, 28, 28) in [0, 1] (the layout
    ``torchvision.transforms.ToTensor`` gives), the label an int. Because the whole split
    is held as arrays, a :class:`~glassbox.data.DataLoader` batches it by fancy indexing.

    Parameters
    ----------
    root : str or PathLike, optional
        As ``data_dir`` of :func:`load_mnist`.
    train : bool, default=True
        The 60,000 training images, else the 10,000 test images.
    transform : callable, optional
        Applied to each image (an array of shape (1, 28, 28)) when indexed. The
        :mod:`glassbox.data.transforms` work on whole batches: rather apply them to each
        batch the loader gives, ``augment(images.numpy())``, which is much faster.
    download : bool, default=True

    Attributes
    ----------
    data : ndarray of shape (N, 1, 28, 28), float32
    targets : ndarray of shape (N,), int64

    See Also
    --------
    torchvision.datasets.MNIST, load_mnist

    Examples
    --------
    >>> test_set = MNIST(train=False)
    >>> image, label = test_set[0]
    >>> len(test_set), image.shape, label
    (10000, (1, 28, 28), 7)
    """

    def __init__(self, root: str | os.PathLike | None = None, train: bool = True,
                 transform: Callable | None = None, download: bool = True) -> None:
        images, labels = load_mnist("train" if train else "test", root, as_float=True,
                                    download=download)
        self.root = None if root is None else Path(root)
        self.train = train
        self.transform = transform
        self.data = images[:, None]  # (N, 1, 28, 28): one channel, NCHW
        self.targets = labels

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[np.ndarray, int]:
        image = self.data[index]
        if self.transform is not None:
            image = self.transform(image)
        return image, int(self.targets[index])

    def _get_batch(self, indices: np.ndarray) -> list[np.ndarray] | None:
        """The DataLoader's fast path: a whole batch by fancy indexing (no transform)."""
        if self.transform is not None:
            return None
        return [self.data[indices], self.targets[indices]]
