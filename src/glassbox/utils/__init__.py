"""torch's ``torch.utils`` path: ``glassbox.utils.data`` is :mod:`glassbox.data`.

So that ``from torch.utils.data import DataLoader, TensorDataset`` reads the same with
glassbox as ``torch``.

Examples
--------
>>> from glassbox.utils.data import DataLoader
>>> import glassbox.data
>>> DataLoader is glassbox.data.DataLoader
True
"""

from glassbox.utils import data

__all__ = ["data"]
