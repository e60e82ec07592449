"""Weight initialisation, the twin of ``torch.nn.init``: same functions, same formulas.

Each function fills a Tensor in place (under ``no_grad``) from glassbox's global
generator and returns it. The variance-preserving schemes scale the spread by the
layer's fan: Xavier/Glorot keeps the variance of activations and gradients equal for
linear/tanh layers (Var = 2 / (fan_in + fan_out)); Kaiming/He compensates for ReLU
halving the variance (Var = gain^2 / fan).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from glassbox.autograd.grad_mode import no_grad
from glassbox.autograd.tensor import Tensor

__all__ = ["calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_", "eye_",
           "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
           "_calculate_fan_in_and_fan_out"]


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (torch's table).

    linear/conv/sigmoid: 1, tanh: 5/3, relu: sqrt(2), leaky_relu: sqrt(2 / (1 + a^2)),
    selu: 3/4.

    Examples
    --------
    >>> round(calculate_gain("relu"), 4)
    1.4142
    """
    linear_like = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                   "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_like or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight: (in, out) times the kernel's receptive field.

    Examples
    --------
    >>> import glassbox as gb
    >>> _calculate_fan_in_and_fan_out(gb.zeros(6, 1, 5, 5))   # Conv2d(1, 6, 5)
    (25, 150)
    """
    if tensor.ndim < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than "
                         f"2 dimensions (received shape {tensor.shape})")
    receptive_field = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill with draws from U(a, b).

    Examples
    --------
    >>> import glassbox as gb
    >>> w = uniform_(gb.zeros(1000), -1, 1)
    >>> bool((w.numpy() >= -1).all() and (w.numpy() < 1).all())
    True
    """
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Fill with draws from N(mean, std^2).

    Examples
    --------
    >>> import glassbox as gb
    >>> normal_(gb.zeros(3)).shape
    glassbox.Size([3])
    """
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``.

    Examples
    --------
    >>> import glassbox as gb
    >>> constant_(gb.zeros(2), 0.5)
    tensor([0.5, 0.5])
    """
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0.

    Examples
    --------
    >>> import glassbox as gb
    >>> zeros_(gb.ones(2))
    tensor([0., 0.])
    """
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1.

    Examples
    --------
    >>> import glassbox as gb
    >>> ones_(gb.zeros(2))
    tensor([1., 1.])
    """
    return constant_(tensor, 1.0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D Tensor with the identity matrix.

    Examples
    --------
    >>> import glassbox as gb
    >>> eye_(gb.zeros(2, 2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    if tensor.ndim != 2:
        raise ValueError(f"Only tensors with 2 dimensions are supported, received "
                         f"shape {tensor.shape}")
    with no_grad():
        return tensor.copy_(np.eye(*tensor.shape, dtype=tensor.dtype))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    Examples
    --------
    >>> import glassbox as gb
    >>> w = xavier_uniform_(gb.zeros(3, 5))
    >>> bool((abs(w.numpy()) <= 1).all())
    True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std  # U(-a, a) has variance a^2 / 3
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    Examples
    --------
    >>> import glassbox as gb
    >>> xavier_normal_(gb.zeros(3, 5)).shape
    glassbox.Size([3, 5])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan), gain from ``nonlinearity``.

    ``a`` is the negative slope of a leaky ReLU; torch's Linear and Conv layers use
    a = sqrt(5), which gives b = 1 / sqrt(fan_in).

    Examples
    --------
    >>> import glassbox as gb
    >>> w = kaiming_uniform_(gb.zeros(4, 100), a=5 ** 0.5)
    >>> bool((abs(w.numpy()) <= 0.1).all())
    True
    """
    if 0 in tensor.shape:  # as torch: nothing to fill (nn.Linear(0, 3) is allowed)
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    bound = math.sqrt(3.0) * gain / math.sqrt(fan)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """He normal: N(0, std^2) with std = gain / sqrt(fan).

    Examples
    --------
    >>> import glassbox as gb
    >>> kaiming_normal_(gb.zeros(4, 100), nonlinearity="relu").shape
    glassbox.Size([4, 100])
    """
    if 0 in tensor.shape:  # as torch: nothing to fill (nn.Linear(0, 3) is allowed)
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)
