"""Two engines, one interface: run the same training code on glassbox or on torch.

glassbox's ``nn``/``optim``/``data`` have torch's names, so most code is already the same
for both (``model(x)``, ``loss.backward()``, ``optimizer.step()``). What differs is
small: how a NumPy array becomes a tensor and back, how batches are made, how the
random state is saved. :func:`get_engine` returns an :class:`Engine` that hides exactly
those differences, so a lab writes::

    engine = get_engine(ctx.engine)            # "glassbox" or "torch"
    model = engine.nn.Sequential(engine.nn.Linear(784, 1), engine.nn.Sigmoid())
    optimizer = engine.optim.Adam(model.parameters(), lr=1e-3)
    loader = engine.data_loader(X_train, y_train, batch_size=128, shuffle=True)

and runs unchanged on both. torch is imported only when its engine is asked for.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from glassbox import _random

__all__ = ["Engine", "get_engine", "engine_of", "ENGINES"]

ENGINES = ("glassbox", "torch")


class Engine:
    """The engine-specific parts of a training script (base class; see :func:`get_engine`).

    Attributes
    ----------
    name : str
        ``"glassbox"`` or ``"torch"``.
    nn : module
        ``glassbox.nn`` or ``torch.nn`` (models are built from it).
    functional : module
        ``glassbox.nn.functional`` or ``torch.nn.functional``.
    optim : module
        ``glassbox.optim`` or ``torch.optim`` (with ``optim.lr_scheduler``).
    """

    name: str
    nn: ModuleType
    functional: ModuleType
    optim: ModuleType

    def __repr__(self) -> str:
        return f"Engine({self.name!r})"

    # --------------------------------------------------------------- tensors
    def tensor(self, array: Any, dtype: Any = None) -> Any:
        """A tensor of this engine holding a copy of ``array``.

        Floating-point arrays become float32 (both engines' default) unless ``dtype``
        (a NumPy dtype) is given; integer arrays keep their type (class indices are int64).
        """
        raise NotImplementedError

    def to_numpy(self, tensor: Any) -> np.ndarray:
        """The values of a tensor of either engine (or an array) as a NumPy array."""
        return to_numpy(tensor)

    def no_grad(self) -> Any:
        """A context manager in which no graph is recorded (evaluation)."""
        raise NotImplementedError

    def manual_seed(self, seed: int) -> None:
        """Seed the engine's global generator (and glassbox's, used for NumPy-side draws)."""
        _random.manual_seed(seed)

    # --------------------------------------------------------------- data
    def data_loader(self, *arrays: Any, batch_size: int = 64, shuffle: bool = False,
                    drop_last: bool = False, seed: int | None = None) -> Any:
        """A DataLoader over ``TensorDataset(*arrays)`` of this engine.

        Parameters
        ----------
        *arrays : ndarray, each of shape (n_samples, ...)
            E.g. images and labels; converted with :meth:`tensor`.
        batch_size : int, default=64
        shuffle : bool, default=False
            A new order every epoch.
        drop_last : bool, default=False
        seed : int, optional
            Give the loader its own generator seeded with ``seed``; by default the
            shuffling draws from the engine's global generator (see :meth:`manual_seed`).
        """
        raise NotImplementedError

    # --------------------------------------------------------------- state
    def state_dict_to_numpy(self, state_dict: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """A copy of a state dict with every tensor as a NumPy array."""
        return {name: np.array(to_numpy(value), copy=True) for name, value in state_dict.items()}

    def state_dict_from_numpy(self, arrays: Mapping[str, np.ndarray]) -> dict[str, Any]:
        """A state dict of this engine's tensors (dtypes kept) from NumPy arrays."""
        return {name: self.tensor(value, dtype=np.asarray(value).dtype)
                for name, value in arrays.items()}

    def save_state(self, state_dict: Mapping[str, Any], path: str | Path,
                   metadata: Mapping[str, str] | None = None) -> Path:
        """Save a model's state dict as safetensors, atomically (``glassbox.io.save``)."""
        from glassbox.io import save

        return save(state_dict, path, metadata=metadata)

    def load_state(self, path: str | Path) -> dict[str, Any]:
        """Load a safetensors state dict as this engine's tensors."""
        from glassbox.io import load

        return self.state_dict_from_numpy(load(path, as_numpy=True))

    def get_rng_state(self) -> dict[str, Any]:
        """Every global random state the engine draws from (NumPy arrays and JSON values)."""
        return {"glassbox": _random.get_rng_state()}

    def set_rng_state(self, state: Mapping[str, Any]) -> None:
        """Restore a state from :meth:`get_rng_state`."""
        _random.set_rng_state(state["glassbox"])

    def generator_state(self, generator: Any) -> Any:
        """The state of a loader's own generator (NumPy ``Generator`` here)."""
        return generator.bit_generator.state

    def set_generator_state(self, generator: Any, state: Any) -> None:
        generator.bit_generator.state = state


class GlassboxEngine(Engine):
    """glassbox's own engine (NumPy underneath)."""

    name = "glassbox"

    def __init__(self) -> None:
        import glassbox.nn
        import glassbox.nn.functional
        import glassbox.optim

        self.nn = glassbox.nn
        self.functional = glassbox.nn.functional
        self.optim = glassbox.optim

    def tensor(self, array: Any, dtype: Any = None) -> Any:
        from glassbox.autograd import tensor

        return tensor(_as_array(array, dtype))

    def no_grad(self) -> Any:
        from glassbox.autograd import no_grad

        return no_grad()

    def data_loader(self, *arrays: Any, batch_size: int = 64, shuffle: bool = False,
                    drop_last: bool = False, seed: int | None = None) -> Any:
        from glassbox.data import DataLoader, TensorDataset

        generator = None if seed is None else np.random.default_rng(seed)
        dataset = TensorDataset(*(_as_array(array) for array in arrays))
        return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle,
                          drop_last=drop_last, generator=generator)


class TorchEngine(Engine):
    """PyTorch (the path to GPUs); imported only when asked for."""

    name = "torch"

    def __init__(self) -> None:
        try:
            self._torch = importlib.import_module("torch")
        except ImportError:
            raise ImportError(
                "The torch engine needs PyTorch, which is not installed. Install it with "
                "`pip install glassbox-ml[torch]`, or use the glassbox engine."
            ) from None
        self.nn = self._torch.nn
        self.functional = self._torch.nn.functional
        self.optim = self._torch.optim

    def tensor(self, array: Any, dtype: Any = None) -> Any:
        # torch.tensor copies, so the tensor never shares memory with the caller's array.
        return self._torch.tensor(_as_array(array, dtype))

    def no_grad(self) -> Any:
        return self._torch.no_grad()

    def manual_seed(self, seed: int) -> None:
        _random.manual_seed(seed)
        self._torch.manual_seed(seed)

    def data_loader(self, *arrays: Any, batch_size: int = 64, shuffle: bool = False,
                    drop_last: bool = False, seed: int | None = None) -> Any:
        data = self._torch.utils.data
        dataset = data.TensorDataset(*(self.tensor(array) for array in arrays))
        generator = None if seed is None else self._torch.Generator().manual_seed(seed)
        order = (data.RandomSampler(dataset, generator=generator) if shuffle
                 else data.SequentialSampler(dataset))
        # NOTE: a BatchSampler as the sampler (with batch_size=None) makes the loader ask
        # the dataset for a whole batch at once, X[indices], instead of batch_size single
        # samples that are then stacked: same batches, many times faster on MNIST.
        return data.DataLoader(dataset, sampler=data.BatchSampler(order, batch_size, drop_last),
                               batch_size=None)

    def get_rng_state(self) -> dict[str, Any]:
        return {"glassbox": _random.get_rng_state(),
                "torch": self._torch.get_rng_state().numpy().copy()}

    def set_rng_state(self, state: Mapping[str, Any]) -> None:
        _random.set_rng_state(state["glassbox"])
        self._torch.set_rng_state(self._torch.tensor(np.asarray(state["torch"]),
                                                     dtype=self._torch.uint8))

    def generator_state(self, generator: Any) -> Any:
        if isinstance(generator, self._torch.Generator):
            return generator.get_state().numpy().copy()
        return super().generator_state(generator)

    def set_generator_state(self, generator: Any, state: Any) -> None:
        if isinstance(generator, self._torch.Generator):
            generator.set_state(self._torch.tensor(np.asarray(state), dtype=self._torch.uint8))
        else:
            super().set_generator_state(generator, state)


@functools.cache
def get_engine(name: str = "glassbox") -> Engine:
    """The engine called ``name``: ``"glassbox"`` or ``"torch"``.

    Parameters
    ----------
    name : {"glassbox", "torch"}, default="glassbox"

    Returns
    -------
    Engine
        With ``nn``, ``functional``, ``optim``, ``tensor``, ``to_numpy``, ``no_grad``,
        ``manual_seed``, ``data_loader``, ``save_state``/``load_state`` and
        ``get_rng_state``/``set_rng_state``.

    Examples
    --------
    >>> engine = get_engine("glassbox")
    >>> x = engine.tensor(np.ones((2, 3)))
    >>> engine.to_numpy(x).dtype, engine.to_numpy(x).shape
    (dtype('float32'), (2, 3))
    """
    if name == "glassbox":
        return GlassboxEngine()
    if name == "torch":
        return TorchEngine()
    raise ValueError(f"Unknown engine {name!r}: expected one of {ENGINES}.")


def engine_of(model: Any) -> Engine:
    """The engine a model was built with (a ``torch.nn.Module`` or a glassbox Module).

    Examples
    --------
    >>> import glassbox.nn as nn
    >>> engine_of(nn.Linear(2, 1)).name
    'glassbox'
    """
    if any(cls.__module__.split(".")[0] == "torch" for cls in type(model).__mro__):
        return get_engine("torch")
    return get_engine("glassbox")


def to_numpy(value: Any) -> np.ndarray:
    """The values of a glassbox or torch tensor, or an array-like, as a NumPy array."""
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "detach"):  # a tensor of either engine: leave the graph first
        value = value.detach()
    if hasattr(value, "cpu"):  # torch: from a GPU to the host
        value = value.cpu()
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    return np.asarray(value)


def _as_array(array: Any, dtype: Any = None) -> np.ndarray:
    """A NumPy array; float arrays become float32 unless ``dtype`` says otherwise."""
    array = to_numpy(array)
    if dtype is not None:
        return np.asarray(array, dtype=dtype)
    if array.dtype.kind == "f" and array.dtype != np.float32:
        return array.astype(np.float32)
    return array
