"""The record of a training run: one value per epoch for every loss and metric."""

from __future__ import annotations

from typing import Any

__all__ = ["History"]


class History:
    """Per-epoch losses and metrics of a :func:`~glassbox.train.fit` run (Keras's History).

    Attributes
    ----------
    history : dict of str to list of float
        ``"epoch"`` (1-based), ``"train_loss"``, ``"val_loss"``, ``"train_<metric>"``,
        ``"val_<metric>"``, ``"lr"`` and ``"time"`` (seconds), one entry per epoch.
    stopped_early : bool
        True when a callback (e.g. :class:`EarlyStopping`) ended the run.
    resumed_from : int or None
        Number of epochs found in the checkpoint this run resumed from.

    Examples
    --------
    >>> h = History()
    >>> h.append({"epoch": 1, "train_loss": 0.5, "val_loss": 0.6})
    >>> h.append({"epoch": 2, "train_loss": 0.3, "val_loss": 0.4})
    >>> h["val_loss"], len(h), h.best_epoch("val_loss")
    ([0.6, 0.4], 2, 2)
    """

    def __init__(self) -> None:
        self.history: dict[str, list[Any]] = {}
        self.stopped_early = False
        self.resumed_from: int | None = None

    def append(self, logs: dict[str, Any]) -> None:
        """Record one epoch's values."""
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def __getitem__(self, key: str) -> list[Any]:
        if key not in self.history:
            raise KeyError(f"{key!r} was not recorded; recorded: {sorted(self.history)}")
        return self.history[key]

    def __contains__(self, key: str) -> bool:
        return key in self.history

    def __len__(self) -> int:
        return len(self.history.get("epoch", []))

    def __repr__(self) -> str:
        return f"History(epochs={len(self)}, keys={sorted(self.history)})"

    def last(self) -> dict[str, Any]:
        """The last epoch's values."""
        return {key: values[-1] for key, values in self.history.items() if values}

    def best_epoch(self, monitor: str = "val_loss", mode: str = "min") -> int:
        """The (1-based) epoch with the best ``monitor`` value."""
        values = self[monitor]
        best = min(values) if mode == "min" else max(values)
        return self.history["epoch"][values.index(best)]

    def state_dict(self) -> dict[str, Any]:
        return {"history": self.history, "stopped_early": self.stopped_early}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.history = {key: list(values) for key, values in state["history"].items()}
        self.stopped_early = bool(state.get("stopped_early", False))
