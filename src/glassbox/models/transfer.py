"""Transfer learning helpers, for models of either engine.

Course section 3.4.1: a network trained on a large dataset has learned general features
in its first layers (edges, textures) and task-specific ones in its last. To reuse it:

- **feature extraction**: freeze the base (no gradient, no update), run it once over the
  data, and train only a new head on its outputs — :func:`freeze`, :func:`extract_features`;
- **fine-tuning**: unfreeze some or all of the base and train it with a lower learning
  rate than the new head — :func:`unfreeze`, :func:`parameter_groups`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

__all__ = ["extract_features", "freeze", "layer_names", "parameter_groups", "unfreeze"]


def layer_names(model: Any) -> list[str]:
    """Names of the model's modules that hold parameters (what :func:`freeze` accepts).

    Examples
    --------
    >>> import torch
    >>> from glassbox.models import lenet5
    >>> layer_names(lenet5(nn=torch.nn))
    ['0', '3', '6', '9', '11']
    """
    return [name for name, module in model.named_modules()
            if name and any(True for _ in module.parameters(recurse=False))]


def _all_module_names(model: Any) -> list[str]:
    return [name for name, _ in model.named_modules() if name]


def _parameters_of(model: Any, name: str) -> list[tuple[str, Any]]:
    """(name, parameter) pairs under module ``name`` (itself and its children)."""
    valid = _all_module_names(model)
    if name not in valid:
        raise ValueError(f"Unknown layer {name!r}. Expected one of the model's layer names: "
                         f"{', '.join(layer_names(model))} (or a parent module: "
                         f"{', '.join(n for n in valid if '.' not in n)}).")
    prefix = name + "."
    return [(n, p) for n, p in model.named_parameters() if n.startswith(prefix)]


def _set_requires_grad(model: Any, flag: bool, layers: Iterable[str] | None,
                       up_to: str | None) -> list[str]:
    if layers is not None and up_to is not None:
        raise ValueError("Give either layers or up_to, not both.")
    if isinstance(layers, str):
        layers = [layers]
    named = list(model.named_parameters())
    if layers is not None:
        chosen = {n for name in layers for n, _ in _parameters_of(model, name)}
    elif up_to is not None:
        last = _parameters_of(model, up_to)
        if not last:
            raise ValueError(f"Layer {up_to!r} has no parameters; choose one of "
                             f"{', '.join(layer_names(model))}.")
        stop = [n for n, _ in named].index(last[-1][0])
        chosen = {n for n, _ in named[:stop + 1]}
    else:
        chosen = {n for n, _ in named}
    for n, parameter in named:
        if n in chosen:
            parameter.requires_grad_(flag)
    return [n for n, _ in named if n in chosen]


def freeze(model: Any, layers: Iterable[str] | str | None = None,
           up_to: str | None = None) -> list[str]:
    """Stop gradients for some parameters; returns the names of those frozen.

    Parameters
    ----------
    model : Module (glassbox or torch)
    layers : str or iterable of str, optional
        Module names (see :func:`layer_names`) whose parameters to freeze.
    up_to : str, optional
        Freeze every parameter from the input up to and including this layer.
        With neither argument, the whole model is frozen.

    Notes
    -----
    Batch-norm layers in a frozen part still update their running statistics in
    training mode; put the frozen base in ``eval()`` to keep them fixed too.

    Examples
    --------
    >>> import torch
    >>> from glassbox.models import lenet5
    >>> model = lenet5(nn=torch.nn)
    >>> freeze(model, up_to="3")
    ['0.weight', '0.bias', '3.weight', '3.bias']
    >>> [p.requires_grad for p in model.parameters()][:5]
    [False, False, False, False, True]
    """
    return _set_requires_grad(model, False, layers, up_to)


def unfreeze(model: Any, layers: Iterable[str] | str | None = None,
             up_to: str | None = None) -> list[str]:
    """Let gradients flow again (the reverse of :func:`freeze`, same arguments).

    Examples
    --------
    >>> import torch
    >>> from glassbox.models import lenet5
    >>> model = lenet5(nn=torch.nn)
    >>> _ = freeze(model)
    >>> unfreeze(model, layers="11")
    ['11.weight', '11.bias']
    """
    return _set_requires_grad(model, True, layers, up_to)


def parameter_groups(model: Any, learning_rates: Mapping[str, float],
                     default_lr: float | None = None) -> list[dict[str, Any]]:
    """Optimizer parameter groups with their own learning rates, by layer name.

    Each parameter goes to the group of the longest matching layer name; the rest go to a
    group with ``default_lr`` (or the optimizer's default when None). Frozen parameters
    are left out.

    Examples
    --------
    >>> import torch
    >>> from glassbox.models import lenet5
    >>> model = lenet5(nn=torch.nn)
    >>> groups = parameter_groups(model, {"0": 1e-4, "3": 1e-4}, default_lr=1e-2)
    >>> [(len(g["params"]), g["lr"]) for g in groups]
    [(2, 0.0001), (2, 0.0001), (6, 0.01)]
    >>> optimizer = torch.optim.SGD(groups, lr=0.1)
    """
    names = sorted(learning_rates, key=len, reverse=True)
    for name in names:
        _parameters_of(model, name)  # raises with the valid names if unknown
    groups = {name: [] for name in learning_rates}
    rest = []
    for parameter_name, parameter in model.named_parameters():
        if not parameter.requires_grad:
            continue
        owner = next((n for n in names if parameter_name.startswith(n + ".")), None)
        (groups[owner] if owner is not None else rest).append(parameter)
    result = [{"params": params, "lr": learning_rates[name]}
              for name, params in groups.items() if params]
    if rest:
        result.append({"params": rest} if default_lr is None
                      else {"params": rest, "lr": default_lr})
    return result


def extract_features(base: Any, X: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Run a frozen base once over ``X`` (in eval mode, without gradients).

    Parameters
    ----------
    base : Module (glassbox or torch)
    X : ndarray of shape (n_samples, ...)
    batch_size : int, default=256

    Returns
    -------
    ndarray of shape (n_samples, ...)
        The base's outputs, to train a head on.

    Examples
    --------
    >>> import torch
    >>> base = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3))
    >>> extract_features(base, np.zeros((5, 2, 2), np.float32)).shape
    (5, 3)
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, received {batch_size!r}")
    X = np.asarray(X)
    if X.ndim < 1 or len(X) == 0:
        raise ValueError(f"X must hold at least one sample, received shape {X.shape}")
    is_torch = any(cls.__module__.startswith("torch.") for cls in type(base).__mro__)
    if is_torch:
        import torch as package
    else:
        import glassbox as package
    was_training = base.training
    base.eval()
    outputs = []
    try:
        with package.no_grad():
            for start in range(0, len(X), batch_size):
                batch = package.tensor(np.ascontiguousarray(X[start:start + batch_size]))
                out = base(batch)
                outputs.append(out.detach().cpu().numpy() if is_torch else out.numpy())
    finally:
        base.train(was_training)
    return np.concatenate(outputs)
