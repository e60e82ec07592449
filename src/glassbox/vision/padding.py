"""Padding an image before a convolution: zeros, or copies of the border.

Sliding a k x k kernel over an H x W image leaves only ``H - k + 1`` full windows per
column, so the output shrinks. Padding adds a frame of ``p`` pixels around the image
first. What goes in the frame matters at the border:

* ``'zeros'`` (torch's name; NumPy's ``'constant'``): a black frame. Cheap, but a bright
  image then has a false edge at its border.
* ``'replicate'`` (NumPy's ``'edge'``, scipy.ndimage's ``'nearest'``): copies of the
  border pixel, ``a a a | a b c d``.
* ``'reflect'`` (torch and NumPy; scipy.ndimage calls it ``'mirror'``): ``c b | a b c d``.
* ``'symmetric'`` (NumPy; scipy.ndimage calls it ``'reflect'``): ``b a | a b c d``.
* ``'circular'`` (torch; NumPy and scipy.ndimage call it ``'wrap'``): ``c d | a b c d``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PADDING_MODES", "pad2d"]

# Our name (and accepted aliases) -> np.pad's mode.
PADDING_MODES = {
    "zeros": "constant",
    "constant": "constant",
    "replicate": "edge",
    "edge": "edge",
    "reflect": "reflect",
    "symmetric": "symmetric",
    "circular": "wrap",
    "wrap": "wrap",
}


def pad2d(x: np.ndarray, padding: tuple[tuple[int, int], tuple[int, int]],
          mode: str = "zeros") -> np.ndarray:
    """Pad the last two axes (height, width) of ``x``.

    Parameters
    ----------
    x : ndarray of shape (..., H, W)
    padding : ((top, bottom), (left, right))
        Pixels added on each side.
    mode : {'zeros', 'replicate', 'reflect', 'symmetric', 'circular'}, default 'zeros'
        What fills the frame; ``'constant'``, ``'edge'`` and ``'wrap'`` are NumPy aliases
        of ``'zeros'``, ``'replicate'`` and ``'circular'``.

    Returns
    -------
    ndarray of shape (..., top + H + bottom, left + W + right)

    See Also
    --------
    numpy.pad, torch.nn.functional.pad

    Examples
    --------
    >>> pad2d(np.array([[1, 2], [3, 4]]), ((1, 0), (0, 1)), mode="replicate")
    array([[1, 2, 2],
           [1, 2, 2],
           [3, 4, 4]])
    """
    if mode not in PADDING_MODES:
        raise ValueError(
            f"Expected padding_mode to be one of {sorted(PADDING_MODES)}, received "
            f"padding_mode={mode!r}."
        )
    (top, bottom), (left, right) = padding
    if top == bottom == left == right == 0:
        return x
    width = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    return np.pad(x, width, mode=PADDING_MODES[mode])
