"""Indexing with gradient: ``x[index]`` and its backward, a scatter-add.

The backward of ``y = x[index]`` puts each element of dL/dy back where it came from in a
zero array of x's shape. With slices and single integers no position repeats, so it is
one assignment. Integer-array indices can repeat a position (``x[[0, 0]]``), whose
gradients must then add up: NumPy's ``np.add.at`` does that but slowly, so instead we
number x's positions, read which position each output came from, and let
``np.bincount`` add the gradients per position in one vectorised pass.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.ops.arithmetic import unbroadcast
from glassbox.autograd.tensor import Tensor

__all__ = ["normalize_index", "GetItem", "IndexAdd", "SetItem"]


def normalize_index(index):
    """Tensors in an index become arrays (lists too), so NumPy can index with it."""
    if isinstance(index, tuple):
        return tuple(normalize_index(part) for part in index)
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, list):  # a list of positions (or booleans) is an array index
        return np.asarray([normalize_index(part) for part in index])
    return index


def _may_repeat(index) -> bool:
    """True if an integer array appears in the index (so positions may repeat)."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(part, np.ndarray) and part.dtype.kind in "iu" for part in parts)


class GetItem(Function):
    """``x[index]`` for basic (slices, ints, None, ...) and advanced (arrays) indices."""

    backward_name = "IndexBackward0"
    output_may_be_view = True

    @staticmethod
    def forward(ctx, x, index):
        ctx.input_shape = x.shape
        ctx.index = index
        return x._data[index]

    @staticmethod
    def rebuild_base(ctx, base, view):
        return SetItem.apply(base, view, ctx.index)  # torch's CopySlices

    @staticmethod
    def backward(ctx, grad_output):
        return IndexAdd.apply(grad_output, ctx.input_shape, ctx.index), None


class IndexAdd(Function):
    """zeros(shape) with ``values`` added at ``index`` (repeated positions add up)."""

    backward_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, values, shape, index):
        ctx.index = index
        data = values._data
        if _may_repeat(index):
            positions = np.arange(int(np.prod(shape))).reshape(shape)[index]  # flat index
            positions, data = np.broadcast_arrays(positions, data)
            summed = np.bincount(positions.ravel(), weights=data.ravel(),
                                 minlength=int(np.prod(shape)))
            return summed.astype(values.dtype, copy=False).reshape(shape)
        result = np.zeros(shape, dtype=values.dtype)
        result[index] = data  # no position repeats: a plain assignment
        return result

    @staticmethod
    def backward(ctx, grad_output):
        # d(scatter)/d(values) is the gather at the same index
        return grad_output[ctx.index], None, None


class SetItem(Function):
    """A copy of ``x`` with ``value`` written at ``index``: the recorded form of
    ``x[index] = value`` when a gradient is needed."""

    backward_name = "CopySlices"

    @staticmethod
    def forward(ctx, x, value, index):
        ctx.index = index
        ctx.value_shape, ctx.value_dtype = value.shape, value.dtype
        result = x._data.copy()
        result[index] = value._data
        return result

    @staticmethod
    def backward(ctx, grad_output):
        grad_x = grad_value = None
        if ctx.needs_input_grad[0]:
            # the old values at index were overwritten: they get no gradient
            zero = Tensor(np.zeros((), dtype=grad_output.dtype))
            grad_x = SetItem.apply(grad_output, zero, ctx.index)
        if ctx.needs_input_grad[1]:
            # d(x[index])/d(value) = 1, summed where value was broadcast
            grad_value = unbroadcast(grad_output[ctx.index], ctx.value_shape)
            grad_value = grad_value.to(ctx.value_dtype)
        return grad_x, grad_value, None
