"""``spectral_norm``: divide a layer's weight by its largest singular value before every
forward (Miyato et al., 2018), the Lipschitz constraint of SN-GAN critics.

The largest singular value sigma of W (as a matrix: its dimension ``dim`` against all the
others) is estimated by *power iteration*: with unit vectors u and v kept as buffers,
each training forward does ``v <- W^T u / |W^T u|``, ``u <- W v / |W v|`` (without
gradient), then ``sigma = u^T W v`` (with gradient) and the layer uses ``W / sigma``.
One iteration per step suffices because W changes slowly. The parameter ``weight_orig``
is what the optimiser trains; ``weight`` is recomputed from it. Same names, buffers and
update as ``torch.nn.utils.spectral_norm``, so a state dict moves between the two.
"""

from __future__ import annotations

from glassbox.autograd import grad_mode
from glassbox.autograd.tensor import Tensor
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["SpectralNorm", "spectral_norm", "remove_spectral_norm"]


class SpectralNorm:
    """The forward pre-hook that sets ``module.<name>`` to ``<name>_orig / sigma``."""

    def __init__(self, name: str = "weight", n_power_iterations: int = 1, dim: int = 0,
                 eps: float = 1e-12) -> None:
        if n_power_iterations <= 0:
            raise ValueError(f"Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.name = name
        self.dim = dim
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        """W with dimension ``dim`` first, flattened to (that size, everything else)."""
        if self.dim != 0:
            weight = weight.permute(self.dim, *[d for d in range(weight.ndim) if d != self.dim])
        return weight.reshape(weight.shape[0], -1)

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        from glassbox.nn.functional import normalize

        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        weight_mat = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with grad_mode.no_grad():
                for _ in range(self.n_power_iterations):
                    # the buffers are updated in place (torch's out=): they are the state
                    v.copy_(normalize(weight_mat.t().mv(u), dim=0, eps=self.eps))
                    u.copy_(normalize(weight_mat.mv(v), dim=0, eps=self.eps))
                u, v = u.clone(), v.clone()  # the graph keeps these, not the buffers
        sigma = u.dot(weight_mat.mv(v))               # u^T W v, the largest singular value
        return weight / sigma

    def remove(self, module: Module) -> None:
        with grad_mode.no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        for suffix in ("", "_u", "_v", "_orig"):
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs) -> None:
        setattr(module, self.name, self.compute_weight(module, module.training))

    @staticmethod
    def apply(module: Module, name: str, n_power_iterations: int, dim: int,
              eps: float) -> SpectralNorm:
        from glassbox import _random
        from glassbox.nn.functional import normalize

        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same "
                                   f"parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters.get(name)
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        with grad_mode.no_grad():
            h, w = fn.reshape_weight_to_matrix(weight).shape
            generator = _random.default_generator()
            # random unit starting vectors, from glassbox's generator
            u = normalize(Tensor(generator.standard_normal(h).astype(weight.dtype)), dim=0,
                          eps=fn.eps)
            v = normalize(Tensor(generator.standard_normal(w).astype(weight.dtype)), dim=0,
                          eps=fn.eps)
        delattr(module, name)
        module.register_parameter(name + "_orig", weight)
        object.__setattr__(module, name, weight.detach())  # a plain attribute, as torch's
        module.register_buffer(name + "_u", u)
        module.register_buffer(name + "_v", v)
        module.register_forward_pre_hook(fn)
        return fn


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1,
                  eps: float = 1e-12, dim: int | None = None) -> Module:
    """Reparametrise ``module.<name>`` as ``<name>_orig / sigma(<name>_orig)``.

    .. math:: W_{SN} = \\frac{W}{\\sigma(W)}, \\quad \\sigma(W) = \\max_{|h| = 1} |W h|

    Parameters
    ----------
    module : Module
    name : str, default='weight'
    n_power_iterations : int, default=1
    eps : float, default=1e-12
    dim : int, optional
        The output dimension: 1 for transposed convolutions, 0 otherwise.

    Returns
    -------
    The module, with parameter ``<name>_orig`` and buffers ``<name>_u``, ``<name>_v``.

    See Also
    --------
    torch.nn.utils.spectral_norm, remove_spectral_norm

    Examples
    --------
    >>> import glassbox as gb
    >>> layer = spectral_norm(gb.nn.Linear(20, 40))
    >>> list(layer.state_dict())
    ['bias', 'weight_orig', 'weight_u', 'weight_v']
    >>> layer.weight_u.shape
    glassbox.Size([40])
    """
    from glassbox.nn.modules.conv import ConvTranspose1d, ConvTranspose2d

    if dim is None:
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d)) else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module: Module, name: str = "weight") -> Module:
    """Undo :func:`spectral_norm`: ``<name>`` becomes a Parameter again (W / sigma).

    Examples
    --------
    >>> import glassbox as gb
    >>> layer = remove_spectral_norm(spectral_norm(gb.nn.Linear(3, 2)))
    >>> list(layer.state_dict())
    ['bias', 'weight']
    """
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")
