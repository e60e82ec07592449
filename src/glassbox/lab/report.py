"""The report of one lab run: a self-contained HTML page with embedded figures.

A lab describes what it shows through a :class:`Report` (sections, paragraphs, tables,
figures, code); the runner then writes ``report.html``. Every figure is also saved as
``figures/NAME.png`` (atomically) and embedded in the page as a base64 PNG, so the page
can be mailed or opened from anywhere without its folder.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from glassbox.io import atomic_write

__all__ = ["Report"]

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 980px;
       margin: 2em auto; padding: 0 1em; color: #1d1d1f; line-height: 1.5; }
h1 { border-bottom: 2px solid #444; padding-bottom: .2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 1em 0; font-size: .92em; }
th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: right; }
th { background: #f2f2f2; } td:first-child, th:first-child { text-align: left; }
caption { caption-side: bottom; font-size: .9em; color: #555; padding-top: .3em; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; }
figcaption { font-size: .9em; color: #555; }
pre { background: #f6f8fa; padding: .8em; overflow-x: auto; font-size: .88em; }
.meta td, .meta th { text-align: left; }
"""


def _format_cell(value: Any) -> str:
    """A table cell: floats with 4 significant digits, everything else as text."""
    if isinstance(value, bool) or value is None:
        return html.escape(str(value))
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        value = float(value)
        if value != value:  # NaN
            return "nan"
        if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
            return f"{value:.3e}"
        return f"{value:.4g}"
    if isinstance(value, int) or type(value).__name__.startswith("int"):
        return f"{int(value):,}"
    return html.escape(str(value))


class Report:
    """Builder of a lab's HTML report.

    Parameters
    ----------
    title : str
        Page title (the lab's ``TITLE``).
    figures_dir : Path
        Where figures are saved as PNG files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> report = Report("Demo", pathlib.Path(tempfile.mkdtemp()) / "figures")
    >>> report.section("Results")
    >>> report.table([{"model": "tree", "accuracy": 0.91234}], caption="Test accuracy")
    >>> "0.9123" in report.body_html()
    True
    """

    def __init__(self, title: str, figures_dir: Path):
        self.title = title
        self.figures_dir = Path(figures_dir)
        self.figures: list[Path] = []
        self._parts: list[str] = []

    def section(self, title: str) -> None:
        """Start a new section (an ``<h2>`` heading)."""
        self._parts.append(f"<h2>{html.escape(title)}</h2>")

    def subsection(self, title: str) -> None:
        """A smaller heading (``<h3>``)."""
        self._parts.append(f"<h3>{html.escape(title)}</h3>")

    def text(self, text: str) -> None:
        """Plain text, HTML-escaped; a blank line starts a new paragraph."""
        for paragraph in str(text).strip().split("\n\n"):
            self._parts.append(f"<p>{html.escape(paragraph.strip())}</p>")

    def html(self, raw_html: str) -> None:
        """Raw HTML, inserted as is (for formulas, lists, links)."""
        self._parts.append(str(raw_html))

    def code(self, text: str) -> None:
        """A preformatted block (code, tree rules, worked arithmetic)."""
        self._parts.append(f"<pre>{html.escape(str(text))}</pre>")

    def table(self, rows: Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]],
              headers: Sequence[str] | None = None, caption: str | None = None) -> None:
        """A table from a list of dicts (keys are the columns) or of lists plus ``headers``."""
        rows = list(rows)
        if rows and isinstance(rows[0], Mapping):
            if headers is None:
                headers = list(dict.fromkeys(key for row in rows for key in row))
            body = [[row.get(column, "") for column in headers] for row in rows]
        else:
            if rows and headers is not None and any(len(row) != len(headers) for row in rows):
                raise ValueError(f"Every row must have {len(headers)} cells (one per header)")
            body = [list(row) for row in rows]
        out = ["<table>"]
        if caption:
            out.append(f"<caption>{html.escape(caption)}</caption>")
        if headers:
            out.append("<tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
                       + "</tr>")
        for row in body:
            out.append("<tr>" + "".join(f"<td>{_format_cell(v)}</td>" for v in row) + "</tr>")
        out.append("</table>")
        self._parts.append("\n".join(out))

    def figure(self, fig: Any, name: str, caption: str | None = None, dpi: int = 110) -> Path:
        """Save a matplotlib figure as ``figures/NAME.png`` and embed it; closes the figure."""
        if not name or any(ch in name for ch in "/\\") or name.startswith("."):
            raise ValueError(f"Figure name must be a plain file stem, received {name!r}")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        try:
            import matplotlib.pyplot as plt

            plt.close(fig)
        except Exception:  # a Figure made without pyplot needs no closing
            pass
        png = buffer.getvalue()
        path = atomic_write(self.figures_dir / f"{name}.png", png)
        self.figures.append(path)
        encoded = base64.b64encode(png).decode("ascii")
        caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        self._parts.append(
            f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{encoded}">'
            f"{caption_html}</figure>"
        )
        return path

    def body_html(self) -> str:
        """The report's content so far, as HTML."""
        return "\n".join(self._parts)

    def render(self, header_rows: Iterable[tuple[str, Any]] = (), intro: str = "") -> str:
        """The whole self-contained page."""
        meta = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{_format_cell(v)}</td></tr>"
                       for k, v in header_rows)
        return (
            "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(self.title)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>{html.escape(self.title)}</h1>{intro}"
            f"<table class='meta'>{meta}</table>\n{self.body_html()}\n</body></html>\n"
        )
