"""Whether operations record a graph: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

One global switch, like torch's. While it is off, every operation computes its result
and records nothing, which is what inference, weight updates and (by default) the
backward pass itself want.
"""

from __future__ import annotations

import functools

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"]

_grad_enabled = True


def is_grad_enabled() -> bool:
    """True when new operations record the graph needed by ``backward``.

    Examples
    --------
    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return _grad_enabled


class set_grad_enabled:
    """Turn graph recording on or off, as a function call or a context manager.

    See Also
    --------
    torch.set_grad_enabled

    Examples
    --------
    >>> with set_grad_enabled(False):
    ...     is_grad_enabled()
    False
    >>> is_grad_enabled()
    True
    """

    def __init__(self, mode: bool) -> None:
        global _grad_enabled
        self.previous = _grad_enabled
        _grad_enabled = bool(mode)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info) -> None:
        global _grad_enabled
        _grad_enabled = self.previous


class _GradModeContext:
    """A context manager (and decorator) that sets the grad mode inside its block."""

    mode = True

    def __new__(cls, function=None):
        instance = super().__new__(cls)
        # bare decorator use, ``@no_grad`` without parentheses, as torch allows
        return instance(function) if function is not None else instance

    def __enter__(self) -> None:
        global _grad_enabled
        self.previous = _grad_enabled
        _grad_enabled = self.mode

    def __exit__(self, *exc_info) -> None:
        global _grad_enabled
        _grad_enabled = self.previous

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return function(*args, **kwargs)

        return wrapper


class no_grad(_GradModeContext):
    """Context manager (or decorator) in which operations record no graph.

    See Also
    --------
    torch.no_grad

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.ones(2, requires_grad=True)
    >>> with gb.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    mode = False


class enable_grad(_GradModeContext):
    """Context manager (or decorator) that turns graph recording back on inside ``no_grad``.

    See Also
    --------
    torch.enable_grad

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.ones(2, requires_grad=True)
    >>> with gb.no_grad():
    ...     with gb.enable_grad():
    ...         y = x * 2
    >>> y.requires_grad
    True
    """

    mode = True
