"""Data: the twin of ``torch.utils.data``, dataset loaders, splits and augmentation.

- Datasets and batching (``torch.utils.data``): :class:`Dataset`, :class:`TensorDataset`,
  :class:`Subset`, :class:`ConcatDataset`, :func:`random_split`, :class:`DataLoader`,
  :func:`default_collate`, samplers.
- Real data: :func:`load_mnist` / :class:`MNIST` (found locally, in the cache, or
  downloaded and verified by SHA-256: see :mod:`glassbox.data.sources`), and
  scikit-learn's bundled sets, which work offline (:func:`load_digits`,
  :func:`load_breast_cancer`, :func:`load_iris`, :func:`load_wine`,
  :func:`load_sample_image`).
- The TensorFlow Playground's 2-D toys: :func:`make_circle`, :func:`make_xor`,
  :func:`make_gaussian`, :func:`make_spiral`.
- Hold-out splits and standardisation: :func:`train_val_test_split`,
  :class:`StandardScaler`, :func:`standardize`.
- Augmentation of NCHW batches: :mod:`glassbox.data.transforms`.
"""

from glassbox.data import transforms
from glassbox.data.compas import load_compas
from glassbox.data.dataloader import DataLoader, default_collate, numpy_collate
from glassbox.data.dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from glassbox.data.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_sample_image,
    load_wine,
)
from glassbox.data.mnist import MNIST, load_mnist
from glassbox.data.sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler
from glassbox.data.sources import cache_dir
from glassbox.data.splits import StandardScaler, standardize, train_val_test_split
from glassbox.data.toys import make_circle, make_gaussian, make_spiral, make_xor

__all__ = [
    "Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split",
    "DataLoader", "default_collate", "numpy_collate",
    "Sampler", "SequentialSampler", "RandomSampler", "BatchSampler",
    "load_mnist", "MNIST", "cache_dir", "load_compas",
    "load_digits", "load_breast_cancer", "load_iris", "load_wine", "load_sample_image",
    "make_circle", "make_xor", "make_gaussian", "make_spiral",
    "train_val_test_split", "StandardScaler", "standardize",
    "transforms",
]
