"""Special functions of statistics (torch's names): ``lgamma``, ``digamma``,
``polygamma``, ``erfinv``, ``exp2``.

They come in a chain of derivatives: log Gamma(x)' = digamma(x) = psi(x), and
psi^(n)(x)' = psi^(n+1)(x) (``polygamma(n, x)``), so each derivative is the next
Function of the chain and gradients of any order work. The inverse error function's
derivative follows from erf's: erfinv'(x) = sqrt(pi)/2 exp(erfinv(x)^2).
Log-likelihoods of the Poisson, Gamma, Beta and Dirichlet distributions (the MLE and
MAP chapters) are written with ``lgamma``.

Examples
--------
>>> import glassbox as gb
>>> x = gb.tensor([1.0, 2.0, 5.0], dtype=gb.float64, requires_grad=True)
>>> x.lgamma().exp()                 # Gamma(n) = (n - 1)!
tensor([ 1.,  1., 24.], dtype=glassbox.float64, grad_fn=<ExpBackward0>)
>>> x.lgamma().sum().backward()
>>> x.grad                           # digamma: -Euler's gamma at 1
tensor([-0.5772,  0.4228,  1.5061], dtype=glassbox.float64)
"""

from __future__ import annotations

import functools
import math

from scipy import special

from glassbox.autograd.ops.math import Unary, _unary
from glassbox.autograd.tensor import Tensor

__all__ = ["SPECIAL", "polygamma_function"]

_HALF_SQRT_PI = math.sqrt(math.pi) / 2
_LN2 = math.log(2.0)


@functools.cache
def polygamma_function(n: int) -> type[Unary]:
    """The Function x -> psi^(n)(x) (n = 0: digamma); its derivative is n + 1's."""
    if n == 0:
        function, name, backward_name = special.digamma, "Digamma", "DigammaBackward0"
    else:
        function = functools.partial(special.polygamma, n)
        name, backward_name = f"Polygamma{n}", "PolygammaBackward0"
    return _unary(name, function, lambda x, y: polygamma_function(n + 1).apply(x),
                  backward_name)


SPECIAL: dict[str, type[Unary]] = {
    # d log Gamma(x)/dx = digamma(x)
    "lgamma": _unary("Lgamma", special.gammaln, lambda x, y: polygamma_function(0).apply(x),
                     "LgammaBackward0"),
    "digamma": polygamma_function(0),
    # erfinv'(x) = sqrt(pi)/2 exp(erfinv(x)^2)
    "erfinv": _unary("Erfinv", special.erfinv, lambda x, y: _HALF_SQRT_PI * (y * y).exp(),
                     "ErfinvBackward0"),
    # d 2^x/dx = 2^x ln 2
    "exp2": _unary("Exp2", special.exp2, lambda x, y: y * _LN2, "Exp2Backward0"),
}


def polygamma(n: int, x: Tensor) -> Tensor:
    """psi^(n)(x), the n-th derivative of digamma (``torch.polygamma(n, input)``).

    Examples
    --------
    >>> import glassbox as gb
    >>> gb.polygamma(1, gb.tensor([1.0], dtype=gb.float64))    # pi^2 / 6
    tensor([1.6449], dtype=glassbox.float64)
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise RuntimeError(f"polygamma(n, x) does not support negative n; received n={n!r}")
    return polygamma_function(n).apply(x)
