"""scikit-learn's bundled datasets: small, real, and offline (the embedded defaults).

These files ship inside the scikit-learn wheel, so they load without a network and
without ``--data-dir``: the labs fall back to them when MNIST cannot be had. Each loader
is a thin wrapper over ``sklearn.datasets``, fixing the dtypes (features float, labels
int64) and returning the names that a report needs.

=================  =========  ========  =======  ==========================
loader             samples    features  classes  what
=================  =========  ========  =======  ==========================
load_digits        1797       64        10       8x8 handwritten digits, 0-16
load_breast_cancer 569        30        2        tumour measurements
load_iris          150        4         3        iris flower measurements
load_wine          178        13        3        chemical analysis of wines
=================  =========  ========  =======  ==========================
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["BundledDataset", "load_digits", "load_breast_cancer", "load_iris", "load_wine",
           "load_sample_image"]


class BundledDataset(NamedTuple):
    """A bundled dataset: unpacks as ``X, y, feature_names, target_names``."""

    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    target_names: list[str]


def _wrap(bunch, dtype: np.dtype) -> BundledDataset:
    return BundledDataset(
        X=np.asarray(bunch.data, dtype=dtype),
        y=np.asarray(bunch.target, dtype=np.int64),
        feature_names=[str(name) for name in bunch.feature_names],
        target_names=[str(name) for name in bunch.target_names],
    )


def load_digits(dtype: np.dtype = np.float32) -> BundledDataset:
    """The 1,797 8x8 handwritten digits of scikit-learn (pixel values 0-16).

    Parameters
    ----------
    dtype : NumPy float dtype, default=float32

    Returns
    -------
    X : ndarray of shape (1797, 64)
        Row ``i`` reshaped to (8, 8) is the image.
    y : ndarray of shape (1797,), int64
    feature_names : list of str
    target_names : list of str

    See Also
    --------
    sklearn.datasets.load_digits

    Examples
    --------
    >>> X, y, _, target_names = load_digits()
    >>> X.shape, X.dtype, y.dtype, float(X.max()), target_names[:3]
    ((1797, 64), dtype('float32'), dtype('int64'), 16.0, ['0', '1', '2'])
    """
    from sklearn.datasets import load_digits as sklearn_load_digits

    return _wrap(sklearn_load_digits(), dtype)


def load_breast_cancer(dtype: np.dtype = np.float64) -> BundledDataset:
    """The Wisconsin breast cancer data: 569 tumours, 30 features, malignant (0) or benign (1).

    Returns
    -------
    X : ndarray of shape (569, 30)
    y : ndarray of shape (569,), int64
    feature_names, target_names : list of str

    See Also
    --------
    sklearn.datasets.load_breast_cancer

    Examples
    --------
    >>> X, y, feature_names, target_names = load_breast_cancer()
    >>> X.shape, np.bincount(y).tolist(), target_names
    ((569, 30), [212, 357], ['malignant', 'benign'])
    """
    from sklearn.datasets import load_breast_cancer as sklearn_load_breast_cancer

    return _wrap(sklearn_load_breast_cancer(), dtype)


def load_iris(dtype: np.dtype = np.float64) -> BundledDataset:
    """Fisher's iris flowers: 150 samples, 4 measurements (cm), 3 species.

    Returns
    -------
    X : ndarray of shape (150, 4)
    y : ndarray of shape (150,), int64
    feature_names, target_names : list of str

    See Also
    --------
    sklearn.datasets.load_iris

    Examples
    --------
    >>> X, y, feature_names, target_names = load_iris()
    >>> X.shape, target_names
    ((150, 4), ['setosa', 'versicolor', 'virginica'])
    """
    from sklearn.datasets import load_iris as sklearn_load_iris

    return _wrap(sklearn_load_iris(), dtype)


def load_wine(dtype: np.dtype = np.float64) -> BundledDataset:
    """The UCI wine recognition data: 178 wines, 13 chemical measurements, 3 cultivars.

    Returns
    -------
    X : ndarray of shape (178, 13)
    y : ndarray of shape (178,), int64
    feature_names, target_names : list of str

    See Also
    --------
    sklearn.datasets.load_wine

    Examples
    --------
    >>> X, y, _, _ = load_wine()
    >>> X.shape, np.bincount(y).tolist()
    ((178, 13), [59, 71, 48])
    """
    from sklearn.datasets import load_wine as sklearn_load_wine

    return _wrap(sklearn_load_wine(), dtype)


def load_sample_image(name: str = "china.jpg", as_float: bool = False) -> np.ndarray:
    """One of scikit-learn's two bundled photos, ``"china.jpg"`` or ``"flower.jpg"``.

    Parameters
    ----------
    name : {"china.jpg", "flower.jpg"}, default="china.jpg"
    as_float : bool, default=False
        Return float32 in [0, 1] (``pixel / 255``) instead of uint8.

    Returns
    -------
    ndarray of shape (427, 640, 3)
        Height, width, RGB channels (HWC, as images are stored; ``image.transpose(2, 0,
        1)[None]`` is the NCHW batch that the transforms and convolutions take).

    Raises
    ------
    ValueError
        Unknown ``name``.

    See Also
    --------
    sklearn.datasets.load_sample_image

    Examples
    --------
    >>> image = load_sample_image("china.jpg")
    >>> image.shape, image.dtype
    ((427, 640, 3), dtype('uint8'))
    """
    from sklearn.datasets import load_sample_images

    photos = load_sample_images()
    names = [path.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] for path in photos.filenames]
    if name not in names:
        raise ValueError(f"Received an invalid value for name: expected one of {names}, "
                         f"received {name!r}.")
    image = np.asarray(photos.images[names.index(name)])
    if as_float:
        return image.astype(np.float32) / np.float32(255.0)
    return image
