"""The 2-D toy datasets of the TensorFlow Playground, able to hold more than two classes.

Four classic pictures for seeing what a classifier can separate (playground.tensorflow.org,
``src/dataset.ts``), drawn in the square [-6, 6]^2:

- :func:`make_circle`: a disc inside a ring (``n_classes`` concentric bands);
- :func:`make_xor`: the four quadrants, labelled by the sign of ``x1 * x2``;
- :func:`make_gaussian`: ``n_classes`` Gaussian blobs on a circle;
- :func:`make_spiral`: ``n_classes`` interleaved spiral arms.

As in the playground, ``noise`` is in [0, 0.5] (0 is a clean picture). Every function
returns ``X`` float32 of shape (n_samples, 2) and ``y`` int64 labels 0..n_classes-1, the
classes as balanced as ``n_samples`` allows, in shuffled order (``shuffle=False`` keeps
them sorted by class), like scikit-learn's ``make_*`` generators.
"""

from __future__ import annotations

import numpy as np

from glassbox import _random

__all__ = ["make_circle", "make_xor", "make_gaussian", "make_spiral"]

RADIUS = 5.0  # the playground's pictures fill a disc of radius 5


def _check_generator(random_state: int | np.random.Generator | None) -> np.random.Generator:
    """An int seeds a new generator; None uses glassbox's global one."""
    if random_state is None:
        return _random.default_generator()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return np.random.default_rng(int(random_state))
    raise TypeError(f"random_state: expected None, an int or a numpy.random.Generator, "
                    f"received {random_state!r}.")


def _check_args(n_samples: int, noise: float, n_classes: int) -> None:
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) \
            or n_samples < n_classes:
        raise ValueError(f"n_samples: expected an integer >= n_classes ({n_classes}), "
                         f"received {n_samples!r}.")
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) \
            or n_classes < 2:
        raise ValueError(f"n_classes: expected an integer >= 2, received {n_classes!r}.")
    if not 0.0 <= noise <= 0.5:
        raise ValueError(f"noise: expected a value in [0, 0.5] (the playground's range), "
                         f"received {noise!r}.")


def _balanced_labels(n_samples: int, n_classes: int) -> np.ndarray:
    """Labels 0..n_classes-1 sorted, counts differing by at most one."""
    counts = np.full(n_classes, n_samples // n_classes)
    counts[: n_samples % n_classes] += 1
    return np.repeat(np.arange(n_classes, dtype=np.int64), counts)


def _finish(X: np.ndarray, y: np.ndarray, shuffle: bool,
            generator: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if shuffle:
        order = generator.permutation(len(y))
        X, y = X[order], y[order]
    return X.astype(np.float32), y.astype(np.int64)


def _uniform_noise(n_samples: int, noise: float, generator: np.random.Generator) -> np.ndarray:
    """The playground's noise: each coordinate moved by U(-R, R) * noise."""
    return generator.uniform(-RADIUS, RADIUS, size=(n_samples, 2)) * noise


def make_circle(n_samples: int = 200, *, noise: float = 0.0, n_classes: int = 2,
                shuffle: bool = True,
                random_state: int | np.random.Generator | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """A disc inside rings: class ``k`` lies at a distance in band ``k`` from the origin.

    With band width ``w = 5 / n_classes``, class 0 has radius in ``[0, w]`` and class
    ``k >= 1`` in ``[k w + 0.4 w, (k + 1) w]`` (a gap of ``0.4 w`` between bands). For two
    classes this is the playground's picture: a disc of radius 2.5 inside the ring
    3.5-5. Angles are uniform; ``noise`` moves each coordinate by ``U(-5, 5) * noise``.

    Parameters
    ----------
    n_samples : int, default=200
    noise : float in [0, 0.5], default=0.0
    n_classes : int, default=2
    shuffle : bool, default=True
    random_state : int, numpy.random.Generator or None
        None draws from glassbox's global generator.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32
    y : ndarray of shape (n_samples,), int64

    See Also
    --------
    sklearn.datasets.make_circles

    Examples
    --------
    >>> X, y = make_circle(100, random_state=0)
    >>> radius = np.hypot(X[:, 0], X[:, 1])
    >>> bool((radius[y == 0] <= 2.5).all() and (radius[y == 1] >= 3.5).all())
    True
    """
    _check_args(n_samples, noise, n_classes)
    generator = _check_generator(random_state)
    y = _balanced_labels(n_samples, n_classes)
    width = RADIUS / n_classes
    inner = y * width + np.where(y > 0, 0.4 * width, 0.0)
    outer = (y + 1) * width
    radius = generator.uniform(inner, outer)
    angle = generator.uniform(0.0, 2 * np.pi, size=n_samples)
    X = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)  # (n, 2)
    X = X + _uniform_noise(n_samples, noise, generator)
    return _finish(X, y, shuffle, generator)


def make_xor(n_samples: int = 200, *, noise: float = 0.0, shuffle: bool = True,
             random_state: int | np.random.Generator | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """The exclusive or: points in [-5, 5]^2, label 1 where ``x1 * x2 > 0``, else 0.

    As in the playground, each coordinate is pushed 0.3 away from its axis (so no point
    sits on a boundary), the label is taken from the clean point, and ``noise`` then moves
    each coordinate by ``U(-5, 5) * noise`` (points may cross quadrants: label noise).
    Two classes only: an exclusive or has two.

    Parameters
    ----------
    n_samples : int, default=200
    noise : float in [0, 0.5], default=0.0
    shuffle : bool, default=True
        Ignored in effect (points are drawn in random order); kept for a uniform API.
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32
    y : ndarray of shape (n_samples,), int64

    Examples
    --------
    >>> X, y = make_xor(100, random_state=0)
    >>> bool(((X[:, 0] * X[:, 1] > 0) == (y == 1)).all())
    True
    """
    _check_args(n_samples, noise, 2)
    generator = _check_generator(random_state)
    X = generator.uniform(-RADIUS, RADIUS, size=(n_samples, 2))
    padding = 0.3
    X = X + np.where(X > 0, padding, -padding)
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    X = X + _uniform_noise(n_samples, noise, generator)
    return _finish(X, y, shuffle, generator)


def make_gaussian(n_samples: int = 200, *, noise: float = 0.0, n_classes: int = 2,
                  shuffle: bool = True,
                  random_state: int | np.random.Generator | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs: class ``k`` is centred on a circle of radius ``2 sqrt(2)`` at angle
    ``pi/4 + 2 pi k / n_classes``.

    For two classes the centres are the playground's (2, 2) and (-2, -2). Each blob is an
    isotropic Gaussian of variance ``0.5 + 7 * noise`` (the playground maps noise 0-0.5
    to variance 0.5-4).

    Parameters
    ----------
    n_samples : int, default=200
    noise : float in [0, 0.5], default=0.0
    n_classes : int, default=2
    shuffle : bool, default=True
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32
    y : ndarray of shape (n_samples,), int64

    See Also
    --------
    sklearn.datasets.make_blobs

    Examples
    --------
    >>> X, y = make_gaussian(1000, random_state=0)
    >>> np.round(X[y == 0].mean(axis=0))
    array([2., 2.], dtype=float32)
    """
    _check_args(n_samples, noise, n_classes)
    generator = _check_generator(random_state)
    y = _balanced_labels(n_samples, n_classes)
    angle = np.pi / 4 + 2 * np.pi * np.arange(n_classes) / n_classes
    centres = 2 * np.sqrt(2) * np.stack([np.cos(angle), np.sin(angle)], axis=1)  # (K, 2)
    std = np.sqrt(0.5 + 7.0 * noise)
    X = centres[y] + std * generator.standard_normal((n_samples, 2))
    return _finish(X, y, shuffle, generator)


def make_spiral(n_samples: int = 200, *, noise: float = 0.0, n_classes: int = 2,
                shuffle: bool = True,
                random_state: int | np.random.Generator | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class.

    Point ``i`` of the ``m`` points of class ``k`` sits at radius ``r = 5 i / m`` and
    angle ``t = 1.75 * 2 pi * i / m + 2 pi k / n_classes`` (``x1 = r sin t``,
    ``x2 = r cos t``): each arm turns 1.75 times, the arms are rotated copies of each
    other (for two classes, the playground's two arms half a turn apart). ``noise`` moves
    each coordinate by ``U(-1, 1) * noise``.

    Parameters
    ----------
    n_samples : int, default=200
    noise : float in [0, 0.5], default=0.0
    n_classes : int, default=2
    shuffle : bool, default=True
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32
    y : ndarray of shape (n_samples,), int64

    Examples
    --------
    >>> X, y = make_spiral(300, n_classes=3, random_state=0)
    >>> np.bincount(y)
    array([100, 100, 100])
    """
    _check_args(n_samples, noise, n_classes)
    generator = _check_generator(random_state)
    y = _balanced_labels(n_samples, n_classes)
    counts = np.bincount(y, minlength=n_classes)
    # Position of each point along its arm, 0..m_k - 1 (y is sorted by class).
    position = np.arange(n_samples) - np.repeat(np.cumsum(counts) - counts, counts)
    progress = position / counts[y]  # i / m in [0, 1)
    radius = RADIUS * progress
    angle = 1.75 * 2 * np.pi * progress + 2 * np.pi * y / n_classes
    X = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)  # (n, 2)
    X = X + generator.uniform(-1.0, 1.0, size=(n_samples, 2)) * noise
    return _finish(X, y, shuffle, generator)
