"""``Dropout``, ``Dropout1d/2d/3d``: randomly zero activations, or whole channels, during
training (inverted dropout)."""

from __future__ import annotations

from glassbox.nn import functional as F
from glassbox.nn.modules.module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class Dropout(Module):
    """Zero each element with probability ``p`` in training and scale the rest by 1/(1-p).

    In evaluation mode it is the identity.

    See Also
    --------
    torch.nn.Dropout

    Examples
    --------
    >>> import glassbox as gb
    >>> Dropout(0.5).eval()(gb.ones(2))
    tensor([1., 1.])
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """Zero each whole channel (feature map) with probability ``p`` in training and scale
    the rest by 1/(1-p); the identity in evaluation.

    Parameters
    ----------
    p : float, default=0.5
        In [0, 1].
    inplace : bool, default=False
        Accepted for torch compatibility (glassbox computes out of place).

    Shape
    -----
    (N, C, H, W) -> (N, C, H, W); a 3-D input is read as (N, C, L) (with torch's warning).

    See Also
    --------
    torch.nn.Dropout2d, glassbox.nn.functional.dropout2d

    Examples
    --------
    >>> import glassbox as gb
    >>> Dropout2d(0.25).eval()(gb.ones(1, 2, 1, 1)).flatten()
    tensor([1., 1.])
    """

    def forward(self, input):  # noqa: A002
        return F.dropout2d(input, self.p, self.training)


class Dropout1d(Dropout):
    """Zero each whole channel of an (N, C, L) or (C, L) input with probability ``p`` in
    training, scaling the rest by 1/(1-p); the identity in evaluation.

    See Also
    --------
    torch.nn.Dropout1d, glassbox.nn.functional.dropout1d

    Examples
    --------
    >>> import glassbox as gb
    >>> Dropout1d(0.3).eval()(gb.ones(1, 2, 3)).shape
    glassbox.Size([1, 2, 3])
    """

    def forward(self, input):  # noqa: A002
        return F.dropout1d(input, self.p, self.training)


class Dropout3d(Dropout):
    """Zero each whole channel of an (N, C, D, H, W) or (C, D, H, W) input with probability
    ``p`` in training, scaling the rest by 1/(1-p); the identity in evaluation.

    See Also
    --------
    torch.nn.Dropout3d, glassbox.nn.functional.dropout3d

    Examples
    --------
    >>> import glassbox as gb
    >>> Dropout3d(0.3).eval()(gb.ones(1, 2, 1, 1, 1)).shape
    glassbox.Size([1, 2, 1, 1, 1])
    """

    def forward(self, input):  # noqa: A002
        return F.dropout3d(input, self.p, self.training)


class AlphaDropout(Dropout):
    """Dropout for SELU networks: dropped values set to SELU's saturation, then an affine
    map that keeps zero mean and unit variance; the identity in evaluation.

    See Also
    --------
    torch.nn.AlphaDropout, glassbox.nn.functional.alpha_dropout

    Examples
    --------
    >>> import glassbox as gb
    >>> AlphaDropout(0.2).eval()(gb.ones(2))
    tensor([1., 1.])
    """

    def forward(self, input):  # noqa: A002
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(Dropout):
    """Alpha dropout of whole channels.

    See Also
    --------
    torch.nn.FeatureAlphaDropout, glassbox.nn.functional.feature_alpha_dropout

    Examples
    --------
    >>> import glassbox as gb
    >>> FeatureAlphaDropout(0.2).eval()(gb.ones(1, 2, 2)).shape
    glassbox.Size([1, 2, 2])
    """

    def forward(self, input):  # noqa: A002
        return F.feature_alpha_dropout(input, self.p, self.training)
