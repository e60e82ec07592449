"""Ordinary mistakes at the command line: one message, exit code 2, no traceback."""

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from typer.testing import CliRunner

from glassbox.cli import app
from glassbox.lab import _staging, runner
from glassbox.train import engines

SRC = str(Path(runner.__file__).parents[2])

DEMO = types.ModuleType("glassbox.lab.demo")
DEMO.NAME, DEMO.TITLE, DEMO.SECTION = "demo", "Demo lab", "0 Nowhere"
DEMO.run = lambda ctx: ctx.metrics.update(ran=True)


@pytest.fixture
def demo_lab(monkeypatch):
    monkeypatch.setattr(runner, "get_lab", lambda name: DEMO)


def _invoke(args, **options):
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200", "NO_COLOR": "1"}, **options)
    return result, result.stderr.splitlines()


def test_out_pointing_at_a_file(demo_lab, tmp_path):
    a_file = tmp_path / "out"
    a_file.write_text("")
    result, lines = _invoke(["lab", "run", "demo", "--out", str(a_file), "--no-progress"])
    assert result.exit_code == 2
    assert lines[0] == (f"Error: The lab's output folder {a_file} is a file, expected a "
                        "folder. Pass another --out (out_dir).")
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_out_in_a_folder_that_cannot_be_written(demo_lab, tmp_path, monkeypatch):
    def refuse(lab_dir):
        raise PermissionError(13, "Permission denied", str(lab_dir))

    monkeypatch.setattr(_staging, "new_staging_dir", refuse)
    out = tmp_path / "out"
    result, lines = _invoke(["lab", "run", "demo", "--out", str(out), "--no-progress"])
    assert result.exit_code == 2
    assert lines[0] == (f"Error: Cannot write the lab's output into {out}: permission denied. "
                        "Pass a writable folder as --out (out_dir).")
    assert list(tmp_path.iterdir()) == []  # no empty OUT/ nor OUT/NAME/ left


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_out_in_a_read_only_folder(demo_lab, tmp_path):
    tmp_path.chmod(0o555)
    try:
        result, lines = _invoke(["lab", "run", "demo", "--out", str(tmp_path / "out")])
    finally:
        tmp_path.chmod(0o755)
    assert result.exit_code == 2 and lines[0].startswith("Error: ")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_out_where_nobody_may_write(demo_lab):
    # NOTE: root may write in a chmod 0o555 folder, so the test above skips under root;
    # no one, root included, may create a folder in /proc.
    result, lines = _invoke(["lab", "run", "demo", "--out", "/proc/glassbox-out"])
    assert result.exit_code == 2 and lines[0].startswith("Error: ")
    assert "/proc/glassbox-out" in result.output and "Traceback" not in result.output


def test_mnist_missing_everywhere(tmp_path, monkeypatch):
    from glassbox.data import sources

    monkeypatch.delenv("GLASSBOX_DATA", raising=False)
    monkeypatch.setenv("GLASSBOX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(sources, "download", lambda *args, **kwargs: (
        None, ["(no network in the tests)"]))
    empty = tmp_path / "data"
    empty.mkdir()
    out = tmp_path / "out"
    result, lines = _invoke(["lab", "run", "mlp", "--quick", "--data-dir", str(empty),
                             "--out", str(out), "--no-progress"])
    assert result.exit_code == 2
    assert lines[0] == ("Error: train-images-idx3-ubyte (or train-images-idx3-ubyte.gz) was "
                        "not found. Looked in:")
    assert any(line.startswith("To provide MNIST") for line in lines)
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.fixture
def no_torch(monkeypatch):
    engines.get_engine.cache_clear()
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ImportError
    yield
    engines.get_engine.cache_clear()


@pytest.mark.parametrize("args", [["summary", "lenet5", "--engine", "torch"],
                                  ["lab", "run", "mlp", "--quick", "--engine", "torch"]])
def test_torch_not_installed(no_torch, tmp_path, args):
    result, lines = _invoke([*args, "--out", str(tmp_path / "out")] if "lab" in args else args)
    assert result.exit_code == 2
    assert lines[0] == ("Error: The torch engine needs PyTorch, which is not installed. Install "
                        "it with `pip install glassbox-ml[torch]`, or use the glassbox engine.")
    assert not (tmp_path / "out").exists()


def test_summary_of_an_input_too_large_for_memory():
    # A subprocess, as a user runs it: nothing is allocated before the size is refused.
    done = subprocess.run([sys.executable, "-m", "glassbox.cli", "summary", "lenet5",
                           "--input-size", "1", "100000", "100000"], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": SRC}, timeout=120)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        "Error: input_size (1, 100000, 100000) has 10,000,000,000 values, more than the "
        "16,777,216 a summary's forward pass allows (the activations would not fit in "
        "memory); expected a size such as (3, 224, 224).")
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_debug_shows_the_traceback(demo_lab, tmp_path):
    a_file = tmp_path / "out"
    a_file.write_text("")
    result, _ = _invoke(["--debug", "lab", "run", "demo", "--out", str(a_file)])
    assert isinstance(result.exception, NotADirectoryError)
    assert result.exit_code == 1
