"""Picking, ordering and accumulating along a dimension: gather, scatter, sort, topk,
cumsum, flip, and einsum.

``gather`` and ``scatter`` are indexing in disguise: ``x.gather(1, index)`` reads
``x[i, index[i, j]]``, which is ``x[rows, index]`` with ``rows`` the row number of every
entry of ``index``; :func:`along` builds that full index, and the indexing Functions
(whose backward is a scatter-add) do the rest. ``sort`` and ``topk`` find the order with
NumPy, then gather the values, so their gradient flows back to the entries chosen.
"""

from __future__ import annotations

import string

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.ops.indexing import GetItem, IndexAdd, SetItem
from glassbox.autograd.ops.reduction import values_indices
from glassbox.autograd.tensor import Tensor

__all__ = ["along", "gather", "scatter", "scatter_add", "sort", "topk", "Cumsum", "Flip", "Roll",
           "Einsum", "multinomial", "LogCumSumExp"]


def along(index: np.ndarray, dim: int) -> tuple:
    """The full NumPy index that reads ``x[..., index[...], ...]`` along ``dim``: for
    every entry of ``index``, its own coordinates except ``index`` itself at ``dim``."""
    coordinates = list(np.indices(index.shape, sparse=True))
    coordinates[dim] = index
    return tuple(coordinates)


def _index_array(index, what: str) -> np.ndarray:
    array = index._data if isinstance(index, Tensor) else np.asarray(index)
    if array.dtype.kind not in "iu":
        raise RuntimeError(f"{what}(): Expected dtype int64 for index, received {array.dtype}")
    return array


def gather(x: Tensor, dim: int, index) -> Tensor:
    """out[i][j] = x[i][index[i][j]] (for dim=1), the twin of ``torch.gather``.

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.tensor([[1., 2.], [3., 4.]])
    >>> gb.gather(x, 1, gb.tensor([[1, 0], [0, 0]]))
    tensor([[2., 1.],
            [3., 3.]])
    """
    index = _index_array(index, "gather")
    if index.ndim != x.ndim:
        raise RuntimeError(f"Index tensor must have the same number of dimensions as input "
                           f"tensor; received {index.ndim} and {x.ndim}")
    return GetItem.apply(x, along(index, dim % max(x.ndim, 1)))


def _source(src, x: Tensor, index: np.ndarray) -> Tensor:
    if not isinstance(src, Tensor):
        return Tensor(np.full(index.shape, src, dtype=x.dtype))
    # only the leading index.shape block of src is used (torch's rule)
    return src[tuple(slice(0, size) for size in index.shape)]


def scatter(x: Tensor, dim: int, index, src) -> Tensor:
    """A copy of x with x[i][index[i][j]] = src[i][j] (for dim=1), ``torch.scatter``.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.scatter(gb.zeros(2, 3), 1, gb.tensor([[2], [0]]), gb.tensor([[5.], [7.]]))
    tensor([[0., 0., 5.],
            [7., 0., 0.]])
    """
    index = _index_array(index, "scatter")
    return SetItem.apply(x, _source(src, x, index), along(index, dim % max(x.ndim, 1)))


def scatter_add(x: Tensor, dim: int, index, src) -> Tensor:
    """x with src[i][j] added at x[i][index[i][j]] (repeats add up), ``torch.scatter_add``.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.scatter_add(gb.zeros(3), 0, gb.tensor([0, 2, 0]), gb.tensor([1., 2., 3.]))
    tensor([4., 0., 2.])
    """
    index = _index_array(index, "scatter_add")
    return x + IndexAdd.apply(_source(src, x, index), x.shape,
                              along(index, dim % max(x.ndim, 1)))


def _order(x: Tensor, dim: int, descending: bool) -> np.ndarray:
    data = x._data
    # NOTE: a stable sort of -x puts ties in index order, as a stable descending sort does
    key = -data if descending and data.dtype.kind != "b" else data
    order = np.argsort(key, axis=dim, kind="stable")
    if descending and data.dtype.kind == "b":
        order = np.flip(order, axis=dim)
    return order


def sort(x: Tensor, dim: int = -1, descending: bool = False):
    """(values, indices) sorted along ``dim``; the gradient goes back to each value's place.

    Examples
    --------
    >>> import glassbox as gb
    >>> values, indices = gb.sort(gb.tensor([3., 1., 2.]))
    >>> values, indices
    (tensor([1., 2., 3.]), tensor([1, 2, 0]))
    """
    indices = _order(x, dim, descending)
    return values_indices(gather(x, dim, indices), Tensor(indices.astype(np.int64)))


def topk(x: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
    """The ``k`` largest (or smallest) values along ``dim`` and their indices.

    Examples
    --------
    >>> import glassbox as gb
    >>> values, indices = gb.topk(gb.tensor([3., 1., 2.]), 2)
    >>> values, indices
    (tensor([3., 2.]), tensor([0, 2]))
    """
    size = x.shape[dim] if x.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"selected index k out of range: k={k} for a dimension of size "
                           f"{size}")
    indices = np.take(_order(x, dim, largest), np.arange(k), axis=dim)
    return values_indices(gather(x, dim, indices), Tensor(indices.astype(np.int64)))


class Flip(Function):
    """x with the order of ``dims`` reversed."""

    backward_name = "FlipBackward0"

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return np.flip(x._data, axis=dims).copy()

    @staticmethod
    def backward(ctx, grad_output):
        return Flip.apply(grad_output, ctx.dims), None  # flipping twice is the identity


class Roll(Function):
    """x shifted by ``shifts`` along ``dims``, entries leaving one end coming back at the
    other (all elements, flattened, when ``dims`` is None)."""

    backward_name = "RollBackward0"

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(x._data, shifts, axis=dims)

    @staticmethod
    def backward(ctx, grad_output):
        # rolling back by -shifts puts every gradient where its entry came from
        return Roll.apply(grad_output, tuple(-s for s in ctx.shifts), ctx.dims), None, None


class Cumsum(Function):
    """y_i = x_1 + ... + x_i along ``dim``."""

    backward_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        data = x._data.astype(np.int64) if x.dtype.kind in "biu" else x._data
        return np.cumsum(data, axis=dim)

    @staticmethod
    def backward(ctx, grad_output):
        # x_i feeds every y_j with j >= i: dL/dx_i = sum_{j >= i} dL/dy_j, a reversed cumsum
        dim = ctx.dim
        return Flip.apply(Cumsum.apply(Flip.apply(grad_output, (dim,)), dim), (dim,)), None


class LogCumSumExp(Function):
    """y_i = log(e^x_0 + ... + e^x_i) along ``dim``, computed stably (NumPy's
    ``logaddexp.accumulate``)."""

    backward_name = "LogcumsumexpBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        result = np.logaddexp.accumulate(x._data, axis=dim)
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        dim = ctx.dim
        # dy_j/dx_i = e^(x_i - y_j) for j >= i, so dL/dx_i = sum_{j>=i} g_j e^(x_i - y_j)
        # = e^(x_i + log sum_{j>=i} g_j e^(-y_j)): a reversed logcumsumexp of log g - y,
        # taken separately for the positive and the negative parts of g (logs need > 0)
        # NOTE: log 0 is taken as a huge negative finite number, not -inf: e^it is still
        # exactly 0, and the second derivative never meets -inf - (-inf)
        log_zero = np.finfo(x.dtype).min / 4

        def part(weights: Tensor) -> Tensor:
            positive = Tensor(weights._data > 0)
            log_weights = weights.where(positive, 1.0).log().where(positive, log_zero)
            reversed_sums = Flip.apply(
                LogCumSumExp.apply(Flip.apply(log_weights - y, (dim,)), dim), (dim,))
            return (x + reversed_sums).exp()

        return part(grad_output.clamp(min=0)) - part((-grad_output).clamp(min=0)), None


class Einsum(Function):
    """``np.einsum(equation, *operands)`` with one gradient rule for every operand.

    For y = einsum("ij,jk->ik", a, b), dL/da = einsum("ik,jk->ij", dL/dy, b): the
    gradient of one operand is the einsum of the output gradient with the *other*
    operands, into that operand's subscripts. Letters that appear only in that operand
    (summed away) get the gradient broadcast along them.
    """

    backward_name = "EinsumBackward0"

    @staticmethod
    def forward(ctx, equation, *operands):
        inputs, output = _parse_einsum(equation, [t.ndim for t in operands])
        ctx.inputs_subscripts, ctx.output_subscripts = inputs, output
        ctx.save_for_backward(*operands)
        return np.einsum(f"{','.join(inputs)}->{output}", *[t._data for t in operands])

    @staticmethod
    def backward(ctx, grad_output):
        operands = ctx.saved_tensors
        grads = [None]
        for i, (operand, letters) in enumerate(zip(operands, ctx.inputs_subscripts)):
            if not ctx.needs_input_grad[i + 1]:
                grads.append(None)
                continue
            if len(set(letters)) != len(letters):
                raise RuntimeError(f"einsum backward: repeated subscripts in one operand "
                                   f"('{letters}', a diagonal) are not supported by glassbox")
            others = [(t, s) for j, (t, s) in enumerate(zip(operands, ctx.inputs_subscripts))
                      if j != i]
            available = set(ctx.output_subscripts).union(*[set(s) for _, s in others])
            kept = "".join(letter for letter in letters if letter in available)
            terms = [ctx.output_subscripts] + [s for _, s in others]
            grad = Einsum.apply(f"{','.join(terms)}->{kept}", grad_output,
                                *[t for t, _ in others])
            # letters summed away inside this operand: the gradient is the same along them
            shape = tuple(size if letter in available else 1
                          for letter, size in zip(letters, operand.shape))
            grads.append(grad.reshape(shape).expand(operand.shape))
        return tuple(grads)


def _parse_einsum(equation: str, ndims: list[int]) -> tuple[list[str], str]:
    """Input subscripts (``...`` spelled out with free letters) and the output's."""
    equation = equation.replace(" ", "")
    left, arrow, right = equation.partition("->")
    inputs = left.split(",")
    if len(inputs) != len(ndims):
        raise RuntimeError(f"einsum(): the equation names {len(inputs)} operands but "
                           f"{len(ndims)} were given")
    free = [c for c in string.ascii_letters if c not in equation]
    ellipsis_letters = ""
    if "..." in equation:
        width = max(ndim - (len(s) - 3) for s, ndim in zip(inputs, ndims) if "..." in s)
        ellipsis_letters = "".join(free[:width])
        inputs = [s.replace("...", ellipsis_letters[width - (ndim - (len(s) - 3)):])
                  if "..." in s else s for s, ndim in zip(inputs, ndims)]
    if arrow:
        output = right.replace("...", ellipsis_letters)
    else:  # implicit output: letters seen once, in alphabetical order
        counts = {}
        for letter in "".join(inputs):
            counts[letter] = counts.get(letter, 0) + 1
        output = ellipsis_letters + "".join(
            sorted(c for c, n in counts.items() if n == 1 and c not in ellipsis_letters))
    for s, ndim in zip(inputs, ndims):
        if len(s) != ndim:
            raise RuntimeError(f"einsum(): the subscript '{s}' has {len(s)} letters for an "
                               f"operand with {ndim} dimensions")
    return inputs, output


def multinomial(probabilities: Tensor, num_samples: int, replacement: bool = False,
                generator=None) -> Tensor:
    """Indices drawn from each row of non-negative weights (normalised), ``torch.multinomial``.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.multinomial(gb.tensor([0., 1., 0.]), 2, replacement=True)
    tensor([1, 1])
    """
    from glassbox import _random

    weights = np.asarray(probabilities._data, dtype=np.float64)
    if weights.ndim not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim; received {weights.ndim} dims")
    if (weights < 0).any() or not np.isfinite(weights).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    rows = weights.reshape(-1, weights.shape[-1])
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError(f"cannot sample n_sample > prob_dist.size(-1) samples without "
                           f"replacement (n_sample={num_samples}, size={rows.shape[1]})")
    generator = generator or _random.default_generator()
    draws = []
    for row in rows:
        total = row.sum()
        if total <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        draws.append(generator.choice(row.size, size=num_samples, replace=replacement,
                                      p=row / total))
    result = np.asarray(draws, dtype=np.int64)
    return Tensor(result[0] if weights.ndim == 1 else result)
