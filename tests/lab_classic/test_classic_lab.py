"""The classic lab's quick run reaches real accuracies and reports every criterion."""

import json
import math

import numpy as np
import pytest

from glassbox.lab import run_lab
from glassbox.lab.classic import MODELS, model_size_bytes


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab")
    report = run_lab("classic", quick=True, out_dir=out, show_progress=False)
    metrics = json.loads((out / "classic" / "metrics.json").read_text())
    return report, metrics


def test_breast_cancer_models_generalise(quick_run):
    _, metrics = quick_run
    for model in MODELS:
        result = metrics["breast_cancer"][model]
        assert result["accuracy"] > 0.9, (model, result["accuracy"])
        assert result["nested_cv_accuracy_mean"] > 0.88, model
        assert result["roc_auc"] > 0.9, model
        # Sensitivity and specificity for the malignant class both well above chance.
        assert result["recall"] > 0.8 and result["specificity"] > 0.8, model
        assert len(result["nested_cv_scores"]) == 3
        assert len(result["chosen_params_per_outer_fold"]) == 3


def test_digits_models_generalise(quick_run):
    _, metrics = quick_run
    floors = {"logistic_regression": 0.88, "knn": 0.88, "decision_tree": 0.65,
              "random_forest": 0.85}
    for model, floor in floors.items():
        result = metrics["digits"][model]
        assert result["accuracy"] > floor, (model, result["accuracy"])
        assert result["roc_auc"] > max(floor, 0.85), model
        # micro-averaged F1 of a single-label problem is the accuracy
        assert result["f1_micro"] == pytest.approx(result["accuracy"], abs=1e-12)


# test-set sizes of the quick run: 25 % of breast_cancer's 569 samples and of the
# 800-sample stratified subset of digits (see glassbox.lab.classic)
N_TEST = {"breast_cancer": math.ceil(0.25 * 569), "digits": math.ceil(0.25 * 800)}


def test_selection_criteria_and_sklearn_comparison_reported(quick_run):
    report, metrics = quick_run
    for dataset in ("breast_cancer", "digits"):
        for model in MODELS:
            result = metrics[dataset][model]
            assert result["fit_time_s"] > 0 and result["predict_time_s"] > 0
            assert result["fit_time_ratio_vs_sklearn"] > 0
            assert result["model_size_bytes"] > 0
            # Same hyper-parameters, same data: the tree, forest and kNN are scikit-learn's
            # models exactly; logistic regression stops where scikit-learn's lbfgs stops,
            # so at most one test sample near the boundary may differ.
            n_test = N_TEST[dataset]
            if model == "logistic_regression":
                assert abs(result["accuracy_delta_vs_sklearn"]) <= 1 / n_test + 1e-12, dataset
            else:
                assert result["accuracy_delta_vs_sklearn"] == 0.0, (dataset, model)
        # kNN stores its training set: at least n_train x n_features float64 values.
        n_features = 30 if dataset == "breast_cancer" else 64
        assert metrics[dataset]["knn"]["model_size_bytes"] >= 400 * n_features * 8
    html = report.read_text()
    for needle in ("nested", "roc_breast_cancer", "Interpretability", "|---", "specificity"):
        assert needle in html, needle
    figures = {p.name for p in (report.parent / "figures").iterdir()}
    assert {"roc_breast_cancer.png", "roc_digits.png", "confusion_digits.png"} <= figures


def test_model_size_counts_learned_arrays_once():
    from sklearn.linear_model import LogisticRegression

    X = np.random.default_rng(0).normal(size=(40, 5))
    y = (X[:, 0] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    expected = model.coef_.nbytes + model.intercept_.nbytes + model.classes_.nbytes + (
        model.n_iter_.nbytes)
    assert model_size_bytes(model) == expected
