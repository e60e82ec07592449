"""AlexNet (Krizhevsky, Sutskever and Hinton, 2012).

The course's table is the original single-stream network on 227x227 images: five
convolutions with 96-256-384-384-256 filters, three max-poolings, three fully connected
layers; 62,378,344 parameters for 1000 classes. (The paper split it over two GPUs and
added local response normalisation; neither changes the parameter count of this
single-stream form, and LRN is left out as modern re-implementations do.)
``variant="torchvision"`` builds torchvision's smaller 64-192-384-256-256 version with
an adaptive 6x6 average pooling (61,100,840 parameters).
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from glassbox.models._engine import check_positive_int, resolve_nn

__all__ = ["alexnet"]


@cache
def _alexnet_class(nn: ModuleType) -> type:
    class AlexNet(nn.Module):
        """``features`` -> ``avgpool`` -> flatten -> ``classifier``."""

        def __init__(self, features, avgpool, classifier):
            super().__init__()
            self.features = features
            self.avgpool = avgpool
            self.classifier = classifier

        def forward(self, x):
            x = self.avgpool(self.features(x))  # (N, 256, 6, 6)
            return self.classifier(x.flatten(1))  # (N, 9216) -> (N, num_classes)

    return AlexNet


def alexnet(nn: ModuleType | None = None, num_classes: int = 1000, in_channels: int = 3,
            variant: str = "original", dropout: float = 0.5):
    """AlexNet of the given engine.

    Parameters
    ----------
    nn : module, default=glassbox.nn
        ``glassbox.nn`` or ``torch.nn``.
    num_classes : int, default=1000
    in_channels : int, default=3
    variant : {"original", "torchvision"}, default="original"
        ``"original"``: the course's table, input (N, C, 227, 227).
        ``"torchvision"``: torchvision's version (any input of at least 63x63).
    dropout : float, default=0.5
        Dropout probability before the first two fully connected layers.

    Examples
    --------
    >>> import torch
    >>> sum(p.numel() for p in alexnet(nn=torch.nn).parameters())
    62378344
    >>> sum(p.numel() for p in alexnet(nn=torch.nn, variant="torchvision").parameters())
    61100840
    """
    nn = resolve_nn(nn)
    check_positive_int(num_classes=num_classes, in_channels=in_channels)
    if variant == "original":
        widths, first_padding = (96, 256, 384, 384, 256), 0
        avgpool = nn.Identity()
    elif variant == "torchvision":
        widths, first_padding = (64, 192, 384, 256, 256), 2
        avgpool = nn.AdaptiveAvgPool2d((6, 6))
    else:
        raise ValueError(f"variant must be 'original' or 'torchvision', received {variant!r}")
    c1, c2, c3, c4, c5 = widths
    features = nn.Sequential(
        nn.Conv2d(in_channels, c1, kernel_size=11, stride=4, padding=first_padding),  # 55x55
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),                                        # 27x27
        nn.Conv2d(c1, c2, kernel_size=5, padding=2),                                  # 27x27
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),                                        # 13x13
        nn.Conv2d(c2, c3, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.Conv2d(c3, c4, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.Conv2d(c4, c5, kernel_size=3, padding=1),                                  # 13x13
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),                                        # 6x6
    )
    classifier = nn.Sequential(
        nn.Dropout(p=dropout),
        nn.Linear(c5 * 6 * 6, 4096),
        nn.ReLU(),
        nn.Dropout(p=dropout),
        nn.Linear(4096, 4096),
        nn.ReLU(),
        nn.Linear(4096, num_classes),
    )
    return _alexnet_class(nn)(features, avgpool, classifier)
