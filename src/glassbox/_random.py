"""The global random number generator of glassbox (the twin of torch's default generator).

Everything random in the deep-learning half of glassbox (``randn``, ``rand``, weight
initialisation, dropout masks, DataLoader shuffling, augmentation) draws from one NumPy
``Generator`` unless it is given its own. ``manual_seed`` resets it, and its state can
be saved and restored so that a resumed training run continues exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["manual_seed", "default_generator", "get_rng_state", "set_rng_state"]

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the global generator, like ``torch.manual_seed``; returns it.

    Examples
    --------
    >>> a = manual_seed(0).standard_normal(2)
    >>> b = manual_seed(0).standard_normal(2)
    >>> bool((a == b).all())
    True
    """
    global _generator
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed expects an integer seed, received {seed!r}")
    _generator = np.random.default_rng(int(seed))
    return _generator


def default_generator() -> np.random.Generator:
    """The global generator (use it, do not keep a reference across ``manual_seed``)."""
    return _generator


def get_rng_state() -> dict[str, Any]:
    """The global generator's state, a JSON-serialisable dict (for checkpoints)."""
    return _generator.bit_generator.state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore a state returned by :func:`get_rng_state`."""
    if not isinstance(state, dict) or "bit_generator" not in state:
        raise ValueError(f"set_rng_state expects a state from get_rng_state(), received {state!r}")
    _generator.bit_generator.state = state
