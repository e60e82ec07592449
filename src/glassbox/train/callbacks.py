"""Callbacks: code run by :func:`~glassbox.train.fit` at the end of every epoch."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["Callback", "EarlyStopping"]


class Callback:
    """Base class: override the hooks you need; set ``stop_training = True`` to stop.

    A callback's state (its attributes) is saved in the training checkpoint, so a resumed
    run continues to count patience where the interrupted one stopped.
    """

    stop_training: bool = False

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        """Called once before the first epoch (also when resuming)."""

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """Called after each epoch with its (1-based) number and its losses and metrics."""

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Called once after the last epoch."""

    def state_dict(self) -> dict[str, Any]:
        """The callback's JSON-serialisable state (its public and private attributes)."""
        return {key: value for key, value in vars(self).items()
                if isinstance(value, (int, float, str, bool, type(None)))}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        vars(self).update(state)


class EarlyStopping(Callback):
    """Stop training when a monitored value has stopped improving.

    Validation loss falls while the network learns, then rises once it starts to
    memorise the training set (over-fitting): stopping after ``patience`` epochs without
    improvement keeps the run near the best epoch (whose weights the best-model
    checkpoint of :func:`~glassbox.train.fit` keeps).

    Parameters
    ----------
    monitor : str, default="val_loss"
        A key of the epoch logs: ``"val_loss"``, ``"val_accuracy"``, ``"train_loss"``...
    patience : int, default=5
        Number of epochs without improvement after which training stops.
    mode : {"min", "max"}, default="min"
        Whether lower (a loss) or higher (an accuracy) is better.
    min_delta : float, default=0.0
        A change smaller than this does not count as an improvement.

    Attributes
    ----------
    best : float
        Best value seen.
    best_epoch : int
        The (1-based) epoch where it was seen.
    wait : int
        Epochs since the last improvement.
    stopped_epoch : int
        The epoch after which training stopped (0 if it did not).

    See Also
    --------
    keras.callbacks.EarlyStopping : the model of this callback.

    Examples
    --------
    >>> stopper = EarlyStopping(patience=2)
    >>> for epoch, loss in enumerate([1.0, 0.8, 0.9, 0.85, 0.7], start=1):
    ...     stopper.on_epoch_end(epoch, {"val_loss": loss})
    ...     if stopper.stop_training:
    ...         break
    >>> stopper.stopped_epoch, stopper.best_epoch
    (4, 2)
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 5, mode: str = "min",
                 min_delta: float = 0.0) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping mode: expected 'min' or 'max', received {mode!r}")
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping patience: expected an integer >= 0, received "
                             f"{patience!r}")
        self.monitor = monitor
        self.patience = patience
        self.mode = mode
        self.min_delta = abs(min_delta)
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = 0
        self.wait = 0
        self.stopped_epoch = 0
        self.stop_training = False

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        if self.monitor not in logs:
            raise KeyError(f"EarlyStopping monitors {self.monitor!r}, which the epoch logs do "
                           f"not contain; available: {sorted(logs)}. Pass a val_loader for "
                           "'val_*' values, or monitor another key.")
        value = float(logs[self.monitor])
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stop_training = True
            self.stopped_epoch = epoch
