"""Speed of glassbox.learn.metrics against scikit-learn, measured in one process.

Run: ``python benchmarks/bench_metrics.py``. Prints best-of-5 wall times and the ratio
glassbox / scikit-learn (below 1 = glassbox faster). Timings on a shared machine are
noisy; only the ratios measured side by side mean something.
"""

import time
import warnings

import numpy as np
import sklearn.metrics as skm

import glassbox.learn.metrics as gbm


def best_of(function, args, kwargs, repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    rng = np.random.default_rng(0)
    n, n_classes = 200_000, 10
    y_true = rng.integers(0, n_classes, n)
    y_pred = np.where(rng.random(n) < 0.8, y_true, rng.integers(0, n_classes, n))
    proba = rng.dirichlet(np.ones(n_classes), size=n)
    binary_true, binary_score = y_true % 2, rng.random(n)
    cases = [
        ("accuracy_score", (y_true, y_pred), {}),
        ("f1_score macro", (y_true, y_pred), {"average": "macro"}),
        ("precision_recall_fscore_support", (y_true, y_pred), {}),
        ("confusion_matrix", (y_true, y_pred), {}),
        ("classification_report", (y_true, y_pred), {}),
        ("roc_curve", (binary_true, binary_score), {}),
        ("roc_auc_score binary", (binary_true, binary_score), {}),
        ("roc_auc_score ovr", (y_true, proba), {"multi_class": "ovr"}),
        ("log_loss", (y_true, proba), {}),
    ]
    print(f"{n:,} samples, {n_classes} classes")
    print(f"{'metric':34s} {'glassbox (ms)':>14s} {'sklearn (ms)':>13s} {'ratio':>7s}")
    for label, args, kwargs in cases:
        name = label.split()[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = best_of(getattr(gbm, name), args, kwargs)
            theirs = best_of(getattr(skm, name), args, kwargs)
        print(f"{label:34s} {ours * 1e3:14.2f} {theirs * 1e3:13.2f} {ours / theirs:7.2f}")


if __name__ == "__main__":
    main()
