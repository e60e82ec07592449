"""2-D convolution as CNNs use it (a cross-correlation), in plain NumPy.

A CNN "convolution" slides the kernel over the image and, at each position, multiplies
the window by the kernel element by element and adds up the products:

.. math:: y[i, j] = \\sum_{p=0}^{k_H-1} \\sum_{q=0}^{k_W-1}
          x[i s_H + p d_H,\\; j s_W + q d_W]\\; w[p, q]

(stride ``s``, dilation ``d``, on the padded input ``x``). Mathematicians call this a
*cross-correlation*; a true convolution flips the kernel in both directions first,
``w[k_H - 1 - p, k_W - 1 - q]``. For a symmetric kernel (box, Gaussian, Laplacian) the
two agree; for Sobel they differ in sign. torch, TensorFlow and the course all call the
correlation "convolution", and a CNN learns its kernels, so the flip does not matter
there: :func:`convolve2d` gives the flipped, mathematical one.

Output size along each axis (:func:`glassbox._windows.output_size`):

.. math:: \\text{out} = \\left\\lfloor \\frac{n + p_{\\text{before}} + p_{\\text{after}}
          - d (k - 1) - 1}{s} \\right\\rfloor + 1

Three functions, by layout:

* :func:`correlate2d` / :func:`convolve2d`: an image ``(H, W)`` or ``(H, W, C)``
  (image-processing layout, as in scipy and matplotlib) with one ``(kH, kW)`` kernel,
  or a ``(kH, kW, C)`` volume kernel for a ``(H, W, C)`` image;
* :func:`conv2d`: ``(C_in, H, W)`` or ``(N, C_in, H, W)`` with ``(C_out, C_in / groups,
  kH, kW)`` weights (CNN layout), the twin of ``torch.nn.functional.conv2d``.
"""

from __future__ import annotations

import numpy as np

from glassbox._windows import output_size, sliding_windows
from glassbox.vision._checks import as_float_array, as_pair, check_finite, resolve_padding
from glassbox.vision.padding import pad2d

__all__ = ["conv2d", "convolve2d", "correlate2d", "output_shape"]


def output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1) -> tuple[int, int]:
    """Spatial size ``(H_out, W_out)`` of a 2-D convolution.

    .. math:: \\text{out} = \\lfloor (n + 2p - d(k - 1) - 1) / s \\rfloor + 1

    Parameters
    ----------
    input_size, kernel_size : int or pair of ints
        ``(H, W)`` and ``(kH, kW)``.
    stride, dilation : int or pair of ints, default 1
    padding : int, pair of ints, 'valid' or 'same', default 0

    Returns
    -------
    (H_out, W_out) : tuple of two ints

    See Also
    --------
    glassbox._windows.output_size : the formula along one axis.

    Examples
    --------
    >>> output_shape((4, 4), 3)                       # the course's 4x4 example
    (2, 2)
    >>> output_shape((512, 512), 3, stride=2, padding=1)
    (256, 256)
    >>> output_shape((32, 32), 3, padding="same", dilation=2)
    (32, 32)
    """
    size = as_pair(input_size, "input_size")
    kernel = as_pair(kernel_size, "kernel_size")
    stride = as_pair(stride, "stride")
    dilation = as_pair(dilation, "dilation")
    pads = resolve_padding(padding, kernel, dilation)
    return tuple(output_size(n, k, s, sum(p), d)
                 for n, k, s, p, d in zip(size, kernel, stride, pads, dilation))


def _windows(x, kernel_size, stride, padding, dilation, padding_mode):
    """Pad ``x`` (..., H, W) and return the strided view (..., H_out, W_out, kH, kW)."""
    stride = as_pair(stride, "stride")
    dilation = as_pair(dilation, "dilation")
    pads = resolve_padding(padding, kernel_size, dilation)
    x_padded = pad2d(x, pads, padding_mode)
    (H, W), (kH, kW) = x_padded.shape[-2:], kernel_size
    if dilation[0] * (kH - 1) + 1 > H or dilation[1] * (kW - 1) + 1 > W:
        raise ValueError(
            f"The padded input is {H}x{W} but the (dilated) kernel spans "
            f"{dilation[0] * (kH - 1) + 1}x{dilation[1] * (kW - 1) + 1}; expected an input "
            "at least as large as the kernel. Use a larger image, more padding, or a "
            "smaller kernel/dilation."
        )
    return sliding_windows(x_padded, kernel_size, stride, dilation)


def _sum_over_taps(windows: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Σ_pq kernel[..., p, q] * windows[..., p, q] for windows (..., H_out, W_out, kH, kW).

    ``kernel`` has shape (..., kH, kW) and broadcasts against the leading axes.
    """
    kH, kW = kernel.shape[-2:]
    out = np.zeros(windows.shape[:-2], dtype=windows.dtype)
    # NOTE: the loop runs over the kH*kW kernel taps, never over pixels: each step adds
    # one weight times a whole shifted image (windows[..., p, q] is a strided view). For
    # the small kernels of image processing this beats materialising the im2col matrix
    # (k^2 copies of the image) for a single matrix product, and runs at scipy's speed.
    tap = np.empty_like(out)
    for p in range(kH):
        for q in range(kW):
            np.multiply(kernel[..., p, q, None, None], windows[..., p, q], out=tap)
            out += tap
    return out


def correlate2d(image, kernel, padding=0, stride=1, dilation=1, padding_mode="zeros"):
    """Cross-correlate an image with a kernel: the "convolution" of CNNs.

    .. math:: y[i, j] = \\sum_{p, q} x[i s + p d,\\; j s + q d]\\; w[p, q]

    on the padded image ``x``; ``(H_out, W_out)`` from :func:`output_shape`.

    Parameters
    ----------
    image : array-like of shape (H, W) or (H, W, C)
        Numbers; float32 stays float32, float64 stays float64, ints/bools become float64.
    kernel : array-like of shape (kH, kW) or (kH, kW, C)
        A ``(kH, kW)`` kernel filters each channel of a colour image separately; a
        ``(kH, kW, C)`` kernel (one slice per channel, as in a CNN's first layer) sums the
        channels into one output map.
    padding : int, (int, int), 'valid' or 'same', default 0
        Pixels added on each side of (height, width). ``'same'`` keeps the size at stride
        1 and needs an odd kernel.
    stride : int or (int, int), default 1
        Step of the kernel; 2 halves the output size.
    dilation : int or (int, int), default 1
        Spacing between kernel taps (atrous convolution): a 3x3 kernel with dilation 2
        sees a 5x5 field with 9 weights.
    padding_mode : {'zeros', 'replicate', 'reflect', 'symmetric'}, default 'zeros'
        ``'replicate'`` (alias ``'edge'``) pads with copies of the border pixels.

    Returns
    -------
    ndarray of shape (H_out, W_out), (H_out, W_out, C) or (H_out, W_out)
        Per-channel output for a 2-D kernel on a colour image; one map for a 3-D kernel.

    See Also
    --------
    scipy.signal.correlate2d, scipy.ndimage.correlate, torch.nn.functional.conv2d
    convolve2d : the mathematical convolution (kernel flipped).

    Examples
    --------
    >>> x = np.array([[45, 12, 5, 17], [22, 10, 35, 6], [88, 26, 51, 19], [9, 77, 42, 3]])
    >>> sharpen = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    >>> correlate2d(x, sharpen)                  # the course's worked example
    array([[-45., 103.],
           [-96., 133.]])
    >>> correlate2d(x, sharpen, padding="same").shape
    (4, 4)
    """
    x = as_float_array(image, "image")
    check_finite(x, "image")
    if x.ndim not in (2, 3):
        raise ValueError(
            f"Expected image of shape (H, W) or (H, W, C), received shape {x.shape} "
            f"({x.ndim}-D). For a batch of (N, C, H, W) tensors use conv2d."
        )
    w = as_float_array(kernel, "kernel", dtype=x.dtype)
    check_finite(w, "kernel")
    if w.ndim not in (2, 3):
        raise ValueError(
            f"Expected kernel of shape (kH, kW) or (kH, kW, C), received shape {w.shape}."
        )
    if w.ndim == 3 and (x.ndim != 3 or w.shape[2] != x.shape[2]):
        image_channels = x.shape[2] if x.ndim == 3 else 1
        raise ValueError(
            f"Channel mismatch: a (kH, kW, C) kernel needs an image with the same number "
            f"of channels C. Received image of shape {x.shape} ({image_channels} channel(s)) "
            f"and kernel of shape {w.shape} ({w.shape[2]} channels). Give the kernel one "
            "slice per image channel, or a 2-D kernel to filter each channel separately."
        )
    if x.ndim == 3:
        x = np.moveaxis(x, 2, 0)              # (C, H, W): channels in front of the window axes
    if w.ndim == 3:
        w = np.moveaxis(w, 2, 0)              # (C, kH, kW)
    windows = _windows(x, w.shape[-2:], stride, padding, dilation, padding_mode)
    out = _sum_over_taps(windows, w)               # (C, H_out, W_out) or (H_out, W_out)
    if w.ndim == 3:
        return out.sum(axis=0)                # (H_out, W_out): channels summed
    if out.ndim == 3:
        return np.moveaxis(out, 0, 2)         # (H_out, W_out, C)
    return out


def convolve2d(image, kernel, padding=0, stride=1, dilation=1, padding_mode="zeros"):
    """True (mathematical) 2-D convolution: correlation with the kernel flipped both ways.

    .. math:: (x * w)[i, j] = \\sum_{p, q} x[i + p, j + q]\\; w[k_H - 1 - p, k_W - 1 - q]

    Same arguments and shapes as :func:`correlate2d`. Flipping matters only for kernels
    that are not symmetric under a half turn, e.g. Sobel (the result changes sign) or an
    off-centre kernel (the shift goes the other way).

    See Also
    --------
    scipy.signal.convolve2d, correlate2d

    Examples
    --------
    >>> impulse = np.zeros((3, 3)); impulse[1, 1] = 1
    >>> kernel = np.arange(9.0).reshape(3, 3)
    >>> convolve2d(impulse, kernel, padding="same")       # the kernel itself
    array([[0., 1., 2.],
           [3., 4., 5.],
           [6., 7., 8.]])
    >>> correlate2d(impulse, kernel, padding="same")      # the kernel turned by 180 degrees
    array([[8., 7., 6.],
           [5., 4., 3.],
           [2., 1., 0.]])
    """
    w = np.asarray(kernel)
    if w.ndim >= 2:
        w = w[::-1, ::-1]                     # flip height and width (not channels)
    return correlate2d(image, w, padding, stride, dilation, padding_mode)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1,
           padding_mode="zeros"):
    """CNN convolution of a (batch of) multi-channel image(s): torch's ``F.conv2d``.

    .. math:: y[n, o, i, j] = b[o] + \\sum_{c, p, q}
              x[n, g C_g + c, i s + p d, j s + q d]\\; w[o, c, p, q]

    where ``g = o // (C_out / groups)`` is the output channel's group and ``C_g =
    C_in / groups``. ``groups = C_in`` is a depthwise convolution (each channel filtered
    on its own).

    Parameters
    ----------
    input : array-like of shape (C_in, H, W) or (N, C_in, H, W)
    weight : array-like of shape (C_out, C_in / groups, kH, kW)
    bias : array-like of shape (C_out,), optional
    stride, padding, dilation : as in :func:`correlate2d`
    groups : int, default 1
        Split the channels into this many independent groups.
    padding_mode : {'zeros', 'replicate', 'reflect', 'symmetric'}, default 'zeros'
        (torch puts this on ``nn.Conv2d``; here it is an argument.)

    Returns
    -------
    ndarray of shape (C_out, H_out, W_out) or (N, C_out, H_out, W_out)

    See Also
    --------
    torch.nn.functional.conv2d

    Examples
    --------
    >>> x = np.ones((3, 5, 5), dtype=np.float32)          # an RGB 5x5 image
    >>> w = np.ones((2, 3, 3, 3), dtype=np.float32)       # 2 filters of 3x3x3
    >>> y = conv2d(x, w, padding=1)
    >>> y.shape, y.dtype, float(y[0, 2, 2]), float(y[0, 0, 0])
    ((2, 5, 5), dtype('float32'), 27.0, 12.0)
    """
    x = as_float_array(input, "input")
    check_finite(x, "input")
    if x.ndim not in (3, 4):
        raise ValueError(
            f"Expected input of shape (C_in, H, W) or (N, C_in, H, W), received shape "
            f"{x.shape}. For a plain (H, W) or (H, W, C) image use correlate2d."
        )
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]                           # (1, C_in, H, W)
    w = as_float_array(weight, "weight", dtype=x.dtype)
    check_finite(w, "weight")
    if w.ndim != 4:
        raise ValueError(
            f"Expected weight of shape (C_out, C_in / groups, kH, kW), received shape {w.shape}."
        )
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"Expected groups to be a positive integer, received groups={groups!r}.")
    N, C_in = x.shape[:2]
    C_out, C_group, kH, kW = w.shape
    if C_in % groups or C_out % groups or C_group * groups != C_in:
        raise ValueError(
            f"Channel mismatch: input has C_in={C_in} channels and weight has shape "
            f"{w.shape} with groups={groups}; expected weight.shape[1] * groups == C_in "
            f"(here {C_group} * {groups} = {C_group * groups}) and C_out divisible by groups."
        )
    windows = _windows(x, (kH, kW), stride, padding, dilation, padding_mode)
    H_out, W_out = windows.shape[2:4]
    # (N, groups, C_in / groups, H_out, W_out, kH, kW): split the channel axis (a view)
    windows = windows.reshape(N, groups, C_group, H_out, W_out, kH, kW)
    w = w.reshape(groups, C_out // groups, C_group, kH, kW)
    # im2col: one matrix product per group contracts (channel, kH, kW) between each
    # window and each filter; tensordot copies the windows into the im2col matrix.
    per_group = [np.tensordot(windows[:, g], w[g], axes=([1, 4, 5], [1, 2, 3]))
                 for g in range(groups)]          # each (N, H_out, W_out, C_out / groups)
    out = np.concatenate(per_group, axis=3)       # (N, H_out, W_out, C_out)
    out = np.ascontiguousarray(out.transpose(0, 3, 1, 2))  # (N, C_out, H_out, W_out)
    if bias is not None:
        b = as_float_array(bias, "bias", dtype=x.dtype)
        if b.shape != (C_out,):
            raise ValueError(f"Expected bias of shape ({C_out},), received shape {b.shape}.")
        out += b[:, None, None]
    return out[0] if unbatched else out
