"""Attention: ``scaled_dot_product_attention`` and the multi-head attention behind
``nn.MultiheadAttention`` (``torch.nn.functional``'s), in Tensor operations.

Attention is a soft dictionary look-up: each query scores every key by a dot product,
the scores become weights by a softmax, and the output is the weighted mean of the
values,

.. math:: \\text{Attention}(Q, K, V) = \\text{softmax}\\left(\\frac{Q K^T}{\\sqrt{d}}
          + B\\right) V

with B a mask bias: 0 where a query may look, -inf where it may not (a causal mask hides
the future). Multi-head attention projects queries, keys and values to ``num_heads``
smaller spaces, attends in each, and projects the concatenated results back.
"""

from __future__ import annotations

import math

import numpy as np

from glassbox.autograd.tensor import Tensor

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]


def _bias_from_mask(mask: Tensor, dtype, allowed_when_true: bool) -> Tensor:
    """A float mask as an additive bias; a bool mask as 0 / -inf (which value of the bool
    means "may attend" differs: True in ``scaled_dot_product_attention``, False in
    ``MultiheadAttention``'s masks, as in torch)."""
    if mask.dtype != np.bool_:
        return mask
    blocked = ~mask._data if allowed_when_true else mask._data
    return Tensor(np.where(blocked, -np.inf, 0.0).astype(dtype))


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(Q K^T * scale + mask) V over the last two dimensions.

    Parameters
    ----------
    query : Tensor of shape (..., L, E)
    key : Tensor of shape (..., S, E)
    value : Tensor of shape (..., S, E_v)
    attn_mask : Tensor broadcastable to (..., L, S), optional
        Bool (True: may attend) or float (added to the scores).
    dropout_p : float, default=0.0
        Dropout on the attention weights (glassbox's generator).
    is_causal : bool, default=False
        Query i attends to keys 0..i only (no ``attn_mask`` then).
    scale : float, optional
        Defaults to 1 / sqrt(E).

    Returns
    -------
    Tensor of shape (..., L, E_v)

    See Also
    --------
    torch.nn.functional.scaled_dot_product_attention

    Examples
    --------
    >>> import glassbox as gb
    >>> q = k = gb.tensor([[[1.0, 0.0], [0.0, 1.0]]])
    >>> v = gb.tensor([[[1.0], [3.0]]])
    >>> scaled_dot_product_attention(q, k, v, is_causal=True)
    tensor([[[1.    ],
             [2.3395]]])
    """
    from glassbox.nn.functional import dropout, softmax  # functional imports this module

    if enable_gqa:
        raise NotImplementedError("scaled_dot_product_attention: enable_gqa is not "
                                  "implemented in glassbox")
    L, S = query.shape[-2], key.shape[-2]
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.transpose(-2, -1)) * scale              # (..., L, S)
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not "
                               "be set when is_causal=True")
        future = np.triu(np.ones((L, S), dtype=bool), 1)           # key j > query i
        scores = scores + Tensor(np.where(future, -np.inf, 0.0).astype(scores.dtype))
    if attn_mask is not None:
        scores = scores + _bias_from_mask(attn_mask, scores.dtype, allowed_when_true=True)
    weights = softmax(scores, -1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return weights @ value


def multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor, num_heads: int,
                                 projections: tuple, out_proj_weight: Tensor,
                                 out_proj_bias: Tensor | None, key_padding_mask=None,
                                 need_weights: bool = True, attn_mask=None,
                                 average_attn_weights: bool = True, dropout_p: float = 0.0,
                                 training: bool = True) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention on sequence-first inputs (L, N, E), torch's computation.

    ``projections`` holds ((w_q, b_q), (w_k, b_k), (w_v, b_v)). Returns the output
    (L, N, E) and, if ``need_weights``, the attention weights (N, L, S), averaged over the
    heads (or (N, heads, L, S)).
    """
    from glassbox.nn.functional import dropout, linear, softmax

    L, N, E = query.shape
    S = key.shape[0]
    head_dim = E // num_heads
    (w_q, b_q), (w_k, b_k), (w_v, b_v) = projections
    q, k, v = linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)
    # (L, N, E) -> (L, N * heads, head_dim) -> (N * heads, L, head_dim): one batch of heads
    q = q.reshape(L, N * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(S, N * num_heads, head_dim).transpose(0, 1)
    v = v.reshape(S, N * num_heads, head_dim).transpose(0, 1)
    bias = None
    if attn_mask is not None:
        bias = _bias_from_mask(attn_mask, q.dtype, allowed_when_true=False)
        if bias.ndim == 2:
            bias = bias.unsqueeze(0)                               # (1, L, S)
    if key_padding_mask is not None:
        padding = _bias_from_mask(key_padding_mask, q.dtype, allowed_when_true=False)
        # (N, S) -> (N * heads, 1, S): every head of a sample ignores the same keys
        padding = padding.reshape(N, 1, 1, S).expand(N, num_heads, 1, S).reshape(
            N * num_heads, 1, S)
        bias = padding if bias is None else bias + padding
    scores = (q * math.sqrt(1.0 / head_dim)) @ k.transpose(-2, -1)  # (N * heads, L, S)
    if bias is not None:
        scores = scores + bias
    weights = softmax(scores, -1)
    if dropout_p > 0.0 and training:
        weights = dropout(weights, dropout_p, True)
    heads = weights @ v                                            # (N * heads, L, head_dim)
    output = heads.transpose(0, 1).reshape(L * N, E)               # concatenate the heads
    output = linear(output, out_proj_weight, out_proj_bias).reshape(L, N, E)
    if not need_weights:
        return output, None
    weights = weights.reshape(N, num_heads, L, S)
    return output, (weights.mean(1) if average_attn_weights else weights)
