"""Gradient clipping: rescale (``clip_grad_norm_``) or cut (``clip_grad_value_``) gradients.

Both work in place on each parameter's ``.grad``, outside the graph, between
``loss.backward()`` and ``optimizer.step()``.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _gradients(parameters) -> list[np.ndarray]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad.numpy() for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

    total = ||(g_1, ..., g_k)||_p over every gradient element; each g becomes
    g * min(1, max_norm / (total + 1e-6)).

    Parameters
    ----------
    parameters : Tensor or iterable of Tensor
    max_norm : float
    norm_type : float, default=2.0
        p of the p-norm (``float("inf")`` for the largest absolute value).
    error_if_nonfinite : bool, default=False
        Raise when the total norm is NaN or infinite instead of scaling by it.

    Returns
    -------
    Tensor
        The total norm before clipping (a 0-d Tensor).

    See Also
    --------
    torch.nn.utils.clip_grad_norm_

    Examples
    --------
    >>> import glassbox as gb
    >>> from glassbox.nn.utils import clip_grad_norm_
    >>> p = gb.nn.Parameter(gb.zeros(2))
    >>> p.grad = gb.tensor([3., 4.])
    >>> clip_grad_norm_([p], max_norm=1.0)
    tensor(5.)
    >>> p.grad
    tensor([0.6, 0.8])
    """
    grads = _gradients(parameters)
    if not grads:
        return Tensor(np.asarray(0.0, dtype=np.float32))
    dtype = grads[0].dtype
    norm_type = float(norm_type)
    if norm_type == float("inf"):
        total = max(float(np.abs(g).max()) if g.size else 0.0 for g in grads)
    else:
        # ||g||_p of all elements = (sum over tensors of ||g_i||_p^p)^(1/p)
        total = float(sum(float((np.abs(g.astype(np.float64)) ** norm_type).sum())
                          for g in grads) ** (1.0 / norm_type))
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           f"`parameters` is non-finite, so it cannot be clipped. To disable "
                           f"this error and scale the gradients by the non-finite norm "
                           f"anyway, set `error_if_nonfinite=False`")
    scale = max_norm / (total + 1e-6)
    if scale < 1:
        for g in grads:
            g *= dtype.type(scale)
    return Tensor(np.asarray(total, dtype=dtype))


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clip every gradient element to [-clip_value, clip_value], in place.

    See Also
    --------
    torch.nn.utils.clip_grad_value_

    Examples
    --------
    >>> import glassbox as gb
    >>> from glassbox.nn.utils import clip_grad_value_
    >>> p = gb.nn.Parameter(gb.zeros(2))
    >>> p.grad = gb.tensor([-3., 0.5])
    >>> clip_grad_value_([p], 1.0)
    >>> p.grad
    tensor([-1. ,  0.5])
    """
    clip_value = float(clip_value)
    for g in _gradients(parameters):
        np.clip(g, -clip_value, clip_value, out=g)
