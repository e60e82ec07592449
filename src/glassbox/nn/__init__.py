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
glassbox.Size([256, 784])
"""

from glassbox.nn import functional, init, modules, utils
from glassbox.nn.modules import *  # noqa: F403 (every layer, listed once in modules.__all__)
from glassbox.nn.parameter import Parameter

__all__ = ["functional", "init", "utils", "Parameter", *modules.__all__]
