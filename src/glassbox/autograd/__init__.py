'''Automatic differentiation on NumPy arrays: ``Tensor``, ``Function``, ``backward``, ``grad``.

The twin of ``torch.autograd``. A :class:`Tensor` wraps an ``np.ndarray`` (``x.numpy()``);
operations on Tensors that require gradients record a graph whose nodes are the
:class:`Function` s that computed them; ``loss.backward()`` walks that graph from the
loss to the leaves (iteratively, in topological order) and accumulates d(loss)/d(leaf)
into each leaf's ``.grad``.

Writing a new differentiable operation
--------------------------------------
Subclass :class:`Function` with two static methods and call it through ``apply``::

    import numpy as np
    from glassbox.autograd import Function, Tensor

    class Scale(Function):
        """y = alpha * x."""

        @staticmethod
        def forward(ctx, x, alpha):          # x is a Tensor, alpha a float
            ctx.save_for_backward(x)         # Tensors that backward needs
            ctx.alpha = alpha                # settings: plain attributes
            return x.numpy() * x.dtype.type(alpha)   # an np.ndarray (keep the dtype)

        @staticmethod
        def backward(ctx, grad_output):      # grad_output: a Tensor, the output's shape
            return grad_output * ctx.alpha, None  # one entry per forward argument

    y = Scale.apply(x, 2.0)

The rules:

- ``forward(ctx, *args)`` receives the arguments exactly as passed to ``apply``
  (Tensors stay Tensors: read their arrays with ``x.numpy()``; pass the Tensors that need
  gradients positionally, keyword arguments are settings), runs in no-grad mode and
  returns an ``np.ndarray`` (or a Tensor). Keep float32 inputs float32: multiply by
  ``x.dtype.type(alpha)`` rather than a NumPy float64.
- ``ctx.save_for_backward(*tensors)`` keeps what backward needs; read them back with
  ``ctx.saved_tensors``. Save the *input Tensors* (not ``x.numpy()``). To save the
  output, pass the very array that ``forward`` returns: it is replaced by the output
  Tensor. Arrays you save are wrapped as constant Tensors. Anything else (shapes,
  indices, masks, hyper-parameters) goes on ``ctx`` as an attribute.
- ``ctx.needs_input_grad[i]`` says whether argument ``i`` needs a gradient; skip the
  work (return None) for the others.
- ``backward(ctx, grad_output)`` returns a tuple with one entry per positional
  argument of ``forward``: a Tensor of that argument's shape, or None (for non-Tensors
  and inputs that need no gradient). A single input may return a bare Tensor.
- Write ``backward`` with Tensor operations (``grad_output * x``, ``g @ w.T``,
  ``g.sum(0)``, other Functions' ``apply``). During an ordinary ``backward()`` they run
  in no-grad mode on plain arrays (fast); under ``create_graph=True`` they are recorded,
  so the gradient can be differentiated again (WGAN-GP's gradient penalty). A backward
  that returns ``np.ndarray`` s works too but is treated as a constant: its result
  cannot be differentiated a second time.
- A Function has one output. Non-differentiable results (indices, masks) are made
  directly as ``Tensor(array)``.

See Also
--------
torch.autograd
'''

# NOTE: tensor first: it imports the ops, which import Function, which imports Tensor.
from glassbox.autograd.tensor import Size, Tensor

# isort: split
from glassbox.autograd import ops
from glassbox.autograd.device import device, get_default_device, set_default_device
from glassbox.autograd.dtypes import (
    bool_,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from glassbox.autograd.engine import backward, grad
from glassbox.autograd.factories import (
    arange,
    as_tensor,
    cat,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    is_tensor,
    linspace,
    logspace,
    manual_seed,
    maximum,
    minimum,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    stack,
    tensor,
    where,
    zeros,
    zeros_like,
)
from glassbox.autograd.function import Context, Function
from glassbox.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled

__all__ = [
    "randint_like", "empty_like",
    "Tensor", "Size", "device", "set_default_device", "get_default_device",
    "set_default_dtype", "int8", "int16", "Function", "Context", "backward", "grad",
    "no_grad", "enable_grad",
    "set_grad_enabled", "is_grad_enabled", "tensor", "as_tensor", "from_numpy", "zeros",
    "ones", "empty", "full", "zeros_like", "ones_like", "full_like", "randn", "rand",
    "randint", "randperm", "is_tensor", "randn_like", "rand_like", "arange", "linspace", "logspace",
    "eye", "cat", "stack",
    "where", "maximum", "minimum", "manual_seed", "float16", "float32", "float64", "int32",
    "int64", "uint8", "bool_", "get_default_dtype", "ops",
]
