"""Stochastic gradient descent, with momentum, Nesterov momentum and weight decay."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from glassbox.optim.optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum), the twin of ``torch.optim.SGD``.

    With learning rate :math:`\gamma`, weight decay :math:`\lambda`, momentum :math:`\mu`
    and dampening :math:`\tau`, one step on the gradient :math:`g_t` of the mini-batch
    loss is::

        g_t <- -g_t                          if maximize
        g_t <- g_t + lambda * theta          if weight_decay != 0   (L2 penalty)
        b_t <- g_t                           at the first step      (momentum buffer)
        b_t <- mu * b_{t-1} + (1 - tau) g_t  afterwards
        g_t <- g_t + mu * b_t  (nesterov)  or  g_t <- b_t           if momentum != 0
        theta <- theta - gamma * g_t

    Momentum keeps a running sum of past gradients: along a direction where the gradients
    agree the steps add up (about ``1 / (1 - mu)`` times larger), and across a narrow
    valley, where they alternate in sign, they cancel.

    Parameters
    ----------
    params : iterable of Parameter or of dict
        Parameters to optimize, or parameter groups (see :class:`Optimizer`).
    lr : float, default=1e-3
        Learning rate :math:`\gamma`.
    momentum : float, default=0
        Momentum factor :math:`\mu`.
    dampening : float, default=0
        Dampening :math:`\tau` of the gradient added to the momentum buffer.
    weight_decay : float, default=0
        L2 penalty :math:`\lambda`.
    nesterov : bool, default=False
        Nesterov momentum: step along ``g + mu * b`` (a look-ahead) instead of ``b``.
    maximize : bool, default=False
        Maximize the objective instead of minimizing it.

    See Also
    --------
    torch.optim.SGD : the twin.

    Examples
    --------
    >>> import glassbox as gb
    >>> w = gb.nn.Parameter(gb.tensor([1.0, -2.0]))
    >>> opt = gb.optim.SGD([w], lr=0.1)
    >>> (w * w).sum().backward()         # d(w^2)/dw = 2w
    >>> opt.step()
    >>> w.numpy()                         # w - 0.1 * 2w
    array([ 0.8, -1.6], dtype=float32)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize}
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one update of every parameter that has a gradient.

        Parameters
        ----------
        closure : callable, optional
            Re-evaluates the model and returns the loss (called before the update).

        Returns
        -------
        The closure's loss, or None.
        """
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            lr = float(group["lr"])
            momentum = float(group["momentum"])
            dampening = float(group["dampening"])
            weight_decay = float(group["weight_decay"])
            for p in self._params_with_grad(group):
                theta = p._data
                grad = -p.grad._data if group["maximize"] else p.grad._data
                if weight_decay != 0:
                    grad = grad + weight_decay * theta  # g + lambda * theta
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = np.array(grad, copy=True)  # b_1 = g_1 (an array, 0-d too)
                        state["momentum_buffer"] = buf
                    else:
                        buf *= momentum  # b_t = mu * b_{t-1} + (1 - tau) * g_t
                        buf += (1 - dampening) * grad
                    grad = grad + momentum * buf if group["nesterov"] else buf
                theta -= lr * grad  # theta_t = theta_{t-1} - gamma * g_t
        return loss
