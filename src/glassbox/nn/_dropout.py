"""Dropout, the regulariser that zeroes random activations during training: element-wise
(``dropout``), whole channels (``dropout1d/2d/3d``, neighbouring pixels being correlated),
and the self-normalising variants for SELU networks (``alpha_dropout``,
``feature_alpha_dropout``). Every mask comes from glassbox's global generator
(:func:`glassbox.manual_seed`); kept values are rescaled so that the expected output equals
the input (*inverted* dropout), hence evaluation needs no change: it is the identity.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from glassbox import _random
from glassbox.autograd.tensor import Tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout"]


def dropout(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002
            inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (training).

    The mask comes from glassbox's global generator (:func:`glassbox.manual_seed`).

    See Also
    --------
    torch.nn.functional.dropout

    Examples
    --------
    >>> import glassbox as gb
    >>> dropout(gb.ones(3), p=0.5, training=False)
    tensor([1., 1., 1.])
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    dtype = input.dtype if input.dtype.kind == "f" else np.dtype(np.float32)
    keep = _random.default_generator().random(input.shape, dtype=np.float32) >= p
    # inverted dropout: E[output] = input, so evaluation needs no rescaling
    mask = keep.astype(dtype) * dtype.type(1.0 / (1.0 - p))
    return input * Tensor(mask)


def _feature_dropout(input: Tensor, p: float, training: bool) -> Tensor:  # noqa: A002
    """Zero whole feature maps: one Bernoulli draw per (sample, channel), scaled 1/(1-p)."""
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    dtype = input.dtype if input.dtype.kind == "f" else np.dtype(np.float32)
    mask_shape = input.shape[:2] + (1,) * (input.ndim - 2)   # (N, C, 1, ...): one per map
    keep = _random.default_generator().random(mask_shape, dtype=np.float32) >= p
    mask = keep.astype(dtype) * dtype.type(1.0 / (1.0 - p))
    return input * Tensor(mask)


def _check_probability(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002
              inplace: bool = False) -> Tensor:
    """Zero whole channels with probability ``p`` and scale the rest by 1/(1-p) (training).

    .. math:: y_{n,c} = \\frac{m_{n,c}}{1 - p}\\, x_{n,c}, \\quad
              m_{n,c} \\sim \\text{Bernoulli}(1 - p)

    One draw per (sample, channel) map: neighbouring pixels of a feature map are strongly
    correlated, so dropping single pixels would hardly regularise a convolution; dropping
    the whole map does. The mask comes from glassbox's global generator.

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W)
        A 3-D input is read as (N, C, L), with torch's warning (torch does the same).
    p : float, default=0.5
    training : bool, default=True
        False: the identity.

    See Also
    --------
    torch.nn.functional.dropout2d, dropout

    Examples
    --------
    >>> import glassbox as gb
    >>> _ = gb.manual_seed(0)
    >>> y = dropout2d(gb.ones(1, 6, 2, 2), p=0.5)
    >>> sorted(set(y.numpy().ravel().tolist()))  # whole maps zeroed, the others doubled
    [0.0, 2.0]
    """
    _check_probability(p)
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is "
                      f"deprecated and will result in an error in a future release. To "
                      f"retain the behavior and silence this warning, please use dropout "
                      f"instead. Note that dropout2d exists to provide channel-wise dropout "
                      f"on inputs with 2 spatial dimensions, a channel dimension, and an "
                      f"optional batch dimension (i.e. 3D or 4D inputs).", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that "
                      "channel-wise 1D dropout behavior is desired - input is interpreted as "
                      "shape (N, C, L), where C is the channel dim. This behavior will change "
                      "in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise "
                      "dropout behavior, please switch to using dropout1d instead.",
                      stacklevel=2)
    if input.ndim < 2:
        raise RuntimeError(f"Feature dropout requires at least 2 dimensions in the input, "
                           f"received shape {list(input.shape)}")
    return _feature_dropout(input, p, training)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002
              inplace: bool = False) -> Tensor:
    """Zero whole channels of a sequence, (N, C, L) or (C, L), with probability ``p``;
    scale the rest by 1/(1-p) (training).

    See Also
    --------
    torch.nn.functional.dropout1d, dropout2d

    Examples
    --------
    >>> import glassbox as gb
    >>> dropout1d(gb.ones(2, 3, 4), training=False).shape
    glassbox.Size([2, 3, 4])
    """
    _check_probability(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D "
                           f"input. Note that dropout1d exists to provide channel-wise dropout "
                           f"on inputs with 1 spatial dimension, a channel dimension, and an "
                           f"optional batch dimension (i.e. 2D or 3D inputs).")
    if input.ndim == 2:  # unbatched (C, L)
        return _feature_dropout(input.unsqueeze(0), p, training).squeeze(0)
    return _feature_dropout(input, p, training)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,  # noqa: A002
              inplace: bool = False) -> Tensor:
    """Zero whole channels of a volume, (N, C, D, H, W) or (C, D, H, W), with probability
    ``p``; scale the rest by 1/(1-p) (training).

    See Also
    --------
    torch.nn.functional.dropout3d, dropout2d

    Examples
    --------
    >>> import glassbox as gb
    >>> dropout3d(gb.ones(1, 2, 2, 2, 2), training=False).shape
    glassbox.Size([1, 2, 2, 2, 2])
    """
    _check_probability(p)
    if input.ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is "
                      f"deprecated and will result in an error in a future release. To "
                      f"retain the behavior and silence this warning, please use dropout "
                      f"instead. Note that dropout3d exists to provide channel-wise dropout "
                      f"on inputs with 3 spatial dimensions, a channel dimension, and an "
                      f"optional batch dimension (i.e. 4D or 5D inputs).", stacklevel=2)
    if input.ndim == 4:  # unbatched (C, D, H, W), as torch reads it
        return _feature_dropout(input.unsqueeze(0), p, training).squeeze(0)
    return _feature_dropout(input, p, training)


def _alpha_dropout(input: Tensor, p: float, training: bool, feature: bool) -> Tensor:  # noqa: A002
    """torch's alpha dropout: dropped values set to SELU's negative saturation -alpha', then
    an affine map a x + b keeps the mean 0 and the variance 1 of SELU activations."""
    _check_probability(p)
    if not training or p == 0.0 or input.numel() == 0:
        return input
    if p == 1.0:
        return input * 0.0
    alpha = 1.7580993408473766                       # SELU's scale * alpha
    a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    shape = input.shape[:2] + (1,) * (input.ndim - 2) if feature else input.shape
    keep = (_random.default_generator().random(shape, dtype=np.float32) >= p).astype(
        input.dtype)
    # y = a (x m + (-alpha')(1 - m)) + b with b = alpha' a p
    return input * Tensor(keep * a) + Tensor((keep - 1) * alpha * a + alpha * a * p)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,  # noqa: A002
                  inplace: bool = False) -> Tensor:
    """Dropout for self-normalising (SELU) networks: keeps mean 0 and variance 1.

    Dropped values become SELU's saturation value -alpha' = -1.7581 instead of 0, and the
    result is rescaled by a and shifted by b (both fixed by p) so that standardised inputs
    stay standardised.

    See Also
    --------
    torch.nn.functional.alpha_dropout

    Examples
    --------
    >>> import glassbox as gb
    >>> alpha_dropout(gb.ones(3), 0.5, training=False)
    tensor([1., 1., 1.])
    """
    return _alpha_dropout(input, p, training, feature=False)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,  # noqa: A002
                          inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels (one draw per (sample, channel)).

    See Also
    --------
    torch.nn.functional.feature_alpha_dropout

    Examples
    --------
    >>> import glassbox as gb
    >>> feature_alpha_dropout(gb.ones(1, 2, 2), 0.5, training=False).shape
    glassbox.Size([1, 2, 2])
    """
    return _alpha_dropout(input, p, training, feature=True)
