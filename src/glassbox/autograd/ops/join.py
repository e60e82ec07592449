"""Joining Tensors: cat (along an existing axis). Stack is cat of unsqueezed inputs."""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function

__all__ = ["Cat"]


class Cat(Function):
    """Concatenate Tensors along ``dim``; the backward slices the gradient back apart."""

    backward_name = "CatBackward0"

    @staticmethod
    def forward(ctx, dim, *tensors):
        arrays = [t._data for t in tensors]
        dtype = np.result_type(*arrays)
        ctx.dim = dim
        ctx.sizes = [a.shape[dim] for a in arrays]
        try:
            return np.concatenate(arrays, axis=dim, dtype=dtype)
        except ValueError:
            shapes = [t.shape for t in tensors]
            raise RuntimeError(
                f"Sizes of tensors must match except in dimension {dim}; received shapes "
                f"{shapes}."
            ) from None

    @staticmethod
    def backward(ctx, grad_output):
        grads = [None]
        start = 0
        axis = ctx.dim % grad_output.ndim
        for size, needed in zip(ctx.sizes, ctx.needs_input_grad[1:]):
            piece = (slice(None),) * axis + (slice(start, start + size),)
            grads.append(grad_output[piece] if needed else None)
            start += size
        return tuple(grads)
