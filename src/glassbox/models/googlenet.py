"""GoogLeNet / Inception v1 (Szegedy et al., 2014), as torchvision builds it.

An inception module runs four branches side by side and concatenates their channels:
a 1x1 convolution, a 1x1 reduction then 3x3, a 1x1 reduction then a second 3x3 (the
paper's 5x5; torchvision keeps a 3x3 here for compatibility with its weights, and so do
we), and a 3x3 max-pool then 1x1 projection. The 1x1 reductions are what keep the
parameter count low: 6,624,904 for 1000 classes (batch-normalised convolutions, no
auxiliary heads), exactly torchvision's ``googlenet(aux_logits=False)``.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from glassbox.models._engine import check_positive_int, resolve_nn, tensor_package

__all__ = ["googlenet"]

# (in, 1x1, 3x3 reduce, 3x3, "5x5" reduce, "5x5", pool projection) of each module
INCEPTION_CONFIG = {
    "inception3a": (192, 64, 96, 128, 16, 32, 32),
    "inception3b": (256, 128, 128, 192, 32, 96, 64),
    "inception4a": (480, 192, 96, 208, 16, 48, 64),
    "inception4b": (512, 160, 112, 224, 24, 64, 64),
    "inception4c": (512, 128, 128, 256, 24, 64, 64),
    "inception4d": (512, 112, 144, 288, 32, 64, 64),
    "inception4e": (528, 256, 160, 320, 32, 128, 128),
    "inception5a": (832, 256, 160, 320, 32, 128, 128),
    "inception5b": (832, 384, 192, 384, 48, 128, 128),
}


@cache
def _googlenet_classes(nn: ModuleType) -> tuple[type, type, type]:
    cat = tensor_package(nn).cat

    class BasicConv2d(nn.Module):
        """Convolution (no bias: the batch norm has one) -> BatchNorm -> ReLU."""

        def __init__(self, in_channels, out_channels, **kwargs):
            super().__init__()
            self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
            self.bn = nn.BatchNorm2d(out_channels, eps=0.001)
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.relu(self.bn(self.conv(x)))

    class Inception(nn.Module):
        """Four parallel branches, concatenated along channels."""

        def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
            super().__init__()
            self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
            self.branch2 = nn.Sequential(
                BasicConv2d(in_channels, ch3x3red, kernel_size=1),
                BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1))
            self.branch3 = nn.Sequential(
                BasicConv2d(in_channels, ch5x5red, kernel_size=1),
                BasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1))
            self.branch4 = nn.Sequential(
                nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
                BasicConv2d(in_channels, pool_proj, kernel_size=1))

        def forward(self, x):
            branches = [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]
            return cat(branches, 1)  # (N, ch1x1 + ch3x3 + ch5x5 + pool_proj, H, W)

    class GoogLeNet(nn.Module):
        """Stem, nine inception modules with max-pools between stages, pool, fc."""

        def __init__(self, num_classes, in_channels, dropout):
            super().__init__()
            self.conv1 = BasicConv2d(in_channels, 64, kernel_size=7, stride=2, padding=3)
            self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
            self.conv2 = BasicConv2d(64, 64, kernel_size=1)
            self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
            self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
            for name in ("inception3a", "inception3b"):
                setattr(self, name, Inception(*INCEPTION_CONFIG[name]))
            self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
            for name in ("inception4a", "inception4b", "inception4c", "inception4d",
                         "inception4e"):
                setattr(self, name, Inception(*INCEPTION_CONFIG[name]))
            self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
            for name in ("inception5a", "inception5b"):
                setattr(self, name, Inception(*INCEPTION_CONFIG[name]))
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.dropout = nn.Dropout(p=dropout)
            self.fc = nn.Linear(1024, num_classes)

        def forward(self, x):
            x = self.maxpool1(self.conv1(x))                        # (N, 64, H/4, W/4)
            x = self.maxpool2(self.conv3(self.conv2(x)))            # (N, 192, H/8, W/8)
            x = self.maxpool3(self.inception3b(self.inception3a(x)))  # (N, 480, H/16, W/16)
            x = self.inception4a(x)
            x = self.inception4b(x)
            x = self.inception4c(x)
            x = self.inception4d(x)
            x = self.maxpool4(self.inception4e(x))                  # (N, 832, H/32, W/32)
            x = self.inception5b(self.inception5a(x))               # (N, 1024, ., .)
            x = self.avgpool(x).flatten(1)                          # (N, 1024)
            return self.fc(self.dropout(x))

    return BasicConv2d, Inception, GoogLeNet


def googlenet(nn: ModuleType | None = None, num_classes: int = 1000, in_channels: int = 3,
              dropout: float = 0.2):
    """GoogLeNet (Inception v1) with batch norm and without auxiliary heads.

    Examples
    --------
    >>> import torch
    >>> sum(p.numel() for p in googlenet(nn=torch.nn).parameters())
    6624904
    """
    nn = resolve_nn(nn)
    check_positive_int(num_classes=num_classes, in_channels=in_channels)
    return _googlenet_classes(nn)[2](num_classes, in_channels, dropout)
