"""Summaries along a dimension, built on the basic reductions: ``count_nonzero``,
``nansum`` / ``nanmean`` (NaN entries skipped: they get gradient 0), ``std_mean`` /
``var_mean``, and the running extremes ``cummax`` / ``cummin``.

The running maximum y_j = max(x_0, ..., x_j) is one of the x_k (the latest k where the
maximum was reached, torch's choice for ties), so its gradient goes to that entry: the
values are a ``gather`` of x at those indices.

Examples
--------
>>> import glassbox as gb
>>> gb.cummax(gb.tensor([1., 3., 2., 5.]), 0)
values_indices(values=tensor([1., 3., 3., 5.]), indices=tensor([0, 1, 1, 3]))
>>> gb.nanmean(gb.tensor([1., float("nan"), 3.]))
tensor(2.)
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.ops.reduction import normalize_dims, values_indices
from glassbox.autograd.ops.selection import gather
from glassbox.autograd.tensor import Tensor

__all__ = ["count_nonzero", "nansum", "nanmean", "std_mean", "var_mean", "cummax",
           "cummin", "cov", "corrcoef"]


def count_nonzero(x: Tensor, dim=None) -> Tensor:
    """How many entries are not 0 (over ``dim``, an int or a tuple; all when None)."""
    dims = normalize_dims(dim, x.ndim)
    return Tensor(np.asarray(np.count_nonzero(x._data, axis=dims), dtype=np.int64))


def _nan_mask(x: Tensor) -> Tensor:
    return Tensor(np.isnan(x._data))


def nansum(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """The sum with NaN entries counted as 0 (their gradient is 0)."""
    return x.masked_fill(_nan_mask(x), 0.0).sum(dim, keepdim)


def nanmean(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """The mean of the entries that are not NaN."""
    count = (~np.isnan(x._data)).sum(axis=normalize_dims(dim, x.ndim), keepdims=keepdim)
    return nansum(x, dim, keepdim) / Tensor(np.asarray(count, dtype=x.dtype))


def std_mean(x: Tensor, dim=None, *, correction: int = 1, keepdim: bool = False,
             unbiased: bool | None = None):
    """(std, mean) over ``dim`` in one call (torch.std_mean)."""
    if unbiased is not None:
        correction = int(unbiased)
    return (x.std(dim, keepdim=keepdim, correction=correction), x.mean(dim, keepdim))


def var_mean(x: Tensor, dim=None, *, correction: int = 1, keepdim: bool = False,
             unbiased: bool | None = None):
    """(var, mean) over ``dim`` in one call (torch.var_mean)."""
    if unbiased is not None:
        correction = int(unbiased)
    return (x.var(dim, keepdim=keepdim, correction=correction), x.mean(dim, keepdim))


def _running_extreme(x: Tensor, dim: int, is_max: bool):
    dim = normalize_dims(dim, x.ndim)[0] if x.ndim else 0
    if x.ndim == 0:
        return values_indices(x, Tensor(np.zeros((), dtype=np.int64)))
    data = np.moveaxis(x._data, dim, -1)  # (..., n)
    running = (np.maximum if is_max else np.minimum).accumulate(data, axis=-1)
    # the latest position where the running extreme was reached (ties: the later one)
    positions = np.arange(data.shape[-1])
    indices = np.maximum.accumulate(np.where(data == running, positions, 0), axis=-1)
    indices = np.moveaxis(indices, -1, dim)
    return values_indices(gather(x, dim, indices), Tensor(indices.astype(np.int64)))


def cummax(x: Tensor, dim: int):
    """(values, indices) of the running maximum along ``dim``."""
    return _running_extreme(x, dim, True)


def cummin(x: Tensor, dim: int):
    """(values, indices) of the running minimum along ``dim``."""
    return _running_extreme(x, dim, False)


def cov(x: Tensor, *, correction: int = 1, fweights=None, aweights=None) -> Tensor:
    """The covariance matrix of the variables in the rows of ``x`` (observations in the
    columns), as NumPy's ``cov``: with weights w (frequency x reliability),
    C = (x - mean_w) diag(w) (x - mean_w)^T / (sum w - correction * (sum w a / sum w)).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.cov(gb.tensor([[0., 1., 2.], [2., 1., 0.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    if x.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got "
                           f"an input with {x.ndim} dimensions")
    rows = x.reshape(1, -1) if x.ndim < 2 else x  # (variables, observations)
    if rows.dtype.kind != "f":
        rows = rows.float()
    n = rows.shape[1]
    weights = None
    for given in (fweights, aweights):
        if given is not None:
            array = given._data if isinstance(given, Tensor) else np.asarray(given)
            if array.ndim != 1 or array.shape[0] != n:
                raise RuntimeError(f"cov(): expected weights to be a 1-D tensor with {n} "
                                   f"entries (one per observation); received shape "
                                   f"{array.shape}")
            if (array < 0).any():
                raise RuntimeError("cov(): weights cannot be negative")
            weights = array if weights is None else weights * array
    if weights is None:
        weights = np.ones(n)
    total = weights.sum()
    if aweights is None:
        factor = total - correction
    else:
        a = aweights._data if isinstance(aweights, Tensor) else np.asarray(aweights)
        factor = total - correction * (weights * a).sum() / total
    w = Tensor(weights.astype(rows.dtype))
    mean = (rows * w).sum(1, keepdim=True) / float(total)  # (variables, 1)
    centered = rows - mean
    result = (centered * w) @ centered.mT / float(max(factor, 0))
    return result.reshape(()) if x.ndim < 2 else result


def corrcoef(x: Tensor) -> Tensor:
    """Pearson correlations between the rows of ``x``: cov_ij / sqrt(cov_ii cov_jj),
    clipped to [-1, 1] as torch.

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.corrcoef(gb.tensor([[0., 1., 2.], [2., 1., 0.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    c = cov(x)
    if c.ndim == 0:
        return c / c
    spread = c.diagonal().sqrt()
    return (c / spread.unsqueeze(1) / spread.unsqueeze(0)).clamp(-1, 1)
