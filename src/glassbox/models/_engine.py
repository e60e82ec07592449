"""Which engine a model is built with: the ``nn`` namespace passed to every zoo function.

Each architecture is written once, as a function of an ``nn`` namespace with torch's
API. ``nn=glassbox.nn`` (the default) builds a glassbox model; ``nn=torch.nn`` builds the
identical torch model. The few tensor functions a ``forward`` needs beyond ``nn``
(``cat``, ``flatten``) come from the namespace's top-level package.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def resolve_nn(nn: ModuleType | None) -> ModuleType:
    """``nn`` itself, or ``glassbox.nn`` when None; rejects anything without torch's API."""
    if nn is None:
        import glassbox.nn as nn
    for needed in ("Module", "Conv2d", "Linear", "Sequential"):
        if not hasattr(nn, needed):
            raise TypeError(f"nn must be a namespace like glassbox.nn or torch.nn (with "
                            f"{needed}), received {nn!r}")
    return nn


def tensor_package(nn: ModuleType) -> ModuleType:
    """The package whose ``cat`` and ``flatten`` go with ``nn`` (``torch`` or ``glassbox``)."""
    return importlib.import_module(nn.__name__.split(".")[0])


def check_positive_int(**values: int) -> None:
    """Raise a ValueError naming the first argument that is not a positive integer."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, received {name}={value!r}")
