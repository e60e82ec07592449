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
    """

    __slots__ = ("function", "inputs", "needs_input_grad", "_saved", "_freed", "__dict__")

    def __init__(self, function: type) -> None:
        self.function = function
        self.inputs: tuple = ()
        self.needs_input_grad: tuple = ()
        self._saved: tuple = ()
        self._freed = False

    def save_for_backward(self, *values: Any) -> None:
        """Keep Tensors (or arrays) for ``backward``.

        Save the input Tensors themselves (not their ``.data``) so that a backward
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
        """The node's name, torch style: ``MulBackward``."""
        return f"{self.function.__name__}Backward"

    def __repr__(self) -> str:
        return f"<{self.name()}>"


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
        Receives the arguments as given (Tensors stay Tensors: read ``x.data``), runs in
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
    ...         return x.data ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad_output):
    ...         (x,) = ctx.saved_tensors
    ...         return grad_output * 3 * x * x      # d(x^3)/dx = 3 x^2
    >>> x = gb.tensor([2.0], requires_grad=True)
    >>> Cube.apply(x).sum().backward()
    >>> x.grad
    tensor([12.])
    """

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
        record = grad_mode._grad_enabled and any(
            isinstance(arg, Tensor) and arg.requires_grad for arg in args
        )
        # NOTE: forward runs with recording off so that a forward written with Tensor
        # ops (or one that calls other Functions) does not build a graph of its own.
        previous = grad_mode._grad_enabled
        grad_mode._grad_enabled = False
        try:
            out = cls.forward(ctx, *args, **kwargs)
        finally:
            grad_mode._grad_enabled = previous
        data = out.data if isinstance(out, Tensor) else out
        if type(data) is not np.ndarray:
            data = np.asarray(data)  # NumPy reductions return scalars, not 0-d arrays
        result = Tensor(data)
        if record:
            result.requires_grad = True
            result.grad_fn = ctx
            ctx.inputs = tuple(arg if isinstance(arg, Tensor) else None for arg in args)
            ctx.needs_input_grad = tuple(
                isinstance(arg, Tensor) and arg.requires_grad for arg in args
            )
            if ctx._saved:
                ctx._saved = tuple(
                    result if value is out or value is data
                    else value if isinstance(value, Tensor) or value is None
                    else Tensor(np.asarray(value))
                    for value in ctx._saved
                )
        return result
