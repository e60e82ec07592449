"""Depthwise-separable convolution (MobileNet): a depthwise then a pointwise convolution.

A standard convolution maps ``M`` input channels to ``N`` output channels with ``N``
filters of size ``D_K x D_K x M``: it filters space and mixes channels in one step. The
depthwise-separable version splits the two jobs (Howard et al. 2017, "MobileNets"):

1. **depthwise**: one ``D_K x D_K`` filter per input channel (``groups = M``), no mixing;
2. **pointwise**: a ``1 x 1`` convolution, ``N`` filters of ``1 x 1 x M``, that mixes.

On a ``D_F x D_F`` output map the multiply-adds are

.. math:: \\underbrace{D_K^2 M N D_F^2}_{\\text{standard}} \\quad\\text{vs}\\quad
          \\underbrace{D_K^2 M D_F^2}_{\\text{depthwise}}
          + \\underbrace{M N D_F^2}_{\\text{pointwise}},
          \\qquad \\text{ratio} = \\frac{1}{N} + \\frac{1}{D_K^2},

about 8 to 9 times fewer for 3x3 kernels. MobileNet's width multiplier ``alpha`` thins
every layer (``M -> alpha M``, ``N -> alpha N``: cost falls about as ``alpha^2``) and the
resolution multiplier ``rho`` shrinks the input (``D_F -> rho D_F``: cost as ``rho^2``).
"""

from __future__ import annotations

import numpy as np

from glassbox.vision._checks import as_float_array
from glassbox.vision.convolution import conv2d

__all__ = [
    "MOBILENET_V1_LAYERS", "depthwise_conv2d", "depthwise_separable_conv2d",
    "depthwise_separable_cost", "pointwise_conv2d", "separable_cost_ratio",
    "standard_conv_cost",
]

#: Stride-1 depthwise-separable layers of MobileNet-224 (Howard et al. 2017, Table 1):
#: (name, D_K, M input channels, N output channels, D_F output map side).
MOBILENET_V1_LAYERS = (
    ("conv_dw_1 / pw_1", 3, 32, 64, 112),
    ("conv_dw_3 / pw_3", 3, 128, 128, 56),
    ("conv_dw_5 / pw_5", 3, 256, 256, 28),
    ("conv_dw_7 / pw_7", 3, 512, 512, 14),
    ("conv_dw_13 / pw_13", 3, 1024, 1024, 7),
)


def depthwise_conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1,
                     padding_mode="zeros"):
    """Depthwise convolution: each input channel filtered by its own kernel(s).

    The same as ``conv2d(..., groups=C_in)``; ``weight`` holds ``K`` kernels per channel
    (the depth multiplier, usually 1), giving ``C_in * K`` output channels.

    Parameters
    ----------
    input : array-like of shape (C_in, H, W) or (N, C_in, H, W)
    weight : array-like of shape (C_in * K, 1, kH, kW)
    bias : array-like of shape (C_in * K,), optional
    stride, padding, dilation, padding_mode : as in :func:`glassbox.vision.conv2d`

    Returns
    -------
    ndarray of shape (C_in * K, H_out, W_out) or (N, C_in * K, H_out, W_out)

    See Also
    --------
    torch.nn.functional.conv2d : with ``groups=in_channels``.

    Examples
    --------
    >>> x = np.stack([np.ones((4, 4)), 2 * np.ones((4, 4))])      # 2 channels
    >>> depthwise_conv2d(x, np.ones((2, 1, 3, 3)))[:, 0, 0]        # no mixing
    array([ 9., 18.])
    """
    x = as_float_array(input, "input")
    channels = x.shape[-3] if x.ndim >= 3 else None
    return conv2d(x, weight, bias, stride, padding, dilation, groups=channels or 1,
                  padding_mode=padding_mode)


def pointwise_conv2d(input, weight, bias=None):
    """Pointwise (1 x 1) convolution: mixes channels at each pixel, a matrix product.

    .. math:: y[o, i, j] = b[o] + \\sum_c w[o, c]\\; x[c, i, j]

    Parameters
    ----------
    input : array-like of shape (C_in, H, W) or (N, C_in, H, W)
    weight : array-like of shape (C_out, C_in, 1, 1) or (C_out, C_in)
    bias : array-like of shape (C_out,), optional

    Returns
    -------
    ndarray of shape (C_out, H, W) or (N, C_out, H, W)

    Examples
    --------
    >>> x = np.stack([np.ones((2, 2)), 2 * np.ones((2, 2))])
    >>> pointwise_conv2d(x, np.array([[1.0, 1.0], [1.0, -1.0]]))[:, 0, 0]
    array([ 3., -1.])
    """
    w = np.asarray(weight)
    if w.ndim == 2:
        w = w[:, :, None, None]               # (C_out, C_in, 1, 1)
    return conv2d(input, w, bias)


def depthwise_separable_conv2d(input, depthwise_weight, pointwise_weight, depthwise_bias=None,
                               pointwise_bias=None, stride=1, padding=0, dilation=1,
                               padding_mode="zeros"):
    """Depthwise convolution followed by a pointwise (1 x 1) one: MobileNet's building block.

    (MobileNet puts batch normalisation and ReLU after each of the two; they are left
    out here to show the convolution alone.)

    Parameters
    ----------
    input : array-like of shape (M, H, W) or (N, M, H, W)
    depthwise_weight : array-like of shape (M, 1, D_K, D_K)
    pointwise_weight : array-like of shape (N_out, M, 1, 1)
    depthwise_bias, pointwise_bias : array-like of shape (M,) and (N_out,), optional
    stride, padding, dilation, padding_mode : of the depthwise step

    Returns
    -------
    ndarray of shape (N_out, H_out, W_out) or (N, N_out, H_out, W_out)

    See Also
    --------
    torch.nn.functional.conv2d : ``groups=M`` then a 1x1 convolution.

    Examples
    --------
    >>> x = np.ones((3, 8, 8), dtype=np.float32)
    >>> y = depthwise_separable_conv2d(x, np.ones((3, 1, 3, 3)), np.ones((16, 3, 1, 1)),
    ...                                padding=1)
    >>> y.shape, y.dtype, float(y[0, 4, 4])
    ((16, 8, 8), dtype('float32'), 27.0)
    """
    depthwise = depthwise_conv2d(input, depthwise_weight, depthwise_bias, stride, padding,
                                 dilation, padding_mode)
    return pointwise_conv2d(depthwise, pointwise_weight, pointwise_bias)


def _scaled(channels: int, multiplier: float, name: str) -> int:
    if not 0 < multiplier <= 1:
        raise ValueError(
            f"Expected {name} in (0, 1] (MobileNet uses 1, 0.75, 0.5, 0.25), "
            f"received {name}={multiplier!r}."
        )
    return max(1, int(round(channels * multiplier)))


def standard_conv_cost(kernel_size: int, in_channels: int, out_channels: int,
                       feature_size: int, alpha: float = 1.0, rho: float = 1.0) -> dict:
    """Parameters and multiply-adds of a standard ``D_K x D_K`` convolution layer.

    ``params = D_K² M N`` (no bias), ``mult_adds = D_K² M N D_F²`` with ``M = alpha *
    in_channels``, ``N = alpha * out_channels`` and ``D_F = rho * feature_size`` (the
    side of the output map).

    Examples
    --------
    >>> standard_conv_cost(3, 512, 512, 14)
    {'params': 2359296, 'mult_adds': 462422016}
    """
    M = _scaled(in_channels, alpha, "alpha")
    N = _scaled(out_channels, alpha, "alpha")
    D_F = _scaled(feature_size, rho, "rho")
    D_K = kernel_size
    return {"params": D_K * D_K * M * N, "mult_adds": D_K * D_K * M * N * D_F * D_F}


def depthwise_separable_cost(kernel_size: int, in_channels: int, out_channels: int,
                             feature_size: int, alpha: float = 1.0, rho: float = 1.0) -> dict:
    """Parameters and multiply-adds of a depthwise-separable layer (Howard et al. 2017).

    ``params = D_K² M + M N``, ``mult_adds = D_K² M D_F² + M N D_F²``, scaled as in
    :func:`standard_conv_cost`.

    Examples
    --------
    >>> depthwise_separable_cost(3, 512, 512, 14)
    {'params': 266752, 'mult_adds': 52283392}
    >>> depthwise_separable_cost(3, 512, 512, 14, alpha=0.5)["mult_adds"]
    13296640
    """
    M = _scaled(in_channels, alpha, "alpha")
    N = _scaled(out_channels, alpha, "alpha")
    D_F = _scaled(feature_size, rho, "rho")
    D_K = kernel_size
    return {
        "params": D_K * D_K * M + M * N,
        "mult_adds": D_K * D_K * M * D_F * D_F + M * N * D_F * D_F,
    }


def separable_cost_ratio(kernel_size: int, out_channels: int) -> float:
    """Depthwise-separable over standard multiply-adds: ``1 / N + 1 / D_K²``.

    Examples
    --------
    >>> round(separable_cost_ratio(3, 512), 4)      # about 9 times cheaper
    0.113
    """
    return 1.0 / out_channels + 1.0 / kernel_size**2
