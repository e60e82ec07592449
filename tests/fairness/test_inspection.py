"""glassbox.learn.inspection.permutation_importance is scikit-learn's, number for number."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.inspection import permutation_importance as sk_permutation_importance
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from glassbox.learn.ensemble import RandomForestClassifier
from glassbox.learn.inspection import permutation_importance
from glassbox.learn.linear_model import LogisticRegression


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 4))
    y = (X[:, 0] - 0.5 * X[:, 2] + 0.3 * rng.normal(size=150) > 0).astype(int)
    return X, y


@given(st.integers(0, 10_000), st.integers(1, 4), st.sampled_from([None, "roc_auc"]),
       st.sampled_from([1.0, 0.5, 40]), st.booleans())
@settings(max_examples=25)
def test_equals_sklearn_for_the_same_random_state(data, seed, n_repeats, scoring,
                                                  max_samples, weighted):
    X, y = data
    model = LogisticRegression().fit(X, y)
    weight = np.linspace(0.5, 2.0, len(y)) if weighted else None
    options = dict(scoring=scoring, n_repeats=n_repeats, random_state=seed,
                   sample_weight=weight, max_samples=max_samples)
    ours = permutation_importance(model, X, y, **options)
    twin = sk_permutation_importance(model, X, y, **options)
    np.testing.assert_array_equal(ours.importances, twin.importances)
    np.testing.assert_array_equal(ours.importances_mean, twin.importances_mean)
    np.testing.assert_array_equal(ours.importances_std, twin.importances_std)


def test_forest_and_random_state_instance(data):
    X, y = data
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    ours = permutation_importance(forest, X, y, random_state=np.random.RandomState(3))
    twin = sk_permutation_importance(forest, X, y, random_state=np.random.RandomState(3))
    np.testing.assert_array_equal(ours.importances, twin.importances)
    # the features that make y matter, the noise features do not
    assert ours.importances_mean[0] > 0.1 and ours.importances_mean[2] > 0.02
    assert abs(ours.importances_mean[1]) < 0.05


def test_bad_arguments(data):
    X, y = data
    model = SkLogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="n_repeats"):
        permutation_importance(model, X, y, n_repeats=0)
    with pytest.raises(ValueError, match="max_samples"):
        permutation_importance(model, X, y, max_samples=1000)
