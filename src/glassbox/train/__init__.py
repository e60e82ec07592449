"""Training, written once for both engines: ``fit``, callbacks, checkpoints, engines.

- :func:`fit` trains a glassbox or torch model (progress bars, per-epoch
  :class:`History`, best/last checkpoints, exact resume, a NaN/inf guard);
  :func:`evaluate` computes loss and metrics on a loader.
- :class:`EarlyStopping` stops when the validation loss stops improving.
- :func:`save_checkpoint` / :func:`load_checkpoint`: weights, optimizer, scheduler and
  random state in one safetensors file (no pickle).
- :func:`get_engine` (``"glassbox"`` or ``"torch"``) hides the few differences between
  the engines, so a lab runs the same code on both.
"""

from glassbox.train.callbacks import Callback, EarlyStopping
from glassbox.train.checkpoint import load_checkpoint, save_checkpoint
from glassbox.train.engines import Engine, engine_of, get_engine
from glassbox.train.history import History
from glassbox.train.loop import (
    BEST_CHECKPOINT,
    LAST_CHECKPOINT,
    NonFiniteLossError,
    evaluate,
    fit,
)
from glassbox.train.metrics import accuracy, binary_accuracy

__all__ = [
    "fit", "evaluate", "History", "Callback", "EarlyStopping", "NonFiniteLossError",
    "save_checkpoint", "load_checkpoint", "Engine", "get_engine", "engine_of",
    "accuracy", "binary_accuracy", "LAST_CHECKPOINT", "BEST_CHECKPOINT",
]
