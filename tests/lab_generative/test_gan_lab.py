"""The gan lab's quick run, on both engines: saturation visible, samples that move, FID
above its floor."""

import dataclasses
import json

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from glassbox.lab import gan, run_lab

RUNS = ("minimax", "non_saturating", "labels", "dcgan", "wgan_clip", "wgan_gp")


@pytest.fixture(scope="module")
def finished():
    # the metrics of each engine's quick run, for the worker test to compare with
    return {}


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    # the LeNet-5 of the FID is trained once into this module's own cache (quick: seconds)
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("engine", ["glassbox", "torch"])
def test_quick_run_shows_saturation_and_measures_every_run(engine, cache, finished, tmp_path,
                                                           monkeypatch):
    monkeypatch.setenv("GLASSBOX_CACHE", str(cache))
    import torch

    threads = torch.get_num_threads()
    with threadpool_limits(limits=1):
        report = run_lab("gan", quick=True, out_dir=tmp_path / "out", show_progress=False,
                         engine=engine)
    assert torch.get_num_threads() == threads  # the quick torch run's 1 thread, restored
    metrics = json.loads((report.parent / "metrics.json").read_text())
    finished[engine] = metrics
    assert json.loads((report.parent / "config.json").read_text())["engine"] == engine
    assert (cache / "models" / "lenet5_mnist_quick.safetensors").is_file()
    assert metrics["classifier_test_accuracy"] > 0.85
    assert np.isclose(sum(metrics["real_class_histogram"]), 1.0)
    # k = 5 discriminator steps: the minimax generator's gradient is several times smaller
    assert metrics["saturation_ratio"] > 3
    # real digits against real digits are far closer than any generator after seconds
    for name in RUNS:
        run = metrics[name]
        assert run["fid"] > 5 * metrics["fid_floor"], name
        assert np.isclose(sum(run["class_histogram"]), 1.0)
        assert 0 <= run["entropy"] <= np.log(10) + 1e-12
        assert (tmp_path / "out" / "gan" / "checkpoints" / name / "last.safetensors").is_file()
    # DCGAN learns something even in 40 steps: its FID falls (the last weights'; the
    # average of the weights follows them, a few steps behind)
    first, *_, last = metrics["dcgan"]["fid_over_training_last_weights"]
    assert last < 0.9 * first
    first, *_, last = metrics["dcgan"]["fid_over_training"]
    assert last < first
    assert metrics["dcgan"]["fid"] != metrics["dcgan"]["fid_last_weights"]
    for name in ("wgan_clip", "wgan_gp"):
        assert np.isfinite(metrics[name]["wasserstein_estimate"])
    assert "targets_met" not in metrics  # the targets are the full mode's
    for figure in ("saturation", "gradient_norms", "losses", "wasserstein", "fid",
                   "class_histograms", *(f"samples_{name}" for name in RUNS)):
        assert (report.parent / "figures" / f"{figure}.png").is_file(), figure
    assert "Saturation: minimax vs non-saturating" in report.read_text()



def test_worker_processes_give_the_same_figures(cache, finished, tmp_path, monkeypatch):
    """The full mode trains its runs in worker processes: same runs, same figures."""
    monkeypatch.setenv("GLASSBOX_CACHE", str(cache))
    if "glassbox" not in finished:  # this test alone: the in-process run first
        finished["glassbox"] = json.loads((run_lab(
            "gan", quick=True, out_dir=tmp_path / "here", show_progress=False).parent
            / "metrics.json").read_text())
    # two workers, the runs shared out unlike the full mode's (any split: same figures)
    monkeypatch.setattr(gan, "QUICK", dataclasses.replace(
        gan.QUICK, workers=(("wgan_gp", "minimax", "labels"),
                            ("dcgan", "non_saturating", "wgan_clip"))))
    report = run_lab("gan", quick=True, out_dir=tmp_path / "out", show_progress=False)
    metrics = json.loads((report.parent / "metrics.json").read_text())
    expected = finished["glassbox"]
    for name in RUNS:
        for key in ("fid", "confidence", "class_histogram", "fid_over_training"):
            np.testing.assert_allclose(metrics[name][key], expected[name][key], rtol=1e-6,
                                       err_msg=f"{name} {key}")
        assert (tmp_path / "out" / "gan" / "checkpoints" / name / "last.safetensors").is_file()
    assert metrics["saturation_ratio"] == pytest.approx(expected["saturation_ratio"], rel=1e-6)


def test_a_failing_worker_stops_the_lab_with_its_error(cache, tmp_path, monkeypatch):
    """An error in a worker reaches the caller as itself (here the optimizer's refusal of
    a NaN learning rate), the other worker is stopped, and no run folder is left."""
    monkeypatch.setenv("GLASSBOX_CACHE", str(cache))
    monkeypatch.setattr(gan, "QUICK", dataclasses.replace(
        gan.QUICK, workers=(("minimax",), tuple(gan.RUNS)[1:]), lr_scale=float("nan")))
    with pytest.raises(ValueError, match="learning rate"):
        run_lab("gan", quick=True, out_dir=tmp_path / "out", show_progress=False)
    assert not (tmp_path / "out").exists()
