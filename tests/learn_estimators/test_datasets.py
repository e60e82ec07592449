"""glassbox.learn.datasets is scikit-learn's loaders under the twin's path."""

import numpy as np
import pytest
import sklearn.datasets

import glassbox.learn.datasets as datasets


@pytest.mark.parametrize("name", [n for n in datasets.__all__ if n != "Bunch"])
def test_same_loader_as_sklearn(name):
    assert getattr(datasets, name) is getattr(sklearn.datasets, name)
    assert isinstance(datasets.load_iris(), datasets.Bunch)


def test_gallery_style_use():
    bunch = datasets.load_wine(as_frame=True)
    assert {"data", "target", "feature_names", "target_names", "DESCR", "frame"} <= set(bunch)
    assert list(bunch.frame.columns[:-1]) == bunch.feature_names
    X, y = datasets.load_digits(n_class=3, return_X_y=True)
    np.testing.assert_array_equal(np.unique(y), [0, 1, 2])
