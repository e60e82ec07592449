"""Embedding: a lookup table of learned vectors, one row per token (``torch.nn.Embedding``),
and ``EmbeddingBag``: the sum, mean or max of the rows of each bag of tokens."""

from __future__ import annotations

import numpy as np

from glassbox.autograd.dtypes import get_default_dtype
from glassbox.autograd.grad_mode import no_grad
from glassbox.nn import functional as F
from glassbox.nn import init
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["Embedding", "EmbeddingBag"]


class Embedding(Module):
    """y[...] = weight[x[...]]: each integer index picks one row of ``weight``.

    Parameters
    ----------
    num_embeddings : int
        The number of rows (the vocabulary size).
    embedding_dim : int
        The length of each vector.
    padding_idx : int, optional
        A row kept at zero that receives no gradient (for padding tokens).

    Attributes
    ----------
    weight : Parameter of shape (num_embeddings, embedding_dim)
        Initialised from N(0, 1), as torch.

    Shape
    -----
    Input (*) integer indices; output (*, embedding_dim).

    See Also
    --------
    torch.nn.Embedding

    Examples
    --------
    >>> import glassbox as gb
    >>> table = Embedding(10, 3)
    >>> table(gb.tensor([[1, 2], [4, 9]])).shape
    glassbox.Size([2, 2, 3])
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm=None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight=None, _freeze: bool = False, device=None,
                 dtype=None) -> None:
        super().__init__()
        for name, value in (("num_embeddings", num_embeddings),
                            ("embedding_dim", embedding_dim)):
            if not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"Embedding expects a non-negative integer {name}, received "
                                 f"{name}={value!r}")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = padding_idx % num_embeddings
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.padding_idx = padding_idx
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        dtype = np.dtype(dtype or get_default_dtype())
        self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=dtype),
                                requires_grad=not _freeze)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.normal_(self.weight)  # N(0, 1): torch's default for embeddings
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input):  # noqa: A002
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm,
                           self.norm_type, self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text


class EmbeddingBag(Embedding):
    """The sum, mean or max of the embedding rows of each bag of indices (a sentence as a
    bag of words), without building the (bags, length, D) Tensor of every row.

    Parameters
    ----------
    num_embeddings, embedding_dim : int
    mode : {'sum', 'mean', 'max'}, default='mean'
    include_last_offset : bool, default=False
    padding_idx : int, optional
        Left out of every bag (and not counted by the mean).

    Attributes
    ----------
    weight : Parameter of shape (num_embeddings, embedding_dim), N(0, 1) initially

    See Also
    --------
    torch.nn.EmbeddingBag, glassbox.nn.functional.embedding_bag

    Examples
    --------
    >>> import glassbox as gb
    >>> bag = EmbeddingBag(10, 3, mode="sum")
    >>> bag(gb.tensor([1, 2, 4, 5, 4]), gb.tensor([0, 2])).shape
    glassbox.Size([2, 3])
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm=None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight=None, include_last_offset: bool = False,
                 padding_idx: int | None = None, device=None, dtype=None) -> None:
        super().__init__(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type,
                         scale_grad_by_freq, sparse, dtype=dtype)
        self.mode = mode
        self.include_last_offset = include_last_offset

    def forward(self, input, offsets=None, per_sample_weights=None):  # noqa: A002
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                               self.scale_grad_by_freq, self.mode, self.sparse,
                               per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            text += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        text += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text
