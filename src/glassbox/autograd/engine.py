"""The backward pass: walk the graph from the outputs to the leaves, once, in order.

``backward`` sorts the graph's nodes topologically (an explicit stack, no recursion, so
a chain of 10,000 operations is fine), then visits them from the outputs down: each
node receives the sum of the gradients flowing into its output (the chain rule's sum
over paths) and hands its inputs their share through its Function's ``backward``.
Leaves accumulate into ``.grad``; ``grad`` returns the gradients instead.

With ``create_graph=False`` (the default) the backward rules run in no-grad mode, so
they are plain array arithmetic; with ``create_graph=True`` they are recorded, and the
gradients can themselves be differentiated (a gradient penalty, a Hessian-vector
product).
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd import grad_mode
from glassbox.autograd.function import Context
from glassbox.autograd.tensor import Tensor

__all__ = ["backward", "grad"]


def _as_tuple(value) -> tuple:
    if isinstance(value, Tensor):
        return (value,)
    if value is None:
        return ()
    return tuple(value)


def _topological_order(roots: list[Context]) -> list[Context]:
    """Every node reachable from ``roots``, each after all the nodes it depends on."""
    order: list[Context] = []
    visited: set[Context] = set()  # nodes hash by identity
    # NOTE: an explicit stack instead of recursion: Python's recursion limit (~1000)
    # would cap the depth of a network (or of an unrolled loop) otherwise. A node is
    # pushed twice: once to visit its inputs, once (marked done) to be appended after them.
    stack: list[tuple[Context, bool]] = [(root, False) for root in reversed(roots)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for next_node in node.next_nodes:
            if next_node is not None and next_node not in visited:
                stack.append((next_node, False))
    return order


def _run_hooks(hooks: list, gradient: Tensor) -> Tensor:
    """Call each hook on the gradient; one that returns a Tensor replaces it."""
    for hook in list(hooks):
        replaced = hook(gradient)
        if replaced is not None:
            gradient = replaced
    return gradient


def _initial_gradients(outputs: tuple, grad_outputs: tuple) -> list[Tensor]:
    """The gradient each output starts with: given, or 1 for a scalar."""
    if grad_outputs and len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"grad_outputs has {len(grad_outputs)} entries but there are {len(outputs)} "
            f"outputs; pass one gradient per output (or None for scalars)."
        )
    initial = []
    for index, output in enumerate(outputs):
        if not isinstance(output, Tensor):
            raise TypeError(f"backward expects Tensors as outputs, received {type(output)}")
        if not output.requires_grad:
            raise RuntimeError(
                f"element {index} of tensors does not require grad and does not have a "
                f"grad_fn"
            )
        given = grad_outputs[index] if grad_outputs else None
        if given is None:
            if output._data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs; the output "
                    f"has shape {output.shape}. Pass gradient= (a Tensor of that shape) "
                    f"or reduce the output first, e.g. output.sum().backward()."
                )
            given = Tensor(np.ones_like(output._data))
        elif not isinstance(given, Tensor):
            given = Tensor(np.asarray(given, dtype=output.dtype))
        if given._data.shape != output._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{index}] has a shape of {given.shape} and "
                f"output[{index}] has a shape of {output.shape}."
            )
        initial.append(given)
    return initial


def _run(outputs: tuple, grad_outputs: tuple, retain_graph: bool, create_graph: bool,
         inputs: tuple | None) -> list | None:
    """The shared engine of ``backward`` (inputs None: accumulate into leaves' ``.grad``)
    and ``grad`` (return the gradients of ``inputs``)."""
    initial = _initial_gradients(outputs, grad_outputs)
    collect = inputs is not None
    results: list = [None] * len(inputs) if collect else []
    leaf_slot = {id(t): i for i, t in enumerate(inputs) if t.grad_fn is None} if collect else {}
    node_slot = {id(t.grad_fn): i for i, t in enumerate(inputs)
                 if t.grad_fn is not None} if collect else {}
    # Arrays given to a leaf's .grad *without a copy* in this pass (or held by the
    # caller): other parts of the graph may still be about to read them, so they are
    # never modified in place during the pass.
    taken: set[int] = {id(gradient._data) for gradient in initial}

    def add(total, gradient):
        return gradient if total is None else total + gradient

    def deliver_to_leaf(leaf: Tensor, gradient: Tensor) -> None:
        if leaf._hooks:
            gradient = _run_hooks(leaf._hooks, gradient)
        if collect:
            slot = leaf_slot.get(id(leaf))
            if slot is not None:
                results[slot] = add(results[slot], gradient)
            return
        if create_graph:
            leaf.grad = add(leaf.grad, gradient)
            return
        data = gradient._data
        if leaf.grad is None:
            # NOTE: a gradient may be a broadcast view, or shared (the backward of a + b
            # hands the same array to both inputs): copy it then, so that an in-place
            # update of one .grad never reaches another array.
            if (not data.flags.owndata or not data.flags.writeable or id(data) in taken
                    or data.dtype != leaf.dtype or data.shape != leaf._data.shape):
                data = np.array(np.broadcast_to(data, leaf._data.shape), dtype=leaf.dtype)
            else:
                taken.add(id(data))
            leaf.grad = Tensor(data)
        elif leaf.grad._data.flags.writeable and id(leaf.grad._data) not in taken:
            leaf.grad._data += data  # accumulate like torch: .grad sums over backward calls
        else:
            leaf.grad = Tensor(leaf.grad._data + data)  # a new array, ours alone

    roots = []
    pending: dict[Context, Tensor] = {}  # node -> sum of the gradients reaching its output
    for output, gradient in zip(outputs, initial):
        if output.grad_fn is None:
            deliver_to_leaf(output, gradient)
        else:
            node = output.grad_fn
            pending[node] = add(pending.get(node), gradient)
            roots.append(node)

    order = _topological_order(roots)
    if collect:
        # Only the nodes from which some input can be reached need to run.
        needed: set[int] = set()
        for node in order:  # dependencies come first
            if id(node) in node_slot or any(
                t is not None and (id(t) in leaf_slot if next_node is None
                                   else id(next_node) in needed)
                for t, next_node in zip(node.inputs, node.next_nodes)
            ):
                needed.add(id(node))
    with grad_mode.set_grad_enabled(create_graph):
        for node in reversed(order):
            gradient = pending.pop(node, None)
            if collect:
                slot = node_slot.get(id(node))
                if slot is not None and gradient is not None:
                    results[slot] = gradient
                if id(node) not in needed:
                    continue
            if gradient is None:
                continue
            if node._hooks:
                gradient = _run_hooks(node._hooks, gradient)
            retained = getattr(node, "retained_output", None)
            if retained is not None and retained() is not None and not collect:
                output = retained()
                output.grad = gradient if output.grad is None else output.grad + gradient
            input_grads = node.function.backward(node, gradient)
            if type(input_grads) is not tuple:
                input_grads = (input_grads,)
            if len(input_grads) < len(node.inputs):
                raise RuntimeError(
                    f"{node.function.__name__}.backward returned {len(input_grads)} "
                    f"gradients, expected {len(node.inputs)} (one per forward argument)"
                )
            for tensor, next_node, needs_grad, input_grad in zip(
                    node.inputs, node.next_nodes, node.needs_input_grad, input_grads):
                if not needs_grad or input_grad is None:
                    continue
                if not isinstance(input_grad, Tensor):  # a backward may return arrays
                    input_grad = Tensor(np.asarray(input_grad))
                if input_grad._data.shape != tensor.shape:  # tensor: a Tensor or a _FreedInput
                    raise RuntimeError(
                        f"Function {node.function.__name__}.backward returned a gradient "
                        f"of shape {input_grad.shape} for an input of shape {tensor.shape}"
                    )
                if next_node is None:
                    deliver_to_leaf(tensor, input_grad)
                else:  # the chain rule's sum over paths: add to what already arrived
                    pending[next_node] = add(pending.get(next_node), input_grad)
            if not retain_graph:
                node.free()
    return results if collect else None


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None,
             create_graph: bool = False) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad``.

    Parameters
    ----------
    tensors : Tensor or sequence of Tensor
        The outputs to differentiate.
    grad_tensors : Tensor or sequence of (Tensor or None), optional
        d(loss)/d(output) for each output; may be omitted for scalar outputs (1 is used).
    retain_graph : bool, optional
        Keep the graph for another backward; defaults to ``create_graph``.
    create_graph : bool, default=False
        Record the backward pass itself, so that ``.grad`` can be differentiated.

    See Also
    --------
    torch.autograd.backward

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.tensor([1.0, 2.0], requires_grad=True)
    >>> backward((x * x).sum())
    >>> x.grad
    tensor([2., 4.])
    """
    outputs = _as_tuple(tensors)
    grad_outputs = _as_tuple(grad_tensors) if grad_tensors is not None else ()
    if retain_graph is None:
        retain_graph = create_graph
    _run(outputs, grad_outputs, retain_graph, create_graph, None)


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple:
    """The gradients d(outputs)/d(inputs), returned rather than accumulated into ``.grad``.

    With ``create_graph=True`` the returned gradients are part of a graph, so a function
    of them (a gradient norm, as in WGAN-GP) can be differentiated again.

    Parameters
    ----------
    outputs : Tensor or sequence of Tensor
    inputs : Tensor or sequence of Tensor
        Tensors the outputs depend on (leaves or intermediate results).
    grad_outputs : Tensor or sequence of (Tensor or None), optional
        d(loss)/d(output); may be omitted for scalar outputs.
    retain_graph : bool, optional
        Keep the graph for another backward; defaults to ``create_graph``.
    create_graph : bool, default=False
        Record the backward pass so that the result can be differentiated.
    allow_unused : bool, default=False
        Return None for inputs the outputs do not depend on instead of raising.

    Returns
    -------
    tuple of Tensor
        One gradient per input, each of the input's shape.

    See Also
    --------
    torch.autograd.grad

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.tensor([3.0], requires_grad=True)
    >>> (dy_dx,) = grad((x ** 3).sum(), x, create_graph=True)   # 3 x^2 = 27
    >>> (d2y_dx2,) = grad(dy_dx.sum(), x)                       # 6 x = 18
    >>> dy_dx.item(), d2y_dx2.item()
    (27.0, 18.0)
    """
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    for index, tensor in enumerate(inputs):
        if not isinstance(tensor, Tensor) or not tensor.requires_grad:
            raise RuntimeError(
                f"One of the differentiated Tensors (input {index}) does not require grad; "
                f"call .requires_grad_() on it before computing the outputs."
            )
    grad_outputs = _as_tuple(grad_outputs) if grad_outputs is not None else ()
    if retain_graph is None:
        retain_graph = create_graph
    results = _run(outputs, grad_outputs, retain_graph, create_graph, inputs)
    for index, result in enumerate(results):
        if result is None and not allow_unused:
            raise RuntimeError(
                f"One of the differentiated Tensors (input {index}) appears to not have been "
                f"used in the graph. Set allow_unused=True if this is the desired behavior."
            )
    return tuple(results)
