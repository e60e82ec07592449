"""Quick runs of the labs that train CNNs (issue 3): lenet5, transfer, optimizers.

Each asserts figures the quick run really reaches on the glassbox engine, so a broken
engine, loader or training loop fails here.
"""

import json

import pytest

from glassbox.lab import run_lab


def _run(name, tmp_path, **options):
    path = run_lab(name, quick=True, out_dir=tmp_path, show_progress=False, **options)
    return json.loads((path.parent / "metrics.json").read_text()), path.read_text()


def test_lenet5_quick(tmp_path):
    metrics, page = _run("lenet5", tmp_path)
    assert metrics["test_accuracy"] > 0.85  # 3 epochs on 3,000 digits
    assert metrics["f1_micro"] == pytest.approx(metrics["test_accuracy"])
    assert metrics["f1_macro"] > 0.8
    assert (tmp_path / "lenet5" / "checkpoints" / "best.safetensors").is_file()
    for figure in ("learning_curves", "confusion_matrix", "kernels", "feature_maps"):
        assert (tmp_path / "lenet5" / "figures" / f"{figure}.png").is_file()
    assert "glassbox_ms_per_step" in metrics
    assert page.count("data:image/png;base64,") == 4


def test_transfer_quick(tmp_path):
    metrics, page = _run("transfer", tmp_path)
    assert metrics["pretrain_train_accuracy"] > 0.85
    # With 10 images per class, a base pretrained on digits 0-4 beats random weights.
    assert metrics["acc_10_fine_tuning"] > 0.5
    assert metrics["acc_100_from_scratch"] > 0.6
    assert "a 6 rotated by 180 degrees" in page


def test_optimizers_quick(tmp_path):
    metrics, _ = _run("optimizers", tmp_path)
    # Two epochs: batch-1 SGD takes 2,000 steps, full-batch GD only 2.
    assert metrics["loss_SGD_batch_1"] < metrics["loss_GD_full_batch"]
    assert metrics["accuracy_Adam_batch_64"] > 0.7
    assert metrics["loss_mini-batch_64"] < 1.0
