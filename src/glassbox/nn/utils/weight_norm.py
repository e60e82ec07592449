"""``weight_norm``: write a layer's weight as a direction times a length (Salimans and
Kingma, 2016), w = g * v / |v|, and train g and v instead of w.

|v| is the norm over every dimension but ``dim`` (one length per output unit with the
default dim = 0). A forward pre-hook recomputes ``weight`` from ``weight_g`` and
``weight_v`` before every call, so the gradient reaches both through autograd.
"""

from __future__ import annotations

import warnings

from glassbox.autograd import grad_mode
from glassbox.autograd.tensor import Tensor
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


def _norm_except_dim(v: Tensor, dim: int) -> Tensor:
    """The 2-norm of v over every dimension but ``dim`` (kept with size 1); the norm of the
    whole of v when dim is -1 (what ``dim=None`` becomes, as in torch)."""
    if dim == -1:
        return (v * v).sum().sqrt()
    others = tuple(d for d in range(v.ndim) if d != dim)
    return (v * v).sum(others, keepdim=True).sqrt()


class WeightNorm:
    """The forward pre-hook that sets ``module.<name>`` to g * v / |v|."""

    def __init__(self, name: str, dim: int) -> None:
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module: Module) -> Tensor:
        g, v = getattr(module, self.name + "_g"), getattr(module, self.name + "_v")
        return v * (g / _norm_except_dim(v, self.dim))

    def __call__(self, module: Module, inputs) -> None:
        setattr(module, self.name, self.compute_weight(module))

    @staticmethod
    def apply(module: Module, name: str, dim: int) -> WeightNorm:
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same "
                                   f"parameter {name}")
        fn = WeightNorm(name, dim)
        weight = module._parameters.get(name)
        if weight is None:
            raise ValueError(f"`WeightNorm` cannot be applied as parameter `{name}` is None")
        with grad_mode.no_grad():
            g = Parameter(_norm_except_dim(weight, fn.dim).detach())
            v = Parameter(weight.detach().clone())
        delattr(module, name)
        module.register_parameter(name + "_g", g)
        module.register_parameter(name + "_v", v)
        object.__setattr__(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module: Module) -> None:
        with grad_mode.no_grad():
            weight = self.compute_weight(module)
        for suffix in ("", "_g", "_v"):
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(weight.detach()))


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Reparametrise ``module.<name>`` as ``<name>_g * <name>_v / |<name>_v|``.

    .. math:: w = g \\frac{v}{\\lVert v \\rVert}

    Parameters
    ----------
    module : Module
    name : str, default='weight'
    dim : int or None, default=0
        The dimension that keeps one length per slice; None: one length for the whole
        weight.

    See Also
    --------
    torch.nn.utils.weight_norm, remove_weight_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # deprecated in torch, as here
    ...     layer = weight_norm(gb.nn.Linear(3, 2))
    >>> [(name, tuple(p.shape)) for name, p in layer.named_parameters()]
    [('bias', (2,)), ('weight_g', (2, 1)), ('weight_v', (2, 3))]
    """
    warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                  "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning,
                  stacklevel=2)
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    """Undo :func:`weight_norm`: ``<name>`` becomes one Parameter again.

    Examples
    --------
    >>> import glassbox as gb
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     layer = remove_weight_norm(weight_norm(gb.nn.Linear(3, 2)))
    >>> list(layer.state_dict())
    ['bias', 'weight']
    """
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
