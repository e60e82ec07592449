"""Power-average pooling (``lp_pool1d`` / ``lp_pool2d``): the p-norm of every window.

.. math:: y = \\left(\\sum_{\text{window}} x^p\right)^{1/p}

p = 1 is sum pooling, p -> infinity max pooling. As torch computes it: the average pool of
x^p times the window's area, then the 1/p power (torch writes the sum s as
sign(s) relu(|s|), whose gradient is 0 where s = 0; kept for the same gradients).
"""

from __future__ import annotations

from glassbox.autograd.tensor import Tensor

__all__ = ["lp_pool1d", "lp_pool2d"]


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None,  # noqa: A002
              ceil_mode: bool = False) -> Tensor:
    """The p-norm of every ``kernel_size`` window of an (N, C, H, W) input.

    See Also
    --------
    torch.nn.functional.lp_pool2d

    Examples
    --------
    >>> import glassbox as gb
    >>> lp_pool2d(gb.tensor([[[[3.0, 4.0], [0.0, 0.0]]]]), 2, 2)
    tensor([[[[5.]]]])
    """
    from glassbox.nn.functional import avg_pool2d

    kH, kW = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    mean = avg_pool2d(input ** norm_type, kernel_size, stride, 0, ceil_mode)
    return (mean.sign() * mean.abs().relu() * (kH * kW)) ** (1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride=None,  # noqa: A002
              ceil_mode: bool = False) -> Tensor:
    """The p-norm of every window of length ``kernel_size`` of an (N, C, L) input.

    See Also
    --------
    torch.nn.functional.lp_pool1d

    Examples
    --------
    >>> import glassbox as gb
    >>> lp_pool1d(gb.tensor([[[3.0, 4.0]]]), 2, 2)
    tensor([[[5.]]])
    """
    from glassbox.nn.functional import avg_pool1d

    mean = avg_pool1d(input ** norm_type, kernel_size, stride, 0, ceil_mode)
    return (mean.sign() * mean.abs().relu() * kernel_size) ** (1.0 / norm_type)
