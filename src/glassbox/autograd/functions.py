"""torch-style free functions (``gb.exp(x)``, ``gb.sum(x, dim)``): each calls the method.

So that code written as ``torch.exp(x)`` runs as ``gb.exp(x)``.

Examples
--------
>>> import glassbox as gb
>>> gb.sum(gb.exp(gb.zeros(2, 3)), dim=1)
tensor([3., 3.])
"""

from __future__ import annotations

from glassbox.autograd.tensor import Tensor

__all__ = ["abs", "argmax", "argmin", "clamp", "exp", "flatten", "log", "log_softmax",
           "matmul", "mean", "permute", "relu", "reshape", "sigmoid", "softmax", "sqrt",
           "squeeze", "std", "sum", "tanh", "transpose", "unsqueeze", "var"]


def _method(name: str):
    def function(input: Tensor, *args, **kwargs):  # noqa: A002 (torch's name)
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``input.{name}(...)`` as a function; see :meth:`Tensor.{name}`."
    return function


abs = _method("abs")  # noqa: A001
argmax = _method("argmax")
argmin = _method("argmin")
clamp = _method("clamp")
exp = _method("exp")
flatten = _method("flatten")
log = _method("log")
log_softmax = _method("log_softmax")
matmul = _method("matmul")
mean = _method("mean")
permute = _method("permute")
relu = _method("relu")
reshape = _method("reshape")
sigmoid = _method("sigmoid")
softmax = _method("softmax")
sqrt = _method("sqrt")
squeeze = _method("squeeze")
std = _method("std")
sum = _method("sum")  # noqa: A001
tanh = _method("tanh")
transpose = _method("transpose")
unsqueeze = _method("unsqueeze")
var = _method("var")
