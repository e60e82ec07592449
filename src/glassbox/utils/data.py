"""``torch.utils.data`` under its torch path: the very objects of :mod:`glassbox.data`."""

from glassbox.data import (  # noqa: F401
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)

__all__ = ["BatchSampler", "ConcatDataset", "DataLoader", "Dataset", "RandomSampler",
           "Sampler", "SequentialSampler", "Subset", "TensorDataset", "default_collate",
           "random_split"]
