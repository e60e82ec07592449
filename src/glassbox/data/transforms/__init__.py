"""Augmentation of image batches in NCHW layout (the twin of ``torchvision.transforms``).

Transforms work on a whole batch at once, a float array of shape (N, C, H, W), drawing
one random set of parameters per image; :mod:`.functional` holds the deterministic
operations they call (flip, pad, crop, affine warp, colour adjustments).

Examples
--------
>>> import numpy as np
>>> from glassbox.data import transforms as T
>>> augment = T.Compose([
...     T.RandomCrop(28, padding=2, generator=np.random.default_rng(0)),
...     T.RandomRotation(10, generator=np.random.default_rng(1)),
...     T.Normalize(mean=[0.1307], std=[0.3081]),
... ])
>>> augment(np.zeros((64, 1, 28, 28), np.float32)).shape
(64, 1, 28, 28)
"""

from glassbox.data.transforms import functional
from glassbox.data.transforms.transforms import (
    ColorJitter,
    Compose,
    Normalize,
    RandomAffine,
    RandomCrop,
    RandomHorizontalFlip,
    RandomRotation,
    RandomVerticalFlip,
)

__all__ = ["functional", "Compose", "Normalize", "RandomHorizontalFlip", "RandomVerticalFlip",
           "RandomRotation", "RandomAffine", "RandomCrop", "ColorJitter"]
