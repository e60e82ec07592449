"""Samplers: the order in which a DataLoader visits a dataset (``torch.utils.data.sampler``).

A sampler is an iterable of indices. The :class:`~glassbox.data.DataLoader` builds a
:class:`SequentialSampler` or a :class:`RandomSampler` itself from ``shuffle``; pass your
own ``sampler`` for anything else (a weighted or class-balanced order, say).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized

import numpy as np

from glassbox import _random

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "BatchSampler"]


class Sampler:
    """Base class of samplers: subclasses define ``__iter__`` (and usually ``__len__``).

    See Also
    --------
    torch.utils.data.Sampler
    """

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")


class SequentialSampler(Sampler):
    """Indices ``0, 1, ..., len(data_source) - 1``.

    Examples
    --------
    >>> list(SequentialSampler(range(3)))
    [0, 1, 2]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def indices(self) -> np.ndarray:
        """This epoch's indices as one array (what the DataLoader uses)."""
        return np.arange(len(self.data_source))

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices().tolist())

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A fresh random permutation at every epoch (or draws with replacement).

    Parameters
    ----------
    data_source : sized
    replacement : bool, default=False
        Draw ``num_samples`` indices independently (with repetition).
    num_samples : int, optional
        How many indices per epoch; ``len(data_source)`` by default.
    generator : numpy.random.Generator, optional
        The global generator of ``glassbox`` by default (read at each epoch, so
        ``glassbox.manual_seed`` takes effect).

    See Also
    --------
    torch.utils.data.RandomSampler

    Examples
    --------
    >>> sorted(RandomSampler(range(5), generator=np.random.default_rng(0)))
    [0, 1, 2, 3, 4]
    """

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None,
                 generator: np.random.Generator | None = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        # Also refuses an empty dataset (num_samples 0), as torch does.
        if isinstance(self.num_samples, bool) or not isinstance(self.num_samples, int) \
                or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples!r}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def indices(self) -> np.ndarray:
        """This epoch's indices as one array (what the DataLoader uses)."""
        generator = _random.default_generator() if self.generator is None else self.generator
        n = len(self.data_source)
        if self.replacement:
            return generator.integers(0, n, size=self.num_samples)
        # More samples than the dataset holds: whole permutations, then part of one.
        full, rest = divmod(self.num_samples, n)
        parts = [generator.permutation(n) for _ in range(full)]
        parts.append(generator.permutation(n)[:rest])
        return np.concatenate(parts)

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Group the indices of ``sampler`` into lists of ``batch_size``.

    Examples
    --------
    >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size!r}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(int(index))
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size  # type: ignore[arg-type]
        # ceil(len / batch_size): the last, shorter batch counts.
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size  # type: ignore[arg-type]
