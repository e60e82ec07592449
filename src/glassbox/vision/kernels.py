"""A catalogue of classic image kernels (small matrices defined by hand).

Before CNNs learned their filters, image processing wrote them by hand: an identity, edge
detectors, sharpening and blurring. Each function returns a float64 array, to use with
:func:`glassbox.vision.correlate2d`; ``KERNELS`` maps a name to its function, so that
``KERNELS["sobel_x"]()`` and ``sobel_x()`` are the same kernel.

The three edge detectors are those of the course (section 3.1): a diagonal one and the
two Laplacian forms. Derivative kernels (Sobel, Prewitt) are written for correlation, as
``scipy.ndimage.sobel`` applies them: ``sobel_x`` is positive where the image gets
brighter to the right, ``sobel_y`` where it gets brighter downwards.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

__all__ = [
    "KERNELS", "binomial_blur", "box_blur", "edge_diagonal", "gaussian_blur", "get_kernel",
    "identity", "laplacian_4", "laplacian_8", "prewitt_x", "prewitt_y", "sharpen",
    "sobel_x", "sobel_y",
]


def _odd_size(size, name="size"):
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1 \
            or size % 2 == 0:
        raise ValueError(
            f"Expected {name} to be a positive odd integer (a kernel needs a centre pixel), "
            f"received {name}={size!r}."
        )
    return int(size)


def identity(size: int = 3) -> np.ndarray:
    """The identity kernel: a 1 at the centre, 0 elsewhere; leaves the image unchanged.

    Examples
    --------
    >>> identity()
    array([[0., 0., 0.],
           [0., 1., 0.],
           [0., 0., 0.]])
    """
    size = _odd_size(size)
    kernel = np.zeros((size, size))
    kernel[size // 2, size // 2] = 1.0
    return kernel


def edge_diagonal() -> np.ndarray:
    """The course's first edge detector: responds to diagonal changes of intensity.

    It is the product of two central differences, ``[1, 0, -1]^T [1, 0, -1]``: the mixed
    derivative d²f/dx dy, zero on flat regions and on straight horizontal or vertical ramps.

    Examples
    --------
    >>> edge_diagonal()
    array([[ 1.,  0., -1.],
           [ 0.,  0.,  0.],
           [-1.,  0.,  1.]])
    """
    return np.array([[1.0, 0.0, -1.0], [0.0, 0.0, 0.0], [-1.0, 0.0, 1.0]])


def laplacian_4() -> np.ndarray:
    """The 4-neighbour Laplacian, as in the course: d²f/dx² + d²f/dy².

    Sum of the four neighbours minus four times the centre: 0 on flat regions and linear
    ramps, large at edges and fine detail.

    Examples
    --------
    >>> laplacian_4()
    array([[ 0.,  1.,  0.],
           [ 1., -4.,  1.],
           [ 0.,  1.,  0.]])
    """
    return np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])


def laplacian_8() -> np.ndarray:
    """The 8-neighbour edge detector with the course's sign: 8 times the centre minus the ring.

    This is minus the 8-neighbour Laplacian, so it is positive on a bright spot; it also
    responds to diagonal edges, which :func:`laplacian_4` weighs less.

    Examples
    --------
    >>> laplacian_8()
    array([[-1., -1., -1.],
           [-1.,  8., -1.],
           [-1., -1., -1.]])
    """
    kernel = -np.ones((3, 3))
    kernel[1, 1] = 8.0
    return kernel


def sharpen() -> np.ndarray:
    """Sharpen: the identity minus the 4-neighbour Laplacian (adds the edges back in).

    Its weights sum to 1, so flat regions keep their brightness.

    Examples
    --------
    >>> sharpen()
    array([[ 0., -1.,  0.],
           [-1.,  5., -1.],
           [ 0., -1.,  0.]])
    """
    return identity() - laplacian_4()


def box_blur(size: int = 3) -> np.ndarray:
    """Box blur: the mean of the ``size x size`` neighbourhood (weights ``1 / size²``).

    The course shows it unnormalised (all ones); dividing by the number of weights keeps
    the image's brightness.

    Examples
    --------
    >>> box_blur(3) * 9
    array([[1., 1., 1.],
           [1., 1., 1.],
           [1., 1., 1.]])
    """
    size = _odd_size(size)
    return np.full((size, size), 1.0 / size**2)


def binomial_blur() -> np.ndarray:
    """The course's blur ``[[1, 2, 1], [2, 4, 2], [1, 2, 1]] / 16``: a small Gaussian.

    It is the outer product of the binomial row ``[1, 2, 1] / 4`` with itself, the 3x3
    approximation of a Gaussian with sigma about 0.85.

    Examples
    --------
    >>> binomial_blur() * 16
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    row = np.array([1.0, 2.0, 1.0]) / 4.0
    return np.outer(row, row)


def gaussian_blur(size: int = 5, sigma: float = 1.0) -> np.ndarray:
    """Gaussian blur: weights ``exp(-(p² + q²) / (2 sigma²))``, normalised to sum 1.

    Parameters
    ----------
    size : int, default 5
        Odd side length; ``2 * ceil(3 * sigma) + 1`` keeps 99.7 % of the weight.
    sigma : float, default 1.0
        Standard deviation in pixels; larger blurs more.

    Examples
    --------
    >>> g = gaussian_blur(3, sigma=1.0)
    >>> round(float(g.sum()), 12), round(float(g[1, 1]), 4)
    (1.0, 0.2042)
    """
    size = _odd_size(size)
    if not np.isfinite(sigma) or sigma <= 0:
        raise ValueError(f"Expected sigma to be a positive number, received sigma={sigma!r}.")
    offsets = np.arange(size) - size // 2
    row = np.exp(-(offsets**2) / (2.0 * sigma**2))
    kernel = np.outer(row, row)           # exp(-p²/2σ²) exp(-q²/2σ²): separable
    return kernel / kernel.sum()


def sobel_x() -> np.ndarray:
    """Sobel derivative along x (columns): smoothing ``[1, 2, 1]^T`` times ``[-1, 0, 1]``.

    Equals ``scipy.ndimage.sobel(image, axis=1)`` when used with correlation.

    Examples
    --------
    >>> sobel_x()
    array([[-1.,  0.,  1.],
           [-2.,  0.,  2.],
           [-1.,  0.,  1.]])
    """
    return np.outer([1.0, 2.0, 1.0], [-1.0, 0.0, 1.0])


def sobel_y() -> np.ndarray:
    """Sobel derivative along y (rows, downwards): the transpose of :func:`sobel_x`.

    Examples
    --------
    >>> sobel_y()
    array([[-1., -2., -1.],
           [ 0.,  0.,  0.],
           [ 1.,  2.,  1.]])
    """
    return sobel_x().T


def prewitt_x() -> np.ndarray:
    """Prewitt derivative along x: box smoothing ``[1, 1, 1]^T`` times ``[-1, 0, 1]``.

    The course's vertical-edge filter ``[[1, 0, -1]] * 3`` is this kernel with the
    opposite sign.

    Examples
    --------
    >>> prewitt_x()
    array([[-1.,  0.,  1.],
           [-1.,  0.,  1.],
           [-1.,  0.,  1.]])
    """
    return np.outer([1.0, 1.0, 1.0], [-1.0, 0.0, 1.0])


def prewitt_y() -> np.ndarray:
    """Prewitt derivative along y: the transpose of :func:`prewitt_x`.

    Examples
    --------
    >>> prewitt_y()
    array([[-1., -1., -1.],
           [ 0.,  0.,  0.],
           [ 1.,  1.,  1.]])
    """
    return prewitt_x().T


#: Name -> kernel function, read-only. Functions with parameters use their defaults
#: when called without arguments.
KERNELS = MappingProxyType({
    "identity": identity,
    "edge_diagonal": edge_diagonal,
    "laplacian_4": laplacian_4,
    "laplacian_8": laplacian_8,
    "sharpen": sharpen,
    "box_blur": box_blur,
    "binomial_blur": binomial_blur,
    "gaussian_blur": gaussian_blur,
    "sobel_x": sobel_x,
    "sobel_y": sobel_y,
    "prewitt_x": prewitt_x,
    "prewitt_y": prewitt_y,
})


def get_kernel(name: str, **kwargs) -> np.ndarray:
    """The catalogue kernel called ``name``, built with ``kwargs`` (e.g. ``size``, ``sigma``).

    Examples
    --------
    >>> get_kernel("box_blur", size=5).shape
    (5, 5)
    >>> sorted(KERNELS)[:3]
    ['binomial_blur', 'box_blur', 'edge_diagonal']
    """
    if name not in KERNELS:
        raise ValueError(
            f"Unknown kernel name {name!r}; expected one of {sorted(KERNELS)}."
        )
    return KERNELS[name](**kwargs)
