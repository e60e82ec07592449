"""Training checkpoints in one safetensors file: weights, optimizer, scheduler, RNG, epoch.

A checkpoint must let a run continue *exactly* (same weights, same next batch, same
dropout masks), and loading one must never run code, so there is no pickle: every array
(model weights, Adam's moment estimates, the RNG's state bytes) becomes a tensor of the
safetensors file, and everything else (the learning rates, the epoch, the history, the
scheduler's counters) is JSON in the file's metadata header, with a ``{"__tensor__":
key}`` placeholder where an array was taken out. The file is written atomically
(``glassbox.io``), so a run killed while saving leaves the previous checkpoint intact.

Layout of the tensors: ``model/<name>`` for the model's state dict, and
``optimizer/...``, ``scheduler/...``, ``rng/...`` for arrays inside those states.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from glassbox.io import load, load_metadata, save
from glassbox.train.engines import Engine, engine_of, to_numpy

__all__ = ["save_checkpoint", "load_checkpoint", "check_state_dict_matches",
           "flatten_state", "unflatten_state", "CHECKPOINT_FORMAT"]

CHECKPOINT_FORMAT = "glassbox.train.checkpoint/1"


def _is_array(value: Any) -> bool:
    """An array or a tensor of either engine (something to store as a tensor)."""
    return isinstance(value, np.ndarray) or (hasattr(value, "shape") and hasattr(value, "dtype")
                                             and not isinstance(value, np.generic))


def flatten_state(tree: Any, prefix: str, tensors: dict[str, np.ndarray]) -> Any:
    """Move every array of a nested state (dicts, lists, tuples) into ``tensors``.

    Returns the JSON-serialisable rest, with ``{"__tensor__": key}`` where an array was,
    ``{"__tuple__": [...]}`` for tuples and ``{"__items__": [[key, value], ...]}`` for
    dicts whose keys are not all strings (an optimizer's state is keyed by index).

    Examples
    --------
    >>> tensors = {}
    >>> flatten_state({"state": {0: {"step": 3.0, "m": np.zeros(2)}}}, "opt", tensors)
    {'state': {'__items__': [[0, {'step': 3.0, 'm': {'__tensor__': 'opt/state/0/m'}}]]}}
    >>> list(tensors)
    ['opt/state/0/m']
    """
    if _is_array(tree):
        tensors[prefix] = np.array(to_numpy(tree), order="C")  # 0-d stays 0-d
        return {"__tensor__": prefix}
    if isinstance(tree, Mapping):
        if all(isinstance(key, str) for key in tree):
            return {key: flatten_state(value, f"{prefix}/{key}", tensors)
                    for key, value in tree.items()}
        return {"__items__": [[key, flatten_state(value, f"{prefix}/{key}", tensors)]
                              for key, value in tree.items()]}
    if isinstance(tree, tuple):
        return {"__tuple__": [flatten_state(value, f"{prefix}/{index}", tensors)
                              for index, value in enumerate(tree)]}
    if isinstance(tree, list):
        return [flatten_state(value, f"{prefix}/{index}", tensors)
                for index, value in enumerate(tree)]
    if isinstance(tree, np.generic):
        return tree.item()
    return tree


def unflatten_state(tree: Any, tensors: Mapping[str, np.ndarray],
                    to_tensor: Callable[[np.ndarray], Any] = np.asarray) -> Any:
    """Inverse of :func:`flatten_state`; ``to_tensor`` converts each stored array.

    Examples
    --------
    >>> tensors = {}
    >>> tree = flatten_state({"betas": (0.9, 0.999), "m": np.ones(2)}, "g", tensors)
    >>> unflatten_state(tree, tensors)
    {'betas': (0.9, 0.999), 'm': array([1., 1.])}
    """
    if isinstance(tree, dict):
        if set(tree) == {"__tensor__"}:
            return to_tensor(tensors[tree["__tensor__"]])
        if set(tree) == {"__tuple__"}:
            return tuple(unflatten_state(value, tensors, to_tensor) for value in tree["__tuple__"])
        if set(tree) == {"__items__"}:
            return {key: unflatten_state(value, tensors, to_tensor)
                    for key, value in tree["__items__"]}
        return {key: unflatten_state(value, tensors, to_tensor) for key, value in tree.items()}
    if isinstance(tree, list):
        return [unflatten_state(value, tensors, to_tensor) for value in tree]
    return tree


def save_checkpoint(path: str | Path, model: Any, optimizer: Any = None, scheduler: Any = None,
                    *, epoch: int = 0, extra: Mapping[str, Any] | None = None,
                    rng_state: Mapping[str, Any] | None = None) -> Path:
    """Save everything needed to resume training into one safetensors file (atomic).

    Parameters
    ----------
    path : str or Path
        Target file, e.g. ``checkpoints/last.safetensors``.
    model : Module (glassbox or torch)
    optimizer : Optimizer, optional
    scheduler : LRScheduler, optional
    epoch : int, default=0
        Number of completed epochs.
    extra : mapping, optional
        Any other JSON-serialisable (or array) state: history, callbacks.
    rng_state : mapping, optional
        Global random states (``engine.get_rng_state()``), restored by
        :func:`load_checkpoint`.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib, glassbox.nn as nn, glassbox.optim as optim
    >>> model = nn.Linear(3, 1)
    >>> opt = optim.Adam(model.parameters())
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "last.safetensors"
    >>> _ = save_checkpoint(path, model, opt, epoch=2)
    >>> load_checkpoint(path, nn.Linear(3, 1), optim.Adam(model.parameters()))["epoch"]
    2
    """
    engine = engine_of(model)
    # NOTE: np.ascontiguousarray makes 0-d arrays 1-d; batch norm's num_batches_tracked
    # is 0-d, and a checkpoint must give back the model's own shapes.
    tensors = {f"model/{name}": np.array(array, order="C")
               for name, array in engine.state_dict_to_numpy(model.state_dict()).items()}
    state = {
        "format": CHECKPOINT_FORMAT,
        "engine": engine.name,
        "epoch": int(epoch),
        "optimizer": None if optimizer is None else flatten_state(
            optimizer.state_dict(), "optimizer", tensors),
        "optimizer_class": None if optimizer is None else type(optimizer).__name__,
        "scheduler_class": None if scheduler is None else type(scheduler).__name__,
        "scheduler": None if scheduler is None else flatten_state(
            scheduler.state_dict(), "scheduler", tensors),
        "rng": None if rng_state is None else flatten_state(dict(rng_state), "rng", tensors),
        "extra": flatten_state(dict(extra or {}), "extra", tensors),
    }
    metadata = {"glassbox": json.dumps(state, allow_nan=True), "epoch": str(int(epoch))}
    return save(tensors, path, metadata=metadata)


def check_state_dict_matches(expected: Mapping[str, Any], found: Mapping[str, Any],
                             source: str) -> None:
    """Raise a ValueError listing every missing, unexpected and mis-shaped key.

    Parameters
    ----------
    expected : mapping of str to tensor
        The model's own ``state_dict()``.
    found : mapping of str to array
        The state stored in a checkpoint.
    source : str
        Where ``found`` comes from (named in the message).
    """
    missing = [name for name in expected if name not in found]
    unexpected = sorted(name for name in found if name not in expected)
    mismatched = [
        f"{name}: checkpoint {tuple(np.shape(found[name]))}, model "
        f"{tuple(to_numpy(expected[name]).shape)}"
        for name in expected
        if name in found and tuple(np.shape(found[name])) != tuple(to_numpy(expected[name]).shape)
    ]
    if missing or unexpected or mismatched:
        parts = []
        if missing:
            parts.append(f"missing keys (in the model, not in the checkpoint): {missing}")
        if unexpected:
            parts.append(f"unexpected keys (in the checkpoint, not in the model): {unexpected}")
        if mismatched:
            parts.append(f"shape mismatches: {mismatched}")
        raise ValueError(
            f"The checkpoint {source} does not fit this model; it was probably saved from a "
            f"different architecture. " + "; ".join(parts) + ". Build the same model as the "
            "run that saved it, or start afresh (resume=False or a new checkpoint_dir)."
        )


def _check_same_class(what: str, saved_class: str | None, obj: Any, path: Path) -> None:
    """Refuse to load one optimizer's (or scheduler's) state into another kind."""
    if saved_class is not None and saved_class != type(obj).__name__:
        raise ValueError(f"The checkpoint {path} holds the state of a {saved_class} {what}, "
                         f"received a {type(obj).__name__}. Resume with a {saved_class}, as "
                         "the run that saved it, or start afresh (resume=False or a new "
                         "checkpoint_dir).")


def load_checkpoint(path: str | Path, model: Any, optimizer: Any = None, scheduler: Any = None,
                    *, engine: Engine | None = None, restore_rng: bool = False) -> dict[str, Any]:
    """Load a checkpoint written by :func:`save_checkpoint` into ``model`` (and the others).

    Parameters
    ----------
    path : str or Path
    model : Module
        Must have the same state-dict keys and shapes as the saved model.
    optimizer, scheduler : optional
        Built like the saved ones (same parameter groups); their states are loaded.
    engine : Engine, optional
        Defaults to the model's engine.
    restore_rng : bool, default=False
        Also restore the global random state saved with the checkpoint.

    Returns
    -------
    dict
        ``{"epoch": int, "extra": dict, "rng": dict or None, "engine": str}``.

    Raises
    ------
    ValueError
        If the file is not a glassbox checkpoint, or its weights do not fit ``model``
        (missing, unexpected and mis-shaped keys are listed).
    """
    path = Path(path)
    engine = engine or engine_of(model)
    tensors = load(path, as_numpy=True)
    header = load_metadata(path).get("glassbox")
    if header is None:
        raise ValueError(f"{path} is a safetensors file but not a glassbox training checkpoint "
                         "(no 'glassbox' metadata). Load plain weights with glassbox.load().")
    state = json.loads(header)
    weights = {name[len("model/"):]: array for name, array in tensors.items()
               if name.startswith("model/")}
    check_state_dict_matches(model.state_dict(), weights, str(path))
    model.load_state_dict(engine.state_dict_from_numpy(weights))

    def as_engine_tensor(array: np.ndarray) -> Any:
        return engine.tensor(array, dtype=array.dtype)

    if optimizer is not None and state["optimizer"] is not None:
        _check_same_class("optimizer", state.get("optimizer_class"), optimizer, path)
        try:
            optimizer.load_state_dict(unflatten_state(state["optimizer"], tensors,
                                                      as_engine_tensor))
        except (KeyError, ValueError) as error:
            raise ValueError(f"The optimizer state in {path} does not fit this "
                             f"{type(optimizer).__name__} ({type(error).__name__}: {error}). "
                             "Build the optimizer as the run that saved it did (same class, "
                             "same parameter groups).") from None
    if scheduler is not None and state["scheduler"] is not None:
        _check_same_class("scheduler", state.get("scheduler_class"), scheduler, path)
        scheduler.load_state_dict(unflatten_state(state["scheduler"], tensors))
    rng = None if state["rng"] is None else unflatten_state(state["rng"], tensors)
    if restore_rng and rng is not None:
        engine.set_rng_state(rng)
    return {"epoch": state["epoch"], "engine": state["engine"], "rng": rng,
            "extra": unflatten_state(state["extra"], tensors)}
