"""`glassbox lab run all` writes the course dashboard: course order, headlines, footprint."""

import json
import types

import pytest

from glassbox.lab import runner
from glassbox.lab._dashboard import headline


def _lab(name, section, value, headline=None):
    module = types.ModuleType(f"glassbox.lab.{name}")
    module.NAME, module.TITLE, module.SECTION = name, f"Lab {name}", section
    if headline:
        module.HEADLINE = headline

    def run(ctx):
        ctx.metrics["result"] = {"score": value}
        ctx.metrics["test_accuracy"] = value
        sum(i * i for i in range(50_000))  # some CPU time to measure
    module.run = run
    return module


def test_index_is_the_course_dashboard(monkeypatch, tmp_path):
    labs = {"zeta": _lab("zeta", "1.2 First", 0.25, ("the score", "result.score")),
            "alpha": _lab("alpha", "4 Last", 0.75),
            "mid": _lab("mid", "3.10 Middle", 0.5)}
    monkeypatch.setattr(runner, "available_labs", lambda: labs)
    monkeypatch.setattr(runner, "get_lab", lambda name: labs[name])
    index = runner.run_all(quick=True, out_dir=tmp_path, show_progress=False, country="FRA")
    page = index.read_text()
    # course order, not alphabetical: 1.2 < 3.10 < 4
    assert page.index("zeta/report.html") < page.index("mid/report.html") \
        < page.index("alpha/report.html")
    assert "the score" in page and "0.25" in page and "test accuracy" in page
    runs = [json.loads((tmp_path / name / "metrics.json").read_text())["run"]
            for name in labs]
    total_energy = sum(run["energy_wh"] for run in runs)
    assert f"The whole course: {total_energy:.3g} Wh" in page
    assert all(run["country"] == "FRA" for run in runs)
    assert "<style>" in page and "3 labs" in page


def test_headline_lookup():
    module = types.ModuleType("x")
    module.HEADLINE = ("gap", "a.b")
    assert headline("x", module, {"a": {"b": 0.1}}) == ("gap", 0.1)
    assert headline("x", module, {"a": {}, "accuracy": 0.9}) == ("accuracy", 0.9)
    assert headline("x", types.ModuleType("y"), {}) == ("", None)
    assert headline("lenet5", types.ModuleType("z"), {"test_accuracy": 0.99}) == (
        "test accuracy", pytest.approx(0.99))
