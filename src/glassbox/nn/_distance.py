"""Norms, distances and similarities of vectors: ``normalize``, ``cosine_similarity``,
``pairwise_distance`` (``torch.nn.functional``'s), written with Tensor operations so
that every gradient, and the gradient of a gradient, comes from autograd.

The one subtlety is the zero vector: ||x|| has no derivative at x = 0. torch takes it
as 0 there (a subgradient), and so does :func:`_vector_norm`, by computing the norm
only where it is positive; everywhere else it is the textbook formula.
"""

from __future__ import annotations

import math

import numpy as np

from glassbox.autograd.tensor import Tensor

__all__ = ["normalize", "cosine_similarity", "pairwise_distance"]


def _vector_norm(x: Tensor, p: float, dim: int, keepdim: bool) -> Tensor:
    """||x||_p = (sum_i |x_i|^p)^(1/p) along ``dim``, with gradient 0 at x = 0 (torch's)."""
    if p == math.inf:
        return x.abs().amax(dim, keepdim)
    if p <= 0:
        raise ValueError(f"expected a norm order p > 0 (or inf), received p={p}")
    powered = x * x if p == 2 else x.abs() ** p
    total = powered.sum(dim, keepdim)
    positive = Tensor(total._data > 0)
    # NOTE: the root is taken of 1 where the sum is 0, so that its derivative
    # (1/p) S^(1/p - 1), infinite at S = 0, never enters the graph
    safe = total.where(positive, 1.0)
    root = safe.sqrt() if p == 2 else safe ** (1.0 / p)
    return root.where(positive, 0.0)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,  # noqa: A002
              out=None) -> Tensor:
    """Divide each vector along ``dim`` by its p-norm (at least ``eps``).

    .. math:: v = \\frac{x}{\\max(\\lVert x \\rVert_p, \\epsilon)}

    Parameters
    ----------
    input : Tensor of any shape
    p : float, default=2.0
        The norm's order (inf for the largest absolute value).
    dim : int, default=1
    eps : float, default=1e-12
        A vector shorter than this is divided by ``eps`` instead (and the norm gets no
        gradient there, as torch's ``clamp_min``).

    Returns
    -------
    Tensor of the same shape

    See Also
    --------
    torch.nn.functional.normalize

    Examples
    --------
    >>> import glassbox as gb
    >>> normalize(gb.tensor([[3.0, 4.0], [0.0, 0.0]]))
    tensor([[0.6, 0.8],
            [0. , 0. ]])
    """
    if out is not None:
        raise TypeError("normalize: glassbox does not write into out=; use the returned Tensor")
    return input / _vector_norm(input, p, dim, keepdim=True).clamp(min=eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """The cosine of the angle between the vectors of ``x1`` and ``x2`` along ``dim``.

    .. math:: \\text{similarity} = \\sum_i \\frac{x_{1i}}{\\max(\\lVert x_1 \\rVert, \\epsilon)}
              \\cdot \\frac{x_{2i}}{\\max(\\lVert x_2 \\rVert, \\epsilon)}

    Each vector is divided by its norm before the product (as torch does: the result
    stays in [-1, 1]). As in torch, the clamp to ``eps`` changes the value only: the
    gradient is computed as if the norms were not clamped.

    Parameters
    ----------
    x1, x2 : Tensor, broadcastable to one shape
    dim : int, default=1
        The dimension of the vectors; the result has it removed.
    eps : float, default=1e-8

    See Also
    --------
    torch.nn.functional.cosine_similarity

    Examples
    --------
    >>> import glassbox as gb
    >>> cosine_similarity(gb.tensor([[1.0, 0.0], [1.0, 1.0]]), gb.tensor([[0.0, 2.0], [2.0, 2.0]]))
    tensor([0., 1.])
    """
    if x1.ndim == 0 or x2.ndim == 0:
        raise RuntimeError(f"cosine_similarity expects Tensors of at least one dimension, "
                           f"received shapes {list(x1.shape)} and {list(x2.shape)}")
    shape = _broadcast_shape(x1.shape, x2.shape)
    x1, x2 = x1.expand(shape), x2.expand(shape)
    units = []
    for x in (x1, x2):
        norm = _vector_norm(x, 2.0, dim, keepdim=True)
        # NOTE: torch clamps the norm in place under no_grad: the value is at least eps,
        # the gradient that of the plain norm. Adding the (detached) difference does that.
        clamped = norm + (norm.clamp(min=eps) - norm).detach()
        units.append(x / clamped)
    return (units[0] * units[1]).sum(dim)


def _broadcast_shape(shape1: tuple, shape2: tuple) -> tuple:
    """The shape both broadcast to (NumPy's rules, which are torch's)."""
    try:
        return np.broadcast_shapes(shape1, shape2)
    except ValueError:
        raise RuntimeError(f"The size of tensor a {list(shape1)} must match the size of tensor "
                           f"b {list(shape2)} (they must be broadcastable)") from None


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """The p-norm distance between the vectors of ``x1`` and ``x2`` along the last dim.

    .. math:: d(x_1, x_2) = \\lVert x_1 - x_2 + \\epsilon \\rVert_p

    ``eps`` is added to the difference (torch's rule), which keeps the gradient finite
    when two vectors coincide.

    Parameters
    ----------
    x1, x2 : Tensor of shape (N, D) or (D,), broadcastable
    p : float, default=2.0
    eps : float, default=1e-6
    keepdim : bool, default=False

    Returns
    -------
    Tensor of shape (N,) (or (N, 1) with keepdim; a scalar for vectors)

    See Also
    --------
    torch.nn.functional.pairwise_distance

    Examples
    --------
    >>> import glassbox as gb
    >>> pairwise_distance(gb.tensor([[0.0, 0.0]]), gb.tensor([[3.0, 4.0]]), eps=0.0)
    tensor([5.])
    """
    difference = x1 - x2 + eps
    if difference.ndim == 0:
        raise RuntimeError(f"pairwise_distance expects Tensors of at least one dimension, "
                           f"received shapes {list(x1.shape)} and {list(x2.shape)}")
    return _vector_norm(difference, p, -1, keepdim)
