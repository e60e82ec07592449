"""Containers: ``Sequential`` (run children in order), ``ModuleList``, ``ModuleDict``,
``ParameterList``, ``ParameterDict``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from glassbox.autograd.tensor import Tensor
from glassbox.nn.modules.module import Module
from glassbox.nn.parameter import Parameter

__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]


def _index(index: int, length: int, owner: str) -> int:
    if not -length <= index < length:
        raise IndexError(f"index {index} is out of range for {owner} of length {length}")
    return index % length


class Sequential(Module):
    """Modules applied one after the other: ``Sequential(a, b)(x) == b(a(x))``.

    Children are named "0", "1", ... (or by the keys of an OrderedDict), which gives the
    state_dict keys ``"0.weight"`` etc., as in torch.

    See Also
    --------
    torch.nn.Sequential

    Examples
    --------
    >>> import glassbox as gb
    >>> from glassbox import nn
    >>> model = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    >>> model(gb.ones(2, 4)).shape, len(model)
    (glassbox.Size([2, 3]), 2)
    >>> model
    Sequential(
      (0): Linear(in_features=4, out_features=3, bias=True)
      (1): ReLU()
    )
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(args):
                self.add_module(str(index), module)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(OrderedDict(list(self._modules.items())[index]))
        return list(self._modules.values())[_index(index, len(self), "Sequential")]

    def __setitem__(self, index: int, module: Module) -> None:
        key = list(self._modules)[_index(index, len(self), "Sequential")]
        self.add_module(key, module)

    def __delitem__(self, index) -> None:
        keys = list(self._modules)
        for key in (keys[index] if isinstance(index, slice) else [keys[index]]):
            del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> Sequential:
        """Add a module at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Sequential:
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._modules.clear()
        for position, child in enumerate(modules):
            self.add_module(str(position), child)
        return self

    def forward(self, input):  # noqa: A002 (torch's name)
        for module in self._modules.values():
            input = module(input)
        return input


class ModuleList(Module):
    """A list of modules whose parameters are registered (names "0", "1", ...).

    See Also
    --------
    torch.nn.ModuleList

    Examples
    --------
    >>> from glassbox import nn
    >>> layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    >>> len(list(layers.parameters()))
    6
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ModuleList(list(self._modules.values())[index])
        return self._modules[str(_index(index, len(self), "ModuleList"))]

    def __setitem__(self, index: int, module: Module) -> None:
        self.add_module(str(_index(index, len(self), "ModuleList")), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> ModuleList:
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._modules.clear()
        self.extend(modules)

    def __repr__(self) -> str:
        # torch's format: runs of identical children print once, as "(0-5): 6 x Block(...)"
        reprs = [repr(module) for module in self]
        if not reprs:
            return f"{self._get_name()}()"
        runs = []                                    # [start, end, repr] of each run
        for index, text in enumerate(reprs):
            if runs and runs[-1][2] == text:
                runs[-1][1] = index
            else:
                runs.append([index, index, text])
        lines = []
        for start, end, text in runs:
            label = f"({start})" if start == end else f"({start}-{end}): {end - start + 1} x"
            line = f"{label}: {text}" if start == end else f"{label} {text}"
            lines.append(line.replace("\n", "\n  "))
        return f"{self._get_name()}(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of modules whose parameters are registered under their keys.

    See Also
    --------
    torch.nn.ModuleDict

    Examples
    --------
    >>> from glassbox import nn
    >>> heads = nn.ModuleDict({"a": nn.Linear(2, 1)})
    >>> list(heads.state_dict())
    ['a.weight', 'a.bias']
    """

    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def update(self, modules: Mapping[str, Module]) -> None:
        for key, module in (modules.items() if isinstance(modules, Mapping) else modules):
            self.add_module(key, module)


def _as_parameter(value):
    """A plain Tensor becomes a Parameter (as torch does); Parameters stay themselves."""
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _describe(value, type_name: str) -> str:
    """One line of a parameter container's repr (torch's format)."""
    if isinstance(value, Tensor):
        size = "x".join(str(size) for size in value.shape)
        kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
        return f"{kind} containing: [{type_name} of size {size}]"
    return f"Object of type: {type(value).__name__}"


def _store(module: Module, name: str, value) -> None:
    """Register a Parameter under ``name``, or keep any other object as an attribute."""
    value = _as_parameter(value)
    if isinstance(value, Parameter):
        module.register_parameter(name, value)
    else:
        module._parameters.pop(name, None)
        object.__setattr__(module, name, value)


class ParameterList(Module):
    """A list of Parameters registered under the names "0", "1", ... (so they are in
    ``parameters()`` and ``state_dict()``); plain Tensors are wrapped as Parameters.

    See Also
    --------
    torch.nn.ParameterList

    Examples
    --------
    >>> import glassbox as gb
    >>> from glassbox import nn
    >>> weights = nn.ParameterList([gb.zeros(2), nn.Parameter(gb.ones(3))])
    >>> list(weights.state_dict()), weights[0].requires_grad
    (['0', '1'], True)
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ParameterList([self[i] for i in range(len(self))[index]])
        return getattr(self, str(_index(index, len(self), "ParameterList")))

    def __setitem__(self, index: int, value: Any) -> None:
        _store(self, str(_index(index, len(self), "ParameterList")), value)

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def append(self, value: Any) -> ParameterList:
        self._size += 1
        _store(self, str(self._size - 1), value)
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(
            f"  ({index}): " + _describe(value, f"glassbox.{getattr(value, 'dtype', '')}")
            for index, value in enumerate(self))


class ParameterDict(Module):
    """A dict of Parameters registered under their keys; plain Tensors are wrapped as
    Parameters.

    See Also
    --------
    torch.nn.ParameterDict

    Examples
    --------
    >>> import glassbox as gb
    >>> from glassbox import nn
    >>> scales = nn.ParameterDict({"a": gb.ones(2)})
    >>> scales["b"] = nn.Parameter(gb.zeros(1))
    >>> list(scales.state_dict()), "a" in scales
    (['a', 'b'], True)
    """

    def __init__(self, parameters: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict keys must be strings, received {type(key).__name__}")
        self._keys[key] = None
        _store(self, key, value)

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        if key in self._parameters:
            del self._parameters[key]
        else:
            object.__delattr__(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __contains__(self, key: str) -> bool:
        return key in self._keys

    def keys(self):
        return list(self._keys)

    def values(self):
        return [self[key] for key in self._keys]

    def items(self):
        return [(key, self[key]) for key in self._keys]

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default

    def pop(self, key: str) -> Any:
        value = self[key]
        del self[key]
        return value

    def update(self, values) -> None:
        for key, value in (values.items() if isinstance(values, Mapping) else values):
            self[key] = value

    def extra_repr(self) -> str:
        return "\n".join(f"  ({key}): " + _describe(value, getattr(value, "type", lambda: "")())
                         for key, value in self.items())
