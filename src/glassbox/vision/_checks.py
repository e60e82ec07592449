"""Input checks shared by the vision functions: arrays, pairs of ints, padding specs.

Every check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind,
wrong value) with a message that says what was expected, what was received and how to
fix it, as torch and scipy do for the same mistakes.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_float_array", "as_pair", "check_finite", "resolve_padding"]


def as_float_array(value, name: str, dtype=None) -> np.ndarray:
    """``value`` as a floating-point array: float32/float64 kept, integers/bools to float64.

    ``dtype`` forces a dtype (used to cast a kernel to the image's dtype, so that a
    float32 image with a float64 catalogue kernel still gives a float32 result).
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"Expected {name} to be a numeric array, received {type(value).__name__} that "
            f"NumPy cannot convert ({error}). Pass a NumPy array of numbers."
        ) from error
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"Expected {name} to be a numeric array (bool, int or float), received dtype "
            f"{array.dtype}. Convert it first, e.g. np.asarray({name}, dtype=np.float32)."
        )
    if dtype is None:
        dtype = array.dtype if array.dtype in (np.float32, np.float64) else np.float64
    return array.astype(dtype, copy=False)


def check_finite(array: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if ``array`` holds NaN or infinity (they would spread silently)."""
    if not np.isfinite(array).all():
        n_bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"Expected {name} to contain only finite numbers, received {n_bad} NaN or "
            f"infinite value(s) in an array of shape {array.shape}. Replace them first, "
            f"e.g. with np.nan_to_num({name})."
        )


def as_pair(value, name: str, minimum: int = 1) -> tuple[int, int]:
    """An int or a pair of ints as ``(height_value, width_value)``, each ``>= minimum``."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        pair = (int(value), int(value))
    elif (isinstance(value, (tuple, list)) and len(value) == 2
          and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value)):
        pair = (int(value[0]), int(value[1]))
    else:
        raise TypeError(
            f"Expected {name} to be an int or a pair of ints (height, width), "
            f"received {name}={value!r}."
        )
    if min(pair) < minimum:
        kind = "positive" if minimum == 1 else f">= {minimum}"
        raise ValueError(
            f"Received an invalid value for {name}, expected {kind} integer(s). "
            f"Received: {name}={value!r}."
        )
    return pair


def resolve_padding(padding, kernel_size: tuple[int, int],
                    dilation: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    """Turn a padding spec into ``((top, bottom), (left, right))``.

    ``'valid'`` is no padding. ``'same'`` pads ``dilation * (k - 1) / 2`` on each side,
    which keeps the size at stride 1; it needs an odd kernel, whose centre pixel lands on
    the input pixel (an even kernel has no centre, so the padding would be lopsided).
    """
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            for axis, k in zip(("height", "width"), kernel_size):
                if k % 2 == 0:
                    raise ValueError(
                        f"padding='same' needs an odd kernel size, received kernel_size="
                        f"{kernel_size} (even {axis}). An even kernel has no centre pixel, so "
                        "the output cannot be aligned with the input; use an odd kernel or "
                        "an explicit padding such as padding=(top_bottom, left_right)."
                    )
            (kH, kW), (dH, dW) = kernel_size, dilation
            pad_h, pad_w = dH * (kH - 1) // 2, dW * (kW - 1) // 2
            return (pad_h, pad_h), (pad_w, pad_w)
        raise ValueError(
            f"Expected padding to be 'valid', 'same', an int or a pair of ints, "
            f"received padding={padding!r}."
        )
    pad_h, pad_w = as_pair(padding, "padding", minimum=0)
    return (pad_h, pad_h), (pad_w, pad_w)
