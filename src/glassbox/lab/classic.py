"""Four classical classifiers chosen by nested cross-validation and judged on the course's criteria.

Course sections 1.1-1.3: logistic regression, k nearest neighbours, a decision tree and a
random forest, on breast_cancer (2 classes) and digits (10 classes). Each model's
hyper-parameters are tuned by grid search in an inner k-fold loop, and the whole
"tune, then fit" procedure is scored in an outer k-fold loop (nested cross-validation),
on the training part only. The tuned models are then refitted on the training part and
measured once on the held-out test part: accuracy, precision, recall, specificity, F1
(macro/micro/weighted), ROC AUC, ROC curves and confusion matrices, and the four
selection criteria of section 1.1 -- training speed, storage (model size in bytes),
accuracy on new data, interpretability -- beside the same models from scikit-learn.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from glassbox.data import load_breast_cancer, load_digits
from glassbox.lab.runner import LabContext
from glassbox.learn import metrics
from glassbox.learn.model_selection import GridSearchCV, nested_cross_val_score, train_test_split

NAME = "classic"
TITLE = "Classical ML: nested cross-validation, metrics and the four selection criteria"
SECTION = "1.1-1.3 Classical machine learning, cross-validation and evaluation metrics"

MODELS = ("logistic_regression", "knn", "decision_tree", "random_forest")
LABELS = {"logistic_regression": "Logistic regression", "knn": "k nearest neighbours",
          "decision_tree": "Decision tree", "random_forest": "Random forest"}

# Where each model's class lives: glassbox's module, scikit-learn's twin module, class name.
_CLASSES = {
    "logistic_regression": ("glassbox.learn.linear_model", "sklearn.linear_model",
                            "LogisticRegression"),
    "knn": ("glassbox.learn.neighbors", "sklearn.neighbors", "KNeighborsClassifier"),
    "decision_tree": ("glassbox.learn.tree", "sklearn.tree", "DecisionTreeClassifier"),
    "random_forest": ("glassbox.learn.ensemble", "sklearn.ensemble", "RandomForestClassifier"),
}


def model_class(model: str, library: str) -> tuple[type, str]:
    """The class of ``model`` from ``library`` ("glassbox" or "sklearn"), and its origin.

    If glassbox's module is missing, scikit-learn's class stands in and the origin says
    so (the report shows it).
    """
    glassbox_module, sklearn_module, class_name = _CLASSES[model]
    if library == "glassbox":
        try:
            return getattr(importlib.import_module(glassbox_module), class_name), "glassbox"
        except (ImportError, AttributeError):
            pass
    origin = "sklearn" if library == "sklearn" else "sklearn (glassbox's not yet available)"
    return getattr(importlib.import_module(sklearn_module), class_name), origin


def build_estimator(model: str, library: str, seed: int) -> tuple[BaseEstimator, str]:
    """An unfitted estimator of ``model``: scaled (Pipeline) where distances/penalties need it.

    Logistic regression's L2 penalty and kNN's distances both treat every feature alike,
    so both are fitted on standardised features; trees split one feature at a time and
    need no scaling.
    """
    cls, origin = model_class(model, library)
    if model == "logistic_regression":
        estimator = Pipeline([("scaler", StandardScaler()),
                              ("logisticregression", cls(max_iter=1000))])
    elif model == "knn":
        estimator = Pipeline([("scaler", StandardScaler()), ("kneighborsclassifier", cls())])
    elif model == "decision_tree":
        estimator = cls(random_state=seed)
    else:
        estimator = cls(random_state=seed)
    return estimator, origin


def param_grid(model: str, quick: bool) -> dict[str, list]:
    """The small hyper-parameter grid searched for ``model`` (tiny in quick mode)."""
    if quick:
        return {
            "logistic_regression": {"logisticregression__C": [0.1, 1.0]},
            "knn": {"kneighborsclassifier__n_neighbors": [3, 7]},
            "decision_tree": {"max_depth": [3, None]},
            "random_forest": {"n_estimators": [15], "max_depth": [None, 6]},
        }[model]
    return {
        "logistic_regression": {"logisticregression__C": [0.01, 0.1, 1.0, 10.0, 100.0]},
        "knn": {"kneighborsclassifier__n_neighbors": [1, 3, 5, 9, 15],
                "kneighborsclassifier__weights": ["uniform", "distance"]},
        "decision_tree": {"max_depth": [3, 5, 8, None], "criterion": ["gini", "entropy"]},
        # NOTE: two candidates only: each costs 100 trees x (5 x 3 + 1) fits.
        "random_forest": {"n_estimators": [100], "max_depth": [None, 10]},
    }[model]


# ---------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------
def model_size_bytes(estimator: Any) -> int:
    """Storage a fitted model needs: the bytes of every array it learned (not pickle).

    Walks the fitted state (attributes that are not constructor arguments, the steps of
    a Pipeline, the trees of a forest, the node arrays of scikit-learn's Cython trees)
    and adds up ``nbytes``; each array is counted once.
    """
    seen: set[int] = set()
    alive: list[Any] = []  # NOTE: keeps temporaries alive so that their ids are not reused

    def walk(value: Any) -> int:
        if id(value) in seen:
            return 0
        seen.add(id(value))
        alive.append(value)
        if isinstance(value, np.ndarray):
            if value.dtype == object:
                return sum(walk(item) for item in value.ravel())
            return int(value.nbytes)
        if isinstance(value, (list, tuple)):
            return sum(walk(item) for item in value)
        if isinstance(value, dict):
            return sum(walk(item) for item in value.values())
        if isinstance(value, Pipeline):
            return sum(walk(step) for _, step in value.steps)
        if isinstance(value, BaseEstimator):
            constructor_args = set(value.get_params(deep=False))
            return sum(walk(item) for name, item in vars(value).items()
                       if name not in constructor_args)
        if type(value).__module__.startswith("sklearn.tree"):
            return walk(value.__getstate__())  # Cython Tree: its node and value arrays
        if hasattr(value, "__dict__") and not isinstance(value, type):
            return sum(walk(item) for item in vars(value).values())
        if hasattr(value, "__slots__"):
            return sum(walk(getattr(value, slot, None)) for slot in value.__slots__)
        return 0

    return walk(estimator)


def _best_of(repeats: int, function) -> float:
    """Shortest wall time of ``repeats`` calls (the least disturbed by other processes)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray, proba: np.ndarray,
                           classes: np.ndarray, positive: Any) -> dict[str, float]:
    """The course's metrics on held-out data (binary: class ``positive`` is "positive")."""
    binary = len(classes) == 2
    average = {"pos_label": positive, "average": "binary"} if binary else {"average": "macro"}
    if binary:
        positive_column = int(np.flatnonzero(classes == positive)[0])
        auc = metrics.roc_auc_score(y_true == positive, proba[:, positive_column])
    else:
        auc = metrics.roc_auc_score(y_true, proba, multi_class="ovr", average="macro")
    return {
        "accuracy": metrics.accuracy_score(y_true, y_pred),
        "precision": metrics.precision_score(y_true, y_pred, zero_division=0, **average),
        "recall": metrics.recall_score(y_true, y_pred, zero_division=0, **average),
        "specificity": metrics.specificity_score(y_true, y_pred, zero_division=0, **average),
        "f1_macro": metrics.f1_score(y_true, y_pred, average="macro"),
        "f1_micro": metrics.f1_score(y_true, y_pred, average="micro"),
        "f1_weighted": metrics.f1_score(y_true, y_pred, average="weighted"),
        "roc_auc": float(auc),
    }


def _final_step(estimator: Any) -> Any:
    return estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator


def interpretability(model: str, estimator: Any) -> str:
    """What a person can read in the fitted model (section 1.1's fourth criterion)."""
    final = _final_step(estimator)
    if model == "logistic_regression":
        return f"high: {final.coef_.size} signed weights, one per feature and class"
    if model == "decision_tree":
        return (f"high: if-then rules, depth {final.get_depth()}, "
                f"{final.get_n_leaves()} leaves")
    if model == "random_forest":
        return f"low: a vote of {len(final.estimators_)} trees (feature importances only)"
    return f"low: no model, it stores all {final.n_samples_fit_} training samples"


def _json_safe(value: Any) -> Any:
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------
def _roc_figure(curves: dict[str, tuple[np.ndarray, np.ndarray, float]], title: str):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    for label, (fpr, tpr, auc) in curves.items():
        ax.plot(fpr, tpr, label=f"{label} (AUC {auc:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="chance (AUC 0.5)")
    ax.set(xlabel="false positive rate FP / (FP + TN)",
           ylabel="true positive rate TP / (TP + FN)", title=title)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def _macro_roc(y_true: np.ndarray, proba: np.ndarray, classes: np.ndarray):
    """One-vs-rest ROC of every class, averaged: mean TPR on a common FPR grid."""
    grid = np.linspace(0, 1, 201)
    tprs = []
    for column, label in enumerate(classes):
        fpr, tpr, _ = metrics.roc_curve(y_true == label, proba[:, column])
        tprs.append(np.interp(grid, fpr, tpr))
    mean_tpr = np.mean(tprs, axis=0)
    mean_tpr[0] = 0.0
    return grid, mean_tpr


def _confusion_figure(matrices: dict[str, np.ndarray], class_names: list[str], title: str):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(matrices), figsize=(3.6 * len(matrices), 3.6))
    small = len(class_names) <= 3
    for ax, (label, cm) in zip(np.atleast_1d(axes), matrices.items()):
        ax.imshow(cm, cmap="Blues")
        ax.set_title(label, fontsize=9)
        ticks = np.arange(len(class_names))
        ax.set_xticks(ticks, class_names, rotation=45 if small else 0, fontsize=7)
        ax.set_yticks(ticks, class_names, fontsize=7)
        ax.set_xlabel("predicted", fontsize=8)
        ax.set_ylabel("true", fontsize=8)
        for (i, j), count in np.ndenumerate(cm):
            if count:
                ax.text(j, i, str(count), ha="center", va="center", fontsize=9 if small else 6,
                        color="white" if count > cm.max() / 2 else "black")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _criteria_figure(rows: list[dict], title: str):
    """Accuracy on new data against fit time; the marker's area grows with model size."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.6, 4.2))
    for row in rows:
        size = row["model size (bytes)"]
        ax.scatter(row["fit time (s)"], row["test accuracy"], s=20 + 40 * np.log10(1 + size),
                   alpha=0.7)
        ax.annotate(f"{row['model']}\n{size / 1024:.0f} KiB",
                    (row["fit time (s)"], row["test accuracy"]), fontsize=7,
                    xytext=(5, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.margins(x=0.25, y=0.15)  # room for the labels
    ax.set(xlabel="fit time (s, log scale)", ylabel="accuracy on the test set", title=title)
    return fig


# ---------------------------------------------------------------------------
# The experiment
# ---------------------------------------------------------------------------
def _evaluate_dataset(ctx: LabContext, name: str, X: np.ndarray, y: np.ndarray,
                      class_names: list[str], feature_names: list[str], positive: Any,
                      outer_cv: int, inner_cv: int) -> dict:
    """Nested CV, final fit, test metrics and the scikit-learn comparison for one dataset."""
    r = ctx.report
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=ctx.seed)
    classes = np.unique(y)
    repeats = 1 if ctx.quick else 3
    results, fitted = {}, {}
    for model in ctx.progress(MODELS, desc=f"{name}: models"):
        estimator, origin = build_estimator(model, "glassbox", ctx.seed)
        grid = param_grid(model, ctx.quick)
        # Outer loop: how good is "grid search, then fit"? (on the training part only)
        nested = nested_cross_val_score(estimator, grid, X_train, y_train,
                                        inner_cv=inner_cv, outer_cv=outer_cv)
        # The model we keep: the same search on the whole training part.
        search = GridSearchCV(estimator, grid, cv=inner_cv).fit(X_train, y_train)
        best = clone(estimator).set_params(**search.best_params_)
        fit_time = _best_of(repeats, lambda best=best: best.fit(X_train, y_train))
        predict_time = _best_of(repeats, lambda best=best: best.predict(X_test))
        y_pred, proba = best.predict(X_test), best.predict_proba(X_test)

        # The same model, same hyper-parameters, from scikit-learn.
        twin, _ = build_estimator(model, "sklearn", ctx.seed)
        twin.set_params(**search.best_params_)
        twin_fit_time = _best_of(repeats, lambda twin=twin: twin.fit(X_train, y_train))
        twin_predict_time = _best_of(repeats, lambda twin=twin: twin.predict(X_test))
        twin_accuracy = metrics.accuracy_score(y_test, twin.predict(X_test))

        scores = classification_metrics(y_test, y_pred, proba, classes, positive)
        results[model] = {
            "implementation": origin,
            "nested_cv_accuracy_mean": float(nested["test_score"].mean()),
            "nested_cv_accuracy_std": float(nested["test_score"].std()),
            "nested_cv_scores": nested["test_score"].tolist(),
            "chosen_params_per_outer_fold": [
                {k: _json_safe(v) for k, v in params.items()} for params in nested["best_params"]],
            "best_params": {k: _json_safe(v) for k, v in search.best_params_.items()},
            "inner_cv_best_accuracy": float(search.best_score_),
            **scores,
            "fit_time_s": fit_time,
            "predict_time_s": predict_time,
            "model_size_bytes": model_size_bytes(best),
            "interpretability": interpretability(model, best),
            "sklearn_test_accuracy": twin_accuracy,
            "accuracy_delta_vs_sklearn": scores["accuracy"] - twin_accuracy,
            "fit_time_ratio_vs_sklearn": fit_time / twin_fit_time,
            "predict_time_ratio_vs_sklearn": predict_time / twin_predict_time,
            "sklearn_model_size_bytes": model_size_bytes(twin),
        }
        fitted[model] = (best, y_pred, proba)

    label = lambda model: LABELS[model]
    r.section(f"{name}: {len(X)} samples, {X.shape[1]} features, {len(classes)} classes")
    r.text(f"Stratified split: {len(X_train)} samples for model selection, {len(X_test)} "
           f"held out as new data. Nested cross-validation: {outer_cv} outer folds, "
           f"{inner_cv} inner folds of grid search (accuracy), on the selection part only.")
    r.table([{"model": label(m),
              "implementation": results[m]["implementation"],
              "grid": ", ".join(f"{k.split('__')[-1]}={v}"
                                for k, v in param_grid(m, ctx.quick).items()),
              "nested CV accuracy": f"{results[m]['nested_cv_accuracy_mean']:.4f} "
                                    f"± {results[m]['nested_cv_accuracy_std']:.4f}",
              "chosen per outer fold": "; ".join(
                  ", ".join(f"{k.split('__')[-1]}={v}" for k, v in params.items())
                  for params in results[m]["chosen_params_per_outer_fold"]),
              "final choice": ", ".join(f"{k.split('__')[-1]}={v}"
                                        for k, v in results[m]["best_params"].items())}
             for m in MODELS],
            caption="Inner loop: grid search picks the hyper-parameters; outer loop: the "
                    "accuracy of that whole procedure on folds it never saw (mean ± std).")
    metric_note = (f"positive class = {class_names[list(classes).index(positive)]}"
                   if len(classes) == 2 else "precision, recall, specificity macro-averaged; "
                   "ROC AUC one-vs-rest macro")
    r.subsection("Metrics on the held-out test set")
    r.table([{"model": label(m), **{k: results[m][k] for k in (
        "accuracy", "precision", "recall", "specificity", "f1_macro", "f1_micro",
        "f1_weighted", "roc_auc")}} for m in MODELS], caption=metric_note)

    curves = {}
    for model in MODELS:
        _, _, proba = fitted[model]
        if len(classes) == 2:
            column = int(np.flatnonzero(classes == positive)[0])
            fpr, tpr, _ = metrics.roc_curve(y_test == positive, proba[:, column])
        else:
            fpr, tpr = _macro_roc(y_test, proba, classes)
        curves[label(model)] = (fpr, tpr, results[model]["roc_auc"])
    kind = "" if len(classes) == 2 else " (one-vs-rest, macro-averaged over the 10 classes)"
    r.figure(_roc_figure(curves, f"ROC curves, {name}{kind}"), f"roc_{name}",
             caption="True positive rate against false positive rate as the decision "
                     "threshold falls; the area under each curve is the chance that a "
                     "random positive is ranked above a random negative.")
    matrices = {label(m): metrics.confusion_matrix(y_test, fitted[m][1], labels=classes)
                for m in MODELS}
    r.figure(_confusion_figure(matrices, class_names, f"Confusion matrices, {name}"),
             f"confusion_{name}", caption="Rows: true class; columns: predicted class.")

    r.subsection("The four selection criteria (section 1.1)")
    criteria_rows = [{
        "model": label(m),
        "fit time (s)": results[m]["fit_time_s"],
        "predict time (s)": results[m]["predict_time_s"],
        "model size (bytes)": results[m]["model_size_bytes"],
        "test accuracy": results[m]["accuracy"],
        "interpretability": results[m]["interpretability"],
    } for m in MODELS]
    r.table(criteria_rows, caption="Velocity of training, storage, accuracy on new data, "
            "transparency. Size = bytes of the learned arrays (not a pickle).")
    r.figure(_criteria_figure(criteria_rows, f"Accuracy, speed and size, {name}"),
             f"criteria_{name}")
    r.subsection("glassbox beside scikit-learn (same hyper-parameters)")
    r.table([{
        "model": label(m),
        "implementation": results[m]["implementation"],
        "accuracy (glassbox)": results[m]["accuracy"],
        "accuracy (sklearn)": results[m]["sklearn_test_accuracy"],
        "delta": results[m]["accuracy_delta_vs_sklearn"],
        "fit time ratio": results[m]["fit_time_ratio_vs_sklearn"],
        "predict time ratio": results[m]["predict_time_ratio_vs_sklearn"],
        "size (glassbox)": results[m]["model_size_bytes"],
        "size (sklearn)": results[m]["sklearn_model_size_bytes"],
    } for m in MODELS], caption="Ratios are glassbox time / scikit-learn time, measured in the "
        "same process (best of repeats; the machine is shared, so they are noisy).")
    _interpretability_section(ctx, name, fitted, feature_names, class_names, classes)
    return results


def _interpretability_section(ctx: LabContext, name: str, fitted: dict,
                              feature_names: list[str], class_names: list[str],
                              classes: np.ndarray) -> None:
    """Show what can be read in the two transparent models: rules and coefficients."""
    r = ctx.report
    tree = fitted["decision_tree"][0]
    tree_module = importlib.import_module(
        "glassbox.learn.tree" if type(tree).__module__.startswith("glassbox") else "sklearn.tree")
    rules = tree_module.export_text(tree, feature_names=list(feature_names),
                                    class_names=list(class_names), max_depth=3)
    r.subsection("Interpretability: the tree's rules (top 3 levels)")
    r.code(rules)
    logistic = _final_step(fitted["logistic_regression"][0])
    coef = np.asarray(logistic.coef_)  # (1, n_features) binary, (n_classes, n_features)
    if coef.shape[0] == 1:
        order = np.argsort(-np.abs(coef[0]))[:10]
        r.subsection("Interpretability: the largest logistic-regression coefficients")
        r.table([{"feature": feature_names[j], "coefficient": float(coef[0, j]),
                  "pushes towards": class_names[1] if coef[0, j] > 0 else class_names[0]}
                 for j in order],
                caption="On standardised features, so sizes compare: a coefficient is the "
                        "change in log-odds per standard deviation of the feature.")
    elif coef.shape[1] == 64:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, coef.shape[0], figsize=(1.4 * coef.shape[0], 1.8))
        limit = np.abs(coef).max()
        for ax, weights, label in zip(axes, coef, class_names):
            ax.imshow(weights.reshape(8, 8), cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_title(label, fontsize=9)
            ax.axis("off")
        r.figure(fig, f"coefficients_{name}",
                 caption="Logistic-regression weights of each digit as 8x8 images: red "
                         "pixels raise that digit's score, blue ones lower it.")


def run(ctx: LabContext) -> None:
    """Run the experiment on breast_cancer and digits; fill the report and metrics."""
    outer_cv, inner_cv = (3, 2) if ctx.quick else (5, 3)
    r = ctx.report
    r.section("Method")
    r.text("For each dataset and model: (1) a stratified 75/25 split; (2) nested "
           "cross-validation on the 75%: the inner loop is a grid search by k-fold "
           "cross-validation, the outer loop measures the tuned model on folds the search "
           "never saw; (3) the grid search once more on the whole 75%, the winner refitted; "
           "(4) that model measured once on the 25% of new data. The estimators come from "
           "glassbox.learn, with scikit-learn's Pipeline and StandardScaler around the "
           "two models that need scaled features; scikit-learn's own classes are fitted "
           "with the same hyper-parameters for comparison.")
    cancer = load_breast_cancer()
    digits = load_digits(dtype=np.float64)
    X_digits, y_digits = digits.X, digits.y
    if ctx.quick:
        # A stratified 800-sample subset keeps the quick run to seconds.
        X_digits, _, y_digits, _ = train_test_split(
            X_digits, y_digits, train_size=800, stratify=y_digits, random_state=ctx.seed)
    ctx.metrics["breast_cancer"] = _evaluate_dataset(
        ctx, "breast_cancer", cancer.X, cancer.y, cancer.target_names, cancer.feature_names,
        positive=0, outer_cv=outer_cv, inner_cv=inner_cv)
    ctx.metrics["digits"] = _evaluate_dataset(
        ctx, "digits", X_digits, y_digits, digits.target_names,
        [f"pixel_{i // 8}_{i % 8}" for i in range(64)], positive=None,
        outer_cv=outer_cv, inner_cv=inner_cv)
    ctx.metrics["implementations"] = {m: ctx.metrics["digits"][m]["implementation"]
                                      for m in MODELS}
