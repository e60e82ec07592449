"""Bad input to the tree and the forest: the same exception type and message as sklearn."""

import numpy as np
import pytest
import sklearn.ensemble as sk_ensemble
import sklearn.tree as sk_tree
from sklearn.exceptions import NotFittedError

from glassbox.learn.ensemble import RandomForestClassifier
from glassbox.learn.tree import DecisionTreeClassifier, export_text

PAIRS = [
    (DecisionTreeClassifier, sk_tree.DecisionTreeClassifier),
    (RandomForestClassifier, sk_ensemble.RandomForestClassifier),
]
X = np.random.default_rng(0).normal(size=(20, 3))
y = np.arange(20) % 2


def raised(action):
    """(exception type, message) of what ``action()`` raises."""
    with pytest.raises(Exception) as info:
        action()
    return type(info.value), str(info.value)


def small(cls):
    return cls(n_estimators=3) if "Forest" in cls.__name__ else cls()


@pytest.mark.parametrize("ours, theirs", PAIRS)
@pytest.mark.parametrize(
    "bad_X, bad_y",
    [
        (X[:, 0], y),  # 1-D X: the message gives the reshape hint
        (X, y[:-1]),  # lengths differ
        (np.where(np.eye(20, 3) == 1, np.inf, X), y),  # infinity
        (np.empty((0, 3)), np.empty(0)),  # no samples
        (X, np.linspace(0, 1, 20)),  # continuous target for a classifier
    ],
    ids=["1d", "lengths", "inf", "empty", "continuous-y"],
)
def test_fit_errors_match_sklearn(ours, theirs, bad_X, bad_y):
    expected = raised(lambda: small(theirs).fit(bad_X, bad_y))
    assert raised(lambda: small(ours).fit(bad_X, bad_y)) == expected


@pytest.mark.parametrize("ours, theirs", PAIRS)
def test_predict_errors_match_sklearn(ours, theirs):
    fitted_ours, fitted_theirs = small(ours).fit(X, y), small(theirs).fit(X, y)
    for bad in (X[:, :2], X[0], np.full((2, 3), np.inf)):
        assert raised(lambda bad=bad: fitted_ours.predict(bad)) == raised(
            lambda bad=bad: fitted_theirs.predict(bad)
        )
    kind, message = raised(lambda: small(ours).predict(X))
    assert kind is NotFittedError and "not fitted yet" in message


@pytest.mark.parametrize("ours, theirs", PAIRS)
@pytest.mark.parametrize(
    "params",
    [
        {"max_depth": 0},
        {"min_samples_split": 1},
        {"min_samples_leaf": 0},
        {"min_samples_leaf": 1.5},
        {"max_features": "all"},
        {"criterion": "mse"},
        {"ccp_alpha": -1.0},
        {"max_leaf_nodes": 1},
    ],
)
def test_invalid_hyper_parameters_name_the_parameter_like_sklearn(ours, theirs, params):
    kind, message = raised(lambda: small(ours).set_params(**params).fit(X, y))
    expected_kind, expected_message = raised(lambda: small(theirs).set_params(**params).fit(X, y))
    assert kind is expected_kind and issubclass(kind, ValueError)
    # NOTE: not compared whole: a message lists allowed strings from a set, whose order
    # may differ between two equal sets
    name, value = next(iter(params.items()))
    assert f"The '{name}' parameter of {ours.__name__} must be" in message
    assert message.endswith(f"Got {value!r} instead.")
    assert expected_message.endswith(f"Got {value!r} instead.")


@pytest.mark.parametrize(
    "params",
    [{"n_estimators": 0}, {"max_samples": 0}, {"bootstrap": False, "oob_score": True},
     {"bootstrap": False, "max_samples": 5}],
)  # fmt: skip
def test_forest_parameter_errors_match_sklearn(params):
    ours = raised(lambda: RandomForestClassifier(**params).fit(X, y))
    assert ours == raised(lambda: sk_ensemble.RandomForestClassifier(**params).fit(X, y))


def test_monotonic_constraints_are_refused_clearly():
    with pytest.raises(NotImplementedError, match="monotonic_cst=None"):
        DecisionTreeClassifier(monotonic_cst=[1, 0, 0]).fit(X, y)


def test_export_text_errors_match_sklearn():
    ours = DecisionTreeClassifier(random_state=0).fit(X, y)
    theirs = sk_tree.DecisionTreeClassifier(random_state=0).fit(X, y)
    assert raised(lambda: export_text(ours, feature_names=["a"])) == raised(
        lambda: sk_tree.export_text(theirs, feature_names=["a"])
    )
    assert raised(lambda: export_text(ours, class_names=["a"])) == raised(
        lambda: sk_tree.export_text(theirs, class_names=["a"])
    )
    with pytest.raises(ValueError, match="spacing"):
        export_text(ours, spacing=0)
    with pytest.raises(NotFittedError):
        export_text(DecisionTreeClassifier())
