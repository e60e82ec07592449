"""Loss layers: each stores its settings and calls the function in ``functional``."""

from __future__ import annotations

from glassbox.autograd.tensor import Tensor
from glassbox.nn import functional as F
from glassbox.nn.functional import _legacy_reduction
from glassbox.nn.modules.module import Module

__all__ = ["MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
           "SmoothL1Loss", "HuberLoss", "KLDivLoss", "MarginRankingLoss", "HingeEmbeddingLoss",
           "SoftMarginLoss", "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss",
           "TripletMarginLoss", "GaussianNLLLoss", "PoissonNLLLoss", "MultiMarginLoss",
           "TripletMarginWithDistanceLoss"]


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _legacy_reduction(size_average, reduce, reduction)


class _WeightedLoss(_Loss):
    def __init__(self, weight: Tensor | None = None, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        # NOTE: a buffer, as in torch, so the class weights are in the state_dict
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error: reduce((input - target)^2).

    See Also
    --------
    torch.nn.MSELoss

    Examples
    --------
    >>> import glassbox as gb
    >>> MSELoss()(gb.tensor([1.0, 3.0]), gb.tensor([1.0, 1.0]))
    tensor(2.)
    """

    def forward(self, input, target):  # noqa: A002
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: reduce(|input - target|).

    See Also
    --------
    torch.nn.L1Loss

    Examples
    --------
    >>> import glassbox as gb
    >>> L1Loss()(gb.tensor([1.0, 3.0]), gb.tensor([1.0, 1.0]))
    tensor(1.)
    """

    def forward(self, input, target):  # noqa: A002
        return F.l1_loss(input, target, reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of softmax(input) against class indices or class probabilities.

    See :func:`glassbox.nn.functional.cross_entropy` for the formula and shapes.

    Parameters
    ----------
    weight : Tensor of shape (C,), optional
    ignore_index : int, default=-100
    reduction : {'mean', 'sum', 'none'}, default='mean'
    label_smoothing : float, default=0.0

    See Also
    --------
    torch.nn.CrossEntropyLoss

    Examples
    --------
    >>> import glassbox as gb
    >>> round(CrossEntropyLoss()(gb.zeros(3, 2), gb.tensor([0, 1, 1])).item(), 4)
    0.6931
    """

    def __init__(self, weight: Tensor | None = None, size_average=None,
                 ignore_index: int = -100, reduce=None, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):  # noqa: A002
        return F.cross_entropy(input, target, weight=self.weight,
                               ignore_index=self.ignore_index, reduction=self.reduction,
                               label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of the target classes given log-probabilities.

    Parameters
    ----------
    weight : Tensor of shape (C,), optional
    ignore_index : int, default=-100
    reduction : {'mean', 'sum', 'none'}, default='mean'

    See Also
    --------
    torch.nn.NLLLoss

    Examples
    --------
    >>> import glassbox as gb
    >>> NLLLoss()(gb.tensor([[-1.0, -2.0]]), gb.tensor([0]))
    tensor(1.)
    """

    def __init__(self, weight: Tensor | None = None, size_average=None,
                 ignore_index: int = -100, reduce=None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):  # noqa: A002
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy between probabilities and targets.

    Parameters
    ----------
    weight : Tensor broadcastable to the input, optional
    reduction : {'mean', 'sum', 'none'}, default='mean'

    See Also
    --------
    torch.nn.BCELoss

    Examples
    --------
    >>> import glassbox as gb
    >>> round(BCELoss()(gb.tensor([0.5]), gb.tensor([0.0])).item(), 4)
    0.6931
    """

    def forward(self, input, target):  # noqa: A002
        return F.binary_cross_entropy(input, target, weight=self.weight,
                                      reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid plus binary cross-entropy in one numerically stable step.

    Parameters
    ----------
    weight : Tensor broadcastable to the input, optional
    reduction : {'mean', 'sum', 'none'}, default='mean'
    pos_weight : Tensor broadcastable to the input, optional
        Weight of positive examples (one per class).

    See Also
    --------
    torch.nn.BCEWithLogitsLoss

    Examples
    --------
    >>> import glassbox as gb
    >>> round(BCEWithLogitsLoss()(gb.zeros(2), gb.ones(2)).item(), 4)
    0.6931
    """

    def __init__(self, weight: Tensor | None = None, size_average=None, reduce=None,
                 reduction: str = "mean", pos_weight: Tensor | None = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):  # noqa: A002
        return F.binary_cross_entropy_with_logits(input, target, weight=self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class SmoothL1Loss(_Loss):
    """Squared error below ``beta``, absolute error above (see ``F.smooth_l1_loss``).

    See Also
    --------
    torch.nn.SmoothL1Loss

    Examples
    --------
    >>> import glassbox as gb
    >>> SmoothL1Loss()(gb.tensor([0.5, 3.0]), gb.tensor([0.0, 0.0]))
    tensor(1.3125)
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):  # noqa: A002
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Squared error below ``delta``, delta times absolute error above (``F.huber_loss``).

    See Also
    --------
    torch.nn.HuberLoss

    Examples
    --------
    >>> import glassbox as gb
    >>> HuberLoss(delta=2.0)(gb.tensor([0.5, 3.0]), gb.tensor([0.0, 0.0]))
    tensor(2.0625)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):  # noqa: A002
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence of the model's log-probabilities ``input`` from the
    ``target`` distribution: t (log t - input), reduced.

    Parameters
    ----------
    reduction : {'mean', 'batchmean', 'sum', 'none'}, default='mean'
        Use 'batchmean' for the KL divergence per sample ('mean' divides by every element,
        as torch does, with its warning).
    log_target : bool, default=False
        The target holds log-probabilities.

    See Also
    --------
    torch.nn.KLDivLoss, glassbox.nn.functional.kl_div

    Examples
    --------
    >>> import glassbox as gb
    >>> loss = KLDivLoss(reduction="batchmean")
    >>> loss(gb.tensor([[0.5, 0.5]]).log(), gb.tensor([[0.5, 0.5]]))
    tensor(0.)
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):  # noqa: A002
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class MarginRankingLoss(_Loss):
    """max(0, -y (x1 - x2) + margin): x1 should rank above x2 where y = 1, below where
    y = -1.

    See Also
    --------
    torch.nn.MarginRankingLoss, glassbox.nn.functional.margin_ranking_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> MarginRankingLoss(margin=1.0)(gb.tensor([2.0]), gb.tensor([1.5]), gb.tensor([1.0]))
    tensor(0.5)
    """

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, self.margin,
                                     reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """x where y = 1, max(0, margin - x) where y = -1 (x a distance between a pair).

    See Also
    --------
    torch.nn.HingeEmbeddingLoss, glassbox.nn.functional.hinge_embedding_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> HingeEmbeddingLoss()(gb.tensor([0.5]), gb.tensor([-1.0]))
    tensor(0.5)
    """

    def __init__(self, margin: float = 1.0, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input, target):  # noqa: A002
        return F.hinge_embedding_loss(input, target, self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """log(1 + e^(-y x)) for targets y = ±1 (logistic loss).

    See Also
    --------
    torch.nn.SoftMarginLoss, glassbox.nn.functional.soft_margin_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> SoftMarginLoss()(gb.tensor([0.0]), gb.tensor([-1.0]))
    tensor(0.6931)
    """

    def forward(self, input, target):  # noqa: A002
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Binary cross-entropy from logits of each of C labels, averaged over the labels.

    Parameters
    ----------
    weight : Tensor of shape (C,), optional
        A weight per label (a buffer, as in torch).

    See Also
    --------
    torch.nn.MultiLabelSoftMarginLoss, glassbox.nn.functional.multilabel_soft_margin_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> MultiLabelSoftMarginLoss()(gb.zeros(2, 3), gb.ones(2, 3))
    tensor(0.6931)
    """

    def forward(self, input, target):  # noqa: A002
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight,
                                             reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1.

    See Also
    --------
    torch.nn.CosineEmbeddingLoss, glassbox.nn.functional.cosine_embedding_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> CosineEmbeddingLoss()(gb.tensor([[1.0, 1.0]]), gb.tensor([[2.0, 2.0]]), gb.tensor([1.0]))
    tensor(0.)
    """

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(input1, input2, target, self.margin,
                                       reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the p-norm distance.

    Parameters
    ----------
    margin : float, default=1.0
    p : float, default=2.0
    eps : float, default=1e-6
    swap : bool, default=False
        Use the harder of d(anchor, negative) and d(positive, negative).

    See Also
    --------
    torch.nn.TripletMarginLoss, glassbox.nn.functional.triplet_margin_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> loss = TripletMarginLoss(margin=1.0, eps=0.0)
    >>> loss(gb.tensor([[0.0]]), gb.tensor([[1.0]]), gb.tensor([[1.5]]))
    tensor(0.5)
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                 swap: bool = False, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p,
                                     eps=self.eps, swap=self.swap, reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Negative log-likelihood of the target under N(input, var), up to a constant:
    0.5 (log var + (input - target)^2 / var).

    Parameters
    ----------
    full : bool, default=False (keyword only)
        Add the constant 0.5 log(2 pi).
    eps : float, default=1e-6 (keyword only)
        The smallest variance used (value only).

    See Also
    --------
    torch.nn.GaussianNLLLoss, glassbox.nn.functional.gaussian_nll_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> GaussianNLLLoss()(gb.tensor([0.0]), gb.tensor([1.0]), gb.tensor([1.0]))
    tensor(0.5)
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6,
                 reduction: str = "mean") -> None:
        super().__init__(None, None, reduction)
        self.full = full
        self.eps = eps

    def forward(self, input, target, var):  # noqa: A002
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                   reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Negative log-likelihood of counts under a Poisson rate: e^x - t x (``log_input``)
    or x - t log(x + eps).

    Parameters
    ----------
    log_input : bool, default=True
        The input is the log of the rate.
    full : bool, default=False
        Add Stirling's approximation of log(t!).
    eps : float, default=1e-8

    See Also
    --------
    torch.nn.PoissonNLLLoss, glassbox.nn.functional.poisson_nll_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> PoissonNLLLoss()(gb.tensor([0.0]), gb.tensor([2.0]))
    tensor(1.)
    """

    def __init__(self, log_input: bool = True, full: bool = False, size_average=None,
                 eps: float = 1e-8, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full,
                                  eps=self.eps, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """Multi-class hinge loss: sum over wrong classes i of max(0, margin - x[y] + x[i])^p,
    divided by the number of classes.

    Parameters
    ----------
    p : {1, 2}, default=1
    margin : float, default=1.0
    weight : Tensor of shape (C,), optional (a buffer)

    See Also
    --------
    torch.nn.MultiMarginLoss, glassbox.nn.functional.multi_margin_loss

    Examples
    --------
    >>> import glassbox as gb
    >>> MultiMarginLoss()(gb.tensor([[0.1, 0.2, 0.4, 0.8]]), gb.tensor([3]))
    tensor(0.325)
    """

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                 size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        if weight is not None and weight.ndim != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got "
                             f"{weight.ndim}D instead")
        self.p = p
        self.margin = margin

    def forward(self, input, target):  # noqa: A002
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin,
                                   weight=self.weight, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) with any distance d.

    Parameters
    ----------
    distance_function : callable, optional (keyword only)
        Defaults to :class:`PairwiseDistance` (kept as a child module, as in torch).
    margin : float, default=1.0
    swap : bool, default=False

    See Also
    --------
    torch.nn.TripletMarginWithDistanceLoss

    Examples
    --------
    >>> import glassbox as gb
    >>> loss = TripletMarginWithDistanceLoss()
    >>> loss(gb.tensor([[0.0]]), gb.tensor([[1.0]]), gb.tensor([[3.0]]))
    tensor(0.)
    """

    def __init__(self, *, distance_function=None, margin: float = 1.0, swap: bool = False,
                 reduction: str = "mean") -> None:
        from glassbox.nn.modules.distance import PairwiseDistance

        super().__init__(None, None, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater "
                             f"than 0, got {margin} instead")
        self.distance_function = (distance_function if distance_function is not None
                                  else PairwiseDistance())
        self.margin = margin
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function,
            margin=self.margin, swap=self.swap, reduction=self.reduction)
