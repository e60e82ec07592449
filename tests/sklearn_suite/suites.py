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

# scikit-learn test functions (or one parametrised case of one, "name[case id part]") that
# exercise what glassbox does not claim; each ends in "other" and is counted apart as
# "not claimed" by survey.py, with the reason.
NOT_CLAIMED = {
    # scikit-learn 1.9's experimental callbacks API: glassbox's estimators have no
    # set_callbacks (AttributeError if called directly; scikit-learn's own meta-estimators
    # then warn "does not support callbacks" and go on without them, which a raising
    # set_callbacks would break)
    "test_search_callbacks_receive_sample_weight": "callbacks (experimental API)",
    "test_search_callbacks_with_partial_fit_failures": "callbacks (experimental API)",
    "test_logistic_regression_callback_support": "callbacks (experimental API)",
    "test_logistic_regression_callback_fitted_estimator": "callbacks (experimental API)",
    "test_logistic_regression_callback_support_warning": "callbacks (experimental API)",
    "test_search_html_repr": "HTML repr details",
    # ends with a multilabel y_true, which glassbox's roc_auc_score refuses
    "test_roc_curve_toydata": "multilabel input (refused)",
    # private methods and Cython internals, not API
    "test_logreg_predict_proba_multinomial": "private _predict_proba_lr (one-vs-rest)",
    "test_build_pruned_tree_py": "scikit-learn's Cython _build_pruned_tree_py on tree_",
    "test_build_pruned_tree_infinite_loop": "scikit-learn's Cython _build_pruned_tree_py",
    "test_validate_y_class_weight": "private _validate_y_class_weight (the behaviour, "
                                    "balanced weights from sample-weight totals, is tested "
                                    "in tests/learn_tree/test_forest_parity.py)",
    # glassbox grows node lists and never pre-allocates max_leaf_nodes nodes: the fit of
    # 10 samples with max_leaf_nodes=2**63-1 succeeds instead of raising MemoryError
    "test_huge_allocations": "no pre-allocation, so no MemoryError to raise",
}


def not_claimed_reason(case_id):
    """The NOT_CLAIMED reason of a case id ``module::function[params]``, or None."""
    name = case_id.split("::", 1)[1]
    return NOT_CLAIMED.get(name.split("[", 1)[0]) or NOT_CLAIMED.get(name)
