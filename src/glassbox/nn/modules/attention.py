"""``MultiheadAttention``: the layer around
:func:`glassbox.nn._attention.multi_head_attention_forward` (``torch.nn.MultiheadAttention``)."""

from __future__ import annotations

import numpy as np

from glassbox.autograd.dtypes import get_default_dtype
from glassbox.nn import init
from glassbox.nn._attention import multi_head_attention_forward
from glassbox.nn.modules.linear import Linear
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["MultiheadAttention"]


class _ShapeError(ValueError, AssertionError):
    """Bad sizes given to MultiheadAttention: torch asserts; glassbox's convention is
    ``ValueError``; this error is both."""


class NonDynamicallyQuantizableLinear(Linear):
    """torch's name for the output projection of MultiheadAttention (a plain Linear)."""


class MultiheadAttention(Module):
    """Attention with ``num_heads`` heads: project queries, keys and values, attend in each
    head, concatenate and project back.

    .. math:: \\text{MultiHead}(Q, K, V) = \\text{Concat}(\\text{head}_1, \\dots,
              \\text{head}_h) W^O, \\quad \\text{head}_i = \\text{Attention}(Q W_i^Q,
              K W_i^K, V W_i^V)

    Parameters
    ----------
    embed_dim : int
        E, divisible by ``num_heads``.
    num_heads : int
    dropout : float, default=0.0
        Dropout on the attention weights, in training.
    bias : bool, default=True
    kdim, vdim : int, optional
        Sizes of keys and values when they differ from E (separate projections
        ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight``).
    batch_first : bool, default=False
        (N, L, E) inputs and outputs instead of (L, N, E).

    Attributes
    ----------
    in_proj_weight : Parameter of shape (3 E, E)
        W^Q, W^K, W^V stacked (when kdim = vdim = E).
    in_proj_bias : Parameter of shape (3 E,)
    out_proj : Linear(E, E)

    See Also
    --------
    torch.nn.MultiheadAttention, glassbox.nn.functional.scaled_dot_product_attention

    Examples
    --------
    >>> import glassbox as gb
    >>> attention = MultiheadAttention(8, 2, batch_first=True)
    >>> x = gb.randn(3, 5, 8)
    >>> output, weights = attention(x, x, x)
    >>> output.shape, weights.shape
    (glassbox.Size([3, 5, 8]), glassbox.Size([3, 5, 5]))
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0,
                 bias: bool = True, add_bias_kv: bool = False, add_zero_attn: bool = False,
                 kdim: int | None = None, vdim: int | None = None, batch_first: bool = False,
                 device=None, dtype=None) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        if embed_dim % num_heads:
            raise _ShapeError("embed_dim must be divisible by num_heads")
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError("MultiheadAttention: add_bias_kv and add_zero_attn are "
                                      "not implemented in glassbox")
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        dtype = np.dtype(dtype or get_default_dtype())
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), dtype=dtype))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = Parameter(np.empty((embed_dim, embed_dim), dtype=dtype))
            self.k_proj_weight = Parameter(np.empty((embed_dim, self.kdim), dtype=dtype))
            self.v_proj_weight = Parameter(np.empty((embed_dim, self.vdim), dtype=dtype))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(np.empty(3 * embed_dim, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        dtype=dtype)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        # NOTE: torch's choice: Xavier-uniform projections, zero biases; the output
        # projection keeps Linear's default weights
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)

    def _projections(self) -> tuple:
        E = self.embed_dim
        if self._qkv_same_embed_dim:
            weights = [self.in_proj_weight[i * E:(i + 1) * E] for i in range(3)]
        else:
            weights = [self.q_proj_weight, self.k_proj_weight, self.v_proj_weight]
        biases = ([None] * 3 if self.in_proj_bias is None
                  else [self.in_proj_bias[i * E:(i + 1) * E] for i in range(3)])
        return tuple(zip(weights, biases))

    def forward(self, query, key, value, key_padding_mask=None, need_weights: bool = True,
                attn_mask=None, average_attn_weights: bool = True, is_causal: bool = False):
        if is_causal and attn_mask is None:
            raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use "
                               "the Transformer module method `generate_square_subsequent_mask`"
                               " to create this mask.")
        batched = query.ndim == 3
        if query.shape[-1] != self.embed_dim:
            raise _ShapeError(f"was expecting embedding dimension of {self.embed_dim}, but "
                              f"got {query.shape[-1]}")
        if self.batch_first and batched:  # (N, L, E) -> (L, N, E)
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        if not batched:  # (L, E) -> (L, 1, E)
            query, key, value = (t.unsqueeze(1) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        output, weights = multi_head_attention_forward(
            query, key, value, self.num_heads, self._projections(), self.out_proj.weight,
            self.out_proj.bias, key_padding_mask, need_weights, attn_mask,
            average_attn_weights, self.dropout, self.training)
        if not batched:
            output = output.squeeze(1)
            weights = None if weights is None else weights.squeeze(0)
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, weights
