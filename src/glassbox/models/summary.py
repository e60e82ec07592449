"""A model's layer table: output shape, parameters and multiply-adds of every layer.

Works on models of both engines: it runs one forward pass on a zero image (batch of
one) with forward hooks on every leaf module, as ``torchinfo``/Keras' ``model.summary()``
do. Multiply-adds (MACs) are counted for the layers that do them:

- ``Conv2d``: one per kernel weight per output element,
  ``C_out·H_out·W_out · (C_in/groups)·kH·kW``;
- ``ConvTranspose2d``: one per kernel weight per *input* element,
  ``C_in·H_in·W_in · (C_out/groups)·kH·kW``;
- ``Linear``: ``in_features · out_features`` per input row.

Pooling, normalisation and activations are counted as zero (they are a few operations
per element, negligible next to the convolutions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod
from typing import Any

__all__ = ["Summary", "summary", "MAX_INPUT_VALUES"]

# One forward pass runs on a zero input: refuse, before allocating it, an input whose
# activations could not fit in memory (3 x 2364 x 2364 values; ImageNet's is 3 x 224 x 224).
MAX_INPUT_VALUES = 2**24


@dataclass
class Summary:
    """The result of :func:`summary`: one row per layer, plus totals (``print`` shows a table).

    Examples
    --------
    >>> import torch
    >>> from glassbox.models import lenet5
    >>> str(summary(lenet5(nn=torch.nn), (1, 32, 32))).splitlines()[-1]
    'Total mult-adds: 416,520'
    """

    rows: list[dict[str, Any]]
    input_size: tuple[int, ...]
    total_params: int
    trainable_params: int
    total_mult_adds: int = field(default=0)

    def __str__(self) -> str:
        header = f"{'Layer (type)':<40} {'Output shape':<22} {'Param #':>12} {'Mult-adds':>15}"
        lines = [header, "=" * len(header)]
        for row in self.rows:
            name = f"{row['layer']} ({row['type']})"
            shape = "x".join(str(d) for d in row["output_shape"])
            lines.append(f"{name:<40} {shape:<22} {row['params']:>12,} {row['mult_adds']:>15,}")
        lines += ["=" * len(header),
                  f"Input: {'x'.join(map(str, self.input_size))}",
                  f"Total params: {self.total_params:,}",
                  f"Trainable params: {self.trainable_params:,}",
                  f"Total mult-adds: {self.total_mult_adds:,}"]
        return "\n".join(lines)


def _engine_of(model: Any) -> str:
    for cls in type(model).__mro__:
        if cls.__module__.startswith("torch."):
            return "torch"
    return "glassbox"


def _numel(tensor: Any) -> int:
    return int(prod(tensor.shape))


def _mult_adds(module: Any, input_shape: tuple[int, ...], output_shape: tuple[int, ...]) -> int:
    kind = type(module).__name__
    if kind == "Conv2d":
        kH, kW = module.kernel_size
        return prod(output_shape[1:]) * (module.in_channels // module.groups) * kH * kW
    if kind == "ConvTranspose2d":
        kH, kW = module.kernel_size
        return prod(input_shape[1:]) * (module.out_channels // module.groups) * kH * kW
    if kind == "Linear":
        rows = prod(input_shape[1:-1]) if len(input_shape) > 2 else 1
        return rows * module.in_features * module.out_features
    return 0


def summary(model: Any, input_size: tuple[int, ...]) -> Summary:
    """The layer table of ``model`` for one input of ``input_size`` (C, H, W).

    Parameters
    ----------
    model : glassbox.nn.Module or torch.nn.Module
    input_size : tuple of int
        The shape of one input without the batch axis, e.g. ``(1, 32, 32)``; a 4-tuple
        is read as torchinfo's ``(N, C, H, W)``, batch axis included.

    Returns
    -------
    Summary
        ``rows`` (layer name, type, output shape with batch 1, parameters, mult-adds),
        ``total_params``, ``trainable_params``, ``total_mult_adds``; ``print`` it for the
        table.

    Raises
    ------
    ValueError
        When the input does not fit the architecture (too small, wrong number of
        channels): names the layer that failed and the shape it received; or when it is
        larger than ``MAX_INPUT_VALUES`` values.

    Examples
    --------
    >>> import torch
    >>> from glassbox.models import lenet5
    >>> table = summary(lenet5(nn=torch.nn), (1, 32, 32))
    >>> [row["output_shape"] for row in table.rows if row["type"] == "AvgPool2d"]
    [(1, 6, 14, 14), (1, 16, 5, 5)]
    >>> table.total_params, table.total_mult_adds
    (61706, 416520)
    """
    input_size = tuple(int(d) for d in input_size)
    if len(input_size) < 1 or any(d < 1 for d in input_size):
        raise ValueError(f"input_size must be positive sizes without the batch axis, "
                         f"e.g. (3, 224, 224); received {input_size}")
    # torchinfo's summary(model, input_size=(1, 3, 224, 224)) gives the batch axis too.
    batch_shape = input_size if len(input_size) == 4 else (1, *input_size)
    if prod(batch_shape) > MAX_INPUT_VALUES:
        raise ValueError(f"input_size {input_size} has {prod(batch_shape):,} values, more than "
                         f"the {MAX_INPUT_VALUES:,} a summary's forward pass allows (the "
                         "activations would not fit in memory); expected a size such as "
                         "(3, 224, 224).")
    engine = _engine_of(model)
    if engine == "torch":
        import torch as package
    else:
        import glassbox as package

    leaves = [(name, module) for name, module in model.named_modules()
              if not list(module.children())]
    rows: list[dict[str, Any]] = []
    entered: list[tuple[str, Any, tuple[int, ...]]] = []
    handles = []

    def make_hooks(name: str):
        def pre_hook(module, inputs):
            entered.append((name, module, tuple(inputs[0].shape)))

        def hook(module, inputs, output):
            in_shape, out_shape = tuple(inputs[0].shape), tuple(output.shape)
            rows.append({"layer": name, "type": type(module).__name__,
                         "output_shape": out_shape,
                         "params": sum(_numel(p) for p in module.parameters(recurse=False)),
                         "mult_adds": _mult_adds(module, in_shape, out_shape)})
        return pre_hook, hook

    for name, module in leaves:
        pre_hook, hook = make_hooks(name)
        if hasattr(module, "register_forward_pre_hook"):
            handles.append(module.register_forward_pre_hook(pre_hook))
        handles.append(module.register_forward_hook(hook))
    was_training = model.training
    model.eval()
    try:
        with package.no_grad():
            model(package.zeros(batch_shape))
    except MemoryError:
        raise ValueError(f"Not enough memory for one forward pass of {type(model).__name__} "
                         f"on an input of size {input_size}; use a smaller input size.") from None
    except (RuntimeError, ValueError) as error:
        if entered:
            name, module, shape = entered[-1]
            kernel = getattr(module, "kernel_size", None)
            kernel = (kernel, kernel) if isinstance(kernel, int) else kernel
            if kernel is not None and len(shape) >= 3 and any(
                    size < k for size, k in zip(shape[-2:], kernel)):
                problem, fix = "is too small for", "Use a larger input size."
            else:
                problem, fix = "does not fit", ("Expected (C, H, W) of one input, or (N, C, "
                                                "H, W), with the channels the first layer takes.")
            raise ValueError(
                f"Input of size {input_size} {problem} {type(model).__name__}: layer "
                f"{name!r} ({module!r}) received shape {shape} and failed ({error}). {fix}"
            ) from error
        raise
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    params = list(model.parameters())
    return Summary(rows=rows, input_size=input_size,
                   total_params=sum(_numel(p) for p in params),
                   trainable_params=sum(_numel(p) for p in params if p.requires_grad),
                   total_mult_adds=sum(row["mult_adds"] for row in rows))
