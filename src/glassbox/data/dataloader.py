"""DataLoader: mini-batches of a dataset, the twin of ``torch.utils.data.DataLoader``.

One epoch is: take the sampler's order of indices (``0..N-1``, or a fresh permutation
when ``shuffle=True``), cut it into consecutive batches of ``batch_size`` (the last one
shorter, or dropped with ``drop_last=True``), fetch the samples of each batch and
*collate* them: stack the samples' arrays along a new first axis and wrap each stack as
a glassbox Tensor. Everything runs in the main process (no worker processes).
"""

from __future__ import annotations

import collections.abc
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from glassbox.data.sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "default_collate", "numpy_collate"]


def _to_tensor(array: np.ndarray) -> Any:
    """Wrap a freshly stacked array as a glassbox Tensor, without copying it again."""
    # Imported here, not at the top: glassbox.data must stay importable on its own
    # (the autograd package imports far more than the data layer needs).
    from glassbox.autograd import as_tensor

    return as_tensor(array)


def _is_array_like_tensor(value: Any) -> bool:
    """A glassbox or torch Tensor (something with ``.numpy()`` and a ``shape``)."""
    return hasattr(value, "numpy") and hasattr(value, "shape") and not isinstance(
        value, np.ndarray)


def _collate(batch: Sequence, wrap: Callable[[np.ndarray], Any]) -> Any:
    """Stack a list of samples, recursing into tuples, lists and dicts like torch does."""
    elem = batch[0]
    if _is_array_like_tensor(elem):
        elem = np.asarray(elem.numpy())
        batch = [np.asarray(sample.numpy()) for sample in batch]
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind not in "biuf":
            raise TypeError(f"default_collate: batch must contain arrays of numbers; found "
                            f"an array of dtype {elem.dtype}. Convert it, or pass collate_fn.")
        shapes = {sample.shape for sample in batch}
        if len(shapes) > 1:
            raise RuntimeError(f"stack expects each array to be equal size, but received "
                               f"shapes {sorted(shapes)}. Pad or resize the samples, or "
                               "pass a collate_fn.")
        return wrap(np.stack(batch))  # (batch_size, *sample_shape)
    if isinstance(elem, np.generic) and elem.dtype.kind in "biuf":
        return wrap(np.array(batch))
    if isinstance(elem, bool):
        return wrap(np.array(batch, dtype=np.bool_))
    if isinstance(elem, float):
        return wrap(np.array(batch, dtype=np.float64))  # torch: Python floats -> float64
    if isinstance(elem, int):
        return wrap(np.array(batch, dtype=np.int64))
    if isinstance(elem, (str, bytes)):
        return batch  # as given: a tuple inside a collated tuple, as in torch
    if isinstance(elem, collections.abc.Mapping):
        return {key: _collate([sample[key] for sample in batch], wrap) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(_collate(field, wrap) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        # NOTE: tuples become lists, as in torch's default_collate.
        return [_collate(field, wrap) for field in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain arrays, Tensors, numbers, dicts or "
                    f"lists; found {type(elem).__name__}. Pass a collate_fn for this type.")


def default_collate(batch: list) -> Any:
    """Stack a list of samples into a batch of glassbox Tensors.

    Arrays (and Tensors) are stacked on a new first axis keeping their dtype; Python
    floats become float64, ints int64; tuples and lists are collated field by field
    (returned as a list), dicts key by key; strings are left as a list.

    See Also
    --------
    torch.utils.data.default_collate, numpy_collate

    Examples
    --------
    >>> batch = default_collate([(np.zeros(2), 0), (np.ones(2), 1)])
    >>> [tuple(part.shape) for part in batch]
    [(2, 2), (2,)]
    """
    return _collate(batch, _to_tensor)


def numpy_collate(batch: list) -> Any:
    """As :func:`default_collate`, but the stacks stay NumPy arrays.

    Examples
    --------
    >>> numpy_collate([(np.zeros(2), 0), (np.ones(2), 1)])
    [array([[0., 0.],
           [1., 1.]]), array([0, 1])]
    """
    return _collate(batch, lambda array: array)


def _convert(batch: Any, wrap: Callable[[np.ndarray], Any]) -> Any:
    """Wrap the arrays of an already stacked batch (the fast path's output)."""
    if isinstance(batch, np.ndarray):
        return wrap(batch)
    if isinstance(batch, collections.abc.Mapping):
        return {key: _convert(value, wrap) for key, value in batch.items()}
    if isinstance(batch, (list, tuple)):
        return [_convert(value, wrap) for value in batch]
    return batch


class DataLoader:
    """Iterate over a dataset in mini-batches.

    Parameters
    ----------
    dataset : Dataset
        Map-style: ``len(dataset)`` and ``dataset[i]``.
    batch_size : int, default=1
    shuffle : bool, default=False
        A new random order at every epoch (every ``iter(loader)``).
    sampler : Sampler or iterable of int, optional
        A custom order; excludes ``shuffle``.
    num_workers : int, default=0
        Only 0 (load in the main process) is supported.
    collate_fn : callable, optional
        Turns a list of samples into a batch; :func:`default_collate` by default.
    pin_memory : bool, default=False
        Accepted for compatibility; ignored (there is no GPU memory to pin).
    drop_last : bool, default=False
        Drop the last batch when it is shorter than ``batch_size``.
    generator : numpy.random.Generator, optional
        Source of the shuffling; the global generator of ``glassbox`` by default
        (``glassbox._random.manual_seed`` makes it reproducible).

    Notes
    -----
    Fast path: when ``collate_fn`` is the default and the dataset holds whole arrays
    (:class:`TensorDataset`, a :class:`Subset` of one, :class:`MNIST`), each batch is
    gathered by one fancy-indexing operation per array, ``X[batch_indices]``, instead of
    fetching ``batch_size`` samples one by one and stacking them; the result is the
    same.

    See Also
    --------
    torch.utils.data.DataLoader

    Examples
    --------
    >>> from glassbox.data import TensorDataset
    >>> X = np.arange(10, dtype=np.float32).reshape(5, 2); y = np.arange(5)
    >>> loader = DataLoader(TensorDataset(X, y), batch_size=2, collate_fn=numpy_collate)
    >>> len(loader), [tuple(xb.shape) for xb, yb in loader]
    (3, [(2, 2), (2, 2), (1, 2)])
    """

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False,
                 sampler: Sampler | Iterable[int] | None = None, num_workers: int = 0,
                 collate_fn: Callable[[list], Any] | None = None, pin_memory: bool = False,
                 drop_last: bool = False, generator: np.random.Generator | None = None) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size!r}")
        if num_workers != 0:
            raise ValueError(f"num_workers: expected 0 (glassbox loads batches in the main "
                             f"process), received {num_workers!r}. Use the torch engine's "
                             "DataLoader for worker processes.")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if generator is not None and not isinstance(generator, np.random.Generator):
            raise TypeError(f"generator: expected a numpy.random.Generator (e.g. "
                            f"np.random.default_rng(0)), received {type(generator).__name__}.")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.drop_last = drop_last
        self.generator = generator
        self.collate_fn = default_collate if collate_fn is None else collate_fn
        if sampler is None:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        self.sampler = sampler
        self.batch_sampler = BatchSampler(sampler, self.batch_size, drop_last)

    def __len__(self) -> int:
        return len(self.batch_sampler)

    def _epoch_batches(self) -> Iterator[np.ndarray]:
        """This epoch's batches of indices, cut from one index array."""
        indices = getattr(self.sampler, "indices", None)
        if callable(indices):
            order = indices()  # the whole epoch's order, drawn at once
        else:
            order = np.fromiter(iter(self.sampler), dtype=np.int64)
        n_full = len(order) // self.batch_size
        stop = n_full * self.batch_size if self.drop_last else len(order)
        for start in range(0, stop, self.batch_size):
            yield order[start:start + self.batch_size]

    def __iter__(self) -> Iterator[Any]:
        fast = self.collate_fn in (default_collate, numpy_collate)
        wrap = _to_tensor if self.collate_fn is default_collate else (lambda array: array)
        get_batch = getattr(self.dataset, "_get_batch", None) if fast else None
        for batch_indices in self._epoch_batches():
            if get_batch is not None:
                batch = get_batch(batch_indices)
                if batch is not None:
                    yield _convert(batch, wrap)
                    continue
            samples = [self.dataset[int(index)] for index in batch_indices]
            yield self.collate_fn(samples)

    def __repr__(self) -> str:
        return (f"DataLoader(dataset={type(self.dataset).__name__}, batch_size="
                f"{self.batch_size}, sampler={type(self.sampler).__name__}, drop_last="
                f"{self.drop_last})")
