"""ResNet (He, Zhang, Ren and Sun, 2015): residual blocks with skip connections.

A block learns a residual F(x) and outputs relu(F(x) + x): the identity path lets
gradients flow through very deep networks. ResNet-18 stacks basic blocks (two 3x3
convolutions), ResNet-50 bottleneck blocks (1x1 reduce, 3x3, 1x1 expand by 4), with
torchvision's layout and state-dict keys (the stride sits on the 3x3 convolution,
"ResNet v1.5"): 11,689,512 and 25,557,032 parameters for 1000 classes.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from glassbox.models._engine import check_positive_int, resolve_nn

__all__ = ["resnet18", "resnet50"]


@cache
def _resnet_classes(nn: ModuleType) -> tuple[type, type, type]:
    def conv3x3(in_planes, out_planes, stride=1):
        return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1,
                         bias=False)

    def conv1x1(in_planes, out_planes, stride=1):
        return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)

    class BasicBlock(nn.Module):
        """relu(bn(conv3x3(relu(bn(conv3x3(x))))) + shortcut(x))."""

        expansion = 1

        def __init__(self, in_planes, planes, stride=1, downsample=None):
            super().__init__()
            self.conv1 = conv3x3(in_planes, planes, stride)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU()
            self.conv2 = conv3x3(planes, planes)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = downsample

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + identity)

    class Bottleneck(nn.Module):
        """1x1 reduce -> 3x3 (stride here) -> 1x1 expand (x4), plus the shortcut."""

        expansion = 4

        def __init__(self, in_planes, planes, stride=1, downsample=None):
            super().__init__()
            self.conv1 = conv1x1(in_planes, planes)
            self.bn1 = nn.BatchNorm2d(planes)
            self.conv2 = conv3x3(planes, planes, stride)
            self.bn2 = nn.BatchNorm2d(planes)
            self.conv3 = conv1x1(planes, planes * self.expansion)
            self.bn3 = nn.BatchNorm2d(planes * self.expansion)
            self.relu = nn.ReLU()
            self.downsample = downsample

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.relu(self.bn2(self.conv2(out)))
            out = self.bn3(self.conv3(out))
            return self.relu(out + identity)

    class ResNet(nn.Module):
        """Stem (7x7/2 convolution, 3x3/2 max-pool), four stages, average pool, fc."""

        def __init__(self, block, layers, num_classes, in_channels):
            super().__init__()
            self.in_planes = 64
            self.conv1 = nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3,
                                   bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU()
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = self._make_layer(block, 64, layers[0])
            self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
            self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
            self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(512 * block.expansion, num_classes)

        def _make_layer(self, block, planes, blocks, stride=1):
            downsample = None
            if stride != 1 or self.in_planes != planes * block.expansion:
                # the shortcut must match the block's output shape: 1x1 conv + BN
                downsample = nn.Sequential(
                    conv1x1(self.in_planes, planes * block.expansion, stride),
                    nn.BatchNorm2d(planes * block.expansion),
                )
            layers = [block(self.in_planes, planes, stride, downsample)]
            self.in_planes = planes * block.expansion
            layers += [block(self.in_planes, planes) for _ in range(1, blocks)]
            return nn.Sequential(*layers)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))  # (N, 64, H/4, W/4)
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            x = self.avgpool(x)                                     # (N, 512*e, 1, 1)
            return self.fc(x.flatten(1))

    return BasicBlock, Bottleneck, ResNet


def resnet18(nn: ModuleType | None = None, num_classes: int = 1000, in_channels: int = 3):
    """ResNet-18: basic blocks, [2, 2, 2, 2].

    Examples
    --------
    >>> import torch
    >>> sum(p.numel() for p in resnet18(nn=torch.nn).parameters())
    11689512
    """
    nn = resolve_nn(nn)
    check_positive_int(num_classes=num_classes, in_channels=in_channels)
    basic, _, resnet = _resnet_classes(nn)
    return resnet(basic, (2, 2, 2, 2), num_classes, in_channels)


def resnet50(nn: ModuleType | None = None, num_classes: int = 1000, in_channels: int = 3):
    """ResNet-50: bottleneck blocks, [3, 4, 6, 3].

    Examples
    --------
    >>> import torch
    >>> sum(p.numel() for p in resnet50(nn=torch.nn).parameters())
    25557032
    """
    nn = resolve_nn(nn)
    check_positive_int(num_classes=num_classes, in_channels=in_channels)
    _, bottleneck, resnet = _resnet_classes(nn)
    return resnet(bottleneck, (3, 4, 6, 3), num_classes, in_channels)
