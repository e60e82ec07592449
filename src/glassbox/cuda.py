"""``torch.cuda`` as seen from glassbox: no GPU (glassbox computes on the CPU).

Device-agnostic scripts ask ``torch.cuda.is_available()`` and pick the CPU when it is
False, so they run unchanged; for GPUs, run the same model with PyTorch
(``--engine torch`` in the lab).

Examples
--------
>>> import glassbox as gb
>>> gb.cuda.is_available(), gb.cuda.device_count()
(False, 0)
"""

__all__ = ["is_available", "device_count", "manual_seed", "manual_seed_all", "synchronize"]


def is_available() -> bool:
    """False: glassbox has no GPU backend."""
    return False


def device_count() -> int:
    """0: no GPU."""
    return 0


def manual_seed(seed: int) -> None:
    """Nothing to seed (no GPU); accepted so that seeding code runs unchanged."""


def manual_seed_all(seed: int) -> None:
    """Nothing to seed (no GPU); accepted so that seeding code runs unchanged."""


def synchronize(device=None) -> None:
    """Nothing to wait for: every glassbox operation has finished when it returns."""
