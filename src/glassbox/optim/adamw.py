"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from glassbox.optim.adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    r"""AdamW, the twin of ``torch.optim.AdamW``: Adam whose weight decay is not adaptive.

    In :class:`Adam`, an L2 penalty is added to the gradient and then divided by
    :math:`\sqrt{\hat v}` like the rest of it, so weights with large gradients are barely
    decayed. AdamW shrinks the weights directly, before the Adam step::

        theta <- theta - lr * lambda * theta
        theta <- theta - lr * m_hat / (sqrt(v_hat) + eps)      (the Adam step)

    Parameters
    ----------
    params : iterable of Parameter or of dict
        Parameters to optimize, or parameter groups (see :class:`Optimizer`).
    lr : float, default=1e-3
    betas : tuple of (float, float), default=(0.9, 0.999)
    eps : float, default=1e-8
    weight_decay : float, default=1e-2
        Decoupled weight decay :math:`\lambda`.
    amsgrad : bool, default=False
    maximize : bool, default=False

    See Also
    --------
    torch.optim.AdamW : the twin.
    Adam : the coupled (L2) form.

    Examples
    --------
    >>> import glassbox as gb
    >>> w = gb.nn.Parameter(gb.tensor([1.0]))
    >>> opt = gb.optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> w.grad = gb.tensor([0.0])      # no gradient: only the decay acts
    >>> opt.step()
    >>> w.numpy()                       # 1 - 0.1 * 0.5 * 1
    array([0.95], dtype=float32)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
