"""The differentiable operations of glassbox, one family per file.

Each operation is a :class:`~glassbox.autograd.function.Function` subclass whose
``backward`` is written with Tensor operations (so it can be differentiated again).
``Tensor``'s methods and operators call these; most users never touch them directly.
"""
