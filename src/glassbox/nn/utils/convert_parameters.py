"""All parameters as one flat vector, and back (``torch.nn.utils`` names)."""

from __future__ import annotations

import numpy as np

from glassbox.autograd.factories import cat
from glassbox.autograd.tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters) -> Tensor:
    """The parameters flattened and concatenated, in order (differentiable).

    Examples
    --------
    >>> import glassbox as gb
    >>> parameters_to_vector([gb.ones(2, 2), gb.zeros(1)])
    tensor([1., 1., 1., 1., 0.])
    """
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy consecutive slices of ``vec`` into the parameters' values, in order.

    Examples
    --------
    >>> import glassbox as gb
    >>> from glassbox.nn.utils import vector_to_parameters
    >>> w, b = gb.nn.Parameter(gb.zeros(2, 2)), gb.nn.Parameter(gb.zeros(1))
    >>> vector_to_parameters(gb.tensor([1., 2., 3., 4., 5.]), [w, b])
    >>> w.data, b.data
    (tensor([[1., 2.],
            [3., 4.]]), tensor([5.]))
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    offset = 0
    values = vec.numpy()
    for p in parameters:
        count = p.numel()
        p.data = Tensor(np.array(values[offset:offset + count].reshape(p.shape), dtype=p.dtype))
        offset += count
