"""The lab runner and the CLI, on a small demonstration lab (real labs have their own tests)."""

import json
import types

import numpy as np
import pytest
from typer.testing import CliRunner

from glassbox.cli import app
from glassbox.lab import runner


def _demo_run(ctx):
    import matplotlib.pyplot as plt

    ctx.report.section("A section")
    ctx.report.text("Some <b>escaped</b> text.")
    ctx.report.table([{"model": "a", "accuracy": 0.5}, {"model": "b", "accuracy": 0.75}],
                     caption="a table")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ctx.report.figure(fig, "line", caption="a line")
    ctx.metrics["draw"] = float(ctx.rng.standard_normal())
    ctx.metrics["quick"] = ctx.quick
    if ctx.metrics.get("fail") or getattr(ctx, "_fail", False):
        raise RuntimeError("boom")


DEMO = types.ModuleType("glassbox.lab.demo")
DEMO.NAME, DEMO.TITLE, DEMO.SECTION = "demo", "Demo lab", "0 Nowhere"
DEMO.__doc__ = "A lab that only exists in the tests."
DEMO.run = _demo_run


@pytest.fixture
def demo_lab(monkeypatch):
    monkeypatch.setattr(runner, "available_labs", lambda: {"demo": DEMO})
    return DEMO


def test_run_writes_every_file(demo_lab, tmp_path):
    result = CliRunner().invoke(app, ["lab", "run", "demo", "--quick", "--seed", "3",
                                      "--out", str(tmp_path), "--no-progress"])
    assert result.exit_code == 0, result.output
    lab_dir = tmp_path / "demo"
    metrics = json.loads((lab_dir / "metrics.json").read_text())
    config = json.loads((lab_dir / "config.json").read_text())
    assert metrics["draw"] == pytest.approx(float(np.random.default_rng(3).standard_normal()))
    assert metrics["quick"] is True
    assert metrics["run"]["wall_time_s"] > 0 and metrics["run"]["cpu_time_s"] >= 0
    assert metrics["run"]["co2_g"] >= 0
    assert config["seed"] == 3 and config["quick"] is True and "numpy" in config["versions"]
    png = (lab_dir / "figures" / "line.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    page = (lab_dir / "report.html").read_text()
    assert "data:image/png;base64," in page
    assert "&lt;b&gt;escaped&lt;/b&gt;" in page  # text is escaped, not injected
    assert "0.75" in page and "Seed" in page and "CPU time" in page
    assert not list(lab_dir.rglob("*.tmp"))


def test_same_seed_same_metrics(demo_lab, tmp_path):
    first = runner.run_lab("demo", seed=7, out_dir=tmp_path / "a", show_progress=False)
    second = runner.run_lab("demo", seed=7, out_dir=tmp_path / "b", show_progress=False)
    read = lambda p: json.loads((p.parent / "metrics.json").read_text())["draw"]
    assert read(first) == read(second)


def test_failed_run_keeps_previous_report(demo_lab, tmp_path, monkeypatch):
    path = runner.run_lab("demo", out_dir=tmp_path, show_progress=False)
    before = path.read_bytes()
    monkeypatch.setattr(DEMO, "run", lambda ctx: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError, match="boom"):
        runner.run_lab("demo", out_dir=tmp_path, show_progress=False)
    assert path.read_bytes() == before


def test_run_all_writes_index(demo_lab, tmp_path):
    index = runner.run_all(quick=True, out_dir=tmp_path, show_progress=False)
    assert "demo/report.html" in index.read_text()
    assert (tmp_path / "demo" / "report.html").is_file()


def test_list_shows_labs(demo_lab):
    result = CliRunner().invoke(app, ["lab", "list"])
    assert result.exit_code == 0
    assert "demo" in result.output and "Demo lab" in result.output


@pytest.mark.parametrize("args, message", [
    (["lab", "run", "nope"], "unknown lab 'nope'"),
    (["lab", "run", "demo", "--engine", "jax"], "received 'jax'"),
    (["lab", "run", "demo", "--seed", "-1"], "greater than or equal to 0"),
    (["lab", "run", "demo", "--data-dir", "/no/such/dir"], "is not a folder"),
    (["lab", "run", "demo", "--bogus"], "No such option"),
])
def test_bad_input_exits_non_zero_with_message(demo_lab, args, message):
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code != 0
    assert message in result.output


def test_run_lab_rejects_bad_values(demo_lab):
    with pytest.raises(ValueError, match="Unknown lab 'x'.*demo"):
        runner.run_lab("x")
    with pytest.raises(ValueError, match="Unknown engine"):
        runner.run_lab("demo", engine="jax")
    with pytest.raises(ValueError, match="seed"):
        runner.run_lab("demo", seed=-2)


def test_cli_runs_the_kernels_lab(tmp_path):
    """The real thing: `glassbox lab run kernels --quick` writes every file of a report."""
    result = CliRunner().invoke(app, ["lab", "run", "kernels", "--quick", "--out", str(tmp_path),
                                      "--no-progress"])
    assert result.exit_code == 0, result.output
    lab_dir = tmp_path / "kernels"
    for name in ("report.html", "metrics.json", "config.json"):
        assert (lab_dir / name).is_file(), name
    figures = sorted(p.name for p in (lab_dir / "figures").glob("*.png"))
    assert len(figures) >= 5
    page = (lab_dir / "report.html").read_text()
    assert page.count("data:image/png;base64,") == len(figures)
    metrics = json.loads((lab_dir / "metrics.json").read_text())
    assert metrics["run"]["cpu_time_s"] > 0
    assert "Report written to" in result.output


def test_cli_lists_the_real_labs():
    result = CliRunner().invoke(app, ["lab", "list"])
    assert result.exit_code == 0
    for name in ("kernels", "classic", "mlp", "zoo", "lenet5", "transfer", "optimizers"):
        assert name in result.output


def test_cli_summary_prints_the_course_table():
    result = CliRunner().invoke(app, ["summary", "lenet5"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Total params: 61,706" in result.output
    assert "1x6x28x28" in result.output and "Total mult-adds: 416,520" in result.output


@pytest.mark.parametrize("args, message", [
    (["summary", "vgg19"], "unknown model 'vgg19'"),
    (["summary", "lenet5", "--input-size", "1", "16", "16"], "too small"),
    (["summary", "lenet5", "--engine", "jax"], "received 'jax'"),
])
def test_cli_summary_bad_input(args, message):
    result = CliRunner().invoke(app, args, env={"COLUMNS": "300", "NO_COLOR": "1"})
    assert result.exit_code != 0
    assert message in " ".join(result.output.split())
