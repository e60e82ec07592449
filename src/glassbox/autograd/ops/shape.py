"""Shape operations: reshape and permute (the others are built from these two).

They move numbers around without changing them, so their backward moves the gradient
back: the inverse reshape, the inverse permutation.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function

__all__ = ["Reshape", "Permute"]


class Reshape(Function):
    """x with a new shape of the same number of elements (a view when possible)."""

    backward_name = "ViewBackward0"
    output_may_be_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.input_shape = x.shape
        try:
            return x._data.reshape(shape)
        except ValueError:
            raise RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {x._data.size} "
                f"(shape {x.shape}): the product of the new sizes must equal the old."
            ) from None

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.reshape(ctx.input_shape), None

    @staticmethod
    def rebuild_base(ctx, base, view):
        return view.reshape(ctx.input_shape)  # the view covers the whole base


class Permute(Function):
    """x with its axes reordered: output axis i is input axis ``dims[i]``."""

    backward_name = "PermuteBackward0"
    output_may_be_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.transpose(x._data, dims)

    @staticmethod
    def backward(ctx, grad_output):
        inverse = tuple(int(axis) for axis in np.argsort(ctx.dims))
        return grad_output.permute(*inverse), None

    @staticmethod
    def rebuild_base(ctx, base, view):
        return view.permute(*(int(axis) for axis in np.argsort(ctx.dims)))
