"""``Tensor``: a NumPy array that remembers how it was computed.

``x.numpy()`` is the array itself (shared, not copied: inspect it, plot it); ``x.grad``
receives d(loss)/dx after ``loss.backward()`` when ``x.requires_grad``; ``x.grad_fn`` is
the graph node that made ``x`` (None for leaves: inputs and parameters). ``x.data`` is,
as in torch, a Tensor sharing ``x``'s values but outside the graph (``p.data -= lr *
p.grad`` updates ``p``). Every method below that computes something calls a
:class:`~glassbox.autograd.function.Function` from :mod:`glassbox.autograd.ops`, where
the forward and backward rules live; the in-place methods (``add_``, ``+=``, ...) are
explained in :mod:`glassbox.autograd.inplace`.
"""

from __future__ import annotations

import numbers
import weakref
from typing import Any

import numpy as np

from glassbox.autograd import device as _device
from glassbox.autograd import dtypes, grad_mode
from glassbox.autograd.dtypes import array_from, is_floating

__all__ = ["Tensor", "Size"]


class Tensor:
    """A multi-dimensional array with automatic differentiation (the twin of torch.Tensor).

    Parameters
    ----------
    data : array_like
        The values. An ``np.ndarray`` is used as is (no copy, dtype kept); Python data is
        converted with torch's defaults (floats to float32, ints to int64). Prefer the
        factory :func:`glassbox.tensor`, which always copies.
    requires_grad : bool, default=False
        Record operations on this Tensor so that ``backward`` can fill ``.grad``.

    Attributes
    ----------
    data : Tensor
        The same values (shared memory) outside the graph, as in torch.
    grad : Tensor or None
        The accumulated gradient d(loss)/d(self), same shape and dtype.
    requires_grad : bool
    grad_fn : Context or None
        The graph node that produced this Tensor (None for a leaf).
    _data : np.ndarray
        The array underneath, which glassbox's own code reads directly (user code calls
        :meth:`numpy`). Views (``view``, slicing, ``t()``, ``detach()``, ``.data``) hold
        arrays that share memory with their base's.
    _version : int
        How many times the values were changed in place (shared by a Tensor and its
        views); ``backward`` compares it with the count when a Tensor was saved.

    See Also
    --------
    torch.Tensor

    Examples
    --------
    >>> import glassbox as gb
    >>> w = gb.tensor([1.0, -2.0], requires_grad=True)
    >>> loss = (w * w).sum()
    >>> loss.backward()
    >>> w.grad
    tensor([ 2., -4.])
    """

    __slots__ = ("_data", "grad", "requires_grad", "grad_fn", "_counter", "_base", "_hooks",
                 "_view_of", "__weakref__")
    # NOTE: without this, ``ndarray * Tensor`` would be computed by NumPy (and return an
    # ndarray); with it NumPy steps aside and Python calls ``Tensor.__rmul__``.
    __array_ufunc__ = None
    __hash__ = object.__hash__  # Tensors are dict keys by identity, as in torch

    def __init__(self, data: Any = (), *sizes: int, requires_grad: bool = False) -> None:
        if type(data) is not np.ndarray:
            data = data._data if isinstance(data, Tensor) else _constructor_data(data, sizes)
        self._data = data
        self.grad: Tensor | None = None
        self.grad_fn = None
        self.requires_grad = False
        self._counter: list[int] | None = None  # [version], made on first need, shared by views
        self._base: Tensor | None = None  # the Tensor this one is a view of
        self._hooks: list | None = None
        if requires_grad:
            self.requires_grad_(True)

    # ------------------------------------------------------------------ attributes
    @property
    def data(self) -> Tensor:
        """The same values outside the graph: a Tensor sharing this one's memory.

        As in torch, changing it in place changes this Tensor without being recorded
        (and without counting as an in-place change for ``backward``'s checks).

        Examples
        --------
        >>> import glassbox as gb
        >>> w = gb.tensor([1.0, 2.0], requires_grad=True)
        >>> w.data -= 1          # no error, not recorded: w itself changes
        >>> w
        tensor([0., 1.], requires_grad=True)
        """
        return _view_of(self, self._data, share_version=False, is_view=False)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got "
                            f"{type(value).__name__}; wrap an array with glassbox.from_numpy.")
        self._data = value._data

    @property
    def _version(self) -> int:
        """How many in-place changes this Tensor's memory has seen (torch's ``_version``)."""
        return 0 if self._counter is None else self._counter[0]

    def _shared_counter(self) -> list[int]:
        """The version counter, made now if this Tensor has none yet (to share it)."""
        if self._counter is None:
            self._counter = [0]
        return self._counter

    def _bump_version(self) -> None:
        """Count one in-place change (every view of the same memory sees it)."""
        if self._counter is None:
            self._counter = [1]
        else:
            self._counter[0] += 1

    @property
    def shape(self) -> Size:
        """The size of each dimension: a `Size`, the tuple torch returns (``x.size()``)."""
        return Size(self._data.shape)

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype of the values (``glassbox.float32`` by default)."""
        return self._data.dtype

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    @property
    def is_leaf(self) -> bool:
        """True for Tensors not produced by a recorded operation."""
        return self.grad_fn is None

    @property
    def device(self) -> _device.device:
        """Always the CPU: ``device(type='cpu')``."""
        return _device.CPU

    @property
    def is_cuda(self) -> bool:
        """False: glassbox computes on the CPU."""
        return False

    @property
    def T(self) -> Tensor:
        """The axes in reverse order (the transpose of a matrix)."""
        return self.permute(*reversed(range(self.ndim)))

    @property
    def mT(self) -> Tensor:  # noqa: N802 (torch's name)
        """The last two dimensions swapped (a batch of transposed matrices).

        Examples
        --------
        >>> import glassbox as gb
        >>> gb.zeros(5, 2, 3).mT.shape
        glassbox.Size([5, 3, 2])
        """
        if self.ndim < 2:
            raise RuntimeError(f"tensor.mT is only supported on matrices or batches of "
                               f"matrices. Got {self.ndim}-D tensor.")
        return self.transpose(-2, -1)

    def size(self, dim: int | None = None):
        """The shape as a :class:`Size`, or the size of one dimension."""
        return Size(self._data.shape) if dim is None else self._data.shape[dim]

    def dim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    def numel(self) -> int:
        """The number of elements."""
        return self._data.size

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    # ------------------------------------------------------------------ conversions
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying array (shared, not copied: changing one changes the other)."""
        return self._data

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def item(self) -> float | int | bool:
        """The value of a one-element Tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.item()

    def tolist(self):
        """The values as (nested) Python lists."""
        return self._data.tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to "
                            "an index")
        return int(self.item())

    def __format__(self, spec: str) -> str:
        # f"{loss:.4f}" works on a one-element Tensor, as in torch
        if spec and self._data.size == 1:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is "
                               f"ambiguous (shape {self.shape}); use .any() or .all().")
        return bool(self._data)

    def detach(self) -> Tensor:
        """A new leaf Tensor sharing this one's memory (and version count), cut from the graph."""
        return _view_of(self, self._data, share_version=True, is_view=False)

    def detach_(self) -> Tensor:
        """Cut this Tensor from the graph in place (it becomes a leaf); returns self."""
        self.grad_fn = None
        self.requires_grad = False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place (only floating-point Tensors can); returns self."""
        if requires_grad and not is_floating(self.dtype):
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients; this one is "
                f"{self.dtype}. Convert it first, e.g. x.float()."
            )
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. "
                               "Use .detach() to get a Tensor that does not require grad.")
        self.requires_grad = bool(requires_grad)
        return self

    def to(self, *args, **kwargs) -> Tensor:
        """A copy with another dtype (self when it already has it), torch's overloads:
        ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``.

        The device can only be the CPU: another raises the CPU-only error.
        """
        dtype, target = kwargs.get("dtype"), kwargs.get("device")
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, (str, _device.device)):
                target = arg
            elif arg is not None:
                dtype = arg
        _device.check_device(target)
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if dtype == self.dtype:
            return self
        return ops.elementwise.Cast.apply(self, dtype)

    def cuda(self, *args, **kwargs) -> Tensor:
        """Refused: glassbox computes on the CPU (the error says what to do instead)."""
        _device.device("cuda")

    def float(self) -> Tensor:
        """A float32 copy (self when already float32); the gradient flows back."""
        return self.to(np.float32)

    def double(self) -> Tensor:
        """A float64 copy (self when already float64); the gradient flows back."""
        return self.to(np.float64)

    def long(self) -> Tensor:
        """An int64 copy."""
        return self.to(np.int64)

    def int(self) -> Tensor:
        """An int32 copy."""
        return self.to(np.int32)

    def bool(self) -> Tensor:
        """A boolean copy."""
        return self.to(np.bool_)

    def type_as(self, other: Tensor) -> Tensor:
        """A copy with ``other``'s dtype."""
        return self.to(other.dtype)

    def clone(self) -> Tensor:
        """A copy with its own data that stays in the graph (gradient flows through)."""
        return ops.elementwise.Cast.apply(self, self.dtype)

    def contiguous(self) -> Tensor:
        """Self: NumPy arrays need no contiguity for any glassbox operation."""
        return self

    def cpu(self) -> Tensor:
        """Self: glassbox Tensors always live in main memory."""
        return self

    def new_zeros(self, size, dtype=None) -> Tensor:
        """Zeros of shape ``size`` with this Tensor's dtype."""
        return Tensor(np.zeros(size, dtype=dtype or self.dtype))

    def new_ones(self, size, dtype=None) -> Tensor:
        """Ones of shape ``size`` with this Tensor's dtype."""
        return Tensor(np.ones(size, dtype=dtype or self.dtype))

    def new_tensor(self, data, dtype=None) -> Tensor:
        """A new Tensor from ``data`` with this Tensor's dtype."""
        return Tensor(np.array(data, dtype=dtype or self.dtype))

    # ------------------------------------------------------------------ autograd
    def backward(self, gradient: Tensor | None = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into the ``.grad`` of every leaf that requires grad.

        ``gradient`` (d(loss)/d(self)) may be omitted only for a one-element Tensor.
        """
        from glassbox.autograd.engine import backward

        backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph)

    def retain_grad(self) -> None:
        """Also fill ``.grad`` of this non-leaf Tensor during backward (to inspect it).

        Examples
        --------
        >>> import glassbox as gb
        >>> x = gb.tensor([1.0, 2.0], requires_grad=True)
        >>> hidden = x * 3
        >>> hidden.retain_grad()
        >>> (hidden * hidden).sum().backward()
        >>> hidden.grad
        tensor([ 6., 12.])
        """
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn.retained_output = weakref.ref(self)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this Tensor's gradient is computed; a Tensor it returns
        replaces the gradient. Returns a handle whose ``remove()`` undoes it.

        Examples
        --------
        >>> import glassbox as gb
        >>> w = gb.tensor([1.0, 2.0], requires_grad=True)
        >>> handle = w.register_hook(lambda grad: grad * 10)
        >>> (w * w).sum().backward()
        >>> w.grad
        tensor([20., 40.])
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        if self.grad_fn is not None:
            return self.grad_fn.register_hook(hook)  # called with this node's output grad
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        from glassbox.autograd.function import _RemovableHandle

        return _RemovableHandle(self._hooks, hook)

    def _operand(self, other: Any) -> Tensor:
        """``other`` as a Tensor; a Python or NumPy number takes this Tensor's dtype."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (numbers.Number, np.generic)):
            if self.dtype.kind == "f" or isinstance(other, (bool, np.bool_)):
                dtype = self.dtype
            elif isinstance(other, (numbers.Integral, np.integer)):
                dtype = self.dtype if self.dtype.kind in "iu" else np.int64
            else:
                dtype = np.float32  # int Tensor * 0.5 is float32 in torch
            return Tensor(np.asarray(other, dtype=dtype))
        return Tensor(np.asarray(other))

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other):
        return ops.arithmetic.Add.apply(self, self._operand(other))

    def __radd__(self, other):
        return ops.arithmetic.Add.apply(self._operand(other), self)

    def __sub__(self, other):
        return ops.arithmetic.Sub.apply(self, self._operand(other))

    def __rsub__(self, other):
        return ops.arithmetic.Sub.apply(self._operand(other), self)

    def __mul__(self, other):
        return ops.arithmetic.Mul.apply(self, self._operand(other))

    def __rmul__(self, other):
        return ops.arithmetic.Mul.apply(self._operand(other), self)

    def __truediv__(self, other):
        return ops.arithmetic.Div.apply(self, self._operand(other))

    def __rtruediv__(self, other):
        return ops.arithmetic.Div.apply(self._operand(other), self)

    def __neg__(self):
        return ops.arithmetic.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    def __pow__(self, exponent):
        if isinstance(exponent, (numbers.Number, np.generic)):
            return ops.arithmetic.PowScalar.apply(self, exponent)
        return ops.arithmetic.Pow.apply(self, self._operand(exponent))

    def __rpow__(self, base):
        return ops.arithmetic.Pow.apply(self._operand(base), self)

    def __matmul__(self, other):
        return self.matmul(other)

    def __rmatmul__(self, other):
        return self._operand(other).matmul(self)

    def add(self, other, alpha=1):
        """self + alpha * other."""
        return self + (other * alpha if alpha != 1 else other)

    def sub(self, other, alpha=1):
        """self - alpha * other."""
        return self - (other * alpha if alpha != 1 else other)

    def mul(self, other):
        """self * other (broadcasting)."""
        return self * other

    def div(self, other, *, rounding_mode=None):
        """self / other (true division, broadcasting); ``rounding_mode`` "trunc" or
        "floor" rounds the quotient (integers stay integers; no gradient, as torch)."""
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or "
                             f"'floor' but found '{rounding_mode}'")
        other = self._operand(other)
        if self.dtype.kind in "biu" and other.dtype.kind in "biu":
            x, y = ops.arithmetic.binary_arrays(self, other)
            if rounding_mode == "floor":
                return Tensor(np.floor_divide(x, y))
            # NOTE: truncate toward zero: floor of |x| // |y| with the quotient's sign
            return Tensor(np.sign(x) * np.sign(y) * (np.abs(x) // np.abs(y)))
        quotient = self / other
        return quotient.trunc() if rounding_mode == "trunc" else quotient.floor()

    true_divide = divide = div

    def floor_divide(self, other):
        """floor(self / other) (Python's //), no gradient."""
        return self.div(other, rounding_mode="floor")

    def __floordiv__(self, other):
        return self.floor_divide(other)

    def __rfloordiv__(self, other):
        return self._operand(other).floor_divide(self)

    def remainder(self, other):
        """self - floor(self / other) other: Python's %, the sign of ``other``."""
        return ops.binary_math.Remainder.apply(self, self._operand(other))

    def __mod__(self, other):
        return self.remainder(other)

    def __rmod__(self, other):
        return self._operand(other).remainder(self)

    def fmod(self, other):
        """self - trunc(self / other) other: C's %, the sign of self."""
        return ops.binary_math.Fmod.apply(self, self._operand(other))

    def atan2(self, other):
        """The angle of the point (other, self) in (-pi, pi]."""
        return ops.binary_math.Atan2.apply(self, self._operand(other))

    arctan2 = atan2

    def hypot(self, other):
        """sqrt(self^2 + other^2) element-wise."""
        other = self._operand(other)
        return (self * self + other * other).sqrt()

    def logaddexp(self, other):
        """log(e^self + e^other), computed stably."""
        other = self._operand(other)
        # NOTE: shifting by the larger value m (a constant) changes nothing in the math
        # (log(e^(a-m) + e^(b-m)) + m) but keeps exp from overflowing
        shift = Tensor(np.maximum(self._data, other._data))
        return ((self - shift).exp() + (other - shift).exp()).log() + shift

    def xlogy(self, other):
        """self * log(other), and 0 where self is 0."""
        return ops.binary_math.Xlogy.apply(self, self._operand(other))

    multiply = mul
    subtract = sub

    def pow(self, exponent):
        """self ** exponent."""
        return self ** exponent

    def neg(self):
        """-self."""
        return -self

    def matmul(self, other) -> Tensor:
        """Matrix product with NumPy's (and torch's) rules for 1-D and batched operands."""
        other = self._operand(other)
        if self.ndim == 0 or other.ndim == 0:
            raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they "
                               f"are {self.ndim}D and {other.ndim}D")
        if self.ndim == 1 and other.ndim == 1:  # dot product: (1, n) @ (n, 1) -> ()
            return ops.arithmetic.MatMul.apply(self.unsqueeze(0), other.unsqueeze(1)).reshape(())
        if self.ndim == 1:  # a vector on the left is a row: (n,) -> (1, n) -> drop it
            return self.unsqueeze(0).matmul(other).squeeze(-2)
        if other.ndim == 1:  # a vector on the right is a column: (n,) -> (n, 1)
            return self.matmul(other.unsqueeze(-1)).squeeze(-1)
        return ops.arithmetic.MatMul.apply(self, other)

    mm = matmul

    # ------------------------------------------------------------------ comparisons
    def _compare(self, numpy_op, other) -> Tensor:
        other = self._operand(other)
        return Tensor(numpy_op(self._data, other._data))  # no gradient: piecewise constant

    def __eq__(self, other):
        """Element-wise ==, a bool Tensor (no gradient)."""
        return self._compare(np.equal, other)

    def __ne__(self, other):
        """Element-wise !=, a bool Tensor (no gradient)."""
        return self._compare(np.not_equal, other)

    def __lt__(self, other):
        """Element-wise <, a bool Tensor (no gradient)."""
        return self._compare(np.less, other)

    def __le__(self, other):
        """Element-wise <=, a bool Tensor (no gradient)."""
        return self._compare(np.less_equal, other)

    def __gt__(self, other):
        """Element-wise >, a bool Tensor (no gradient)."""
        return self._compare(np.greater, other)

    def __ge__(self, other):
        """Element-wise >=, a bool Tensor (no gradient)."""
        return self._compare(np.greater_equal, other)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __invert__(self):
        return Tensor(np.invert(self._data))

    def __and__(self, other):
        return self._compare(np.logical_and if self.dtype == np.bool_ else np.bitwise_and,
                             other)

    def __or__(self, other):
        return self._compare(np.logical_or if self.dtype == np.bool_ else np.bitwise_or,
                             other)

    def any(self, dim=None, keepdim: bool = False) -> Tensor:
        """True where any element (over ``dim``; all of them when None) is non-zero."""
        if dim is None:
            return Tensor(np.asarray(self._data.any()))
        dims = ops.reduction.normalize_dims(dim, self.ndim)
        return Tensor(np.asarray(self._data.any(axis=dims, keepdims=keepdim)))

    def all(self, dim=None, keepdim: bool = False) -> Tensor:
        """True where every element (over ``dim``; all of them when None) is non-zero."""
        if dim is None:
            return Tensor(np.asarray(self._data.all()))
        dims = ops.reduction.normalize_dims(dim, self.ndim)
        return Tensor(np.asarray(self._data.all(axis=dims, keepdims=keepdim)))

    def logical_and(self, other) -> Tensor:
        """Element-wise ``self and other`` (non-zero is True), a bool Tensor."""
        return self._compare(np.logical_and, other)

    def logical_or(self, other) -> Tensor:
        """Element-wise ``self or other``, a bool Tensor."""
        return self._compare(np.logical_or, other)

    def logical_xor(self, other) -> Tensor:
        """Element-wise exclusive or, a bool Tensor."""
        return self._compare(np.logical_xor, other)

    def logical_not(self) -> Tensor:
        """Element-wise ``not self``, a bool Tensor."""
        return Tensor(np.logical_not(self._data))

    def isinf(self) -> Tensor:
        """True where the value is +inf or -inf."""
        return Tensor(np.isinf(self._data))

    def isposinf(self) -> Tensor:
        """True where the value is +inf."""
        return Tensor(np.isposinf(self._data))

    def isneginf(self) -> Tensor:
        """True where the value is -inf."""
        return Tensor(np.isneginf(self._data))

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None,
                   neginf: float | None = None) -> Tensor:
        """NaN, +inf and -inf replaced (by 0 and the largest / smallest finite value by
        default); the gradient is 1 where the value was finite, 0 where replaced."""
        replaced = np.nan_to_num(self._data, nan=nan, posinf=posinf, neginf=neginf)
        return self.where(Tensor(np.isfinite(self._data)), Tensor(replaced))

    def isin(self, test_elements, *, invert: bool = False) -> Tensor:
        """True where the value is one of ``test_elements``."""
        values = (test_elements._data if isinstance(test_elements, Tensor)
                  else np.asarray(test_elements))
        return Tensor(np.isin(self._data, values, invert=invert))

    # ------------------------------------------------------------------ element-wise
    def exp(self):
        """e^x element-wise."""
        return ops.elementwise.Exp.apply(self)

    def log(self):
        """Natural logarithm element-wise."""
        return ops.elementwise.Log.apply(self)

    def sqrt(self):
        """Square root element-wise."""
        return ops.elementwise.Sqrt.apply(self)

    def abs(self):
        """|x| element-wise (gradient sign(x), 0 at 0)."""
        return ops.elementwise.Abs.apply(self)

    def clamp(self, min=None, max=None):  # noqa: A002 (torch's argument names)
        """Limit the values to [min, max]; the gradient passes inside (bounds included).

        ``min`` / ``max`` may be Tensors (broadcast): the result then takes the bound's
        value, and its gradient, where x is outside.
        """
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            result = self
            if min is not None:
                low = self._operand(min)
                result = result.where(result >= low, low)  # ties keep x, as torch
            if max is not None:
                high = self._operand(max)
                result = result.where(result <= high, high)
            return result
        return ops.elementwise.Clamp.apply(self, min, max)

    clip = clamp

    def maximum(self, other):
        """Limit the values to [min, max]; the gradient passes inside (bounds included)."""
        return ops.elementwise.Maximum.apply(self, self._operand(other))

    def minimum(self, other):
        """Element-wise minimum with ``other`` (ties share the gradient)."""
        return ops.elementwise.Minimum.apply(self, self._operand(other))

    def where(self, condition, other):
        """``self`` where ``condition`` holds, else ``other`` (torch's Tensor.where)."""
        return ops.elementwise.Where.apply(condition, self, self._operand(other))

    def sign(self):
        """-1, 0 or 1 element-wise, 0 for NaN as torch (no gradient: piecewise constant)."""
        signs = np.sign(self._data)
        if signs.dtype.kind == "f":
            signs = np.nan_to_num(signs, nan=0.0, copy=False)
        return Tensor(signs)

    def square(self):
        """x * x."""
        return self * self

    def masked_fill(self, mask, value):
        """``value`` where ``mask`` holds, self elsewhere (the gradient flows elsewhere)."""
        mask = mask if isinstance(mask, Tensor) else Tensor(np.asarray(mask))
        return self._operand(value).expand(self.shape).where(mask, self)

    def isnan(self) -> Tensor:
        """True where the value is NaN (a bool Tensor)."""
        return Tensor(np.isnan(self._data))

    def isfinite(self) -> Tensor:
        """True where the value is finite (a bool Tensor)."""
        return Tensor(np.isfinite(self._data))

    def norm(self, p="fro", dim=None, keepdim: bool = False, dtype=None):
        """The p-norm (sum |x|^p)^(1/p) over ``dim`` (all elements by default); "fro"
        (the default) is the 2-norm. The gradient is 0 where the 2-norm is 0, as in
        torch (see :mod:`glassbox.autograd.ops.norms`).

        Examples
        --------
        >>> import glassbox as gb
        >>> x = gb.tensor([[3., 4.], [0., 0.]], requires_grad=True)
        >>> x.norm(dim=1).sum().backward()
        >>> x.grad                      # x / ||x||, and 0 for the zero row
        tensor([[0.6, 0.8],
                [0. , 0. ]])
        """
        if p == "fro" or p is None:
            p = 2
        if isinstance(p, str):
            raise RuntimeError(f"norm(): p={p!r} is not supported by Tensor.norm; use "
                               f"glassbox.linalg.matrix_norm(x, {p!r}) for matrix norms")
        source = self if dtype is None else self.to(dtype)
        if source.dtype.kind != "f":
            raise RuntimeError(f"norm(): input dtype should be either floating point or "
                               f"complex. Got {inplace.torch_dtype_name(source.dtype)} instead.")
        dims = ops.reduction.normalize_dims(dim, source.ndim)
        return ops.norms.VectorNorm.apply(source, float(p), dims, keepdim)

    def relu(self):
        """max(x, 0) element-wise."""
        return ops.activation.ReLU.apply(self)

    def sigmoid(self):
        """1 / (1 + e^-x) element-wise."""
        return ops.activation.Sigmoid.apply(self)

    def tanh(self):
        """Hyperbolic tangent element-wise."""
        return ops.activation.Tanh.apply(self)

    def softmax(self, dim: int):
        """e^x / sum(e^x) along ``dim`` (computed stably)."""
        return ops.activation.Softmax.apply(self, dim)

    def log_softmax(self, dim: int):
        """x - logsumexp(x) along ``dim`` (computed stably)."""
        return ops.activation.LogSoftmax.apply(self, dim)

    def tril(self, diagonal: int = 0):
        """The lower triangle of the last two dimensions (zeros above ``diagonal``)."""
        rows, columns = self.shape[-2:]
        mask = Tensor(np.tri(rows, columns, diagonal, dtype=np.bool_))
        return self.where(mask, self.new_zeros(()))

    def triu(self, diagonal: int = 0):
        """The upper triangle of the last two dimensions (zeros below ``diagonal``)."""
        rows, columns = self.shape[-2:]
        mask = Tensor(~np.tri(rows, columns, diagonal - 1, dtype=np.bool_))
        return self.where(mask, self.new_zeros(()))

    def cumsum(self, dim: int, dtype=None):
        """Running sums along ``dim``."""
        result = ops.selection.Cumsum.apply(self, dim)
        return result if dtype is None else result.to(dtype)

    def cumprod(self, dim: int, *, dtype=None):
        """Running products along ``dim``; the gradient is right with zeros too (see
        :mod:`glassbox.autograd.ops.products`).

        Examples
        --------
        >>> import glassbox as gb
        >>> x = gb.tensor([2., 0., 3.], requires_grad=True)
        >>> x.cumprod(0).sum().backward()
        >>> x.grad                      # d(x0 + x0 x1 + x0 x1 x2)/dx
        tensor([1., 8., 0.])
        """
        source = self if dtype is None else self.to(dtype)
        dim = ops.reduction.normalize_dims(dim, source.ndim)[0] if source.ndim else 0
        if source.ndim == 0:
            return ops.products.Cumprod.apply(source.reshape(1), 0).reshape(())
        return ops.products.Cumprod.apply(source, dim)

    def prod(self, dim=None, keepdim: bool = False, *, dtype=None):
        """The product of the elements over ``dim`` (an int; every element when None).

        The gradient of each factor is the product of the others, computed without
        division so that zeros are handled as torch does (see
        :mod:`glassbox.autograd.ops.products`).

        Examples
        --------
        >>> import glassbox as gb
        >>> x = gb.tensor([2., 0., 3.], requires_grad=True)
        >>> x.prod().backward()
        >>> x.grad                      # the product of the others: only x1's is non-zero
        tensor([0., 6., 0.])
        """
        if dim is not None and not isinstance(dim, (int, np.integer)):
            raise TypeError(f"prod(): argument 'dim' must be an int (one dimension), "
                            f"received {dim!r}; for several dimensions, call prod once "
                            f"per dimension.")
        source = self if dtype is None else self.to(dtype)
        if dim is not None:
            dim = ops.reduction.normalize_dims(dim, source.ndim)[0] if source.ndim else None
        return ops.products.Prod.apply(source, dim, keepdim if dim is not None else False)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1):
        """The ``offset`` diagonal of dims (dim1, dim2), as the last dimension.

        Examples
        --------
        >>> import glassbox as gb
        >>> gb.arange(9.0).reshape(3, 3).diagonal(1)
        tensor([1., 5.])
        """
        dim1, dim2 = (ops.reduction.normalize_dims(d, self.ndim)[0] for d in (dim1, dim2))
        if dim1 == dim2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        return ops.diagonal.Diagonal.apply(self, int(offset), dim1, dim2)

    def diag(self, diagonal: int = 0):
        """1-D: a square matrix with this vector on its ``diagonal`` (0 elsewhere);
        2-D: the ``diagonal`` of the matrix, a vector.

        Examples
        --------
        >>> import glassbox as gb
        >>> gb.tensor([1., 2.]).diag()
        tensor([[1., 0.],
                [0., 2.]])
        >>> gb.tensor([[1., 2.], [3., 4.]]).diag()
        tensor([1., 4.])
        """
        if self.ndim == 1:
            return self.diag_embed(diagonal, 0, 1)
        if self.ndim == 2:
            return self.diagonal(diagonal, 0, 1)
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")

    # NOTE: the linear-algebra methods call glassbox.linalg (built on autograd), imported
    # on first use, as torch's Tensor.det calls torch.linalg.det
    def det(self):
        """The determinant of each matrix: :func:`glassbox.linalg.det`.

        Examples
        --------
        >>> import glassbox as gb
        >>> gb.tensor([[1., 2.], [3., 4.]]).det()
        tensor(-2.)
        """
        from glassbox import linalg

        return linalg.det(self)

    def inverse(self):
        """The inverse of each matrix: :func:`glassbox.linalg.inv`.

        Examples
        --------
        >>> import glassbox as gb
        >>> gb.tensor([[2., 0.], [0., 4.]]).inverse()
        tensor([[0.5 , 0.  ],
                [0.  , 0.25]])
        """
        from glassbox import linalg

        return linalg.inv(self)

    def slogdet(self):
        """(sign, log|det|) of each matrix: :func:`glassbox.linalg.slogdet`."""
        from glassbox import linalg

        return linalg.slogdet(self)

    def logdet(self):
        """log(det) of each matrix: NaN where det < 0, -inf where det = 0 (torch.logdet).

        Examples
        --------
        >>> import glassbox as gb
        >>> gb.tensor([[2., 0.], [0., 3.]], dtype=gb.float64).logdet()
        tensor(1.7918, dtype=glassbox.float64)
        """
        from glassbox import linalg

        sign, log_abs = linalg.slogdet(self)
        return log_abs.where(sign >= 0, float("nan"))

    def pinverse(self, rcond: float = 1e-15):
        """The pseudo-inverse of each matrix: :func:`glassbox.linalg.pinv` with
        ``rtol=rcond`` (torch.pinverse)."""
        from glassbox import linalg

        return linalg.pinv(self, rtol=rcond)

    def trace(self):
        """The sum of the main diagonal of a matrix (its gradient: the identity times
        the upstream gradient).

        Examples
        --------
        >>> import glassbox as gb
        >>> gb.arange(6.0).reshape(2, 3).trace()
        tensor(4.)
        """
        if self.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
        return self.diagonal().sum()

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1):
        """The last dimension written on the ``offset`` diagonal of two new dimensions
        (dim1, dim2), zeros elsewhere: one more dimension than self.

        Examples
        --------
        >>> import glassbox as gb
        >>> gb.tensor([[1., 2.], [3., 4.]]).diag_embed().shape   # a batch of 2 matrices
        glassbox.Size([2, 2, 2])
        """
        ndim = self.ndim + 1
        dim1, dim2 = (ops.reduction.normalize_dims(d, ndim)[0] for d in (dim1, dim2))
        if dim1 == dim2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        size = self.shape[-1] + abs(int(offset))  # the matrix side
        rest = iter(self.shape[:-1])
        shape = tuple(size if axis in (dim1, dim2) else next(rest) for axis in range(ndim))
        return ops.diagonal.DiagonalScatter.apply(self, shape, int(offset), dim1, dim2)

    def roll(self, shifts, dims=None):
        """Entries shifted by ``shifts`` along ``dims`` (wrapping around); with ``dims``
        None, over the flattened Tensor (then reshaped back).

        Examples
        --------
        >>> import glassbox as gb
        >>> gb.tensor([1, 2, 3, 4]).roll(1)
        tensor([4, 1, 2, 3])
        """
        shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
        if dims is None:
            if len(shifts) != 1:
                raise RuntimeError(f"shifts and dimensions must align. shifts: "
                                   f"{len(shifts)}, dims:0")
            return ops.selection.Roll.apply(self, shifts, None)
        dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
        if len(shifts) != len(dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:{len(dims)}")
        dims = tuple(ops.reduction.normalize_dims(d, self.ndim)[0] for d in dims)
        return ops.selection.Roll.apply(self, shifts, dims)

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        """Each entry repeated ``repeats`` times (an int, or one count per entry) along
        ``dim`` (the flattened Tensor when None): [a, b] -> [a, a, b, b].

        Examples
        --------
        >>> import glassbox as gb
        >>> gb.tensor([1, 2]).repeat_interleave(2)
        tensor([1, 1, 2, 2])
        """
        source = self.reshape(-1) if dim is None else self
        dim = 0 if dim is None else ops.reduction.normalize_dims(dim, source.ndim)[0]
        counts = repeats._data if isinstance(repeats, Tensor) else np.asarray(repeats)
        size = source.shape[dim]
        if counts.ndim == 1 and counts.size not in (1, size):
            raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {counts.size} and input.size({dim}) = "
                               f"{size}")
        if (counts < 0).any():
            raise RuntimeError("repeats can not be negative")
        # the source position of every output entry: [0, 0, 1, 1, ...]
        positions = np.repeat(np.arange(size), counts.reshape(-1) if counts.ndim else counts)
        return source.index_select(dim, positions)

    def median(self, dim=None, keepdim: bool = False):
        """The median (lower middle) of all elements, or (values, indices) along ``dim``;
        see :mod:`glassbox.autograd.ops.order_statistics`."""
        return ops.order_statistics.median(self, dim, keepdim)

    # torch's rearranging and summarising methods, written in ops.rearrange and
    # ops.summaries from the basic Functions
    def swapdims(self, dim0: int, dim1: int):
        """Same as :meth:`transpose`."""
        return self.transpose(dim0, dim1)

    def fliplr(self):
        """The columns in reverse order (dimension 1)."""
        return self.flip(1)

    def flipud(self):
        """The rows in reverse order (dimension 0)."""
        return self.flip(0)

    def broadcast_to(self, size):
        """A broadcast view of shape ``size`` (as :meth:`expand`)."""
        return self.expand(*_shape_argument((size,)))

    def absolute(self):
        """Same as :meth:`abs`."""
        return self.abs()

    def negative(self):
        """Same as :meth:`neg`."""
        return -self

    def positive(self):
        """self (torch.positive)."""
        return self

    def sgn(self):
        """The sign of each value (real Tensors: as :meth:`sign`)."""
        return self.sign()

    def movedim(self, source, destination):
        """Dimension(s) ``source`` moved to ``destination`` (the others keep their order)."""
        return ops.rearrange.movedim(self, source, destination)

    moveaxis = movedim

    def tile(self, *dims):
        """Repeated ``dims[i]`` times along each dimension (missing dims count as 1)."""
        return ops.rearrange.tile(self, _shape_argument(dims))

    def select(self, dim: int, index: int):
        """The slice at ``index`` along ``dim``, that dimension removed."""
        return ops.rearrange.select(self, dim, index)

    def unflatten(self, dim: int, sizes):
        """Dimension ``dim`` split into ``sizes``."""
        return ops.rearrange.unflatten(self, dim, sizes)

    def ravel(self):
        """The values as one dimension."""
        return self.reshape(-1)

    def take_along_dim(self, indices, dim=None):
        """Entries picked at ``indices`` along ``dim`` (np.take_along_axis)."""
        return ops.rearrange.take_along_dim(self, indices, dim)

    def masked_select(self, mask):
        """The entries where ``mask`` holds, as a 1-D Tensor."""
        return ops.rearrange.masked_select(self, mask)

    def diff(self, n: int = 1, dim: int = -1, prepend=None, append=None):
        """The n-th forward difference x[i + 1] - x[i] along ``dim``."""
        return ops.rearrange.diff(self, n, dim, prepend, append)

    def logcumsumexp(self, dim: int):
        """log(cumsum(exp(x))) along ``dim``, computed stably."""
        dim = ops.reduction.normalize_dims(dim, self.ndim)[0] if self.ndim else 0
        if self.ndim == 0:
            return self.clone()
        return ops.selection.LogCumSumExp.apply(self, dim)

    def mode(self, dim: int = -1, keepdim: bool = False):
        """(values, indices) of the most frequent value along ``dim`` (the smallest among
        ties; the index of its last occurrence, as torch)."""
        return ops.order_statistics.mode(self, dim, keepdim)

    def _along(self, dim: int, index) -> tuple:
        """The NumPy index of positions ``index`` along ``dim`` (all of every other dim)."""
        positions = index._data if isinstance(index, Tensor) else np.asarray(index)
        return (slice(None),) * (dim % max(self.ndim, 1)) + (positions.reshape(-1),)

    def index_add(self, dim: int, index, source, *, alpha=1):
        """A copy with ``alpha * source`` added at positions ``index`` along ``dim``
        (repeated positions add up)."""
        source = self._operand(source)
        added = ops.indexing.IndexAdd.apply(source * alpha if alpha != 1 else source,
                                            self.shape, self._along(dim, index))
        return self + added

    def index_copy(self, dim: int, index, source):
        """A copy with ``source`` written at positions ``index`` along ``dim``."""
        return ops.indexing.SetItem.apply(self, self._operand(source), self._along(dim, index))

    def index_fill(self, dim: int, index, value):
        """A copy with ``value`` at positions ``index`` along ``dim``."""
        mask = np.zeros(self.shape, dtype=np.bool_)
        mask[self._along(dim, index)] = True
        return self.masked_fill(Tensor(mask), value)

    def index_add_(self, dim: int, index, source, *, alpha=1):
        """:meth:`index_add` in place; returns self."""
        return inplace.apply_inplace(self, "index_add_", lambda x, s: x.index_add(
            dim, index, s, alpha=alpha), self._operand(source))

    def index_copy_(self, dim: int, index, source):
        """:meth:`index_copy` in place; returns self."""
        return inplace.apply_inplace(self, "index_copy_", lambda x, s: x.index_copy(
            dim, index, s), self._operand(source), arithmetic=False)

    def index_fill_(self, dim: int, index, value):
        """:meth:`index_fill` in place; returns self."""
        return inplace.apply_inplace(self, "index_fill_", lambda x: x.index_fill(
            dim, index, value), arithmetic=False)

    def tensor_split(self, indices_or_sections, dim: int = 0):
        """Pieces along ``dim``: ``n`` sections of sizes differing by at most one (the
        first ones larger), or the pieces between the given indices (np.array_split)."""
        size = self.shape[dim]
        if isinstance(indices_or_sections, (int, np.integer)):
            sections = int(indices_or_sections)
            if sections <= 0:
                raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
            sizes = [size // sections + (1 if i < size % sections else 0)
                     for i in range(sections)]
            bounds = np.concatenate([[0], np.cumsum(sizes)])
        else:
            points = (indices_or_sections.tolist() if isinstance(indices_or_sections, Tensor)
                      else list(indices_or_sections))
            bounds = [0, *points, size]
        pieces = []
        for start, stop in zip(bounds[:-1], bounds[1:]):
            start, stop = min(int(start), size), min(max(int(stop), int(start)), size)
            pieces.append(self.narrow(dim, start, max(stop - start, 0)))
        return tuple(pieces)

    def _split_evenly(self, sections, dim: int, name: str):
        if isinstance(sections, (int, np.integer)) and self.shape[dim] % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but "
                               f"the size of the dimension {self.shape[dim]} is not divisible "
                               f"by the split_size {sections}!")
        return self.tensor_split(sections, dim)

    def hsplit(self, sections):
        """Split along dimension 1 (0 for 1-D), evenly for an int."""
        return self._split_evenly(sections, 1 if self.ndim > 1 else 0, "hsplit")

    def vsplit(self, sections):
        """Split along dimension 0, evenly for an int."""
        return self._split_evenly(sections, 0, "vsplit")

    def dsplit(self, sections):
        """Split along dimension 2, evenly for an int."""
        return self._split_evenly(sections, 2, "dsplit")

    def histc(self, bins: int = 100, min: float = 0, max: float = 0):  # noqa: A002
        """Counts of the values in ``bins`` equal bins over [min, max] (the data's range
        when min == max); values outside are ignored."""
        return ops.counting.histc(self, bins, min, max)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False):
        """(values, indices) of the k-th smallest entry along ``dim``."""
        return ops.order_statistics.kthvalue(self, k, dim, keepdim)

    def quantile(self, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
        """The q-quantile(s) along ``dim`` (see :mod:`glassbox.autograd.ops.order_statistics`)."""
        return ops.order_statistics.quantile(self, q, dim, keepdim,
                                             interpolation=interpolation)

    def bincount(self, weights=None, minlength: int = 0):
        """Counts of each non-negative integer (or sums of ``weights``)."""
        return ops.counting.bincount(self, weights, minlength)

    def cross(self, other, dim=None):
        """The cross product of 3-vectors along ``dim`` (see :func:`glassbox.cross`)."""
        from glassbox.autograd.functions import cross

        return cross(self, other, dim)

    def count_nonzero(self, dim=None):
        """How many entries are not 0 (int64)."""
        return ops.summaries.count_nonzero(self, dim)

    def nansum(self, dim=None, keepdim: bool = False):
        """The sum, NaN entries counted as 0."""
        return ops.summaries.nansum(self, dim, keepdim)

    def nanmean(self, dim=None, keepdim: bool = False):
        """The mean of the entries that are not NaN."""
        return ops.summaries.nanmean(self, dim, keepdim)

    def cummax(self, dim: int):
        """(values, indices) of the running maximum along ``dim``."""
        return ops.summaries.cummax(self, dim)

    def cummin(self, dim: int):
        """(values, indices) of the running minimum along ``dim``."""
        return ops.summaries.cummin(self, dim)

    def cov(self, *, correction: int = 1, fweights=None, aweights=None):
        """The covariance matrix of the rows (variables) over the columns (observations)."""
        return ops.summaries.cov(self, correction=correction, fweights=fweights,
                                 aweights=aweights)

    def corrcoef(self):
        """Pearson correlation coefficients between the rows."""
        return ops.summaries.corrcoef(self)

    def isclose(self, other, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> Tensor:
        """|self - other| <= atol + rtol |other| element-wise (a bool Tensor)."""
        other = self._operand(other)
        return Tensor(np.isclose(self._data, other._data, rtol, atol, equal_nan))

    def equal(self, other) -> bool:
        """True when ``other`` has the same shape and the same values."""
        return self.shape == other.shape and bool(np.array_equal(self._data, other._data))

    def is_floating_point(self) -> bool:
        """True for float dtypes."""
        return self.dtype.kind == "f"

    def flip(self, *dims):
        """The order of the dimensions ``dims`` reversed."""
        return ops.selection.Flip.apply(self, _shape_argument(dims))

    def gather(self, dim: int, index):
        """out[i][j] = self[i][index[i][j]] (for dim=1); the gradient is scattered back."""
        return ops.selection.gather(self, dim, index)

    def scatter(self, dim: int, index, src=None, value=None):
        """A copy with self[i][index[i][j]] = src[i][j] (for dim=1)."""
        return ops.selection.scatter(self, dim, index, value if src is None else src)

    def scatter_add(self, dim: int, index, src):
        """A copy with src[i][j] added at self[i][index[i][j]] (for dim=1)."""
        return ops.selection.scatter_add(self, dim, index, src)

    def scatter_(self, dim: int, index, src=None, value=None):
        """:meth:`scatter` in place; returns self."""
        return inplace.apply_inplace(self, "scatter_", lambda x: x.scatter(
            dim, index, src, value), arithmetic=False)

    def scatter_add_(self, dim: int, index, src):
        """:meth:`scatter_add` in place; returns self."""
        return inplace.apply_inplace(self, "scatter_add_", lambda x, s: x.scatter_add(
            dim, index, s), self._operand(src))

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        """(values, indices) sorted along ``dim``."""
        return ops.selection.sort(self, dim, descending)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False):
        """The indices that sort ``dim``."""
        return self.sort(dim, descending).indices

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
        """(values, indices) of the ``k`` largest (smallest) entries along ``dim``."""
        return ops.selection.topk(self, k, dim, largest, sorted)

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator=None):
        """Indices drawn from the rows of these non-negative weights."""
        return ops.selection.multinomial(self, num_samples, replacement, generator)

    def split(self, split_size, dim: int = 0):
        """Pieces of ``split_size`` along ``dim`` (or of the sizes in a list)."""
        size = self.shape[dim]
        sizes = (list(split_size) if isinstance(split_size, (list, tuple))
                 else [split_size] * (size // split_size) + (
                     [size % split_size] if size % split_size else []))
        pieces, start = [], 0
        prefix = (slice(None),) * (dim % self.ndim)
        for length in sizes:
            pieces.append(self[prefix + (slice(start, start + length),)])
            start += length
        return tuple(pieces)

    def chunk(self, chunks: int, dim: int = 0):
        """``chunks`` pieces (the last may be smaller) along ``dim``."""
        return self.split(-(-self.shape[dim] // chunks), dim)

    def repeat(self, *sizes):
        """The Tensor tiled ``sizes[i]`` times along each dimension (torch's ``repeat``)."""
        sizes = _shape_argument(sizes)
        if len(sizes) < self.ndim:
            raise RuntimeError(f"Number of dimensions of repeat dims ({len(sizes)}) can not be "
                               f"smaller than number of dimensions of tensor ({self.ndim})")
        shape = (1,) * (len(sizes) - self.ndim) + self.shape
        # (1, s0, 1, s1, ...) broadcast to (r0, s0, r1, s1, ...), then merged pairwise
        spread = self.reshape(tuple(v for size in shape for v in (1, size)))
        tiled = spread.expand(tuple(v for r, size in zip(sizes, shape) for v in (r, size)))
        return tiled.reshape(tuple(r * size for r, size in zip(sizes, shape)))

    def index_select(self, dim: int, index):
        """The entries at positions ``index`` (1-D) along ``dim``."""
        positions = index._data if isinstance(index, Tensor) else np.asarray(index)
        return self[(slice(None),) * (dim % self.ndim) + (positions,)]

    def narrow(self, dim: int, start: int, length: int):
        """``length`` entries from ``start`` along ``dim`` (a view)."""
        return self[(slice(None),) * (dim % self.ndim) + (slice(start, start + length),)]

    def unbind(self, dim: int = 0):
        """The slices along ``dim``, as a tuple."""
        return tuple(self[(slice(None),) * (dim % self.ndim) + (i,)]
                     for i in range(self.shape[dim]))

    def nonzero(self, *, as_tuple: bool = False):
        """Indices of the non-zero entries: an (n, ndim) int64 Tensor (or one per dim)."""
        if as_tuple:
            return tuple(Tensor(axis.astype(np.int64)) for axis in np.nonzero(self._data))
        return Tensor(np.argwhere(self._data).astype(np.int64))

    def unique(self, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
               return_counts: bool = False, dim=None):
        """The distinct values (sorted), optionally with inverse indices and counts."""
        values, inverse, counts = np.unique(self._data, return_inverse=True,
                                            return_counts=True)
        result = [Tensor(values)]
        if return_inverse:
            result.append(Tensor(inverse.reshape(self.shape).astype(np.int64)))
        if return_counts:
            result.append(Tensor(counts.astype(np.int64)))
        return result[0] if len(result) == 1 else tuple(result)

    def lerp(self, end, weight):
        """self + weight * (end - self)."""
        return self + (self._operand(end) - self) * weight

    def amin(self, dim=None, keepdim: bool = False):
        """The smallest value over ``dim`` (values only)."""
        return self.min(dim, keepdim).values if dim is not None else self.min()

    def dot(self, other):
        """The dot product of two 1-D Tensors."""
        return self.matmul(other)

    mv = bmm = dot

    def type(self, dtype=None):
        """The type name (``'torch.FloatTensor'``) or, given a dtype, a copy of that dtype."""
        if dtype is None:
            names = {"float32": "Float", "float64": "Double", "float16": "Half",
                     "int64": "Long", "int32": "Int", "bool": "Bool", "uint8": "Byte"}
            return f"torch.{names.get(self.dtype.name, self.dtype.name)}Tensor"
        return self.to(dtype)

    def half(self):
        """A float16 copy."""
        return self.to(np.float16)

    def new_full(self, size, fill_value, dtype=None):
        """``fill_value`` in shape ``size`` with this Tensor's dtype."""
        return Tensor(np.full(_shape_argument((size,)), fill_value, dtype=dtype or self.dtype))

    def new_empty(self, size, dtype=None):
        """An uninitialised (here: zero) Tensor of shape ``size``, this dtype."""
        return self.new_zeros(_shape_argument((size,)), dtype)

    def ndimension(self) -> int:
        """The number of dimensions."""
        return self.ndim

    def is_contiguous(self) -> bool:
        """True: glassbox operations accept any memory layout."""
        return True

    def swapaxes(self, dim0: int, dim1: int):
        """Same as :meth:`transpose`."""
        return self.transpose(dim0, dim1)

    def logsumexp(self, dim, keepdim: bool = False):
        """log(sum(exp(x))) along ``dim``, computed stably."""
        shift = Tensor(self._data.max(axis=dim, keepdims=True))  # a constant: no gradient
        result = (self - shift).exp().sum(dim, keepdim=True).log() + shift
        return result if keepdim else result.squeeze(dim)

    # ------------------------------------------------------------------ reductions
    def sum(self, dim=None, keepdim: bool = False, *, dtype=None):
        """The sum over ``dim`` (an int, a tuple, or None for all elements); ``dtype``
        casts the values first (torch's keyword)."""
        if dtype is not None:
            return self.to(dtype).sum(dim, keepdim)
        return ops.reduction.Sum.apply(self, dim, keepdim)

    def mean(self, dim=None, keepdim: bool = False, *, dtype=None):
        """The mean over ``dim`` (an int, a tuple, or None for all elements); ``dtype``
        casts the values first."""
        if dtype is not None:
            return self.to(dtype).mean(dim, keepdim)
        if self.dtype.kind != "f":
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be "
                               f"floating point, received {self.dtype}; use x.float().mean()")
        dims = ops.reduction.normalize_dims(dim, self.ndim)
        count = int(np.prod([self.shape[d] for d in dims]))
        return self.sum(dim, keepdim) * (1.0 / count if count else float("nan"))

    def var(self, dim=None, unbiased: bool | None = None, keepdim: bool = False, *,
            correction: int | None = None):
        """Variance: sum((x - mean)^2) / (n - correction); correction=1 (unbiased) default."""
        if correction is None:
            correction = 0 if unbiased is False else 1
        dims = ops.reduction.normalize_dims(dim, self.ndim)
        count = int(np.prod([self.shape[d] for d in dims]))
        centered = self - self.mean(dims, keepdim=True)
        divisor = max(count - correction, 0)
        return (centered * centered).sum(dims, keepdim) * (
            1.0 / divisor if divisor else float("inf"))

    def std(self, dim=None, unbiased: bool | None = None, keepdim: bool = False, *,
            correction: int | None = None):
        """Standard deviation: sqrt of :meth:`var`."""
        variance = self.var(dim, unbiased, keepdim, correction=correction)
        # NOTE: torch defines the gradient of std as 0 where std == 0 (not inf)
        return ops.elementwise.Sqrt.apply(variance, True)

    def _max_min(self, dim, keepdim, is_max):
        if dim is None:
            return ops.reduction.MaxMin.apply(self, is_max)
        dim = ops.reduction.normalize_dims(dim, self.ndim)[0] if self.ndim else 0
        values = ops.reduction.MaxMinDim.apply(self, dim, keepdim, is_max)
        indices = self.argmax(dim, keepdim) if is_max else self.argmin(dim, keepdim)
        return ops.reduction.values_indices(values, indices)

    def max(self, dim=None, keepdim: bool = False):
        """The largest value; with ``dim``, the named tuple (values, indices)."""
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        return self._max_min(dim, keepdim, True)

    def min(self, dim=None, keepdim: bool = False):
        """The smallest value; with ``dim``, the named tuple (values, indices)."""
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        return self._max_min(dim, keepdim, False)

    def amax(self, dim=None, keepdim: bool = False):
        """The largest value over ``dim`` (values only)."""
        return self.max(dim, keepdim).values if dim is not None else self.max()

    def argmax(self, dim=None, keepdim: bool = False) -> Tensor:
        """Index of the largest value (over the flattened Tensor when dim is None)."""
        if dim is None:
            return Tensor(np.asarray(self._data.argmax(), dtype=np.int64))
        return Tensor(self._data.argmax(axis=dim, keepdims=keepdim).astype(np.int64))

    def argmin(self, dim=None, keepdim: bool = False) -> Tensor:
        """Index of the smallest value (over the flattened Tensor when dim is None)."""
        if dim is None:
            return Tensor(np.asarray(self._data.argmin(), dtype=np.int64))
        return Tensor(self._data.argmin(axis=dim, keepdims=keepdim).astype(np.int64))

    # ------------------------------------------------------------------ shape
    def reshape(self, *shape):
        """The same values in a new shape (one size may be -1)."""
        shape = _shape_argument(shape)
        if shape == self.shape:
            return self
        return ops.shape.Reshape.apply(self, shape)

    def view(self, *shape):
        """Same as :meth:`reshape` (NumPy decides whether it is a view)."""
        return self.reshape(*shape)

    def view_as(self, other: Tensor):
        """Reshaped to ``other``'s shape."""
        return self.reshape(other.shape)

    reshape_as = view_as

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        """Dimensions ``start_dim`` .. ``end_dim`` merged into one."""
        if self.ndim == 0:
            return self.reshape(1)
        start, end = start_dim % self.ndim, end_dim % self.ndim
        # (..., d_start * ... * d_end, ...)
        shape = self.shape[:start] + (int(np.prod(self.shape[start:end + 1])),) \
            + self.shape[end + 1:]
        return self.reshape(shape)

    def permute(self, *dims):
        """The dimensions reordered: output dimension i is input dimension ``dims[i]``."""
        dims = _shape_argument(dims)
        if len(dims) != self.ndim or sorted(d % max(self.ndim, 1) for d in dims) \
                != list(range(self.ndim)):
            raise RuntimeError(f"permute(): dims {dims} must be a permutation of the "
                               f"{self.ndim} dimensions of a Tensor of shape {self.shape}")
        return ops.shape.Permute.apply(self, tuple(d % self.ndim for d in dims))

    def transpose(self, dim0: int, dim1: int):
        """Dimensions ``dim0`` and ``dim1`` swapped."""
        dims = list(range(self.ndim))
        dims[dim0], dims[dim1] = dims[dim1], dims[dim0]
        return self.permute(*dims)

    def t(self):
        """The transpose of a matrix (at most 2 dimensions)."""
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                               f"{self.ndim}D")
        return self.T

    def unsqueeze(self, dim: int):
        """A new dimension of size 1 inserted at ``dim``."""
        dim = dim % (self.ndim + 1)
        return self.reshape(self.shape[:dim] + (1,) + self.shape[dim:])

    def squeeze(self, dim=None):
        """Dimensions of size 1 removed (only ``dim`` when given)."""
        if dim is None:
            return self.reshape(tuple(size for size in self.shape if size != 1))
        dims = ops.reduction.normalize_dims(dim, self.ndim)
        return self.reshape(tuple(size for axis, size in enumerate(self.shape)
                                  if not (axis in dims and size == 1)))

    def expand(self, *sizes):
        """A broadcast view to a larger shape (-1 keeps a size); gradients are summed back."""
        sizes = _shape_argument(sizes)
        # -1 keeps the existing size
        offset = len(sizes) - self.ndim
        shape = tuple(self.shape[i - offset] if size == -1 else size
                      for i, size in enumerate(sizes))
        if shape == self.shape:
            return self
        return ops.reduction.Expand.apply(self, shape)

    def expand_as(self, other: Tensor):
        """Broadcast to ``other``'s shape."""
        return self.expand(other.shape)

    # ------------------------------------------------------------------ indexing
    def __getitem__(self, index):
        index = ops.indexing.normalize_index(index)
        return ops.indexing.GetItem.apply(self, index)

    def __setitem__(self, index, value) -> None:
        index = ops.indexing.normalize_index(index)
        value_requires_grad = isinstance(value, Tensor) and value.requires_grad
        if grad_mode._grad_enabled and (self.requires_grad or value_requires_grad):
            # recorded: self becomes "a copy of the old self with [index] = value"
            inplace.apply_inplace(
                self, "__setitem__",
                lambda old, new: ops.indexing.SetItem.apply(old, new, index),
                self._operand(value), arithmetic=False)
            return
        if not self._data.flags.writeable:
            inplace.write(self, self._data)  # raises torch's error for expanded memory
        self._data[index] = value._data if isinstance(value, Tensor) else value
        self._bump_version()

    # ------------------------------------------------------------------ in place
    # Each one writes into this Tensor's memory and returns self; the rules (leaves,
    # version counters, recording) are in glassbox.autograd.inplace.
    def __iadd__(self, other):
        return inplace.apply_inplace(self, "add_", Tensor.__add__, self._operand(other),
                                     ufunc=np.add)

    def __isub__(self, other):
        return inplace.apply_inplace(self, "sub_", Tensor.__sub__, self._operand(other),
                                     ufunc=np.subtract)

    def __imul__(self, other):
        return inplace.apply_inplace(self, "mul_", Tensor.__mul__, self._operand(other),
                                     ufunc=np.multiply)

    def __itruediv__(self, other):
        return inplace.apply_inplace(self, "div_", Tensor.__truediv__, self._operand(other),
                                     ufunc=np.true_divide)

    def __ipow__(self, exponent):
        return inplace.apply_inplace(self, "pow_", Tensor.__pow__, exponent)

    def add_(self, other, alpha=1):
        """self += alpha * other in place; returns self."""
        if alpha == 1:
            return self.__iadd__(other)
        return inplace.apply_inplace(self, "add_", lambda x, y: x.add(y, alpha=alpha),
                                     self._operand(other))

    def sub_(self, other, alpha=1):
        """self -= alpha * other in place; returns self."""
        if alpha == 1:
            return self.__isub__(other)
        return inplace.apply_inplace(self, "sub_", lambda x, y: x.sub(y, alpha=alpha),
                                     self._operand(other))

    def mul_(self, other):
        """self *= other in place; returns self."""
        return self.__imul__(other)

    def div_(self, other):
        """self /= other in place; returns self."""
        return self.__itruediv__(other)

    def pow_(self, exponent):
        """self **= exponent in place; returns self."""
        return self.__ipow__(exponent)

    def addcmul_(self, tensor1, tensor2, value=1):
        """self += value * tensor1 * tensor2 in place; returns self."""
        return inplace.apply_inplace(self, "addcmul_", lambda x, a, b: x + a * b * value,
                                     self._operand(tensor1), self._operand(tensor2))

    def addcdiv_(self, tensor1, tensor2, value=1):
        """self += value * tensor1 / tensor2 in place; returns self."""
        return inplace.apply_inplace(self, "addcdiv_", lambda x, a, b: x + a / b * value,
                                     self._operand(tensor1), self._operand(tensor2))

    def lerp_(self, end, weight):
        """self += weight * (end - self) in place; returns self."""
        return inplace.apply_inplace(self, "lerp_", lambda x, e: x + (e - x) * weight,
                                     self._operand(end))

    def clamp_min(self, min):  # noqa: A002
        """Values below ``min`` raised to it."""
        return self.clamp(min=min)

    def clamp_max(self, max):  # noqa: A002
        """Values above ``max`` lowered to it."""
        return self.clamp(max=max)

    def clamp_(self, min=None, max=None):  # noqa: A002 (torch's argument names)
        """Clamp in place; returns self."""
        return inplace.apply_inplace(self, "clamp_", lambda x: x.clamp(min, max))

    clip_ = clamp_

    def clamp_min_(self, min):  # noqa: A002
        """Values below ``min`` raised to it, in place; returns self."""
        return self.clamp_(min=min)

    def clamp_max_(self, max):  # noqa: A002
        """Values above ``max`` lowered to it, in place; returns self."""
        return self.clamp_(max=max)

    def masked_fill_(self, mask, value):
        """``value`` where ``mask`` holds, in place; returns self."""
        return inplace.apply_inplace(self, "masked_fill_",
                                     lambda x: x.masked_fill(mask, value), arithmetic=False)

    def zero_(self):
        """Fill with 0 in place; returns self."""
        return self.fill_(0)

    def fill_(self, value):
        """Fill with ``value`` in place; returns self."""
        if not (grad_mode._grad_enabled and self.requires_grad):
            value = value._data if isinstance(value, Tensor) else value
            return inplace.write(self, np.asarray(value, dtype=self.dtype), arithmetic=False)
        nowhere = Tensor(np.zeros((), dtype=np.bool_))  # gradient 0 for the old values
        return inplace.apply_inplace(
            self, "fill_", lambda x: x.where(nowhere, self._operand(value).expand(x.shape)),
            arithmetic=False)

    def copy_(self, src, non_blocking: bool = False):
        """Copy ``src``'s values (broadcast, cast to this dtype) in place; returns self."""
        src = src if isinstance(src, Tensor) else Tensor(np.asarray(src))
        return inplace.apply_inplace(
            self, "copy_",
            lambda x, s: ops.elementwise.Cast.apply(s, x.dtype).expand(x.shape),
            src, arithmetic=False)

    def uniform_(self, a: float = 0.0, b: float = 1.0, generator=None):
        """Fill with draws from U(a, b) (from the global generator unless one is given)."""
        generator = generator or _random.default_generator()
        return inplace.apply_inplace(
            self, "uniform_", lambda x: Tensor(generator.uniform(a, b, x.shape)),
            arithmetic=False)

    def bernoulli(self, p: float | None = None, *, generator=None):
        """Draws of 0 or 1, 1 with probability self (or ``p``): :func:`glassbox.bernoulli`."""
        return ops.sampling.bernoulli(self, p, generator=generator)

    def bernoulli_(self, p=0.5, *, generator=None):
        """Fill with draws of 0 or 1, 1 with probability ``p`` (a number or a Tensor of
        probabilities, broadcast); returns self.

        Examples
        --------
        >>> import glassbox as gb
        >>> gb.zeros(3).bernoulli_(1.0)
        tensor([1., 1., 1.])
        """
        generator = generator or _random.default_generator()
        if isinstance(p, Tensor):
            probabilities = p.detach().expand(self.shape)
        else:
            probabilities = Tensor(np.full(self.shape, ops.sampling.check_probability(p)))
        return inplace.apply_inplace(
            self, "bernoulli_",
            lambda x: ops.sampling.bernoulli(probabilities, generator=generator).detach()
            .to(x.dtype), arithmetic=False)

    def normal_(self, mean: float = 0.0, std: float = 1.0, generator=None):
        """Fill with draws from N(mean, std^2) (from the global generator unless given)."""
        generator = generator or _random.default_generator()
        return inplace.apply_inplace(
            self, "normal_", lambda x: Tensor(generator.normal(mean, std, x.shape)),
            arithmetic=False)

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", precision=4, prefix="tensor(")
        extras = []
        if self.dtype not in (np.float32, np.int64, np.bool_):
            extras.append(f"dtype=glassbox.{self.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{self.grad_fn.name()}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"


class Size(tuple):
    """A shape: a tuple of ints that prints as torch's does, ``glassbox.Size([2, 3])``.

    ``x.shape`` and ``x.size()`` return one. As torch's, it is a tuple: equal to the
    plain tuple of the same ints, and slices, sums and repeats of it are Sizes too.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.zeros(2, 3).size()
    glassbox.Size([2, 3])
    >>> gb.zeros(2, 3).size() == (2, 3)
    True
    >>> gb.zeros(2, 3, 4).shape[1:]
    glassbox.Size([3, 4])
    """

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, times):
        return Size(tuple.__mul__(self, times))

    __rmul__ = __mul__

    def numel(self) -> int:
        """The number of elements of a Tensor of this shape."""
        return int(np.prod(self, dtype=np.int64))

    def __repr__(self) -> str:
        return f"glassbox.Size({list(self)})"


def _constructor_data(data, sizes: tuple) -> np.ndarray:
    """What ``torch.Tensor(...)`` makes of its arguments: two or more sizes give zeros of
    that shape (``Tensor(2, 3)``), Python sequences give the default float dtype
    (``Tensor([1, 2])`` is float32, as in torch); other data keeps glassbox's defaults.

    NOTE: a single number stays a 0-d value (``Tensor(3)``), where torch would read a
    size: glassbox's own code wraps NumPy scalars this way.
    """
    if sizes and all(type(size) is int for size in (data, *sizes)):
        return np.zeros((data, *sizes), dtype=dtypes.get_default_dtype())
    if sizes:
        raise TypeError(f"Tensor() takes data or sizes (ints); received {data!r} and "
                        f"{sizes!r}")
    if isinstance(data, (list, tuple)):
        return array_from(data, dtypes.get_default_dtype())
    return array_from(data)


def _unary_inplace(name: str):
    def method(self):
        return inplace.apply_inplace(self, f"{name}_", getattr(Tensor, name))

    method.__name__ = method.__qualname__ = f"{name}_"
    method.__doc__ = f"``self.{name}()`` written into self (in place); returns self."
    return method


def _view_of(base: Tensor, array: np.ndarray, share_version: bool = True,
             is_view: bool = True) -> Tensor:
    """A Tensor outside the graph holding ``array``, a view of ``base``'s memory."""
    view = Tensor(array)
    if share_version:
        view._counter = base._shared_counter()
    if is_view:
        view._base = base if base._base is None else base._base
    return view


def _shape_argument(shape: tuple) -> tuple[int, ...]:
    """Accept ``f(2, 3)`` as well as ``f((2, 3))`` like torch."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(size) for size in shape)


# NOTE: imported last because the ops modules import Tensor from this module.
from glassbox import _random  # noqa: E402
from glassbox.autograd import inplace, ops  # noqa: E402
from glassbox.autograd.ops import activation as _activation  # noqa: E402, F401
from glassbox.autograd.ops import arithmetic as _arithmetic  # noqa: E402, F401
from glassbox.autograd.ops import binary_math as _binary_math  # noqa: E402, F401
from glassbox.autograd.ops import counting as _counting  # noqa: E402, F401
from glassbox.autograd.ops import diagonal as _diagonal  # noqa: E402, F401
from glassbox.autograd.ops import elementwise as _elementwise  # noqa: E402, F401
from glassbox.autograd.ops import indexing as _indexing  # noqa: E402, F401
from glassbox.autograd.ops import join as _join  # noqa: E402, F401
from glassbox.autograd.ops import math as _math  # noqa: E402, F401
from glassbox.autograd.ops import norms as _norms  # noqa: E402, F401
from glassbox.autograd.ops import order_statistics as _order_statistics  # noqa: E402, F401
from glassbox.autograd.ops import products as _products  # noqa: E402, F401
from glassbox.autograd.ops import rearrange as _rearrange  # noqa: E402, F401
from glassbox.autograd.ops import reduction as _reduction  # noqa: E402, F401
from glassbox.autograd.ops import sampling as _sampling  # noqa: E402, F401
from glassbox.autograd.ops import selection as _selection  # noqa: E402, F401
from glassbox.autograd.ops import shape as _shape  # noqa: E402, F401
from glassbox.autograd.ops import special as _special  # noqa: E402, F401
from glassbox.autograd.ops import summaries as _summaries  # noqa: E402, F401


def _math_method(function: type):
    def method(self):
        return function.apply(self)

    method.__name__ = method.__qualname__ = function.__name__.lower()
    method.__doc__ = f"{function.__doc__} (see :mod:`glassbox.autograd.ops.math`)"
    return method


# sin, cos, tan, log1p, expm1, erf, floor, ... as methods (each a Function in ops.math),
# and lgamma, digamma, erfinv, exp2 (ops.special)
_MORE_UNARY = {**ops.math.UNARY, **ops.math.INVERSE_HYPERBOLIC, **ops.special.SPECIAL}
for _name, _function in _MORE_UNARY.items():
    setattr(Tensor, _name, _math_method(_function))
for _name in ("relu", "sigmoid", "tanh", "exp", "log", "sqrt", "abs", "neg", "square",
              *_MORE_UNARY):
    setattr(Tensor, f"{_name}_", _unary_inplace(_name))
# NumPy's names, which torch also accepts
for _alias, _name in {"arcsin": "asin", "arccos": "acos", "arctan": "atan",
                      "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh"}.items():
    setattr(Tensor, _alias, getattr(Tensor, _name))


def _polygamma(self, n: int) -> Tensor:
    """psi^(n)(self), the n-th derivative of digamma (:mod:`glassbox.autograd.ops.special`)."""
    return ops.special.polygamma(n, self)


def _logit(self, eps: float | None = None) -> Tensor:
    """log(p / (1 - p)), the inverse of sigmoid; with ``eps``, p is clamped to
    [eps, 1 - eps] first (the gradient is then 0 outside)."""
    p = self if eps is None else self.clamp(eps, 1 - eps)
    return (p / (1 - p)).log()  # d/dp = 1 / (p (1 - p))


Tensor.polygamma = _polygamma
Tensor.logit = _logit
