"""``embedding_bag``: the sum, mean or max of the embedding rows of each *bag* of indices
(a sentence as a bag of words: torch's text classification tutorial).

The bags are the rows of a 2-D index Tensor, or, for a 1-D one, the slices between
``offsets``. Reading the rows is indexing (its gradient adds into the picked rows); the
sum and the mean are one product with a (bags, indices) matrix holding 1 (or the
per-sample weight) where index j belongs to bag b; the max picks, per bag and dimension,
the winning row. Indices equal to ``padding_idx`` are left out (and not counted by the
mean); an empty bag gives zeros.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.tensor import Tensor
from glassbox.nn._conv import _ArgumentError

__all__ = ["embedding_bag"]


def _bags(input: Tensor, offsets, include_last_offset: bool):  # noqa: A002
    """(flat indices, bag of each index, number of bags)."""
    indices = input.numpy().astype(np.int64)
    if indices.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found offsets "
                             f"of type {type(offsets)}")
        bags, length = indices.shape
        return indices.reshape(-1), np.repeat(np.arange(bags), length), bags
    if indices.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{indices.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    starts = (offsets.numpy() if isinstance(offsets, Tensor) else np.asarray(offsets)).astype(
        np.int64)
    if starts.ndim != 1:
        raise ValueError(f"offsets has to be a 1D Tensor, but got Tensor of dimension "
                         f"{starts.ndim}")
    if starts.size and starts[0] != 0:
        raise _ArgumentError(f"offsets[0] has to be 0, i.e., the first sequence in the "
                             f"mini-batch has to start from position 0. However, got "
                             f"{starts[0]}")
    if include_last_offset:
        starts = starts[:-1]
    bags = starts.size
    # bag of element j: the last start <= j
    bag_of = np.searchsorted(starts, np.arange(indices.size), side="right") - 1
    return indices, bag_of, bags


def embedding_bag(input: Tensor, weight: Tensor, offsets=None, max_norm=None,  # noqa: A002
                  norm_type: float = 2, scale_grad_by_freq: bool = False,
                  mode: str = "mean", sparse: bool = False, per_sample_weights=None,
                  include_last_offset: bool = False, padding_idx: int | None = None) -> Tensor:
    """Reduce the embedding rows of each bag of indices: 'sum', 'mean' or 'max'.

    .. math:: y_b = \\sum_{j \\in b} w_j\\, E[i_j] \\quad (\\text{or their mean, or max})

    Parameters
    ----------
    input : int64 Tensor of shape (B, N), or (M,) with ``offsets``
    weight : Tensor of shape (num_embeddings, D)
    offsets : int64 Tensor of shape (B,), optional
        Start of each bag in a 1-D ``input`` (the first must be 0).
    mode : {'sum', 'mean', 'max'}, default='mean'
    per_sample_weights : Tensor of the input's shape, optional
        Weights of the rows, with mode='sum' only.
    include_last_offset : bool, default=False
        ``offsets`` has B + 1 entries, the last one the end.
    padding_idx : int, optional

    Returns
    -------
    Tensor of shape (B, D)

    See Also
    --------
    torch.nn.functional.embedding_bag

    Examples
    --------
    >>> import glassbox as gb
    >>> table = gb.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    >>> embedding_bag(gb.tensor([0, 2, 1]), table, gb.tensor([0, 2]), mode="sum")
    tensor([[3., 2.],
            [0., 1.]])
    """
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("glassbox's embedding_bag supports neither max_norm, "
                                  "scale_grad_by_freq nor sparse gradients")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, received {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    indices, bag_of, bags = _bags(input, offsets, include_last_offset)
    if indices.size and (indices.min() < 0 or indices.max() >= weight.shape[0]):
        raise IndexError(f"index out of range in self: indices must be in [0, "
                         f"{weight.shape[0]}), received values in [{indices.min()}, "
                         f"{indices.max()}]")
    counted = np.ones(indices.size, dtype=bool) if padding_idx is None else (
        indices != padding_idx % weight.shape[0])
    rows = weight[indices]                                        # (M, D)
    if mode == "max":
        data = np.where(counted[:, None], rows._data, -np.inf)
        winners = np.zeros((bags, weight.shape[1]), dtype=np.int64)
        filled = np.zeros(bags, dtype=bool)
        for bag in range(bags):                                   # one argmax per bag
            members = np.flatnonzero((bag_of == bag) & counted)
            if members.size:
                winners[bag] = members[data[members].argmax(0)]
                filled[bag] = True
        picked = rows[winners, np.arange(weight.shape[1])]        # (B, D)
        return picked * Tensor(filled[:, None].astype(weight.dtype))
    membership = np.zeros((bags, indices.size), dtype=weight.dtype)  # (B, M)
    membership[bag_of[counted], np.flatnonzero(counted)] = 1
    if mode == "mean":
        membership /= np.maximum(membership.sum(1, keepdims=True), 1)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1, 1)
    return Tensor(membership) @ rows
