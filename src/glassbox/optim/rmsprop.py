"""RMSprop: divide each gradient by a running root-mean-square of its recent values."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from glassbox.optim.optimizer import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e), the twin of ``torch.optim.RMSprop``.

    One step with smoothing constant :math:`\alpha`::

        g_t <- -g_t                                     if maximize
        g_t <- g_t + lambda * theta                     if weight_decay
        v_t = alpha * v_{t-1} + (1 - alpha) * g_t^2     (mean square)
        avg = sqrt(v_t)                                 or, if centered,
        gbar_t = alpha * gbar_{t-1} + (1 - alpha) g_t,  avg = sqrt(v_t - gbar_t^2)
                                                        (a running standard deviation)
        b_t = mu * b_{t-1} + g_t / (avg + eps);  theta <- theta - lr * b_t   if momentum > 0
        theta <- theta - lr * g_t / (avg + eps)                              otherwise

    Parameters
    ----------
    params : iterable of Parameter or of dict
        Parameters to optimize, or parameter groups (see :class:`Optimizer`).
    lr : float, default=1e-2
    alpha : float, default=0.99
        Smoothing constant of the mean square.
    eps : float, default=1e-8
    weight_decay : float, default=0
    momentum : float, default=0
    centered : bool, default=False
        Normalise by the estimated variance of the gradient instead of its mean square.
    maximize : bool, default=False

    See Also
    --------
    torch.optim.RMSprop : the twin.

    Examples
    --------
    >>> import glassbox as gb
    >>> w = gb.nn.Parameter(gb.tensor([1.0, -2.0]))
    >>> opt = gb.optim.RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.numpy().round(4)  # first step: g / sqrt(0.01 g^2) = 10 sign(g), times lr
    array([ 0.9, -1.9], dtype=float32)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, *, maximize: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay, "maximize": maximize}
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
            alpha = float(group["alpha"])
            eps = float(group["eps"])
            momentum = float(group["momentum"])
            weight_decay = float(group["weight_decay"])
            for p in self._params_with_grad(group):
                theta = p._data
                grad = -p.grad._data if group["maximize"] else p.grad._data
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0.0
                    state["square_avg"] = np.zeros_like(theta)
                    if momentum > 0:
                        state["momentum_buffer"] = np.zeros_like(theta)
                    if group["centered"]:
                        state["grad_avg"] = np.zeros_like(theta)
                state["step"] += 1

                if weight_decay != 0:
                    grad = grad + weight_decay * theta  # g + lambda * theta
                square_avg = state["square_avg"]
                square_avg *= alpha  # v = alpha v + (1 - alpha) g^2
                square_avg += (1 - alpha) * grad * grad
                if group["centered"]:
                    grad_avg = state["grad_avg"]
                    grad_avg += (1 - alpha) * (grad - grad_avg)  # lerp towards g
                    avg = np.sqrt(square_avg - grad_avg * grad_avg)  # sqrt(E[g^2] - E[g]^2)
                else:
                    avg = np.sqrt(square_avg)
                avg += eps

                if momentum > 0:
                    buf = state["momentum_buffer"]
                    buf *= momentum  # b = mu b + g / (avg + eps)
                    buf += grad / avg
                    theta -= lr * buf
                else:
                    theta -= lr * (grad / avg)
        return loss
