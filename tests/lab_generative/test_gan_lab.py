"""The gan lab's quick run, on both engines: saturation visible, samples that move, FID
above its floor."""

import json

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from glassbox.lab import run_lab

RUNS = ("minimax", "non_saturating", "labels", "dcgan", "wgan_clip", "wgan_gp")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    # the LeNet-5 of the FID is trained once into this module's own cache (quick: seconds)
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("engine", ["glassbox", "torch"])
def test_quick_run_shows_saturation_and_measures_every_run(engine, cache, tmp_path,
                                                           monkeypatch):
    monkeypatch.setenv("GLASSBOX_CACHE", str(cache))
    import torch

    threads = torch.get_num_threads()
    with threadpool_limits(limits=1):
        report = run_lab("gan", quick=True, out_dir=tmp_path / "out", show_progress=False,
                         engine=engine)
    assert torch.get_num_threads() == threads  # the quick torch run's 1 thread, restored
    metrics = json.loads((report.parent / "metrics.json").read_text())
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
    # DCGAN learns something even in 40 steps: its FID falls
    first, *_, last = metrics["dcgan"]["fid_over_training"]
    assert last < 0.9 * first
    for name in ("wgan_clip", "wgan_gp"):
        assert np.isfinite(metrics[name]["wasserstein_estimate"])
    assert "targets_met" not in metrics  # the targets are the full mode's
    for figure in ("saturation", "gradient_norms", "losses", "wasserstein", "fid",
                   "class_histograms", *(f"samples_{name}" for name in RUNS)):
        assert (report.parent / "figures" / f"{figure}.png").is_file(), figure
    assert "Saturation: minimax vs non-saturating" in report.read_text()

