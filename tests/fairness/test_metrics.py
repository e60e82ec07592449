"""glassbox.fairness metrics and MetricFrame equal fairlearn's (1e-12) on Hypothesis data."""

import math

import fairlearn.metrics as flm
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve
from sklearn.metrics import precision_score

import glassbox.fairness as gbf

TOL = 1e-12
RATES = ["selection_rate", "true_positive_rate", "false_positive_rate", "true_negative_rate",
         "false_negative_rate", "count"]
DISPARITIES = ["demographic_parity_difference", "demographic_parity_ratio",
               "equal_opportunity_difference", "equal_opportunity_ratio",
               "equalized_odds_difference", "equalized_odds_ratio"]


def close(a, b):
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= TOL


@st.composite
def audits(draw):
    """Binary labels and predictions, 1 or 2 sensitive features, maybe sample weights."""
    n = draw(st.integers(4, 40))
    y_true = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    y_pred = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    first = np.array(draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n)))
    if draw(st.booleans()):
        second = np.array(draw(st.lists(st.sampled_from([1, 2]), min_size=n, max_size=n)))
        features = {"race": first, "sex": second}
    else:
        features = first
    weight = None
    if draw(st.booleans()):
        weight = np.array(draw(st.lists(st.floats(0.1, 5.0), min_size=n, max_size=n)))
    return y_true, y_pred, features, weight


@given(audits())
@settings(max_examples=40)
def test_metric_frame_equals_fairlearn(case):
    y_true, y_pred, features, weight = case
    metrics = {name: getattr(gbf, name) for name in RATES}
    twin_metrics = {name: getattr(flm, name) for name in RATES}
    params = {name: {"sample_weight": weight} for name in RATES if name != "count"}
    ours = gbf.MetricFrame(metrics=metrics, y_true=y_true, y_pred=y_pred,
                           sensitive_features=features, sample_params=params)
    twin_params = {k: v for k, v in params.items() if weight is not None}
    twin = flm.MetricFrame(metrics=twin_metrics, y_true=y_true, y_pred=y_pred,
                           sensitive_features=pd.DataFrame(features)
                           if isinstance(features, dict) else features,
                           sample_params=twin_params or None)
    for name in RATES:
        assert close(ours.overall[name], twin.overall[name]), name
        expected = twin.by_group[name].to_dict()
        assert set(ours.by_group[name]) == set(expected), name
        for group, value in expected.items():
            assert close(ours.by_group[name][group], value), (name, group)
        assert close(ours.group_min()[name], twin.group_min()[name])
        assert close(ours.group_max()[name], twin.group_max()[name])
        for method in ("between_groups", "to_overall"):
            assert close(ours.difference(method=method)[name],
                         twin.difference(method=method)[name]), (name, method)
            assert close(ours.ratio(method=method)[name],
                         twin.ratio(method=method)[name]), (name, method)


@given(audits(), st.sampled_from(["between_groups", "to_overall"]))
@settings(max_examples=40)
def test_disparities_equal_fairlearn(case, method):
    y_true, y_pred, features, weight = case
    twin_features = pd.DataFrame(features) if isinstance(features, dict) else features
    for name in DISPARITIES:
        options = [{}] if "odds" not in name else [{"agg": "worst_case"}, {"agg": "mean"}]
        for extra in options:
            ours = getattr(gbf, name)(y_true, y_pred, sensitive_features=features,
                                      method=method, sample_weight=weight, **extra)
            twin = getattr(flm, name)(y_true, y_pred, sensitive_features=twin_features,
                                      method=method, sample_weight=weight, **extra)
            assert close(ours, twin), (name, extra, ours, twin)


@given(audits())
@settings(max_examples=25)
def test_predictive_parity_is_precision_by_group(case):
    y_true, y_pred, features, weight = case
    twin_features = pd.DataFrame(features) if isinstance(features, dict) else features
    twin = flm.MetricFrame(
        metrics=lambda t, p, **kw: precision_score(t, p, zero_division=0, **kw),
        y_true=y_true, y_pred=y_pred, sensitive_features=twin_features,
        sample_params=None if weight is None else {"sample_weight": weight})
    ours = gbf.MetricFrame(metrics=gbf.positive_predictive_value, y_true=y_true,
                           y_pred=y_pred, sensitive_features=features,
                           sample_params={"sample_weight": weight})
    for group, value in twin.by_group.to_dict().items():
        assert close(ours.by_group[group], value), group
    assert close(gbf.predictive_parity_difference(
        y_true, y_pred, sensitive_features=features, sample_weight=weight), twin.difference())
    assert close(gbf.predictive_parity_ratio(
        y_true, y_pred, sensitive_features=features, sample_weight=weight), twin.ratio())


def test_group_without_positives_matches_fairlearn():
    # Group "b" has no positive: its TPR is 0.0 in fairlearn (scikit-learn's convention).
    y_true, y_pred = [0, 1, 1, 0, 0, 0], [1, 1, 0, 1, 1, 0]
    groups = list("aaaabb")
    ours = gbf.MetricFrame(metrics=gbf.true_positive_rate, y_true=y_true, y_pred=y_pred,
                           sensitive_features=groups)
    twin = flm.MetricFrame(metrics=flm.true_positive_rate, y_true=y_true, y_pred=y_pred,
                           sensitive_features=groups)
    assert ours.by_group == twin.by_group.to_dict()
    assert ours.difference() == twin.difference()


def test_calibration_by_group_is_sklearn_curve_per_group():
    rng = np.random.default_rng(0)
    prob = rng.uniform(size=300)
    y = (rng.uniform(size=300) < prob).astype(int)
    groups = rng.choice(["x", "y"], size=300)
    curves = gbf.calibration_by_group(y, prob, sensitive_features=groups, n_bins=4)
    for group in ("x", "y"):
        expected = calibration_curve(y[groups == group], prob[groups == group], n_bins=4)
        np.testing.assert_array_equal(curves[group][0], expected[0])
        np.testing.assert_array_equal(curves[group][1], expected[1])


@pytest.mark.parametrize("bad, message", [
    (dict(y_true=[0, 1, 2], y_pred=[0, 1, 1]), "binary"),
    (dict(y_true=[0, 1], y_pred=[0, 1, 1]), "lengths"),
    (dict(y_true=["no", "yes"], y_pred=["no", "no"]), "pos_label"),
])
def test_bad_labels_raise_value_error_like_fairlearn(bad, message):
    with pytest.raises(ValueError, match=message):
        gbf.true_positive_rate(**bad)
    with pytest.raises(ValueError):
        flm.true_positive_rate(**bad)


def test_missing_sensitive_value_raises_value_error_like_fairlearn():
    features = np.array(["a", None, "b"], dtype=object)
    with pytest.raises(ValueError, match="missing"):
        gbf.MetricFrame(metrics=gbf.selection_rate, y_true=[0, 1, 1], y_pred=[0, 1, 1],
                        sensitive_features=features)
    with pytest.raises(ValueError):
        flm.MetricFrame(metrics=flm.selection_rate, y_true=[0, 1, 1], y_pred=[0, 1, 1],
                        sensitive_features=features)
