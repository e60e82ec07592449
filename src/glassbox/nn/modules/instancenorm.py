"""``InstanceNorm1d`` / ``InstanceNorm2d``: normalise each channel of each sample over its
positions (``torch.nn.modules.instancenorm``).

The parameters and buffers are batch norm's (same names, same ``state_dict`` keys), but
by default there are neither (``affine=False``, ``track_running_stats=False``): each
image's own statistics normalise it, in training and in evaluation.
"""

from __future__ import annotations

import warnings

from glassbox.nn import functional as F
from glassbox.nn.modules.batchnorm import _BatchNorm

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]


class _InstanceNorm(_BatchNorm):
    """The shared machinery; subclasses give the batched and unbatched ranks."""

    no_batch_dims: int = 0

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device=None,
                 dtype=None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)

    def forward(self, input):  # noqa: A002
        if input.ndim not in (self.no_batch_dims, self.no_batch_dims + 1):
            raise ValueError(f"expected {self.no_batch_dims}D or {self.no_batch_dims + 1}D "
                             f"input (got {input.ndim}D input)")
        feature_dim = input.ndim - self.no_batch_dims
        if input.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match "
                                 f"num_features ({self.num_features}), but got: "
                                 f"{input.shape[feature_dim]}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. "
                          f"You can silence this warning by not passing in num_features, "
                          f"which is not used because affine=False", stacklevel=2)
        unbatched = input.ndim == self.no_batch_dims
        x = input.unsqueeze(0) if unbatched else input
        # NOTE: as torch, running averages (if tracked) are used only in evaluation, and
        # momentum=None means 0 here (no cumulative average, unlike batch norm)
        y = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or not self.track_running_stats,
                            self.momentum if self.momentum is not None else 0.0, self.eps)
        return y.squeeze(0) if unbatched else y


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of a (N, C, L) or (C, L) input: each (sample, channel)
    normalised over its L positions.

    .. math:: y = \\frac{x - E[x]}{\\sqrt{Var[x] + \\epsilon}} \\gamma + \\beta

    Parameters
    ----------
    num_features : int
        C.
    eps : float, default=1e-5
    momentum : float or None, default=0.1
    affine : bool, default=False
        Learn ``weight`` (gamma) and ``bias`` (beta) of shape (C,).
    track_running_stats : bool, default=False
        Keep running averages (buffers ``running_mean``, ``running_var``,
        ``num_batches_tracked``) and normalise with them in evaluation.

    See Also
    --------
    torch.nn.InstanceNorm1d, glassbox.nn.functional.instance_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> InstanceNorm1d(2)(gb.tensor([[[1.0, 3.0], [5.0, 5.5]]]))
    tensor([[[-1.    ,  1.    ],
             [-0.9999,  0.9999]]])
    """

    no_batch_dims = 2


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of a (N, C, H, W) or (C, H, W) input: each (sample,
    channel) image normalised over its H * W pixels (style transfer, GAN generators).

    Same parameters and attributes as :class:`InstanceNorm1d`.

    See Also
    --------
    torch.nn.InstanceNorm2d, glassbox.nn.functional.instance_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> InstanceNorm2d(3, affine=True)(gb.randn(2, 3, 4, 4)).shape
    glassbox.Size([2, 3, 4, 4])
    """

    no_batch_dims = 3


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of a (N, C, D, H, W) or (C, D, H, W) input.

    Same parameters and attributes as :class:`InstanceNorm1d`.

    See Also
    --------
    torch.nn.InstanceNorm3d, glassbox.nn.functional.instance_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> InstanceNorm3d(2)(gb.randn(1, 2, 3, 3, 3)).shape
    glassbox.Size([1, 2, 3, 3, 3])
    """

    no_batch_dims = 4
