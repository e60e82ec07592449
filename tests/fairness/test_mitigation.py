"""Reweighing, ThresholdOptimizer and ExponentiatedGradient against fairlearn and the math."""

import fairlearn.postprocessing as flp
import fairlearn.reductions as flr
import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from glassbox.fairness import (
    ExponentiatedGradient,
    Reweighing,
    ThresholdOptimizer,
    reweighing_weights,
)
from glassbox.lab.ethics import compas_split
from glassbox.learn.linear_model import LogisticRegression

DISPARITY = {"demographic_parity": demographic_parity_difference,
             "equalized_odds": equalized_odds_difference}
TWIN_MOMENT = {"demographic_parity": flr.DemographicParity, "equalized_odds": flr.EqualizedOdds}


@pytest.fixture(scope="module")
def compas():
    return compas_split(seed=0)


class FirstColumnScore(ClassifierMixin, BaseEstimator):
    """A 'model' whose score is the first feature: the optimisers see fixed scores."""

    def fit(self, X, y):
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        X = np.asarray(X, dtype=float)
        return np.column_stack([1 - X[:, 0], X[:, 0]])


@given(st.lists(st.tuples(st.integers(0, 1), st.sampled_from("ab"), st.integers(0, 3)),
                min_size=4, max_size=60))
@settings(max_examples=40)
def test_reweighing_weights_are_the_closed_form(rows):
    y = np.array([r[0] for r in rows])
    a = np.array([r[1] for r in rows])
    weight = reweighing_weights(y, a)
    frame = pd.DataFrame({"a": a, "y": y})
    p_a = frame["a"].map(frame["a"].value_counts(normalize=True))
    p_y = frame["y"].map(frame["y"].value_counts(normalize=True))
    p_ay = frame.groupby(["a", "y"])["y"].transform("size") / len(frame)
    np.testing.assert_allclose(weight, p_a * p_y / p_ay, rtol=1e-12)


@given(st.lists(st.tuples(st.integers(0, 1), st.sampled_from("ab")), min_size=4, max_size=60))
@settings(max_examples=40)
def test_reweighing_makes_label_and_group_independent(rows):
    y = np.array([r[0] for r in rows])
    a = np.array([r[1] for r in rows])
    # every (group, label) cell must be present for its weight to be defined
    assume(len(set(rows)) == 4)
    weight = reweighing_weights(y, a)
    for group in np.unique(a):
        rows_a = a == group
        rate = weight[rows_a & (y == 1)].sum() / weight[rows_a].sum()
        assert rate == pytest.approx(y.mean(), abs=1e-12)


def test_reweighing_fits_the_estimator_with_those_weights(compas):
    X, y, a = compas["X_train"], compas["y_train"], compas["race_train"]
    model = Reweighing(LogisticRegression()).fit(X, y, sensitive_features=a)
    direct = LogisticRegression().fit(X, y, sample_weight=reweighing_weights(y, a))
    np.testing.assert_array_equal(model.predict_proba(compas["X_test"]),
                                  direct.predict_proba(compas["X_test"]))


@given(st.lists(st.tuples(st.integers(0, 1), st.sampled_from("abc"),
                          st.integers(0, 8)), min_size=12, max_size=80),
       st.sampled_from(["demographic_parity", "equalized_odds"]))
@settings(max_examples=30)
def test_threshold_optimizer_pmf_equals_fairlearn(rows, constraints):
    y = np.array([r[0] for r in rows])
    a = np.array([r[1] for r in rows])
    X = np.array([[r[2] / 8.0] for r in rows])  # scores with ties
    for group in np.unique(a):
        assume(len(np.unique(y[a == group])) == 2)
    ours = ThresholdOptimizer(FirstColumnScore(), constraints, grid_size=200)
    twin = flp.ThresholdOptimizer(estimator=FirstColumnScore(), constraints=constraints,
                                  grid_size=200, predict_method="predict_proba")
    ours.fit(X, y, sensitive_features=a)
    twin.fit(X, y, sensitive_features=a)
    np.testing.assert_allclose(ours.predict_proba(X, sensitive_features=a)[:, 1],
                               twin._pmf_predict(X, sensitive_features=a)[:, 1], atol=1e-12)


@pytest.mark.parametrize("constraints", ["demographic_parity", "equalized_odds"])
def test_threshold_optimizer_on_compas_beside_fairlearn(compas, constraints):
    X, y, a = compas["X_train"], compas["y_train"], compas["race_train"]
    X_test, y_test, a_test = compas["X_test"], compas["y_test"], compas["race_test"]
    ours = ThresholdOptimizer(LogisticRegression(), constraints, random_state=0)
    ours.fit(X, y, sensitive_features=a)
    twin = flp.ThresholdOptimizer(estimator=LogisticRegression(), constraints=constraints,
                                  predict_method="predict_proba").fit(X, y, sensitive_features=a)
    ours_pred = ours.predict(X_test, sensitive_features=a_test)
    twin_pred = twin.predict(X_test, sensitive_features=a_test, random_state=0)
    disparity = DISPARITY[constraints]
    ours_gap = disparity(y_test, ours_pred, sensitive_features=a_test)
    twin_gap = disparity(y_test, twin_pred, sensitive_features=a_test)
    assert ours_gap <= twin_gap + 0.01
    assert abs((ours_pred == y_test).mean() - (twin_pred == y_test).mean()) <= 0.01
    # and it lowers the disparity of the unconstrained model
    plain = LogisticRegression().fit(X, y).predict(X_test)
    assert ours_gap < disparity(y_test, plain, sensitive_features=a_test)


@pytest.mark.parametrize("constraints", ["demographic_parity", "equalized_odds"])
def test_exponentiated_gradient_on_compas_beside_fairlearn(compas, constraints):
    X, y, a = compas["X_train"], compas["y_train"], compas["race_train"]
    X_test, y_test, a_test = compas["X_test"], compas["y_test"], compas["race_test"]
    ours = ExponentiatedGradient(LogisticRegression(), constraints, random_state=0)
    ours.fit(X, y, sensitive_features=a)
    twin = flr.ExponentiatedGradient(LogisticRegression(), TWIN_MOMENT[constraints]())
    twin.fit(X, y, sensitive_features=a)
    # Same game, same moves: the same mixture of the same classifiers.
    assert len(ours.predictors_) == len(twin.predictors_)
    np.testing.assert_allclose(ours.weights_, twin.weights_.to_numpy(), atol=1e-9)
    np.testing.assert_allclose(ours.predict_proba(X_test)[:, 1],
                               twin._pmf_predict(X_test)[:, 1], atol=1e-9)
    ours_pred, twin_pred = ours.predict(X_test), twin.predict(X_test, random_state=0)
    disparity = DISPARITY[constraints]
    ours_gap = disparity(y_test, ours_pred, sensitive_features=a_test)
    assert ours_gap <= disparity(y_test, twin_pred, sensitive_features=a_test) + 0.01
    assert abs((ours_pred == y_test).mean() - (twin_pred == y_test).mean()) <= 0.01
    plain = LogisticRegression().fit(X, y).predict(X_test)
    assert ours_gap < disparity(y_test, plain, sensitive_features=a_test)


def test_mitigators_follow_the_estimator_api(compas):
    X, y, a = compas["X_train"][:600], compas["y_train"][:600], compas["race_train"][:600]
    for mitigator in (Reweighing(LogisticRegression(C=0.5)),
                      ThresholdOptimizer(LogisticRegression(C=0.5), grid_size=50),
                      ExponentiatedGradient(LogisticRegression(C=0.5), max_iter=10)):
        copy = clone(mitigator)
        assert copy.get_params()["estimator__C"] == 0.5
        copy.set_params(estimator__C=2.0)
        assert copy.estimator.C == 2.0 and mitigator.estimator.C == 0.5
        pipe = Pipeline([("scale", StandardScaler()), ("fair", clone(mitigator))])
        pipe.fit(X, y, fair__sensitive_features=a)
        extra = {"sensitive_features": a} if isinstance(mitigator, ThresholdOptimizer) else {}
        prediction = pipe.predict(X, **extra)
        assert set(np.unique(prediction)) <= {0, 1} and len(prediction) == len(y)


def test_bad_constraints_and_labels_raise_value_error(compas):
    X, a = compas["X_train"][:50], compas["race_train"][:50]
    with pytest.raises(ValueError, match="constraints must be"):
        ThresholdOptimizer(LogisticRegression(), "parity").fit(
            X, compas["y_train"][:50], sensitive_features=a)
    with pytest.raises(ValueError, match="labels in"):
        ExponentiatedGradient(LogisticRegression()).fit(
            X, np.arange(50) % 3, sensitive_features=a)


def test_any_glassbox_classifier_inside_same_as_fairlearn(compas):
    """Trees and forests (their sample_weight paths) work inside the mitigators too."""
    from glassbox.learn.ensemble import RandomForestClassifier
    from glassbox.learn.tree import DecisionTreeClassifier

    X, y, a = compas["X_train"][:1500], compas["y_train"][:1500], compas["race_train"][:1500]
    X_test, a_test = compas["X_test"], compas["race_test"]
    tree = DecisionTreeClassifier(max_depth=3, random_state=0)
    ours = ExponentiatedGradient(tree, "equalized_odds").fit(X, y, sensitive_features=a)
    twin = flr.ExponentiatedGradient(tree, flr.EqualizedOdds()).fit(X, y, sensitive_features=a)
    np.testing.assert_allclose(ours.predict_proba(X_test)[:, 1],
                               twin._pmf_predict(X_test)[:, 1], atol=1e-9)
    forest = RandomForestClassifier(n_estimators=10, min_samples_leaf=5, random_state=0)
    ours = ThresholdOptimizer(forest, "equalized_odds").fit(X, y, sensitive_features=a)
    twin = flp.ThresholdOptimizer(estimator=forest, constraints="equalized_odds",
                                  predict_method="predict_proba").fit(X, y, sensitive_features=a)
    np.testing.assert_allclose(ours.predict_proba(X_test, sensitive_features=a_test)[:, 1],
                               twin._pmf_predict(X_test, sensitive_features=a_test)[:, 1],
                               atol=1e-12)
