"""Tutorial-style PyTorch programs run twice: by torch, and by ``glassbox torch-run``.

Each program in ``programs/`` is written as the public tutorials write them (a manual
SGD loop under ``no_grad``, a custom ``autograd.Function``, an ``nn.Module`` with an
optimizer, the MNIST CNN through a ``DataLoader``, a character bigram model and a small
GPT, a VAE step, ...), imports ``torch`` and prints ``final loss: X``. Data and initial
weights come from NumPy (``programs/_common.py``), so both engines start from the same
numbers; the test asserts that both finish and that their final losses agree.

torch runs the program in this process (``runpy``); glassbox runs it through the real
``glassbox torch-run`` command (typer's test runner, in-process too, so the suite stays
fast); one test also starts the command as a separate process.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from glassbox.cli import app

PROGRAMS = Path(__file__).parent / "programs"
SCRIPTS = sorted(p.name for p in PROGRAMS.glob("[a-z]*.py"))
NEEDS_MNIST = {"mnist_cnn_example.py", "mnist_logistic_nn_tutorial.py", "vae_step.py"}
# float32 arithmetic in a different order (BLAS blocking, summation order) over a few
# hundred steps: the losses agree to about 1e-6; 1e-4 leaves room for other machines.
RTOL = 1e-4


def final_loss(output: str) -> float:
    values = re.findall(r"final loss: (\S+)", output)
    assert values, f"the program printed no final loss:\n{output[-2000:]}"
    return float(values[-1])


def run_with_torch(script: Path) -> str:
    import torch  # the real one, which the program imports

    sys.path.insert(0, str(script.parent))
    argv, threads = sys.argv, torch.get_num_threads()
    sys.argv = [str(script)]
    # NOTE: tiny programs; torch's worker threads only wait on each other when the CI
    # machine is busy (20x slower), so one thread
    torch.set_num_threads(1)
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            runpy.run_path(str(script), run_name="__main__")
    finally:
        sys.argv = argv
        sys.path.remove(str(script.parent))
        torch.set_num_threads(threads)
    return buffer.getvalue()


def run_with_glassbox(script: Path) -> str:
    result = CliRunner().invoke(app, ["torch-run", str(script)])
    assert result.exit_code == 0, result.output
    return result.output


def mnist_available() -> bool:
    folder = Path(os.environ.get("GLASSBOX_DATA", "data")) / "mnist"
    return (folder / "train-images-idx3-ubyte.gz").is_file()


@pytest.mark.parametrize("name", SCRIPTS)
def test_program_gives_the_same_final_loss_under_torch_and_glassbox(name, monkeypatch):
    if name in NEEDS_MNIST and not mnist_available():
        pytest.skip("MNIST files not found under $GLASSBOX_DATA/mnist")
    script = PROGRAMS / name
    theirs = final_loss(run_with_torch(script))
    ours = final_loss(run_with_glassbox(script))
    assert np.isfinite(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL)


def test_at_least_ten_programs():
    assert len(SCRIPTS) >= 10


def test_torch_is_restored_after_a_run():
    import torch

    run_with_glassbox(PROGRAMS / "micrograd_compare.py")
    import torch as again

    assert again is torch and "glassbox" not in again.__file__


def test_the_command_in_its_own_process_and_a_missing_api(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    command = [sys.executable, "-m", "glassbox.cli", "torch-run"]
    done = subprocess.run(command + [str(PROGRAMS / "custom_function.py")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert final_loss(done.stdout) == pytest.approx(
        final_loss(run_with_torch(PROGRAMS / "custom_function.py")), rel=RTOL)

    script = tmp_path / "ctc.py"
    script.write_text("import torch\nx = torch.ones(2)\nloss = torch.nn.CTCLoss()\n")
    done = subprocess.run(command + [str(script)], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 2
    assert "needs torch.nn.CTCLoss, which glassbox lacks (line 3:" in done.stderr
    assert "Traceback" not in done.stderr

    script.write_text("import torch.distributions\n")
    done = subprocess.run(command + [str(script), "--flag"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2 and "needs torch.distributions" in done.stderr


def test_arguments_reach_the_script(tmp_path):
    script = tmp_path / "args.py"
    script.write_text("import sys, torch\n"
                      "print('final loss:', len(sys.argv) + torch.ones(1).item())\n")
    result = CliRunner().invoke(app, ["torch-run", str(script), "--epochs", "3"])
    assert result.exit_code == 0 and final_loss(result.output) == 4.0


def test_a_torch_argument_glassbox_lacks_is_named(tmp_path):
    script = tmp_path / "pinned.py"
    script.write_text("import torch\nx = torch.zeros(3, pin_memory=True)\n")
    result = CliRunner().invoke(app, ["torch-run", str(script)])
    assert result.exit_code == 2
    assert "needs the argument pin_memory= of zeros(), which glassbox lacks (line 2:" \
        in result.output
    script.write_text("def mine(a):\n    return a\n\nmine(1, b=2)\n")  # the script's own bug
    result = CliRunner().invoke(app, ["torch-run", str(script)])
    assert result.exit_code == 1 and "lacks" not in result.output
