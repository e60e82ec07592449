"""``torch.accelerator`` as seen from glassbox: none (glassbox computes on the CPU).

Examples
--------
>>> import glassbox as gb
>>> gb.accelerator.is_available()
False
"""

__all__ = ["is_available", "current_accelerator", "device_count"]


def is_available() -> bool:
    """False: glassbox computes on the CPU."""
    return False


def current_accelerator(check_available: bool = False):
    """None: there is no accelerator."""
    return None


def device_count() -> int:
    """0: no accelerator."""
    return 0
