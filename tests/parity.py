"""The parity helpers: run glassbox and torch on the same inputs, compare everything.

Modelled on tinygrad's ``helper_test_op``: each op test is one line. Import with
``from parity import helper_test_op, helper_test_module`` (``tests/`` is on the path).

``helper_test_op(shapes, torch_fn, glassbox_fn=None, *, values=None, low=-2.0, high=2.0,
dtypes=("float64", "float32"), requires_grad=True, rtol=None, atol=None, seed=0,
forward_only=False)``
    For each dtype, build inputs (random uniform in [low, high) of ``shapes``, or the
    given ``values``), run ``torch_fn`` on torch tensors and ``glassbox_fn`` (default:
    the same function) on glassbox Tensors, and assert that the outputs have the same
    shape, dtype and values; then backpropagate the same random upstream gradient
    through both and assert that the gradient of every floating-point input agrees
    (both None, or equal). Tolerances: float64 rtol=1e-7, atol=1e-9; float32 rtol=1e-4,
    atol=1e-5 (override with ``rtol``/``atol``). Integer ``values`` (class indices,
    index arrays) are passed as int64 tensors without gradient. ``requires_grad`` may
    be a bool or one bool per input. Functions may return a Tensor or a tuple of them
    (integer outputs are compared but not differentiated). Returns the glassbox outputs
    of the last dtype.

``helper_test_module(glassbox_module, torch_module, input_shapes, *, values=None,
loss=None, train=True, rtol=None, atol=None, dtypes=("float64", "float32"), seed=0)``
    Copy the glassbox module's state_dict into the torch module, compare forward
    outputs, input gradients, every parameter gradient (by name) and every buffer after
    the step; then re-randomise the torch module, copy torch -> glassbox and compare
    the outputs again. ``loss`` maps the output to a scalar (default: a fixed random
    weighting of every output element).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

import glassbox as gb

__all__ = ["helper_test_op", "helper_test_module", "assert_close", "TOLERANCES"]

TOLERANCES = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5)}


def _torch_dtype(name: str) -> torch.dtype:
    return {"float64": torch.float64, "float32": torch.float32}[name]


def assert_close(actual, expected, rtol: float, atol: float, what: str) -> None:
    """Assert two arrays (glassbox/torch/NumPy) agree in shape, dtype kind and values."""
    actual_array = actual.numpy() if isinstance(actual, gb.Tensor) else np.asarray(actual)
    expected_array = (expected.detach().numpy() if isinstance(expected, torch.Tensor)
                      else np.asarray(expected))
    assert actual_array.shape == expected_array.shape, (
        f"{what}: shape {actual_array.shape} != torch's {expected_array.shape}")
    assert actual_array.dtype == expected_array.dtype, (
        f"{what}: dtype {actual_array.dtype} != torch's {expected_array.dtype}")
    if actual_array.dtype.kind in "biu":
        np.testing.assert_array_equal(actual_array, expected_array, err_msg=what)
    else:
        np.testing.assert_allclose(actual_array, expected_array, rtol=rtol, atol=atol,
                                   err_msg=what)


def _as_tuple(output) -> tuple:
    return tuple(output) if isinstance(output, (tuple, list)) else (output,)


def _make_inputs(shapes, values, low, high, rng) -> list[np.ndarray]:
    if values is not None:
        return [np.asarray(value) for value in values]
    return [rng.uniform(low, high, size=shape) for shape in shapes]


def helper_test_op(shapes: Sequence[tuple[int, ...]] | None, torch_fn: Callable,
                   glassbox_fn: Callable | None = None, *, values=None, low: float = -2.0,
                   high: float = 2.0, dtypes=("float64", "float32"), requires_grad=True,
                   rtol: float | None = None, atol: float | None = None, seed: int = 0,
                   forward_only: bool = False):
    """Compare one function of glassbox with torch: outputs and every input gradient.

    See the module docstring for the full contract.
    """
    glassbox_fn = glassbox_fn or torch_fn
    rng = np.random.default_rng(seed)
    base = _make_inputs(shapes, values, low, high, rng)
    flags = ([requires_grad] * len(base) if isinstance(requires_grad, bool)
             else list(requires_grad))
    result = None
    for dtype_name in dtypes:
        default_rtol, default_atol = TOLERANCES[dtype_name]
        tolerance = (rtol if rtol is not None else default_rtol,
                     atol if atol is not None else default_atol)
        gb_inputs, torch_inputs = [], []
        for array, flag in zip(base, flags):
            if array.dtype.kind == "f":
                cast = array.astype(dtype_name)
                differentiable = flag and not forward_only
                gb_inputs.append(gb.tensor(cast, requires_grad=differentiable))
                torch_inputs.append(torch.tensor(cast, requires_grad=differentiable))
            else:
                integer = array.astype(np.int64) if array.dtype.kind in "iu" else array
                gb_inputs.append(gb.tensor(integer))
                torch_inputs.append(torch.tensor(integer))
        gb_out = _as_tuple(glassbox_fn(*gb_inputs))
        torch_out = _as_tuple(torch_fn(*torch_inputs))
        assert len(gb_out) == len(torch_out), "different numbers of outputs"
        for index, (mine, theirs) in enumerate(zip(gb_out, torch_out)):
            assert_close(mine, theirs, *tolerance, f"{dtype_name} forward output {index}")
        result = gb_out if len(gb_out) > 1 else gb_out[0]
        if forward_only or not any(t.requires_grad for t in gb_inputs):
            continue
        # one fixed random weighting of every differentiable output: a scalar loss
        gb_loss, torch_loss = None, None
        for mine, theirs in zip(gb_out, torch_out):
            if not (isinstance(mine, gb.Tensor) and mine.requires_grad):
                continue
            upstream = rng.uniform(-1, 1, size=mine.shape).astype(mine.dtype)
            gb_term = (mine * gb.tensor(upstream)).sum()
            torch_term = (theirs * torch.tensor(upstream)).sum()
            gb_loss = gb_term if gb_loss is None else gb_loss + gb_term
            torch_loss = torch_term if torch_loss is None else torch_loss + torch_term
        if gb_loss is None:
            assert not any(isinstance(t, torch.Tensor) and t.requires_grad for t in torch_out)
            continue
        gb_loss.backward()
        torch_loss.backward()
        for index, (mine, theirs) in enumerate(zip(gb_inputs, torch_inputs)):
            if not theirs.requires_grad:
                continue
            what = f"{dtype_name} gradient of input {index}"
            if theirs.grad is None:
                assert mine.grad is None or not np.any(mine.grad.numpy()), f"{what}: torch None"
                continue
            assert mine.grad is not None, f"{what}: glassbox gave None"
            assert_close(mine.grad, theirs.grad, *tolerance, what)
    return result


def results_to_second_order(function: Callable, arrays: Sequence[np.ndarray], dtype) -> list:
    """Output, first gradients (create_graph), second-order gradients and plain gradients
    of a glassbox ``function`` of ``arrays``, as arrays: what a fast path must keep equal
    (the thread tests compare these bit for bit across thread counts)."""
    from glassbox.autograd import grad

    inputs = [gb.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    y = function(*inputs)
    upstream = gb.tensor(np.random.default_rng(1).standard_normal(y.shape).astype(dtype))
    first = grad((y * y * upstream).sum(), inputs, create_graph=True)
    sum((g * g).sum() for g in first).backward()
    plain = [gb.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    (function(*plain) * upstream).sum().backward()
    return ([y.numpy()] + [g.detach().numpy() for g in first]
            + [t.grad.numpy() for t in inputs] + [t.grad.numpy() for t in plain])


def _to_torch_state(state: dict) -> dict:
    return {name: torch.from_numpy(np.array(value.numpy())) for name, value in state.items()}


def helper_test_module(glassbox_module, torch_module, input_shapes, *, values=None,
                       loss: Callable | None = None, train: bool = True,
                       rtol: float | None = None, atol: float | None = None,
                       dtypes=("float64", "float32"), seed: int = 0, low: float = -2.0,
                       high: float = 2.0):
    """Compare a glassbox Module with its torch twin, copying weights both ways.

    See the module docstring for the full contract.
    """
    rng = np.random.default_rng(seed)
    base = _make_inputs(input_shapes, values, low, high, rng)
    for dtype_name in dtypes:
        default_rtol, default_atol = TOLERANCES[dtype_name]
        tolerance = (rtol if rtol is not None else default_rtol,
                     atol if atol is not None else default_atol)
        glassbox_module.to(np.dtype(dtype_name)).train(train)
        torch_module.to(_torch_dtype(dtype_name)).train(train)
        glassbox_module.zero_grad()
        torch_module.zero_grad()
        # glassbox -> torch
        torch_module.load_state_dict(_to_torch_state(glassbox_module.state_dict()))
        gb_inputs, torch_inputs = [], []
        for array in base:
            if array.dtype.kind == "f":
                cast = array.astype(dtype_name)
                gb_inputs.append(gb.tensor(cast, requires_grad=True))
                torch_inputs.append(torch.tensor(cast, requires_grad=True))
            else:
                gb_inputs.append(gb.tensor(array.astype(np.int64)))
                torch_inputs.append(torch.tensor(array.astype(np.int64)))
        gb_out = glassbox_module(*gb_inputs)
        torch_out = torch_module(*torch_inputs)
        assert_close(gb_out, torch_out, *tolerance, f"{dtype_name} module output")
        if loss is None:
            upstream = rng.uniform(-1, 1, size=gb_out.shape).astype(dtype_name)
            gb_loss = (gb_out * gb.tensor(upstream)).sum()
            torch_loss = (torch_out * torch.tensor(upstream)).sum()
        else:
            gb_loss, torch_loss = loss(gb_out), loss(torch_out)
        gb_loss.backward()
        torch_loss.backward()
        for index, (mine, theirs) in enumerate(zip(gb_inputs, torch_inputs)):
            if theirs.requires_grad:
                assert_close(mine.grad, theirs.grad, *tolerance,
                             f"{dtype_name} gradient of input {index}")
        torch_parameters = dict(torch_module.named_parameters())
        gb_parameters = dict(glassbox_module.named_parameters())
        assert list(gb_parameters) == list(torch_parameters), "parameter names differ"
        for name, param in gb_parameters.items():
            theirs = torch_parameters[name]
            if theirs.grad is None:
                assert param.grad is None, f"{name}: torch has no gradient"
                continue
            assert_close(param.grad, theirs.grad, *tolerance, f"{dtype_name} grad of {name}")
        torch_buffers = dict(torch_module.named_buffers())
        for name, buffer in glassbox_module.named_buffers():
            assert_close(buffer, torch_buffers[name], *tolerance, f"{dtype_name} buffer {name}")
        # torch -> glassbox: fresh torch weights, copied over, same outputs
        with torch.no_grad():
            for param in torch_module.parameters():
                param.uniform_(-0.5, 0.5)
        glassbox_module.load_state_dict(torch_module.state_dict())
        with gb.no_grad():
            gb_again = glassbox_module(*[t.detach() for t in gb_inputs])
        with torch.no_grad():
            torch_again = torch_module(*[t.detach() for t in torch_inputs])
        assert_close(gb_again, torch_again, *tolerance, f"{dtype_name} output after torch->gb")
