"""scikit-learn's own API conformance checks, run on glassbox's tree and forest."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from glassbox.learn.ensemble import RandomForestClassifier
from glassbox.learn.tree import DecisionTreeClassifier

# Small forests keep the ~50 checks fast; every check still fits and predicts for real.
ESTIMATORS = [
    DecisionTreeClassifier(random_state=0),
    RandomForestClassifier(n_estimators=5, random_state=0),
]

# Checks we expect to fail, with the reason (scikit-learn marks the same ones for its
# own estimators in sklearn/utils/_test_common/instance_generator.py).
EXPECTED_FAILED = {
    "RandomForestClassifier": {
        "check_sample_weight_equivalence_on_dense_data": (
            "a bootstrap draws rows in proportion to their weight, so weight 2 and a "
            "duplicated row give different random samples (scikit-learn xfails it too)"
        ),
    },
}


def expected_failed_checks(estimator):
    return EXPECTED_FAILED.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
