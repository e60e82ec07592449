"""The fairness audit of anyone's predictions: ``glassbox audit PREDICTIONS.csv ...``.

A practitioner brings a CSV with one row per decision: the true outcome, the model's
decision, one or more protected attributes, and optionally the model's score. The audit
measures the decision group by group (selection rate, TPR, FPR, FNR, precision,
accuracy), the parity gaps between groups, and, given scores, ROC curves and
calibration by group; it writes ``metrics.json`` and a self-contained ``report.html``
that ends with a model-card skeleton for the reviewer to complete.

Bad input is refused with an :class:`AuditError` (a ``ValueError``) that says what was
found and what was expected: a missing column (the available ones are listed), a
sensitive column with empty or NaN cells, a sensitive attribute with one group only
(parity between groups is then undefined), labels that are not binary. A group without
positives (or without negatives) gets NaN for the rates that need them, with a warning:
it is reported, not refused.
"""

from __future__ import annotations

import csv
import hashlib
import html
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from glassbox.fairness.metric_frame import MetricFrame

__all__ = ["AuditError", "AuditResult", "read_table", "audit", "run_audit"]

_MISSING = {"", "nan", "na", "n/a", "none", "null"}
_POSITIVE_WORDS = {"1", "1.0", "true", "yes"}
_NEGATIVE_WORDS = {"0", "0.0", "false", "no", "-1", "-1.0"}


class AuditError(ValueError):
    """Input that cannot be audited; the message says what is wrong and how to fix it."""


@dataclass
class AuditResult:
    """What :func:`audit` measured (``metrics`` is what ``metrics.json`` holds)."""

    metrics: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    y_true: np.ndarray | None = None
    y_pred: np.ndarray | None = None
    score: np.ndarray | None = None
    sensitive: dict[str, np.ndarray] = field(default_factory=dict)


def read_table(path: str | Path) -> dict[str, list[str]]:
    """A CSV file as columns of strings (header row = column names)."""
    path = Path(path)
    if not path.is_file():
        raise AuditError(f"Predictions file {str(path)!r} does not exist (expected a CSV file "
                         "with a header row).")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (UnicodeDecodeError, csv.Error) as error:
        raise AuditError(f"{path} is not a readable UTF-8 CSV file: {error}") from None
    if len(rows) < 2:
        raise AuditError(f"{path} has no data rows (expected a header row, then one row per "
                         "prediction).")
    header = [name.strip() for name in rows[0]]
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise AuditError(f"{path}, line {number}: {len(row)} cells, expected "
                             f"{len(header)} (one per header column).")
    return {name: [row[i].strip() for row in body] for i, name in enumerate(header)}


def _column(table: dict[str, list[str]], name: str, option: str) -> list[str]:
    if name not in table:
        raise AuditError(f"Column {name!r} ({option}) is not in the file. Available columns: "
                         f"{', '.join(table)}.")
    return table[name]


def _binary(values: list[str], name: str, pos_label: str | None) -> np.ndarray:
    """Labels as 0/1: the positive label is ``pos_label``, else 1 / true / yes."""
    missing = [i + 2 for i, v in enumerate(values) if v.lower() in _MISSING]
    if missing:
        raise AuditError(f"Column {name!r} has {len(missing)} empty or NaN cells (lines "
                         f"{_lines(missing)}); every row needs a label.")
    distinct = sorted(set(values))
    if len(distinct) > 2:
        raise AuditError(f"Column {name!r} must hold binary labels for these metrics, "
                         f"received {len(distinct)} distinct values: {_show(distinct)}.")
    if pos_label is not None:
        if len(distinct) == 2 and pos_label not in distinct:
            raise AuditError(f"--pos-label {pos_label!r} does not occur in column {name!r} "
                             f"(values: {_show(distinct)}).")
        return np.array([v == pos_label for v in values], dtype=np.int64)
    lowered = {v.lower() for v in distinct}
    if not lowered <= _POSITIVE_WORDS | _NEGATIVE_WORDS or \
            len(lowered & _POSITIVE_WORDS) > 1 or len(lowered & _NEGATIVE_WORDS) > 1:
        raise AuditError(f"Column {name!r} holds {_show(distinct)}: which is the positive "
                         "outcome? Pass --pos-label VALUE.")
    return np.array([v.lower() in _POSITIVE_WORDS for v in values], dtype=np.int64)


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (", ..." if len(numbers) > 5 else "")


def _show(values: Sequence[str]) -> str:
    shown = ", ".join(repr(v) for v in values[:8])
    return shown + (", ..." if len(values) > 8 else "")


def _nan_rate(hit: np.ndarray, base: np.ndarray) -> float:
    """A rate with an empty denominator is undefined: NaN (the audit warns)."""
    return float(hit.sum() / base.sum()) if base.sum() > 0 else float("nan")


def _rates() -> dict[str, Any]:
    """The audit's metrics per group; rates undefined for a group are NaN."""
    return {
        "count": lambda t, p: int(len(t)),
        "base_rate": lambda t, p: float(np.mean(t)),
        "selection_rate": lambda t, p: float(np.mean(p)),
        "accuracy": lambda t, p: float(np.mean(t == p)),
        "true_positive_rate": lambda t, p: _nan_rate((t == 1) & (p == 1), t == 1),
        "false_negative_rate": lambda t, p: _nan_rate((t == 1) & (p == 0), t == 1),
        "false_positive_rate": lambda t, p: _nan_rate((t == 0) & (p == 1), t == 0),
        "true_negative_rate": lambda t, p: _nan_rate((t == 0) & (p == 0), t == 0),
        "precision": lambda t, p: _nan_rate((t == 1) & (p == 1), p == 1),
    }


# The parity criteria: which rate must be equal across groups.
GAPS = {
    "demographic parity": ["selection_rate"],
    "equal opportunity": ["true_positive_rate"],
    "equalized odds": ["true_positive_rate", "false_positive_rate"],
    "predictive parity": ["precision"],
    "accuracy parity": ["accuracy"],
}


def _json_number(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def audit(y_true: np.ndarray, y_pred: np.ndarray, sensitive: dict[str, Sequence[str]],
          score: np.ndarray | None = None) -> AuditResult:
    """Measure binary decisions group by group, for each sensitive attribute.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n_samples,) of 0/1
    sensitive : dict of str to sequence of shape (n_samples,)
        Each protected attribute's value per sample (non-empty strings).
    score : ndarray of shape (n_samples,), optional
        The model's score or probability of the positive outcome.

    Returns
    -------
    AuditResult

    Raises
    ------
    AuditError
        A sensitive attribute with missing values or with a single group.

    Examples
    --------
    >>> result = audit(np.array([1, 0, 1, 0]), np.array([1, 1, 1, 0]),
    ...                {"sex": ["f", "f", "m", "m"]})
    >>> result.metrics["by_attribute"]["sex"]["by_group"]["f"]["false_positive_rate"]
    1.0
    >>> result.metrics["by_attribute"]["sex"]["gaps"]["demographic parity"]["difference"]
    0.5
    """
    rates = _rates()
    notes: list[str] = []
    overall = {name: f(y_true, y_pred) for name, f in rates.items()}
    by_attribute: dict[str, Any] = {}
    for attribute, values in sensitive.items():
        values = [str(v) for v in values]
        missing = [i + 2 for i, v in enumerate(values) if v.strip().lower() in _MISSING]
        if missing:
            raise AuditError(f"Sensitive column {attribute!r} has {len(missing)} empty or NaN "
                             f"cells (lines {_lines(missing)}); every row needs a group. "
                             "Fill them (e.g. 'unknown') or drop those rows.")
        groups = sorted(set(values))
        if len(groups) < 2:
            raise AuditError(f"Sensitive column {attribute!r} has one group only "
                             f"({groups[0]!r}): parity between groups is undefined. Audit "
                             "data that contains at least two groups.")
        frame = MetricFrame(metrics=rates, y_true=y_true, y_pred=y_pred,
                            sensitive_features={attribute: values})
        by_group = {str(g): {name: frame.by_group[name][g] for name in rates} for g in groups}
        for group, row in by_group.items():
            for rate, needs in (("true_positive_rate", "positives"),
                                ("false_positive_rate", "negatives"),
                                ("precision", "positive predictions")):
                if math.isnan(row[rate]):
                    notes.append(f"{attribute}={group}: no {needs}, so {rate} is undefined "
                                 "(NaN) and left out of the parity gaps.")
        gaps = {}
        differences, ratios = frame.difference(), frame.ratio()
        for criterion, names in GAPS.items():
            gaps[criterion] = {"rates": names,
                               "difference": max(differences[n] for n in names),
                               "ratio": min(ratios[n] for n in names)}
        entry = {"groups": groups, "by_group": by_group, "gaps": gaps}
        if score is not None:
            entry["roc_auc"] = _auc_by_group(y_true, score, values, groups)
        by_attribute[attribute] = entry
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    metrics = {"n_samples": int(len(y_true)), "overall": overall,
               "by_attribute": by_attribute, "warnings": notes}
    if score is not None:
        overall["roc_auc"] = _auc(y_true, score)
    return AuditResult(metrics=_clean(metrics), warnings=notes, y_true=y_true, y_pred=y_pred,
                       score=score, sensitive={k: np.asarray([str(v) for v in vs])
                                               for k, vs in sensitive.items()})


def _auc(y_true: np.ndarray, score: np.ndarray) -> float:
    from glassbox.learn.metrics import roc_auc_score

    if len(np.unique(y_true)) < 2:
        return float("nan")
    return float(roc_auc_score(y_true, score))


def _auc_by_group(y_true, score, values, groups) -> dict[str, float]:
    values = np.asarray(values)
    return {g: _auc(y_true[values == g], score[values == g]) for g in groups}


def _clean(value: Any) -> Any:
    """JSON-safe: NaN as null, NumPy scalars as Python numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    return _json_number(value)


# ---------------------------------------------------------------------------
# From a CSV file to a report
# ---------------------------------------------------------------------------
def run_audit(predictions: str | Path, y_true: str, y_pred: str, sensitive: Sequence[str],
              score: str | None = None, pos_label: str | None = None,
              out_dir: str | Path = "audit-out") -> Path:
    """Audit a CSV of predictions; write ``out_dir/report.html`` and ``metrics.json``.

    Parameters
    ----------
    predictions : path
        A CSV file with a header row, one row per decision.
    y_true, y_pred : str
        Columns of the true outcome and of the decision (binary).
    sensitive : sequence of str
        Columns of the protected attributes (each audited separately).
    score : str, optional
        Column of the model's score (ROC curves and calibration by group).
    pos_label : str, optional
        The positive outcome (default: 1 / true / yes).
    out_dir : path, default="audit-out"

    Returns
    -------
    Path
        The report's path.

    Raises
    ------
    AuditError
        Anything wrong with the input (see the module docstring).

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "p.csv").write_text("y,h,sex\\n1,1,f\\n0,1,f\\n1,0,m\\n0,0,m\\n")
    >>> report = run_audit(folder / "p.csv", "y", "h", ["sex"], out_dir=folder / "out")
    >>> json.loads((folder / "out" / "metrics.json").read_text())["overall"]["accuracy"]
    0.5
    """
    from glassbox.io import atomic_write_json, atomic_write_text

    if not sensitive:
        raise AuditError("At least one sensitive column is needed (--sensitive COLUMN).")
    path = Path(predictions)
    table = read_table(path)
    truth = _binary(_column(table, y_true, "--y-true"), y_true, pos_label)
    decision = _binary(_column(table, y_pred, "--y-pred"), y_pred, pos_label)
    attributes = {name: _column(table, name, "--sensitive") for name in sensitive}
    scores = None
    if score is not None:
        scores = _scores(_column(table, score, "--score"), score)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # they are in result.warnings
        result = audit(truth, decision, attributes, scores)
    result.metrics["input"] = {
        "file": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "rows": int(len(truth)), "y_true": y_true, "y_pred": y_pred,
        "sensitive": list(sensitive), "score": score,
        "pos_label": pos_label if pos_label is not None else "1 / true / yes"}
    out = Path(out_dir)
    atomic_write_json(out / "metrics.json", result.metrics)
    return atomic_write_text(out / "report.html", _render(result, out))


def _scores(values: list[str], name: str) -> np.ndarray:
    try:
        scores = np.array([float(v) for v in values])
    except ValueError:
        bad = next(v for v in values if not _is_float(v))
        raise AuditError(f"Column {name!r} (--score) must be numeric, received {bad!r}.") \
            from None
    if not np.all(np.isfinite(scores)):
        lines = [i + 2 for i in np.flatnonzero(~np.isfinite(scores))]
        raise AuditError(f"Column {name!r} (--score) has NaN or infinite values (lines "
                         f"{_lines(lines)}).")
    return scores


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _render(result: AuditResult, out: Path) -> str:
    # NOTE: the HTML builder is the lab's report (same style); it only needs glassbox.io.
    from glassbox.lab.report import Report

    metrics = result.metrics
    report = Report("Fairness audit", out / "figures")
    for note in result.warnings:
        report.html(f"<p style='color:#a33'>Warning: {html.escape(note)}</p>")
    report.section("Overall")
    report.table([{k: v for k, v in metrics["overall"].items()}])
    for attribute, entry in metrics["by_attribute"].items():
        report.section(f"By {attribute}")
        report.table([{attribute: group, **row} for group, row in entry["by_group"].items()],
                     caption="Rates per group (NaN: undefined, the group has no positives, "
                             "negatives or positive predictions).")
        report.table([{"criterion": criterion, "rates compared": ", ".join(gap["rates"]),
                       "difference (max - min)": gap["difference"],
                       "ratio (min / max)": gap["ratio"]}
                      for criterion, gap in entry["gaps"].items()],
                     caption="Parity gaps: 0 difference and ratio 1 is parity; for equalized "
                             "odds the worse of TPR and FPR.")
        report.figure(_rates_figure(entry, attribute), f"rates_{_stem(attribute)}")
        if result.score is not None:
            report.figure(_score_figure(result, attribute), f"roc_calibration_"
                          f"{_stem(attribute)}", caption="ROC curve and calibration "
                          "(observed frequency against mean score, 5 bins) per group.")
    report.section("Model card (skeleton: complete it)")
    source = metrics.get("input", {})
    report.html(
        "<ul>"
        "<li><b>Model and version:</b> ...</li>"
        "<li><b>Intended use and users:</b> ...; out-of-scope uses: ...</li>"
        f"<li><b>Data audited:</b> {html.escape(str(source.get('file', '?')))} "
        f"(SHA-256 {html.escape(str(source.get('sha256', '?')))}, "
        f"{metrics['n_samples']} rows)</li>"
        f"<li><b>Protected attributes:</b> {html.escape(', '.join(metrics['by_attribute']))}"
        "</li><li><b>Metrics overall and by group:</b> above.</li>"
        "<li><b>Fairness criterion chosen, and why:</b> ... (with different base rates, "
        "equal precision and equal error rates cannot both hold: choose).</li>"
        "<li><b>Mitigation applied and its cost in accuracy:</b> ...</li>"
        "<li><b>Limitations and known failure cases:</b> ...</li>"
        "<li><b>Who is accountable; how an affected person obtains redress:</b> ...</li>"
        "</ul>")
    return report.render([("Rows", metrics["n_samples"]),
                          ("Sensitive attributes", ", ".join(metrics["by_attribute"]))])


def _stem(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name) or "attribute"


def _rates_figure(entry: dict, attribute: str):
    import matplotlib.pyplot as plt

    names = ["selection_rate", "true_positive_rate", "false_positive_rate",
             "false_negative_rate", "precision"]
    groups = list(entry["by_group"])
    fig, ax = plt.subplots(figsize=(7, 3.4))
    width = 0.8 / len(groups)
    for k, group in enumerate(groups):
        heights = [entry["by_group"][group][n] for n in names]
        heights = [np.nan if h is None else h for h in heights]
        ax.bar(np.arange(len(names)) + k * width, heights, width, label=f"{group}")
    ax.set_xticks(np.arange(len(names)) + 0.4 - width / 2,
                  [n.replace("_", " ") for n in names], fontsize=8)
    ax.set(ylim=(0, 1), ylabel="rate", title=f"Rates by {attribute}")
    ax.legend(fontsize=7)
    return fig


def _score_figure(result: AuditResult, attribute: str):
    import matplotlib.pyplot as plt
    from sklearn.calibration import calibration_curve

    from glassbox.learn.metrics import roc_curve

    values = result.sensitive[attribute]
    fig, (ax_roc, ax_cal) = plt.subplots(1, 2, figsize=(9, 3.8))
    calibrated = bool(np.all((result.score >= 0) & (result.score <= 1)))
    for group in sorted(set(values.tolist())):
        rows = values == group
        y, s = result.y_true[rows], result.score[rows]
        if len(np.unique(y)) == 2:
            fpr, tpr, _ = roc_curve(y, s)
            ax_roc.plot(fpr, tpr, label=str(group))
            if calibrated:
                observed, predicted = calibration_curve(y, s, n_bins=5)
                ax_cal.plot(predicted, observed, "o-", label=str(group))
    ax_roc.plot([0, 1], [0, 1], ":", color="grey")
    ax_roc.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC by group")
    ax_cal.plot([0, 1], [0, 1], ":", color="grey")
    ax_cal.set(xlabel="mean score", ylabel="observed frequency",
               title="calibration by group" if calibrated else "scores not in [0, 1]")
    ax_roc.legend(fontsize=7)
    return fig
