"""Group and instance normalisation: batch normalisation's statistics taken over other
axes (``torch.nn.functional.group_norm`` / ``instance_norm``).

For an input (N, C, *), every normalisation computes y = (x - mean) / sqrt(var + eps)
(biased variance) and then a per-channel ``weight * y + bias``; they differ only in which
elements share a mean and a variance:

- batch norm: one channel across the whole batch (``N * H * W`` elements);
- layer norm: one sample, all its channels;
- instance norm: one channel of one sample (``H * W`` elements), so an image's contrast
  is normalised away (style transfer, GAN generators);
- group norm: one sample, a group of ``C / G`` channels; G = 1 is layer norm over
  (C, *), G = C is instance norm. It does not depend on the batch, so it trains with
  batches of any size (detection, small-batch training).

``group_norm`` is written with Tensor operations (autograd derives its gradients, to
every order). ``instance_norm`` is computed as torch does: a batch norm of the input seen
as one sample of N * C channels, so it shares batch norm's fused passes and running
averages.
"""

from __future__ import annotations

import math

import numpy as np

from glassbox.autograd.tensor import Tensor
from glassbox.nn._conv import _ArgumentError

__all__ = ["group_norm", "instance_norm"]


def _check_channel_vector(value: Tensor | None, name: str, C: int, shape) -> None:
    if value is not None and tuple(value.shape) != (C,):
        raise _ArgumentError(f"Expected {name} to be a vector of size equal to the number of "
                             f"channels in input, but got {name} of shape "
                             f"{list(value.shape)} and input of shape {list(shape)}")


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise each sample over groups of ``C / num_groups`` channels, then scale and
    shift each channel.

    .. math:: y_{n,c} = \\frac{x_{n,c} - \\mu_{n,g(c)}}{\\sqrt{\\sigma^2_{n,g(c)} + \\epsilon}}
              \\gamma_c + \\beta_c

    with mu and sigma^2 (biased) over the channels of group g(c) and all their positions.

    Parameters
    ----------
    input : Tensor of shape (N, C, *)
    num_groups : int
        G, a divisor of C.
    weight, bias : Tensor of shape (C,), optional
    eps : float, default=1e-5

    Returns
    -------
    Tensor of shape (N, C, *)

    See Also
    --------
    torch.nn.functional.group_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> group_norm(gb.tensor([[1.0, 3.0, 10.0, 30.0]]), 2)
    tensor([[-1.,  1., -1.,  1.]])
    """
    if input.ndim < 2:
        raise _ArgumentError(f"Expected at least 2 dimensions for input tensor but received "
                             f"{input.ndim}")
    N, C, *spatial = input.shape
    if num_groups <= 0:
        raise _ArgumentError(f"group_norm expects a positive num_groups, received "
                             f"num_groups={num_groups}")
    if N * C // num_groups * math.prod(spatial) == 1:  # torch's check, in torch's order
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {[N * C // num_groups, num_groups, *spatial]}")
    if C % num_groups:
        raise _ArgumentError(f"Expected number of channels in input to be divisible by "
                             f"num_groups, but got input of shape {list(input.shape)} and "
                             f"num_groups={num_groups}")
    _check_channel_vector(weight, "weight", C, input.shape)
    _check_channel_vector(bias, "bias", C, input.shape)
    grouped = input.reshape(N, num_groups, -1)                    # (N, G, C/G * prod(*))
    centered = grouped - grouped.mean(2, keepdim=True)
    variance = (centered * centered).mean(2, keepdim=True)        # biased, as torch
    y = (centered * (variance + eps).rsqrt()).reshape(input.shape)
    channel_shape = (1, C) + (1,) * len(spatial)                  # broadcast over (N, *)
    if weight is not None:
        y = y * weight.reshape(channel_shape)
    if bias is not None:
        y = y + bias.reshape(channel_shape)
    return y


def instance_norm(input: Tensor, running_mean: Tensor | None = None,  # noqa: A002
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel of each sample over its positions, then scale and shift.

    .. math:: y_{n,c} = \\frac{x_{n,c} - \\mu_{n,c}}{\\sqrt{\\sigma^2_{n,c} + \\epsilon}}
              \\gamma_c + \\beta_c

    With ``use_input_stats`` (training) the statistics are each instance's own, and
    given running averages are updated with their mean over the batch:
    ``running = (1 - momentum) running + momentum mean_n(stat_n)`` (unbiased variances);
    without it the running averages normalise instead.

    Parameters
    ----------
    input : Tensor of shape (N, C, *)
    running_mean, running_var : Tensor of shape (C,), optional
    weight, bias : Tensor of shape (C,), optional
    use_input_stats : bool, default=True
    momentum : float, default=0.1
    eps : float, default=1e-5

    Returns
    -------
    Tensor of shape (N, C, *)

    See Also
    --------
    torch.nn.functional.instance_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> instance_norm(gb.tensor([[[1.0, 3.0], [0.0, 10.0]]]))
    tensor([[[-1.,  1.],
             [-1.,  1.]]])
    """
    # NOTE: glassbox.nn.functional imports this module, hence the import here
    from glassbox.nn.functional import batch_norm

    if input.ndim < 2:
        raise _ArgumentError(f"instance_norm expects an input of shape (N, C, *), received "
                             f"shape {list(input.shape)}")
    if use_input_stats and math.prod(input.shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input "
                         f"size {list(input.shape)}")
    N, C = input.shape[:2]
    for name, value in (("running_mean", running_mean), ("running_var", running_var),
                        ("weight", weight), ("bias", bias)):
        _check_channel_vector(value, name, C, input.shape)
    if not use_input_stats and (running_mean is None or running_var is None):
        raise _ArgumentError("Expected running_mean and running_var to be defined when "
                             "use_input_stats is false")
    # NOTE: torch's construction: the batch seen as one sample of N * C channels, whose
    # batch norm is exactly the instance norm; each channel's running statistics are
    # repeated N times and the N updated copies averaged back.
    as_channels = input.reshape(1, N * C, *input.shape[2:])       # (1, N*C, *)
    repeated = [None if stat is None else Tensor(np.tile(stat._data, N))
                for stat in (running_mean, running_var)]
    y = batch_norm(as_channels, repeated[0], repeated[1],
                   None if weight is None else weight.repeat(N),
                   None if bias is None else bias.repeat(N),
                   use_input_stats, momentum, eps)
    if use_input_stats:
        for stat, copies in zip((running_mean, running_var), repeated):
            if stat is not None:
                stat._data[...] = copies._data.reshape(N, C).mean(0)
    return y.reshape(input.shape)
