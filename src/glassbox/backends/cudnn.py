"""``torch.backends.cudnn``: its switches exist (scripts set them) and change nothing here."""

deterministic = False
benchmark = False
enabled = True


def is_available() -> bool:
    """False: glassbox computes on the CPU."""
    return False
