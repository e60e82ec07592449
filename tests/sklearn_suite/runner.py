"""Run scikit-learn's own test functions with glassbox's classes in place of its own.

A test function of an installed scikit-learn test module is copied with new globals in
which the names under test (``DecisionTreeClassifier``, ``GridSearchCV``, ``f1_score``,
the ``CLF_TREES`` dict...) point to glassbox's objects; its ``pytest.mark.parametrize``
cases are expanded by hand and the two common seed/dtype fixtures get fixed values.
Each case ends in one of three outcomes:

- ``"pass"``;
- ``"refusal"``: glassbox raised ``NotImplementedError``, or a ``ValueError`` /
  ``TypeError`` naming what it does not support (sparse input, multi-output, other
  solvers...): a clear refusal of an option glassbox does not claim;
- ``"skipped"``: the borrowed test skipped itself (array-API runs without
  ``SCIPY_ARRAY_API``...);
- ``"other"``: a wrong result, an unclear crash, or a behaviour the test pins down that
  glassbox does not share (the notes list them).
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import re
import types
import warnings

import numpy as np

FIXED_FIXTURES = {"global_random_seed": 42, "global_dtype": np.float64}

# words of glassbox's refusals of unsupported options
_REFUSAL = re.compile(
    r"glassbox|not supported|not implemented|does not (support|implement)|sparse|"
    r"multi-?output|expected .*received|only .* supported|Unsupported|should be a 1d array|"
    r"y should be a 1d|solver|penalty|multilabel", re.IGNORECASE)


def _code_names(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _substituted(function, substitutes):
    globals_ = dict(function.__globals__)
    globals_.update(substitutes)
    copy = types.FunctionType(function.__code__, globals_, function.__name__,
                              function.__defaults__, function.__closure__)
    copy.__kwdefaults__ = function.__kwdefaults__
    return copy


def _expand(function, substitutes_by_value):
    """Every parameter combination of the function's parametrize marks (dicts)."""
    axes = []
    for mark in getattr(function, "pytestmark", []):
        if mark.name != "parametrize":
            continue
        names, values = mark.args[0], mark.args[1]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        cases = []
        for value in values:
            if hasattr(value, "values") and hasattr(value, "marks"):  # pytest.param
                if any(mark.name in ("xfail", "skip") for mark in value.marks):
                    continue  # expected to fail even on scikit-learn's own classes
                value = value.values  # already a tuple, one entry per name
            else:
                value = value if len(names) > 1 else (value,)
            value = tuple(substitutes_by_value.get(id(v), v) for v in value)
            cases.append(dict(zip(names, value)))
        axes.append(cases)
    for combination in itertools.product(*axes):
        kwargs = {}
        for part in combination:
            kwargs.update(part)
        yield kwargs


def cases(module_name, substitutes, only=None):
    """``(case id, callable)`` for the module's tests that use a substituted name."""
    module = importlib.import_module(module_name)
    # dict substitutes (CLF_TREES...): cases parametrised by a key glassbox lacks
    # (ExtraTreeClassifier...) do not exercise glassbox and are left out
    absent_keys = {key for name, value in substitutes.items() if isinstance(value, dict)
                   for key in getattr(module, name, {}) if key not in value}
    by_value = {id(getattr(module, name)): value for name, value in substitutes.items()
                if hasattr(module, name) and not isinstance(getattr(module, name), dict)}
    for name, function in sorted(vars(module).items()):
        if not name.startswith("test_") or not inspect.isfunction(function):
            continue
        if only is not None and name not in only:
            continue
        if not _code_names(function.__code__) & set(substitutes):
            continue
        copy = _substituted(function, substitutes)
        parameters = inspect.signature(function).parameters
        for kwargs in _expand(function, by_value):
            missing = [p for p in parameters if p not in kwargs and p not in FIXED_FIXTURES]
            if missing or any(isinstance(v, str) and v in absent_keys for v in kwargs.values()):
                continue  # needs a fixture we do not provide (pyplot, monkeypatch...)
            call = {p: kwargs.get(p, FIXED_FIXTURES.get(p)) for p in parameters}
            label = ",".join(f"{k}={_short(v)}" for k, v in kwargs.items())
            yield f"{module_name.rsplit('.', 1)[-1]}::{name}[{label}]", (
                lambda copy=copy, call=call: copy(**call))


def _short(value):
    text = getattr(value, "__name__", None) or repr(value)
    return text[:30]


def classify(error_type, message):
    """``"refusal" | "skipped" | "other"`` for a case that raised ``error_type``."""
    if error_type in ("SkipTest", "Skipped", "XFailed"):
        return "skipped"  # the borrowed test skipped itself (array API, missing extra)
    if error_type == "NotImplementedError":
        return "refusal"
    if error_type == "InvalidParameterError":
        return "refusal"  # scikit-learn's own validation of glassbox's allowed options
    if error_type == "ValueError" and "fits failed" in message and (
            "InvalidParameterError" in message or _REFUSAL.search(message.split("\n", 4)[-1])):
        return "refusal"  # a search over options glassbox refuses, every fit refused
    if error_type in ("ValueError", "TypeError") and _REFUSAL.search(message):
        return "refusal"
    if error_type == "AssertionError" and "Regex pattern did not match" in message:
        # the test expected scikit-learn's error for an option glassbox does not offer,
        # and got glassbox's refusal of that option instead
        actual = message.split("Actual message:", 1)[-1]
        if _REFUSAL.search(actual):
            return "refusal"
    return "other"


def outcome(run):
    """``("pass" | "refusal" | "skipped" | "other", message)`` of one case."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run()
    except BaseException as error:  # noqa: BLE001 - any failure of a borrowed test
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        # pytest.warns reports "DID NOT WARN" when the code inside raised: judge that
        # exception (glassbox's refusal of multilabel input, of another solver...)
        if type(error).__name__ == "Failed" and error.__context__ is not None:
            error = error.__context__
        message = f"{type(error).__name__}: {error}"
        return classify(type(error).__name__, message), message
    return "pass", ""
