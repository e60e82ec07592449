"""``Function``: one differentiable operation, a forward rule and a backward rule.

Every operation on Tensors is a subclass of :class:`Function` (see the package docstring
of :mod:`glassbox.autograd` for how to write one). ``Fn.apply(*args)`` runs
``Fn.forward`` on the inputs and, when some input requires a gradient and grad mode is
on, records a :class:`Context` as the output's ``grad_fn``: the node of the graph that
``backward`` later walks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassbox.autograd import grad_mode
from glassbox.autograd.tensor import Tensor

__all__ = ["Context", "Function"]


class Context:
    """A node of the graph: what a Function's backward needs from its forward.

    Attributes
    ----------
    function : type
        The :class:`Function` subclass that made the node.
    inputs : tuple of (Tensor or None)
        The positional arguments of ``forward`` that were Tensors (None elsewhere).
    needs_input_grad : tuple of bool
        For each positional argument, whether its gradient is wanted; ``backward`` may
        skip (return None for) the others.
    next_nodes : tuple of (Context or None)
        For each positional argument, the node that made it when this node was
        recorded (None for leaves and non-Tensors): the graph's edges. They are kept
        here, not read from the inputs later, because an in-place operation gives its
        Tensor a new ``grad_fn``.
    """

    __slots__ = ("function", "_saved", "__dict__")

    # NOTE: defaults kept on the class, not set per node: a node is made by every
    # operation (also under no_grad, where most of them are never read), so __init__
    # does the least it can; recording sets these on the instance.
    inputs: tuple = ()
    needs_input_grad: tuple = ()
    next_nodes: tuple = ()
    _saved_versions: tuple = ()  # () when every saved Tensor was at version 0
    _freed = False
    _hooks: list | None = None

    def __init__(self, function: type) -> None:
        self.function = function
        self._saved: tuple = ()

    def save_for_backward(self, *values: Any) -> None:
        """Keep Tensors (or arrays) for ``backward``.

        Save the input Tensors themselves (not their arrays) so that a backward
        written with Tensor ops can be differentiated again (``create_graph=True``).
        Saving the very array that ``forward`` returns saves the output Tensor.
        """
        self._saved = values

    @property
    def saved_tensors(self) -> tuple:
        """The values given to :meth:`save_for_backward`, as Tensors."""
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access "
                "saved tensors after they have already been freed). Saved intermediate "
                "values of the graph are freed when you call .backward() or "
                "autograd.grad(). Specify retain_graph=True if you need to backward "
                "through the graph a second time."
            )
        versions = self._saved_versions or (0,) * len(self._saved)
        for index, (tensor, version) in enumerate(zip(self._saved, versions)):
            if tensor is not None and tensor._version != version:
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been "
                    f"modified by an inplace operation: [glassbox.{tensor.dtype} "
                    f"{list(tensor.shape)}], which is saved tensor {index} of "
                    f"{self.name()}, is at version {tensor._version}; expected version "
                    f"{version} instead. Hint: compute the changed value out of place "
                    f"(y = y + 1 instead of y += 1), or clone() it before changing it."
                )
        return self._saved

    def free(self) -> None:
        """Drop the saved values and the intermediate inputs' arrays (after a backward
        without ``retain_graph``), keeping only the graph's shape.

        Like torch, a loss kept after ``backward`` (say, appended to a list) then no
        longer holds every activation of its step in memory.
        """
        self._saved = ()
        self._freed = True
        self.inputs = tuple(
            _FreedInput(tensor.grad_fn, tensor.shape)
            if tensor is not None and tensor.grad_fn is not None else tensor
            for tensor in self.inputs
        )

    def name(self) -> str:
        """The node's name, torch's: ``MulBackward0`` (``CubeBackward`` for your own)."""
        return self.function.backward_name or f"{self.function.__name__}Backward"

    @property
    def next_functions(self) -> tuple:
        """The nodes this one hands gradients to, as torch's ``(node, 0)`` pairs.

        A leaf that requires grad appears as an :class:`AccumulateGrad` node, an input
        that needs no gradient as ``(None, 0)``.

        Examples
        --------
        >>> import glassbox as gb
        >>> w = gb.tensor([1.0], requires_grad=True)
        >>> y = (w * 2).exp()
        >>> y.grad_fn.next_functions
        ((<MulBackward0 object>, 0),)
        >>> y.grad_fn.next_functions[0][0].next_functions
        ((<AccumulateGrad object>, 0), (None, 0))
        """
        pairs = []
        for tensor, node, needs_grad in zip(self.inputs, self.next_nodes,
                                            self.needs_input_grad):
            if tensor is None:
                continue  # a setting (a shape, a dim), not a Tensor: torch has no edge
            if node is not None:
                pairs.append((node, 0))
            elif needs_grad:
                pairs.append((AccumulateGrad(tensor), 0))
            else:
                pairs.append((None, 0))
        return tuple(pairs)

    def register_hook(self, hook) -> _RemovableHandle:
        """Call ``hook(grad_output)`` when this node receives its gradient; a Tensor it
        returns replaces the gradient."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _RemovableHandle(self._hooks, hook)

    def __repr__(self) -> str:
        return f"<{self.name()} object>"


class AccumulateGrad:
    """The graph node of a leaf: it adds the gradient it receives to ``variable.grad``."""

    __slots__ = ("variable",)
    next_functions = ()

    def __init__(self, variable) -> None:
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"  # torch's name, C++ namespace included

    def __repr__(self) -> str:
        return "<AccumulateGrad object>"


class _RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` takes the hook away."""

    def __init__(self, hooks: list, hook) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class _FreedInput:
    """What remains of an intermediate input once its node is freed: its place in the
    graph and its shape, without its data."""

    __slots__ = ("grad_fn", "shape")

    def __init__(self, grad_fn: Context, shape: tuple[int, ...]) -> None:
        self.grad_fn = grad_fn
        self.shape = shape


class Function:
    """Base class of differentiable operations (the twin of ``torch.autograd.Function``).

    Subclasses define two static methods:

    ``forward(ctx, *args, **kwargs) -> np.ndarray``
        Receives the arguments as given (Tensors stay Tensors: read ``x.numpy()``), runs in
        no-grad mode, returns the result as an array (or a Tensor). Call
        ``ctx.save_for_backward(...)`` with what ``backward`` needs and store plain
        settings as attributes: ``ctx.dim = dim``.
    ``backward(ctx, grad_output: Tensor) -> Tensor | tuple``
        Returns one gradient per positional argument of ``forward`` (None for
        non-Tensors and for inputs with ``ctx.needs_input_grad[i]`` False). Write it
        with Tensor operations: it then runs on plain arrays during an ordinary
        ``backward()`` and builds a differentiable graph under ``create_graph=True``.

    See Also
    --------
    torch.autograd.Function

    Examples
    --------
    >>> import glassbox as gb
    >>> class Cube(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x.numpy() ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad_output):
    ...         (x,) = ctx.saved_tensors
    ...         return grad_output * 3 * x * x      # d(x^3)/dx = 3 x^2
    >>> x = gb.tensor([2.0], requires_grad=True)
    >>> Cube.apply(x).sum().backward()
    >>> x.grad
    tensor([12.])
    """

    #: torch's name for this operation's graph node (None: ``<ClassName>Backward``).
    backward_name: str | None = None
    #: True when the output may be a view of the first argument's memory (reshape,
    #: permute, slicing): it then shares that Tensor's version counter, as in torch.
    output_may_be_view = False

    @staticmethod
    def rebuild_base(ctx: Context, base: Tensor, view: Tensor) -> Tensor:
        """For a view op: ``base`` with ``view`` (changed in place) written back, as a
        differentiable Tensor expression. None: in-place changes through this view
        are not recorded."""
        return None

    @staticmethod
    def forward(ctx: Context, *args: Any, **kwargs: Any) -> np.ndarray:
        raise NotImplementedError("A Function subclass must define forward(ctx, ...)")

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Any:
        raise NotImplementedError("A Function subclass must define backward(ctx, grad_output)")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        """Run ``forward`` and, if a gradient will be needed, record the graph node."""
        ctx = Context(cls)
        # NOTE: this runs for every operation, so it is written for speed: one pass over
        # the arguments, and nothing to undo when grad mode is already off (no_grad,
        # and every backward without create_graph).
        record = False
        if grad_mode._grad_enabled:
            for arg in args:
                if isinstance(arg, Tensor) and arg.requires_grad:
                    record = True
                    break
            # forward runs with recording off so that a forward written with Tensor ops
            # (or one that calls other Functions) does not build a graph of its own
            grad_mode._grad_enabled = False
            try:
                out = cls.forward(ctx, *args, **kwargs)
            finally:
                grad_mode._grad_enabled = True
        else:
            out = cls.forward(ctx, *args, **kwargs)
        data = out._data if isinstance(out, Tensor) else out
        if type(data) is not np.ndarray:
            data = np.asarray(data)  # NumPy reductions return scalars, not 0-d arrays
        result = Tensor(data)
        if cls.output_may_be_view:
            source = args[0]
            owner = source._data if source._data.base is None else source._data.base
            # NumPy points a view's .base at the array owning the memory; the costlier
            # bounds check is only for other cases (broadcast views)
            if data.base is owner or (data.base is not None
                                      and np.may_share_memory(data, source._data)):
                result._counter = source._shared_counter()  # in-place changes show in both
                if source._base is None:
                    result._base = source
                    # how to rebuild the base from a changed view, for in-place changes
                    # recorded through the view (see glassbox.autograd.inplace)
                    result._view_of = ctx
                else:
                    result._base = source._base
        if record:
            result.requires_grad = True
            result.grad_fn = ctx
            inputs, needs_input_grad, next_nodes = [], [], []
            for arg in args:
                if isinstance(arg, Tensor):
                    inputs.append(arg)
                    needs_input_grad.append(arg.requires_grad)
                    next_nodes.append(arg.grad_fn)
                else:
                    inputs.append(None)
                    needs_input_grad.append(False)
                    next_nodes.append(None)
            ctx.inputs, ctx.needs_input_grad = tuple(inputs), tuple(needs_input_grad)
            ctx.next_nodes = tuple(next_nodes)
            if ctx._saved:
                saved = tuple([
                    result if value is out or value is data
                    else value if isinstance(value, Tensor) or value is None
                    else Tensor(np.asarray(value))
                    for value in ctx._saved
                ])
                ctx._saved = saved
                # NOTE: the versions now, checked by saved_tensors: a saved Tensor changed
                # in place since would give a silently wrong gradient. Most Tensors never
                # had an in-place change (no counter yet: version 0), so then nothing is
                # stored and saved_tensors expects 0 for each.
                for value in saved:
                    if value is not None and value._counter is not None:
                        ctx._saved_versions = tuple(
                            None if value is None else value._version for value in saved)
                        break
        return result
