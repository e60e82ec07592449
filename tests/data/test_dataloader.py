"""Dataset, DataLoader, random_split and collate against torch.utils.data."""

import collections
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from hypothesis import given
from hypothesis import strategies as st

import glassbox
from glassbox import _random
from glassbox.data import (
    ConcatDataset,
    DataLoader,
    Dataset,
    RandomSampler,
    Subset,
    TensorDataset,
    default_collate,
    numpy_collate,
    random_split,
)


class ListDataset(Dataset):
    """A dataset without the array fast path: samples one by one."""

    def __init__(self, *arrays):
        self.arrays = arrays

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, index):
        return tuple(array[index] for array in self.arrays)


def glassbox_and_torch_loaders(n, batch_size, drop_last):
    X = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n)
    ours = DataLoader(TensorDataset(X, y), batch_size=batch_size, drop_last=drop_last,
                      collate_fn=numpy_collate)
    theirs = tud.DataLoader(tud.TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
                            batch_size=batch_size, drop_last=drop_last)
    return ours, theirs


@given(n=st.integers(1, 60), batch_size=st.integers(1, 70), drop_last=st.booleans())
def test_len_and_batches_equal_torch_without_shuffle(n, batch_size, drop_last):
    ours, theirs = glassbox_and_torch_loaders(n, batch_size, drop_last)
    assert len(ours) == len(theirs)
    our_batches, their_batches = list(ours), list(theirs)
    assert len(our_batches) == len(their_batches) == len(ours)
    for (xb, yb), (xt, yt) in zip(our_batches, their_batches):
        np.testing.assert_array_equal(xb, xt.numpy())
        np.testing.assert_array_equal(yb, yt.numpy())
        assert xb.dtype == np.float32 and yb.dtype == np.int64


@given(n=st.integers(1, 60), batch_size=st.integers(1, 16), drop_last=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
def test_shuffle_visits_every_index_once_per_epoch(n, batch_size, drop_last, seed):
    loader = DataLoader(TensorDataset(np.arange(n)), batch_size=batch_size, shuffle=True,
                        drop_last=drop_last, generator=np.random.default_rng(seed),
                        collate_fn=numpy_collate)
    first = np.concatenate([batch for (batch,) in loader] or [np.array([], int)])
    second = np.concatenate([batch for (batch,) in loader] or [np.array([], int)])
    expected = n // batch_size * batch_size if drop_last else n
    assert len(first) == len(second) == expected
    if not drop_last:
        assert sorted(first.tolist()) == list(range(n))
    assert len(set(first.tolist())) == expected  # no index twice
    if n >= 8 and not drop_last:
        assert first.tolist() != second.tolist()  # a new order every epoch


def test_same_seed_same_order_and_global_generator():
    dataset = TensorDataset(np.arange(100))

    def epoch(loader):
        return np.concatenate([batch for (batch,) in loader]).tolist()

    a = DataLoader(dataset, 7, shuffle=True, generator=np.random.default_rng(3),
                   collate_fn=numpy_collate)
    b = DataLoader(dataset, 7, shuffle=True, generator=np.random.default_rng(3),
                   collate_fn=numpy_collate)
    assert epoch(a) == epoch(b) and epoch(a) == epoch(b)
    assert epoch(a) != list(range(100))
    # Without a generator: glassbox's global one, so manual_seed makes it reproducible.
    c = DataLoader(dataset, 7, shuffle=True, collate_fn=numpy_collate)
    _random.manual_seed(11)
    first = epoch(c)
    _random.manual_seed(11)
    assert epoch(c) == first


def test_fast_path_equals_sample_by_sample():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((50, 2, 3)).astype(np.float32), rng.integers(0, 5, 50)
    for dataset_pair in [(TensorDataset(X, y), ListDataset(X, y)),
                         (Subset(TensorDataset(X, y), [4, 8, 15, 16, 23, 42]),
                          Subset(ListDataset(X, y), [4, 8, 15, 16, 23, 42]))]:
        fast, slow = (DataLoader(d, batch_size=4, shuffle=True,
                                 generator=np.random.default_rng(1)) for d in dataset_pair)
        for (xf, yf), (xs, ys) in zip(fast, slow, strict=True):
            assert isinstance(xf, glassbox.Tensor) and isinstance(xs, glassbox.Tensor)
            np.testing.assert_array_equal(xf.numpy(), xs.numpy())
            np.testing.assert_array_equal(yf.numpy(), ys.numpy())
            assert xf.dtype == np.float32 and yf.dtype == np.int64


def test_tensor_dataset_of_glassbox_and_torch_tensors():
    X = np.arange(12, dtype=np.float32).reshape(6, 2)
    for tensors in [(glassbox.tensor(X), glassbox.tensor(np.arange(6))),
                    (torch.from_numpy(X).requires_grad_(), torch.arange(6))]:
        (xb, yb), = list(DataLoader(TensorDataset(*tensors), batch_size=6, shuffle=True,
                                    generator=np.random.default_rng(0)))
        assert isinstance(xb, glassbox.Tensor) and xb.dtype == np.float32
        np.testing.assert_array_equal(xb.numpy(), X[yb.numpy()])


def test_default_collate_gives_glassbox_tensors_like_torch():
    samples = [(np.full((2, 2), i, np.float32), i, float(i), {"w": np.int32(i)}, "name")
               for i in range(3)]
    ours = default_collate(samples)
    theirs = tud.default_collate(
        [(torch.from_numpy(a), i, f, {"w": torch.tensor(w)}, s) for a, i, f, d, s in samples
         for w in [d["w"]]])
    assert isinstance(ours, list) and len(ours) == len(theirs) == 5
    for mine, reference in [(ours[0], theirs[0]), (ours[1], theirs[1]), (ours[2], theirs[2]),
                            (ours[3]["w"], theirs[3]["w"])]:
        assert isinstance(mine, glassbox.Tensor)
        assert mine.shape == tuple(reference.shape)
        assert mine.dtype == np.dtype(str(reference.dtype).replace("torch.", ""))
        np.testing.assert_array_equal(mine.numpy(), reference.numpy())
    assert ours[4] == theirs[4] == ("name",) * 3


def test_collate_of_tensors_namedtuples_and_errors():
    Point = collections.namedtuple("Point", "x y")
    batch = numpy_collate([Point(glassbox.tensor([1.0, 2.0]), 0),
                           Point(glassbox.tensor([3.0, 4.0]), 1)])
    assert isinstance(batch, Point)
    np.testing.assert_array_equal(batch.x, [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(RuntimeError, match=r"equal size, but received shapes \[\(2,\), \(3,\)\]"):
        numpy_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(TypeError, match="found object"):
        numpy_collate([object(), object()])


def test_custom_collate_and_sampler():
    dataset = TensorDataset(np.arange(10))
    loader = DataLoader(dataset, batch_size=3, sampler=[9, 8, 7, 6],
                        collate_fn=lambda samples: [int(s[0]) for s in samples])
    assert list(loader) == [[9, 8, 7], [6]] and len(loader) == 2
    replacement = RandomSampler(dataset, replacement=True, num_samples=25,
                                generator=np.random.default_rng(0))
    drawn = np.concatenate([b for (b,) in DataLoader(dataset, 10, sampler=replacement,
                                                     collate_fn=numpy_collate)])
    assert drawn.shape == (25,) and drawn.min() >= 0 and drawn.max() <= 9


@given(n=st.integers(0, 200),
       fractions=st.sampled_from([[0.5, 0.5], [0.7, 0.2, 0.1], [0.8, 0.2], [1 / 3] * 3,
                                  [0.25, 0.25, 0.25, 0.25], [0.9, 0.05, 0.05]]))
def test_random_split_sizes_equal_torch(n, fractions):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn about empty splits for small n
        ours = random_split(TensorDataset(np.arange(n)), fractions,
                            generator=np.random.default_rng(0))
        theirs = tud.random_split(range(n), fractions, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    together = sorted(int(index) for subset in ours for index in subset.indices)
    assert together == list(range(n))  # disjoint and complete


def test_random_split_counts_and_errors():
    parts = random_split(TensorDataset(np.arange(10)), [3, 7],
                         generator=np.random.default_rng(0))
    assert [len(p) for p in parts] == [3, 7]
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(TensorDataset(np.arange(10)), [3, 3])
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        tud.random_split(range(10), [3, 3])  # the twin raises the same type


def test_datasets_and_bad_arguments():
    a, b = TensorDataset(np.arange(3)), TensorDataset(np.arange(10, 14))
    both = a + b
    assert isinstance(both, ConcatDataset) and len(both) == 7
    assert [int(both[i][0]) for i in range(7)] == [0, 1, 2, 10, 11, 12, 13]
    assert int(both[-1][0]) == 13
    with pytest.raises(ValueError, match=r"same first dimension, received lengths \[3, 4\]"):
        TensorDataset(np.arange(3), np.arange(4))
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        DataLoader(a, batch_size=0)
    with pytest.raises(ValueError, match="mutually exclusive"):
        DataLoader(a, shuffle=True, sampler=[0, 1])
    empty = TensorDataset(np.zeros((0, 2)))
    assert len(DataLoader(empty, batch_size=4)) == 0 and list(DataLoader(empty)) == []
    with pytest.raises(ValueError, match="num_samples=0"):
        DataLoader(empty, shuffle=True)
    with pytest.raises(ValueError, match="num_samples=0"):
        tud.DataLoader(tud.TensorDataset(torch.zeros(0, 2)), shuffle=True)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        DataLoader(a, shuffle=True, generator=torch.Generator())
