"""Adam: adaptive moment estimation (Kingma & Ba, 2015), with AMSGrad."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from glassbox.autograd._parallel import elementwise
from glassbox.optim.optimizer import Optimizer

__all__ = ["Adam"]

# NOTE: set False to run the update as written in ``Adam.step`` (the teaching path, one
# temporary array per term); True runs the same operations in the same order inside one
# scratch buffer per parameter (``_adam_update_in_place``), a third fewer passes over
# memory. The tests check both give the same parameters, bit for bit.
_IN_PLACE = True


def _adam_update_in_place(theta, grad, m, v, state, amsgrad, beta1, beta2, eps, step_size,
                          bias_correction2_sqrt) -> None:
    """``Adam.step``'s update of one parameter, each term written into one scratch array
    (and, on a large parameter, pieces of it updated on glassbox's threads at once)."""

    def update(theta, grad, m, v, *v_max):
        scratch = np.subtract(grad, m, out=np.empty_like(m))  # g - m (an array, 0-d too)
        scratch *= 1 - beta1
        m += scratch                                       # m <- m + (1 - beta1)(g - m)
        v *= beta2
        np.multiply(grad, 1 - beta2, out=scratch)
        scratch *= grad
        v += scratch                                       # v <- beta2 v + (1 - beta2) g^2
        if v_max:
            v = np.maximum(v_max[0], v, out=v_max[0])
        np.sqrt(v, out=scratch)
        scratch /= bias_correction2_sqrt
        scratch += eps                                     # denom = sqrt(v_hat) + eps
        np.divide(m, scratch, out=scratch)
        scratch *= step_size
        theta -= scratch                                   # theta <- theta - lr m_hat / denom

    v_max = (state["max_exp_avg_sq"],) if amsgrad else ()
    elementwise(update, theta, grad, m, v, *v_max)  # each element on its own: split freely


class Adam(Optimizer):
    r"""Adam, the twin of ``torch.optim.Adam``: a step per parameter scaled by its own history.

    Adam keeps two exponential moving averages per parameter: :math:`m` of the gradient
    (a momentum, the *first moment*) and :math:`v` of the squared gradient (the *second
    moment*, how large the gradient usually is). The step divides one by the square root
    of the other, so every weight moves by about ``lr`` whatever the scale of its
    gradient. At step :math:`t`::

        g_t <- -g_t                                   if maximize
        g_t <- g_t + lambda * theta                   if weight_decay (L2, coupled)
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t     (first moment)
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2   (second moment)
        m_hat = m_t / (1 - beta1^t)                   (bias corrections: m_0 = v_0 = 0
        v_hat = v_t / (1 - beta2^t)                    pull the early averages to 0)
        v_max = max(v_max, v_t)                       if amsgrad; then v_hat uses v_max
        theta <- theta - lr * m_hat / (sqrt(v_hat) + eps)

    Parameters
    ----------
    params : iterable of Parameter or of dict
        Parameters to optimize, or parameter groups (see :class:`Optimizer`).
    lr : float, default=1e-3
        Learning rate.
    betas : tuple of (float, float), default=(0.9, 0.999)
        Decay rates of the first and second moment averages.
    eps : float, default=1e-8
        Added to the denominator for numerical stability.
    weight_decay : float, default=0
        L2 penalty, added to the gradient (see :class:`AdamW` for the decoupled form).
    amsgrad : bool, default=False
        Use the largest second moment seen so far (AMSGrad), so steps never grow back.
    maximize : bool, default=False
        Maximize the objective instead of minimizing it.
    decoupled_weight_decay : bool, default=False
        Apply the weight decay to the parameter directly (this makes Adam AdamW).

    See Also
    --------
    torch.optim.Adam : the twin.
    AdamW : Adam with decoupled weight decay.

    Examples
    --------
    >>> import glassbox as gb
    >>> w = gb.nn.Parameter(gb.tensor([1.0, -2.0]))
    >>> opt = gb.optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.numpy().round(4)     # the first step moves each weight by about lr
    array([ 0.9, -1.9], dtype=float32)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "betas": (float(betas[0]), float(betas[1])), "eps": eps,
                    "weight_decay": weight_decay, "amsgrad": amsgrad, "maximize": maximize,
                    "decoupled_weight_decay": decoupled_weight_decay}
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
            beta1, beta2 = (float(beta) for beta in group["betas"])
            eps = float(group["eps"])
            weight_decay = float(group["weight_decay"])
            for p in self._params_with_grad(group):
                theta = p._data
                grad = -p.grad._data if group["maximize"] else p.grad._data
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0.0
                    state["exp_avg"] = np.zeros_like(theta)
                    state["exp_avg_sq"] = np.zeros_like(theta)
                    if group["amsgrad"]:
                        state["max_exp_avg_sq"] = np.zeros_like(theta)
                state["step"] += 1
                t = state["step"]

                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        theta *= 1 - lr * weight_decay  # theta <- theta - lr * lambda * theta
                    else:
                        grad = grad + weight_decay * theta  # g <- g + lambda * theta

                m, v = state["exp_avg"], state["exp_avg_sq"]
                bias_correction1 = 1 - beta1**t
                bias_correction2_sqrt = (1 - beta2**t) ** 0.5
                step_size = lr / bias_correction1
                if _IN_PLACE and grad.dtype == theta.dtype:
                    _adam_update_in_place(theta, grad, m, v, state, group["amsgrad"], beta1,
                                          beta2, eps, step_size, bias_correction2_sqrt)
                    continue

                # m <- beta1 m + (1 - beta1) g, written as torch's lerp m + (1 - beta1)(g - m)
                m += (1 - beta1) * (grad - m)
                v *= beta2  # v <- beta2 v + (1 - beta2) g^2
                v += (1 - beta2) * grad * grad

                if group["amsgrad"]:
                    v_max = state["max_exp_avg_sq"]
                    np.maximum(v_max, v, out=v_max)
                    v = v_max
                # sqrt(v_hat) + eps = sqrt(v) / sqrt(1 - beta2^t) + eps
                denom = np.sqrt(v) / bias_correction2_sqrt + eps
                # theta <- theta - lr * m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - beta1^t)
                theta -= step_size * (m / denom)
        return loss
