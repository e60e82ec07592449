"""Adadelta: a step whose size is learned from running averages of past gradients and steps."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from glassbox.optim.optimizer import Optimizer

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012), the twin of ``torch.optim.Adadelta``.

    One step with decay rate :math:`\rho`::

        g_t <- -g_t                                        if maximize
        g_t <- g_t + lambda * theta                        if weight_decay
        v_t = rho * v_{t-1} + (1 - rho) * g_t^2            (mean square of gradients)
        d_t = sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g_t  (the step, in theta's units)
        u_t = rho * u_{t-1} + (1 - rho) * d_t^2            (mean square of steps)
        theta <- theta - lr * d_t

    Parameters
    ----------
    params : iterable of Tensor or of dict
    lr : float, default=1.0
        Scales the step (Zeiler's method has none: 1).
    rho : float, default=0.9
    eps : float, default=1e-6
    weight_decay : float, default=0
    maximize : bool, default=False

    See Also
    --------
    torch.optim.Adadelta

    Examples
    --------
    >>> import glassbox as gb
    >>> w = gb.nn.Parameter(gb.tensor([1.0]))
    >>> opt = Adadelta([w])
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.numpy().round(5)   # sqrt(1e-6) / sqrt(0.1 * 4 + 1e-6) * 2 = 0.00316
    array([0.99684], dtype=float32)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1.0, rho: float = 0.9,
                 eps: float = 1e-6, weight_decay: float = 0, foreach=None, *,
                 capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize}
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one update of every parameter that has a gradient; returns the
        closure's loss (or None)."""
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            lr, rho, eps = float(group["lr"]), float(group["rho"]), float(group["eps"])
            weight_decay = float(group["weight_decay"])
            for p in self._params_with_grad(group):
                theta = p._data
                grad = -p.grad._data if group["maximize"] else p.grad._data
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0.0
                    state["square_avg"] = np.zeros_like(theta)
                    state["acc_delta"] = np.zeros_like(theta)
                state["step"] += 1
                if weight_decay != 0:
                    grad = grad + weight_decay * theta  # g + lambda * theta
                square_avg, acc_delta = state["square_avg"], state["acc_delta"]
                square_avg *= rho  # v = rho v + (1 - rho) g^2
                square_avg += (1 - rho) * grad * grad
                delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
                acc_delta *= rho  # u = rho u + (1 - rho) d^2
                acc_delta += (1 - rho) * delta * delta
                theta -= lr * delta
        return loss
