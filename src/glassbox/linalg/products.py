"""Products of vectors and matrices: ``vecdot``, ``cross``, ``multi_dot``,
``matrix_power`` — each a few Tensor operations, so gradients come from theirs.

- vecdot(x, y) = sum_i x_i y_i along ``dim``.
- cross(a, b) = (a_1 b_2 - a_2 b_1, a_2 b_0 - a_0 b_2, a_0 b_1 - a_1 b_0): component i
  is a_{i+1} b_{i+2} - a_{i+2} b_{i+1} (indices mod 3), i.e. two ``roll``s.
- multi_dot(A, B, C, ...) = A @ B @ C @ ... (a first / last 1-D operand is a row /
  column vector).
- matrix_power(A, n) = A @ ... @ A (n times) by repeated squaring; n = 0 gives I and
  n < 0 the power of A^-1.

Examples
--------
>>> import glassbox as gb
>>> gb.linalg.cross(gb.tensor([1., 0., 0.]), gb.tensor([0., 1., 0.]))
tensor([0., 0., 1.])
>>> gb.linalg.matrix_power(gb.tensor([[1., 1.], [0., 1.]]), 3)
tensor([[1., 3.],
        [0., 1.]])
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.tensor import Tensor
from glassbox.linalg._checks import check_floating, check_square

__all__ = ["vecdot", "cross", "multi_dot", "matrix_power", "vander"]


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot product along ``dim`` (shapes broadcast).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.vecdot(gb.ones(2, 3), gb.tensor([1., 2., 3.]))
    tensor([6., 6.])
    """
    return (x * y).sum(dim)


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:  # noqa: A002
    """The cross product of 3-vectors along ``dim`` (shapes broadcast).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.cross(gb.tensor([[1., 0., 0.]]), gb.tensor([[0., 0., 1.]]))
    tensor([[ 0., -1.,  0.]])
    """
    if input.ndim != other.ndim:
        raise RuntimeError(f"linalg.cross: inputs must have the same number of dimensions; "
                           f"received shapes {input.shape} and {other.shape}")
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    shape = np.broadcast_shapes(input.shape, other.shape)
    input, other = input.expand(shape), other.expand(shape)
    # component i: a_{i+1} b_{i+2} - a_{i+2} b_{i+1}
    return (input.roll(-1, dim) * other.roll(-2, dim)
            - input.roll(-2, dim) * other.roll(-1, dim))


def multi_dot(tensors) -> Tensor:
    """A @ B @ C @ ... of a list of matrices (the first and last may be vectors).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.multi_dot([gb.ones(3), gb.ones(3, 2), gb.tensor([1., 2.])])
    tensor(9.)
    """
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got "
                           f"{len(tensors)}")
    for index, tensor in enumerate(tensors):
        allowed = (1, 2) if index in (0, len(tensors) - 1) else (2,)
        if tensor.ndim not in allowed:
            raise RuntimeError(f"multi_dot(): tensor {index} must be "
                               f"{' or '.join(f'{n}D' for n in allowed)} but got "
                               f"{tensor.ndim}D")
    result = tensors[0]
    for tensor in tensors[1:]:
        result = result @ tensor
    return result


def matrix_power(A: Tensor, n: int) -> Tensor:
    """A^n for square matrices (batches too): repeated squaring; A^0 = I, A^-n = (A^-1)^n.

    NOTE: A^0 is the constant I (torch's result is also I, with a zero gradient).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.matrix_power(gb.tensor([[2., 0.], [0., 4.]]), -1)
    tensor([[0.5 , 0.  ],
            [0.  , 0.25]])
    """
    check_square(A, "matrix_power")
    check_floating(A, "matrix_power")
    if n == 0:
        identity = Tensor(np.eye(A.shape[-1], dtype=A.dtype))
        return identity.expand(A.shape)
    if n < 0:
        from glassbox.linalg.inverse import inv

        A, n = inv(A), -n
    result, square = None, A
    while n:
        if n & 1:  # this power of two is part of n
            result = square if result is None else result @ square
        n >>= 1
        if n:
            square = square @ square
    return result


def vander(x: Tensor, *, N: int | None = None) -> Tensor:  # noqa: N803 (torch's name)
    """The Vandermonde matrix: row i is 1, x_i, x_i^2, ..., x_i^(N-1) (N = len(x) by
    default), the design matrix of a polynomial fit.

    The powers are running products (``cumprod``), so the gradient is right at x = 0
    too (x^0 = 1 has derivative 0 there, where pow's rule would give 0 * inf).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.linalg.vander(gb.tensor([2., 3.]), N=3)
    tensor([[1., 2., 4.],
            [1., 3., 9.]])
    """
    from glassbox.autograd.factories import cat

    N = x.shape[-1] if N is None else N
    if N <= 1:
        raise RuntimeError(f"N must be greater than 1; received N={N}")
    ones = x.new_ones(x.shape + (1,))
    repeated = x.unsqueeze(-1).expand(x.shape + (N - 1,))  # (..., n, N - 1)
    return cat([ones, repeated.cumprod(-1)], -1)  # (..., n, N)
