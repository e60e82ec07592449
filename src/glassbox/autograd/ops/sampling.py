"""Random draws from probabilities held in a Tensor: ``bernoulli``.

``bernoulli(p)`` is 1 with probability p_i and 0 otherwise, element by element: a
uniform draw u_i in [0, 1) and the test u_i < p_i. It draws from glassbox's global
generator (seeded by :func:`glassbox.manual_seed`) unless given its own. As in torch,
the result is part of the graph but its gradient is zero: a draw is piecewise constant
in p (the score-function and reparameterisation tricks are how one differentiates
through sampling).
"""

from __future__ import annotations

import numpy as np

from glassbox import _random
from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor

__all__ = ["Bernoulli", "bernoulli", "check_probability"]


def check_probability(p: float, name: str = "bernoulli_") -> float:
    """``p`` as a float, refused (torch's RuntimeError) outside [0, 1]."""
    if not 0.0 <= float(p) <= 1.0:
        raise RuntimeError(f"{name} expects p to be in [0, 1], but got p={p}")
    return float(p)


class Bernoulli(Function):
    """1 with probability p (element-wise), 0 otherwise; zero gradient."""

    backward_name = "BernoulliBackward0"

    @staticmethod
    def forward(ctx, probabilities, generator):
        p = probabilities._data
        if p.size and not (np.all(p >= 0) and np.all(p <= 1)):
            raise RuntimeError(
                f"bernoulli: every probability in input must be in [0, 1]; received values "
                f"from {np.nanmin(p)} to {np.nanmax(p)} (torch: \"Expected p_in >= 0 && "
                f"p_in <= 1 to be true\"). Clamp them, or apply sigmoid to logits first.")
        draws = generator.random(p.shape) < p
        return draws.astype(p.dtype if p.dtype.kind == "f" else np.float32)

    @staticmethod
    def backward(ctx, grad_output):
        # a draw does not change when p moves a little: d(draw)/dp = 0
        return grad_output.new_zeros(grad_output.shape), None


def bernoulli(input: Tensor, p: float | None = None, *, generator=None) -> Tensor:  # noqa: A002
    """Draws of 0 or 1: 1 with probability ``input`` (element-wise), or with probability
    ``p`` for every element (then ``input`` gives only the shape and dtype).

    Parameters
    ----------
    input : Tensor of probabilities in [0, 1]
    p : float in [0, 1], optional
        One probability for every element instead of ``input``'s values.
    generator : numpy.random.Generator, optional
        Defaults to glassbox's global generator (seeded by ``manual_seed``).

    Returns
    -------
    Tensor of the shape and dtype of ``input``

    See Also
    --------
    torch.bernoulli

    Examples
    --------
    >>> import glassbox as gb
    >>> _ = gb.manual_seed(0)
    >>> gb.bernoulli(gb.tensor([0.0, 1.0, 1.0, 0.0]))
    tensor([0., 1., 1., 0.])
    """
    generator = generator if generator is not None else _random.default_generator()
    if p is not None:
        probability = check_probability(p, "bernoulli")
        return Tensor((generator.random(input.shape) < probability).astype(input.dtype))
    return Bernoulli.apply(input, generator)
