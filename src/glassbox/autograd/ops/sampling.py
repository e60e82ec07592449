"""Random draws whose parameters are held in Tensors: ``bernoulli`` and ``normal``.

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

__all__ = ["Bernoulli", "bernoulli", "check_probability", "Normal", "normal"]


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


class Normal(Function):
    """mean + std * z with z ~ N(0, 1), element-wise (broadcast); zero gradient, as
    torch's ``normal`` (use ``mean + std * randn_like(mean)`` to differentiate through
    the draw: the reparameterisation trick)."""

    backward_name = "NormalBackward3"

    @staticmethod
    def forward(ctx, mean, std, generator):
        ctx.shapes = (mean.shape, std.shape)
        if (std._data < 0).any():
            raise RuntimeError(f"normal expects all elements of std >= 0.0; received "
                               f"{std._data.min()}")
        mu, sigma = np.broadcast_arrays(mean._data, std._data)
        dtype = np.result_type(mean.dtype, std.dtype)
        return (mu + sigma * generator.standard_normal(mu.shape)).astype(dtype)

    @staticmethod
    def backward(ctx, grad_output):
        mean_shape, std_shape = ctx.shapes
        # a draw is not a differentiable function of (mean, std) here: 0, as torch
        return (grad_output.new_zeros(mean_shape), grad_output.new_zeros(std_shape), None)


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None,
           requires_grad: bool = False) -> Tensor:
    """Draws from N(mean, std^2), torch's overloads: ``normal(mean, std)`` with either
    (or both) a Tensor (shapes broadcast), or ``normal(mean, std, size)`` with numbers.

    Parameters
    ----------
    mean, std : Tensor or float
    size : tuple of ints, optional
        Required (only) when both mean and std are numbers.
    generator : numpy.random.Generator, optional
        Defaults to glassbox's global generator (seeded by ``manual_seed``).

    See Also
    --------
    torch.normal

    Examples
    --------
    >>> import glassbox as gb
    >>> _ = gb.manual_seed(0)
    >>> gb.normal(gb.zeros(2, 1), gb.ones(3)).shape
    glassbox.Size([2, 3])
    >>> gb.normal(5.0, 0.0, (2,))
    tensor([5., 5.])
    """
    from glassbox.autograd import dtypes

    generator = generator if generator is not None else _random.default_generator()
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError(f"normal(mean, std) with two numbers needs a size, e.g. "
                            f"normal({mean}, {std}, (3,)); received no size")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        dtype = np.dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
        shape = tuple(size)
        result = Tensor((mean + std * generator.standard_normal(shape)).astype(dtype))
        return result.requires_grad_(requires_grad)
    if not isinstance(std, Tensor):
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        std = Tensor(np.asarray(std, dtype=mean.dtype))
    if not isinstance(mean, Tensor):
        mean = Tensor(np.asarray(mean, dtype=std.dtype))
    return Normal.apply(mean, std, generator)
