"""Map-style datasets: the twins of ``torch.utils.data.Dataset`` and its helpers.

A dataset is anything with ``__len__`` and ``__getitem__(i)`` returning one sample.
Datasets that hold whole arrays (:class:`TensorDataset`, :class:`Subset` of one,
:class:`~glassbox.data.MNIST`) also offer ``_get_batch(indices)``: the
:class:`~glassbox.data.DataLoader` then gathers a batch with one fancy-indexing
operation per array instead of a Python loop over samples.
"""

from __future__ import annotations

import bisect
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassbox import _random

__all__ = ["Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split"]


def _as_array(values: Any) -> np.ndarray:
    """An array view of a NumPy array, a glassbox Tensor or a torch tensor."""
    if isinstance(values, np.ndarray):
        return values
    if hasattr(values, "numpy"):  # a Tensor of either engine
        if hasattr(values, "detach"):  # out of the autograd graph first
            values = values.detach()
        if hasattr(values, "cpu"):  # torch: from the GPU
            values = values.cpu()
        return np.asarray(values.numpy())
    return np.asarray(values)


class Dataset:
    """An abstract map-style dataset: subclasses define ``__getitem__`` and ``__len__``.

    ``dataset_a + dataset_b`` concatenates two datasets (:class:`ConcatDataset`).

    See Also
    --------
    torch.utils.data.Dataset

    Examples
    --------
    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 4
    ...     def __getitem__(self, index):
    ...         return index ** 2
    >>> [Squares()[i] for i in range(4)]
    [0, 1, 4, 9]
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Samples are the ``index``-th rows of equally long arrays (or Tensors).

    Parameters
    ----------
    *tensors : arrays or Tensors with the same first dimension N

    Attributes
    ----------
    tensors : tuple
        The arrays given, unchanged.

    See Also
    --------
    torch.utils.data.TensorDataset

    Examples
    --------
    >>> X = np.arange(6.0).reshape(3, 2); y = np.array([0, 1, 0])
    >>> dataset = TensorDataset(X, y)
    >>> len(dataset), dataset[1]
    (3, (array([2., 3.]), np.int64(1)))
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset expects at least one array, received none.")
        lengths = [len(tensor) for tensor in tensors]
        if any(length != lengths[0] for length in lengths):
            raise ValueError(f"Size mismatch between tensors: every array must have the same "
                             f"first dimension, received lengths {lengths}.")
        self.tensors = tensors

    def __getitem__(self, index: int) -> tuple:
        return tuple(tensor[index] for tensor in self.tensors)

    def __len__(self) -> int:
        return len(self.tensors[0])

    def _get_batch(self, indices: np.ndarray) -> list[np.ndarray]:
        # NOTE: a list, like torch's default_collate of a tuple sample.
        return [_as_array(tensor)[indices] for tensor in self.tensors]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    Attributes
    ----------
    dataset : Dataset
    indices : sequence of int

    See Also
    --------
    torch.utils.data.Subset

    Examples
    --------
    >>> subset = Subset(TensorDataset(np.arange(10)), [7, 2])
    >>> len(subset), subset[0]
    (2, (np.int64(7),))
    """

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices
        self._index_cache: tuple[Sequence[int], np.ndarray] | None = None

    def __getitem__(self, index: int) -> Any:
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)

    def _get_batch(self, indices: np.ndarray) -> Any:
        get_batch = getattr(self.dataset, "_get_batch", None)
        if get_batch is None:
            return None
        # NOTE: converting a long list of indices costs more than the batch itself; do it
        # once per list (``indices`` may be reassigned, so remember which list it was).
        if self._index_cache is None or self._index_cache[0] is not self.indices:
            self._index_cache = (self.indices, np.asarray(self.indices, dtype=np.int64))
        return get_batch(self._index_cache[1][indices])


class ConcatDataset(Dataset):
    """Several datasets one after the other.

    Attributes
    ----------
    datasets : list of Dataset
    cumulative_sizes : list of int
        ``cumulative_sizes[k]`` is the total length of ``datasets[:k + 1]``.

    See Also
    --------
    torch.utils.data.ConcatDataset

    Examples
    --------
    >>> both = TensorDataset(np.arange(3)) + TensorDataset(np.arange(10, 12))
    >>> len(both), both[3], both.cumulative_sizes
    (5, (np.int64(10),), [3, 5])
    """

    def __init__(self, datasets: Sequence[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset expects a non-empty list of datasets, received [].")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        if index < 0:
            if -index > len(self):
                raise ValueError(f"absolute value of index should not exceed dataset length "
                                 f"{len(self)}, received {index}")
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = 0 if which == 0 else self.cumulative_sizes[which - 1]
        return self.datasets[which][index - start]


def _split_lengths(n: int, lengths: Sequence[float]) -> list[int]:
    """torch's rule: fractions summing to 1 become floor(n * f), the remainder dealt out
    one by one to the first subsets (round-robin)."""
    total = sum(lengths)
    if math.isclose(total, 1) and total <= 1:
        counts = []
        for i, fraction in enumerate(lengths):
            if fraction < 0 or fraction > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1: received "
                                 f"{fraction}.")
            counts.append(int(math.floor(n * fraction)))
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an "
                              "empty dataset.", stacklevel=3)
        return counts
    counts = [int(length) for length in lengths]
    if any(count != length or count < 0 for count, length in zip(counts, lengths)):
        raise ValueError(f"lengths must be non-negative integers or fractions summing to 1, "
                         f"received {list(lengths)}.")
    if sum(counts) != n:
        raise ValueError(f"Sum of input lengths does not equal the length of the input "
                         f"dataset! Expected a sum of {n}, received {list(lengths)} "
                         f"(sum {sum(counts)}).")
    return counts


def random_split(dataset: Dataset, lengths: Sequence[float],
                 generator: np.random.Generator | None = None) -> list[Subset]:
    """Randomly split a dataset into non-overlapping subsets of the given lengths.

    Parameters
    ----------
    dataset : Dataset
    lengths : sequence of int or float
        Counts summing to ``len(dataset)``, or fractions summing to 1: then each subset
        gets ``floor(len(dataset) * fraction)`` samples and the remainder is dealt out one
        at a time to the first subsets, as torch does.
    generator : numpy.random.Generator, optional
        Source of the permutation; the global generator of ``glassbox`` by default.

    Returns
    -------
    list of Subset

    See Also
    --------
    torch.utils.data.random_split

    Examples
    --------
    >>> train, val = random_split(TensorDataset(np.arange(10)), [0.75, 0.25],
    ...                           generator=np.random.default_rng(0))
    >>> len(train), len(val)
    (8, 2)
    """
    counts = _split_lengths(len(dataset), lengths)
    generator = _random.default_generator() if generator is None else generator
    permutation = generator.permutation(len(dataset)).tolist()
    subsets = []
    start = 0
    for count in counts:
        subsets.append(Subset(dataset, permutation[start:start + count]))
        start += count
    return subsets
