"""DenseNet-121 (Huang, Liu, van der Maaten and Weinberger, 2017).

Inside a dense block every layer receives the concatenation of all earlier feature maps
and adds ``growth_rate`` new channels (BN-ReLU-1x1 conv to 4·growth channels, then
BN-ReLU-3x3 conv to growth channels): features are reused instead of relearned.
Transitions between blocks halve the channels (1x1 conv) and the resolution (2x2
average pool). Blocks of (6, 12, 24, 16) layers with growth rate 32 give 7,978,856
parameters for 1000 classes, torchvision's ``densenet121`` with its state-dict keys.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from glassbox.models._engine import check_positive_int, resolve_nn, tensor_package

__all__ = ["densenet121"]


@cache
def _densenet_classes(nn: ModuleType) -> tuple[type, type, type, type]:
    cat = tensor_package(nn).cat
    functional = nn.functional

    class DenseLayer(nn.Module):
        """BN-ReLU-conv1x1 (bottleneck to bn_size·k) then BN-ReLU-conv3x3 (k channels)."""

        def __init__(self, in_channels, growth_rate, bn_size):
            super().__init__()
            self.norm1 = nn.BatchNorm2d(in_channels)
            self.relu1 = nn.ReLU()
            self.conv1 = nn.Conv2d(in_channels, bn_size * growth_rate, kernel_size=1,
                                   bias=False)
            self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
            self.relu2 = nn.ReLU()
            self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3,
                                   padding=1, bias=False)

        def forward(self, features):
            x = cat(features, 1)  # every earlier map: (N, C_in + i·k, H, W)
            x = self.conv1(self.relu1(self.norm1(x)))
            return self.conv2(self.relu2(self.norm2(x)))  # (N, k, H, W)

    class DenseBlock(nn.Module):
        """``num_layers`` dense layers; the output concatenates the input and all of theirs."""

        def __init__(self, num_layers, in_channels, growth_rate, bn_size):
            super().__init__()
            self.num_layers = num_layers
            for i in range(num_layers):
                layer = DenseLayer(in_channels + i * growth_rate, growth_rate, bn_size)
                setattr(self, f"denselayer{i + 1}", layer)

        def forward(self, x):
            features = [x]
            for i in range(self.num_layers):
                features.append(getattr(self, f"denselayer{i + 1}")(features))
            return cat(features, 1)

    class Transition(nn.Module):
        """BN-ReLU-conv1x1 halving the channels, then 2x2 average pooling."""

        def __init__(self, in_channels, out_channels):
            super().__init__()
            self.norm = nn.BatchNorm2d(in_channels)
            self.relu = nn.ReLU()
            self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False)
            self.pool = nn.AvgPool2d(kernel_size=2, stride=2)

        def forward(self, x):
            return self.pool(self.conv(self.relu(self.norm(x))))

    class Features(nn.Module):
        """The stem, dense blocks and transitions, under torchvision's names."""

        def __init__(self, in_channels, growth_rate, block_config, num_init_features,
                     bn_size):
            super().__init__()
            self.names = ["conv0", "norm0", "relu0", "pool0"]
            self.conv0 = nn.Conv2d(in_channels, num_init_features, kernel_size=7, stride=2,
                                   padding=3, bias=False)
            self.norm0 = nn.BatchNorm2d(num_init_features)
            self.relu0 = nn.ReLU()
            self.pool0 = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            channels = num_init_features
            for i, num_layers in enumerate(block_config):
                setattr(self, f"denseblock{i + 1}",
                        DenseBlock(num_layers, channels, growth_rate, bn_size))
                self.names.append(f"denseblock{i + 1}")
                channels += num_layers * growth_rate
                if i != len(block_config) - 1:
                    setattr(self, f"transition{i + 1}", Transition(channels, channels // 2))
                    self.names.append(f"transition{i + 1}")
                    channels //= 2
            self.norm5 = nn.BatchNorm2d(channels)
            self.names.append("norm5")
            self.out_channels = channels

        def forward(self, x):
            for name in self.names:
                x = getattr(self, name)(x)
            return x

    class DenseNet(nn.Module):
        """``features`` -> ReLU -> global average pool -> ``classifier``."""

        def __init__(self, num_classes, in_channels, growth_rate, block_config,
                     num_init_features, bn_size):
            super().__init__()
            self.features = Features(in_channels, growth_rate, block_config,
                                     num_init_features, bn_size)
            self.classifier = nn.Linear(self.features.out_channels, num_classes)

        def forward(self, x):
            x = functional.relu(self.features(x))
            x = functional.adaptive_avg_pool2d(x, (1, 1)).flatten(1)  # (N, 1024)
            return self.classifier(x)

    return DenseLayer, DenseBlock, Transition, DenseNet


def densenet121(nn: ModuleType | None = None, num_classes: int = 1000, in_channels: int = 3,
                growth_rate: int = 32, block_config: tuple[int, ...] = (6, 12, 24, 16),
                num_init_features: int = 64, bn_size: int = 4):
    """DenseNet-121 (growth rate 32) of the given engine.

    Examples
    --------
    >>> import torch
    >>> sum(p.numel() for p in densenet121(nn=torch.nn).parameters())
    7978856
    """
    nn = resolve_nn(nn)
    check_positive_int(num_classes=num_classes, in_channels=in_channels,
                       growth_rate=growth_rate, num_init_features=num_init_features,
                       bn_size=bn_size)
    return _densenet_classes(nn)[3](num_classes, in_channels, growth_rate, tuple(block_config),
                                    num_init_features, bn_size)
