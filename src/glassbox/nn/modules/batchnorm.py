"""``BatchNorm1d`` / ``BatchNorm2d``: normalise each channel by the batch's statistics.

In training the batch's mean and variance normalise the input and update running
averages (the ``running_mean`` / ``running_var`` buffers); in evaluation those running
averages are used, so the output no longer depends on the rest of the batch.
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.dtypes import get_default_dtype
from glassbox.autograd.tensor import Tensor
from glassbox.nn import functional as F
from glassbox.nn import init
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]


class _BatchNorm(Module):
    """The shared machinery; subclasses only check the input's number of dimensions."""

    expected_dims: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device=None,
                 dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        if not isinstance(num_features, (int, np.integer)) or num_features <= 0:
            raise ValueError(f"{type(self).__name__} expects a positive integer "
                             f"num_features, received num_features={num_features!r}")
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dtype = np.dtype(dtype or get_default_dtype())
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))   # gamma
            if bias:
                self.bias = Parameter(np.zeros(num_features, dtype=dtype))    # beta
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=dtype)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
            self.num_batches_tracked._data[...] = 0

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):  # noqa: A002
        if input.ndim not in self.expected_dims:
            raise ValueError(f"expected {' or '.join(f'{d}D' for d in self.expected_dims)} "
                             f"input (got {input.ndim}D input)")
        if input.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}({self.num_features}) received an input "
                             f"with {input.shape[1]} channels (shape {input.shape}); "
                             f"num_features must equal the size of dimension 1.")
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked._data += 1
            if self.momentum is None:  # a cumulative moving average: 1/n of the newest
                momentum = 1.0 / float(self.num_batches_tracked._data)
        # batch statistics in training, or whenever there are no running statistics
        use_batch_stats = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if track else None,
                            self.running_var if track else None, self.weight, self.bias,
                            use_batch_stats, momentum, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over a (N, C) or (N, C, L) input, per channel C.

    .. math:: y = \\frac{x - E[x]}{\\sqrt{Var[x] + \\epsilon}} \\gamma + \\beta

    Parameters
    ----------
    num_features : int
        C.
    eps : float, default=1e-5
    momentum : float or None, default=0.1
        running = (1 - momentum) running + momentum batch; None gives the cumulative
        average over all batches seen.
    affine : bool, default=True
        Learn gamma (``weight``) and beta (``bias``).
    track_running_stats : bool, default=True
    bias : bool, default=True (keyword only)
        With ``affine``, also learn beta.

    Attributes
    ----------
    weight, bias : Parameter of shape (C,)
    running_mean, running_var : Tensor of shape (C,) (buffers)
    num_batches_tracked : int64 Tensor (buffer)

    See Also
    --------
    torch.nn.BatchNorm1d

    Examples
    --------
    >>> import glassbox as gb
    >>> bn = BatchNorm1d(3)
    >>> bn(gb.randn(8, 3)).shape
    glassbox.Size([8, 3])
    >>> int(bn.num_batches_tracked)
    1
    """

    expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over a (N, C, H, W) input, per channel C.

    Same parameters and attributes as :class:`BatchNorm1d`.

    See Also
    --------
    torch.nn.BatchNorm2d

    Examples
    --------
    >>> import glassbox as gb
    >>> BatchNorm2d(4)(gb.randn(2, 4, 5, 5)).shape
    glassbox.Size([2, 4, 5, 5])
    """

    expected_dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalisation over a (N, C, D, H, W) input, per channel C (volumes, video).

    Same parameters and attributes as :class:`BatchNorm1d`.

    See Also
    --------
    torch.nn.BatchNorm3d

    Examples
    --------
    >>> import glassbox as gb
    >>> BatchNorm3d(2)(gb.randn(2, 2, 3, 3, 3)).shape
    glassbox.Size([2, 2, 3, 3, 3])
    """

    expected_dims = (5,)
