"""Run an unmodified PyTorch script on glassbox: ``torch`` and its submodules are glassbox.

    glassbox torch-run train.py --epochs 3
    python -m glassbox.torch_run train.py --epochs 3

While the script runs, ``import torch`` gives :mod:`glassbox`, ``torch.nn`` gives
:mod:`glassbox.nn`, ``torch.utils.data`` gives :mod:`glassbox.utils.data` (the objects of
:mod:`glassbox.data`), and so on: every ``torch.X`` is ``glassbox.X``. glassbox offers
torch's names, signatures and behaviour for what an introductory course uses; when the
script reaches for something glassbox lacks, the run stops with one message that names
the torch API and the script's line, instead of a traceback deep inside glassbox.

Examples
--------
>>> import os, tempfile
>>> script = os.path.join(tempfile.mkdtemp(), "fit.py")
>>> with open(script, "w") as f:
...     _ = f.write("import torch\\nprint(torch.ones(2).sum().item())\\n")
>>> run_script(script)
2.0
0
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import re
import runpy
import sys
import traceback
from contextlib import contextmanager

__all__ = ["run_script", "torch_is_glassbox", "MissingTorchAPI", "main"]


class MissingTorchAPI(ModuleNotFoundError):
    """A ``torch.X`` module the script imports and glassbox does not have."""


def _glassbox_name(torch_name: str) -> str:
    return "glassbox" + torch_name[len("torch"):]


def _torch_name(glassbox_name: str) -> str:
    return "torch" + glassbox_name[len("glassbox"):]


class _AliasLoader(importlib.abc.Loader):
    """Hands out an already imported glassbox module under its torch name."""

    def __init__(self, module) -> None:
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        module.__spec__ = self.spec  # the import system wrote the torch spec over it


class _TorchFinder(importlib.abc.MetaPathFinder):
    """Finds ``torch`` and ``torch.X.Y`` as ``glassbox`` and ``glassbox.X.Y``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        try:
            module = importlib.import_module(_glassbox_name(fullname))
        except ModuleNotFoundError:
            raise MissingTorchAPI(
                f"the script imports {fullname}, which glassbox does not have",
                name=fullname) from None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module))


@contextmanager
def torch_is_glassbox():
    """Within the block, ``import torch`` (and ``torch.X``) imports glassbox instead.

    Modules already imported as ``torch...`` are set aside and put back afterwards.

    Examples
    --------
    >>> with torch_is_glassbox():
    ...     import torch
    ...     import torch.nn as nn
    >>> torch.__name__, nn.Linear.__module__.startswith("glassbox")
    ('glassbox', True)
    """
    saved = {name: module for name, module in sys.modules.items()
             if name == "torch" or name.startswith("torch.")}
    for name in saved:
        del sys.modules[name]
    finder = _TorchFinder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for name in [n for n in sys.modules if n == "torch" or n.startswith("torch.")]:
            del sys.modules[name]
        sys.modules.update(saved)


def _missing_api(error: BaseException) -> str | None:
    """What torch API the error shows glassbox lacks (None if it is another error)."""
    if isinstance(error, MissingTorchAPI):
        return error.name
    if isinstance(error, AttributeError) and getattr(error, "obj", None) is not None:
        owner, name = error.obj, error.name
        module_name = getattr(owner, "__name__", "") if isinstance(owner, type(sys)) else ""
        if module_name.startswith("glassbox"):
            return f"{_torch_name(module_name)}.{name}"
        kind = type(owner)
        if kind.__module__.startswith("glassbox"):
            return f"{'Tensor' if kind.__name__ == 'Parameter' else kind.__name__}.{name}"
    if isinstance(error, TypeError):
        # a torch argument glassbox's function does not take: zeros(3, pin_memory=True)
        match = re.fullmatch(r"([\w.]+)\(\) got an unexpected keyword argument '(\w+)'",
                             str(error))
        if match and _glassbox_callable(match.group(1)):
            name = match.group(1).replace(".__init__", "")
            return f"the argument {match.group(2)}= of {name}()"
    if isinstance(error, NotImplementedError):
        frames = traceback.extract_tb(error.__traceback__)
        if frames and f"{os.sep}glassbox{os.sep}" in frames[-1].filename:
            return f"{frames[-1].name} ({error})"
    return None


def _glassbox_callable(qualified_name: str) -> bool:
    """True when ``name`` (``zeros``, ``Tensor.sum``, ``SGD.__init__``) is one of glassbox's
    torch-facing functions, classes or methods."""
    import glassbox
    import glassbox.nn
    import glassbox.nn.functional
    import glassbox.optim

    first = qualified_name.split(".")[0]
    return any(hasattr(namespace, first) for namespace in (
        glassbox, glassbox.nn, glassbox.nn.functional, glassbox.optim))


def _script_line(error: BaseException, script: str) -> str:
    """``line N: code`` of the innermost frame of the script in the traceback."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if os.path.abspath(frame.filename) == os.path.abspath(script):
            return f"line {frame.lineno}: {(frame.line or '').strip()}"
    return "(the line is not in the script)"


def run_script(script: str, args: list[str] | tuple[str, ...] = ()) -> int:
    """Run ``script`` as ``__main__`` with ``torch`` resolved to glassbox; returns the exit
    code: 0, the script's own ``sys.exit`` code, 2 when it needs a torch API that glassbox
    lacks (one message on stderr), 1 for any other error (its traceback is printed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> script = pathlib.Path(tempfile.mkdtemp()) / "fit.py"
    >>> _ = script.write_text("import torch; print(torch.ones(2, 3).sum().item())")
    >>> run_script(str(script))
    6.0
    0
    """
    if not os.path.isfile(script):
        print(f"Error: no such script: {script}", file=sys.stderr)
        return 2
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        with torch_is_glassbox():
            runpy.run_path(script, run_name="__main__")
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except Exception as error:  # noqa: BLE001 (a user's script may raise anything)
        missing = _missing_api(error)
        if missing is None:
            traceback.print_exc()
            return 1
        print(f"Error: the script needs {missing}, which glassbox lacks "
              f"({_script_line(error, script)}).\nglassbox offers torch's API for what an "
              f"introductory course uses; run this script with PyTorch itself for the rest.",
              file=sys.stderr)
        return 2
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m glassbox.torch_run SCRIPT [ARGS...]``."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.split("\n\n")[0] + "\n\nusage: python -m glassbox.torch_run SCRIPT "
              "[ARGS...]", file=sys.stderr)
        return 2 if not argv else 0
    return run_script(argv[0], argv[1:])


if __name__ == "__main__":
    sys.exit(main())
