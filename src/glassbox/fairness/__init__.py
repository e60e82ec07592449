"""Fairness: metrics per protected group, parity gaps, mitigation and explanations.

Section 4 of the course asks for AI that is fair ("parity models: the measures of
predictive performance are equal across protected groups"), explicable and accountable.
This package turns that into tools, each the twin of fairlearn's (or captum's):

- :class:`MetricFrame` and the rates of :mod:`glassbox.fairness.metrics` measure a
  classifier group by group (``fairlearn.metrics``);
- mitigation around any classifier with scikit-learn's API: :class:`Reweighing`
  (pre-processing), :class:`ThresholdOptimizer` (post-processing) and
  :class:`ExponentiatedGradient` (in-processing, the reductions approach);
- :mod:`glassbox.fairness.explain`: why a model decided what it did;
- :mod:`glassbox.fairness.audit`: the audit report of anyone's predictions
  (``glassbox audit``).
"""

from glassbox.fairness.metric_frame import MetricFrame
from glassbox.fairness.metrics import (
    calibration_by_group,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    mean_prediction,
    positive_predictive_value,
    predictive_parity_difference,
    predictive_parity_ratio,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from glassbox.fairness.postprocessing import ThresholdOptimizer
from glassbox.fairness.preprocessing import Reweighing, reweighing_weights
from glassbox.fairness.reductions import ExponentiatedGradient

__all__ = [
    "MetricFrame", "selection_rate", "true_positive_rate", "false_positive_rate",
    "true_negative_rate", "false_negative_rate", "positive_predictive_value", "count",
    "mean_prediction", "demographic_parity_difference", "demographic_parity_ratio",
    "equalized_odds_difference", "equalized_odds_ratio", "equal_opportunity_difference",
    "equal_opportunity_ratio", "predictive_parity_difference", "predictive_parity_ratio",
    "calibration_by_group", "Reweighing", "reweighing_weights", "ThresholdOptimizer",
    "ExponentiatedGradient",
]
