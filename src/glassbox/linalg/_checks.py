"""What every ``glassbox.linalg`` function checks first, with torch's messages."""

from __future__ import annotations

import numpy as np

from glassbox.autograd.tensor import Tensor

__all__ = ["LinAlgError", "check_floating", "check_square"]


class LinAlgError(RuntimeError):
    """A matrix has no answer for the operation asked (a singular matrix in ``inv`` or
    ``solve``), the twin of ``torch.linalg.LinAlgError`` (also a RuntimeError).

    Examples
    --------
    >>> import glassbox as gb
    >>> try:
    ...     gb.linalg.inv(gb.zeros(2, 2))
    ... except gb.linalg.LinAlgError as error:
    ...     print(isinstance(error, RuntimeError))
    True
    """


def check_floating(A: Tensor, name: str) -> None:
    """torch's RuntimeError when ``A`` is not a Tensor of floats."""
    if not isinstance(A, Tensor):
        raise TypeError(f"linalg.{name}(): argument must be a Tensor, received "
                        f"{type(A).__name__}; wrap data with glassbox.tensor(...).")
    if A.dtype.kind != "f":
        names = {"int64": "Long", "int32": "Int", "bool": "Bool", "uint8": "Byte"}
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as "
                           f"input. Got {names.get(A.dtype.name, A.dtype.name)}")


def check_square(A: Tensor, name: str) -> None:
    """torch's RuntimeError unless ``A`` is a float (batch of) square matrices (..., n, n)."""
    check_floating(A, name)
    if A.ndim < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 "
                           f"dimensions; received shape {A.shape}.")
    rows, columns = A.shape[-2:]
    if rows != columns:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they "
                           f"are {rows} by {columns} matrices")


def singular_error(name: str, A: np.ndarray) -> LinAlgError:
    """The error for a singular matrix, naming the batch element when there are several."""
    where = ""
    if A.ndim > 2:
        dets = np.linalg.det(A).reshape(-1)
        first = int(np.flatnonzero(dets == 0)[0]) if (dets == 0).any() else 0
        where = f"(Batch element {first}): "
    return LinAlgError(f"linalg.{name}: {where}The input matrix is singular (it has no "
                       f"inverse: its rows are linearly dependent and its determinant is 0). "
                       f"Check the data for repeated or dependent columns, or add a small "
                       f"multiple of the identity (ridge).")
