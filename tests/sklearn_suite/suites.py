"""Which scikit-learn test modules run against which glassbox objects."""

import glassbox.learn.metrics as gb_metrics
import glassbox.learn.model_selection as gb_ms
from glassbox.learn.decomposition import PCA
from glassbox.learn.ensemble import RandomForestClassifier
from glassbox.learn.linear_model import LinearRegression, LogisticRegression
from glassbox.learn.neighbors import KNeighborsClassifier
from glassbox.learn.tree import DecisionTreeClassifier

_METRICS = {name: getattr(gb_metrics, name) for name in gb_metrics.__all__
            if name != "get_scorer"}

SUITES = {
    "sklearn.tree.tests.test_tree": {
        "DecisionTreeClassifier": DecisionTreeClassifier,
        "CLF_TREES": {"DecisionTreeClassifier": DecisionTreeClassifier},
    },
    "sklearn.ensemble.tests.test_forest": {
        "RandomForestClassifier": RandomForestClassifier,
        "FOREST_CLASSIFIERS": {"RandomForestClassifier": RandomForestClassifier},
    },
    "sklearn.neighbors.tests.test_neighbors": {"KNeighborsClassifier": KNeighborsClassifier},
    "sklearn.linear_model.tests.test_logistic": {"LogisticRegression": LogisticRegression},
    "sklearn.linear_model.tests.test_base": {"LinearRegression": LinearRegression},
    "sklearn.decomposition.tests.test_pca": {"PCA": PCA},
    "sklearn.metrics.tests.test_classification": _METRICS,
    "sklearn.metrics.tests.test_ranking": _METRICS,
    "sklearn.metrics.tests.test_regression": _METRICS,
    "sklearn.model_selection.tests.test_split": {
        name: getattr(gb_ms, name) for name in ("KFold", "StratifiedKFold", "check_cv",
                                                 "train_test_split", "ParameterGrid")},
    "sklearn.model_selection.tests.test_validation": {
        "cross_val_score": gb_ms.cross_val_score, "cross_validate": gb_ms.cross_validate,
        "KFold": gb_ms.KFold, "StratifiedKFold": gb_ms.StratifiedKFold},
    "sklearn.model_selection.tests.test_search": {
        "GridSearchCV": gb_ms.GridSearchCV, "ParameterGrid": gb_ms.ParameterGrid},
}
