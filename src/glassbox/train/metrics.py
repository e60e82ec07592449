"""Metrics computed per batch during training (on NumPy arrays, for either engine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["accuracy", "binary_accuracy", "resolve_metrics"]


def binary_accuracy(output: np.ndarray, target: np.ndarray, threshold: float = 0.5) -> float:
    """Fraction of samples whose ``output > threshold`` equals the 0/1 ``target``.

    Parameters
    ----------
    output : ndarray of shape (N,) or (N, 1)
        Probabilities (a sigmoid output: threshold 0.5) or logits (use ``threshold=0``).
    target : ndarray of shape (N,) or (N, 1)
        0 or 1.

    Examples
    --------
    >>> binary_accuracy(np.array([[0.9], [0.2], [0.6]]), np.array([[1.0], [0.0], [0.0]]))
    0.6666666666666666
    """
    predicted = np.asarray(output).reshape(-1) > threshold
    return float(np.mean(predicted == (np.asarray(target).reshape(-1) > 0.5)))


def accuracy(output: np.ndarray, target: np.ndarray) -> float:
    """Classification accuracy of a batch: the fraction of correct predictions.

    With one output per sample (shape ``(N,)`` or ``(N, 1)``) the output is read as the
    probability of class 1 (a sigmoid), thresholded at 0.5; with ``C > 1`` outputs
    (logits or probabilities) the prediction is the arg-max. Targets are class indices,
    or one-hot / probability rows (their arg-max is used).

    Parameters
    ----------
    output : ndarray of shape (N,), (N, 1) or (N, C)
    target : ndarray of shape (N,), (N, 1) or (N, C)

    Examples
    --------
    >>> accuracy(np.array([[2.0, 0.1], [0.3, 1.0]]), np.array([0, 0]))
    0.5
    """
    output, target = np.asarray(output), np.asarray(target)
    if output.ndim == 1 or output.shape[1] == 1:
        return binary_accuracy(output, target)
    predicted = output.argmax(axis=1)
    if target.ndim == 2 and target.shape[1] == output.shape[1]:
        target = target.argmax(axis=1)
    return float(np.mean(predicted == target.reshape(-1)))


_BUILT_IN: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {"accuracy": accuracy}


def resolve_metrics(metrics: Any) -> dict[str, Callable[[np.ndarray, np.ndarray], float]]:
    """Turn ``None``, a list of names/callables or a dict into ``{name: fn(output, target)}``.

    Examples
    --------
    >>> sorted(resolve_metrics(["accuracy"]))
    ['accuracy']
    """
    if metrics is None:
        return {}
    if isinstance(metrics, dict):
        items = list(metrics.items())
    elif isinstance(metrics, (list, tuple)):
        items = [(m if isinstance(m, str) else getattr(m, "__name__", "metric"), m)
                 for m in metrics]
    else:
        raise TypeError(f"metrics: expected a list of names or callables, or a dict of "
                        f"name -> fn(output, target); received {type(metrics).__name__}")
    resolved = {}
    for name, metric in items:
        if isinstance(metric, str):
            if metric not in _BUILT_IN:
                raise ValueError(f"Unknown metric {metric!r}; the built-in metrics are "
                                 f"{sorted(_BUILT_IN)}. Pass a callable fn(output, target) "
                                 "for others.")
            metric = _BUILT_IN[metric]
        if not callable(metric):
            raise TypeError(f"metric {name!r} must be callable fn(output, target) -> float, "
                            f"received {type(metric).__name__}")
        resolved[name] = metric
    return resolved
