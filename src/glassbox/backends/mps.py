"""``torch.backends.mps``: Apple's GPU backend, which glassbox does not have."""


def is_available() -> bool:
    """False: glassbox computes on the CPU."""
    return False


def is_built() -> bool:
    """False: glassbox computes on the CPU."""
    return False
