"""cross_val_score, cross_validate, GridSearchCV and nested CV agree with scikit-learn."""

import numpy as np
import pytest
import sklearn.model_selection as skms
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

import glassbox.learn.model_selection as gbms
from glassbox.learn.neighbors import KNeighborsClassifier as GlassboxKNN
from glassbox.learn.tree import DecisionTreeClassifier as GlassboxTree


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X[::2], y[::2]  # 285 samples keep the searches quick


def _fixed_splits(y, n_splits=4, seed=0):
    """(train, test) pairs both libraries receive, so only the search logic differs."""
    return list(skms.StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(y, y))


@pytest.mark.parametrize("scoring", [None, "accuracy", "f1_macro", "recall_weighted",
                                     "roc_auc_ovr", "neg_log_loss", "balanced_accuracy"])
def test_cross_val_score_equal(iris, scoring):
    X, y = iris
    model = KNeighborsClassifier(n_neighbors=7)
    ours = gbms.cross_val_score(model, X, y, cv=5, scoring=scoring)
    theirs = skms.cross_val_score(model, X, y, cv=5, scoring=scoring)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_cross_validate_binary_scorers_and_train_scores(cancer):
    X, y = cancer
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1))
    scoring = ["accuracy", "precision", "recall", "f1", "roc_auc"]
    ours = gbms.cross_validate(model, X, y, cv=_fixed_splits(y), scoring=scoring,
                               return_train_score=True, return_indices=True)
    theirs = skms.cross_validate(model, X, y, cv=_fixed_splits(y), scoring=scoring,
                                 return_train_score=True, return_indices=True)
    assert set(ours) == set(theirs)
    for key in theirs:
        if key.startswith(("test_", "train_")):
            np.testing.assert_allclose(ours[key], theirs[key], rtol=0, atol=1e-12)
    assert all((a == b).all() for a, b in zip(ours["indices"]["test"], theirs["indices"]["test"]))
    assert np.all(ours["fit_time"] > 0)


GRIDS = [
    (KNeighborsClassifier(),
     {"n_neighbors": [1, 3, 5, 9, 15], "weights": ["uniform", "distance"]}),
    (DecisionTreeClassifier(random_state=0),
     [{"max_depth": [1, 2, 3, None]}, {"min_samples_leaf": [1, 5], "criterion": ["entropy"]}]),
    (make_pipeline(StandardScaler(), LogisticRegression()),
     {"logisticregression__C": [0.01, 0.1, 1, 10]}),
    # glassbox's own estimators inside both searches
    (GlassboxKNN(), {"n_neighbors": [1, 5, 15]}),
    (GlassboxTree(random_state=0), {"max_depth": [2, 4], "criterion": ["gini", "entropy"]}),
]


@pytest.mark.parametrize("estimator, param_grid", GRIDS)
@pytest.mark.parametrize("scoring", [None, "f1_macro"])
def test_grid_search_equal_to_sklearn_given_same_splits(iris, estimator, param_grid, scoring):
    X, y = iris
    ours = gbms.GridSearchCV(estimator, param_grid, cv=_fixed_splits(y), scoring=scoring,
                             return_train_score=True).fit(X, y)
    theirs = skms.GridSearchCV(estimator, param_grid, cv=_fixed_splits(y), scoring=scoring,
                               return_train_score=True).fit(X, y)
    assert ours.best_params_ == theirs.best_params_
    assert ours.best_index_ == theirs.best_index_
    assert ours.best_score_ == pytest.approx(theirs.best_score_, abs=1e-12)
    assert ours.n_splits_ == theirs.n_splits_
    ours_keys = {k for k in ours.cv_results_ if "time" not in k}
    assert ours_keys == {k for k in theirs.cv_results_ if "time" not in k}
    for key in ours_keys:
        a, b = ours.cv_results_[key], theirs.cv_results_[key]
        if key == "params":
            assert a == b
        elif key.startswith("param_"):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a.mask, b.mask)
            assert a.compressed().tolist() == b.compressed().tolist()
        else:
            assert a.dtype == b.dtype, key
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12, err_msg=key)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-12)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), abs=1e-12)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)


def test_grid_search_multimetric_refit_by_name(cancer):
    X, y = cancer
    grid = {"n_neighbors": [1, 5, 25]}
    scoring = {"acc": "accuracy", "auc": "roc_auc"}
    ours = gbms.GridSearchCV(KNeighborsClassifier(), grid, scoring=scoring, refit="auc",
                             cv=_fixed_splits(y)).fit(X, y)
    theirs = skms.GridSearchCV(KNeighborsClassifier(), grid, scoring=scoring, refit="auc",
                               cv=_fixed_splits(y)).fit(X, y)
    assert ours.best_params_ == theirs.best_params_
    for key in ("mean_test_acc", "mean_test_auc", "rank_test_acc", "rank_test_auc"):
        np.testing.assert_allclose(ours.cv_results_[key], theirs.cv_results_[key], atol=1e-12)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), abs=1e-12)
    with pytest.raises(ValueError, match="refit must be set to a scorer key"):
        gbms.GridSearchCV(KNeighborsClassifier(), grid, scoring=scoring).fit(X, y)


def test_grid_search_refit_false_and_integer_cv(iris):
    X, y = iris
    grid = {"max_depth": [1, 3]}
    ours = gbms.GridSearchCV(DecisionTreeClassifier(random_state=0), grid, cv=3,
                             refit=False).fit(X, y)
    theirs = skms.GridSearchCV(DecisionTreeClassifier(random_state=0), grid, cv=3,
                               refit=False).fit(X, y)
    assert ours.best_params_ == theirs.best_params_
    assert not hasattr(ours, "best_estimator_")
    # as in scikit-learn: hasattr is False, and the cause names refit=False
    assert hasattr(ours, "predict") is hasattr(theirs, "predict") is False
    with pytest.raises(AttributeError, match="has no attribute 'predict'") as error:
        ours.predict(X)
    assert "refit=False" in str(error.value.__cause__)


def test_nested_cross_validation_equals_sklearn_composition(iris):
    X, y = iris
    grid = {"n_neighbors": [1, 5, 15, 30]}
    ours = gbms.nested_cross_val_score(KNeighborsClassifier(), grid, X, y, inner_cv=4,
                                       outer_cv=5, scoring="f1_macro")
    theirs = skms.cross_validate(
        skms.GridSearchCV(KNeighborsClassifier(), grid, cv=4, scoring="f1_macro"), X, y,
        cv=5, scoring="f1_macro", return_estimator=True)
    np.testing.assert_allclose(ours["test_score"], theirs["test_score"], rtol=0, atol=1e-12)
    assert ours["best_params"] == [search.best_params_ for search in theirs["estimator"]]
    np.testing.assert_allclose(ours["inner_best_score"],
                               [search.best_score_ for search in theirs["estimator"]])


def test_parameter_grid_matches_sklearn_and_rejects_bad_grids():
    grid = [{"b": [1, 2], "a": ["x", "y", "z"]}, {}, {"c": np.array([0.1, 0.2])}]
    ours, theirs = gbms.ParameterGrid(grid), skms.ParameterGrid(grid)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs) == 9
    assert [ours[i] for i in range(9)] == [theirs[i] for i in range(9)]
    with pytest.raises(TypeError, match="needs to be a list or a numpy array"):
        gbms.ParameterGrid({"C": 1.0})
    with pytest.raises(ValueError, match="non-empty sequence"):
        gbms.ParameterGrid({"C": []})


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_fit_failures_score_error_score_with_warning(iris):
    X, y = iris
    from sklearn.exceptions import FitFailedWarning
    grid = {"n_neighbors": [5, 1000]}  # more neighbours than samples fails to predict
    with pytest.warns(FitFailedWarning):
        search = gbms.GridSearchCV(DecisionTreeClassifier(), {"max_depth": [2, -1]},
                                   cv=3).fit(X, y)
    assert np.isnan(search.cv_results_["mean_test_score"][1])
    assert search.best_params_ == {"max_depth": 2}
    with pytest.raises(ValueError):
        gbms.GridSearchCV(KNeighborsClassifier(), grid, cv=3, error_score="raise").fit(X, y)


def test_our_grid_search_clones_inside_sklearn_cross_validation(iris):
    """Our GridSearchCV is a proper estimator: sklearn can clone and cross-validate it."""
    X, y = iris
    grid = {"n_neighbors": [1, 9]}
    ours = skms.cross_val_score(gbms.GridSearchCV(GlassboxKNN(), grid, cv=3), X, y, cv=4)
    theirs = skms.cross_val_score(skms.GridSearchCV(KNeighborsClassifier(), grid, cv=3), X, y,
                                  cv=4)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
