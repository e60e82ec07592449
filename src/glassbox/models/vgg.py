"""VGG16 (Simonyan and Zisserman, 2014): thirteen 3x3 convolutions and three fully
connected layers, 16 layers with weights; 138,357,544 parameters for 1000 classes
(138,365,992 with batch normalisation), as torchvision counts them.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from glassbox.models._engine import check_positive_int, resolve_nn

__all__ = ["vgg16", "vgg16_bn"]

# Configuration "D" of the paper: output channels of each 3x3 convolution, "M" a 2x2 max-pool.
VGG16_LAYERS = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M",
                512, 512, 512, "M", 512, 512, 512, "M")


@cache
def _vgg_class(nn: ModuleType) -> type:
    class VGG(nn.Module):
        """``features`` -> ``avgpool`` (7x7) -> flatten -> ``classifier``."""

        def __init__(self, features, classifier):
            super().__init__()
            self.features = features
            self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
            self.classifier = classifier

        def forward(self, x):
            x = self.avgpool(self.features(x))  # (N, 512, 7, 7)
            return self.classifier(x.flatten(1))  # (N, 25088) -> (N, num_classes)

    return VGG


def vgg16(nn: ModuleType | None = None, num_classes: int = 1000, in_channels: int = 3,
          batch_norm: bool = False, dropout: float = 0.5):
    """VGG16 of the given engine (torchvision's layout and state-dict keys).

    Parameters
    ----------
    nn : module, default=glassbox.nn
    num_classes : int, default=1000
    in_channels : int, default=3
    batch_norm : bool, default=False
        Insert BatchNorm2d after every convolution (``vgg16_bn``).
    dropout : float, default=0.5

    Examples
    --------
    >>> import torch
    >>> sum(p.numel() for p in vgg16(nn=torch.nn).parameters())
    138357544
    """
    nn = resolve_nn(nn)
    check_positive_int(num_classes=num_classes, in_channels=in_channels)
    layers, channels = [], in_channels
    for item in VGG16_LAYERS:
        if item == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(channels, item, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(item))
        layers.append(nn.ReLU())
        channels = item
    classifier = nn.Sequential(
        nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(p=dropout),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(p=dropout),
        nn.Linear(4096, num_classes),
    )
    return _vgg_class(nn)(nn.Sequential(*layers), classifier)


def vgg16_bn(nn: ModuleType | None = None, num_classes: int = 1000, in_channels: int = 3,
             dropout: float = 0.5):
    """VGG16 with batch normalisation after every convolution.

    Examples
    --------
    >>> import torch
    >>> sum(p.numel() for p in vgg16_bn(nn=torch.nn).parameters())
    138365992
    """
    return vgg16(nn, num_classes, in_channels, batch_norm=True, dropout=dropout)
