"""Neural-network building blocks, the twin of ``torch.nn`` (filled in step by step)."""

from glassbox.nn.parameter import Parameter

__all__ = ["Parameter"]
