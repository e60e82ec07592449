"""AI ethics in practice: a fairness audit of COMPAS, bias by proxy, mitigation, explanations.

Course section 4 asks for AI that is fair, explicable, accountable and sustainable. This
lab turns each principle into a measurement on the data set that made algorithmic
fairness a public debate: ProPublica's COMPAS recidivism data (6,172 defendants of
Broward County, Florida, as filtered by ProPublica).

1. The audit of the COMPAS score ("medium or high risk" as the positive prediction):
   its error rates are not shared equally (FPR 42.3 % for Black vs 22.0 % for white
   defendants, FNR 28.5 % vs 49.6 %), while its precision is close: with different base
   rates, calibration and equal error rates cannot both hold (Chouldechova 2017).
2. "Remove the protected attribute": glassbox's logistic regression and random forest
   trained without race still treat the groups differently, because race is predicted
   from the remaining features (bias by proxy), shown by a ROC AUC and by permutation
   importance.
3. Mitigation: reweighing, the threshold optimizer and exponentiated gradient, beside
   fairlearn's, and the accuracy-fairness trade-off as a Pareto front.
4. Explicability: global (permutation importance) and local (one person's decision)
   explanations, and saliency / integrated-gradients maps of LeNet-5 on MNIST.
5. Accountability: a model card with the data's provenance and digest.
6. Sustainability: the energy and CO2 of each model trained, per 1,000 predictions.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from glassbox.data.compas import COMPAS_FILE, COMPAS_URL, load_compas
from glassbox.fairness import (
    ExponentiatedGradient,
    MetricFrame,
    Reweighing,
    ThresholdOptimizer,
    demographic_parity_difference,
    equalized_odds_difference,
    false_negative_rate,
    false_positive_rate,
    positive_predictive_value,
    selection_rate,
)
from glassbox.fairness.explain import (
    decision_rules,
    integrated_gradients,
    linear_contributions,
    saliency,
)
from glassbox.lab._footprint import EnergyMeter
from glassbox.lab.runner import LabContext
from glassbox.learn.ensemble import RandomForestClassifier
from glassbox.learn.inspection import permutation_importance
from glassbox.learn.linear_model import LogisticRegression
from glassbox.learn.metrics import roc_auc_score
from glassbox.learn.model_selection import train_test_split
from glassbox.learn.tree import DecisionTreeClassifier

NAME = "ethics"
TITLE = "AI ethics in practice: fairness audit of COMPAS, bias by proxy, mitigation, explanations"
SECTION = "4 AI ethics"
# (label, key path in metrics.json) of the figure the course dashboard shows
HEADLINE = ("COMPAS false positive rate gap (Black - white)", "compas_score.fpr_gap")

GROUPS = ("African-American", "Caucasian")
FEATURES = ["age", "priors_count", "juv_fel_count", "juv_misd_count", "juv_other_count",
            "is_male", "felony_charge"]


def compas_split(seed: int = 0, data_dir: Any = None, test_size: float = 0.3) -> dict:
    """ProPublica's rows of Black and white defendants, as a stratified train/test split.

    The features leave race out: age, prior counts (adult, juvenile felonies,
    misdemeanours, other), sex and the charge degree. They are standardised with the
    training part's mean and standard deviation.

    Returns
    -------
    dict
        ``X_train, X_test`` (n, 7) float64, ``y_train, y_test`` (two-year recidivism,
        0/1), ``race_train, race_test``, ``sex_train, sex_test``, ``score_test`` (the
        COMPAS decile), ``feature_names``.

    Examples
    --------
    >>> split = compas_split()
    >>> split["X_train"].shape, split["X_test"].shape
    ((3694, 7), (1584, 7))
    """
    table = load_compas(data_dir=data_dir, propublica_filter=True)
    keep = np.isin(table["race"], GROUPS)
    table = {name: column[keep] for name, column in table.items()}
    X = np.column_stack([table["age"], table["priors_count"], table["juv_fel_count"],
                         table["juv_misd_count"], table["juv_other_count"],
                         table["sex"] == "Male", table["c_charge_degree"] == "F"]
                        ).astype(np.float64)
    y = table["two_year_recid"].astype(np.int64)
    parts = train_test_split(X, y, table["race"], table["sex"], table["decile_score"],
                             test_size=test_size, stratify=y, random_state=seed)
    X_train, X_test, y_train, y_test, race_train, race_test, sex_train, sex_test, \
        _, score_test = parts
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return {"X_train": (X_train - mean) / std, "X_test": (X_test - mean) / std,
            "y_train": y_train, "y_test": y_test, "race_train": race_train,
            "race_test": race_test, "sex_train": sex_train, "sex_test": sex_test,
            "score_test": score_test, "feature_names": list(FEATURES),
            "raw_test": X_test}


def with_race(X: np.ndarray, race: np.ndarray) -> np.ndarray:
    """The features plus a 0/1 column "is Black": what the mitigators are allowed to see.

    Examples
    --------
    >>> with_race(np.zeros((2, 1)), np.array(["Caucasian", "African-American"]))
    array([[0., 0.],
           [0., 1.]])
    """
    return np.column_stack([X, race == GROUPS[0]]).astype(np.float64)


def _rates(y_true, y_pred, groups) -> MetricFrame:
    return MetricFrame(metrics={"count": lambda t, p: len(t),
                                "base_rate": lambda t, p: float(np.mean(t)),
                                "selection_rate": selection_rate,
                                "false_positive_rate": false_positive_rate,
                                "false_negative_rate": false_negative_rate,
                                "precision": positive_predictive_value},
                       y_true=y_true, y_pred=y_pred, sensitive_features=groups)


def _frame_rows(frame: MetricFrame, label: str) -> list[dict]:
    by_group = frame.by_group
    return [{label: group, **{name: by_group[name][group] for name in by_group}}
            for group in by_group["count"]]


def _measured(ctx: LabContext, log: list, label: str, function, n_predictions: int = 0):
    """Run ``function`` under an energy meter; record the footprint in ``log``."""
    with EnergyMeter(method=ctx.footprint, country=ctx.country) as meter:
        result = function()
    log.append({"what": label, **meter.footprint.as_dict(), "predictions": n_predictions})
    return result


# ---------------------------------------------------------------------------
# 1. The audit of the score
# ---------------------------------------------------------------------------
def _audit_score(ctx: LabContext) -> None:
    r = ctx.report
    table = load_compas(data_dir=ctx.data_dir, propublica_filter=True)
    y = table["two_year_recid"]
    high = (table["score_text"] != "Low").astype(np.int64)
    two = np.isin(table["race"], GROUPS)
    by_race = _rates(y[two], high[two], table["race"][two])
    by_sex = _rates(y, high, table["sex"])
    fpr, fnr = by_race.by_group["false_positive_rate"], by_race.by_group["false_negative_rate"]
    precision, base = by_race.by_group["precision"], by_race.by_group["base_rate"]
    black, white = GROUPS
    # Chouldechova (2017): FPR = p / (1 - p) * (1 - PPV) / PPV * (1 - FNR), in every group.
    identity = {g: base[g] / (1 - base[g]) * (1 - precision[g]) / precision[g] * (1 - fnr[g])
                for g in GROUPS}
    ctx.metrics["compas_score"] = {
        "rows": int(len(y)), "by_race": {g: {k: by_race.by_group[k][g] for k in
                                             by_race.by_group} for g in GROUPS},
        "by_sex": {g: {k: by_sex.by_group[k][g] for k in by_sex.by_group}
                   for g in by_sex.by_group["count"]},
        "fpr": {g: fpr[g] for g in GROUPS}, "fnr": {g: fnr[g] for g in GROUPS},
        "fpr_percent": {g: round(100 * fpr[g], 1) for g in GROUPS},
        "fnr_percent": {g: round(100 * fnr[g], 1) for g in GROUPS},
        "fpr_gap": fpr[black] - fpr[white], "fnr_gap": fnr[white] - fnr[black],
        "precision_gap": precision[black] - precision[white],
        "chouldechova_identity_max_error": max(abs(identity[g] - fpr[g]) for g in GROUPS),
    }
    r.section("1. The audit of the COMPAS score")
    r.text(f"ProPublica's {len(y):,} defendants (their filter), the score's 'medium or high "
           "risk' as the positive prediction, recidivism within two years as the truth. The "
           f"file is {COMPAS_FILE.name}, SHA-256 {COMPAS_FILE.sha256}.")
    r.table(_frame_rows(by_race, "race"), caption="By race (the two groups ProPublica "
            "compared): the false positive rate is the share of people who did not reoffend "
            "but were labelled medium or high risk.")
    r.table(_frame_rows(by_sex, "sex"), caption="By sex (all rows).")
    r.html(f"<p><b>False positive rate {100 * fpr[black]:.1f} % for Black vs "
           f"{100 * fpr[white]:.1f} % for white defendants; false negative rate "
           f"{100 * fnr[black]:.1f} % vs {100 * fnr[white]:.1f} %</b> — while precision "
           f"(the recidivism rate of those labelled high risk) is {precision[black]:.3f} vs "
           f"{precision[white]:.3f}.</p>")
    r.subsection("The impossibility: calibration or equal error rates")
    r.text("For any classifier, in each group, FPR = p / (1 - p) x (1 - PPV) / PPV x (1 - "
           "FNR), with p the group's base rate (Chouldechova 2017). The base rates differ "
           f"({base[black]:.3f} vs {base[white]:.3f}); so if precision (PPV) is equal, as "
           "calibration asks, and the FNR is equal too, the FPR cannot be: one of the two "
           "notions of fairness must give. The identity holds here to "
           f"{ctx.metrics['compas_score']['chouldechova_identity_max_error']:.1e}.")
    r.figure(_calibration_figure(table, two), "calibration_by_race",
             caption="Observed two-year recidivism per COMPAS decile, by race: roughly "
                     "calibrated in both groups, which the error rates above do not share.")


def _calibration_figure(table, two):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.4, 3.8))
    for group in GROUPS:
        rows = two & (table["race"] == group)
        deciles = np.arange(1, 11)
        observed = [table["two_year_recid"][rows & (table["decile_score"] == d)].mean()
                    for d in deciles]
        ax.plot(deciles, observed, "o-", label=group)
    ax.set(xlabel="COMPAS decile score", ylabel="observed recidivism rate", ylim=(0, 1),
           title="Calibration by race")
    ax.legend()
    return fig


# ---------------------------------------------------------------------------
# 2. Bias by proxy
# ---------------------------------------------------------------------------
def _proxy(ctx: LabContext, split: dict, energy: list) -> dict:
    r = ctx.report
    X, y, race = split["X_train"], split["y_train"], split["race_train"]
    X_test, y_test, race_test = split["X_test"], split["y_test"], split["race_test"]
    n_trees = 30 if ctx.quick else 200
    models = {
        "logistic_regression": LogisticRegression(),
        "random_forest": RandomForestClassifier(n_estimators=n_trees, min_samples_leaf=5,
                                                random_state=ctx.seed),
    }
    results, fitted = {}, {}
    for name, model in models.items():
        _measured(ctx, energy, f"fit {name} (recidivism)", lambda m=model: m.fit(X, y))
        prediction = _measured(ctx, energy, f"predict {name}",
                               lambda m=model: m.predict(X_test), len(X_test))
        frame = _rates(y_test, prediction, race_test)
        fpr, fnr = frame.by_group["false_positive_rate"], frame.by_group["false_negative_rate"]
        results[name] = {
            "accuracy": float(np.mean(prediction == y_test)),
            "fpr": {g: fpr[g] for g in GROUPS}, "fnr": {g: fnr[g] for g in GROUPS},
            "fpr_gap": fpr[GROUPS[0]] - fpr[GROUPS[1]],
            "demographic_parity_difference": demographic_parity_difference(
                y_test, prediction, sensitive_features=race_test),
            "equalized_odds_difference": equalized_odds_difference(
                y_test, prediction, sensitive_features=race_test),
        }
        fitted[name] = model
    # How well do the same features predict race?
    is_black = (race == GROUPS[0]).astype(np.int64)
    is_black_test = (race_test == GROUPS[0]).astype(np.int64)
    race_models = {"logistic_regression": LogisticRegression(),
                   "random_forest": RandomForestClassifier(
                       n_estimators=n_trees, min_samples_leaf=5, random_state=ctx.seed)}
    auc = {}
    for name, model in race_models.items():
        model.fit(X, is_black)
        auc[name] = float(roc_auc_score(is_black_test, model.predict_proba(X_test)[:, 1]))
    importance = permutation_importance(race_models["random_forest"], X_test, is_black_test,
                                        scoring="roc_auc", n_repeats=3 if ctx.quick else 10,
                                        random_state=ctx.seed)
    ctx.metrics["proxy"] = {"models_without_race": results, "race_prediction_auc": auc,
                            "race_permutation_importance": dict(zip(
                                split["feature_names"], importance.importances_mean))}
    r.section("2. Removing race is not enough: bias by proxy")
    r.text("Both models are trained on the features without race. Their errors still fall "
           "unevenly on the two groups:")
    r.table([{"model": name, "test accuracy": v["accuracy"],
              "FPR Black": v["fpr"][GROUPS[0]], "FPR white": v["fpr"][GROUPS[1]],
              "FNR Black": v["fnr"][GROUPS[0]], "FNR white": v["fnr"][GROUPS[1]],
              "demographic parity diff.": v["demographic_parity_difference"],
              "equalized odds diff.": v["equalized_odds_difference"]}
             for name, v in results.items()])
    r.text(f"The remaining features predict race with a test ROC AUC of "
           f"{auc['logistic_regression']:.3f} (logistic regression) and "
           f"{auc['random_forest']:.3f} (random forest): 0.5 would mean no information. "
           "Which features carry it (permutation importance: drop in the race model's AUC "
           "when the feature is shuffled):")
    order = np.argsort(-importance.importances_mean)
    r.table([{"feature": split["feature_names"][j],
              "AUC drop (mean)": importance.importances_mean[j],
              "std": importance.importances_std[j]} for j in order])
    return fitted


# ---------------------------------------------------------------------------
# 3. Mitigation
# ---------------------------------------------------------------------------
def _mitigate(ctx: LabContext, split: dict, energy: list) -> None:
    r = ctx.report
    y, race, y_test, race_test = (split["y_train"], split["race_train"], split["y_test"],
                                  split["race_test"])
    # NOTE: to correct for race, the models may see it at training time (the baseline too).
    X, X_test = with_race(split["X_train"], race), with_race(split["X_test"], race_test)
    rng_seed = ctx.seed
    grid = 200 if ctx.quick else 1000

    def scores(prediction, target):
        return {"target": target, "accuracy": float(np.mean(prediction == y_test)),
                "demographic_parity_difference": demographic_parity_difference(
                    y_test, prediction, sensitive_features=race_test),
                "equalized_odds_difference": equalized_odds_difference(
                    y_test, prediction, sensitive_features=race_test)}

    results = {}
    base = _measured(ctx, energy, "fit logistic regression (baseline)",
                     lambda: LogisticRegression().fit(X, y))
    results["none (logistic regression)"] = scores(base.predict(X_test), None)
    reweighed = _measured(ctx, energy, "fit reweighing", lambda: Reweighing(
        LogisticRegression()).fit(X, y, sensitive_features=race))
    results["reweighing"] = scores(reweighed.predict(X_test), "demographic_parity")
    for constraints in ("demographic_parity", "equalized_odds"):
        optimizer = _measured(ctx, energy, f"fit threshold optimizer ({constraints})",
                              lambda c=constraints: ThresholdOptimizer(
                                  LogisticRegression(), c, grid_size=grid,
                                  random_state=rng_seed).fit(X, y, sensitive_features=race))
        results[f"threshold optimizer ({constraints})"] = scores(
            optimizer.predict(X_test, sensitive_features=race_test), constraints)
        reduction = _measured(ctx, energy, f"fit exponentiated gradient ({constraints})",
                              lambda c=constraints: ExponentiatedGradient(
                                  LogisticRegression(), c, random_state=rng_seed).fit(
                                      X, y, sensitive_features=race))
        results[f"exponentiated gradient ({constraints})"] = scores(
            reduction.predict(X_test), constraints)
    twins = _fairlearn_twins(X, X_test, split, grid, rng_seed, scores, ctx.quick)
    # The trade-off: exponentiated gradient over the bound on the disparity.
    bounds = [0.2, 0.05, 0.01] if ctx.quick else [0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 0.0]
    front = []
    for bound in bounds:
        model = ExponentiatedGradient(LogisticRegression(), "demographic_parity",
                                      difference_bound=bound, random_state=rng_seed,
                                      max_iter=30 if ctx.quick else 50)
        model.fit(X, y, sensitive_features=race)
        front.append({"difference_bound": bound, **scores(model.predict(X_test),
                                                           "demographic_parity")})
    ctx.metrics["mitigation"] = {"glassbox": results, "fairlearn": twins, "pareto": front}
    r.section("3. Mitigation, and what it costs")
    r.text("Three places to act: before training (reweighing: weights P(a)P(y)/P(a,y) make "
           "race and outcome independent), after (group-specific randomised thresholds, "
           "Hardt et al. 2016) and during (exponentiated gradient, Agarwal et al. 2018: a "
           "game between the learner and an auditor of the constraint). All wrap glassbox's "
           "logistic regression, given race as a feature here (correcting for a group needs "
           "to know it); the disparities are measured on the test split.")
    rows = [{"mitigation": name, "library": "glassbox", **{k: v for k, v in row.items()}}
            for name, row in results.items()]
    rows += [{"mitigation": name, "library": "fairlearn", **row} for name, row in
             twins.items()]
    r.table(rows, caption="Test accuracy and disparities (0 is parity). Each mitigator "
            "targets one of the two disparities.")
    if not twins:
        r.text("fairlearn is not installed: its results are not shown (pip install "
               "fairlearn).")
    elif ctx.quick:
        r.text("Quick mode: fairlearn's exponentiated gradient is not run here (it takes "
               "seconds); the test suite compares it with glassbox's (tests/fairness).")
    r.figure(_pareto_figure(results, twins, front), "pareto",
             caption="Accuracy against demographic parity difference on the test split; the "
                     "line joins exponentiated gradient at decreasing bounds.")


def _fairlearn_twins(X, X_test, split, grid, seed, scores, quick) -> dict:
    try:
        from fairlearn.postprocessing import ThresholdOptimizer as FairlearnThresholds
        from fairlearn.reductions import DemographicParity, EqualizedOdds
        from fairlearn.reductions import ExponentiatedGradient as FairlearnReduction
    except ImportError:
        return {}
    y, race, race_test = split["y_train"], split["race_train"], split["race_test"]
    twins = {}
    for constraints, moment in (("demographic_parity", DemographicParity),
                                ("equalized_odds", EqualizedOdds)):
        thresholds = FairlearnThresholds(estimator=LogisticRegression(),
                                         constraints=constraints, grid_size=grid,
                                         predict_method="predict_proba")
        thresholds.fit(X, y, sensitive_features=race)
        twins[f"threshold optimizer ({constraints})"] = scores(thresholds.predict(
            X_test, sensitive_features=race_test, random_state=seed), constraints)
        if quick:  # NOTE: fairlearn's reductions take seconds; tests/fairness compares them
            continue
        reduction = FairlearnReduction(LogisticRegression(), moment()).fit(
            X, y, sensitive_features=race)
        twins[f"exponentiated gradient ({constraints})"] = scores(
            reduction.predict(X_test, random_state=seed), constraints)
    return twins


def _pareto_figure(results, twins, front):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.plot([p["demographic_parity_difference"] for p in front],
            [p["accuracy"] for p in front], "-", color="grey", label="exp. gradient, bounds")
    for name, row in results.items():
        ax.scatter(row["demographic_parity_difference"], row["accuracy"], label=name)
    for row in twins.values():
        ax.scatter(row["demographic_parity_difference"], row["accuracy"], marker="x",
                   color="black")
    if twins:
        ax.scatter([], [], marker="x", color="black", label="fairlearn")
    ax.set(xlabel="demographic parity difference (test)", ylabel="accuracy (test)",
           title="The price of parity")
    ax.legend(fontsize=7)
    return fig


# ---------------------------------------------------------------------------
# 4. Explicability
# ---------------------------------------------------------------------------
def _explain_tabular(ctx: LabContext, split: dict, fitted: dict) -> None:
    r = ctx.report
    names = split["feature_names"]
    X_test, y_test = split["X_test"], split["y_test"]
    r.section("4. Explicability")
    r.subsection("Global: which features do the models use?")
    rows = []
    for name, model in fitted.items():
        result = permutation_importance(model, X_test, y_test,
                                        n_repeats=3 if ctx.quick else 10,
                                        random_state=ctx.seed)
        for j, feature in enumerate(names):
            rows.append({"model": name, "feature": feature,
                         "accuracy drop": result.importances_mean[j],
                         "std": result.importances_std[j]})
    r.table(rows, caption="Permutation importance on the test split: the drop in accuracy "
            "when the feature is shuffled.")
    r.subsection("Local: why did this person get this prediction?")
    person = int(np.flatnonzero(y_test == 0)[0])
    logistic = fitted["logistic_regression"]
    raw = split["raw_test"][person]
    probability = float(logistic.predict_proba(X_test[person:person + 1])[0, 1])
    terms = linear_contributions(logistic, X_test[person], names)
    r.text(f"Test person #{person}: " + ", ".join(f"{n} = {v:g}" for n, v in zip(names, raw))
           + f". Logistic regression: probability of reoffending {probability:.2f} = "
           f"sigmoid({logistic.intercept_[0]:.3f} + the contributions below).")
    r.table([{"feature": t["feature"], "standardised value": t["value"],
              "weight": t["weight"], "contribution to the log-odds": t["contribution"]}
             for t in terms])
    tree = DecisionTreeClassifier(max_depth=3, random_state=ctx.seed)
    tree.fit(split["X_train"], split["y_train"])
    rules = decision_rules(tree, X_test[person], [f"{n} (standardised)" for n in names])
    verdict = int(tree.predict(X_test[person:person + 1])[0])
    r.code("IF " + "\n AND ".join(rules) + f"\nTHEN predicted recidivism = {verdict}")
    ctx.metrics["explanations"] = {
        "person": person, "logistic_probability": probability,
        "logistic_contributions": terms, "tree_rules": rules, "tree_prediction": verdict}


def _lenet(ctx: LabContext, energy: list):
    """LeNet-5 on glassbox: the lenet5 lab's checkpoint if there is one, else trained."""
    from glassbox.models import lenet5
    from glassbox.train import fit, get_engine

    engine = get_engine("glassbox")
    model = lenet5(nn=engine.nn)
    checkpoint = ctx.out_dir.parent / "lenet5" / "checkpoints" / "best.safetensors"
    source = None
    if checkpoint.is_file():
        try:  # the best epoch's weights, a plain safetensors state dict (either engine)
            model.load_state_dict(engine.load_state(checkpoint))
            source = f"the lenet5 lab's weights {checkpoint}"
        except (ValueError, KeyError, RuntimeError, OSError):
            source = None  # not LeNet-5's weights: train one here instead
    x_test, y_test = _mnist_sample("test", 1000, ctx)
    if source is None:
        n = 1000 if ctx.quick else 20000
        x_train, y_train = _mnist_sample("train", n, ctx)
        epochs = 1 if ctx.quick else 2
        engine.manual_seed(ctx.seed)
        optimizer = engine.optim.Adam(model.parameters(), lr=2e-3)
        loader = engine.data_loader(x_train, y_train, batch_size=64, shuffle=True)
        _measured(ctx, energy, "train LeNet-5", lambda: fit(
            model, loader, None, engine.nn.CrossEntropyLoss(), optimizer, epochs=epochs,
            progress=False))
        source = f"trained here: {n:,} images, {epochs} epoch(s)"
    model.eval()
    from glassbox.models import extract_features

    accuracy = float(np.mean(extract_features(model, x_test).argmax(axis=1) == y_test))
    return model, x_test, y_test, source, accuracy


def _mnist_sample(split: str, n: int, ctx: LabContext) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random MNIST digits as LeNet-5 wants them: (n, 1, 32, 32), normalised."""
    from glassbox.data import load_mnist
    from glassbox.lab._common import MNIST_MEAN, MNIST_STD

    images, labels = load_mnist(split, data_dir=ctx.data_dir)
    rows = np.sort(ctx.rng.choice(len(images), size=n, replace=False))
    x = np.pad(images[rows], ((0, 0), (2, 2), (2, 2)))[:, None]  # (n, 1, 32, 32)
    x = (x.astype(np.float32) / np.float32(255) - np.float32(MNIST_MEAN)) \
        / np.float32(MNIST_STD)
    return np.ascontiguousarray(x, dtype=np.float32), labels[rows]


def _explain_network(ctx: LabContext, energy: list) -> None:
    r = ctx.report
    model, x_test, y_test, source, accuracy = _lenet(ctx, energy)
    images, labels = x_test[:4], y_test[:4]
    steps = 16 if ctx.quick else 50
    maps_saliency = saliency(model, images, labels)
    from glassbox.lab._common import MNIST_MEAN, MNIST_STD

    black = np.float32(-MNIST_MEAN / MNIST_STD)  # a pixel of 0 after normalisation
    maps_ig, delta = integrated_gradients(model, images, labels, baselines=black,
                                          n_steps=steps, return_convergence_delta=True)
    ctx.metrics["network_explanations"] = {
        "lenet5_source": source, "lenet5_test_accuracy_1000": accuracy,
        "integrated_gradients_steps": steps,
        "completeness_max_abs_delta": float(np.abs(delta).max())}
    r.subsection("Networks: saliency and integrated gradients (LeNet-5 on MNIST)")
    r.text(f"LeNet-5 ({source}; {100 * accuracy:.1f} % on 1,000 test digits). Saliency is "
           "|d score / d pixel|; integrated gradients accumulate the gradient from a black "
           f"image to the digit ({steps} Gauss-Legendre steps) and add up to the change of "
           f"score, here up to {np.abs(delta).max():.2e}. Both are computed on glassbox's "
           "autograd and equal captum's on the torch engine (tests/fairness).")
    r.figure(_maps_figure(images, labels, maps_saliency, maps_ig), "saliency_maps",
             caption="Rows: the digit, its saliency, its integrated gradients (red raises "
                     "the true class's score, blue lowers it).")


def _maps_figure(images, labels, maps_saliency, maps_ig):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, len(images), figsize=(1.9 * len(images), 5.6))
    for k in range(len(images)):
        axes[0, k].imshow(images[k, 0], cmap="gray")
        axes[0, k].set_title(f"label {labels[k]}", fontsize=8)
        axes[1, k].imshow(maps_saliency[k, 0], cmap="hot")
        limit = np.abs(maps_ig[k, 0]).max() or 1.0
        axes[2, k].imshow(maps_ig[k, 0], cmap="RdBu_r", vmin=-limit, vmax=limit)
    for ax in axes.ravel():
        ax.axis("off")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------
# 5-6. Accountability and sustainability
# ---------------------------------------------------------------------------
def _model_card(ctx: LabContext) -> None:
    m = ctx.metrics
    chosen = "exponentiated gradient (equalized_odds)"
    mitigated = m["mitigation"]["glassbox"][chosen]
    base = m["mitigation"]["glassbox"]["none (logistic regression)"]
    ctx.report.section("5. Accountability: the model card")
    items = [
        ("Model", "glassbox LogisticRegression on 7 standardised features, wrapped in "
                  f"{chosen}; seed {ctx.seed}."),
        ("Intended use", "teaching: to show how a risk score is audited and mitigated. Not "
                         "for decisions about people."),
        ("Data", f"{COMPAS_FILE.name} from {COMPAS_URL}, SHA-256 {COMPAS_FILE.sha256}; "
                 "ProPublica's filter; Black and white defendants only; 70/30 stratified "
                 "split."),
        ("Metrics", f"test accuracy {mitigated['accuracy']:.3f} (unmitigated "
                    f"{base['accuracy']:.3f}); equalized odds difference "
                    f"{mitigated['equalized_odds_difference']:.3f} (unmitigated "
                    f"{base['equalized_odds_difference']:.3f}); by group: section 3."),
        ("Mitigation and its cost", f"{chosen}: "
         f"{100 * (base['accuracy'] - mitigated['accuracy']):.1f} accuracy points for "
         f"{base['equalized_odds_difference'] - mitigated['equalized_odds_difference']:.3f} "
         "less equalized-odds disparity. Its decisions are randomised and it needs race "
         "at training time."),
        ("Limitations", "two-year re-arrest is a proxy for reoffending, itself shaped by "
                        "policing; two groups only; calibration and equal error rates "
                        "cannot both hold (section 1)."),
        ("Redress", "a person affected must be able to see the explanation of section 4 "
                    "and contest it before a human."),
        ("Versions", "see the header of this report."),
    ]
    ctx.report.html("<table class='meta'>" + "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in items)
        + "</table>")
    ctx.metrics["model_card"] = dict(items)


def _sustainability(ctx: LabContext, energy: list, fitted: dict, split: dict) -> None:
    r = ctx.report
    r.section("6. Sustainability: the footprint of each model")
    X_test = split["X_test"]
    per_thousand = {}
    repeats = 20
    for name, model in fitted.items():
        def predict_many(model=model):
            for _ in range(repeats):
                model.predict(X_test)
        _measured(ctx, energy, f"predict {name} x{repeats}", predict_many,
                  repeats * len(X_test))
        per_thousand[name] = energy[-1]["energy_wh"] / (repeats * len(X_test)) * 1000
    r.table([{"step": e["what"], "method": e["method"], "wall (s)": e["wall_time_s"],
              "CPU (s)": e["cpu_time_s"], "energy (Wh)": e["energy_wh"],
              "CO2 (g)": e["co2_g"]} for e in energy],
            caption=(energy[0]["detail"] + f"; CO2 at {energy[0]['grams_co2_per_kwh']:g} g "
                     f"per kWh ({energy[0]['country']}).") if energy else None)
    accuracy = {n: ctx.metrics["proxy"]["models_without_race"][n]["accuracy"] for n in fitted}
    fit_energy = {n: next(e["energy_wh"] for e in energy if e["what"] ==
                          f"fit {n} (recidivism)") for n in fitted}
    small, large = "logistic_regression", "random_forest"
    ratio = fit_energy[large] / fit_energy[small] if fit_energy[small] > 0 else float("inf")
    r.text("Energy per 1,000 predictions: " + ", ".join(
        f"{n} {v:.2e} Wh" for n, v in per_thousand.items()) + ". "
        f"The logistic regression reaches {accuracy[small]:.3f} test accuracy against the "
        f"forest's {accuracy[large]:.3f}, for {ratio:.0f} times less energy to train: the "
        "same task, done more cheaply.")
    ctx.metrics["footprint"] = {"steps": energy, "energy_wh_per_1000_predictions":
                                per_thousand, "fit_energy_wh": fit_energy,
                                "forest_over_logistic_fit_energy": ratio}


def run(ctx: LabContext) -> None:
    """The six parts of the lab, in the course's order of principles."""
    energy: list[dict] = []
    _audit_score(ctx)
    split = compas_split(ctx.seed, ctx.data_dir)
    fitted = _proxy(ctx, split, energy)
    _mitigate(ctx, split, energy)
    _explain_tabular(ctx, split, fitted)
    _explain_network(ctx, energy)
    _model_card(ctx)
    _sustainability(ctx, energy, fitted, split)
