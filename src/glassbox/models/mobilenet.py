"""MobileNetV1 (Howard et al., 2017): depthwise-separable convolutions.

A standard KxK convolution from M to N channels costs K·K·M·N multiply-adds per output
pixel; MobileNet replaces it by a depthwise KxK convolution (one filter per input
channel, K·K·M) followed by a pointwise 1x1 convolution (M·N), about 1/N + 1/K² of the
cost. The width multiplier α thins every layer (int(α·channels)); the resolution
multiplier ρ scales the input side (224·ρ). With α = 1 the network has 4,231,976
trainable parameters for 1000 classes, exactly the Keras reference
(``keras.applications.MobileNet``). Activations are ReLU as in the paper (Keras uses
ReLU6, which has no parameters and does not change the count).
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from glassbox.models._engine import check_positive_int, resolve_nn

__all__ = ["mobilenet_v1", "MOBILENET_V1_LAYERS"]

# (output channels, stride) of the 13 depthwise-separable blocks, before α.
MOBILENET_V1_LAYERS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                       (512, 1), (512, 1), (512, 1), (512, 1), (512, 1),
                       (1024, 2), (1024, 1))


@cache
def _mobilenet_classes(nn: ModuleType) -> tuple[type, type]:
    def conv_bn_relu(in_channels, out_channels, kernel_size, stride, groups=1):
        return nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride,
                      padding=kernel_size // 2, groups=groups, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(),
        )

    class DepthwiseSeparable(nn.Module):
        """Depthwise 3x3 (groups = channels) then pointwise 1x1, each with BN and ReLU."""

        def __init__(self, in_channels, out_channels, stride):
            super().__init__()
            self.depthwise = conv_bn_relu(in_channels, in_channels, 3, stride,
                                          groups=in_channels)
            self.pointwise = conv_bn_relu(in_channels, out_channels, 1, 1)

        def forward(self, x):
            return self.pointwise(self.depthwise(x))

    class MobileNetV1(nn.Module):
        """Standard 3x3/2 stem, 13 depthwise-separable blocks, average pool, classifier."""

        def __init__(self, num_classes, in_channels, alpha, rho, dropout):
            super().__init__()
            self.alpha, self.rho = alpha, rho
            self.input_resolution = int(round(224 * rho))
            width = lambda channels: int(channels * alpha)
            layers = [conv_bn_relu(in_channels, width(32), 3, 2)]
            channels = width(32)
            for out_channels, stride in MOBILENET_V1_LAYERS:
                layers.append(DepthwiseSeparable(channels, width(out_channels), stride))
                channels = width(out_channels)
            self.features = nn.Sequential(*layers)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.dropout = nn.Dropout(p=dropout)
            self.classifier = nn.Linear(channels, num_classes)

        def forward(self, x):
            x = self.avgpool(self.features(x)).flatten(1)  # (N, int(1024 α))
            return self.classifier(self.dropout(x))

    return DepthwiseSeparable, MobileNetV1


def mobilenet_v1(nn: ModuleType | None = None, num_classes: int = 1000, in_channels: int = 3,
                 alpha: float = 1.0, rho: float = 1.0, dropout: float = 0.001):
    """MobileNetV1 with width multiplier ``alpha`` and resolution multiplier ``rho``.

    Parameters
    ----------
    nn : module, default=glassbox.nn
    num_classes : int, default=1000
    in_channels : int, default=3
    alpha : float in (0, 1], default=1.0
        Width multiplier: every layer has int(alpha * channels) channels.
    rho : float in (0, 1], default=1.0
        Resolution multiplier: the intended input is 224·rho pixels a side (stored as
        ``model.input_resolution``; it changes the cost, not the parameters).
    dropout : float, default=0.001
        As in the Keras reference.

    Examples
    --------
    >>> import torch
    >>> sum(p.numel() for p in mobilenet_v1(nn=torch.nn).parameters())
    4231976
    """
    nn = resolve_nn(nn)
    check_positive_int(num_classes=num_classes, in_channels=in_channels)
    for name, value in (("alpha", alpha), ("rho", rho)):
        if not 0 < value <= 1:
            raise ValueError(f"{name} must be in (0, 1], received {name}={value!r}")
    if int(32 * alpha) < 1:
        raise ValueError(f"alpha={alpha} leaves the first layer without channels; "
                         "expected alpha >= 1/32")
    return _mobilenet_classes(nn)[1](num_classes, in_channels, alpha, rho, dropout)
