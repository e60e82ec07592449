"""torch-style free functions (``gb.exp(x)``, ``gb.sum(x, dim)``): each calls the method.

So that code written as ``torch.exp(x)`` runs as ``gb.exp(x)``.

Examples
--------
>>> import glassbox as gb
>>> gb.sum(gb.exp(gb.zeros(2, 3)), dim=1)
tensor([3., 3.])
"""

from __future__ import annotations

import builtins

from glassbox.autograd.ops import counting as _counting
from glassbox.autograd.ops import math as _math
from glassbox.autograd.ops import sampling as _sampling
from glassbox.autograd.ops import selection as _selection
from glassbox.autograd.ops import special as _special
from glassbox.autograd.ops import summaries as _summaries
from glassbox.autograd.ops.special import polygamma
from glassbox.autograd.tensor import Tensor

__all__ = ["abs", "argmax", "argmin", "clamp", "exp", "flatten", "log", "log_softmax",
           "matmul", "mean", "permute", "relu", "reshape", "sigmoid", "softmax", "sqrt",
           "squeeze", "std", "sum", "tanh", "transpose", "unsqueeze", "var", "pow", "sign",
           "square", "max", "min", "amax", "tril", "triu", "cumsum", "flip", "gather",
           "scatter", "scatter_add", "sort", "argsort", "topk", "multinomial", "split",
           "chunk", "logsumexp", "masked_fill", "norm", "clip", "neg", "numel", "mm", "bmm",
           "einsum", "allclose", "isnan", "isfinite", "t", "index_select", "narrow", "unbind",
           "nonzero", "unique", "lerp", "amin", "dot", "outer", "hstack", "vstack",
           "inference_mode", "diag", "diagonal", "diag_embed", "prod", "cumprod",
           "bernoulli", "meshgrid", "kron", "trace", "roll", "median",
           "repeat_interleave", "cdist", "logdet", "pinverse", "add", "sub",
           "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
           "remainder", "fmod", "atan2", "arctan2", "hypot", "logaddexp", "xlogy",
           "clamp_min", "clamp_max", "movedim", "moveaxis", "tile", "select", "unflatten",
           "ravel", "take_along_dim", "masked_select", "diff", "count_nonzero", "nansum",
           "nanmean", "cummax", "cummin", "isclose", "equal", "is_floating_point",
           "std_mean", "var_mean", "normal", "kthvalue", "quantile", "bincount",
           "searchsorted", "bucketize", "triu_indices", "tril_indices", "tensordot", "cross",
           "block_diag", "cartesian_prod",
           "polygamma", "logit", *_special.SPECIAL, *_math.UNARY, *_math.INVERSE_HYPERBOLIC,
           "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "any", "all",
           "logical_and", "logical_or", "logical_xor", "logical_not", "isinf", "isposinf",
           "isneginf", "nan_to_num", "isin", "eq", "ne", "lt", "le", "gt", "ge", "greater",
           "less", "greater_equal", "less_equal", "not_equal", "clone", "detach", "concat",
           "concatenate", "swapdims", "fliplr", "flipud", "broadcast_to", "broadcast_tensors",
           "broadcast_shapes", "absolute", "negative", "positive", "sgn", "atleast_1d",
           "atleast_2d", "atleast_3d", "dist", "inner", "fmax", "fmin", "logcumsumexp",
           "mode", "index_add", "index_copy", "index_fill", "tensor_split", "hsplit",
           "vsplit", "dsplit", "histc", "trapezoid", "trapz", "vander", "cov",
           "corrcoef"]


def _method(name: str):
    def function(input: Tensor, *args, **kwargs):  # noqa: A002 (torch's name)
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``input.{name}(...)`` as a function; see :meth:`Tensor.{name}`."
    return function


abs = _method("abs")  # noqa: A001
argmax = _method("argmax")
argmin = _method("argmin")
clamp = _method("clamp")
exp = _method("exp")
flatten = _method("flatten")
log = _method("log")
log_softmax = _method("log_softmax")
matmul = _method("matmul")
mean = _method("mean")
permute = _method("permute")
relu = _method("relu")
reshape = _method("reshape")
sigmoid = _method("sigmoid")
softmax = _method("softmax")
sqrt = _method("sqrt")
squeeze = _method("squeeze")
std = _method("std")
sum = _method("sum")  # noqa: A001
tanh = _method("tanh")
transpose = _method("transpose")
unsqueeze = _method("unsqueeze")
var = _method("var")
pow = _method("pow")  # noqa: A001
sign = _method("sign")
square = _method("square")
max = _method("max")  # noqa: A001
min = _method("min")  # noqa: A001
amax = _method("amax")
tril = _method("tril")
triu = _method("triu")
cumsum = _method("cumsum")
flip = _method("flip")
gather = _method("gather")
scatter = _method("scatter")
scatter_add = _method("scatter_add")
sort = _method("sort")
argsort = _method("argsort")
topk = _method("topk")
multinomial = _method("multinomial")
split = _method("split")
chunk = _method("chunk")
logsumexp = _method("logsumexp")
masked_fill = _method("masked_fill")
norm = _method("norm")
clip = _method("clamp")
neg = _method("neg")
numel = _method("numel")
mm = _method("matmul")
bmm = _method("matmul")
t = _method("t")
isnan = _method("isnan")
isfinite = _method("isfinite")
# sin, cos, tan, log1p, expm1, erf, floor, ... (the Functions of ops.math)
globals().update({name: _method(name) for name in _math.UNARY})
# asinh, acosh, atanh and NumPy's arc* names for the inverse functions
globals().update({name: _method(name) for name in _math.INVERSE_HYPERBOLIC})
arcsin, arccos, arctan = _method("asin"), _method("acos"), _method("atan")
arcsinh, arccosh, arctanh = _method("asinh"), _method("acosh"), _method("atanh")
# lgamma, digamma, erfinv, exp2 (ops.special)
globals().update({name: _method(name) for name in _special.SPECIAL})
logit = _method("logit")
# diagonals, arithmetic, rearranging, summaries, sampling
diag = _method("diag")
diagonal = _method("diagonal")
diag_embed = _method("diag_embed")
trace = _method("trace")
add = _method("add")
sub = subtract = _method("sub")
mul = multiply = _method("mul")
div = divide = true_divide = _method("div")
floor_divide = _method("floor_divide")
remainder = _method("remainder")
fmod = _method("fmod")
atan2 = arctan2 = _method("atan2")
hypot = _method("hypot")
logaddexp = _method("logaddexp")
xlogy = _method("xlogy")
clamp_min = _method("clamp_min")
clamp_max = _method("clamp_max")
movedim = moveaxis = _method("movedim")
tile = _method("tile")
select = _method("select")
unflatten = _method("unflatten")
ravel = _method("ravel")
take_along_dim = _method("take_along_dim")
masked_select = _method("masked_select")
diff = _method("diff")
count_nonzero = _method("count_nonzero")
nansum = _method("nansum")
nanmean = _method("nanmean")
cummax = _method("cummax")
cummin = _method("cummin")
isclose = _method("isclose")
equal = _method("equal")
is_floating_point = _method("is_floating_point")
normal = _sampling.normal
kthvalue = _method("kthvalue")
quantile = _method("quantile")
bincount = _method("bincount")
searchsorted = _counting.searchsorted
bucketize = _counting.bucketize
triu_indices = _counting.triu_indices
tril_indices = _counting.tril_indices
std_mean = _summaries.std_mean  # torch has these as functions only
var_mean = _summaries.var_mean
logdet = _method("logdet")
pinverse = _method("pinverse")
roll = _method("roll")
median = _method("median")
prod = _method("prod")
cumprod = _method("cumprod")
index_select = _method("index_select")
narrow = _method("narrow")
unbind = _method("unbind")
nonzero = _method("nonzero")
unique = _method("unique")
lerp = _method("lerp")
amin = _method("amin")
dot = _method("dot")
# logic, comparisons and special values
any = _method("any")  # noqa: A001
all = _method("all")  # noqa: A001
logical_and = _method("logical_and")
logical_or = _method("logical_or")
logical_xor = _method("logical_xor")
logical_not = _method("logical_not")
isinf = _method("isinf")
isposinf = _method("isposinf")
isneginf = _method("isneginf")
nan_to_num = _method("nan_to_num")
isin = _method("isin")
eq, ne, lt, le, gt, ge = (_method(name) for name in ("eq", "ne", "lt", "le", "gt", "ge"))
greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne
clone = _method("clone")
detach = _method("detach")
swapdims = _method("swapdims")
fliplr = _method("fliplr")
flipud = _method("flipud")
broadcast_to = _method("broadcast_to")
absolute = _method("absolute")
negative = _method("negative")
positive = _method("positive")
sgn = _method("sgn")
# running reductions, order statistics, indexing and splitting
logcumsumexp = _method("logcumsumexp")
mode = _method("mode")
index_add = _method("index_add")
index_copy = _method("index_copy")
index_fill = _method("index_fill")
tensor_split = _method("tensor_split")
hsplit = _method("hsplit")
vsplit = _method("vsplit")
dsplit = _method("dsplit")
histc = _method("histc")
cov = _method("cov")
corrcoef = _method("corrcoef")


def einsum(equation: str, *operands) -> Tensor:
    """Sums of products named by subscripts, ``torch.einsum`` (and NumPy's).

    Examples
    --------
    >>> import glassbox as gb
    >>> a, b = gb.ones(2, 3), gb.ones(3, 4)
    >>> einsum("ij,jk->ik", a, b).shape
    glassbox.Size([2, 4])
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return _selection.Einsum.apply(equation, *operands)


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8,  # noqa: A002
             equal_nan: bool = False) -> bool:
    """True when every |input - other| <= atol + rtol |other|.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.allclose(gb.tensor([1., 2.]), gb.tensor([1., 2.000001]))
    True
    """
    import numpy as np

    return bool(np.allclose(input.numpy(), other.numpy(), rtol, atol, equal_nan))


def outer(input: Tensor, vec2: Tensor) -> Tensor:  # noqa: A002
    """The outer product: out[i, j] = input[i] * vec2[j].

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.outer(gb.tensor([1., 2.]), gb.tensor([1., 10., 100.]))
    tensor([[  1.,  10., 100.],
            [  2.,  20., 200.]])
    """
    return input.unsqueeze(1) * vec2.unsqueeze(0)


def hstack(tensors) -> Tensor:
    """Concatenate along dim 1 (dim 0 for 1-D Tensors).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.hstack([gb.tensor([1, 2]), gb.tensor([3])])
    tensor([1, 2, 3])
    """
    from glassbox.autograd.factories import cat

    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    """Stack rows: 1-D Tensors become rows, then concatenate along dim 0.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.vstack([gb.tensor([1, 2]), gb.tensor([3, 4])])
    tensor([[1, 2],
            [3, 4]])
    """
    from glassbox.autograd.factories import cat

    return cat([t.unsqueeze(0) if t.ndim == 1 else t for t in tensors], 0)


def inference_mode(mode: bool = True):
    """``torch.inference_mode`` (context manager or decorator): here :class:`no_grad`
    when ``mode`` (glassbox has no separate inference Tensors).

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.ones(2, requires_grad=True)
    >>> with gb.inference_mode():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """
    from glassbox.autograd.grad_mode import enable_grad, no_grad

    if callable(mode):  # bare decorator use: @inference_mode
        return no_grad()(mode)
    return no_grad() if mode else enable_grad()


def bernoulli(input: Tensor, p: float | None = None, *, generator=None) -> Tensor:  # noqa: A002
    """Draws of 0 or 1, 1 with probability ``input`` (or ``p``), ``torch.bernoulli``.

    See :func:`glassbox.autograd.ops.sampling.bernoulli`.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.bernoulli(gb.ones(3))
    tensor([1., 1., 1.])
    """
    return _sampling.bernoulli(input, p, generator=generator)


def meshgrid(*tensors, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D Tensors: grid k holds ``tensors[k][i_k]`` at every
    position (i_0, i_1, ...), ``torch.meshgrid``.

    Parameters
    ----------
    *tensors : 1-D (or 0-D) Tensors of sizes n_0, n_1, ... (or one list of them)
    indexing : {"ij", "xy"}, optional
        "ij" (matrix indexing): every grid has shape (n_0, n_1, ...). "xy" (Cartesian,
        NumPy's default): the first two sizes swapped, (n_1, n_0, ...), so that x varies
        along the columns. Omitted: "ij" with a warning, as torch does.

    Returns
    -------
    tuple of Tensors, one per input (broadcast views: the gradient is summed back)

    See Also
    --------
    torch.meshgrid, numpy.meshgrid

    Examples
    --------
    >>> import glassbox as gb
    >>> xs, ys = gb.meshgrid(gb.tensor([1, 2, 3]), gb.tensor([10, 20]), indexing="xy")
    >>> xs
    tensor([[1, 2, 3],
            [1, 2, 3]])
    >>> ys
    tensor([[10, 10, 10],
            [20, 20, 20]])
    """
    import warnings

    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("meshgrid: in an upcoming release of torch, it will be required to "
                      "pass the indexing argument; indexing='ij' is used (pass "
                      "indexing='ij' or 'xy' to silence this warning).", UserWarning,
                      stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but '
                           f'received: {indexing}')
    for tensor in tensors:
        if tensor.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got a {tensor.ndim}-D tensor of shape {tensor.shape}")
    if len({tensor.dtype for tensor in tensors}) > 1:
        raise RuntimeError(f"meshgrid expects all tensors to have the same dtype; received "
                           f"{[str(tensor.dtype) for tensor in tensors]}")
    swap = indexing == "xy" and len(tensors) >= 2
    ordered = [tensors[1], tensors[0], *tensors[2:]] if swap else list(tensors)
    shape = tuple(tensor.numel() for tensor in ordered)
    # tensor k laid along axis k: (1, ..., n_k, ..., 1), then broadcast to the full grid
    grids = [tensor.reshape((1,) * k + (-1,) + (1,) * (len(ordered) - k - 1)).expand(shape)
             for k, tensor in enumerate(ordered)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def kron(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The Kronecker product: block (i, j) of the result is ``input[i, j] * other``
    (in every dimension; the Tensor with fewer dimensions gets leading 1s),
    ``torch.kron``.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.kron(gb.eye(2), gb.tensor([[1., 2.], [3., 4.]]))
    tensor([[1., 2., 0., 0.],
            [3., 4., 0., 0.],
            [0., 0., 1., 2.],
            [0., 0., 3., 4.]])
    """
    ndim = builtins.max(input.ndim, other.ndim)
    a = input.reshape((1,) * (ndim - input.ndim) + input.shape)
    b = other.reshape((1,) * (ndim - other.ndim) + other.shape)
    # (a_0, 1, a_1, 1, ...) * (1, b_0, 1, b_1, ...) -> (a_0, b_0, a_1, b_1, ...)
    spread_a = a.reshape(tuple(v for size in a.shape for v in (size, 1)))
    spread_b = b.reshape(tuple(v for size in b.shape for v in (1, size)))
    product = spread_a * spread_b
    return product.reshape(tuple(p * q for p, q in zip(a.shape, b.shape)))  # (a_0 b_0, ...)


def repeat_interleave(input: Tensor, repeats=None, dim=None, *, output_size=None) -> Tensor:  # noqa: A002
    """Each entry repeated ``repeats`` times along ``dim``; with only a Tensor of counts,
    the indices 0, 1, ... each repeated that many times (torch's two overloads).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.repeat_interleave(gb.tensor([[1, 2], [3, 4]]), gb.tensor([1, 2]), dim=0)
    tensor([[1, 2],
            [3, 4],
            [3, 4]])
    >>> gb.repeat_interleave(gb.tensor([1, 2]))
    tensor([0, 1, 1])
    """
    import numpy as np

    if repeats is None:
        return Tensor(np.repeat(np.arange(input.numel()), input._data).astype(np.int64))
    return input.repeat_interleave(repeats, dim, output_size=output_size)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode=None) -> Tensor:
    """The p-norm distance between every row of ``x1`` and every row of ``x2``:
    out[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p, ``torch.cdist``.

    Parameters
    ----------
    x1 : Tensor of shape (..., P, M)
    x2 : Tensor of shape (..., R, M)
    p : float, default=2.0
    compute_mode : accepted for torch's signature (glassbox always takes differences)

    Returns
    -------
    Tensor of shape (..., P, R); its gradient is 0 where a distance is 0 (as torch).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.cdist(gb.tensor([[0., 0.], [1., 1.]]), gb.tensor([[3., 4.]]))
    tensor([[5.    ],
            [3.6056]])
    """
    from glassbox.autograd.ops.norms import VectorNorm

    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D, "
                           f"X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, received p={p}")
    # every pair of rows: (..., P, 1, M) - (..., 1, R, M) -> (..., P, R, M)
    differences = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return VectorNorm.apply(differences, float(p), (differences.ndim - 1,), False)


def tensordot(a: Tensor, b: Tensor, dims=2) -> Tensor:
    """Sum over the last ``dims`` dimensions of ``a`` and the first ``dims`` of ``b`` (or
    over the listed pairs ``dims=([a dims], [b dims])``), ``torch.tensordot``: one
    einsum, so every gradient is an einsum too.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.tensordot(gb.ones(2, 3, 4), gb.ones(3, 4, 5)).shape
    glassbox.Size([2, 5])
    """
    import string

    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d % a.ndim for d in dims[0]], [d % b.ndim for d in dims[1]])
    if len(dims_a) != len(dims_b):
        raise RuntimeError(f"both dimension lists should have same length; received "
                           f"{dims_a} and {dims_b}")
    letters = iter(string.ascii_letters)
    a_letters = [next(letters) for _ in range(a.ndim)]
    b_letters = [next(letters) for _ in range(b.ndim)]
    for d_a, d_b in zip(dims_a, dims_b):
        if a.shape[d_a] != b.shape[d_b]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[d_a]} in dim {d_a} and second has size "
                               f"{b.shape[d_b]} in dim {d_b}")
        b_letters[d_b] = a_letters[d_a]  # the same letter: summed over
    kept = ([c for i, c in enumerate(a_letters) if i not in dims_a]
            + [c for i, c in enumerate(b_letters) if i not in dims_b])
    return einsum(f"{''.join(a_letters)},{''.join(b_letters)}->{''.join(kept)}", a, b)


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """The cross product of 3-vectors along ``dim``; without ``dim``, the first dimension
    of size 3 with torch's deprecation warning (``glassbox.linalg.cross`` uses -1).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.cross(gb.tensor([0., 1., 0.]), gb.tensor([0., 0., 1.]), dim=0)
    tensor([1., 0., 0.])
    """
    import warnings

    from glassbox.linalg.products import cross as linalg_cross

    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated. "
                      "Please either pass the dim explicitly or simply use "
                      "torch.linalg.cross.", UserWarning, stacklevel=2)
        shape = tuple(builtins.max(p, q) for p, q in zip(input.shape, other.shape))
        dim = next((d for d, size in enumerate(shape) if size == 3), -1)
    return linalg_cross(input, other, dim=dim)


def block_diag(*tensors) -> Tensor:
    """The matrices on the diagonal of one big matrix, zeros elsewhere (a 0-d Tensor is
    a 1 x 1 block, a 1-D one a row), ``torch.block_diag``.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.block_diag(gb.ones(1, 2), gb.tensor(3.))
    tensor([[1., 1., 0.],
            [0., 0., 3.]])
    """
    import numpy as np

    from glassbox.autograd.factories import cat

    blocks = [t.reshape(1, -1) if t.ndim < 2 else t for t in tensors]
    for index, block in enumerate(blocks):
        if block.ndim != 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {index} has {block.ndim} dimensions")
    dtype = np.result_type(*[block.dtype for block in blocks])
    width = builtins.sum(block.shape[1] for block in blocks)
    rows, start = [], 0
    for block in blocks:
        height, columns = block.shape
        left = Tensor(np.zeros((height, start), dtype=dtype))
        right = Tensor(np.zeros((height, width - start - columns), dtype=dtype))
        rows.append(cat([left, block.to(dtype), right], 1))  # (height, width)
        start += columns
    return cat(rows, 0)


def cartesian_prod(*tensors) -> Tensor:
    """Every combination of one entry from each 1-D Tensor, as rows (itertools.product),
    ``torch.cartesian_prod``.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.cartesian_prod(gb.tensor([1, 2]), gb.tensor([3, 4]))
    tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    from glassbox.autograd.factories import stack

    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([grid.reshape(-1) for grid in grids], 1)


def concat(tensors, dim: int = 0) -> Tensor:
    """Same as :func:`glassbox.cat` (torch's other names: concat, concatenate).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.concat([gb.ones(1), gb.zeros(2)])
    tensor([1., 0., 0.])
    """
    from glassbox.autograd.factories import cat

    return cat(tensors, dim)


concatenate = concat


def broadcast_shapes(*shapes):
    """The shape that ``shapes`` broadcast to, as a :class:`glassbox.Size`.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.broadcast_shapes((2, 1), (3,))
    glassbox.Size([2, 3])
    """
    import numpy as np

    from glassbox.autograd.tensor import Size

    try:
        return Size(np.broadcast_shapes(*shapes))
    except ValueError:
        raise RuntimeError(f"Shape mismatch: objects cannot be broadcast to a single shape; "
                           f"received {list(shapes)}") from None


def broadcast_tensors(*tensors) -> tuple[Tensor, ...]:
    """The Tensors expanded to their common broadcast shape (views).

    Examples
    --------
    >>> import glassbox as gb
    >>> [t.shape for t in gb.broadcast_tensors(gb.ones(2, 1), gb.ones(3))]
    [glassbox.Size([2, 3]), glassbox.Size([2, 3])]
    """
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t.expand(shape) for t in tensors)


def _at_least(ndim: int, tensors):
    def lift(t: Tensor) -> Tensor:
        if t.ndim >= ndim:
            return t
        if t.ndim == 0:
            return t.reshape((1,) * ndim)
        if t.ndim == 1:  # (n,) -> (1, n), or (1, n, 1) for 3-D (NumPy's placement)
            return t.reshape((1, -1) if ndim == 2 else (1, -1, 1))
        return t.unsqueeze(-1)  # (m, n) -> (m, n, 1)

    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    lifted = tuple(lift(t) for t in tensors)
    return lifted[0] if len(lifted) == 1 else lifted


def atleast_1d(*tensors):
    """Each Tensor with at least 1 dimension (a 0-d one becomes (1,)).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.atleast_1d(gb.tensor(3.0))
    tensor([3.])
    """
    return _at_least(1, tensors)


def atleast_2d(*tensors):
    """Each Tensor with at least 2 dimensions ((n,) becomes (1, n)).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.atleast_2d(gb.tensor([1, 2])).shape
    glassbox.Size([1, 2])
    """
    return _at_least(2, tensors)


def atleast_3d(*tensors):
    """Each Tensor with at least 3 dimensions ((n,) -> (1, n, 1), (m, n) -> (m, n, 1)).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.atleast_3d(gb.ones(2, 3)).shape
    glassbox.Size([2, 3, 1])
    """
    return _at_least(3, tensors)


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:  # noqa: A002
    """The p-norm of ``input - other`` (broadcast), ``torch.dist``.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.dist(gb.tensor([0., 0.]), gb.tensor([3., 4.]))
    tensor(5.)
    """
    return (input - other).norm(p)


def inner(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """The sum of products over the last dimension of both (a dot product for vectors;
    a scalar times a Tensor for 0-d inputs), ``torch.inner``.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.inner(gb.tensor([1., 2.]), gb.tensor([3., 4.]))
    tensor(11.)
    """
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    return tensordot(input, other, ([-1], [-1]))


def fmax(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Element-wise maximum that ignores NaN (NaN only where both are NaN).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.fmax(gb.tensor([1., float("nan")]), gb.tensor([float("nan"), 2.]))
    tensor([1., 2.])
    """
    other = input._operand(other)
    # where one side is NaN take the other, then the ordinary maximum
    a = input.where(~input.isnan(), other)
    b = other.where(~other.isnan(), input)
    return a.maximum(b)


def fmin(input: Tensor, other: Tensor) -> Tensor:  # noqa: A002
    """Element-wise minimum that ignores NaN (NaN only where both are NaN).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.fmin(gb.tensor([1., float("nan")]), gb.tensor([float("nan"), 2.]))
    tensor([1., 2.])
    """
    other = input._operand(other)
    a = input.where(~input.isnan(), other)
    b = other.where(~other.isnan(), input)
    return a.minimum(b)


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
              dim: int = -1) -> Tensor:
    """The trapezoidal rule along ``dim``: sum of (y_i + y_{i+1}) / 2 * (x_{i+1} - x_i),
    spacing ``dx`` (default 1) when no ``x`` is given, ``torch.trapezoid``.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.trapezoid(gb.tensor([1., 2., 3.]), gb.tensor([0., 1., 3.]))
    tensor(6.5)
    """
    length = y.shape[dim]
    middles = (y.narrow(dim, 1, length - 1) + y.narrow(dim, 0, length - 1)) * 0.5
    if x is None:
        return middles.sum(dim) * (1.0 if dx is None else dx)
    spacing = x.diff(dim=-1 if x.ndim == 1 else dim)
    if x.ndim == 1 and y.ndim > 1:  # a 1-D x runs along dim
        shape = [1] * y.ndim
        shape[dim] = length - 1
        spacing = spacing.reshape(shape)
    return (middles * spacing).sum(dim)


trapz = trapezoid


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803
    """The Vandermonde matrix of a 1-D ``x``, powers decreasing from x^(N-1) to x^0 (or
    increasing), ``torch.vander``; see :func:`glassbox.linalg.vander`.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.vander(gb.tensor([2, 3]))
    tensor([[2, 1],
            [3, 1]])
    """
    from glassbox.linalg.products import vander as increasing_powers

    if x.ndim != 1:
        raise RuntimeError(f"x must be a one-dimensional tensor; received {x.ndim}-D")
    N = x.shape[0] if N is None else N
    if N < 0:
        raise RuntimeError(f"N must be non-negative; received N={N}")
    if N <= 1:  # no powers above x^0: a column of ones, or nothing
        return x.new_ones((x.shape[0], N))
    powers = increasing_powers(x, N=N)
    return powers if increasing else powers.flip(-1)
