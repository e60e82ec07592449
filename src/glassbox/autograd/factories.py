"""Functions that make Tensors: ``tensor``, ``zeros``, ``ones``, ``randn``, ``arange``, ...

Same names, arguments and default dtypes as torch's: floating-point results are
float32 unless ``dtype`` says otherwise; random ones draw from glassbox's global
generator (:func:`glassbox.manual_seed`) unless a NumPy ``Generator`` is passed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassbox import _random
from glassbox.autograd import dtypes
from glassbox.autograd.device import check_device
from glassbox.autograd.dtypes import array_from
from glassbox.autograd.tensor import Tensor, _shape_argument

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty",
           "zeros_like", "ones_like", "full_like", "randn", "rand", "randint", "randperm",
           "is_tensor", "randn_like",
           "rand_like", "arange", "linspace", "eye", "cat", "stack", "where", "maximum",
           "minimum", "manual_seed", "FloatTensor", "DoubleTensor", "LongTensor", "IntTensor",
           "BoolTensor", "ByteTensor"]

manual_seed = _random.manual_seed


def _make(data: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor(data, requires_grad=requires_grad)


def tensor(data: Any, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A new Tensor holding a copy of ``data``.

    Python floats give float32, ints int64, bools bool; a NumPy array keeps its dtype.

    See Also
    --------
    torch.tensor

    Examples
    --------
    >>> tensor([1.0, 2.0]).dtype
    dtype('float32')
    >>> tensor([[1, 2]]).shape
    glassbox.Size([1, 2])
    """
    check_device(device)
    if isinstance(data, Tensor):
        data = data._data
    return _make(array_from(data, dtype), requires_grad)


def as_tensor(data: Any, dtype=None, device=None) -> Tensor:
    """``data`` as a Tensor, sharing memory with an ndarray of the right dtype."""
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or np.dtype(dtype) == data.dtype):
        return Tensor(data)
    return tensor(data, dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing memory with ``array`` (dtype kept), like ``torch.from_numpy``.

    Examples
    --------
    >>> from_numpy(np.zeros(2)).dtype
    dtype('float64')
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects an np.ndarray, received {type(array).__name__}")
    return Tensor(array)


def _dtype(dtype) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def zeros(*size, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A Tensor of zeros of shape ``size``.

    Examples
    --------
    >>> zeros(2, 3).shape
    glassbox.Size([2, 3])
    """
    check_device(device)
    return _make(np.zeros(_shape_argument(size), dtype=_dtype(dtype)), requires_grad)


def ones(*size, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A Tensor of ones of shape ``size``.

    Examples
    --------
    >>> ones(2)
    tensor([1., 1.])
    """
    check_device(device)
    return _make(np.ones(_shape_argument(size), dtype=_dtype(dtype)), requires_grad)


def empty(*size, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """An uninitialised Tensor (here: zeros) of shape ``size``."""
    check_device(device)
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A Tensor of shape ``size`` filled with ``fill_value`` (dtype from the value).

    Examples
    --------
    >>> full((2,), 7)
    tensor([7, 7])
    """
    check_device(device)
    if dtype is None:
        dtype = array_from(fill_value).dtype
    return _make(np.full(_shape_argument((size,)), fill_value, dtype=dtype), requires_grad)


def zeros_like(input: Tensor, dtype=None, requires_grad: bool = False, device=None) -> Tensor:  # noqa: A002
    """Zeros with the shape (and dtype) of ``input``."""
    check_device(device)
    return _make(np.zeros(input.shape, dtype=dtype or input.dtype), requires_grad)


def ones_like(input: Tensor, dtype=None, requires_grad: bool = False, device=None) -> Tensor:  # noqa: A002
    """Ones with the shape (and dtype) of ``input``."""
    check_device(device)
    return _make(np.ones(input.shape, dtype=dtype or input.dtype), requires_grad)


def full_like(input: Tensor, fill_value, dtype=None,  # noqa: A002
              requires_grad: bool = False, device=None) -> Tensor:
    """``fill_value`` with the shape (and dtype) of ``input``."""
    check_device(device)
    return _make(np.full(input.shape, fill_value, dtype=dtype or input.dtype), requires_grad)


def _generator(generator):
    return generator if generator is not None else _random.default_generator()


def randn(*size, dtype=None, requires_grad: bool = False, generator=None, device=None) -> Tensor:
    """Draws from the standard normal N(0, 1), of shape ``size``.

    Examples
    --------
    >>> _ = manual_seed(0)
    >>> x = randn(2, 3)
    >>> x.shape, x.dtype
    (glassbox.Size([2, 3]), dtype('float32'))
    """
    check_device(device)
    dtype = _dtype(dtype)
    data = _generator(generator).standard_normal(_shape_argument(size), dtype=dtype)
    return _make(data, requires_grad)


def rand(*size, dtype=None, requires_grad: bool = False, generator=None, device=None) -> Tensor:
    """Draws from the uniform U[0, 1), of shape ``size``.

    Examples
    --------
    >>> bool(((rand(100) >= 0) & (rand(100) < 1)).all())
    True
    """
    check_device(device)
    dtype = _dtype(dtype)
    data = _generator(generator).random(_shape_argument(size), dtype=dtype)
    return _make(data, requires_grad)


def randint(low: int, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad: bool = False) -> Tensor:
    """Integers drawn uniformly from [low, high), torch's two overloads.

    ``randint(high, size)`` draws from [0, high); ``randint(low, high, size)`` from
    [low, high). ``size`` is a tuple (it may be given by keyword).

    Examples
    --------
    >>> _ = manual_seed(0)
    >>> x = randint(2, (8,))          # eight draws from {0, 1}
    >>> x.shape, bool(((x == 0) | (x == 1)).all())
    (glassbox.Size([8]), True)
    >>> randint(5, 7, size=(2, 3)).shape
    glassbox.Size([2, 3])
    """
    check_device(device)
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high  # randint(high, size)
    elif high is None:
        low, high = 0, low  # randint(high, size=...)
    if size is None:
        raise TypeError(f"randint() missing 1 required argument 'size' (a tuple); received "
                        f"low={low}, high={high}. Example: randint(0, 10, (3,)).")
    if isinstance(size, int):
        raise TypeError(f"randint(): argument 'size' must be a tuple of ints, not int "
                        f"({size}); write ({size},).")
    data = _generator(generator).integers(low, high, size=_shape_argument((size,)))
    return _make(data.astype(dtype or np.int64), requires_grad)


def randperm(n: int, *, generator=None, dtype=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of 0 .. n-1 (int64).

    Examples
    --------
    >>> sorted(randperm(4).tolist())
    [0, 1, 2, 3]
    """
    check_device(device)
    return _make(_generator(generator).permutation(n).astype(dtype or np.int64), requires_grad)


def is_tensor(obj) -> bool:
    """True for glassbox Tensors (and Parameters).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.is_tensor(gb.ones(2)), gb.is_tensor([1.0])
    (True, False)
    """
    return isinstance(obj, Tensor)


def randn_like(input: Tensor, dtype=None, device=None) -> Tensor:  # noqa: A002
    """Standard normal draws with the shape of ``input``."""
    check_device(device)
    return randn(*input.shape, dtype=dtype or input.dtype)


def rand_like(input: Tensor, dtype=None, device=None) -> Tensor:  # noqa: A002
    """Uniform U[0, 1) draws with the shape of ``input``."""
    check_device(device)
    return rand(*input.shape, dtype=dtype or input.dtype)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *,  # noqa: A002
                 dtype=None, generator=None, device=None) -> Tensor:
    """Integers drawn from [low, high) with the shape (and dtype) of ``input``:
    ``randint_like(x, high)`` or ``randint_like(x, low, high)``.

    Examples
    --------
    >>> randint_like(zeros(2, 3), 1).tolist()
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    check_device(device)
    if high is None:
        low, high = 0, low
    data = _generator(generator).integers(low, high, size=input.shape)
    return Tensor(data.astype(dtype or input.dtype))


def empty_like(input: Tensor, dtype=None, requires_grad: bool = False,  # noqa: A002
               device=None) -> Tensor:
    """An uninitialised Tensor with the shape of ``input`` (here: zeros).

    Examples
    --------
    >>> empty_like(ones(2, 3)).shape
    glassbox.Size([2, 3])
    """
    check_device(device)
    return _make(np.zeros(input.shape, dtype=dtype or input.dtype), requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """Values from ``start`` to ``end`` (excluded) by ``step``; int64 unless a bound is a float.

    Examples
    --------
    >>> arange(3)
    tensor([0, 1, 2])
    >>> arange(0, 1, 0.5)
    tensor([0. , 0.5])
    """
    check_device(device)
    if end is None:
        start, end = 0, start
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.get_default_dtype() if is_float else np.int64
    return _make(np.arange(start, end, step).astype(dtype), requires_grad)


def linspace(start: float, end: float, steps: int, dtype=None, device=None) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` (both included)."""
    check_device(device)
    return Tensor(np.linspace(start, end, steps).astype(_dtype(dtype)))


def logspace(start: float, end: float, steps: int, base: float = 10.0, *, dtype=None,
             device=None, requires_grad: bool = False) -> Tensor:
    """``steps`` values from base^start to base^end, evenly spaced in the exponent:
    base ** linspace(start, end, steps), ``torch.logspace``.

    Examples
    --------
    >>> logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    >>> logspace(0, 3, 4, base=2)
    tensor([1., 2., 4., 8.])
    """
    check_device(device)
    if steps < 0:
        raise RuntimeError(f"number of steps must be non-negative; received steps={steps}")
    exponents = np.linspace(start, end, steps)
    return _make((float(base) ** exponents).astype(_dtype(dtype)), requires_grad)


def eye(n: int, m: int | None = None, dtype=None, device=None) -> Tensor:
    """The identity matrix (n x m)."""
    check_device(device)
    return Tensor(np.eye(n, m, dtype=_dtype(dtype)))


def cat(tensors, dim: int = 0) -> Tensor:
    """Concatenate along an existing dimension ``dim``.

    Examples
    --------
    >>> cat([ones(2), zeros(1)])
    tensor([1., 1., 0.])
    """
    from glassbox.autograd.ops.join import Cat

    tensors = [t if isinstance(t, Tensor) else Tensor(np.asarray(t)) for t in tensors]
    if not tensors:
        raise RuntimeError("cat(): expected a non-empty list of Tensors")
    return Cat.apply(dim, *tensors)


def stack(tensors, dim: int = 0) -> Tensor:
    """Join Tensors of the same shape along a new dimension ``dim``.

    Examples
    --------
    >>> stack([ones(2), zeros(2)]).shape
    glassbox.Size([2, 2])
    """
    tensors = [t if isinstance(t, Tensor) else Tensor(np.asarray(t)) for t in tensors]
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise RuntimeError(f"stack expects each tensor to be equal size, but got shapes "
                           f"{[t.shape for t in tensors]}")
    return cat([t.unsqueeze(dim) for t in tensors], dim)


def where(condition, input=None, other=None) -> Tensor:  # noqa: A002
    """``input`` where ``condition`` holds, else ``other`` (broadcasting all three).

    Examples
    --------
    >>> where(tensor([True, False]), ones(2), zeros(2))
    tensor([1., 0.])
    """
    condition = condition if isinstance(condition, Tensor) else Tensor(np.asarray(condition))
    if input is None and other is None:
        return tuple(Tensor(index) for index in np.nonzero(condition._data))
    if not isinstance(input, Tensor):
        other_tensor = other if isinstance(other, Tensor) else None
        input = other_tensor._operand(input) if other_tensor is not None \
            else Tensor(array_from(input))
    return input.where(condition, other)


def maximum(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Element-wise maximum (ties share the gradient)."""
    return input.maximum(other)


def minimum(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Element-wise minimum (ties share the gradient)."""
    return input.minimum(other)


def _legacy_constructor(name: str, dtype) -> type:
    """torch's old typed constructors: ``FloatTensor([1, 2])`` (data) or ``FloatTensor(2, 3)``
    (zeros of that shape)."""

    def constructor(*args) -> Tensor:
        if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray, Tensor)):
            return tensor(args[0], dtype=dtype)
        return zeros(*args, dtype=dtype)

    constructor.__name__ = constructor.__qualname__ = name
    constructor.__doc__ = (f"``torch.{name}``: a {np.dtype(dtype)} Tensor from data, or zeros "
                           f"of the given sizes.")
    return constructor


FloatTensor = _legacy_constructor("FloatTensor", np.float32)
DoubleTensor = _legacy_constructor("DoubleTensor", np.float64)
LongTensor = _legacy_constructor("LongTensor", np.int64)
IntTensor = _legacy_constructor("IntTensor", np.int32)
BoolTensor = _legacy_constructor("BoolTensor", np.bool_)
ByteTensor = _legacy_constructor("ByteTensor", np.uint8)
