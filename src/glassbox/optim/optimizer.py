"""The base class of every optimizer: parameter groups, per-parameter state, state dicts.

An optimizer holds a list of *parameter groups*. Each group is a dict with the key
``"params"`` (a list of Parameters) and the hyper-parameters that apply to them (``lr``,
``momentum``, ...). Giving two groups different learning rates is how transfer learning
trains a pre-trained base slowly and a new head fast. The optimizer also keeps a
*state* per parameter (the momentum buffer of SGD, the moment estimates of Adam), created
lazily at the first step.

The update rules of the subclasses work on the NumPy arrays underneath the parameters
(``p._data`` and ``p.grad._data``, what ``numpy()`` returns), in place: an optimizer
step is not part of the graph that autograd differentiates, and writing into the arrays
keeps float32 parameters float32 and avoids a copy of every weight at every step.
"""

from __future__ import annotations

import copy
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Marks a hyper-parameter without a default (torch's ``optim.optimizer.required``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _is_tensor(value: Any) -> bool:
    from glassbox.autograd import Tensor

    return isinstance(value, Tensor)


def _as_array(value: Any, number: bool = False) -> Any:
    """A copy of a state value as a NumPy array (from a glassbox or torch tensor, or array).

    A count (``number``: the ``step``) and plain numbers are returned as Python floats,
    everything else unchanged; a 0-d parameter's moments stay 0-d arrays, updated in place.
    """
    if _is_tensor(value):
        value = value._data
    elif hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch.Tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return float(value) if number and value.ndim == 0 else np.array(value, copy=True)
    if isinstance(value, (np.generic, int, float)) and not isinstance(value, bool):
        return float(value)
    return copy.deepcopy(value)


class Optimizer:
    """Base class of all optimizers (the twin of ``torch.optim.Optimizer``).

    Parameters
    ----------
    params : iterable of Parameter, or iterable of dict
        The tensors to optimize, or parameter groups: dicts with a ``"params"`` entry and
        any hyper-parameter that overrides ``defaults`` for that group, e.g.
        ``[{"params": base.parameters(), "lr": 1e-4}, {"params": head.parameters()}]``.
    defaults : dict
        Hyper-parameters used by every group that does not set its own.

    Attributes
    ----------
    param_groups : list of dict
        One dict per group: ``"params"`` (list of Parameters) and its hyper-parameters.
    state : dict
        Per-parameter state (keyed by the Parameter), e.g. ``{"momentum_buffer": array}``.
    defaults : dict

    See Also
    --------
    torch.optim.Optimizer : the twin.

    Examples
    --------
    >>> import glassbox as gb
    >>> from glassbox.optim import SGD
    >>> w = gb.nn.Parameter(gb.tensor([1.0, 2.0]))
    >>> b = gb.nn.Parameter(gb.tensor([0.0]))
    >>> opt = SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
    >>> [group["lr"] for group in opt.param_groups]
    [0.1, 0.5]
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []

        if _is_tensor(params):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {type(params).__name__}. Wrap a single tensor in a list: "
                "SGD([weight], lr=0.1)."
            )
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError(
                "optimizer got an empty parameter list. Pass model.parameters() of a model "
                "that has parameters (or check that they are not all frozen)."
            )
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for index, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {index}")
            lines.extend(f"    {key}: {group[key]}" for key in sorted(group) if key != "params")
        lines.append(")")
        return "\n".join(lines)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyper-parameters.

        Useful when fine-tuning: layers that were frozen can be unfrozen and added to the
        optimizer with a smaller learning rate as training goes on.

        Parameters
        ----------
        param_group : dict
            ``{"params": iterable of Parameter, **hyper_parameters}``; missing
            hyper-parameters take the optimizer's defaults.

        Examples
        --------
        >>> import glassbox as gb
        >>> opt = gb.optim.SGD([gb.nn.Parameter(gb.zeros(2))], lr=0.1)
        >>> opt.add_param_group({"params": [gb.nn.Parameter(gb.zeros(3))], "lr": 0.01})
        >>> len(opt.param_groups), opt.param_groups[1]["lr"]
        (2, 0.01)
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(
                "a parameter group needs a 'params' entry, received keys "
                f"{sorted(param_group)}. Use {{'params': model.parameters(), 'lr': ...}}."
            )
        params = param_group["params"]
        if _is_tensor(params):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)

        # (name, parameter) pairs, as given by model.named_parameters(), keep their names.
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(params):
            raise ValueError(
                "all optimizer params should be with/without names. Some param names are missing"
            )
        group = dict(param_group)
        group["params"] = params
        if names:
            group["param_names"] = names

        for param in params:
            if not _is_tensor(param):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    f"{type(param).__name__}"
                )
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            group.setdefault(name, default)

        ids_here = {id(p) for p in params}
        ids_before = {id(p) for g in self.param_groups for p in g["params"]}
        if ids_here & ids_before:
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradient of every parameter before the next ``backward()``.

        Parameters
        ----------
        set_to_none : bool, default=True
            Set ``p.grad = None`` (frees the memory; a parameter that then receives no
            gradient is skipped by ``step``) instead of filling it with zeros.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad._data[...] = 0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, once (implemented by subclasses)."""
        raise NotImplementedError

    def _params_with_grad(self, group: dict[str, Any]) -> Iterable[Any]:
        """The parameters of ``group`` that received a gradient (the others are skipped).

        Each is counted as changed in place (its ``_version`` goes up), as in torch: a
        graph that saved the old weights then refuses to backward instead of computing
        a gradient from weights that are no longer there.
        """
        for p in group["params"]:
            if p.grad is not None:
                p._bump_version()
                yield p

    # ----------------------------------------------------------------- state dicts
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state, with parameters replaced by their index (torch's layout).

        Returns
        -------
        dict
            ``{"state": {index: {name: array or float}}, "param_groups": [{..., "params":
            [index, ...]}]}``: indices count the parameters across groups in order, so the
            dict can be loaded into an optimizer built the same way on another model
            (a fresh copy, or the twin engine).

        Examples
        --------
        >>> import glassbox as gb
        >>> w = gb.nn.Parameter(gb.tensor([1.0]))
        >>> opt = gb.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> w.grad = gb.tensor([2.0])
        >>> opt.step()
        >>> opt.state_dict()["state"]
        {0: {'momentum_buffer': array([2.], dtype=float32)}}
        >>> opt.state_dict()["param_groups"][0]["params"]
        [0]
        """
        index_of: dict[int, int] = {}
        param_groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            for p in group["params"]:
                index_of.setdefault(id(p), len(index_of))
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            param_groups.append(packed)
        state = {index_of[id(p)]: dict(values) for p, values in self.state.items()
                 if id(p) in index_of}
        return {"state": state, "param_groups": param_groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state returned by :meth:`state_dict` (of glassbox or of torch).

        The parameters are matched by position: the optimizer must have been built with the
        same number of groups and of parameters per group. Tensors of either engine are
        copied into NumPy arrays.

        Raises
        ------
        ValueError
            If the number of groups, or of parameters in a group, differs.
        """
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise ValueError(
                "load_state_dict expects a dict with 'state' and 'param_groups' (from "
                f"optimizer.state_dict()), received {type(state_dict).__name__}"
            )
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups: "
                f"{len(saved_groups)} saved, {len(self.param_groups)} in this optimizer"
            )
        for index, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size "
                    f"of optimizer's group: group {index} has {len(saved['params'])} saved "
                    f"parameters, {len(group['params'])} here"
                )
        param_of_index = dict(zip(
            itertools.chain.from_iterable(g["params"] for g in saved_groups),
            itertools.chain.from_iterable(g["params"] for g in self.param_groups),
        ))
        self.state = defaultdict(dict)
        for index, values in state_dict["state"].items():
            param = param_of_index.get(int(index))
            if param is None:
                continue
            self.state[param] = {key: self._cast_state(param, key, value)
                                 for key, value in values.items()}
        for group, saved in zip(self.param_groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.param_groups = saved_groups

    @staticmethod
    def _cast_state(param: Any, key: str, value: Any) -> Any:
        """A state value as this engine stores it: arrays in the parameter's dtype."""
        value = _as_array(value, number=key == "step")
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            value = value.astype(param._data.dtype, copy=False)
        return value
