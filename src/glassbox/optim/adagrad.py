"""Adagrad: each weight's step shrinks with the sum of its squared gradients so far."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from glassbox.optim.optimizer import Optimizer

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011), the twin of ``torch.optim.Adagrad``.

    One step (t counts from 1)::

        g_t <- -g_t                                   if maximize
        g_t <- g_t + lambda * theta                   if weight_decay
        lr_t = lr / (1 + (t - 1) * lr_decay)
        s_t = s_{t-1} + g_t^2                         (s_0 = initial_accumulator_value)
        theta <- theta - lr_t * g_t / (sqrt(s_t) + eps)

    Weights with large past gradients move less; rare features keep large steps.

    Parameters
    ----------
    params : iterable of Tensor or of dict
    lr : float, default=1e-2
    lr_decay : float, default=0
    weight_decay : float, default=0
    initial_accumulator_value : float, default=0
    eps : float, default=1e-10
    maximize : bool, default=False

    See Also
    --------
    torch.optim.Adagrad

    Examples
    --------
    >>> import glassbox as gb
    >>> w = gb.nn.Parameter(gb.tensor([1.0, -2.0]))
    >>> opt = Adagrad([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.numpy().round(4)   # the first step is lr * sign(g): g / sqrt(g^2)
    array([ 0.9, -1.9], dtype=float32)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, foreach=None, *, maximize: bool = False) -> None:
        for name, value in (("learning rate", lr), ("lr_decay value", lr_decay),
                            ("weight_decay value", weight_decay),
                            ("initial_accumulator_value", initial_accumulator_value),
                            ("epsilon value", eps)):
            if not 0.0 <= value:
                raise ValueError(f"Invalid {name}: {value}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "maximize": maximize}
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one update of every parameter that has a gradient; returns the
        closure's loss (or None)."""
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            lr, lr_decay, eps = float(group["lr"]), float(group["lr_decay"]), float(group["eps"])
            weight_decay = float(group["weight_decay"])
            for p in self._params_with_grad(group):
                theta = p._data
                grad = -p.grad._data if group["maximize"] else p.grad._data
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0.0
                    state["sum"] = np.full_like(theta, group["initial_accumulator_value"])
                state["step"] += 1
                if weight_decay != 0:
                    grad = grad + weight_decay * theta  # g + lambda * theta
                clr = lr / (1 + (state["step"] - 1) * lr_decay)
                state["sum"] += grad * grad  # s = s + g^2
                theta -= clr * (grad / (np.sqrt(state["sum"]) + eps))
        return loss
