"""Loss layers: each stores its settings and calls the function in ``functional``."""

from __future__ import annotations

from glassbox.autograd.tensor import Tensor
from glassbox.nn import functional as F
from glassbox.nn.functional import _legacy_reduction
from glassbox.nn.modules.module import Module

__all__ = ["MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
           "SmoothL1Loss", "HuberLoss", "KLDivLoss"]


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
