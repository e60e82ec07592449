"""MetricFrame: any metric, computed overall and on each protected group.

The idea is one loop: split the rows by the value of the sensitive feature(s), call the
metric on each part, then compare the parts. ``difference()`` is the largest gap between
two groups (max - min), ``ratio()`` the smallest quotient (min / max), or each group
against the whole population with ``method="to_overall"``. The twin is
``fairlearn.metrics.MetricFrame``; where fairlearn returns pandas objects, this one
returns plain Python (a float per metric, a dict per group), so it needs no pandas.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

__all__ = ["MetricFrame"]

_METHODS = ("between_groups", "to_overall")


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN is the only value not equal to itself
    except (TypeError, ValueError):
        return False


def _columns(sensitive_features: Any, n_samples: int) -> tuple[list[np.ndarray], list[str]]:
    """The sensitive features as a list of 1-D object arrays, with their names.

    Accepted: one 1-D array-like, a 2-D array (one feature per column), a dict of name to
    array, a pandas Series or DataFrame (their names are kept).
    """
    if hasattr(sensitive_features, "columns") and hasattr(sensitive_features, "iloc"):
        names = [str(name) for name in sensitive_features.columns]
        columns = [np.asarray(sensitive_features.iloc[:, i], dtype=object)
                   for i in range(len(names))]
    elif isinstance(sensitive_features, Mapping):
        names = [str(name) for name in sensitive_features]
        columns = [np.asarray(list(column), dtype=object)
                   for column in sensitive_features.values()]
    else:
        name = getattr(sensitive_features, "name", None)
        array = np.asarray(sensitive_features, dtype=object)
        if array.ndim == 2 and array.shape[1] == 1 and array.shape[0] != 1:
            array = array[:, 0]
        if array.ndim == 1:
            columns = [array]
            names = [str(name) if isinstance(name, str) else "sensitive_feature_0"]
        elif array.ndim == 2:
            columns = [array[:, i] for i in range(array.shape[1])]
            names = [f"sensitive_feature_{i}" for i in range(array.shape[1])]
        else:
            raise ValueError(f"sensitive_features must be 1-D or 2-D, received an array of "
                             f"shape {array.shape}.")
    for name, column in zip(names, columns):
        if len(column) != n_samples:
            raise ValueError(f"Sensitive feature {name!r} has {len(column)} values, expected "
                             f"one per sample ({n_samples}).")
        if any(_is_missing(value) for value in column):
            raise ValueError(f"Sensitive feature {name!r} has missing values (NaN or None); "
                             "a group must be known for every sample. Fill or drop them.")
    return columns, names


def _group_keys(sensitive_features: Any, n_samples: int) -> tuple[list[Any], list[str]]:
    """The group of each sample: a value (one feature) or a tuple of values (several)."""
    columns, names = _columns(sensitive_features, n_samples)
    if len(columns) == 1:
        return [_plain(value) for value in columns[0]], names
    return [tuple(_plain(value) for value in row) for row in zip(*columns)], names


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _sort_key(value: Any):
    # Groups sort as pandas' groupby sorts them: numbers by value, strings alphabetically.
    return (0, value, "") if isinstance(value, numbers.Number) else (1, 0, str(value))


def _is_scalar(value: Any) -> bool:
    return np.ndim(value) == 0 and isinstance(value, (numbers.Number, np.generic))


class MetricFrame:
    """Metrics computed on the whole data and on each group of the sensitive features.

    Parameters
    ----------
    metrics : callable or dict of str to callable
        Each is called ``metric(y_true, y_pred, **params)``.
    y_true, y_pred : array-like of shape (n_samples,)
    sensitive_features : array-like of shape (n_samples,) or (n_samples, n_features), dict,
        pandas Series or DataFrame
        With several features the groups are their combinations (tuples), every
        combination of observed values included (a combination with no sample gets NaN).
    sample_params : dict, optional
        Extra per-sample arguments (``{"sample_weight": w}``); with a dict of metrics, a
        dict of such dicts keyed by metric name. They are split with the rows.

    Attributes
    ----------
    overall : float or dict of str to float
        The metric(s) on all samples.
    by_group : dict of group to float, or dict of str to dict of group to float
        The metric(s) on each group; a group is a value, or a tuple with several features.
    sensitive_features_names : list of str

    See Also
    --------
    fairlearn.metrics.MetricFrame

    Examples
    --------
    >>> from glassbox.fairness import true_positive_rate
    >>> frame = MetricFrame(metrics=true_positive_rate, y_true=[1, 1, 1, 1, 0],
    ...                     y_pred=[1, 0, 1, 1, 0], sensitive_features=list("aabbb"))
    >>> frame.overall, frame.by_group
    (0.75, {'a': 0.5, 'b': 1.0})
    >>> frame.difference(), frame.ratio()
    (0.5, 0.5)
    """

    def __init__(self, *, metrics: Callable | dict[str, Callable], y_true, y_pred,
                 sensitive_features, control_features=None,
                 sample_params: dict[str, Any] | None = None):
        if control_features is not None:
            raise NotImplementedError("control_features is not supported by glassbox's "
                                      "MetricFrame; use fairlearn's.")
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        if y_true.ndim == 2 and y_true.shape[1] == 1:
            y_true = y_true.ravel()
        if y_pred.ndim == 2 and y_pred.shape[1] == 1:
            y_pred = y_pred.ravel()
        if len(y_true) != len(y_pred):
            raise ValueError(f"y_true and y_pred have different lengths: {len(y_true)} and "
                             f"{len(y_pred)}.")
        self._single = callable(metrics)
        functions = {getattr(metrics, "__name__", "metric"): metrics} if self._single \
            else dict(metrics)
        if not all(callable(f) for f in functions.values()):
            raise TypeError("metrics must be a callable or a dict of str to callable, "
                            f"received {metrics!r}.")
        params = self._split_params(sample_params, functions)
        keys, self.sensitive_features_names = _group_keys(sensitive_features, len(y_true))
        groups = sorted(set(keys), key=_sort_key)
        if len(self.sensitive_features_names) > 1:
            # Every combination of observed values, as fairlearn (a pandas MultiIndex).
            levels = [sorted({key[i] for key in keys}, key=_sort_key)
                      for i in range(len(self.sensitive_features_names))]
            groups = list(itertools.product(*levels))
        members: dict[Any, list[int]] = {}
        for i, key in enumerate(keys):
            members.setdefault(key, []).append(i)
        self._overall = {name: f(y_true, y_pred, **params[name])
                         for name, f in functions.items()}
        self._by_group: dict[str, dict[Any, Any]] = {name: {} for name in functions}
        for group in groups:
            rows = np.asarray(members.get(group, []), dtype=np.intp)
            for name, f in functions.items():
                if len(rows) == 0:
                    self._by_group[name][group] = float("nan")
                    continue
                group_params = {k: v[rows] for k, v in params[name].items()}
                self._by_group[name][group] = f(y_true[rows], y_pred[rows], **group_params)

    @staticmethod
    def _split_params(sample_params, functions) -> dict[str, dict[str, np.ndarray]]:
        """Per metric, its per-sample parameters as arrays (None values dropped)."""
        if sample_params is None:
            return {name: {} for name in functions}
        if not isinstance(sample_params, Mapping):
            raise ValueError(f"sample_params must be a dict, received "
                             f"{type(sample_params).__name__}.")
        if len(functions) == 1 and next(iter(functions)) not in sample_params:
            per_metric = {next(iter(functions)): sample_params}
        else:
            unknown = set(sample_params) - set(functions)
            if unknown:
                raise ValueError(f"sample_params keys must be metric names "
                                 f"({sorted(functions)}), received {sorted(unknown)}.")
            per_metric = {name: sample_params.get(name, {}) for name in functions}
        return {name: {k: np.asarray(v) for k, v in params.items() if v is not None}
                for name, params in per_metric.items()}

    # -- the results, shaped like the metrics argument ------------------------------
    def _shape(self, values: dict[str, Any]) -> Any:
        return next(iter(values.values())) if self._single else values

    @property
    def overall(self) -> Any:
        """The metric(s) on all samples."""
        return self._shape(self._overall)

    @property
    def by_group(self) -> Any:
        """The metric(s) on each group."""
        return self._shape({name: dict(values) for name, values in self._by_group.items()})

    def _extreme(self, pick: Callable, errors: str) -> Any:
        if errors not in ("raise", "coerce"):
            raise ValueError("Invalid error value specified. Valid values are "
                             f"['raise', 'coerce'], received {errors!r}.")
        result = {}
        for name, values in self._by_group.items():
            kept = []
            for value in values.values():
                if not _is_scalar(value):
                    if errors == "raise":
                        raise ValueError(f"Metric {name!r} has non-scalar values per group; "
                                         "use errors='coerce' to treat them as NaN.")
                    continue
                if value == value:
                    kept.append(value)
            result[name] = pick(kept) if kept else float("nan")
        return result

    def group_min(self, errors: str = "raise") -> Any:
        """The smallest value over the groups (NaN groups skipped)."""
        return self._shape(self._extreme(min, errors))

    def group_max(self, errors: str = "raise") -> Any:
        """The largest value over the groups (NaN groups skipped)."""
        return self._shape(self._extreme(max, errors))

    def difference(self, method: str = "between_groups", errors: str = "coerce") -> Any:
        """max |group - reference|: reference = the smallest group value
        (``between_groups``, so max - min) or the overall value (``to_overall``)."""
        if method not in _METHODS:
            raise ValueError(f"Unrecognised method '{method}' in difference() call; "
                             f"expected one of {list(_METHODS)}.")
        reference = (self._extreme(min, errors) if method == "between_groups"
                     else self._overall)
        result = {}
        for name, values in self._by_group.items():
            gaps = [abs(value - reference[name]) for value in values.values()
                    if _is_scalar(value) and _is_scalar(reference[name])]
            gaps = [gap for gap in gaps if gap == gap]
            result[name] = float(max(gaps)) if gaps else float("nan")
        return self._shape(result)

    def ratio(self, method: str = "between_groups", errors: str = "coerce") -> Any:
        """min / max over the groups (``between_groups``), or the smallest of
        group / overall and overall / group (``to_overall``); 1 is parity."""
        if method not in _METHODS:
            raise ValueError(f"Unrecognised method '{method}' in ratio() call; "
                             f"expected one of {list(_METHODS)}.")
        if method == "between_groups":
            low, high = self._extreme(min, errors), self._extreme(max, errors)
            return self._shape({name: _divide(low[name], high[name]) for name in low})
        result = {}
        for name, values in self._by_group.items():
            overall = self._overall[name]
            ratios = []
            for value in values.values():
                if not (_is_scalar(value) and _is_scalar(overall)):
                    continue
                quotient = _divide(value, overall)
                ratios.append(1.0 / quotient if quotient > 1 else quotient)
            ratios = [r for r in ratios if r == r]
            result[name] = float(min(ratios)) if ratios else float("nan")
        return self._shape(result)


def _divide(a: float, b: float) -> float:
    """a / b as pandas divides: x / 0 is +-inf, 0 / 0 and NaN are NaN."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(a) / np.float64(b))
