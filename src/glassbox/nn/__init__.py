"""Neural networks, the twin of ``torch.nn``: layers, losses, ``functional`` and ``init``.

Same class names, signatures, defaults, attribute names and ``state_dict`` keys as torch,
so one model definition builds the same network in both engines and weights move
between them.

Examples
--------
>>> import glassbox as gb
>>> from glassbox import nn
>>> model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
>>> loss = nn.CrossEntropyLoss()(model(gb.randn(128, 784)), gb.randint(0, 10, (128,)))
>>> loss.backward()
>>> model[0].weight.grad.shape
(256, 784)
"""

from glassbox.nn import functional, init, utils
from glassbox.nn.modules import (
    GELU,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool2d,
    BatchNorm1d,
    BatchNorm2d,
    BCELoss,
    BCEWithLogitsLoss,
    CircularPad1d,
    CircularPad2d,
    CircularPad3d,
    ConstantPad1d,
    ConstantPad2d,
    ConstantPad3d,
    Conv2d,
    ConvTranspose2d,
    CosineSimilarity,
    CrossEntropyLoss,
    Dropout,
    Dropout2d,
    Embedding,
    Flatten,
    Fold,
    GroupNorm,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    HuberLoss,
    Identity,
    InstanceNorm1d,
    InstanceNorm2d,
    KLDivLoss,
    L1Loss,
    LayerNorm,
    LeakyReLU,
    Linear,
    LogSoftmax,
    MaxPool2d,
    Mish,
    Module,
    ModuleDict,
    ModuleList,
    MSELoss,
    NLLLoss,
    PairwiseDistance,
    ParameterDict,
    ParameterList,
    PixelShuffle,
    PixelUnshuffle,
    ReflectionPad1d,
    ReflectionPad2d,
    ReflectionPad3d,
    ReLU,
    ReLU6,
    ReplicationPad1d,
    ReplicationPad2d,
    ReplicationPad3d,
    Sequential,
    Sigmoid,
    SiLU,
    SmoothL1Loss,
    Softmax,
    Softplus,
    Tanh,
    Unflatten,
    Unfold,
    Upsample,
    ZeroPad1d,
    ZeroPad2d,
    ZeroPad3d,
)
from glassbox.nn.parameter import Parameter

__all__ = [
    "functional", "init", "utils", "Parameter", "Module", "Sequential", "ModuleList", "ModuleDict",
    "Linear", "Identity", "Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d",
    "AdaptiveAvgPool2d", "BatchNorm1d", "BatchNorm2d", "Dropout", "Flatten", "Unflatten",
    "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Upsample", "MSELoss",
    "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "Embedding",
    "LayerNorm", "GELU", "SmoothL1Loss", "HuberLoss", "Softplus", "SiLU", "Mish", "Hardtanh",
    "ReLU6", "Hardsigmoid", "Hardswish", "PairwiseDistance", "CosineSimilarity",
    "Fold", "Unfold", "PixelShuffle", "PixelUnshuffle",
    "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "Dropout2d",
    "AdaptiveMaxPool2d", "KLDivLoss", "ParameterList", "ParameterDict",
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d",
    "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d",
]
