"""The playground's data: the six pictures, the input features, and uploaded CSV files.

Classification uses :mod:`glassbox.data.toys` (circle, exclusive-or, Gaussian blobs,
spiral arms, with 2-5 classes); regression uses the TensorFlow Playground's two
surfaces (``src/dataset.ts``), written out here:

- ``plane``: ``y = (x1 + x2) / 10`` on the square [-6, 6]^2, so y lies in [-1.2, 1.2];
- ``multigauss``: six bumps of height +-1 at (+-4 or 0, +-2.5) falling linearly to 0 at
  distance 2; y is the bump largest in absolute value.

Features are what the network sees: any of x1, x2, x1^2, x2^2, x1*x2, sin x1, sin x2.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

from glassbox.data import make_circle, make_gaussian, make_spiral, make_xor
from glassbox.playground.settings import FEATURES, Settings

__all__ = ["Dataset", "generate", "make_plane", "make_multigauss", "features", "parse_csv",
           "N_SAMPLES", "DOMAIN", "MAX_UPLOAD_BYTES", "MAX_UPLOAD_ROWS"]

N_SAMPLES = 500            # points per generated data set (the playground's default)
DOMAIN = 6.0               # pictures and heat maps cover [-6, 6]^2
MAX_UPLOAD_BYTES = 5_000_000
MAX_UPLOAD_ROWS = 10_000
MIN_UPLOAD_ROWS = 10
UPLOAD_SCALE = 5.0         # uploaded coordinates are mapped onto [-5, 5]


@dataclass
class Dataset:
    """Points of one picture: ``X`` (n, 2) float32 in [-6, 6]^2 and ``y``.

    ``y`` is int64 class labels 0..n_classes-1 for classification, float32 targets for
    regression (``n_classes`` is then 0). ``note`` tells the page what was done to the
    data (rescaling of an upload), or is empty.

    Examples
    --------
    >>> data = Dataset(np.zeros((3, 2), np.float32), np.array([0, 1, 1]), n_classes=2)
    >>> data.is_classification
    True
    """

    X: np.ndarray
    y: np.ndarray
    n_classes: int
    note: str = ""

    @property
    def is_classification(self) -> bool:
        return self.n_classes > 0


def make_plane(n_samples: int, noise: float, generator: np.random.Generator):
    """The playground's regression plane: ``y = (x1 + x2) / 10`` (noise moves the inputs).

    Examples
    --------
    >>> X, y = make_plane(4, 0.0, np.random.default_rng(0))
    >>> bool(np.allclose(y, (X[:, 0] + X[:, 1]) / 10))
    True
    """
    X = generator.uniform(-DOMAIN, DOMAIN, size=(n_samples, 2))
    moved = X + generator.uniform(-DOMAIN, DOMAIN, size=(n_samples, 2)) * noise
    y = (moved[:, 0] + moved[:, 1]) / 10.0
    return X.astype(np.float32), y.astype(np.float32)


_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                   [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=np.float64)


def make_multigauss(n_samples: int, noise: float, generator: np.random.Generator):
    """The playground's six bumps: each ``sign * max(0, 1 - distance / 2)``; y is the
    largest in absolute value.

    Examples
    --------
    >>> X, y = make_multigauss(200, 0.0, np.random.default_rng(0))
    >>> bool(y.min() >= -1 and y.max() <= 1)
    True
    """
    X = generator.uniform(-DOMAIN, DOMAIN, size=(n_samples, 2))
    moved = X + generator.uniform(-DOMAIN, DOMAIN, size=(n_samples, 2)) * noise
    distance = np.hypot(moved[:, None, 0] - _BUMPS[:, 0], moved[:, None, 1] - _BUMPS[:, 1])
    heights = _BUMPS[:, 2] * np.clip(1.0 - distance / 2.0, 0.0, 1.0)  # (n, 6)
    largest = np.abs(heights).argmax(axis=1)
    y = heights[np.arange(n_samples), largest]
    return X.astype(np.float32), y.astype(np.float32)


def generate(settings: Settings) -> Dataset:
    """The data set ``settings`` describes (not "upload"), seeded by ``settings.seed``.

    Examples
    --------
    >>> data = generate(Settings(dataset="spiral", classes=3))
    >>> data.X.shape, np.bincount(data.y).tolist()
    ((500, 2), [167, 167, 166])
    """
    if settings.dataset == "upload":
        raise ValueError("dataset: 'upload' has no generator; send a CSV file instead.")
    generator = np.random.default_rng(settings.seed)
    noise = settings.noise / 100.0
    if settings.problem == "regression":
        maker = {"plane": make_plane, "multigauss": make_multigauss}[settings.dataset]
        X, y = maker(N_SAMPLES, noise, generator)
        return Dataset(X, y, 0)
    if settings.dataset == "xor":
        X, y = make_xor(N_SAMPLES, noise=noise, random_state=generator)
    else:
        maker = {"circle": make_circle, "gauss": make_gaussian,
                 "spiral": make_spiral}[settings.dataset]
        X, y = maker(N_SAMPLES, noise=noise, n_classes=settings.classes,
                     random_state=generator)
    return Dataset(X, y, settings.classes if settings.dataset != "xor" else 2)


def features(X: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """The network's input: one column per feature name, shape (n, len(names)), float32.

    Examples
    --------
    >>> features(np.array([[2.0, 3.0]]), ("x1", "x1x2", "x2sq")).tolist()
    [[2.0, 6.0, 9.0]]
    """
    x1, x2 = X[:, 0], X[:, 1]
    columns = {"x1": lambda: x1, "x2": lambda: x2, "x1sq": lambda: x1 * x1,
               "x2sq": lambda: x2 * x2, "x1x2": lambda: x1 * x2,
               "sinx1": lambda: np.sin(x1), "sinx2": lambda: np.sin(x2)}
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"features: expected names among {', '.join(FEATURES)}, "
                         f"received {unknown}.")
    return np.stack([columns[name]() for name in names], axis=1).astype(np.float32)


def parse_csv(text: str) -> Dataset:
    """Check and read an uploaded CSV: columns x1, x2 and a label or a target.

    A header line is optional. The third column is a class label when its values are
    integers with 2 to 5 distinct values (or when the header calls it ``label`` or
    ``class``), and a regression target otherwise (or when the header calls it
    ``target``). Coordinates are mapped linearly onto [-5, 5] (each axis on its own),
    regression targets onto [-1, 1], class labels onto 0..k-1 in sorted order; the
    returned ``note`` says so.

    Raises ``ValueError`` with a message for the page (which line, what was expected,
    what was found) for anything else.

    Examples
    --------
    >>> rows = "\\n".join(f"{i},{i % 3},{i % 2}" for i in range(12))
    >>> data = parse_csv("x1,x2,label\\n" + rows)
    >>> data.n_classes, data.X.min(axis=0).tolist(), data.X.max(axis=0).tolist()
    (2, [-5.0, -5.0], [5.0, 5.0])
    """
    if not isinstance(text, str):
        raise TypeError(f"CSV upload: expected text, received {type(text).__name__}.")
    size = len(text.encode("utf-8"))
    if size > MAX_UPLOAD_BYTES:
        raise ValueError(f"CSV upload: expected at most {MAX_UPLOAD_BYTES:,} bytes, "
                         f"received {size:,}.")
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError("CSV upload: the file is empty; expected rows x1,x2,label.")
    kind = None
    if not _is_number(rows[0][0].strip() if rows[0] else ""):
        header = [cell.strip().lower() for cell in rows[0]]
        if len(header) != 3:
            raise ValueError(f"CSV upload: expected a header of 3 columns (x1,x2,label or "
                             f"x1,x2,target), received {len(header)}: {rows[0]}.")
        if header[2] in ("label", "class"):
            kind = "label"
        elif header[2] == "target":
            kind = "target"
        rows = rows[1:]
    if len(rows) > MAX_UPLOAD_ROWS:
        raise ValueError(f"CSV upload: expected at most {MAX_UPLOAD_ROWS:,} rows, "
                         f"received {len(rows):,}.")
    if len(rows) < MIN_UPLOAD_ROWS:
        raise ValueError(f"CSV upload: expected at least {MIN_UPLOAD_ROWS} rows, "
                         f"received {len(rows)}.")
    values = np.empty((len(rows), 3), dtype=np.float64)
    for number, row in enumerate(rows, start=1):
        if len(row) != 3:
            raise ValueError(f"CSV upload: row {number} has {len(row)} columns; expected 3 "
                             f"(x1, x2, label or target).")
        for column, cell in enumerate(row):
            try:
                value = float(cell)
            except ValueError:
                raise ValueError(f"CSV upload: row {number}, column {column + 1}: expected a "
                                 f"number, received {cell.strip()!r}.") from None
            if not math.isfinite(value):
                raise ValueError(f"CSV upload: row {number}, column {column + 1}: expected a "
                                 f"finite number, received {cell.strip()!r}.")
            values[number - 1, column] = value
    X, target = values[:, :2], values[:, 2]
    notes = []
    for axis in (0, 1):
        low, high = X[:, axis].min(), X[:, axis].max()
        if high == low:
            raise ValueError(f"CSV upload: column x{axis + 1} has one value ({low:g}); "
                             f"expected points spread in the plane.")
        X[:, axis] = (X[:, axis] - low) / (high - low) * 2 * UPLOAD_SCALE - UPLOAD_SCALE
        notes.append(f"x{axis + 1} [{low:g}, {high:g}]")
    note = f"{len(rows)} rows; " + ", ".join(notes) + f" mapped onto [-{UPLOAD_SCALE:g}, " \
                                                      f"{UPLOAD_SCALE:g}]"
    integral = bool(np.all(target == np.round(target)))
    classes = np.unique(target)
    if kind is None:
        kind = "label" if integral and 2 <= len(classes) <= 5 else "target"
    if kind == "label":
        if not integral or not 2 <= len(classes) <= 5:
            raise ValueError(f"CSV upload: the label column must hold integers with 2 to 5 "
                             f"distinct values; received {len(classes)} distinct values"
                             f"{'' if integral else ' (not all integers)'}.")
        y = np.searchsorted(classes, target).astype(np.int64)
        note += f"; classes {', '.join(f'{c:g}' for c in classes)} as 0..{len(classes) - 1}"
        return Dataset(X.astype(np.float32), y, len(classes), note)
    low, high = target.min(), target.max()
    if high == low:
        raise ValueError(f"CSV upload: the target column has one value ({low:g}); expected "
                         f"a varying number.")
    y = (target - low) / (high - low) * 2 - 1
    note += f"; target [{low:g}, {high:g}] mapped onto [-1, 1]"
    return Dataset(X.astype(np.float32), y.astype(np.float32), 0, note)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
