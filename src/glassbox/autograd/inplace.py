"""In-place operations (``x += y``, ``x.add_(y)``, ``x[i] = v``, ``zero_``), as torch does them.

An in-place operation writes its result into the Tensor's own memory: the Tensor keeps
its identity (a Parameter stays the Parameter the optimizer holds) and every view of that
memory sees the change. Three rules make that safe with autograd:

1. **Leaves that require grad** may be changed in place only with recording off
   (``with glassbox.no_grad(): p -= lr * p.grad``, the update every from-scratch course
   writes). Otherwise torch's error: the change would not be part of the graph.
2. **Version counters.** Each change in place adds one to the Tensor's ``_version``,
   a counter its views share. A graph node remembers the version of every Tensor it
   saved for backward; if the Tensor was changed since, ``backward`` raises torch's
   "modified by an inplace operation" error instead of computing a wrong gradient.
3. **Recorded in-place operations.** When a non-leaf Tensor (or the value written)
   requires grad and recording is on, the operation becomes part of the graph: it is
   computed out of place on a copy of the old values (``old``), the result is written
   into the Tensor's memory, and the Tensor takes the new node as its ``grad_fn``.
   Nodes recorded earlier keep their edge to the node that made the old value (they
   hold it in ``next_nodes``), so the graph stays right.

A recorded in-place change through a view (``y[0] += 1``, ``y[:, 1:].mul_(w)``,
``y.view(-1).add_(1)``, ``y.t().mul_(2)``) also rewrites the base's graph: the base
becomes "the old base with the new view written back" (torch's ``CopySlices``), a rule
each view Function gives as ``rebuild_base``. Through a view of a view glassbox raises a
clear error instead.

Examples
--------
>>> import glassbox as gb
>>> w = gb.tensor([1.0, 2.0], requires_grad=True)
>>> (w * w).sum().backward()
>>> with gb.no_grad():
...     w -= 0.25 * w.grad      # the same Tensor, changed in place
>>> w, w._version
(tensor([0.5, 1. ], requires_grad=True), 1)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from glassbox.autograd import grad_mode
from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor

__all__ = ["apply_inplace", "write", "torch_dtype_name"]

_TORCH_DTYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half",
                      "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                      "uint8": "Byte", "bool": "Bool"}


def torch_dtype_name(dtype: np.dtype) -> str:
    """torch's name for a dtype in its error messages (``Float`` for float32)."""
    return _TORCH_DTYPE_NAMES.get(np.dtype(dtype).name, str(dtype))


def write(tensor: Tensor, values: np.ndarray, arithmetic: bool = True) -> Tensor:
    """Write ``values`` (broadcast) into ``tensor``'s memory and count the change.

    ``arithmetic`` refuses a result of another kind (``int_tensor += 0.5``), as torch
    does; fills and copies cast freely.
    """
    target = tensor._data
    values = np.asarray(values)
    if values.shape != target.shape \
            and np.broadcast_shapes(values.shape, target.shape) != target.shape:
        raise RuntimeError(
            f"output with shape {list(target.shape)} doesn't match the broadcast shape "
            f"{list(np.broadcast_shapes(values.shape, target.shape))}"
        )
    if arithmetic and values.dtype != target.dtype \
            and not np.can_cast(values.dtype, target.dtype, "same_kind"):
        raise RuntimeError(
            f"result type {torch_dtype_name(values.dtype)} can't be cast to the desired "
            f"output type {torch_dtype_name(target.dtype)}"
        )
    if not target.flags.writeable:  # an expand() view: many elements share one address
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers "
            "to a single memory location. Please clone() the tensor before performing the "
            "operation."
        )
    target[...] = values
    tensor._bump_version()
    return tensor


def apply_inplace(tensor: Tensor, name: str, compute: Callable[..., Tensor],
                  *operands, arithmetic: bool = True, ufunc=None) -> Tensor:
    """``tensor <- compute(tensor, *operands)`` in place; returns ``tensor``.

    ``compute`` is the out-of-place operation written with Tensor ops
    (``lambda x, y: x + y`` for ``add_``); it is what gets recorded when a gradient is
    needed. ``ufunc`` (``np.add`` for ``add_``), when given, computes the same thing
    straight into the Tensor's memory when nothing is recorded (no temporary array).
    """
    recording = grad_mode._grad_enabled and (
        tensor.requires_grad
        or any(isinstance(operand, Tensor) and operand.requires_grad for operand in operands)
    )
    if not recording:
        if ufunc is not None:
            try:
                ufunc(tensor._data, operands[0]._data, out=tensor._data, casting="same_kind")
            except (TypeError, ValueError):
                pass  # a dtype, shape or read-only problem: the general path says which
            else:
                tensor._bump_version()
                return tensor
        return write(tensor, compute(tensor, *operands)._data, arithmetic)
    if tensor.requires_grad and tensor.grad_fn is None:
        raise RuntimeError(
            f"a leaf Variable that requires grad is being used in an in-place operation "
            f"({name}). Wrap the update in `with glassbox.no_grad():` or use the "
            f"out-of-place version."
        )
    base = tensor._base
    view_op = getattr(tensor, "_view_of", None) if base is not None else None
    if base is not None:
        if base.requires_grad and base.grad_fn is None:
            raise RuntimeError(
                f"a view of a leaf Variable that requires grad is being used in an in-place "
                f"operation ({name})."
            )
        if view_op is None or view_op.function.rebuild_base is Function.rebuild_base:
            raise RuntimeError(
                f"{name}: glassbox records in-place changes through views made directly "
                f"from a Tensor by indexing, view/reshape or permute/t, not through this "
                f"one (shape {tensor.shape}, base {base.shape}). Change the base "
                f"(y[0] = ...) or compute out of place."
            )
    # The value before the change, as the graph knew it (a copy: the memory is about to
    # be overwritten, and the new node's backward may need the old values).
    old = _detached_copy(tensor)
    result = compute(old, *operands)
    write(tensor, result._data, arithmetic)
    tensor.grad_fn, tensor.requires_grad = result.grad_fn, result.requires_grad
    if view_op is not None:
        # The base changed too: it becomes "the old base with the new view written back"
        # (torch's CopySlices for an index; the inverse reshape or permutation for the
        # others). Its memory already holds those values.
        new_base = view_op.function.rebuild_base(view_op, _detached_copy(base), result)
        base.grad_fn, base.requires_grad = new_base.grad_fn, new_base.requires_grad
    return tensor


def _detached_copy(tensor: Tensor) -> Tensor:
    """A copy of ``tensor``'s values that stands for it in the graph (same ``grad_fn``)."""
    copy = Tensor(tensor._data.copy())
    copy.requires_grad, copy.grad_fn = tensor.requires_grad, tensor.grad_fn
    return copy
