"""Files that are never half written, and state dicts saved as safetensors.

Every file glassbox writes (checkpoints, reports, metrics) goes through
:func:`atomic_write`: the bytes go to a temporary file in the same folder, are
flushed to disk, and the temporary file is renamed over the target. A rename within
one file system is atomic, so a reader (or a run that was killed half-way) sees either
the old file or the new one, never a truncated mix.

State dicts are stored in the `safetensors <https://github.com/huggingface/safetensors>`_
format: a JSON header and raw little-endian arrays. Unlike pickle (what ``torch.save``
uses), loading a safetensors file cannot run code, and ``safetensors.torch.load_file``
reads the files glassbox writes. :func:`save` writes the format itself (it is a dozen
lines) so that the same state dict and metadata always give the same bytes: two
checkpoints can be compared by their digest.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["atomic_write", "atomic_write_text", "atomic_write_json", "save", "load",
           "load_metadata", "safetensors_bytes"]


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
    # atomic within one file system. It is created with mode 0o666, which the kernel
    # reduces by the umask (tempfile.mkstemp would make it 0o600, whatever the umask).
    fd, tmp_name = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod") and path.is_file():
                # Replacing a file keeps its permissions, as open(path, "wb") would.
                os.fchmod(handle.fileno(), path.stat().st_mode & 0o7777)
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


TEMPORARY_SUFFIX = ".tmp"


def _create_temporary(path: Path) -> tuple[int, str]:
    """Open a new ``.NAME.<random>.tmp`` beside ``path`` (mode 0o666 less the umask)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp_name = str(path.parent / f".{path.name}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}")
        try:
            return os.open(tmp_name, flags, 0o666), tmp_name
        except FileExistsError:  # a name drawn twice: draw again
            continue


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


# safetensors' dtype names, in the order the format's reference writer lays tensors out
# (widest first, then by name): following it gives the same bytes as safetensors.save.
SAFETENSORS_DTYPES = {
    "U64": np.dtype("<u8"), "I64": np.dtype("<i8"), "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"), "U32": np.dtype("<u4"), "I32": np.dtype("<i4"),
    "F16": np.dtype("<f2"), "U16": np.dtype("<u2"), "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"), "U8": np.dtype("u1"), "BOOL": np.dtype("?"),
}
_DTYPE_NAMES = {dtype: name for name, dtype in SAFETENSORS_DTYPES.items()}
_DTYPE_ORDER = {name: rank for rank, name in enumerate(SAFETENSORS_DTYPES)}


def safetensors_bytes(arrays: Mapping[str, np.ndarray],
                      metadata: Mapping[str, str] | None = None) -> bytes:
    """The bytes of a safetensors file: an 8-byte header size, a JSON header, the data.

    The header maps each name to ``{"dtype", "shape", "data_offsets"}`` (byte offsets into
    the data part, which follows the header) and holds the metadata under
    ``"__metadata__"``, keys sorted; it is padded with spaces to a multiple of 8 bytes so
    every array starts aligned. The same arrays and metadata always give the same bytes.

    Examples
    --------
    >>> raw = safetensors_bytes({"w": np.ones(2, dtype=np.float32)})
    >>> header_size = int.from_bytes(raw[:8], "little")
    >>> header_size, raw[8:8 + header_size]
    (56, b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  ')
    >>> np.frombuffer(raw[8 + header_size:], dtype="<f4")
    array([1., 1.], dtype=float32)
    """
    names = sorted(arrays, key=lambda name: (_DTYPE_ORDER[_DTYPE_NAMES[
        arrays[name].dtype.newbyteorder("<")]], name))
    header: dict[str, Any] = {}
    if metadata:
        header["__metadata__"] = {key: metadata[key] for key in sorted(metadata)}
    chunks, offset = [], 0
    for name in names:
        # little-endian, row-major bytes of the array
        data = np.ascontiguousarray(arrays[name], arrays[name].dtype.newbyteorder("<"))
        data = data.tobytes()
        header[name] = {"dtype": _DTYPE_NAMES[arrays[name].dtype.newbyteorder("<")],
                        "shape": list(arrays[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text + b"".join(chunks)


def save(state_dict: Mapping[str, Any], path: str | os.PathLike,
         metadata: Mapping[str, str] | None = None) -> Path:
    """Save a state dict (names to tensors) as a safetensors file, atomically.

    The twin of ``torch.save(model.state_dict(), path)``, without pickle: the file can
    be read by ``safetensors.torch.load_file`` and by :func:`load`. The bytes depend only
    on the names, the arrays and the metadata (see :func:`safetensors_bytes`).

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
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"save() expects a mapping of names to tensors, received "
                        f"{type(state_dict).__name__}")
    arrays = {str(name): _to_numpy(name, value) for name, value in state_dict.items()}
    for name, array in arrays.items():
        if array.dtype.newbyteorder("<") not in _DTYPE_NAMES:
            raise TypeError(f"save() cannot store entry {name!r} of dtype {array.dtype}; "
                            f"expected one of {sorted(map(str, _DTYPE_NAMES))}.")
    if metadata is not None:
        metadata = {str(k): str(v) for k, v in metadata.items()}
    return atomic_write(path, safetensors_bytes(arrays, metadata))


def _read_header(raw: bytes, path: Path) -> dict[str, Any]:
    """The JSON header of a safetensors file, or a ValueError saying what is wrong."""
    if len(raw) < 8:
        raise ValueError(f"{path} is not a valid safetensors file: only {len(raw)} bytes "
                         "(it may be truncated or corrupted).")
    header_size = int.from_bytes(raw[:8], "little")
    if header_size > len(raw) - 8:
        raise ValueError(f"{path} is not a valid safetensors file: a header of {header_size} "
                         f"bytes is announced, {len(raw) - 8} present (it may be truncated "
                         "or corrupted).")
    try:
        header = json.loads(raw[8:8 + header_size])
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(f"{path} is not a valid safetensors file: its header is not JSON "
                         "(it may be truncated or corrupted, or another format).") from None
    if not isinstance(header, dict):
        raise ValueError(f"{path} is not a valid safetensors file: its header is not a JSON "
                         "object.")
    return header


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
    IsADirectoryError
        If ``path`` is a folder (the message lists the safetensors files inside).
    ValueError
        If the file is not a valid safetensors file (truncated, corrupted), or holds a
        dtype NumPy has no type for (bfloat16, float8).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = save({"b": np.zeros(1, dtype=np.int64)}, folder / "b.safetensors")
    >>> load(folder / "b.safetensors", as_numpy=True)
    {'b': array([0])}
    """
    from safetensors.numpy import load as _safetensors_load

    path = Path(path)
    if path.is_dir():
        inside = sorted(p.name for p in path.glob("*.safetensors"))
        hint = (f"; it holds {', '.join(inside)}" if inside else
                "; it holds no .safetensors file")
        raise IsADirectoryError(f"{path} is a folder, expected a .safetensors file{hint}. "
                                "Pass the path of the file itself.")
    if not path.is_file():
        raise FileNotFoundError(f"No checkpoint at {path}: the file does not exist.")
    raw = path.read_bytes()
    header = _read_header(raw, path)
    for name, entry in header.items():
        dtype = entry.get("dtype") if isinstance(entry, dict) else None
        if name != "__metadata__" and isinstance(dtype, str) and dtype not in SAFETENSORS_DTYPES:
            raise ValueError(
                f"{path}: tensor {name!r} has dtype {dtype}, which NumPy (and so glassbox) "
                f"cannot hold; expected one of {', '.join(SAFETENSORS_DTYPES)}. Convert the "
                "file with torch: safetensors.torch.save_file({k: v.float() for k, v in "
                "safetensors.torch.load_file(path).items()}, new_path).")
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
    """The free-form metadata stored in a safetensors file's header.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "m.safetensors"
    >>> load_metadata(save({"w": np.ones(1)}, path, metadata={"epoch": 3}))
    {'epoch': '3'}
    """
    path = Path(path)
    return dict(_read_header(path.read_bytes(), path).get("__metadata__") or {})
