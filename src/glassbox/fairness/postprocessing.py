"""Post-processing mitigation: group-specific, randomised thresholds (Hardt et al. 2016).

A trained model gives each person a score. Thresholding it at t gives one point of the
group's trade-off curve: (false positive rate, true positive rate) for equalized odds,
(selection rate, accuracy) for demographic parity. Flipping a biased coin between two
thresholds reaches any point on the segment between their points, so each group can
reach anything under the *upper convex hull* of its curve.

- Demographic parity: choose one selection rate x for all groups; each group gets the
  best accuracy its hull allows at x; pick the x with the best overall accuracy
  (groups weighted by their size).
- Equalized odds: the FPR-TPR points every group can reach lie under the *lowest* of
  the hulls; pick the point (x, y_min(x)) with the best accuracy. A group whose hull is
  higher at x is brought down to y_min by answering, with probability p_ignore, by a
  coin of bias x (a point on the diagonal) instead of its thresholds.

The curves are read on a grid of ``grid_size + 1`` values of x. The result needs the
protected attribute at prediction time. The twin is
``fairlearn.postprocessing.ThresholdOptimizer``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from glassbox.fairness.metric_frame import _group_keys
from glassbox.fairness.reductions import _binary_labels

__all__ = ["ThresholdOptimizer"]


@dataclass
class _Mix:
    """Predict 1 with probability p0 [s > t0] + p1 [s > t1] (then maybe ignore)."""

    p0: float
    t0: float
    p1: float
    t1: float
    p_ignore: float = 0.0
    constant: float = 0.0

    def positive_probability(self, scores: np.ndarray) -> np.ndarray:
        thresholded = self.p0 * (scores > self.t0) + self.p1 * (scores > self.t1)
        return self.p_ignore * self.constant + (1 - self.p_ignore) * thresholded


def _tradeoff_points(scores, y, x_metric: str, y_metric: str):
    """(x, y, threshold) of "score > threshold" for every threshold between scores."""
    order = np.argsort(-scores, kind="stable")
    scores, y = scores[order], y[order]
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    distinct = np.r_[np.flatnonzero(np.diff(scores) != 0), len(scores) - 1]
    # Selected = the first k samples; k = 0 (threshold +inf), then after each run of ties.
    k = np.r_[0, distinct + 1]
    tp = np.r_[0, np.cumsum(y)[distinct]]
    fp = k - tp
    next_scores = np.r_[scores, -np.inf]
    thresholds = np.r_[np.inf, (scores[distinct] + next_scores[distinct + 1]) / 2]
    n = len(y)
    metrics = {
        "selection_rate": k / n,
        "false_positive_rate": fp / n_neg,
        "true_positive_rate": tp / n_pos,
        "accuracy_score": (tp + (n_neg - fp)) / n,
    }
    x, y_values = metrics[x_metric], metrics[y_metric]
    order = np.lexsort((y_values, x))  # sorted by x, then y
    return x[order], y_values[order], thresholds[order]


def _upper_hull(x, y, thresholds):
    """The upper convex hull of points sorted by x (Andrew's monotone chain)."""
    kept: list[int] = []
    for i in range(len(x)):
        while len(kept) >= 2:
            a, b = kept[-2], kept[-1]
            # drop b when it lies on or below the segment a -> i
            if (y[b] - y[a]) * (x[i] - x[a]) <= (y[i] - y[a]) * (x[b] - x[a]):
                kept.pop()
            else:
                break
        kept.append(i)
    kept = np.array(kept)
    return x[kept], y[kept], thresholds[kept]


def _interpolate(x, y, thresholds, grid):
    """On each grid value: the hull's y and the two thresholds mixed to reach it."""
    left = np.searchsorted(x, grid, side="right") - 1
    # a grid value equal to a hull point is reached from the segment on its left
    left[1:] = np.where(grid[1:] == x[left[1:]], left[1:] - 1, left[1:])
    p0 = (x[left + 1] - grid) / (x[left + 1] - x[left])
    p1 = 1 - p0
    return p0 * y[left] + p1 * y[left + 1], p0, thresholds[left], p1, thresholds[left + 1]


class ThresholdOptimizer(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Randomised thresholds per group on a classifier's scores, for parity.

    Parameters
    ----------
    estimator : classifier
        Gives the scores (``predict_proba[:, 1]``, else ``decision_function``).
    constraints : {"demographic_parity", "equalized_odds"}, default="demographic_parity"
    grid_size : int, default=1000
        The trade-off curves are read at ``grid_size + 1`` values of x.
    prefit : bool, default=False
        Use ``estimator`` as fitted instead of fitting a clone.
    random_state : int, RandomState or None
        For the randomised ``predict``.

    Attributes
    ----------
    estimator_ : the fitted classifier
    interpolation_ : dict of group to the mixture of thresholds it uses
    x_best_ : float
        The common selection rate (demographic parity) or FPR (equalized odds).

    See Also
    --------
    fairlearn.postprocessing.ThresholdOptimizer

    Examples
    --------
    >>> from glassbox.learn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> group = rng.integers(0, 2, 400)
    >>> X = np.c_[rng.normal(size=400) + group, group]
    >>> y = (X[:, 0] + rng.normal(size=400) > 0.5).astype(int)
    >>> fair = ThresholdOptimizer(LogisticRegression()).fit(X, y, sensitive_features=group)
    >>> rates = [fair.predict_proba(X, sensitive_features=group)[group == g, 1].mean()
    ...          for g in (0, 1)]
    >>> bool(abs(rates[0] - rates[1]) < 0.01)
    True
    """

    def __init__(self, estimator, constraints: str = "demographic_parity", *,
                 grid_size: int = 1000, prefit: bool = False, random_state=None):
        self.estimator = estimator
        self.constraints = constraints
        self.grid_size = grid_size
        self.prefit = prefit
        self.random_state = random_state

    def _scores(self, X) -> np.ndarray:
        if hasattr(self.estimator_, "predict_proba"):
            return np.asarray(self.estimator_.predict_proba(X))[:, 1]
        if hasattr(self.estimator_, "decision_function"):
            return np.asarray(self.estimator_.decision_function(X))
        return np.asarray(self.estimator_.predict(X), dtype=np.float64)

    def fit(self, X, y, *, sensitive_features, **fit_params):
        """Fit the estimator (unless ``prefit``), then choose each group's thresholds."""
        if self.constraints not in ("demographic_parity", "equalized_odds"):
            raise ValueError(f"constraints must be 'demographic_parity' or 'equalized_odds', "
                             f"received {self.constraints!r}.")
        y = _binary_labels(y)
        keys, _ = _group_keys(sensitive_features, len(y))
        self.estimator_ = self.estimator if self.prefit else \
            clone(self.estimator).fit(X, y, **fit_params)
        self.classes_ = np.array([0, 1])
        scores = self._scores(X)
        groups = sorted(set(keys), key=str)
        keys = np.array([str(k) for k in keys])
        grid = np.linspace(0, 1, self.grid_size + 1)
        curves = {}
        x_metric, y_metric = (("selection_rate", "accuracy_score")
                              if self.constraints == "demographic_parity"
                              else ("false_positive_rate", "true_positive_rate"))
        for group in groups:
            rows = keys == str(group)
            if self.constraints == "equalized_odds" and len(set(y[rows].tolist())) < 2:
                raise ValueError(f"Group {group!r} has only one label: its ROC curve, hence "
                                 "equalized odds, is undefined.")
            hull = _upper_hull(*_tradeoff_points(scores[rows], y[rows], x_metric, y_metric))
            curves[group] = _interpolate(*hull, grid)
        if self.constraints == "demographic_parity":
            # Overall accuracy at selection rate x: the groups' accuracies, by group size.
            share = {g: np.mean(keys == str(g)) for g in groups}
            overall = sum(share[g] * curves[g][0] for g in groups)
            best = int(np.argmax(overall))
            self.interpolation_ = {g: _Mix(curves[g][1][best], curves[g][2][best],
                                           curves[g][3][best], curves[g][4][best])
                                   for g in groups}
        else:
            y_min = np.min([curves[g][0] for g in groups], axis=0)
            n_pos = y.sum()
            n_neg = len(y) - n_pos
            # accuracy at (FPR x, TPR y_min): (TP + TN) / n
            accuracy = np.around((n_pos * y_min + n_neg * (1 - grid)) / len(y), 15)
            best = int(np.argmax(accuracy))
            x, target = grid[best], y_min[best]
            self.interpolation_ = {}
            for g in groups:
                y_group = curves[g][0][best]
                # mix with the diagonal point (x, x) to come down from y_group to target
                p_ignore = 0.0 if y_group == x else (y_group - target) / (y_group - x)
                self.interpolation_[g] = _Mix(curves[g][1][best], curves[g][2][best],
                                              curves[g][3][best], curves[g][4][best],
                                              p_ignore=p_ignore, constant=x)
        self.x_best_ = float(grid[best])
        return self

    def predict_proba(self, X, *, sensitive_features) -> np.ndarray:
        """(P(h = 0), P(h = 1)) per sample: its group's mixture of thresholds."""
        check_is_fitted(self)
        scores = self._scores(X)
        keys, _ = _group_keys(sensitive_features, len(scores))
        keys = np.array([str(k) for k in keys])
        positive = np.zeros(len(scores))
        for group, mix in self.interpolation_.items():
            rows = keys == str(group)
            positive[rows] = mix.positive_probability(scores[rows])
        unknown = sorted(set(keys) - {str(g) for g in self.interpolation_})
        if unknown:
            raise ValueError(f"Groups {unknown} were not seen in fit; known groups: "
                             f"{sorted(str(g) for g in self.interpolation_)}.")
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X, *, sensitive_features, random_state=None) -> np.ndarray:
        """Randomised decisions: 1 with the probability of :meth:`predict_proba`."""
        rng = check_random_state(self.random_state if random_state is None else random_state)
        positive = self.predict_proba(X, sensitive_features=sensitive_features)[:, 1]
        return (positive >= rng.rand(len(positive))).astype(np.int64)
