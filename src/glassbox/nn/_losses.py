"""Losses for ranking, embeddings, multi-label classification and likelihoods:
``margin_ranking_loss``, ``hinge_embedding_loss``, ``soft_margin_loss``,
``multilabel_soft_margin_loss``, ``cosine_embedding_loss``, ``triplet_margin_loss``,
``gaussian_nll_loss``, ``poisson_nll_loss`` (``torch.nn.functional``'s).

Each is a short Tensor expression (autograd derives every gradient) following torch's
formula term by term, including where torch puts its epsilons; the element-wise loss is
then reduced by ``reduction`` ('mean', 'sum' or 'none').
"""

from __future__ import annotations

import math

import numpy as np

from glassbox.autograd.tensor import Tensor
from glassbox.nn._activations import logsigmoid, softplus
from glassbox.nn._distance import pairwise_distance

__all__ = ["margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
           "multilabel_soft_margin_loss", "cosine_embedding_loss", "triplet_margin_loss",
           "gaussian_nll_loss", "poisson_nll_loss", "multi_margin_loss",
           "triplet_margin_with_distance_loss"]


def _reduction(size_average, reduce, reduction: str) -> str:
    """torch's deprecated ``size_average`` / ``reduce`` turned into ``reduction``."""
    from glassbox.nn.functional import _legacy_reduction  # functional imports this module

    return _legacy_reduction(size_average, reduce, reduction)


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction; expected one of "
                     f"'none', 'mean', 'sum'.")


def _as_tensor(value, like: Tensor) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor(np.asarray(value, dtype=like.dtype))


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """Ranking hinge: max(0, -y (x1 - x2) + margin), y = 1 when x1 should rank higher,
    -1 when x2 should.

    Examples
    --------
    >>> import glassbox as gb
    >>> margin_ranking_loss(gb.tensor([2.0, 0.0]), gb.tensor([1.0, 1.0]), gb.tensor([1.0, 1.0]))
    tensor(0.5)
    """
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same "
                           f"dimension but got sizes: input1: {list(input1.shape)}, input2: "
                           f"{list(input2.shape)}, target: {list(target.shape)}")
    loss = (-target * (input1 - input2) + margin).clamp(min=0.0)
    return _reduce(loss, _reduction(size_average, reduce, reduction))


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,  # noqa: A002
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """x where y = 1, max(0, margin - x) where y = -1 (x a distance: small for similar
    pairs, at least ``margin`` for dissimilar ones).

    As in torch, a target other than 1 and -1 counts both terms.

    Examples
    --------
    >>> import glassbox as gb
    >>> hinge_embedding_loss(gb.tensor([0.3, 0.4]), gb.tensor([1.0, -1.0]), reduction="none")
    tensor([0.3, 0.6])
    """
    target = _as_tensor(target, input)
    zeros = input.new_zeros(())
    margin_term = (margin - input).clamp(min=0.0).where(Tensor(target._data != 1), zeros)
    distance_term = input.where(Tensor(target._data != -1), zeros)
    return _reduce(margin_term + distance_term, _reduction(size_average, reduce, reduction))


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None,  # noqa: A002
                     reduce=None, reduction: str = "mean") -> Tensor:
    """Logistic loss of ±1 targets: log(1 + e^(-y x)), element-wise.

    Computed as softplus(-y x), which cannot overflow.

    Examples
    --------
    >>> import glassbox as gb
    >>> soft_margin_loss(gb.tensor([0.0]), gb.tensor([1.0]))
    tensor(0.6931)
    """
    loss = softplus(-_as_tensor(target, input) * input)
    return _reduce(loss, _reduction(size_average, reduce, reduction))


def multilabel_soft_margin_loss(input: Tensor, target: Tensor,  # noqa: A002
                                weight: Tensor | None = None, size_average=None, reduce=None,
                                reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of every label from logits, averaged over the C labels of each
    sample.

    .. math:: \\ell_n = -\\frac{1}{C} \\sum_c w_c [y_{nc} \\log \\sigma(x_{nc})
              + (1 - y_{nc}) \\log \\sigma(-x_{nc})]

    Examples
    --------
    >>> import glassbox as gb
    >>> multilabel_soft_margin_loss(gb.zeros(1, 2), gb.tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """
    target = _as_tensor(target, input)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]   # one value per sample
    return _reduce(loss, _reduction(size_average, reduce, reduction))


_COSINE_EPSILON = 1e-12  # torch's, added to each squared norm


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor,
                          margin: float = 0.0, size_average=None, reduce=None,
                          reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) for similar pairs (y = 1), max(0, cos(x1, x2) - margin) for
    dissimilar ones (y = -1); the cosine along the last dimension.

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.tensor([[1.0, 0.0]])
    >>> cosine_embedding_loss(x, gb.tensor([[0.0, 1.0]]), gb.tensor([1.0]))
    tensor(1.)
    """
    if target.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    dim = input1.ndim - 1
    product = (input1 * input2).sum(dim)
    # NOTE: torch's form: sqrt((|x1|^2 + eps) (|x2|^2 + eps)), no clamp
    squares = [(x * x).sum(dim) + _COSINE_EPSILON for x in (input1, input2)]
    cosine = product / (squares[0] * squares[1]).sqrt()
    zeros = cosine.new_zeros(())
    similar = (1 - cosine).where(Tensor(target._data == 1), zeros)
    dissimilar = (cosine - margin).clamp(min=0.0).where(Tensor(target._data == -1), zeros)
    return _reduce(similar + dissimilar, _reduction(size_average, reduce, reduction))


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-6,
                        swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)): the anchor nearer its positive than its
    negative by at least ``margin`` (d the p-norm distance of ``pairwise_distance``).

    With ``swap``, d(a, n) is replaced by min(d(a, n), d(p, n)) (the harder negative).

    Examples
    --------
    >>> import glassbox as gb
    >>> a, p_, n = gb.tensor([[0.0, 0.0]]), gb.tensor([[0.0, 1.0]]), gb.tensor([[3.0, 0.0]])
    >>> triplet_margin_loss(a, p_, n, eps=0.0)
    tensor(0.)
    """
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have "
                           f"the same number of dimensions, but got: anchor {anchor.ndim}D, "
                           f"positive {positive.ndim}D, and negative {negative.ndim}D inputs")
    distance_positive = pairwise_distance(anchor, positive, p, eps)
    distance_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        distance_negative = distance_negative.minimum(
            pairwise_distance(positive, negative, p, eps))
    loss = (margin + distance_positive - distance_negative).clamp(min=0.0)
    return _reduce(loss, _reduction(size_average, reduce, reduction))


def gaussian_nll_loss(input: Tensor, target: Tensor, var, full: bool = False,  # noqa: A002
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under N(input, var):
    0.5 (log var + (input - target)^2 / var) (+ 0.5 log 2 pi with ``full``).

    ``var`` has the input's shape (heteroscedastic), or one dimension fewer or of size 1
    (one variance shared along it), or is a float. Values below ``eps`` are raised to it
    in the value only (the gradient is that of the unclamped variance, as in torch).

    Examples
    --------
    >>> import glassbox as gb
    >>> gaussian_nll_loss(gb.tensor([1.0]), gb.tensor([3.0]), gb.tensor([4.0]))
    tensor(1.1931)
    """
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = input.new_full(input.shape, float(var))
    elif (var._data < 0).any():
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:  # one variance per vector: broadcast along -1
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and sum(
                b for a, b in zip(input.shape, var.shape) if a != b) == 1):
            raise ValueError(f"var is of incorrect size: expected the input's shape "
                             f"{list(input.shape)}, or it with one dimension dropped or of "
                             f"size 1; received {list(var.shape)}")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    # torch clamps a copy in place under no_grad: the value, not the gradient
    var = var + (var.clamp(min=eps) - var).detach()
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True,  # noqa: A002
                     full: bool = False, size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of counts ``target`` under Poisson(rate), dropping the
    constant log(target!) unless ``full``.

    .. math:: \\ell = e^{x} - t x \\quad (\\text{log\\_input}), \\qquad
              \\ell = x - t \\log(x + \\epsilon) \\quad (\\text{rate } x)

    ``full`` adds Stirling's approximation of log(t!), t log t - t + 0.5 log(2 pi t), for
    t > 1.

    Examples
    --------
    >>> import glassbox as gb
    >>> poisson_nll_loss(gb.tensor([0.0]), gb.tensor([1.0]))
    tensor(1.)
    """
    target = _as_tensor(target, input)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        above_one = Tensor(target._data > 1)
        safe = target.where(above_one, 1.0)  # log of 1 where the term is dropped
        stirling = safe * safe.log() - safe + 0.5 * (2 * math.pi * safe).log()
        loss = loss + stirling.where(above_one, 0.0)
    return _reduce(loss, _reduction(size_average, reduce, reduction))


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1,  # noqa: A002
                      margin: float = 1.0, weight: Tensor | None = None, size_average=None,
                      reduce=None, reduction: str = "mean") -> Tensor:
    """Multi-class hinge loss: every wrong class should score ``margin`` below the right one.

    .. math:: \\ell_n = \\frac{1}{C} \\sum_{i \\ne y_n} w_{y_n}
              \\max(0, \\text{margin} - x_{n, y_n} + x_{n, i})^p

    Parameters
    ----------
    input : Tensor of shape (N, C) or (C,)
    target : int64 Tensor of shape (N,) or ()
    p : {1, 2}, default=1
    margin : float, default=1.0
    weight : Tensor of shape (C,), optional

    See Also
    --------
    torch.nn.functional.multi_margin_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> multi_margin_loss(gb.tensor([[0.1, 0.2, 0.4, 0.8]]), gb.tensor([3]))
    tensor(0.325)
    """
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if input.ndim not in (1, 2) or input.numel() == 0:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: {list(input.shape)}")
    x = input if input.ndim == 2 else input.unsqueeze(0)         # (N, C)
    labels = target.numpy().reshape(-1).astype(np.int64)
    N, C = x.shape
    right = x[np.arange(N), labels].unsqueeze(1)                  # x[n, y_n], (N, 1)
    hinge = (margin - right + x).clamp(min=0.0)
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        hinge = hinge * weight[labels].unsqueeze(1)
    others = np.ones((N, C), dtype=x.dtype)
    others[np.arange(N), labels] = 0                              # the right class counts not
    loss = (hinge * Tensor(others)).sum(1) / C
    if input.ndim == 1:
        loss = loss.squeeze(0)
    return _reduce(loss, _reduction(size_average, reduce, reduction))


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function=None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> Tensor:
    """:func:`triplet_margin_loss` with any distance: max(0, margin + d(a, p) - d(a, n)).

    ``distance_function`` defaults to :func:`pairwise_distance`.

    See Also
    --------
    torch.nn.functional.triplet_margin_with_distance_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> a, p_, n = gb.tensor([[0.0]]), gb.tensor([[1.0]]), gb.tensor([[1.5]])
    >>> manhattan = lambda x, y: (x - y).abs().sum(-1)
    >>> triplet_margin_with_distance_loss(a, p_, n, distance_function=manhattan)
    tensor(0.5)
    """
    distance = pairwise_distance if distance_function is None else distance_function
    distance_positive = distance(anchor, positive)
    distance_negative = distance(anchor, negative)
    if swap:
        distance_negative = distance_negative.minimum(distance(positive, negative))
    loss = (margin + distance_positive - distance_negative).clamp(min=0.0)
    return _reduce(loss, reduction)
