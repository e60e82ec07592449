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
  batches of any size (detection, small-batch training);
- RMS norm: layer norm without the centring, y = x / sqrt(mean(x^2) + eps) * weight
  (transformer language models);
- local response norm (AlexNet): each value divided by the energy of its neighbours
  across ``size`` channels.

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

__all__ = ["group_norm", "instance_norm", "rms_norm", "local_response_norm"]


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


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,  # noqa: A002
             eps: float | None = None) -> Tensor:
    """Divide by the root mean square over the last dimensions, then scale.

    .. math:: y = \\frac{x}{\\sqrt{\\text{mean}(x^2) + \\epsilon}}\\, w

    Parameters
    ----------
    input : Tensor of shape (*, *normalized_shape)
    normalized_shape : int or tuple of int
    weight : Tensor of shape normalized_shape, optional
    eps : float, optional
        Defaults to the machine epsilon of the input's dtype (torch's choice).

    See Also
    --------
    torch.nn.functional.rms_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> rms_norm(gb.tensor([[3.0, 4.0]]), (2,), eps=0.0)
    tensor([[0.8485, 1.1314]])
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise _ArgumentError(f"Given normalized_shape={list(shape)}, expected input with shape "
                             f"[*{', '.join(map(str, shape))}], but got input of size"
                             f"{list(input.shape)}")
    eps = float(np.finfo(input.dtype).eps) if eps is None else eps
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    y = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return y * weight if weight is not None else y


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4,  # noqa: A002
                        beta: float = 0.75, k: float = 1.0) -> Tensor:
    """AlexNet's normalisation across channels: each value divided by
    (k + alpha * mean of the squares of ``size`` neighbouring channels)^beta.

    .. math:: b_c = a_c \\left(k + \\frac{\\alpha}{n} \\sum_{c'=c-\\lfloor n/2 \\rfloor}
              ^{c+\\lfloor (n-1)/2 \\rfloor} a_{c'}^2\\right)^{-\\beta}

    (channels beyond the edges count as 0).

    Parameters
    ----------
    input : Tensor of shape (N, C, *)
    size : int
        n, the number of channels in each sum.
    alpha, beta, k : float

    See Also
    --------
    torch.nn.functional.local_response_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> local_response_norm(gb.ones(1, 3, 1, 1), 3, alpha=3.0, beta=1.0, k=0.0).flatten()
    tensor([0.5   , 0.3333, 0.5   ])
    """
    from glassbox.nn.functional import avg_pool2d, pad

    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} "
                         f"dimensions)")
    if input.numel() == 0:
        return input
    N, C = input.shape[:2]
    squares = (input * input).reshape(N, 1, C, -1)              # (N, 1, C, prod(*))
    # zero channels before and after, then the mean over each window of `size` channels
    squares = pad(squares, (0, 0, size // 2, (size - 1) // 2))
    energy = avg_pool2d(squares, (size, 1), stride=1).reshape(input.shape)
    return input / (energy * alpha + k) ** beta
