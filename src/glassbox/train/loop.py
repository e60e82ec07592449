"""``fit``: the training loop, written once for glassbox and torch models.

The loop the course describes ("the training process involves parameters optimization
on the same training samples several times, or epochs"), with what a real run needs::

    for epoch in epochs:
        model.train()
        for x, y in train_loader:                  # one mini-batch
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)            # forward
            stop if loss is NaN or inf             # before it reaches the weights
            loss.backward()                        # back-propagation
            optimizer.step()                       # w <- w - lr * grad (or Adam's rule)
        model.eval(); with no_grad: validation loss and metrics
        scheduler.step(); history; callbacks (early stopping)
        checkpoints: best.safetensors (weights of the best epoch), last.safetensors (all)

Only the shared API is used (``model(x)``, ``.backward()``, ``.step()``,
``state_dict()``), so the same function trains a ``glassbox.nn`` model on glassbox
loaders and a ``torch.nn`` model on torch loaders.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from glassbox.io import TEMPORARY_SUFFIX, load_metadata
from glassbox.train.callbacks import Callback
from glassbox.train.checkpoint import load_checkpoint, save_checkpoint
from glassbox.train.engines import Engine, engine_of, get_engine, to_numpy
from glassbox.train.history import History
from glassbox.train.metrics import resolve_metrics

__all__ = ["fit", "evaluate", "first_non_finite", "NonFiniteLossError", "LAST_CHECKPOINT",
           "BEST_CHECKPOINT"]

LAST_CHECKPOINT = "last.safetensors"
BEST_CHECKPOINT = "best.safetensors"


class NonFiniteLossError(FloatingPointError):
    """A loss or a weight became NaN or infinite; training was stopped.

    Raised when a training loss, a validation loss, or a parameter or buffer of the
    model is not finite. The checkpoint of the last good epoch is left untouched: a
    checkpoint is only written once all of them were checked.
    """


def _progress_bar(iterable: Iterable[Any], enabled: bool, **options: Any) -> Any:
    from tqdm.auto import tqdm

    return tqdm(iterable, disable=not enabled, dynamic_ncols=True, **options)


def _batch_size(target: Any) -> int:
    shape = getattr(target, "shape", None)
    return int(shape[0]) if shape is not None and len(shape) > 0 else 1


def _loader_generators(loader: Any) -> list[Any]:
    """The loader's own random generators (shuffling not drawn from the global one)."""
    found = []
    candidates = [getattr(loader, "generator", None)]
    for holder in (getattr(loader, "sampler", None), getattr(loader, "batch_sampler", None)):
        candidates.append(getattr(holder, "generator", None))
        inner = getattr(holder, "sampler", None)
        candidates.append(getattr(inner, "generator", None))
    for generator in candidates:
        if generator is not None and all(generator is not other for other in found):
            found.append(generator)
    return found


def _unpack(batch: Any, batch_index: int, caller: str) -> tuple[Any, Any]:
    """The (input, target) pair of a batch, or a ValueError saying what the loader gave."""
    if isinstance(batch, (tuple, list)) and len(batch) == 2:
        return batch[0], batch[1]
    received = (f"a {type(batch).__name__} of {len(batch)} items"
                if isinstance(batch, (tuple, list)) else f"a {type(batch).__name__}")
    raise ValueError(f"{caller}: expected the loader to yield (input, target) pairs, "
                     f"received {received} at batch {batch_index + 1}. Wrap the loader so "
                     "each batch is a pair, e.g. ((x, y) for x, y, _ in loader).")


def first_non_finite(state_dict: Any) -> str | None:
    """The first entry of a state dict holding NaN or inf, described; None if all finite.

    Parameters
    ----------
    state_dict : mapping of str to tensor (either engine) or ndarray
        Typically ``model.state_dict()`` (parameters and buffers, in module order).

    Examples
    --------
    >>> import numpy as np
    >>> first_non_finite({"a": np.ones(3), "b": np.array([1.0, np.nan, np.inf])})
    "'b' (1 NaN and 1 inf among 3 values)"
    >>> first_non_finite({"a": np.ones(3)}) is None
    True
    """
    for name, value in state_dict.items():
        array = to_numpy(value)
        if array.dtype.kind not in "fc" or bool(np.isfinite(array).all()):
            continue
        n_nan = int(np.isnan(array).sum())
        return (f"{name!r} ({n_nan} NaN and {int(array.size - n_nan - np.isfinite(array).sum())}"
                f" inf among {array.size} values)")
    return None


def _check_monitor(monitor: str, callbacks: Sequence[Callback], metric_fns: dict[str, Any],
                   has_validation: bool) -> None:
    """Refuse, before any training, a monitored name that no epoch log will contain."""
    names = ["train_loss", *(f"train_{name}" for name in metric_fns)]
    if has_validation:
        names += ["val_loss", *(f"val_{name}" for name in metric_fns)]
    names.append("lr")
    watched = [("monitor", monitor)] + [
        (f"{type(callback).__name__}.monitor", callback.monitor) for callback in callbacks
        if isinstance(getattr(callback, "monitor", None), str)]
    for what, name in watched:
        if name not in names:
            hint = (" The 'val_*' values need a val_loader." if name.startswith("val_")
                    and not has_validation else "")
            raise ValueError(f"{what}: expected one of {names}, received {name!r}.{hint} "
                             "Metrics are named after the metrics= argument.")


def _prepare_checkpoint_dir(checkpoint_dir: Path) -> None:
    """Create the checkpoint folder now, so a bad path fails before the first epoch."""
    if checkpoint_dir.exists() and not checkpoint_dir.is_dir():
        raise ValueError(f"checkpoint_dir: expected a folder, received {checkpoint_dir}, "
                         "which is a file. Pass a folder path (it is created if missing).")
    try:
        checkpoint_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"checkpoint_dir: cannot create the folder {checkpoint_dir} "
                         f"({error.strerror or error}). Pass a writable folder.") from None
    if not os.access(checkpoint_dir, os.W_OK | os.X_OK):
        raise ValueError(f"checkpoint_dir: the folder {checkpoint_dir} is not writable. "
                         "Pass a writable folder.")
    # A run killed while saving leaves its temporary file (io.atomic_write's
    # ".NAME.<random>.tmp"); the checkpoint itself is intact, the temporary file is removed.
    for name in (LAST_CHECKPOINT, BEST_CHECKPOINT):
        for temporary in checkpoint_dir.glob(f".{name}.*{TEMPORARY_SUFFIX}"):
            temporary.unlink(missing_ok=True)


def evaluate(model: Any, loader: Iterable[Any], loss_fn: Callable[[Any, Any], Any],
             metrics: Any = None, *, engine: Engine | None = None) -> dict[str, float]:
    """Mean loss and metrics of ``model`` over ``loader``, in eval mode and without a graph.

    Parameters
    ----------
    model : Module (glassbox or torch)
    loader : iterable of (input, target) batches
    loss_fn : callable
        ``loss_fn(output, target)`` returning the batch's mean loss (a scalar tensor).
    metrics : list or dict, optional
        Names (``"accuracy"``) or callables ``fn(output, target) -> float`` on NumPy arrays.

    Returns
    -------
    dict
        ``{"loss": float, "<metric>": float}``, averaged over samples.

    Examples
    --------
    >>> import numpy as np, glassbox.nn as nn
    >>> from glassbox.train import get_engine
    >>> engine = get_engine("glassbox")
    >>> X = np.array([[1.0], [-1.0]]); y = np.array([[1.0], [0.0]])
    >>> model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
    >>> sorted(evaluate(model, engine.data_loader(X, y), nn.BCELoss(), ["accuracy"]))
    ['accuracy', 'loss']
    """
    engine = engine or engine_of(model)
    metric_fns = resolve_metrics(metrics)
    totals = {"loss": 0.0, **{name: 0.0 for name in metric_fns}}
    count = 0
    was_training = getattr(model, "training", True)
    model.eval()
    with engine.no_grad():
        for batch_index, batch in enumerate(loader):
            inputs, target = _unpack(batch, batch_index, "evaluate")
            output = model(inputs)
            n = _batch_size(target)
            totals["loss"] += float(loss_fn(output, target).item()) * n
            if metric_fns:
                output_np, target_np = to_numpy(output), to_numpy(target)
                for name, metric in metric_fns.items():
                    totals[name] += float(metric(output_np, target_np)) * n
            count += n
    model.train(was_training)
    if count == 0:
        raise ValueError("evaluate: the loader yielded no batch. Check the dataset is not "
                         "empty (and drop_last with a batch larger than the dataset).")
    return {name: total / count for name, total in totals.items()}


def fit(model: Any, train_loader: Iterable[Any], val_loader: Iterable[Any] | None,
        loss_fn: Callable[[Any, Any], Any], optimizer: Any, epochs: int,
        scheduler: Any = None, metrics: Any = None,
        callbacks: Sequence[Callback] | None = None,
        checkpoint_dir: str | Path | None = None, resume: bool = False,
        progress: bool = True, *, monitor: str = "val_loss", mode: str = "min",
        engine: Engine | str | None = None,
        on_epoch_end: Callable[[int, dict[str, float]], None] | None = None) -> History:
    """Train ``model`` for ``epochs`` epochs and return the per-epoch :class:`History`.

    Parameters
    ----------
    model : Module (glassbox or torch)
    train_loader : iterable of (input, target) batches
        Re-iterated every epoch (a DataLoader with ``shuffle=True`` gives a new order).
    val_loader : iterable of (input, target) batches, or None
        Evaluated after every epoch (``val_loss`` and ``val_<metric>``).
    loss_fn : callable
        ``loss_fn(output, target)`` -> scalar tensor (e.g. ``nn.BCELoss()``).
    optimizer : Optimizer
        Of the model's engine.
    epochs : int
        Total number of epochs (a resumed run counts the epochs already done).
    scheduler : LRScheduler, optional
        Stepped once per epoch, after validation (``ReduceLROnPlateau`` gets ``monitor``).
    metrics : list or dict, optional
        ``["accuracy"]`` or ``{"name": fn(output, target) -> float}`` on NumPy arrays.
    callbacks : list of Callback, optional
        E.g. ``[EarlyStopping(patience=3)]``.
    checkpoint_dir : str or Path, optional
        Write ``best.safetensors`` (the weights of the best epoch by ``monitor``) and
        ``last.safetensors`` (weights, optimizer, scheduler, RNG, history, epoch) there at
        the end of every epoch, atomically.
    resume : bool, default=False
        Continue from ``checkpoint_dir/last.safetensors`` if it exists: the run goes on
        exactly as if it had not been interrupted (same batches, same weights).
    progress : bool, default=True
        Show tqdm progress bars (epochs, and batches within the epoch).
    monitor : str, default="val_loss"
        The value that decides the best epoch (``"train_loss"`` when there is no
        ``val_loader``); ``mode`` ``"min"`` or ``"max"`` says which way is better.
    engine : Engine or str, optional
        Defaults to the model's engine.
    on_epoch_end : callable, optional
        ``fn(epoch, logs)`` called after each epoch (e.g. to log).

    Returns
    -------
    History
        ``history["train_loss"]``, ``history["val_accuracy"]``, ... one value per epoch.

    Raises
    ------
    NonFiniteLossError
        When a training loss is NaN or infinite: the message gives the epoch, the batch and
        the loss; the last good checkpoint (end of the previous epoch) is left untouched.
    ValueError
        When resuming from a checkpoint of another model (the mismatched keys are listed).

    See Also
    --------
    keras.Model.fit, pytorch_lightning.Trainer.fit : the same idea, with more options.

    Examples
    --------
    >>> import numpy as np, glassbox.nn as nn, glassbox.optim as optim
    >>> from glassbox.train import get_engine
    >>> engine = get_engine("glassbox"); engine.manual_seed(0)
    >>> X = np.random.default_rng(0).normal(size=(64, 2)); y = (X[:, :1] > 0) * 1.0
    >>> model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    >>> history = fit(model, engine.data_loader(X, y, batch_size=16, shuffle=True),
    ...               engine.data_loader(X, y), nn.BCELoss(), optim.Adam(model.parameters(),
    ...               lr=0.1), epochs=20, metrics=["accuracy"], progress=False)
    >>> history["val_accuracy"][-1] > 0.9
    True
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs: expected an integer >= 0, received {epochs!r}")
    if mode not in ("min", "max"):
        raise ValueError(f"mode: expected 'min' or 'max', received {mode!r}")
    if resume and checkpoint_dir is None:
        raise ValueError("resume=True needs the checkpoint_dir of the run to continue.")
    engine = get_engine(engine) if isinstance(engine, str) else (engine or engine_of(model))
    metric_fns = resolve_metrics(metrics)
    callbacks = list(callbacks or [])
    if val_loader is None and monitor.startswith("val_"):
        monitor = "train_" + monitor[len("val_"):]
    _check_monitor(monitor, callbacks, metric_fns, val_loader is not None)
    checkpoint_dir = None if checkpoint_dir is None else Path(checkpoint_dir)
    if checkpoint_dir is not None:
        _prepare_checkpoint_dir(checkpoint_dir)
    last_path = None if checkpoint_dir is None else checkpoint_dir / LAST_CHECKPOINT
    best_path = None if checkpoint_dir is None else checkpoint_dir / BEST_CHECKPOINT

    history = History()
    start_epoch = 0
    best_value = math.inf if mode == "min" else -math.inf
    if resume and last_path is not None and last_path.is_file():
        saved = load_checkpoint(last_path, model, optimizer, scheduler, engine=engine)
        start_epoch = saved["epoch"]
        history.load_state_dict(saved["extra"]["history"])
        history.resumed_from = start_epoch
        best_value = saved["extra"].get("best_value", best_value)
        for callback, state in zip(callbacks, saved["extra"].get("callbacks", [])):
            callback.load_state_dict(state)
        # NOTE: the random state is restored last, after everything that might draw from
        # it, so the next shuffle and dropout masks are those of the uninterrupted run.
        engine.set_rng_state(saved["rng"]["global"])
        for generator, state in zip(_loader_generators(train_loader), saved["rng"]["loaders"]):
            engine.set_generator_state(generator, state)

    for callback in callbacks:
        callback.on_train_begin(history.last())
    stopped = any(callback.stop_training for callback in callbacks)
    epoch_bar = _progress_bar(range(start_epoch, epochs), progress and epochs > start_epoch,
                              desc="epochs", initial=start_epoch, total=epochs)
    for epoch_index in epoch_bar:
        if stopped:
            break
        epoch = epoch_index + 1  # 1-based, as printed
        started = time.perf_counter()
        logs = _train_one_epoch(model, train_loader, loss_fn, optimizer, metric_fns, epoch,
                                epochs, progress, last_path)
        # NOTE: a step can turn weights into NaN while the loss that led to it was finite
        # (Adam with eps=0 on a gradient that is always 0, say). Check every parameter and
        # buffer before validating (torch's BCELoss refuses NaN probabilities) and before
        # any checkpoint is written: a checkpoint must never hold NaN weights.
        bad_tensor = first_non_finite(model.state_dict())
        if bad_tensor is not None:
            epoch_bar.close()
            raise NonFiniteLossError(_non_finite_weights_message(bad_tensor, epoch, last_path))
        if val_loader is not None:
            validation = evaluate(model, val_loader, loss_fn, metric_fns, engine=engine)
            if not math.isfinite(validation["loss"]):
                epoch_bar.close()
                raise NonFiniteLossError(
                    f"Training stopped: the validation loss is {validation['loss']} at the "
                    f"end of epoch {epoch} (the weights are finite; check the validation "
                    f"inputs and targets for NaN or inf). {_kept(last_path)}")
            logs.update({f"val_{name}": value for name, value in validation.items()})
        logs = {"epoch": epoch, **logs, "lr": float(optimizer.param_groups[0]["lr"])}
        if scheduler is not None:
            if type(scheduler).__name__ == "ReduceLROnPlateau":
                scheduler.step(logs[monitor])
            else:
                scheduler.step()
        logs["time"] = time.perf_counter() - started
        history.append(logs)

        for callback in callbacks:
            callback.on_epoch_end(epoch, logs)
        stopped = any(callback.stop_training for callback in callbacks)
        history.stopped_early = stopped

        if checkpoint_dir is not None:
            value = logs[monitor]
            improved = value < best_value if mode == "min" else value > best_value
            if improved:
                best_value = value
                engine.save_state(model.state_dict(), best_path,
                                  metadata={"epoch": str(epoch), monitor: repr(value)})
            save_checkpoint(
                last_path, model, optimizer, scheduler, epoch=epoch,
                rng_state={"global": engine.get_rng_state(),
                           "loaders": [engine.generator_state(generator)
                                       for generator in _loader_generators(train_loader)]},
                extra={"history": history.state_dict(), "best_value": best_value,
                       "callbacks": [callback.state_dict() for callback in callbacks]},
            )
        if on_epoch_end is not None:
            on_epoch_end(epoch, logs)
        epoch_bar.set_postfix({key: f"{value:.4g}" for key, value in logs.items()
                               if key not in ("epoch", "time")})
    epoch_bar.close()
    for callback in callbacks:
        callback.on_train_end(history.last())
    return history


def _train_one_epoch(model: Any, loader: Iterable[Any], loss_fn: Callable[[Any, Any], Any],
                     optimizer: Any, metric_fns: dict[str, Callable], epoch: int, epochs: int,
                     progress: bool, last_path: Path | None) -> dict[str, float]:
    """One pass over the training data; returns the mean training loss and metrics."""
    model.train()
    totals = {"loss": 0.0, **{name: 0.0 for name in metric_fns}}
    count = 0
    n_batches = len(loader) if hasattr(loader, "__len__") else None
    batch_bar = _progress_bar(loader, progress, desc=f"epoch {epoch}/{epochs}",
                              total=n_batches, leave=False)
    previous_loss = None
    for batch_index, batch in enumerate(batch_bar):
        inputs, target = _unpack(batch, batch_index, "fit")
        optimizer.zero_grad()
        output = model(inputs)
        loss = loss_fn(output, target)
        loss_value = float(loss.item())
        if not math.isfinite(loss_value):
            batch_bar.close()
            raise NonFiniteLossError(_non_finite_message(
                loss_value, epoch, batch_index, n_batches, previous_loss, last_path,
                first_non_finite(model.state_dict())))
        loss.backward()
        optimizer.step()

        n = _batch_size(target)
        totals["loss"] += loss_value * n
        if metric_fns:
            output_np, target_np = to_numpy(output), to_numpy(target)
            for name, metric in metric_fns.items():
                totals[name] += float(metric(output_np, target_np)) * n
        count += n
        previous_loss = loss_value
        if batch_index % 20 == 0:
            batch_bar.set_postfix(loss=f"{loss_value:.4f}")
    batch_bar.close()
    if count == 0:
        raise ValueError("fit: the training loader yielded no batch. Check the dataset is not "
                         "empty (and drop_last with a batch larger than the dataset).")
    return {f"train_{name}": total / count for name, total in totals.items()}


def _kept(last_path: Path | None) -> str:
    """What the message says about the last good checkpoint."""
    if last_path is not None and last_path.is_file():
        saved_epoch = load_metadata(last_path).get("epoch", "?")
        return (f"The last good checkpoint, from the end of epoch {saved_epoch}, is kept at "
                f"{last_path}; resume from it with resume=True after fixing the cause.")
    if last_path is not None:
        return "No checkpoint had been written yet (the failure came in the first epoch)."
    return "No checkpoint is kept: pass checkpoint_dir= to keep the last good one."


_CAUSES = ("Usual causes: a learning rate too high, NaN or inf in the inputs or targets, "
           "log(0) in a hand-written loss (nn.BCEWithLogitsLoss and nn.CrossEntropyLoss are "
           "stable), or a division by zero in the optimizer (eps=0).")


def _non_finite_weights_message(bad_tensor: str, epoch: int, last_path: Path | None) -> str:
    return (f"Training stopped: the model's weights are not finite at the end of epoch "
            f"{epoch}, though every training loss was; the first bad tensor is {bad_tensor}. "
            f"{_kept(last_path)} {_CAUSES}")


def _non_finite_message(loss: float, epoch: int, batch_index: int, n_batches: int | None,
                        previous_loss: float | None, last_path: Path | None,
                        bad_tensor: str | None = None) -> str:
    where = f"epoch {epoch}, batch {batch_index + 1}" + (
        f" of {n_batches}" if n_batches is not None else "")
    before = "" if previous_loss is None else f" (the previous batch's loss was " \
                                              f"{previous_loss:.6g})"
    weights = ("" if bad_tensor is None else
               f" The weights were already not finite: the first bad tensor is {bad_tensor}.")
    return (f"Training stopped: the loss is {loss} at {where}{before}.{weights} "
            f"{_kept(last_path)} {_CAUSES}")
