"""Products: ``prod`` (one product over a dimension) and ``cumprod`` (running products).

The derivative of a product with respect to one factor is the product of all the
*other* factors::

    d(x_1 x_2 ... x_n) / dx_i = x_1 ... x_{i-1} * x_{i+1} ... x_n

The shortcut ``prod / x_i`` divides by zero as soon as one factor is 0, yet the
derivative is then perfectly defined: with one zero at i, only x_i's gradient is
non-zero (the product of the others); with two zeros or more, every gradient is 0.
So glassbox computes "the product of the others" without dividing: the product of
the factors to the left times the product of the factors to the right, two
*exclusive* running products (``cumprod`` of the factors shifted by one). That one
formula is right with or without zeros, and is written in Tensor ops, so the
gradient can itself be differentiated (``create_graph=True``).

``cumprod`` has the same difficulty: y_j = x_1 ... x_j, so for j >= i
dy_j/dx_i = prod_{k <= j, k != i} x_k, and dL/dx_i = sum_{j >= i} dL/dy_j dy_j/dx_i.
Without zeros that is ``(reversed cumsum of g * y) / x`` (O(n)); with zeros glassbox
builds the products of the others explicitly (an n x n matrix per line, O(n^2)),
which is the formula itself.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.ops.selection import Cumsum, Flip
from glassbox.autograd.tensor import Tensor

__all__ = ["Prod", "Cumprod", "exclusive_cumprod", "products_of_the_others"]


def _as_number_array(x: Tensor) -> np.ndarray:
    # torch multiplies integers and bools as int64
    return x._data.astype(np.int64) if x.dtype.kind in "biu" else x._data


def exclusive_cumprod(x: Tensor, dim: int) -> Tensor:
    """E_i = x_0 x_1 ... x_{i-1} along ``dim`` (E_0 = 1): the running product, shifted.

    Examples
    --------
    >>> import glassbox as gb
    >>> exclusive_cumprod(gb.tensor([2., 3., 4.]), 0)
    tensor([1., 2., 6.])
    """
    from glassbox.autograd.factories import cat

    size = x.shape[dim]
    ones_shape = list(x.shape)
    ones_shape[dim] = 1
    one = Tensor(np.ones(ones_shape, dtype=x.dtype))
    # [1, x_0, ..., x_{n-2}] along dim, then its running product
    return Cumprod.apply(cat([one, x.narrow(dim, 0, size - 1)], dim), dim)


def products_of_the_others(x: Tensor, dim: int) -> Tensor:
    """For each i, the product of every x_k with k != i along ``dim``, without division.

    (x_0 ... x_{i-1}) * (x_{i+1} ... x_{n-1}): the exclusive running products from the
    left and from the right.

    Examples
    --------
    >>> import glassbox as gb
    >>> products_of_the_others(gb.tensor([2., 0., 4.]), 0)
    tensor([0., 8., 0.])
    """
    left = exclusive_cumprod(x, dim)
    right = Flip.apply(exclusive_cumprod(Flip.apply(x, (dim,)), dim), (dim,))
    return left * right


class Prod(Function):
    """The product of the elements over ``dim`` (all of them when ``dim`` is None)."""

    backward_name = "ProdBackward0"

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ctx.save_for_backward(x)
        ctx.dim, ctx.keepdim = dim, keepdim
        data = _as_number_array(x)
        if dim is None:
            return data.prod()
        return data.prod(axis=dim, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        if x.numel() == 0:
            return x.new_zeros(x.shape), None, None  # an empty product is 1 whatever x
        if ctx.dim is None:
            # d prod / dx_i = product of the others, over the flattened Tensor
            others = products_of_the_others(x.reshape(-1), 0).reshape(x.shape)
            return grad_output * others, None, None
        dim = ctx.dim
        if not ctx.keepdim:
            grad_output = grad_output.unsqueeze(dim)  # (..., 1, ...): broadcasts along dim
        return grad_output * products_of_the_others(x, dim), None, None


class Cumprod(Function):
    """y_j = x_0 x_1 ... x_j along ``dim``."""

    backward_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        result = np.cumprod(_as_number_array(x), axis=dim)
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        dim = ctx.dim
        if x.shape[dim] == 0:
            return grad_output, None
        if not (x._data == 0).any():
            return cumprod_backward_without_zeros(x, y, grad_output, dim), None
        return cumprod_backward(x, grad_output, dim), None


def cumprod_backward_without_zeros(x: Tensor, y: Tensor, grad_output: Tensor,
                                   dim: int) -> Tensor:
    """The fast path: dy_j/dx_i = y_j / x_i (j >= i) when no x_i is 0, so
    dL/dx_i = (sum_{j >= i} g_j y_j) / x_i, a reversed cumsum divided by x."""
    weighted = Flip.apply(grad_output * y, (dim,))
    return Flip.apply(Cumsum.apply(weighted, dim), (dim,)) / x


def cumprod_backward(x: Tensor, grad_output: Tensor, dim: int) -> Tensor:
    """The formula itself, right with zeros: dL/dx_i = sum_{j >= i} g_j P_ij with
    P_ij = prod_{k <= j, k != i} x_k, built as an (n, n) matrix per line along ``dim``."""
    x_last = x.transpose(dim, -1)  # (..., n)
    g_last = grad_output.transpose(dim, -1)
    n = x_last.shape[-1]
    diagonal = Tensor(np.eye(n, dtype=np.bool_))
    # row i of `others` is x with x_i replaced by 1: (..., n, n)
    rows = x_last.unsqueeze(-2).expand(x_last.shape[:-1] + (n, n))
    others = rows.where(Tensor(~diagonal._data), 1.0)
    partial = Cumprod.apply(others, -1)  # partial[..., i, j] = prod_{k <= j, k != i} x_k
    # keep j >= i (x_i does not feed y_j for j < i), weight by g_j, sum over j
    grad = (partial * g_last.unsqueeze(-2)).triu().sum(-1)  # (..., n)
    return grad.transpose(dim, -1)
