"""``Parameter``: a Tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

import numpy as np

from glassbox.autograd.tensor import Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A leaf Tensor that requires grad and is registered by the Module holding it.

    Assigning a Parameter to a Module attribute (``self.weight = Parameter(...)``) adds it
    to ``parameters()`` and ``state_dict()``. The data is shared, not copied.

    Parameters
    ----------
    data : Tensor or ndarray, optional
        The initial values (an empty float32 Tensor when omitted).
    requires_grad : bool, default=True

    See Also
    --------
    torch.nn.Parameter

    Examples
    --------
    >>> import glassbox as gb
    >>> w = Parameter(gb.zeros(2))
    >>> w.requires_grad, w.is_leaf
    (True, True)
    """

    def __init__(self, data=None, requires_grad: bool = True) -> None:
        if data is None:
            array = np.empty(0, dtype=np.float32)
        elif isinstance(data, Tensor):
            array = data._data
        else:
            array = np.asarray(data)
        super().__init__(array, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
