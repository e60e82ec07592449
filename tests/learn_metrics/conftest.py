"""Shared by the metric tests: the scikit-learn parity helper, as a session fixture."""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm

import glassbox.learn.metrics as gbm


def _call(function, *args, **kwargs):
    """(result or raised exception type, list of (category, message) warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = function(*args, **kwargs)
        except ValueError as error:
            result = type(error)
    return result, sorted({(w.category.__name__, str(w.message)) for w in caught})


def assert_same_as_sklearn(name, *args, **kwargs):
    """One parity check: same value (1e-12, NaN == NaN), same errors, same warnings."""
    ours, our_warnings = _call(getattr(gbm, name), *args, **kwargs)
    theirs, their_warnings = _call(getattr(skm, name), *args, **kwargs)
    if isinstance(theirs, type):
        assert ours is theirs, f"sklearn raised {theirs.__name__}, we returned {ours}"
        return
    assert not isinstance(ours, type), f"we raised, sklearn returned {theirs}"
    if isinstance(theirs, tuple):
        for a, b in zip(ours, theirs):
            if b is None:
                assert a is None
            else:
                np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    else:
        assert np.shape(ours) == np.shape(theirs)
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    assert our_warnings == their_warnings


@pytest.fixture(scope="session")
def same_as_sklearn():
    """``same_as_sklearn(name, *args, **kwargs)``: glassbox and sklearn ``name`` agree."""
    return assert_same_as_sklearn
