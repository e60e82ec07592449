"""``torch.backends`` as seen from glassbox: no MPS, no cuDNN; their switches are accepted.

Examples
--------
>>> import glassbox as gb
>>> gb.backends.mps.is_available(), gb.backends.cudnn.is_available()
(False, False)
>>> gb.backends.cudnn.deterministic = True   # accepted, changes nothing on the CPU
"""

from glassbox.backends import cudnn, mps

__all__ = ["cudnn", "mps"]
