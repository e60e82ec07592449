"""The playground's settings: one validated record, and its round trip through the URL.

Everything that decides what the page shows (the data, the network, the training) is
one frozen :class:`Settings`. The page keeps it in the URL's fragment, so a link
restores the same data, network, seed and options. The page never builds that text
itself: it sends the fragment to the server, :meth:`Settings.from_query` checks it, and
:meth:`Settings.to_query` writes the canonical form back, so there is one parser (this
one) and the round trip ``Settings.from_query(s.to_query()) == s`` holds for every
valid ``s``.

Ranges follow the TensorFlow Playground (``src/state.ts``): noise 0-50 %, training
ratio 10-90 %, batch size 1-30, up to 6 hidden layers of 1-8 neurons; beyond it, 2-5
classes, three optimizers and a learning rate anywhere in (0, 10].
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

__all__ = ["Settings", "FEATURES", "DATASETS", "ACTIVATIONS", "OPTIMIZERS",
           "REGULARIZATIONS", "MAX_LAYERS", "MAX_NEURONS", "MAX_QUERY_LENGTH"]

# Input features: URL name -> formula shown on the page.
FEATURES = {
    "x1": "x₁", "x2": "x₂", "x1sq": "x₁²", "x2sq": "x₂²", "x1x2": "x₁x₂",
    "sinx1": "sin(x₁)", "sinx2": "sin(x₂)",
}
# Data sets of each problem type ("upload" is the user's own CSV).
DATASETS = {
    "classification": ("circle", "xor", "gauss", "spiral", "upload"),
    "regression": ("plane", "multigauss", "upload"),
}
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
OPTIMIZERS = ("sgd", "momentum", "adam")
REGULARIZATIONS = ("none", "L1", "L2")
MAX_LAYERS = 6
MAX_NEURONS = 8
MAX_CLASSES = 5
MAX_SEED = 2**31 - 1
MAX_QUERY_LENGTH = 2000


def _fail(name: str, expected: str, value: object) -> ValueError:
    return ValueError(f"{name}: expected {expected}, received {value!r}.")


@dataclass(frozen=True)
class Settings:
    """Every option of the playground, validated on construction.

    Parameters
    ----------
    problem : {"classification", "regression"}
    dataset : str
        One of ``DATASETS[problem]``.
    classes : int in [2, 5]
        Number of classes of the generated classification data (exclusive-or has 2).
    noise : int in [0, 50]
        Noise in percent (the data generators take ``noise / 100``).
    train_ratio : int in [10, 90]
        Percentage of the points used for training; the rest are test points.
    batch_size : int in [1, 30]
    seed : int in [0, 2**31 - 1]
        Seeds the data, the split, the initial weights and the batch order.
    features : tuple of str
        Input features, a non-empty subset of ``FEATURES`` (kept in that order).
    hidden : tuple of int
        Neurons per hidden layer: 0 to 6 layers of 1 to 8 neurons.
    activation : {"relu", "tanh", "sigmoid", "linear"}
    regularization : {"none", "L1", "L2"}
    reg_rate : float in [0, 10]
    learning_rate : float in (0, 10]
    optimizer : {"sgd", "momentum", "adam"}
    discretize : bool
        Show the decision map as hard classes (or, in regression, signs).
    show_test : bool
        Draw the test points on the decision map.

    Examples
    --------
    >>> s = Settings(dataset="spiral", classes=3, hidden=(8, 8))
    >>> s.to_query()[:47]
    'problem=classification&dataset=spiral&classes=3'
    >>> Settings.from_query(s.to_query()) == s
    True
    >>> Settings(learning_rate=-1)
    Traceback (most recent call last):
    ...
    ValueError: learning_rate: expected a number in (0, 10], received -1.
    """

    problem: str = "classification"
    dataset: str = "circle"
    classes: int = 2
    noise: int = 0
    train_ratio: int = 50
    batch_size: int = 10
    seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    regularization: str = "none"
    reg_rate: float = 0.0
    learning_rate: float = 0.03
    optimizer: str = "sgd"
    discretize: bool = False
    show_test: bool = False

    def __post_init__(self) -> None:
        _check_choice("problem", self.problem, tuple(DATASETS))
        _check_choice("dataset", self.dataset, DATASETS[self.problem])
        _check_int("classes", self.classes, 2, MAX_CLASSES)
        if self.dataset == "xor" and self.classes != 2:
            raise _fail("classes", "2 for the exclusive-or data set", self.classes)
        _check_int("noise", self.noise, 0, 50)
        _check_int("train_ratio", self.train_ratio, 10, 90)
        _check_int("batch_size", self.batch_size, 1, 30)
        _check_int("seed", self.seed, 0, MAX_SEED)
        features = self.features
        if not isinstance(features, (tuple, list)) or not features \
                or any(name not in FEATURES for name in features) \
                or len(set(features)) != len(features):
            raise _fail("features", f"a non-empty list of distinct names among "
                        f"{', '.join(FEATURES)}", features)
        # Canonical order (the page's order), so equal sets give equal settings.
        object.__setattr__(self, "features", tuple(n for n in FEATURES if n in features))
        hidden = self.hidden
        if not isinstance(hidden, (tuple, list)) or len(hidden) > MAX_LAYERS:
            raise _fail("hidden", f"at most {MAX_LAYERS} hidden layers", hidden)
        for width in hidden:
            _check_int("hidden", width, 1, MAX_NEURONS)
        object.__setattr__(self, "hidden", tuple(int(w) for w in hidden))
        _check_choice("activation", self.activation, ACTIVATIONS)
        _check_choice("regularization", self.regularization, REGULARIZATIONS)
        _check_number("reg_rate", self.reg_rate, 0.0, 10.0, "[0, 10]", low_open=False)
        _check_number("learning_rate", self.learning_rate, 0.0, 10.0, "(0, 10]",
                      low_open=True)
        for name in ("reg_rate", "learning_rate"):  # 1 and 1.0 are the same setting
            object.__setattr__(self, name, float(getattr(self, name)))
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        for name in ("discretize", "show_test"):
            if not isinstance(getattr(self, name), bool):
                raise _fail(name, "true or false", getattr(self, name))

    # ------------------------------------------------------------------ derived
    @property
    def n_classes(self) -> int:
        """Classes of the generated data (uploaded data brings its own count)."""
        return self.classes

    def replace(self, **changes) -> Settings:
        """A copy with some fields changed (validated again).

        Examples
        --------
        >>> Settings().replace(hidden=(8,)).hidden
        (8,)
        """
        unknown = set(changes) - {field.name for field in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"unknown setting(s) {sorted(unknown)}; expected some of "
                             f"{[field.name for field in dataclasses.fields(self)]}.")
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        """The settings as JSON-ready values (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in dataclasses.asdict(self).items()}

    @classmethod
    def from_dict(cls, values: dict) -> Settings:
        """Settings from JSON values, checked; missing keys keep their defaults."""
        if not isinstance(values, dict):
            raise TypeError(f"settings: expected an object, received "
                            f"{type(values).__name__}.")
        values = dict(values)
        for name in ("features", "hidden"):
            if isinstance(values.get(name), list):
                values[name] = tuple(values[name])
        return cls().replace(**values)

    # ------------------------------------------------------------------ URL
    def to_query(self) -> str:
        """The settings as a URL query (the page puts it after ``#``).

        Examples
        --------
        >>> 'hidden=4,2' in Settings().to_query()
        True
        """
        pairs = []
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool):
                text = "1" if value else "0"
            elif isinstance(value, tuple):
                text = ",".join(str(item) for item in value)
            elif isinstance(value, float):
                text = repr(value)  # repr round-trips a float exactly
            else:
                text = str(value)
            pairs.append((field.name, text))
        return urlencode(pairs, safe=",")

    @classmethod
    def from_query(cls, query: str) -> Settings:
        """Parse :meth:`to_query`'s text; absent keys keep their defaults.

        Raises ``ValueError`` naming the key for any malformed or out-of-range value and
        for unknown keys.

        Examples
        --------
        >>> Settings.from_query("dataset=spiral&classes=4&hidden=").hidden
        ()
        >>> Settings.from_query("hidden=101")
        Traceback (most recent call last):
        ...
        ValueError: hidden: expected an integer in [1, 8], received 101.
        """
        if not isinstance(query, str):
            raise TypeError(f"query: expected a string, received {type(query).__name__}.")
        if len(query) > MAX_QUERY_LENGTH:
            raise ValueError(f"query: expected at most {MAX_QUERY_LENGTH} characters, "
                             f"received {len(query)}.")
        query = query.lstrip("#?")
        fields = {field.name: field for field in dataclasses.fields(cls)}
        values: dict = {}
        for key, text in parse_qsl(query, keep_blank_values=True):
            if key not in fields:
                raise ValueError(f"unknown setting {key!r} in the URL; expected some of "
                                 f"{', '.join(fields)}.")
            default = fields[key].default
            if isinstance(default, bool):
                if text not in ("0", "1"):
                    raise _fail(key, "0 or 1", text)
                values[key] = text == "1"
            elif isinstance(default, int):
                values[key] = _parse_int(key, text)
            elif isinstance(default, float):
                values[key] = _parse_float(key, text)
            elif key == "hidden":
                values[key] = tuple(_parse_int(key, item) for item in text.split(",")
                                    if item != "")
            elif key == "features":
                values[key] = tuple(item for item in text.split(",") if item != "")
            else:
                values[key] = text
        return cls(**values)


def _check_choice(name: str, value: object, choices: tuple) -> None:
    if not isinstance(value, str) or value not in choices:
        raise _fail(name, f"one of {', '.join(choices)}", value)


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(name, f"an integer in [{low}, {high}]", value)


def _check_number(name: str, value: object, low: float, high: float, text: str,
                  low_open: bool) -> None:
    ok = (not isinstance(value, bool) and isinstance(value, (int, float))
          and math.isfinite(value) and (low < value if low_open else low <= value)
          and value <= high)
    if not ok:
        raise _fail(name, f"a number in {text}", value)


def _parse_int(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _fail(name, "an integer", text) from None


def _parse_float(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _fail(name, "a number", text) from None
