"""The mlp lab's quick run: real accuracies and a visible over-fitting gap."""

import json

import pytest
from threadpoolctl import threadpool_limits

from glassbox.lab import run_lab


def _quick_run(tmp_path, engine):
    # NOTE: one BLAS thread: the tests share two cores, where BLAS threads that spin while
    # waiting for each other make small matrix products several times slower.
    with threadpool_limits(limits=1):
        report = run_lab("mlp", quick=True, out_dir=tmp_path, engine=engine,
                         show_progress=False)
    return report, json.loads((report.parent / "metrics.json").read_text())


def test_quick_run_learns_odd_vs_even_and_shows_overfitting(tmp_path):
    report, metrics = _quick_run(tmp_path, "glassbox")
    # 3,000 training images, 6 epochs: about 94 % on 2,000 test digits (chance: 51 %).
    assert metrics["test_accuracy"] > 0.92
    assert metrics["dev_accuracy"] > 0.92
    assert 0.9 < metrics["test_precision"] <= 1 and 0.9 < metrics["test_recall"] <= 1
    assert sum(map(sum, metrics["confusion_matrix"])) == 2000
    # The over-fitting run memorises its 200 images and generalises far worse.
    assert metrics["overfit_train_loss"] < 0.01
    assert metrics["overfit_val_loss"] > 10 * metrics["overfit_train_loss"]
    assert metrics["overfit_val_loss"] > metrics["overfit_min_val_loss"]  # it rose again
    assert metrics["overfit_accuracy_gap"] > 0.05
    # Autograd's derivatives of the activations equal the formulas.
    assert metrics["activation_derivative_max_error"] < 1e-12
    html = report.read_text()
    for figure in ("learning_curves", "overfitting", "confusion_matrix", "misclassified",
                   "activations"):
        assert (report.parent / "figures" / f"{figure}.png").is_file()
    assert "Over-fitting on purpose" in html
    assert (tmp_path / "mlp" / "mlp.safetensors").is_file()


@pytest.mark.slow
def test_quick_run_on_the_torch_engine(tmp_path):
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _, metrics = _quick_run(tmp_path, "torch")
    finally:
        torch.set_num_threads(threads)
    assert metrics["test_accuracy"] > 0.92
    assert metrics["activation_derivative_max_error"] < 1e-12
