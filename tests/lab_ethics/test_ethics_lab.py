"""The ethics lab's quick run: ProPublica's error rates exactly, bias by proxy, and each
mitigator lowering the disparity it targets on the test split."""

import json

import pytest

from glassbox.data.compas import COMPAS_FILE
from glassbox.lab import run_lab


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab")
    report = run_lab("ethics", quick=True, out_dir=out, show_progress=False)
    return report, json.loads((out / "ethics" / "metrics.json").read_text())


def test_compas_error_rates_are_the_published_ones(quick_run):
    # ../shared/data/README.md: FPR 42.3 % vs 22.0 %, FNR 28.5 % vs 49.6 % on 6,172 rows
    score = quick_run[1]["compas_score"]
    assert score["rows"] == 6172
    assert score["fpr_percent"] == {"African-American": 42.3, "Caucasian": 22.0}
    assert score["fnr_percent"] == {"African-American": 28.5, "Caucasian": 49.6}
    assert score["by_race"]["African-American"]["count"] == 3175
    assert score["by_race"]["Caucasian"]["count"] == 2103
    # Chouldechova's identity holds in each group (it is algebra on the confusion matrix)
    assert score["chouldechova_identity_max_error"] < 1e-12


def test_removing_race_leaves_a_proxy(quick_run):
    proxy = quick_run[1]["proxy"]
    for model, result in proxy["models_without_race"].items():
        assert result["accuracy"] > 0.62, model
        assert result["fpr_gap"] > 0.05, model  # Black defendants still more often flagged
    assert min(proxy["race_prediction_auc"].values()) > 0.6


def test_each_mitigator_lowers_the_disparity_it_targets(quick_run):
    results = quick_run[1]["mitigation"]["glassbox"]
    base = results.pop("none (logistic regression)")
    assert len(results) == 5
    for name, result in results.items():
        target = result["target"] + "_difference"
        assert result[target] < base[target] - 0.1, (name, result[target], base[target])
        assert result["accuracy"] > base["accuracy"] - 0.08, name


def test_threshold_optimizer_beside_fairlearn(quick_run):
    mitigation = quick_run[1]["mitigation"]
    for name, twin in mitigation["fairlearn"].items():
        ours = mitigation["glassbox"][name]
        target = ours["target"] + "_difference"
        assert ours[target] <= twin[target] + 0.01, name
        assert abs(ours["accuracy"] - twin["accuracy"]) <= 0.01, name
    # the Pareto front: the tightest bound (0.01) gives less disparity than the loosest (0.2)
    front = [point["demographic_parity_difference"] for point in mitigation["pareto"]]
    assert front[-1] < front[0]


def test_explanations_card_and_footprint(quick_run):
    report, metrics = quick_run
    network = metrics["network_explanations"]
    assert network["lenet5_test_accuracy_1000"] > 0.5
    assert network["completeness_max_abs_delta"] < 1e-2
    assert metrics["explanations"]["tree_rules"]
    footprint = metrics["footprint"]
    assert {step["method"] for step in footprint["steps"]} <= {"rapl", "cpu-time"}
    assert all(step["energy_wh"] >= 0 for step in footprint["steps"])
    assert metrics["run"]["co2_g"] == pytest.approx(
        metrics["run"]["energy_wh"] / 1000 * metrics["run"]["grams_co2_per_kwh"])
    html = report.read_text()
    assert "model card" in html and COMPAS_FILE.sha256 in html
    figures = {p.name for p in (report.parent / "figures").iterdir()}
    assert {"calibration_by_race.png", "pareto.png", "saliency_maps.png"} <= figures


def test_lenet5_lab_checkpoint_is_reused(tmp_path):
    """In `lab run all`, section 4 explains the lenet5 lab's network, not a new one."""
    import numpy as np

    import glassbox.nn as gnn
    from glassbox.io import save
    from glassbox.lab.ethics import _lenet
    from glassbox.lab.report import Report
    from glassbox.lab.runner import LabContext
    from glassbox.models import lenet5

    # what the lenet5 lab's fit(checkpoint_dir=...) writes: the best epoch's state dict
    trained = lenet5(nn=gnn)
    save(trained.state_dict(), tmp_path / "lenet5" / "checkpoints" / "best.safetensors")
    ctx = LabContext(name="ethics", quick=True, seed=0, engine="glassbox", data_dir=None,
                     out_dir=tmp_path / ".ethics.staging", report=Report("t", tmp_path / "f"),
                     rng=np.random.default_rng(0), show_progress=False)
    energy = []
    model, x_test, _, source, _ = _lenet(ctx, energy)
    assert "lenet5 lab's weights" in source and energy == []  # nothing trained
    for name, value in trained.state_dict().items():
        np.testing.assert_array_equal(model.state_dict()[name].numpy(), value.numpy())
    assert x_test.shape == (1000, 1, 32, 32)
