"""The course dashboard: the index page that ``glassbox lab run all`` writes.

One row per lab, in the course's order (by section number), with the lab's headline
figure, its wall time, energy and CO2, and the course's total footprint at the bottom.
A lab names its headline with ``HEADLINE = (label, "key.path")`` (a path into its
``metrics.json``); the labs that do not are given one from :data:`HEADLINES`, else the
first of :data:`FALLBACK_KEYS` their metrics hold.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

from glassbox.lab.report import _STYLE, _format_cell

__all__ = ["section_key", "headline", "render_index"]

HEADLINES = {
    "classic": ("random forest accuracy (digits)", "digits.random_forest.accuracy"),
    "mlp": ("test accuracy", "test_accuracy"),
    "lenet5": ("test accuracy", "test_accuracy"),
    "kernels": ("Canny agreement with scikit-image", "canny_agreement"),
    "zoo": ("MobileNet block cost, separable / standard", "mobilenet_separable_over_standard"),
}
FALLBACK_KEYS = ("test_accuracy", "accuracy", "fid", "nll_nats", "test_nll_nats")


def section_key(section: str) -> tuple:
    """Sort key of a course section string: "3.3.2 ..." -> (3, 3, 2).

    Examples
    --------
    >>> sorted(["4 AI ethics", "3.3.2 LeNet", "1.1-1.3 Classic", "3.1 Kernels"], key=section_key)
    ['1.1-1.3 Classic', '3.1 Kernels', '3.3.2 LeNet', '4 AI ethics']
    """
    match = re.match(r"\s*(\d+(?:\.\d+)*)", section)
    if not match:
        return (float("inf"), section)
    return tuple(int(part) for part in match.group(1).split(".")) + (section,)


def _lookup(metrics: Mapping[str, Any], path: str) -> Any:
    value: Any = metrics
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def headline(name: str, module: ModuleType, metrics: Mapping[str, Any]) -> tuple[str, Any]:
    """The lab's headline figure: (label, value); ("", None) when it has none.

    Examples
    --------
    >>> import types
    >>> headline("demo", types.ModuleType("demo"), {"test_accuracy": 0.99})
    ('test accuracy', 0.99)
    """
    label, path = getattr(module, "HEADLINE", None) or HEADLINES.get(name, ("", ""))
    if path:
        value = _lookup(metrics, path)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return label, value
    for key in FALLBACK_KEYS:
        value = metrics.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return key.replace("_", " "), value
    return "", None


def render_index(entries: Sequence[Mapping[str, Any]], quick: bool, seed: int) -> str:
    """The dashboard page; each entry has name, title, section, headline (label, value),
    and the run's wall_time_s, energy_wh, co2_g, method."""
    rows = []
    for entry in entries:
        label, value = entry["headline"]
        figure = f"{_format_cell(value)} <small>{html.escape(label)}</small>" \
            if value is not None else ""
        rows.append(
            f"<tr><td>{html.escape(entry['section'])}</td>"
            f"<td><a href='{html.escape(entry['name'])}/report.html'>"
            f"{html.escape(entry['name'])}</a><br><small>{html.escape(entry['title'])}"
            f"</small></td><td>{figure}</td><td>{_format_cell(entry['wall_time_s'])}</td>"
            f"<td>{_format_cell(entry['energy_wh'])}</td><td>{_format_cell(entry['co2_g'])}"
            f"</td></tr>")
    total = {key: sum(entry[key] for entry in entries)
             for key in ("wall_time_s", "energy_wh", "co2_g")}
    methods = sorted({entry["method"] for entry in entries})
    rows.append(f"<tr><th>total</th><th>{len(entries)} labs</th><th></th>"
                f"<th>{_format_cell(total['wall_time_s'])}</th>"
                f"<th>{_format_cell(total['energy_wh'])}</th>"
                f"<th>{_format_cell(total['co2_g'])}</th></tr>")
    mode = "quick" if quick else "full"
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>glassbox: the course's labs</title><style>{_STYLE}</style></head><body>"
        "<h1>glassbox: the course's labs</h1>"
        f"<p>Every experiment of the course, in its order ({mode} runs, seed {seed}). Each "
        "lab links to its report; energy measured by "
        f"{html.escape(', '.join(methods))} (see each report for how).</p>"
        "<table><tr><th>section</th><th>lab</th><th>headline</th><th>wall time (s)</th>"
        f"<th>energy (Wh)</th><th>CO2 (g)</th></tr>{''.join(rows)}</table>"
        f"<p>The whole course: {total['energy_wh']:.3g} Wh and {total['co2_g']:.3g} g CO2 in "
        f"{total['wall_time_s']:.0f} s.</p></body></html>\n")
