"""Canny edge detection from scratch (Canny 1986), step by step, in plain NumPy.

1. **Smooth** with a Gaussian of width ``sigma`` (noise would otherwise look like edges).
2. **Gradient** with the Sobel kernels: ``g_y`` (down the rows), ``g_x`` (along the
   columns), magnitude ``|g| = sqrt(g_x² + g_y²)``. An edge is where the intensity
   changes fastest, across the edge, i.e. along the gradient.
3. **Non-maximum suppression** thins the ridge of ``|g|`` to one pixel: a pixel stays
   only if its magnitude is at least that of its two neighbours along the gradient
   direction (interpolated between an axis neighbour and a diagonal one).
4. **Double threshold**: pixels with ``|g| >= high`` are *strong* edges, those with
   ``low <= |g| < high`` *weak* candidates; the rest are dropped.
5. **Hysteresis**: a weak pixel is kept only if it is connected (8-neighbourhood,
   through other candidates) to a strong one, so edges continue through faint parts
   while isolated noise disappears.

Each step follows ``skimage.feature.canny`` (its Gaussian, its ``mode`` at the border,
its bilinear non-maximum suppression and its thresholds on the gradient magnitude), so
the two give the same edge map up to floating-point ties.
"""

from __future__ import annotations

import numpy as np

from glassbox.vision._checks import check_finite
from glassbox.vision.color import to_float_image
from glassbox.vision.convolution import correlate2d
from glassbox.vision.kernels import sobel_x, sobel_y
from glassbox.vision.separable import separable_correlate2d

__all__ = [
    "canny", "connected_components", "gaussian_kernel1d", "gaussian_smooth",
    "hysteresis_threshold", "non_maximum_suppression", "sobel_gradients",
]

# Border modes by their scipy.ndimage / skimage names -> our padding_mode names.
CANNY_MODES = {
    "constant": "zeros",
    "nearest": "replicate",
    "reflect": "symmetric",
    "mirror": "reflect",
    "wrap": "circular",
}


def gaussian_kernel1d(sigma: float, truncate: float = 4.0) -> np.ndarray:
    """Normalised 1-D Gaussian ``exp(-x² / 2 sigma²)`` on ``|x| <= int(truncate sigma + 0.5)``.

    The kernel of ``scipy.ndimage.gaussian_filter`` (same radius rule).

    Examples
    --------
    >>> np.round(gaussian_kernel1d(0.5), 4)
    array([0.0003, 0.1065, 0.7866, 0.1065, 0.0003])
    """
    if not np.isfinite(sigma) or sigma <= 0:
        raise ValueError(f"Expected sigma to be a positive number, received sigma={sigma!r}.")
    radius = int(truncate * sigma + 0.5)
    x = np.arange(-radius, radius + 1)
    phi = np.exp(-0.5 / sigma**2 * x**2)
    return phi / phi.sum()


def gaussian_smooth(image: np.ndarray, sigma: float, mode: str = "constant") -> np.ndarray:
    """Gaussian blur of a 2-D float image, as ``skimage.filters.gaussian`` inside Canny.

    Separable: the 1-D Gaussian down the columns, then along the rows (2k instead of k²
    multiplications per pixel). With ``mode='constant'`` the zeros outside the image
    would darken the border and draw a false edge around it; as in skimage, the result is
    divided by the blur of an all-ones image (each pixel's share of weight that fell
    inside the image).

    Parameters
    ----------
    image : ndarray of shape (H, W)
    sigma : float
    mode : {'constant', 'nearest', 'reflect', 'mirror', 'wrap'}, default 'constant'
        Border handling, with scipy.ndimage's names.

    Returns
    -------
    ndarray of shape (H, W)

    Examples
    --------
    >>> flat = np.full((5, 5), 0.5)
    >>> bool(np.allclose(gaussian_smooth(flat, sigma=1.0), 0.5))   # no dark border
    True
    """
    if mode not in CANNY_MODES:
        raise ValueError(f"Expected mode to be one of {sorted(CANNY_MODES)}, received {mode!r}.")
    g = gaussian_kernel1d(sigma)
    smoothed = separable_correlate2d(image, g, g, padding="same", padding_mode=CANNY_MODES[mode])
    if mode == "constant":
        ones = np.ones_like(image)
        weight_inside = separable_correlate2d(ones, g, g, padding="same")
        smoothed /= weight_inside + np.finfo(image.dtype).eps
    return smoothed


def sobel_gradients(image: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sobel gradients ``(g_y, g_x, magnitude)`` of a 2-D image.

    ``g_y = image ⋆ sobel_y`` (down the rows, ``scipy.ndimage.sobel(axis=0)``), ``g_x =
    image ⋆ sobel_x`` (along the columns), magnitude ``sqrt(g_x² + g_y²)``. The border is
    padded symmetrically (scipy's default ``'reflect'``).

    Examples
    --------
    >>> ramp = np.tile(np.arange(5.0), (5, 1))        # brighter to the right
    >>> g_y, g_x, magnitude = sobel_gradients(ramp)
    >>> float(g_x[2, 2]), float(g_y[2, 2]), float(magnitude[2, 2])
    (8.0, 0.0, 8.0)
    """
    g_y = correlate2d(image, sobel_y(), padding=1, padding_mode="symmetric")
    g_x = correlate2d(image, sobel_x(), padding=1, padding_mode="symmetric")
    magnitude = np.sqrt(g_y * g_y + g_x * g_x)
    return g_y, g_x, magnitude


def non_maximum_suppression(g_y: np.ndarray, g_x: np.ndarray, magnitude: np.ndarray,
                            low_threshold: float = 0.0) -> np.ndarray:
    """Keep ``magnitude`` where it is a maximum along the gradient and ``>= low_threshold``.

    The gradient ``(g_y, g_x)`` points across the edge. Its direction falls between an
    axis neighbour (one step along the larger component: down if ``|g_y| > |g_x|``, else
    right) and a diagonal neighbour (the axis step plus one step along the smaller
    component, towards the same side when ``g_y`` and ``g_x`` have the same sign). The
    magnitude one pixel along the gradient is interpolated between the two with weight
    ``w = min(|g_x|, |g_y|) / max(|g_x|, |g_y|)`` (``w = tan`` of the angle to the axis):

    .. math:: m_+ = w\\, m[\\text{diagonal}] + (1 - w)\\, m[\\text{axis}],

    and ``m_-`` likewise on the opposite side. A pixel survives if ``m >= m_+`` and ``m >=
    m_-``. The outermost pixels are always dropped (their neighbours are unknown). This is
    skimage's bilinear rule, computed for all pixels at once.

    Parameters
    ----------
    g_y, g_x, magnitude : ndarray of shape (H, W)
    low_threshold : float, default 0.0
        Pixels below it are dropped too (0 keeps every non-zero maximum).

    Returns
    -------
    ndarray of shape (H, W)
        The magnitude at the surviving pixels, 0 elsewhere.

    Examples
    --------
    >>> ridge = np.tile([0.0, 1.0, 3.0, 1.0, 0.0], (5, 1))      # a vertical ridge
    >>> thin = non_maximum_suppression(np.zeros((5, 5)), np.ones((5, 5)), ridge)
    >>> thin[2]
    array([0., 0., 3., 0., 0.])
    """
    H, W = magnitude.shape
    abs_y, abs_x = np.abs(g_y), np.abs(g_x)
    vertical = abs_y > abs_x                              # the larger component is g_y
    same_sign = (g_y > 0) == (g_x > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(vertical, abs_x / abs_y, abs_y / abs_x)   # in [0, 1]
    # Offsets (row, column) of the axis and diagonal neighbours on the "+" side.
    axis_di, axis_dj = vertical.astype(int), (~vertical).astype(int)
    diag_di = np.where(vertical, 1, np.where(same_sign, 1, -1))
    diag_dj = np.where(vertical, np.where(same_sign, 1, -1), 1)

    padded = np.pad(magnitude, 1)                         # neighbours of border pixels exist
    rows, cols = np.indices((H, W)) + 1                   # positions in `padded`

    def interpolated(sign):
        axis = padded[rows + sign * axis_di, cols + sign * axis_dj]
        diagonal = padded[rows + sign * diag_di, cols + sign * diag_dj]
        return diagonal * w + axis * (1.0 - w)

    # NOTE: skimage raises a zero threshold to 1e-14 so that flat (m == 0) pixels never pass.
    low_threshold = max(low_threshold, 1e-14)
    keep = magnitude >= low_threshold
    keep &= interpolated(+1) <= magnitude
    keep &= interpolated(-1) <= magnitude
    keep[[0, -1], :] = False
    keep[:, [0, -1]] = False
    return np.where(keep, magnitude, 0.0).astype(magnitude.dtype, copy=False)


def connected_components(mask: np.ndarray) -> np.ndarray:
    """Label the 8-connected components of a boolean image.

    Every ``True`` pixel gets the label of its component: the rank, among the ``True``
    pixels in row-major order, of the component's first pixel; ``False`` pixels get -1.

    Algorithm (vectorised, a loop over rounds, not pixels): each pixel points to a
    parent with a smaller or equal rank, starting with itself (a forest of trees; a
    tree's root is the pixel that points to itself). Each round (a) *hooks*: for every
    pair of neighbouring pixels in different trees, the root of the larger rank is made
    to point to the smaller root, merging the trees; (b) *jumps*: every pixel's parent is
    replaced by its grandparent until all point straight at a root. Parents only get
    smaller and stay inside the component, so the rounds end when each component is one
    tree rooted at its first pixel; whole trees merge at once, so a long edge needs a
    few rounds, not one round per pixel of length (Shiloach & Vishkin 1982).

    Examples
    --------
    >>> mask = np.array([[1, 1, 0, 0],
    ...                  [0, 0, 0, 1],
    ...                  [0, 0, 1, 0]], dtype=bool)
    >>> connected_components(mask)
    array([[ 0,  0, -1, -1],
           [-1, -1, -1,  2],
           [-1, -1,  2, -1]])
    """
    H, W = mask.shape
    n = int(np.count_nonzero(mask))
    # rank[r + 1, c + 1] = rank of pixel (r, c) among the True pixels, -1 elsewhere
    # (a frame of -1 so that border pixels have neighbours to look at).
    rank = np.full((H + 2, W + 2), -1, dtype=np.int64)
    rank[1:-1, 1:-1][mask] = np.arange(n)
    rows, cols = np.nonzero(mask)                         # row-major: matches the ranks
    # Edges of the 8-neighbourhood graph; 4 offsets cover each undirected pair once.
    pixel_a, pixel_b = [], []
    for di, dj in ((0, 1), (1, -1), (1, 0), (1, 1)):
        neighbour = rank[rows + 1 + di, cols + 1 + dj]
        found = neighbour >= 0
        pixel_a.append(np.flatnonzero(found))
        pixel_b.append(neighbour[found])
    pixel_a, pixel_b = np.concatenate(pixel_a), np.concatenate(pixel_b)

    parent = np.arange(n)
    while True:
        root_a, root_b = parent[pixel_a], parent[pixel_b]  # roots: parents are roots here
        different = root_a != root_b
        if not different.any():
            break
        root_a, root_b = root_a[different], root_b[different]
        # (a) hook: larger root -> smaller root (when several pairs hook the same root,
        # one of them wins; the others are merged in a later round)
        parent[np.maximum(root_a, root_b)] = np.minimum(root_a, root_b)
        while True:                                       # (b) pointer jumping
            grandparent = parent[parent]
            if np.array_equal(grandparent, parent):
                break
            parent = grandparent
    labels = np.full((H, W), -1, dtype=np.int64)
    labels[mask] = parent
    return labels


def hysteresis_threshold(candidates: np.ndarray, strong: np.ndarray) -> np.ndarray:
    """Keep the 8-connected components of ``candidates`` that contain a ``strong`` pixel.

    Examples
    --------
    >>> candidates = np.array([[1, 1, 0, 1, 1]], dtype=bool)
    >>> strong = np.array([[0, 1, 0, 0, 0]], dtype=bool)
    >>> hysteresis_threshold(candidates, strong)
    array([[ True,  True, False, False, False]])
    """
    if not candidates.any():  # a blank, constant or very smooth image: no edge at all
        return np.zeros(candidates.shape, dtype=bool)
    labels = connected_components(candidates)
    keep_label = np.zeros(int(np.count_nonzero(candidates)), dtype=bool)
    keep_label[labels[strong & candidates]] = True
    return candidates & keep_label[np.maximum(labels, 0)]


def canny(image, sigma: float = 1.0, low_threshold: float | None = None,
          high_threshold: float | None = None, *, mode: str = "constant") -> np.ndarray:
    """Canny edge map of a grayscale image: smooth, Sobel, thin, double threshold, hysteresis.

    Thresholds apply to the Sobel gradient magnitude of the smoothed image on the
    ``[0, 1]`` intensity scale: an unsigned-integer image is divided by its dtype's
    maximum first (uint8 by 255), and so are explicit thresholds, exactly as in
    ``skimage.feature.canny``; a float image is used as it is.

    Parameters
    ----------
    image : array-like of shape (H, W)
        Grayscale; float (used as it is) or unsigned integers (scaled to [0, 1]). Signed
        integers are cast to float as they are (skimage maps them to [-1, 1] instead).
    sigma : float, default 1.0
        Standard deviation of the Gaussian smoothing, in pixels.
    low_threshold : float, optional
        Weak-edge threshold; default 0.1 (on the [0, 1] scale).
    high_threshold : float, optional
        Strong-edge threshold; default 0.2.
    mode : {'constant', 'nearest', 'reflect', 'mirror', 'wrap'}, default 'constant'
        Border handling of the Gaussian smoothing (scipy.ndimage names).

    Returns
    -------
    ndarray of bool, shape (H, W)
        True on edge pixels (one pixel wide).

    See Also
    --------
    skimage.feature.canny

    Examples
    --------
    >>> square = np.zeros((12, 12)); square[3:9, 3:9] = 1.0
    >>> edges = canny(square, sigma=1.0)
    >>> edges.dtype, int(edges.sum()), bool(edges[3, 5]), bool(edges[5, 5])
    (dtype('bool'), 20, True, False)
    """
    raw = np.asarray(image)
    if raw.dtype.kind not in "biuf":
        raise TypeError(
            f"Expected a numeric grayscale image, received dtype {raw.dtype}. Convert it "
            "first, e.g. np.asarray(image, dtype=np.float64)."
        )
    if raw.ndim != 2:
        raise ValueError(
            f"Expected a 2-D grayscale image of shape (H, W), received shape {raw.shape}. "
            "Convert colour images with glassbox.vision.rgb_to_gray."
        )
    x = to_float_image(raw)
    check_finite(x, "image")
    # Thresholds are on the [0, 1] scale; explicit ones are given in the image's units.
    dtype_max = np.iinfo(raw.dtype).max if raw.dtype.kind == "u" else 1.0
    low = 0.1 if low_threshold is None else low_threshold / dtype_max
    high = 0.2 if high_threshold is None else high_threshold / dtype_max
    if high < low:
        raise ValueError(
            f"Expected low_threshold <= high_threshold, received low_threshold="
            f"{low_threshold!r} and high_threshold={high_threshold!r}. Swap them."
        )

    smoothed = gaussian_smooth(x, sigma, mode)                    # 1. smooth
    g_y, g_x, magnitude = sobel_gradients(smoothed)               # 2. gradient
    thin = non_maximum_suppression(g_y, g_x, magnitude, low)      # 3. thin (and >= low)
    candidates = thin > 0                                         # 4. double threshold
    strong = thin >= high
    return hysteresis_threshold(candidates, strong)               # 5. hysteresis
