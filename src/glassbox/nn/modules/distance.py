"""Distances between vectors as layers (``torch.nn.modules.distance``)."""

from __future__ import annotations

from glassbox.nn import functional as F
from glassbox.nn.modules.module import Module

__all__ = ["PairwiseDistance", "CosineSimilarity"]


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p along the last dimension.

    Parameters
    ----------
    p : float, default=2.0
        Stored as ``norm`` (torch's attribute name).
    eps : float, default=1e-6
    keepdim : bool, default=False

    See Also
    --------
    torch.nn.PairwiseDistance, glassbox.nn.functional.pairwise_distance

    Examples
    --------
    >>> import glassbox as gb
    >>> PairwiseDistance(eps=0.0)(gb.tensor([[1.0, 1.0]]), gb.tensor([[4.0, 5.0]]))
    tensor([5.])
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """x1 . x2 / (max(||x1||, eps) max(||x2||, eps)) along ``dim``.

    Parameters
    ----------
    dim : int, default=1
    eps : float, default=1e-8

    See Also
    --------
    torch.nn.CosineSimilarity, glassbox.nn.functional.cosine_similarity

    Examples
    --------
    >>> import glassbox as gb
    >>> CosineSimilarity(dim=0)(gb.tensor([1.0, 0.0]), gb.tensor([1.0, 1.0]))
    tensor(0.7071)
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)
