"""glassbox: machine learning you can see through.

The classical and deep learning methods of an introductory course, written to be read,
with the APIs of PyTorch (``glassbox``, ``glassbox.nn``, ``glassbox.optim``,
``glassbox.data``) and scikit-learn (``glassbox.learn``), and a lab that runs each
experiment of the course end to end (``glassbox lab run NAME``).

Like ``torch``, the top level holds the Tensor and its factories::

    >>> import glassbox as gb
    >>> x = gb.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4.])
"""

import importlib

from glassbox._memory import keep_freed_memory
from glassbox._threads import get_num_threads, set_num_threads
from glassbox.autograd import (
    Function,
    Size,
    Tensor,
    arange,
    as_tensor,
    bool_,
    cat,
    device,
    empty,
    empty_like,
    enable_grad,
    eye,
    float16,
    float32,
    float64,
    from_numpy,
    full,
    full_like,
    get_default_device,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    is_grad_enabled,
    is_tensor,
    linspace,
    logspace,
    manual_seed,
    maximum,
    minimum,
    no_grad,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    set_default_device,
    set_default_dtype,
    set_grad_enabled,
    stack,
    tensor,
    uint8,
    where,
    zeros,
    zeros_like,
)
from glassbox.autograd.factories import (
    BoolTensor,
    ByteTensor,
    DoubleTensor,
    FloatTensor,
    IntTensor,
    LongTensor,
)

# torch's free functions: gb.sin(x), gb.einsum(...), gb.tril(...), ... (each calls the
# Tensor method of the same name)
from glassbox.autograd.functions import *  # noqa: E402, F403
from glassbox.autograd.functions import __all__ as _function_names
from glassbox.autograd.generator import Generator
from glassbox.io import load, save

# torch's top-level names for three linear-algebra functions (torch.det, torch.inverse,
# torch.slogdet): the very functions of glassbox.linalg
from glassbox.linalg import det, slogdet  # noqa: E402
from glassbox.linalg import inv as inverse  # noqa: E402

# NOTE: a training step frees and re-allocates the same big arrays; keeping them in the
# process instead of returning them to the kernel halves LeNet-5's step time (see _memory).
keep_freed_memory()

__version__ = "0.1.0"

# torch's short names of the dtypes (torch.float is float32, torch.long int64, ...); not in
# __all__, so that ``from glassbox import *`` never hides the builtins int, float, bool
float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
bool = bool_  # noqa: A001

__all__ = [
    "randint_like", "empty_like",
    "__version__", "load", "save", "Tensor", "Function", "tensor", "as_tensor", "from_numpy",
    "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "full_like", "randn", "rand",
    "randint", "randn_like", "rand_like", "arange", "linspace", "logspace", "eye", "cat", "stack",
    "where", "maximum", "minimum", "manual_seed", "no_grad", "enable_grad",
    "set_grad_enabled", "is_grad_enabled", "float16", "float32", "float64", "int32", "int64",
    "uint8", "bool_", "get_default_dtype",
    "Size", "device", "set_default_device", "get_default_device", "set_default_dtype",
    "randperm", "is_tensor", "int8", "int16", "FloatTensor", "DoubleTensor", "LongTensor",
    "IntTensor", "BoolTensor", "ByteTensor",
    "get_num_threads", "set_num_threads", "det", "inverse", "slogdet", "Generator",
    # (max, min, pow, round, any, all stay out: ``from glassbox import *`` keeps Python's
    # builtins)
    *(name for name in _function_names
      if name not in ("max", "min", "pow", "round", "any", "all")),
]

# imported on first use (``gb.nn``, ``gb.cuda.is_available()``)
_SUBMODULES = {"autograd", "nn", "optim", "data", "learn", "io", "utils", "cuda",
               "accelerator", "backends", "fairness", "generative", "vision", "models",
               "train", "linalg"}


def __getattr__(name: str):
    # ``gb.nn`` works after ``import glassbox as gb`` (as ``torch.nn`` does), imported on
    # first use so that ``import glassbox`` stays light.
    if name in _SUBMODULES:
        return importlib.import_module(f"glassbox.{name}")
    raise AttributeError(f"module 'glassbox' has no attribute {name!r}")
