"""Files that are never half written, and state dicts saved as safetensors.

Every file glassbox writes (checkpoints, reports, metrics) goes through
:func:`atomic_write`: the bytes go to a temporary file in the same folder, are
flushed to disk, and the temporary file is renamed over the target. A rename within
one file system is atomic, so a reader (or a run that was killed half-way) sees either
the old file or the new one, never a truncated mix.

State dicts are stored in the `safetensors <https://github.com/huggingface/safetensors>`_
format: a JSON header and raw little-endian arrays. Unlike pickle (what ``torch.save``
uses), loading a safetensors file cannot run code, and ``safetensors.torch.load_file``
reads the files glassbox writes.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["atomic_write", "atomic_write_text", "atomic_write_json", "save", "load"]


def atomic_write(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename).

    Parameters
    ----------
    path : str or PathLike
        Target file. Its folder is created if missing.
    data : bytes
        The whole content of the file.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "hello.txt"
    >>> _ = atomic_write(target, b"hello")
    >>> target.read_bytes()
    b'hello'
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"atomic_write expects bytes, received {type(data).__name__}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # NOTE: the temporary file must live in the target's folder: os.replace is only
    # atomic within one file system.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        # Interrupted (KeyboardInterrupt included): remove the partial temporary file
        # and leave the previous version of ``path`` untouched.
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically. See :func:`atomic_write`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write_text(target, "ok").read_text()
    'ok'
    """
    return atomic_write(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as indented JSON to ``path`` atomically.

    NumPy scalars and arrays are converted to Python numbers and lists.

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "m.json"
    >>> json.loads(atomic_write_json(target, {"acc": np.float32(0.5)}).read_text())
    {'acc': 0.5}
    """
    return atomic_write_text(path, json.dumps(obj, indent=2, default=_json_default) + "\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _to_numpy(name: str, value: Any) -> np.ndarray:
    """A tensor of either engine (or an array) as a contiguous NumPy array."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch.Tensor
        value = value.detach().cpu().numpy()
    elif hasattr(value, "numpy"):  # a glassbox Tensor
        value = value.numpy()
    array = np.asarray(value)
    if array.dtype == object or array.dtype.kind not in "biuf":
        raise TypeError(
            f"save() stores numeric arrays only; entry {name!r} has dtype {array.dtype}. "
            "Convert it to a number array or leave it out of the state dict."
        )
    # NOTE: np.require keeps 0-d arrays 0-d (ascontiguousarray would make them 1-d)
    return np.require(array, requirements="C")


def save(state_dict: Mapping[str, Any], path: str | os.PathLike,
         metadata: Mapping[str, str] | None = None) -> Path:
    """Save a state dict (names to tensors) as a safetensors file, atomically.

    The twin of ``torch.save(model.state_dict(), path)``, without pickle: the file can
    be read by ``safetensors.torch.load_file`` and by :func:`load`.

    Parameters
    ----------
    state_dict : mapping of str to Tensor or ndarray
        Typically ``model.state_dict()`` of either engine.
    path : str or PathLike
        Target file (conventionally ``*.safetensors``).
    metadata : mapping of str to str, optional
        Free-form text stored in the header (epoch, model name, ...).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "w.safetensors"
    >>> _ = save({"weight": np.eye(2, dtype=np.float32)}, path)
    >>> load(path, as_numpy=True)["weight"]
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """
    from safetensors.numpy import save as _safetensors_save

    if not isinstance(state_dict, Mapping):
        raise TypeError(f"save() expects a mapping of names to tensors, received "
                        f"{type(state_dict).__name__}")
    arrays = {str(name): _to_numpy(name, value) for name, value in state_dict.items()}
    if metadata is not None:
        metadata = {str(k): str(v) for k, v in metadata.items()}
    return atomic_write(path, _safetensors_save(arrays, metadata=metadata))


def load(path: str | os.PathLike, as_numpy: bool = False) -> dict[str, Any]:
    """Load a safetensors file written by :func:`save` (or by safetensors.torch).

    Parameters
    ----------
    path : str or PathLike
        The file to read.
    as_numpy : bool, default=False
        Return NumPy arrays instead of glassbox Tensors.

    Returns
    -------
    dict of str to Tensor (or ndarray)

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a valid safetensors file (truncated, corrupted).
    """
    from safetensors.numpy import load as _safetensors_load

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No checkpoint at {path}")
    raw = path.read_bytes()
    try:
        arrays = _safetensors_load(raw)
    except Exception as error:  # safetensors raises its own SafetensorError
        raise ValueError(
            f"{path} is not a valid safetensors file ({len(raw)} bytes; it may be truncated "
            f"or corrupted): {error}"
        ) from None
    if as_numpy:
        return dict(arrays)
    from glassbox.autograd import tensor

    return {name: tensor(array) for name, array in arrays.items()}


def load_metadata(path: str | os.PathLike) -> dict[str, str]:
    """The free-form metadata stored in a safetensors file's header."""
    path = Path(path)
    raw = path.read_bytes()
    if len(raw) < 8:
        raise ValueError(f"{path} is not a valid safetensors file: only {len(raw)} bytes")
    header_size = int.from_bytes(raw[:8], "little")
    if header_size > len(raw) - 8:
        raise ValueError(f"{path} is truncated: header of {header_size} bytes announced, "
                         f"{len(raw) - 8} present")
    header = json.loads(raw[8:8 + header_size])
    return dict(header.get("__metadata__", {}))
