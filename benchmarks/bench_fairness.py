"""Fairness speed: glassbox.fairness vs fairlearn on COMPAS, same models, same split.

Run: ``python benchmarks/bench_fairness.py [--repeat 3] [--threads 1 2]``

Each case runs both libraries in this process on the ethics lab's COMPAS split (3,694
training rows, glassbox's LogisticRegression inside both), with the same number of BLAS
threads (threadpoolctl). The ratio is glassbox's time over fairlearn's (below 1 means
glassbox is faster); times are the best of ``--repeat`` runs, the run least disturbed
by other work on a shared machine.
"""

from __future__ import annotations

import argparse
import time

from fairlearn.metrics import MetricFrame as FairlearnFrame
from fairlearn.metrics import false_positive_rate as fairlearn_fpr
from fairlearn.postprocessing import ThresholdOptimizer as FairlearnThresholds
from fairlearn.reductions import EqualizedOdds
from fairlearn.reductions import ExponentiatedGradient as FairlearnReduction
from threadpoolctl import threadpool_limits

from glassbox.fairness import (
    ExponentiatedGradient,
    MetricFrame,
    ThresholdOptimizer,
    false_positive_rate,
)
from glassbox.lab.ethics import compas_split
from glassbox.learn.linear_model import LogisticRegression


def cases(split):
    X, y, race = split["X_train"], split["y_train"], split["race_train"]
    return {
        "MetricFrame FPR by race": (
            lambda: MetricFrame(metrics=false_positive_rate, y_true=y, y_pred=1 - y,
                                sensitive_features=race).difference(),
            lambda: FairlearnFrame(metrics=fairlearn_fpr, y_true=y, y_pred=1 - y,
                                   sensitive_features=race).difference()),
        "ThresholdOptimizer equalized odds": (
            lambda: ThresholdOptimizer(LogisticRegression(), "equalized_odds").fit(
                X, y, sensitive_features=race),
            lambda: FairlearnThresholds(estimator=LogisticRegression(),
                                        constraints="equalized_odds",
                                        predict_method="predict_proba").fit(
                X, y, sensitive_features=race)),
        "ExponentiatedGradient equalized odds": (
            lambda: ExponentiatedGradient(LogisticRegression(), "equalized_odds").fit(
                X, y, sensitive_features=race),
            lambda: FairlearnReduction(LogisticRegression(), EqualizedOdds()).fit(
                X, y, sensitive_features=race)),
    }


def best_time(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    split = compas_split(seed=0)
    print(f"{'case':<40} {'threads':>7} {'glassbox (s)':>13} {'fairlearn (s)':>14} "
          f"{'ratio':>7}")
    for threads in args.threads:
        with threadpool_limits(threads):
            for name, (ours, theirs) in cases(split).items():
                ours_time = best_time(ours, args.repeat)
                their_time = best_time(theirs, args.repeat)
                print(f"{name:<40} {threads:>7} {ours_time:>13.4f} {their_time:>14.4f} "
                      f"{ours_time / their_time:>7.2f}")


if __name__ == "__main__":
    main()
