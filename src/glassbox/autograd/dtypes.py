"""The dtypes of glassbox Tensors: NumPy dtypes under torch's names, and torch's rules.

``gb.float32`` *is* ``np.dtype("float32")``, so ``x.dtype == gb.float32`` and
``x.dtype == np.float32`` both hold. Two of torch's rules differ from NumPy's and are
applied here, because silent float64 drift doubles memory and halves speed:

- a Python number never changes a Tensor's dtype (``x * 0.5`` stays float32);
- an integer Tensor meeting a float Tensor takes the float's dtype (NumPy would pick
  float64 for int64 with float32), and a 0-d float Tensor does not upcast a float
  Tensor with dimensions.
"""

from __future__ import annotations

import numpy as np

__all__ = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8",
           "bool_", "get_default_dtype", "set_default_dtype", "result_dtype", "is_floating"]

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int32 = np.dtype(np.int32)
int16 = np.dtype(np.int16)
int8 = np.dtype(np.int8)
int64 = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool_ = np.dtype(np.bool_)


_default_dtype = float32


def get_default_dtype() -> np.dtype:
    """The dtype of floating-point Tensors made from Python numbers: float32 unless set.

    Examples
    --------
    >>> get_default_dtype()
    dtype('float32')
    """
    return _default_dtype


def set_default_dtype(dtype) -> None:
    """Make new floating-point Tensors (and layers' weights) ``dtype``: float32 or float64.

    Examples
    --------
    >>> set_default_dtype(float64); get_default_dtype()
    dtype('float64')
    >>> set_default_dtype(float32)
    """
    global _default_dtype
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"only floating-point types are supported as the default type; "
                        f"received {dtype}")
    _default_dtype = dtype


def is_floating(dtype: np.dtype) -> bool:
    """True for floating-point dtypes (the only ones that can require a gradient)."""
    return dtype.kind == "f"


def result_dtype(a: np.ndarray, b: np.ndarray) -> np.dtype:
    """The dtype of a binary operation between two arrays, following torch's rules."""
    if a.dtype == b.dtype:
        return a.dtype
    a_float, b_float = a.dtype.kind == "f", b.dtype.kind == "f"
    if a_float and not b_float:
        return a.dtype
    if b_float and not a_float:
        return b.dtype
    if a_float and b_float and (a.ndim == 0) != (b.ndim == 0):
        return b.dtype if a.ndim == 0 else a.dtype  # dimensions win over 0-d (torch)
    return np.result_type(a.dtype, b.dtype)


def array_from(data, dtype=None) -> np.ndarray:
    """A new array from Python data or an array, with torch's default dtypes.

    Python floats become float32, ints int64, bools bool; an ndarray keeps its dtype.
    """
    if dtype is not None:
        return np.array(data, dtype=np.dtype(dtype))
    array = np.array(data)
    if isinstance(data, np.ndarray) and array.dtype.kind in "biufc":
        return array
    if array.dtype.kind not in "biufc":
        raise TypeError(
            f"glassbox Tensors hold numbers (bool, int, float); received data of NumPy "
            f"dtype {array.dtype} ({type(data).__name__}). Convert it first, e.g. to "
            f"indices or codes."
        )
    if array.dtype.kind == "f" and not isinstance(data, np.generic):
        array = array.astype(_default_dtype)
    elif array.dtype.kind in "iu" and not isinstance(data, np.generic):
        array = array.astype(int64)
    return array
