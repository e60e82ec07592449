"""Convolution, pooling, padding and nearest upsampling: ``glassbox.nn.functional``'s
spatial operations, forward and backward, on NumPy arrays.

How the speed is obtained without a single Python loop over samples or pixels
------------------------------------------------------------------------------
*im2col.* A convolution is a matrix product in disguise. ``sliding_windows`` gives a
strided *view* ``(N, C, H_out, W_out, kH, kW)`` of every receptive field; one copy turns
it into columns ``(C*kH*kW, N*H_out*W_out)``, the samples side by side, and the output
of the whole batch is one GEMM (per group):

.. math:: y[n, o, l] = \\sum_k W[o, k]\\, \\text{cols}[k, (n, l)] + b[o]

*Backward, by the same three products* (``g`` is ``dL/dy``):

- ``dL/dW = g @ cols^T`` (``g`` as ``(C_out, N*L)``) -- one GEMM over the columns kept
  from the forward, summing over every sample and pixel at once;
- ``dL/dx = col2im(W^T @ g)`` -- ``col2im`` is the adjoint of im2col: it adds every
  column back onto the pixels it was copied from. It is written as a loop over the
  ``kH*kW`` kernel offsets (each a strided slice of the whole batch), never over pixels,
  and without ``np.add.at``; it runs with the batch axis last, where each offset adds
  long contiguous runs. This is exactly a *transposed convolution*, so
  ``conv_transpose2d``'s forward is this same kernel;
- ``dL/db = sum of g over (n, h, w)``.

Two special cases skip work the general path would waste: a 1x1 convolution with stride
1 reads each sample in place as its own columns (no im2col), and a depthwise
convolution (one channel per group, MobileNet's) is a sum of ``kH*kW`` shifted, scaled
copies of its input. Each is tested equal to the general path.

*Pooling* loops over the kernel offsets too: max pooling keeps a running maximum and the
offset where it was reached; its backward sends each gradient to that offset.

*Threads.* The matrix products use NumPy's BLAS threads. The other large passes (the
im2col copy, col2im's sums, the transposed copies, pooling) are split into chunks of
channels or samples by ``glassbox._threads`` and run on ``glassbox.get_num_threads()``
threads; every number is computed by the same loop whatever the chunks, so the results
do not depend on the thread count.

Higher-order gradients
----------------------
Every backward rule calls the Functions of this module (as torch does), so it runs on
plain arrays during an ordinary ``backward()`` and builds a differentiable graph under
``create_graph=True``. Convolution is bilinear, so three Functions close the family:
``Convolution(x, W)``, its input gradient ``ConvolutionTranspose(g, W)`` and its weight
gradient ``ConvolutionWeightGrad(x, g)``; each one's derivatives are the other two. The linear
operations (pooling, padding, upsampling) each come with their adjoint, and the adjoint
of the adjoint is the operation itself.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from glassbox import _gemm, _threads
from glassbox._windows import output_size, sliding_windows
from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor
from glassbox.nn import _resampling

__all__ = [
    "conv2d",
    "conv_transpose2d",
    "max_pool2d",
    "avg_pool2d",
    "adaptive_avg_pool2d",
    "pad",
    "interpolate",
    "upsample_nearest",
    "upsample_bilinear",
]


class _ArgumentError(RuntimeError, ValueError):
    """Bad arguments to a convolution or pooling function.

    torch raises ``RuntimeError`` for these; glassbox's convention for bad input is
    ``ValueError``. This error is both, so code written for either catches it.
    """


# --------------------------------------------------------------------------------------
# Argument checking
# --------------------------------------------------------------------------------------

def _pair(value, name: str) -> tuple[int, int]:
    """An int or a pair of ints, as a pair (torch's ``_pair``)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value), int(value)
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        return int(value[0]), int(value[1])
    if isinstance(value, (tuple, list)) and len(value) == 1:
        return _pair(value[0], name)
    raise _ArgumentError(
        f"expected {name} to be a single integer value or a list of 2 values to match "
        f"the convolution dimensions, but got {name}={value!r}"
    )


def _check_positive(value: tuple[int, int], name: str) -> None:
    if min(value) <= 0:
        raise _ArgumentError(
            f"non-positive {name} is not supported: expected {name} >= 1, got {value}; "
            f"use {name}=1 for none"
        )


@dataclass(frozen=True)
class _ConvGeometry:
    """Hyper-parameters shared by a convolution and its two gradients.

    ``padding`` is (top, bottom, left, right): 'same' with an even kernel pads one
    more pixel at the bottom/right than at the top/left, as torch does.
    """

    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int, int, int]
    dilation: tuple[int, int]
    groups: int

    def output_hw(self, height: int, width: int) -> tuple[int, int]:
        (kH, kW), (sH, sW), (dH, dW) = self.kernel_size, self.stride, self.dilation
        top, bottom, left, right = self.padding
        return (output_size(height, kH, sH, top + bottom, dH),
                output_size(width, kW, sW, left + right, dW))


def _conv_padding(padding, kernel_size, stride, dilation) -> tuple[int, int, int, int]:
    """Resolve conv2d's ``padding`` (int, pair, 'same', 'valid') to (top, bottom, left, right)."""
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0, 0, 0
        if padding == "same":
            if stride != (1, 1):
                raise _ArgumentError(
                    f"padding='same' is not supported for strided convolutions "
                    f"(got stride={stride}); use stride=1 or an explicit integer padding"
                )
            # Keep H_out == H: pad dilation*(k-1) in total, the odd pixel at the end.
            totals = [d * (k - 1) for k, d in zip(kernel_size, dilation)]
            (top, left) = (totals[0] // 2, totals[1] // 2)
            return top, totals[0] - top, left, totals[1] - left
        raise _ArgumentError(
            f"Invalid padding string: {padding!r}; expected 'same', 'valid', an int or a "
            f"pair of ints"
        )
    pH, pW = _pair(padding, "padding")
    if min(pH, pW) < 0:
        raise _ArgumentError(
            f"negative padding is not supported: got padding={padding}; expected >= 0"
        )
    return pH, pH, pW, pW


def _check_conv_shapes(x_shape, weight_shape, bias_shape, groups, transposed=False,
                       x_dtype=None, weight_dtype=None) -> None:
    """torch's checks and messages: ranks, channels against the weight, groups, dtypes,
    bias."""
    name = "conv_transpose2d" if transposed else "conv2d"
    if len(x_shape) != 4:
        raise _ArgumentError(
            f"Expected 3D (unbatched) or 4D (batched) input to {name}, but got input of "
            f"size: {list(x_shape)}"
        )
    if len(weight_shape) != 4:
        raise _ArgumentError(
            f"Expected a 4D weight (out_channels, in_channels/groups, kH, kW) for {name}, "
            f"but got weight of size {list(weight_shape)}"
        )
    if not isinstance(groups, (int, np.integer)) or groups < 1:
        raise _ArgumentError(f"non-positive groups is not supported: got groups={groups}")
    if min(weight_shape[2:]) < 1:
        raise _ArgumentError(f"{name}: the kernel must be at least 1x1, but got weight of "
                             f"size {list(weight_shape)}; use kernel_size >= 1")
    channels = x_shape[1]
    if transposed:
        if weight_shape[0] != channels:
            raise _ArgumentError(
                f"Given transposed=1, weight of size {list(weight_shape)}, expected "
                f"input{list(x_shape)} to have {weight_shape[0]} channels, but got "
                f"{channels} channels instead"
            )
        if channels % groups:
            raise _ArgumentError(
                f"in_channels={channels} must be divisible by groups={groups}"
            )
        out_channels = weight_shape[1] * groups
    else:
        if weight_shape[0] % groups:
            raise _ArgumentError(
                f"Given groups={groups}, expected weight to be divisible by {groups} at "
                f"dimension 0, but got weight of size {list(weight_shape)} instead; "
                f"out_channels must be a multiple of groups"
            )
        if weight_shape[1] * groups != channels:
            raise _ArgumentError(
                f"Given groups={groups}, weight of size {list(weight_shape)}, expected "
                f"input{list(x_shape)} to have {weight_shape[1] * groups} channels, but "
                f"got {channels} channels instead"
            )
        out_channels = weight_shape[0]
    if x_dtype is not None and x_dtype != weight_dtype:
        raise _ArgumentError(
            f"Input type ({x_dtype}) and weight type ({weight_dtype}) should be the same; "
            f"convert one of them with .float() or .double()"
        )
    if bias_shape is not None and tuple(bias_shape) != (out_channels,):
        raise _ArgumentError(
            f"Given weight of size {list(weight_shape)}, expected bias to be 1-dimensional "
            f"with {out_channels} elements, but got bias of size {list(bias_shape)} instead"
        )


# --------------------------------------------------------------------------------------
# Array kernels (plain NumPy, float32 stays float32)
# --------------------------------------------------------------------------------------

def _zero_pad(x: np.ndarray, padding: tuple[int, int, int, int]) -> np.ndarray:
    """Pad the last two axes with zeros, (top, bottom, left, right)."""
    return _pad_last_two(x, padding, 0)


def _offset_slices(p: int, q: int, out_hw, stride, dilation) -> tuple[slice, slice]:
    """The pixels that kernel offset (p, q) touches, for every output pixel: a strided
    slice of the padded input. Looping over the kH*kW offsets (not the pixels) is what
    keeps col2im and pooling fast."""
    (H_out, W_out), (sH, sW), (dH, dW) = out_hw, stride, dilation
    return (slice(p * dH, p * dH + sH * (H_out - 1) + 1, sH),
            slice(q * dW, q * dW + sW * (W_out - 1) + 1, sW))


def _im2col(x_padded: np.ndarray, geometry: _ConvGeometry, out_hw=None) -> np.ndarray:
    """(N, C, H, W) padded input -> columns (C*kH*kW, N*H_out*W_out), one copy.

    The samples sit side by side, so that the convolution of the whole batch is one
    matrix product ``W (C_out, C*kH*kW) @ columns`` (per group), and so is its weight
    gradient ``g (C_out, N*L) @ columns^T``: large products, which BLAS runs far faster
    than a small product per sample.

    ``out_hw`` keeps only the first output rows and columns (a transposed convolution's
    ``output_padding`` can leave a few pixels no window of the original reaches).
    """
    if out_hw is not None:
        (kH, kW), (sH, sW), (dH, dW) = geometry.kernel_size, geometry.stride, geometry.dilation
        x_padded = x_padded[..., :(out_hw[0] - 1) * sH + dH * (kH - 1) + 1,
                            :(out_hw[1] - 1) * sW + dW * (kW - 1) + 1]
    windows = sliding_windows(x_padded, geometry.kernel_size, geometry.stride,
                              geometry.dilation)               # (N, C, H_out, W_out, kH, kW)
    N, C, H_out, W_out, kH, kW = windows.shape
    # NOTE: output pixels last, so the copy's inner loop runs along an image row.
    columns = _threads.ascontiguous(windows.transpose(1, 4, 5, 0, 2, 3))
    return columns.reshape(C * kH * kW, N * H_out * W_out)     # (C*kH*kW, N*L)


# NOTE: im2col's copy runs along image rows of W_out numbers. On small planes (ResNet's
# 8x8 to 2x2 layers, DCGAN's 7x7 with a stride) those rows are short and the copy
# several times slower than a plain one. With the batch axis last -- columns ordered
# (C*kH*kW, H_out*W_out*N), from the input transposed once to (C, H, W, N) -- each row
# holds W_out*N numbers (N with a stride): measured 2.8x faster on DCGAN's 64->128
# layer, up to 8x on ResNet's 2x2 layer. The products then read g and write y with the
# batch last too (one transposed copy each, as col2im does already). Used for the
# batch-wide products (not the per-sample ones, which need each sample's columns as one
# block); set _BATCH_LAST_COLUMNS = False for the samples side by side (the tests
# compare both).
_BATCH_LAST_COLUMNS = True


def _im2col_batch_last(x: np.ndarray, geometry: _ConvGeometry, out_hw) -> np.ndarray:
    """(N, C, H, W) unpadded input -> columns (C*kH*kW, H_out*W_out*N), batch last.

    ``out_hw`` as in :func:`_im2col`.
    """
    N, C, H, W = x.shape
    (kH, kW), (sH, sW), (dH, dW) = geometry.kernel_size, geometry.stride, geometry.dilation
    top, bottom, left, right = geometry.padding
    # with a stride, rows N + 1 apart (the last unused): see the cache note of _col2im
    spare = 0 if geometry.stride == (1, 1) else 1
    x_last = np.zeros((C, H + top + bottom, W + left + right, N + spare), x.dtype)[..., :N]
    _threads.copy(x_last[:, top:top + H, left:left + W], x.transpose(1, 2, 3, 0))
    x_last = x_last[:, :(out_hw[0] - 1) * sH + dH * (kH - 1) + 1,
                    :(out_hw[1] - 1) * sW + dW * (kW - 1) + 1]
    windows = sliding_windows(x_last.transpose(0, 3, 1, 2), geometry.kernel_size,
                              geometry.stride, geometry.dilation)  # (C, N, H_out, W_out, kH, kW)
    columns = _threads.ascontiguous(windows.transpose(0, 4, 5, 2, 3, 1))
    return columns.reshape(C * kH * kW, math.prod(out_hw) * N)  # (C*kH*kW, L*N)


def _batch_last(K: int, L: int, out_channels: int) -> bool:
    """Whether the columns of a product of depth K over L pixels into ``out_channels``
    channels (per group) are made batch last."""
    return _BATCH_LAST_COLUMNS and not _per_sample_products(K, L, out_channels)


def _columns(x: np.ndarray, geometry: _ConvGeometry, out_channels: int,
             out_hw=None) -> np.ndarray:
    """im2col of the unpadded ``x``, samples side by side or batch last (see above), as
    the products over these columns (into ``out_channels`` per group) expect them."""
    N, C, H, W = x.shape
    out_hw = geometry.output_hw(H, W) if out_hw is None else tuple(out_hw)
    K = C // geometry.groups * math.prod(geometry.kernel_size)
    if _batch_last(K, math.prod(out_hw), out_channels):
        return _im2col_batch_last(x, geometry, out_hw)
    return _im2col(_zero_pad(x, geometry.padding), geometry, out_hw)


def _col2im(columns: np.ndarray, padded_hw, geometry: _ConvGeometry) -> np.ndarray:
    """Adjoint of :func:`_im2col`: add every column back onto the pixels it came from.

    columns (C, kH, kW, H_out, W_out, N) -> image (C, H_padded, W_padded, N).

    NOTE: the batch axis comes last here, so that each kernel offset adds long
    contiguous runs (W_out * N numbers at stride 1) instead of image rows of W_out
    numbers: about twice as fast as the same loop in (N, C, H, W) order. With a stride,
    each run is N numbers, and runs are stored N + 1 numbers apart (the last unused):
    with a power-of-two batch (64, 128: the usual ones) the strided adds and the copy
    back to (N, C, H, W) would otherwise touch addresses a power of two apart, which
    share one cache set, and run 10 to 50 times slower.
    """
    C, kH, kW, H_out, W_out, N = columns.shape
    spare = 0 if geometry.stride == (1, 1) else 1
    image = np.zeros((C, *padded_hw, N + spare), dtype=columns.dtype)[..., :N]

    def add_offsets(channels, samples):  # the whole loop, on some channels or samples
        for p in range(kH):
            for q in range(kW):
                rows, cols = _offset_slices(p, q, (H_out, W_out), geometry.stride,
                                            geometry.dilation)
                image[channels, rows, cols, samples] += columns[channels, p, q, ..., samples]

    # threads: chunks of channels (of samples when there is one channel)
    if C > 1:
        _threads.parallel_for(C, lambda start, stop: add_offsets(slice(start, stop),
                                                                 slice(None)),
                              columns.nbytes)
    else:
        _threads.parallel_for(N, lambda start, stop: add_offsets(slice(None),
                                                                 slice(start, stop)),
                              columns.nbytes)
    return image


# --------------------------------------------------------------------------------------
# Depthwise fast path (MobileNet): one input and one output channel per group
# --------------------------------------------------------------------------------------
# With one channel per group, im2col + GEMM degenerates into N * C products of a (1, kH*kW)
# row by a (kH*kW, L) matrix: thousands of tiny GEMMs. The same sum written over the
# kernel offsets is kH*kW whole-batch multiply-adds instead:
#     y[n, c] = sum_{p, q} W[c, 0, p, q] * x_pad[n, c, p dH + s_H i, q dW + s_W j]
# and its two gradients are the same loop read backwards. Tested equal to the im2col
# path (set _DEPTHWISE_FAST_PATH = False to run that one) and to torch.
_DEPTHWISE_FAST_PATH = True


def _is_depthwise(weight_shape, geometry: _ConvGeometry) -> bool:
    """One input channel and one output channel per group (C_in = C_out = groups)."""
    return _DEPTHWISE_FAST_PATH and weight_shape[1] == 1 and weight_shape[0] == geometry.groups


def _depthwise_offsets(geometry: _ConvGeometry, out_hw):
    """(p, q, rows, cols) of every kernel offset over the padded input."""
    kH, kW = geometry.kernel_size
    for p in range(kH):
        for q in range(kW):
            yield (p, q, *_offset_slices(p, q, out_hw, geometry.stride, geometry.dilation))


# NOTE: on small planes (MobileNet's last layers are 4x4 and 2x2) each pass of the offset
# loop handles rows of a few numbers, and the loop is slow. There each channel's
# convolution is written instead as one matrix that maps its padded plane (L_in pixels)
# to its output plane (L_out pixels), the Toeplitz form of the convolution:
#     y[n, c] = S_c @ x_pad[n, c],   S_c = sum_{p, q} W[c, 0, p, q] P_pq,
# where P_pq[i, j] = 1 if output pixel i reads padded pixel j at kernel offset (p, q).
# One batched GEMM over the channels does the whole batch; the gradients are
# S_c^T @ g (input) and <g x^T, P_pq> (weight). It multiplies by many zeros, so it is
# used only while a plane matrix has at most this many entries: measured against the
# flat runs below, it wins on 4x4 and 2x2 planes and on 8x8 ones with a stride, and
# loses from 8x8 at stride 1 (against the plain offset loop it won up to 8x8).
_MAX_PLANE_MATRIX_SIZE = 2048


def _small_planes(padded_hw, out_hw) -> bool:
    return math.prod(padded_hw) * math.prod(out_hw) <= _MAX_PLANE_MATRIX_SIZE


@functools.lru_cache(maxsize=64)
def _offset_matrices(geometry: _ConvGeometry, padded_hw, out_hw, dtype) -> np.ndarray:
    """(kH*kW, L_out*L_in): row p*kW + q is P_pq flattened (see the note above)."""
    (kH, kW), (sH, sW), (dH, dW) = geometry.kernel_size, geometry.stride, geometry.dilation
    H_out, W_out = out_hw
    offsets = np.zeros((kH, kW, H_out, W_out, *padded_hw), dtype=dtype)
    i, j = np.arange(H_out)[:, None], np.arange(W_out)[None, :]
    for p in range(kH):
        for q in range(kW):
            offsets[p, q, i, j, i * sH + p * dH, j * sW + q * dW] = 1
    offsets = offsets.reshape(kH * kW, -1)
    offsets.flags.writeable = False                            # shared by the cache
    return offsets


def _plane_matrices(weight, geometry: _ConvGeometry, padded_hw, out_hw) -> np.ndarray:
    """S_c = sum_pq W[c, 0, p, q] P_pq for every channel: (C, L_out, L_in), one GEMM."""
    offsets = _offset_matrices(geometry, tuple(padded_hw), tuple(out_hw), weight.dtype)
    C = weight.shape[0]
    return (weight.reshape(C, -1) @ offsets).reshape(C, math.prod(out_hw), -1)


def _channels_first(x) -> np.ndarray:
    """(N, C, H, W) -> (C, H*W, N): each channel's planes as the columns of a matrix."""
    N, C, H, W = x.shape
    return _threads.ascontiguous(x.transpose(1, 2, 3, 0)).reshape(C, H * W, N)


def _batch_first(planes, hw) -> np.ndarray:
    """(C, H*W, N) -> (N, C, H, W), the inverse of :func:`_channels_first`."""
    C, _, N = planes.shape
    return _threads.ascontiguous(planes.reshape(C, *hw, N).transpose(3, 0, 1, 2))


# NOTE: the offset loop below is slow on MobileNet's planes for two reasons: it runs along
# image rows of 4 to 32 numbers (NumPy's cost per row, not the arithmetic, sets the
# time), and the per-channel scale W[c, 0, p, q] stops NumPy from running a whole
# sample's plane as one loop. Stored channels last, (N, H, W, C), and flattened, each
# kernel offset becomes ONE contiguous run per sample: output pixel (i, j) at offset
# (p, q) reads flat position ((i + p) W_p + (j + q)) C + c = (i W_p + j) C + c + shift,
# shift = (p W_p + q) C, so the offset is x_flat[shift : shift + run] for every
# i W_p + j (the W_p - W_out columns past each output row are computed too, and
# dropped), times the channel scales tiled along the run. A stride s first splits the
# padded input into its s_H*s_W phases x_pad[a::s_H, b::s_W]: offset (p, q) reads phase
# ((p d_H) % s_H, (q d_W) % s_W) shifted by ((p d_H) // s_H, (q d_W) // s_W), at stride 1
# inside the phase. The input gradient adds the same runs back onto the phases. The sums
# run in the offsets' order, as in the loop, so the results are the same bit for bit
# (the weight gradient sums in another order). Measured 1.3-2x faster than the row loop
# on MobileNet's 32x32 to 8x8 layers. Set _DEPTHWISE_FLAT_RUNS = False for the loop.
_DEPTHWISE_FLAT_RUNS = True


@dataclass(frozen=True)
class _FlatRuns:
    """The phase planes of a depthwise convolution and where every offset's run starts."""

    phase_hw: tuple[int, int]           # (H_ph, W_ph): every offset's window fits
    out_hw: tuple[int, int]             # (H_out, W_out)
    offsets: tuple                      # (a, b, r, t) of offset p kW + q: phase, shift

    def run(self, channels: int) -> int:
        """Numbers in a run: H_out whole phase rows of W_ph pixels."""
        return self.out_hw[0] * self.phase_hw[1] * channels

    def shift(self, r: int, t: int, channels: int) -> int:
        return (r * self.phase_hw[1] + t) * channels

    def phase_slices(self, phase: int, axis: int, geometry: _ConvGeometry, size: int):
        """The phase rows (axis 0) or columns (axis 1) inside the unpadded input, and the
        input rows or columns they hold: (slice of the phase, slice of the input)."""
        step, before = geometry.stride[axis], geometry.padding[2 * axis]
        first = max(0, -((phase - before) // step))            # first phase row inside
        start = first * step + phase - before                   # its input row
        count = min(self.phase_hw[axis] - first, len(range(start, size, step)))
        count = max(count, 0)
        return slice(first, first + count), slice(start, start + step * count, step)


def _flat_runs(geometry: _ConvGeometry, out_hw) -> _FlatRuns:
    (kH, kW), (sH, sW), (dH, dW) = geometry.kernel_size, geometry.stride, geometry.dilation
    H_out, W_out = out_hw
    # every offset's rows i + (p dH) // sH, i < H_out, lie inside the phase plane
    phase_hw = (H_out + dH * (kH - 1) // sH, W_out + dW * (kW - 1) // sW)
    offsets = tuple((p * dH % sH, q * dW % sW, p * dH // sH, q * dW // sW)
                    for p in range(kH) for q in range(kW))
    return _FlatRuns(phase_hw, tuple(out_hw), offsets)


def _tiled_scales(weight, runs: _FlatRuns) -> np.ndarray:
    """(kH*kW, run): offset k's per-channel weights W[:, 0, p, q] repeated along a run."""
    C = weight.shape[0]
    scales = weight.reshape(C, -1).T                            # (kH*kW, C)
    return np.tile(scales, (1, runs.run(1)))                    # (kH*kW, run)


def _channels_last_phases(x, geometry: _ConvGeometry, runs: _FlatRuns) -> np.ndarray:
    """(N, C, H, W) -> its zero-padded stride phases stored channels last and flattened:
    (s_H, s_W, N, (H_ph + 1) W_ph C); the spare row lets the last runs read past the
    plane."""
    N, C, H, W = x.shape
    (sH, sW), (H_ph, W_ph) = geometry.stride, runs.phase_hw
    phases = np.zeros((sH, sW, N, H_ph + 1, W_ph, C), dtype=x.dtype)
    for a in range(sH):
        rows, x_rows = runs.phase_slices(a, 0, geometry, H)
        for b in range(sW):
            cols, x_cols = runs.phase_slices(b, 1, geometry, W)
            _threads.copy(phases[a, b, :, rows, cols],
                          x[:, :, x_rows, x_cols].transpose(0, 2, 3, 1))
    return phases.reshape(sH, sW, N, -1)


# NOTE: the offset loop makes 2 kH kW passes over each sample's run (a product, then a
# sum); over the whole batch the run of every sample no longer fits in the cache by the
# next pass. A few samples at a time (runs of at most _DEPTHWISE_CHUNK_BYTES together)
# keep the passes in the cache. Each sample's numbers are the same either way. Set
# _DEPTHWISE_CHUNK_BYTES = 0 for the whole batch in each pass.
_DEPTHWISE_CHUNK_BYTES = 128 * 1024


def _in_cache_sized_chunks(work, sample_bytes: int):
    """``work(start, stop)`` run on consecutive sample ranges of at most
    ``_DEPTHWISE_CHUNK_BYTES`` (one sample at least)."""
    if not _DEPTHWISE_CHUNK_BYTES:
        return work
    step = max(1, _DEPTHWISE_CHUNK_BYTES // max(sample_bytes, 1))

    def chunked(start, stop):
        for first in range(start, stop, step):
            work(first, min(stop, first + step))
    return chunked


def _depthwise_runs_conv2d_array(x, weight, geometry: _ConvGeometry, out_hw):
    """The depthwise forward by flat runs, channels last (see the note above)."""
    N, C = x.shape[:2]
    runs = _flat_runs(geometry, out_hw)
    phases = _channels_last_phases(x, geometry, runs)
    scales = _tiled_scales(weight, runs)
    run = runs.run(C)
    y = np.empty((N, run), dtype=x.dtype)                      # (N, H_out, W_ph, C)

    def add_offsets(start, stop):  # the loop on samples start..stop (threads: chunks)
        term = np.empty_like(y[start:stop])
        for k, (a, b, r, t) in enumerate(runs.offsets):       # k = p kW + q
            shift = runs.shift(r, t, C)
            window = phases[a, b, start:stop, shift:shift + run]
            # W[c, 0, p, q] * x_pad[n, c, i s + p d, j s + q d], summed over the offsets
            if k == 0:
                np.multiply(window, scales[k], out=y[start:stop])
            else:
                np.multiply(window, scales[k], out=term)
                y[start:stop] += term
    _threads.parallel_for(N, _in_cache_sized_chunks(add_offsets, run * x.itemsize), phases.nbytes)
    H_out, W_out = out_hw
    y = y.reshape(N, H_out, runs.phase_hw[1], C)[:, :, :W_out]  # drop the extra columns
    return _threads.ascontiguous(y.transpose(0, 3, 1, 2))      # (N, C, H_out, W_out)


def _depthwise_runs_input_grad_array(grad_output, weight, geometry: _ConvGeometry,
                                     input_hw):
    """dL/dx by flat runs: each offset adds W[c, 0, p, q] * g onto its run of its phase,
    then the phases are copied back into (N, C, H, W)."""
    N, C, H_out, W_out = grad_output.shape
    (sH, sW) = geometry.stride
    runs = _flat_runs(geometry, (H_out, W_out))
    H_ph, W_ph = runs.phase_hw
    # g channels last, each row widened to W_ph with zeros (the extra columns add nothing)
    g = np.zeros((N, H_out, W_ph, C), dtype=grad_output.dtype)
    _threads.copy(g[:, :, :W_out], grad_output.transpose(0, 2, 3, 1))
    run = runs.run(C)
    g = g.reshape(N, run)
    scales = _tiled_scales(weight, runs)
    phases = np.zeros((sH, sW, N, (H_ph + 1) * W_ph * C), dtype=grad_output.dtype)

    def add_offsets(start, stop):  # the loop on samples start..stop (threads: chunks)
        term = np.empty_like(g[start:stop])
        for k, (a, b, r, t) in enumerate(runs.offsets):       # k = p kW + q
            shift = runs.shift(r, t, C)
            # d y[n, c, i, j] / d x_pad[n, c, i s + p d, j s + q d] = W[c, 0, p, q]
            np.multiply(g[start:stop], scales[k], out=term)
            phases[a, b, start:stop, shift:shift + run] += term
    _threads.parallel_for(N, _in_cache_sized_chunks(add_offsets, run * g.itemsize),
                          phases.nbytes)
    phases = phases.reshape(sH, sW, N, H_ph + 1, W_ph, C)
    grad_x = np.zeros((N, C, *input_hw), dtype=grad_output.dtype)
    for a in range(sH):
        rows, x_rows = runs.phase_slices(a, 0, geometry, input_hw[0])
        for b in range(sW):
            cols, x_cols = runs.phase_slices(b, 1, geometry, input_hw[1])
            _threads.copy(grad_x[:, :, x_rows, x_cols],
                          phases[a, b, :, rows, cols].transpose(0, 3, 1, 2))
    return grad_x


def _phase_planes(x_padded, geometry: _ConvGeometry, runs: _FlatRuns) -> np.ndarray:
    """(N, C, H_p, W_p) padded -> its stride phases, (s_H, s_W, N, C, H_ph + 1, W_ph),
    zero where a phase has fewer pixels than the plane (the weight gradient's layout:
    channels first, so that one sum per channel runs over whole planes)."""
    (sH, sW), (H_ph, W_ph) = geometry.stride, runs.phase_hw
    N, C = x_padded.shape[:2]
    phases = np.zeros((sH, sW, N, C, H_ph + 1, W_ph), dtype=x_padded.dtype)
    for a in range(sH):
        for b in range(sW):
            part = x_padded[:, :, a::sH, b::sW][:, :, :H_ph, :W_ph]
            _threads.copy(phases[a, b, :, :, :part.shape[2], :part.shape[3]], part)
    return phases


def _depthwise_runs_weight_grad_array(x_padded, grad_output, geometry: _ConvGeometry,
                                      weight_shape):
    """dL/dW[c, 0, p, q] = sum over n and the run of g * (the run offset (p, q) reads),
    planes flattened channels first (one sum per channel over contiguous runs)."""
    N, C, H_out, W_out = grad_output.shape
    runs = _flat_runs(geometry, (H_out, W_out))
    H_ph, W_ph = runs.phase_hw
    phases = _phase_planes(x_padded, geometry, runs).reshape(
        *geometry.stride, N, C, (H_ph + 1) * W_ph)
    g = np.zeros((N, C, H_out, W_ph), dtype=grad_output.dtype)  # zeros past each row
    _threads.copy(g[..., :W_out], grad_output)
    run = runs.run(1)
    g = g.reshape(N, C, run)
    grad_weight = np.empty((C, len(runs.offsets)), dtype=grad_output.dtype)
    for k, (a, b, r, t) in enumerate(runs.offsets):           # k = p kW + q
        shift = runs.shift(r, t, 1)
        # d y / d W[c, 0, p, q] = x_pad at offset (p, q); one dot product per channel
        grad_weight[:, k] = np.einsum("ncl,ncl->c", g, phases[a, b, :, :, shift:shift + run])
    return grad_weight.reshape(weight_shape)


def _depthwise_conv2d_array(x, weight, geometry: _ConvGeometry):
    """y = depthwise conv(x, W): a sum of kH*kW shifted copies of x, scaled per channel."""
    N, C, H, W = x.shape
    out_hw = geometry.output_hw(H, W)
    top, bottom, left, right = geometry.padding
    padded_hw = (H + top + bottom, W + left + right)
    if _small_planes(padded_hw, out_hw):
        planes = _plane_matrices(weight, geometry, padded_hw, out_hw)
        y = planes @ _channels_first(_zero_pad(x, geometry.padding))  # (C, L_out, N)
        return _batch_first(y, out_hw)
    if _DEPTHWISE_FLAT_RUNS:
        return _depthwise_runs_conv2d_array(x, weight, geometry, out_hw)
    x_padded = _zero_pad(x, geometry.padding)
    y = np.empty((N, C, *out_hw), dtype=x.dtype)

    def add_offsets(start, stop):  # the loop on samples start..stop (threads: chunks)
        term = np.empty_like(y[start:stop])                    # reused for every offset
        for p, q, rows, cols in _depthwise_offsets(geometry, out_hw):
            scale = weight[:, 0, p, q].reshape(C, 1, 1)         # W[c, 0, p, q] per channel
            if p == q == 0:
                np.multiply(x_padded[start:stop, :, rows, cols], scale, out=y[start:stop])
            else:
                np.multiply(x_padded[start:stop, :, rows, cols], scale, out=term)
                y[start:stop] += term
    _threads.parallel_for(N, add_offsets, x_padded.nbytes)
    return y


def _depthwise_input_grad_array(grad_output, weight, geometry: _ConvGeometry, input_hw):
    """dL/dx: each offset sends W[c, 0, p, q] * g back onto the pixels it read."""
    N, C = grad_output.shape[:2]
    H, W = input_hw
    top, bottom, left, right = geometry.padding
    padded_hw = (H + top + bottom, W + left + right)
    if _small_planes(padded_hw, grad_output.shape[-2:]):
        planes = _plane_matrices(weight, geometry, padded_hw, grad_output.shape[-2:])
        # d(S_c x)/dx = S_c^T
        image = planes.transpose(0, 2, 1) @ _channels_first(grad_output)   # (C, L_in, N)
        image = _batch_first(image, padded_hw)
        return _threads.ascontiguous(image[:, :, top:top + H, left:left + W])
    if _DEPTHWISE_FLAT_RUNS:
        return _depthwise_runs_input_grad_array(grad_output, weight, geometry, (H, W))
    image = np.zeros((N, C, *padded_hw), dtype=grad_output.dtype)

    def add_offsets(start, stop):  # the loop on samples start..stop (threads: chunks)
        term = np.empty_like(grad_output[start:stop])
        for p, q, rows, cols in _depthwise_offsets(geometry, grad_output.shape[-2:]):
            # d y[n, c, i, j] / d x_pad[n, c, rows_i, cols_j] = W[c, 0, p, q]
            np.multiply(grad_output[start:stop], weight[:, 0, p, q].reshape(C, 1, 1),
                        out=term)
            image[start:stop, :, rows, cols] += term
    _threads.parallel_for(N, add_offsets, image.nbytes)
    return _threads.ascontiguous(image[:, :, top:top + H, left:left + W])


def _depthwise_weight_grad_array(x, grad_output, geometry: _ConvGeometry, weight_shape):
    """dL/dW[c, 0, p, q] = sum over n, i, j of g * (the pixels offset (p, q) read)."""
    x_padded = _zero_pad(x, geometry.padding)
    out_hw = grad_output.shape[-2:]
    if _small_planes(x_padded.shape[-2:], out_hw):
        # dL/dS_c = g_c x_c^T; S_c = sum_pq W[c, 0, p, q] P_pq, so dL/dW[c, pq] = <dL/dS_c, P_pq>
        grad_planes = _channels_first(grad_output) @ _channels_first(x_padded).transpose(0, 2, 1)
        offsets = _offset_matrices(geometry, x_padded.shape[-2:], out_hw, grad_output.dtype)
        grad_weight = grad_planes.reshape(grad_planes.shape[0], -1) @ offsets.T
        return grad_weight.reshape(weight_shape)
    if _DEPTHWISE_FLAT_RUNS:
        return _depthwise_runs_weight_grad_array(x_padded, grad_output, geometry,
                                                 weight_shape)
    grad_weight = np.empty(weight_shape, dtype=grad_output.dtype)
    for p, q, rows, cols in _depthwise_offsets(geometry, grad_output.shape[-2:]):
        # d y / d W[c, 0, p, q] = x_pad at offset (p, q); one dot product per channel
        grad_weight[:, 0, p, q] = np.einsum("nchw,nchw->c", grad_output,
                                            x_padded[:, :, rows, cols])
    return grad_weight


# NOTE: a 1x1 convolution with stride 1 and no padding needs no im2col: each sample is
# its own (C_in, L) column matrix, and y[n] = W @ x[n] reads x in place. Below this many
# pixels per sample those per-sample GEMMs are too small, and the general path (whose
# im2col is then a cheap transpose) wins. Set _POINTWISE_FAST_PATH = False to always
# take the general path; the tests check that both agree.
_MIN_PIXELS_PER_SAMPLE_GEMM = 32
_POINTWISE_FAST_PATH = True


def _per_sample_products(K: int, L: int, out_channels: int) -> bool:
    """Whether to multiply sample by sample rather than once over the whole batch.

    Per-sample GEMMs read each sample's block of the columns in place and write
    (N, C_out, L) directly, but each is small; the batch-wide GEMM is large but its
    result (or, for the weight gradient, g) needs a transposed copy. Measured on the
    layers of LeNet-5, DCGAN and ResNet: per sample wins when a sample's product is
    at most twice as deep (K = C_in/groups * kH * kW) as it is wide (L output pixels),
    unless the product is narrow (see below).
    """
    return (not _narrow_product(K, out_channels) and 2 * L >= K
            and L >= _MIN_PIXELS_PER_SAMPLE_GEMM)


# NOTE: with few output channels per group (LeNet-5's 6 and 16, DenseNet's growth rate
# of 32) y = W (C_out/G, K) @ cols is a thin product, which OpenBLAS runs slowly;
# transposed, y^T = cols^T @ W^T, it ran 20-35% faster, and so did the weight gradient as
# (cols @ g^T)^T. Such narrow products are made batch-wide, on batch-last columns (the
# faster im2col), even where per-sample products would be chosen otherwise; but not the
# shallow products of a first layer (K < 64: 1 or 3 input channels), where per-sample
# products stay faster. Measured in place: LeNet-5's C3 forward 1.05 -> 0.89 ms and
# weight gradient 0.70 -> 0.56 ms; DenseNet's 3x3 layers at 8x8 0.87 -> 0.69 and
# 0.67 -> 0.46 ms. Set _NARROW_PRODUCTS = False for W @ cols always.
_NARROW_PRODUCTS = True
_NARROW_OUT_CHANNELS = 32
_NARROW_MIN_DEPTH = 64


def _narrow_product(K: int, out_channels: int) -> bool:
    return (_NARROW_PRODUCTS and out_channels <= _NARROW_OUT_CHANNELS
            and K >= _NARROW_MIN_DEPTH)


# NOTE: a strided layer's forward (DCGAN's 64 -> 128 and 32 -> 64 channels, 4x4 at
# stride 2), and one whose output is a single pixel (the input gradient of the gan lab
# generator's first layer, a 7x7 transposed convolution of a 1x1 code), ran faster in
# place as y^T = cols^T @ W^T, the narrow products' orientation, up to 128 output
# channels (one-process A/Bs of whole steps in the notes, 2-6% on the GAN steps). Not
# at stride 1 in general, where ResNet18's 3x3 layers lost 6% that way. Set
# _TRANSPOSED_FORWARD = False for W @ cols there.
_TRANSPOSED_FORWARD = True
_TRANSPOSED_FORWARD_MAX_OUT_CHANNELS = 128


def _transposed_forward(geometry: _ConvGeometry, K: int, L: int, out_channels: int) -> bool:
    return (_TRANSPOSED_FORWARD and (geometry.stride != (1, 1) or L == 1)
            and out_channels <= _TRANSPOSED_FORWARD_MAX_OUT_CHANNELS
            and K >= _NARROW_MIN_DEPTH)


def _is_pointwise(geometry: _ConvGeometry, pixels: int) -> bool:
    return (_POINTWISE_FAST_PATH and pixels >= _MIN_PIXELS_PER_SAMPLE_GEMM
            and geometry.kernel_size == (1, 1) and geometry.stride == (1, 1)
            and geometry.padding == (0, 0, 0, 0))


# NOTE: a kernel that covers the whole (unpadded, undilated) input has one window: the
# convolution is a linear layer on the flattened image, y = x_flat @ W_flat^T, with
# dL/dx = g @ W_flat and dL/dW = g^T @ x_flat -- no im2col, no col2im. The gan lab's
# critics end with one (a 7x7 convolution of 7x7 planes to one score), and its
# generator starts with the transpose of one (a 1x1 code to 7x7 planes). Set
# _WHOLE_IMAGE_KERNEL = False for the general path (the tests compare both).
_WHOLE_IMAGE_KERNEL = True


def _is_whole_image(geometry: _ConvGeometry, input_hw) -> bool:
    """Whether the kernel covers the whole input: one output pixel, read from every input
    pixel once (one group, no padding, no dilation)."""
    return (_WHOLE_IMAGE_KERNEL and geometry.groups == 1
            and geometry.padding == (0, 0, 0, 0) and geometry.dilation == (1, 1)
            and tuple(input_hw) == geometry.kernel_size)


def _conv2d_array(x, weight, geometry: _ConvGeometry, columns=None):
    """y = conv(x, W), no bias. Returns y (N, C_out, H_out, W_out) and the columns
    (None where none were made). ``columns``, when given, are ``x``'s, already made."""
    if _is_depthwise(weight.shape, geometry):
        return _depthwise_conv2d_array(x, weight, geometry), None
    N, _, H, W = x.shape
    C_out = weight.shape[0]
    G = geometry.groups
    H_out, W_out = geometry.output_hw(H, W)
    # NOTE: sizes spelled out, not -1: NumPy cannot infer an axis of an empty batch.
    weight_g = weight.reshape(G, C_out // G, weight[0].size)   # (G, C_out/G, C_in/G*kH*kW)
    if _is_whole_image(geometry, (H, W)):
        # y = x_flat @ W_flat^T: (N, C_in*H*W) @ (C_in*H*W, C_out)
        K = weight[0].size                                     # C_in*H*W
        y = _gemm.matmul(x.reshape(N, K), weight.reshape(C_out, K).T)
        return y.reshape(N, C_out, 1, 1), None
    if columns is None and _is_pointwise(geometry, H * W):
        # N*G GEMMs (A, C_in/G) @ (C_in/G, L)
        y = _gemm.matmul(weight_g, x.reshape(N, G, x.shape[1] // G, H * W))
        return y.reshape(N, C_out, H_out, W_out), None
    if columns is None:
        columns = _columns(x, geometry, C_out // G)            # (C_in*kH*kW, N*L)
    K, L = weight_g.shape[2], H_out * W_out
    if _per_sample_products(K, L, C_out // G):
        # sample n's columns are the block columns[:, n*L:(n+1)*L], read in place
        samples = columns.reshape(G, K, N, L).transpose(2, 0, 1, 3)     # (N, G, K, L) view
        y = _gemm.matmul(weight_g, samples)                    # N*G GEMMs -> (N, G, C_out/G, L)
        return y.reshape(N, C_out, H_out, W_out), columns
    if _narrow_product(K, C_out // G) or _transposed_forward(geometry, K, L, C_out // G):
        # y^T = cols^T @ W^T: (G, N*L, C_out/G), one GEMM each
        y_t = _gemm.matmul(columns.reshape(G, K, N * L).transpose(0, 2, 1),
                           weight_g.transpose(0, 2, 1))
        if _batch_last(K, L, C_out // G):                      # pixels (H_out, W_out, N)
            y = y_t.reshape(G, H_out, W_out, N, C_out // G).transpose(3, 0, 4, 1, 2)
        else:                                                  # pixels (N, H_out, W_out)
            y = y_t.reshape(G, N, H_out, W_out, C_out // G).transpose(1, 0, 4, 2, 3)
        y = _threads.ascontiguous(y)                           # (N, G, C_out/G, H_out, W_out)
        return y.reshape(N, C_out, H_out, W_out), columns
    y = _gemm.matmul(weight_g, columns.reshape(G, K, N * L))  # (G, C_out/G, N*L), one GEMM each
    if _batch_last(K, L, C_out // G):                          # pixels (H_out, W_out, N)
        y = y.reshape(C_out, H_out, W_out, N).transpose(3, 0, 1, 2)
        return _threads.ascontiguous(y), columns               # (N, C_out, H_out, W_out)
    y = y.reshape(C_out, N, H_out, W_out).transpose(1, 0, 2, 3)
    return _threads.ascontiguous(y), columns                   # (N, C_out, H_out, W_out)


# NOTE: the input gradient of a stride-1 convolution is itself a convolution: of g,
# zero-padded to "full" size, with the kernel flipped and its channel axes swapped,
#     dL/dx[c, i, j] = sum_{o, p, q} W[o, c, kH-1-p, kW-1-q] g_full[o, i + p dH, j + q dW],
# which im2col + GEMM computes without col2im's kH*kW read-add-write passes. It copies
# the flipped weight (C_out * C_in/G * kH*kW numbers) and makes columns of g
# (C_out * kH*kW * N*H*W), where col2im adds back C_in * kH*kW * N*H_out*W_out numbers;
# it is used while the first two stay below 1.5 times the third. On small planes with
# many channels the weight's copy decides: ResNet18's 512-channel 2x2 layers took 5.4 ms
# as a convolution and 3.0 ms by col2im (its 64-channel 16x16 layers: 3.8 and 4.4 ms).
# Set _STRIDE_ONE_AS_CONVOLUTION = False to always use col2im (the tests compare both).
_STRIDE_ONE_AS_CONVOLUTION = True
_AS_CONVOLUTION_MAX_COST = 1.5


def _input_grad_as_convolution(grad_output, weight, geometry: _ConvGeometry, input_hw):
    """dL/dx of a stride-1 convolution as a convolution of g, or None where col2im is
    the better (or the only) way."""
    C_out, C_in_g, kH, kW = weight.shape
    G = geometry.groups
    (dH, dW), (top, bottom, left, right) = geometry.dilation, geometry.padding
    full = (dH * (kH - 1) - top, dH * (kH - 1) - bottom, dW * (kW - 1) - left,
            dW * (kW - 1) - right)
    N, _, H_out, W_out = grad_output.shape
    # numbers copied (flipped weight, columns of g) and added by col2im, over kH*kW
    copied = C_out * (C_in_g + N * math.prod(input_hw))
    added = C_in_g * G * N * H_out * W_out
    if not (_STRIDE_ONE_AS_CONVOLUTION and geometry.stride == (1, 1) and min(full) >= 0
            and tuple(input_hw) == (H_out + full[0] + full[1] - dH * (kH - 1),
                                    W_out + full[2] + full[3] - dW * (kW - 1))
            and copied <= _AS_CONVOLUTION_MAX_COST * added):
        return None
    # W'[c, o, p, q] = W[o, c, kH-1-p, kW-1-q], group by group: (C_in, C_out/G, kH, kW)
    flipped = weight.reshape(G, C_out // G, C_in_g, kH, kW).transpose(0, 2, 1, 3, 4)
    flipped = np.ascontiguousarray(flipped[..., ::-1, ::-1]).reshape(
        G * C_in_g, C_out // G, kH, kW)
    transposed = _ConvGeometry(geometry.kernel_size, (1, 1), full, geometry.dilation, G)
    return _conv2d_array(grad_output, flipped, transposed)[0]


def _conv2d_input_grad_array(grad_output, weight, geometry: _ConvGeometry, input_hw):
    """dL/dx of y = conv(x, W): col2im(W^T @ g), i.e. the transposed convolution of g."""
    if _is_depthwise(weight.shape, geometry):
        # at stride 1 the depthwise forward of g (flipped kernel) beats the scatter
        as_convolution = _input_grad_as_convolution(grad_output, weight, geometry, input_hw)
        if as_convolution is not None:
            return as_convolution
        return _depthwise_input_grad_array(grad_output, weight, geometry, input_hw)
    N, C_out, H_out, W_out = grad_output.shape
    G = geometry.groups
    C_in = weight.shape[1] * G
    kH, kW = geometry.kernel_size
    H, W = input_hw
    top, bottom, left, right = geometry.padding
    weight_g = weight.reshape(G, C_out // G, weight[0].size)   # (G, C_out/G, K)
    if _is_whole_image(geometry, (H, W)):
        # d(x_flat @ W_flat^T)/dx_flat = W_flat: (N, C_out) @ (C_out, C_in*H*W)
        return _gemm.matmul(grad_output.reshape(N, C_out),
                            weight.reshape(C_out, weight[0].size)).reshape(N, C_in, H, W)
    if _is_pointwise(geometry, H_out * W_out) and (H, W) == (H_out, W_out):
        # 1x1, stride 1: no col2im; d(W @ x[n])/dx[n] = W^T, sample by sample
        g = grad_output.reshape(N, G, C_out // G, H_out * W_out)
        return _gemm.matmul(weight_g.transpose(0, 2, 1), g).reshape(N, C_in, H, W)
    as_convolution = _input_grad_as_convolution(grad_output, weight, geometry, input_hw)
    if as_convolution is not None:
        return as_convolution
    # batch last for col2im (see there): (C_out, H_out, W_out, N) -> (G, C_out/G, M)
    g = _threads.ascontiguous(grad_output.transpose(1, 2, 3, 0)).reshape(
        G, C_out // G, H_out * W_out * N)
    # d(W @ cols)/dcols = W^T
    grad_columns = _gemm.matmul(weight_g.transpose(0, 2, 1), g)  # (G, K, M), one GEMM per group
    grad_columns = grad_columns.reshape(C_in, kH, kW, H_out, W_out, N)
    image = _col2im(grad_columns, (H + top + bottom, W + left + right), geometry)
    image = image[:, top:top + H, left:left + W]               # (C_in, H, W, N)
    return _threads.ascontiguous(image.transpose(3, 0, 1, 2))  # (N, C_in, H, W)


def _conv2d_weight_grad_array(x, grad_output, geometry: _ConvGeometry, weight_shape,
                              columns=None):
    """dL/dW of y = conv(x, W): sum over samples of g @ cols^T, per group."""
    if _is_depthwise(weight_shape, geometry):
        return _depthwise_weight_grad_array(x, grad_output, geometry, weight_shape)
    N, C_out, H_out, W_out = grad_output.shape
    G = geometry.groups
    L = H_out * W_out
    if _is_whole_image(geometry, x.shape[-2:]):
        # d(x_flat @ W_flat^T)/dW_flat = g^T x_flat: (C_out, N) @ (N, C_in*H*W)
        return _gemm.matmul(grad_output.reshape(N, C_out).T,
                            x.reshape(N, math.prod(weight_shape[1:]))).reshape(weight_shape)
    if columns is None:
        columns = _columns(x, geometry, C_out // G, (H_out, W_out))
    K = int(np.prod(weight_shape[1:]))
    columns = columns.reshape(G, K, N * L)                     # (G, K, N*L)
    if _per_sample_products(K, L, C_out // G):
        # d(W @ cols[n])/dW = cols[n]^T per sample, summed over the samples; per sample
        # (K, L) @ (L, C_out/G) is the faster orientation of this GEMM
        samples = columns.reshape(G, K, N, L).transpose(2, 0, 1, 3)     # (N, G, K, L) view
        g = grad_output.reshape(N, G, C_out // G, L)
        # (G, K, C_out/G) after the sum over samples
        grad_weight_t = _gemm.matmul(samples, g.transpose(0, 1, 3, 2)).sum(axis=0)
        return grad_weight_t.transpose(0, 2, 1).reshape(weight_shape)
    if _batch_last(K, L, C_out // G):  # pixels as in the columns: (C_out, H_out, W_out, N)
        g = _threads.ascontiguous(grad_output.transpose(1, 2, 3, 0))
    else:  # the samples side by side, as in the columns: (C_out, N, L)
        g = _threads.ascontiguous(grad_output.reshape(N, C_out, L).transpose(1, 0, 2))
    g = g.reshape(G, C_out // G, N * L)
    # d(W @ cols)/dW = cols^T, summed over the samples and output pixels: one GEMM
    # (BLAS reads the transposed operand in place)
    if _TRANSPOSED_WEIGHT_GRAD and (N * L >= K or _narrow_product(K, C_out // G)):
        grad_weight_t = _gemm.matmul(columns, g.transpose(0, 2, 1))  # (G, K, C_out/G)
        grad_weight = grad_weight_t.transpose(0, 2, 1)
    else:
        grad_weight = _gemm.matmul(g, columns.transpose(0, 2, 1))  # (G, C_out/G, K)
    return np.ascontiguousarray(grad_weight).reshape(weight_shape)


# NOTE: OpenBLAS computes the weight gradient's product 8-15% faster as
# (cols @ g^T)^T than as g @ cols^T when it sums over more pixels (N*L) than the weight
# has columns (K): measured on ResNet18's 3x3 layers at 16x16 and 8x8 and on DCGAN's
# 64->128 layer (the small transposed copy included). With fewer pixels (ResNet's 2x2
# layers: K = 4608, N*L = 64) that orientation is up to 8x slower, hence the rule. Set
# _TRANSPOSED_WEIGHT_GRAD = False for g @ cols^T always.
_TRANSPOSED_WEIGHT_GRAD = True


@dataclass(frozen=True)
class _PoolGeometry:
    """Window geometry of a pooling layer over an input of known size.

    ``padding`` is (top, bottom, left, right); with ``ceil_mode`` the bottom/right
    padding grows so that the last, partial window fits.
    """

    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int, int, int]
    dilation: tuple[int, int]
    output_hw: tuple[int, int]
    input_hw: tuple[int, int]

    def offsets(self):
        """Every kernel offset (index, row slice, column slice) of the padded input."""
        kH, kW = self.kernel_size
        for p in range(kH):
            for q in range(kW):
                rows, cols = _offset_slices(p, q, self.output_hw, self.stride, self.dilation)
                yield p * kW + q, rows, cols

    def padded_shape(self, leading) -> tuple[int, ...]:
        top, bottom, left, right = self.padding
        H, W = self.input_hw
        return (*leading, H + top + bottom, W + left + right)


def _pool_output_size(size, kernel, stride, pad, dilation, ceil_mode) -> int:
    """torch's ``pooling_output_shape``: floor (or ceil) of the window count, and in
    ceil mode the last window must start inside the input or its left padding."""
    effective_span = size + 2 * pad - dilation * (kernel - 1) - 1
    out = (effective_span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _pool_geometry(name, input_shape, kernel_size, stride, padding, dilation, ceil_mode):
    """Check a pooling layer's arguments the way torch does, and resolve its geometry."""
    if len(input_shape) not in (3, 4):
        raise _ArgumentError(
            f"{name}: expected a 3D (C, H, W) or 4D (N, C, H, W) input, but got input of "
            f"size {list(input_shape)}"
        )
    kernel = _pair(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == () or stride == [] else _pair(stride,
                                                                                 "stride")
    padding = _pair(padding, "padding")
    dilation = _pair(dilation, "dilation")
    if min(kernel) <= 0:
        raise _ArgumentError(
            f"{name}: kernel_size must be greater than zero, but got kernel_size={kernel}"
        )
    if min(stride) < 0:
        raise _ArgumentError(f"{name}: stride should be greater than zero, got stride={stride}")
    if min(stride) == 0:
        raise _ArgumentError(f"{name}: stride should not be zero, got stride={stride}")
    _check_positive(dilation, "dilation")
    if min(padding) < 0:
        raise _ArgumentError(f"{name}: padding must be non-negative, got padding={padding}")
    for k, p in zip(kernel, padding):
        if p > k // 2:
            raise _ArgumentError(
                f"pad should be at most half of kernel size, but got pad={p} and "
                f"kernel_size={k}; lower the padding or enlarge the kernel"
            )
    H, W = input_shape[-2:]
    out_hw = tuple(_pool_output_size(n, k, s, p, d, ceil_mode)
                   for n, k, s, p, d in zip((H, W), kernel, stride, padding, dilation))
    if min(out_hw) < 1:
        raise _ArgumentError(
            f"Given input size: ({'x'.join(map(str, input_shape[-3:]))}). Calculated output "
            f"size: ({input_shape[-3]}x{out_hw[0]}x{out_hw[1]}). Output size is too small; "
            f"use a smaller kernel or more padding"
        )
    # The last window may run past the padded input in ceil mode: pad the rest too.
    extra = [max(0, (o - 1) * s + d * (k - 1) + 1 - (n + 2 * p))
             for o, s, d, k, n, p in zip(out_hw, stride, dilation, kernel, (H, W), padding)]
    return _PoolGeometry(kernel, stride,
                         (padding[0], padding[0] + extra[0], padding[1], padding[1] + extra[1]),
                         dilation, out_hw, (H, W))


def _pad_last_two(x, padding, value, planes_last=False):
    """Pad the last two axes with ``value``, (top, bottom, left, right); ``planes_last``:
    into an array stored planes last (see :func:`_planes_last_array`)."""
    top, bottom, left, right = padding
    if top == bottom == left == right == 0 and not planes_last:
        return x
    H, W = x.shape[-2:]
    # NOTE: a filled array and one slice assignment: several times faster than np.pad
    padded = _planes_last_array((*x.shape[:-2], H + top + bottom, W + left + right),
                                x.dtype, planes_last, fill=value)
    _threads.copy(padded[..., top:top + H, left:left + W], x)
    return padded


# NOTE: pooling loops over the kernel offsets, each pass a strided slice of the whole
# batch along image rows. On small planes (GoogLeNet's 8x8 down to 2x2, ResNet's last
# ones) a row is a few numbers, and NumPy's cost per row, not the arithmetic, sets the
# time. Stored with the N*C planes as the last (innermost) axis, the same slices run
# along rows of N*C numbers: measured 2x faster at 8x8 outputs, 4-6x at 4x4 and 2x2,
# slower from 14x14 (the two transposing copies then cost more than they save). The arrays
# keep their (N, C, H, W) shape, only their memory order changes (NumPy's loops follow
# the memory order), so the pooling code is the same; the result is copied back to
# (N, C, H, W) order. Set _PLANES_LAST_POOLING = False to switch it off.
_PLANES_LAST_POOLING = True
_PLANES_LAST_MAX_WIDTH = 8  # output rows up to this long: planes last


def _pool_planes_last(geometry: _PoolGeometry) -> bool:
    return _PLANES_LAST_POOLING and geometry.output_hw[1] <= _PLANES_LAST_MAX_WIDTH


def _planes_last_array(shape, dtype, planes_last: bool, fill=None) -> np.ndarray:
    """An array of shape (..., H, W), stored as (H, W, ...) when ``planes_last``.

    Filled with ``fill`` (uninitialised if None).
    """
    *leading, H, W = shape
    storage_shape = (H, W, *leading) if planes_last else shape
    storage = np.empty(storage_shape, dtype) if fill is None else \
        np.full(storage_shape, fill, dtype)
    if not planes_last:
        return storage
    # NOTE: contiguous storage (no spacing between pixels, unlike col2im's): NumPy's
    # vector loops then run each pass as one long row, several times faster
    return np.moveaxis(storage, (0, 1), (-2, -1))             # (N, C, H, W), planes last


def _to_planes_last(x: np.ndarray) -> np.ndarray:
    """A copy of ``x`` (..., H, W) stored planes last."""
    copy = _planes_last_array(x.shape, x.dtype, planes_last=True)
    _threads.copy(copy, x)
    return copy


def _crop_last_two(image, geometry: _PoolGeometry):
    top, _, left, _ = geometry.padding
    H, W = geometry.input_hw
    return image[..., top:top + H, left:left + W]


def _max_pool2d_array(x, geometry: _PoolGeometry):
    """Running maximum over the kernel offsets.

    Returns the maxima (N, C, H_out, W_out) and, for each, the kernel offset
    ``p*kW + q`` where it was first reached (ties keep the first, a NaN wins: torch's rule).
    """
    planes_last = _pool_planes_last(geometry)
    x_padded = _pad_last_two(x, geometry.padding, -np.inf, planes_last)  # never wins
    has_nan = bool(np.isnan(x).any()) if x.dtype.kind == "f" else False
    out_shape = (*x.shape[:-2], *geometry.output_hw)
    maxima = _planes_last_array(out_shape, x.dtype, planes_last)
    # offsets up to kH*kW - 1: one byte each for the usual kernels
    index_type = np.int8 if math.prod(geometry.kernel_size) <= 127 else np.int32
    argmax = _planes_last_array(out_shape, index_type, planes_last, fill=0)

    def running_maximum(start, stop):  # on x[start:stop] (threads: chunks of axis 0)
        best, best_index = maxima[start:stop], argmax[start:stop]
        for index, rows, cols in geometry.offsets():
            window = x_padded[start:stop, ..., rows, cols]     # (n, C, H_out, W_out) view
            if index == 0:
                np.copyto(best, window)
                continue
            better = window > best
            if has_nan:
                better |= np.isnan(window)
            np.maximum(best, window, out=best)                 # NaN propagates, as in torch
            # argmax = index where better, unchanged elsewhere: the offsets come in
            # increasing order, so that is max(argmax, better * index) -- branch-free,
            # much faster than a masked assignment on random masks
            np.maximum(best_index, better * index_type(index), out=best_index)
    _threads.parallel_for(maxima.shape[0], running_maximum, x_padded.nbytes)
    if planes_last:  # back to (N, C, H_out, W_out) order
        return _threads.ascontiguous(maxima), _threads.ascontiguous(argmax)
    return maxima, argmax


def _max_pool2d_indices(argmax, geometry: _PoolGeometry):
    """torch's ``return_indices``: the flat index ``h * W + w`` in the unpadded input."""
    (H_out, W_out), (sH, sW), (dH, dW) = geometry.output_hw, geometry.stride, geometry.dilation
    kW = geometry.kernel_size[1]
    top, _, left, _ = geometry.padding
    W = geometry.input_hw[1]
    p, q = np.divmod(argmax.astype(np.int64), kW)
    rows = np.arange(H_out)[:, None] * sH - top + p * dH       # (..., H_out, W_out)
    cols = np.arange(W_out)[None, :] * sW - left + q * dW
    return rows * W + cols


# NOTE: the scatter below makes kH*kW passes over the whole output (a comparison, a
# product and a strided add each), although each gradient goes to one pixel only. With
# each winner's flat position in the padded image computed once (the window's corner
# plus its winning offset, one table look-up), ``np.add.at`` adds every gradient at its
# place in one pass: measured 3-4x faster on ResNet's and GoogLeNet's 3x3 pools. Windows
# that overlap may send several gradients to one pixel; add.at sums them (in the
# windows' order, not the offsets': the last bits may differ from the loop's).
# Single-threaded, so the same bits at every thread count. Set _SCATTER_BY_INDEX = False
# for the loop over the offsets.
_SCATTER_BY_INDEX = True


def _max_pool2d_scatter_by_index(grad_output, argmax, geometry: _PoolGeometry):
    """The scatter in one ``np.add.at`` over the winners' flat positions."""
    (kH, kW), (sH, sW), (dH, dW) = geometry.kernel_size, geometry.stride, geometry.dilation
    H_out, W_out = geometry.output_hw
    padded_shape = geometry.padded_shape(grad_output.shape[:-2])
    H_p, W_p = padded_shape[-2:]
    planes = math.prod(grad_output.shape[:-2])
    # flat position of offset p kW + q from a window's corner, and of every corner
    offset_position = np.array([p * dH * W_p + q * dW for p in range(kH) for q in range(kW)],
                               dtype=np.intp)
    corner = (np.arange(H_out) * sH * W_p)[:, None] + np.arange(W_out) * sW  # (H_out, W_out)
    position = offset_position.take(argmax.reshape(planes, H_out, W_out))
    position += corner
    position += (np.arange(planes) * (H_p * W_p))[:, None, None]  # each plane's start
    image = np.zeros(math.prod(padded_shape), dtype=grad_output.dtype)
    # d max / d x_i = 1 for the winner i: add each gradient at its winner's place
    np.add.at(image, position.ravel(), grad_output.reshape(-1))
    return _threads.ascontiguous(_crop_last_two(image.reshape(padded_shape), geometry))


def _max_pool2d_scatter_array(grad_output, argmax, geometry: _PoolGeometry):
    """Backward of max pooling: each gradient goes to the pixel that won its window."""
    if _SCATTER_BY_INDEX:
        return _max_pool2d_scatter_by_index(grad_output, argmax, geometry)
    planes_last = _pool_planes_last(geometry)
    image = _planes_last_array(geometry.padded_shape(grad_output.shape[:-2]),
                               grad_output.dtype, planes_last, fill=0)
    if planes_last:
        grad_output, argmax = _to_planes_last(grad_output), _to_planes_last(argmax)

    def scatter(start, stop):  # on grad_output[start:stop] (threads: chunks of axis 0)
        for index, rows, cols in geometry.offsets():
            # d max / d x_i = 1 for the winner i, 0 for the others
            # NOTE: a product with the mask (not np.where): several times faster here
            image[start:stop, ..., rows, cols] += (grad_output[start:stop]
                                                   * (argmax[start:stop] == index))
    _threads.parallel_for(grad_output.shape[0], scatter, image.nbytes)
    image = _crop_last_two(image, geometry)
    return _threads.ascontiguous(image) if planes_last else image


def _max_pool2d_gather_array(x, argmax, geometry: _PoolGeometry):
    """Read each window's winning pixel (the adjoint of the scatter above)."""
    x_padded = _pad_last_two(x, geometry.padding, 0)
    out = np.zeros(argmax.shape, dtype=x.dtype)
    for index, rows, cols in geometry.offsets():
        np.copyto(out, x_padded[..., rows, cols], where=argmax == index)
    return out


def _avg_pool_divisor(geometry: _PoolGeometry, count_include_pad, divisor_override, dtype):
    """The (H_out, W_out) divisor of every window, torch's rule.

    A window's size is a product of its height and width, so the divisor is the outer
    product of two 1-D counts. With ``count_include_pad`` the window counts the zero
    padding, but not the part past the padding that ceil mode adds.
    """
    if divisor_override:
        return np.asarray(divisor_override, dtype=dtype)
    counts = []
    for n, o, k, s, p in zip(geometry.input_hw, geometry.output_hw, geometry.kernel_size,
                             geometry.stride, geometry.padding[::2]):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        if count_include_pad:
            counts.append(end - start)
        else:
            counts.append(np.minimum(end, n) - np.maximum(start, 0))
    return np.outer(counts[0], counts[1]).astype(dtype)


def _avg_pool2d_array(x, geometry: _PoolGeometry, divisor):
    """Sum of each window (zero padding) over the kernel offsets, then divide."""
    planes_last = _pool_planes_last(geometry)
    x_padded = _pad_last_two(x, geometry.padding, 0, planes_last)
    total = _planes_last_array((*x.shape[:-2], *geometry.output_hw), x.dtype, planes_last,
                               fill=0)

    def window_sums(start, stop):  # on x[start:stop] (threads: chunks of axis 0)
        for _, rows, cols in geometry.offsets():
            total[start:stop] += x_padded[start:stop, ..., rows, cols]
    _threads.parallel_for(total.shape[0], window_sums, x_padded.nbytes)
    return _threads.ascontiguous(total / divisor)             # (N, C, H_out, W_out) order


def _avg_pool2d_adjoint_array(grad_output, geometry: _PoolGeometry, divisor):
    """Backward of average pooling: every pixel of a window gets grad / divisor."""
    planes_last = _pool_planes_last(geometry)
    image = _planes_last_array(geometry.padded_shape(grad_output.shape[:-2]),
                               grad_output.dtype, planes_last, fill=0)
    if planes_last:
        grad_output = _to_planes_last(grad_output)

    def spread(start, stop):  # on grad_output[start:stop] (threads: chunks of axis 0)
        share = grad_output[start:stop] / divisor               # d mean / d x_i = 1 / count
        for _, rows, cols in geometry.offsets():
            image[start:stop, ..., rows, cols] += share
    _threads.parallel_for(grad_output.shape[0], spread, image.nbytes)
    image = _crop_last_two(image, geometry)
    return _threads.ascontiguous(image) if planes_last else image


def _adaptive_bounds(size: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """torch's adaptive windows along one axis: window i is
    ``[floor(i*size/out), ceil((i+1)*size/out))``, as (start, end) arrays of length out."""
    i = np.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)                           # ceil division
    return start, end


def _adaptive_pool_matrix(size: int, out: int, dtype) -> np.ndarray:
    """(out, size) matrix averaging torch's adaptive windows (:func:`_adaptive_bounds`)
    along one axis."""
    start, end = _adaptive_bounds(size, out)
    positions = np.arange(size)
    inside = (positions >= start[:, None]) & (positions < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _one_hot_matrix(index: np.ndarray, size: int, dtype) -> np.ndarray:
    """(len(index), size) matrix that picks ``x[index]`` along one axis."""
    return (index[:, None] == np.arange(size)).astype(dtype)


def _apply_axis_maps(x, matrices):
    """Apply matrix ``M_i`` (out_i, in_i) along each of the last ``len(matrices)`` axes."""
    first_axis = x.ndim - len(matrices)
    for offset, matrix in enumerate(matrices):
        if matrix is None:
            continue
        axis = first_axis + offset
        # y[..., o, ...] = sum_i M[o, i] x[..., i, ...]
        x = np.moveaxis(np.tensordot(matrix, x, axes=(1, axis)), 0, axis)
    return np.ascontiguousarray(x)


# --------------------------------------------------------------------------------------
# Functions: forward on arrays, backward through the Functions themselves
# --------------------------------------------------------------------------------------

class Convolution(Function):
    """y = conv(x, W) + b. Its gradients are the two other convolutions below."""

    backward_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, geometry: _ConvGeometry, columns=None):
        y, columns = _conv2d_array(x._data, weight._data, geometry, columns)
        if bias is not None:
            def add_bias(start, stop):  # threads: chunks of samples
                y[start:stop] += bias._data.reshape(1, -1, 1, 1)
            _threads.parallel_for(y.shape[0], add_bias, y.nbytes)
        # NOTE: the columns are kept for the weight gradient: the im2col copy is the
        # costliest step, and saved values are freed after backward. A frozen weight
        # (requires_grad False) needs no gradient, hence no columns.
        ctx.save_for_backward(x, weight, columns if weight.requires_grad else None)
        ctx.geometry = geometry
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, weight, columns = ctx.saved_tensors
        need_x, need_weight, need_bias = ctx.needs_input_grad[:3]
        grad_x = grad_weight = grad_bias = None
        if need_x:      # dL/dx = conv_transpose(g, W)
            grad_x = ConvolutionTranspose.apply(grad_output, weight, ctx.geometry,
                                                x.shape[-2:])
        if need_weight:  # dL/dW = sum_n g[n] @ cols[n]^T
            grad_weight = ConvolutionWeightGrad.apply(
                x, grad_output, ctx.geometry, weight.shape,
                None if columns is None else columns._data)
        if need_bias:   # dL/db = sum of g over samples and pixels
            grad_bias = grad_output.sum(dim=(0, 2, 3))
        return grad_x, grad_weight, grad_bias, None, None


class ConvolutionTranspose(Function):
    """x_like = conv_transpose(g, W): the input gradient of ``conv(., W)`` applied to g.

    ``input_hw`` is the spatial size of the result (the convolution's input).
    """

    backward_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, grad_output, weight, geometry: _ConvGeometry, input_hw):
        ctx.save_for_backward(grad_output, weight)
        ctx.geometry = geometry
        return _conv2d_input_grad_array(grad_output._data, weight._data, geometry, input_hw)

    @staticmethod
    def backward(ctx, upstream):
        grad_output, weight = ctx.saved_tensors
        need_g, need_weight = ctx.needs_input_grad[:2]
        grad_g = grad_weight = None
        H_out, W_out = grad_output.shape[-2:]
        columns = None
        if need_g and need_weight and not _is_depthwise(weight.shape, ctx.geometry) and \
                not _is_whole_image(ctx.geometry, upstream.shape[-2:]) and \
                ctx.geometry.output_hw(*upstream.shape[-2:]) == (H_out, W_out):
            # both products below read the same columns of `upstream`: make them once
            columns = _columns(upstream._data, ctx.geometry,
                               weight.shape[0] // ctx.geometry.groups)
        if need_g:      # <conv_T(g, W), u> = <g, conv(u, W)>
            grad_g = Convolution.apply(upstream, weight, None, ctx.geometry, columns)
            if grad_g.shape[-2:] != (H_out, W_out):  # output_padding >= stride
                grad_g = grad_g[:, :, :H_out, :W_out]
        if need_weight:  # the same pairing, seen as a function of W
            grad_weight = ConvolutionWeightGrad.apply(upstream, grad_output, ctx.geometry,
                                                      weight.shape, columns)
        return grad_g, grad_weight, None, None


class ConvolutionWeightGrad(Function):
    """W_like = conv_weight_grad(x, g): the weight gradient of ``conv(x, .)`` for g."""

    @staticmethod
    def forward(ctx, x, grad_output, geometry: _ConvGeometry, weight_shape, columns=None):
        ctx.save_for_backward(x, grad_output)
        ctx.geometry = geometry
        return _conv2d_weight_grad_array(x._data, grad_output._data, geometry,
                                         tuple(weight_shape), columns)

    @staticmethod
    def backward(ctx, upstream):
        x, grad_output = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad[:2]
        grad_x = grad_g = None
        if need_x:      # <wgrad(x, g), V> = <conv(x, V), g> = <x, conv_T(g, V)>
            grad_x = ConvolutionTranspose.apply(grad_output, upstream, ctx.geometry,
                                                x.shape[-2:])
        if need_g:
            grad_g = Convolution.apply(x, upstream, None, ctx.geometry)
            H_out, W_out = grad_output.shape[-2:]
            if grad_g.shape[-2:] != (H_out, W_out):
                grad_g = grad_g[:, :, :H_out, :W_out]
        return grad_x, grad_g, None, None, None


class MaxPool(Function):
    """y = the winning pixel of every window (``winners`` from :func:`_max_pool2d_array`).

    ``maxima``, when given, are those values already computed by the max pool itself.
    """

    backward_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, winners, geometry: _PoolGeometry, maxima=None):
        ctx.winners, ctx.geometry = winners, geometry
        if maxima is not None:
            return maxima
        return _max_pool2d_gather_array(x._data, winners, geometry)

    @staticmethod
    def backward(ctx, grad_output):
        # d max / d x_i = 1 for the window's winner, 0 elsewhere: scatter to the winners
        return MaxUnpool.apply(grad_output, ctx.winners, ctx.geometry), None, None, None


class MaxUnpool(Function):
    """Scatter each value to the pixel that won its window (max pooling's backward)."""

    @staticmethod
    def forward(ctx, grad_output, winners, geometry: _PoolGeometry):
        ctx.winners, ctx.geometry = winners, geometry
        return _max_pool2d_scatter_array(grad_output._data, winners, geometry)

    @staticmethod
    def backward(ctx, upstream):
        # the adjoint of a scatter is the gather at the same places
        return MaxPool.apply(upstream, ctx.winners, ctx.geometry), None, None


class AvgPool(Function):
    """y = sum of each window / divisor."""

    backward_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, geometry: _PoolGeometry, divisor):
        ctx.geometry, ctx.divisor = geometry, divisor
        return _avg_pool2d_array(x._data, geometry, divisor)

    @staticmethod
    def backward(ctx, grad_output):
        # d mean / d x_i = 1 / divisor for every pixel of the window
        return AvgPoolAdjoint.apply(grad_output, ctx.geometry, ctx.divisor), None, None


class AvgPoolAdjoint(Function):
    """Spread grad / divisor over every pixel of its window (average pooling's backward)."""

    @staticmethod
    def forward(ctx, grad_output, geometry: _PoolGeometry, divisor):
        ctx.geometry, ctx.divisor = geometry, divisor
        return _avg_pool2d_adjoint_array(grad_output._data, geometry, divisor)

    @staticmethod
    def backward(ctx, upstream):
        return AvgPool.apply(upstream, ctx.geometry, ctx.divisor), None, None


class AxisMaps(Function):
    """y = x multiplied by matrix ``M_i`` along each of its last axes.

    Adaptive average pooling, nearest upsampling and border padding (replicate, reflect,
    circular) are all of this form: each output pixel is a fixed combination of input
    pixels along each axis, separately.
    """

    @staticmethod
    def forward(ctx, x, matrices):
        ctx.matrices = matrices
        return _apply_axis_maps(x._data, matrices)

    @staticmethod
    def backward(ctx, grad_output):
        # d(M x)/dx = M^T
        transposed = [None if m is None else np.ascontiguousarray(m.T) for m in ctx.matrices]
        return AxisMaps.apply(grad_output, transposed), None


class ConstantPad(Function):
    """Pad with a constant (or crop, for negative widths) along the last axes."""

    backward_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, widths, value):
        ctx.widths = widths
        return _constant_pad_array(x._data, widths, value)

    @staticmethod
    def backward(ctx, grad_output):
        # the padding is constant: the gradient is the centre, i.e. the opposite crop
        negated = [(-before, -after) for before, after in ctx.widths]
        return ConstantPad.apply(grad_output, negated, 0), None, None


def _constant_pad_array(x, widths, value):
    """Crop the negative widths, then pad the positive ones with ``value``."""
    first_axis = x.ndim - len(widths)
    crop = [slice(None)] * first_axis + [
        slice(max(-before, 0), size - max(-after, 0))
        for (before, after), size in zip(widths, x.shape[first_axis:])
    ]
    x = x[tuple(crop)]
    padding = [(0, 0)] * first_axis + [(max(b, 0), max(a, 0)) for b, a in widths]
    if any(b or a for b, a in padding):
        x = np.pad(x, padding, constant_values=value)
    return np.ascontiguousarray(x)


# --------------------------------------------------------------------------------------
# Public functions (torch.nn.functional's signatures and defaults)
# --------------------------------------------------------------------------------------

def _check_tensor(value, argument: str, function: str) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{function}(): argument '{argument}' must be Tensor, not "
            f"{type(value).__name__}; wrap arrays with glassbox.tensor(...)"
        )


def _check_spatial_rank(x: Tensor, function: str) -> None:
    if x.ndim not in (3, 4):
        raise _ArgumentError(
            f"Expected 3D (unbatched) or 4D (batched) input to {function}, but got input "
            f"of size: {list(x.shape)}"
        )


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """2-D cross-correlation (what deep learning calls convolution).

    .. math:: y[n, o, i, j] = b[o] + \\sum_{c, p, q} W[o, c, p, q]\\,
              x_\\text{pad}[n, g(o) C_g + c,\\; i s_H + p d_H,\\; j s_W + q d_W]

    computed as im2col (a strided view, one copy) and one batched matrix product.

    Parameters
    ----------
    input : Tensor of shape (N, C_in, H, W) or (C_in, H, W)
    weight : Tensor of shape (C_out, C_in / groups, kH, kW)
    bias : Tensor of shape (C_out,), optional
    stride : int or (int, int), default=1
    padding : int, (int, int), 'valid' or 'same', default=0
        Zeros added on both sides; 'same' keeps the size (stride 1 only; an even kernel
        gets the extra pixel at the bottom/right, as in torch).
    dilation : int or (int, int), default=1
        Spacing between kernel taps.
    groups : int, default=1
        Channels split into ``groups`` independent convolutions; ``groups == C_in``
        with ``C_out == C_in`` is a depthwise convolution.

    Returns
    -------
    Tensor of shape (N, C_out, H_out, W_out)
        ``H_out = floor((H + 2 padding - dilation (kH - 1) - 1) / stride) + 1``.

    Raises
    ------
    RuntimeError (also a ValueError)
        Input channels that do not match ``weight``, groups not dividing the channels,
        non-positive stride or dilation, 'same' with stride > 1, kernel larger than the
        padded input.

    See Also
    --------
    torch.nn.functional.conv2d

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.ones(1, 1, 4, 4)
    >>> conv2d(x, gb.ones(2, 1, 3, 3), padding=1)[0, 0]
    tensor([[4., 6., 6., 4.],
            [6., 9., 9., 6.],
            [6., 9., 9., 6.],
            [4., 6., 6., 4.]])
    """
    _check_tensor(input, "input", "conv2d")
    _check_tensor(weight, "weight", "conv2d")
    _check_spatial_rank(input, "conv2d")
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    _check_conv_shapes(x.shape, weight.shape, None if bias is None else bias.shape, groups,
                       x_dtype=x.dtype, weight_dtype=weight.dtype)
    kernel = tuple(weight.shape[-2:])
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    _check_positive(stride, "stride")
    _check_positive(dilation, "dilation")
    geometry = _ConvGeometry(kernel, stride, _conv_padding(padding, kernel, stride, dilation),
                             dilation, int(groups))
    H, W = x.shape[-2:]
    top, bottom, left, right = geometry.padding
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if H + top + bottom < spans[0] or W + left + right < spans[1]:
        raise _ArgumentError(
            f"Calculated padded input size per channel: ({H + top + bottom} x "
            f"{W + left + right}). Kernel size: ({spans[0]} x {spans[1]}). Kernel size can't "
            f"be greater than actual input size; use a larger input or more padding"
        )
    y = Convolution.apply(x, weight, bias, geometry)
    return y.squeeze(0) if unbatched else y


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0,  # noqa: A002
                     output_padding=0, groups=1, dilation=1):
    """2-D transposed convolution: the gradient of :func:`conv2d` with respect to its input.

    Every input pixel scatters ``x[n, c, i, j] * W[c, o, :, :]`` onto the output at
    ``(i s_H - p_H, j s_W - p_W)`` (col2im of ``W^T x``); used to upsample in decoders
    and DCGAN generators.

    Parameters
    ----------
    input : Tensor of shape (N, C_in, H, W) or (C_in, H, W)
    weight : Tensor of shape (C_in, C_out / groups, kH, kW)
    bias : Tensor of shape (C_out,), optional
    stride, padding, dilation : int or (int, int), defaults 1, 0, 1
    output_padding : int or (int, int), default=0
        Extra rows/columns at the bottom/right, to choose among the output sizes that
        the strided convolution maps to the same input size; must be smaller than
        ``stride`` or ``dilation``.
    groups : int, default=1

    Returns
    -------
    Tensor of shape (N, C_out, H_out, W_out)
        ``H_out = (H - 1) stride - 2 padding + dilation (kH - 1) + output_padding + 1``.

    See Also
    --------
    torch.nn.functional.conv_transpose2d

    Examples
    --------
    >>> import glassbox as gb
    >>> conv_transpose2d(gb.ones(1, 1, 2, 2), gb.ones(1, 1, 2, 2), stride=2)[0, 0]
    tensor([[1., 1., 1., 1.],
            [1., 1., 1., 1.],
            [1., 1., 1., 1.],
            [1., 1., 1., 1.]])
    """
    _check_tensor(input, "input", "conv_transpose2d")
    _check_tensor(weight, "weight", "conv_transpose2d")
    _check_spatial_rank(input, "conv_transpose2d")
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    _check_conv_shapes(x.shape, weight.shape, None if bias is None else bias.shape, groups,
                       transposed=True, x_dtype=x.dtype, weight_dtype=weight.dtype)
    kernel = tuple(weight.shape[-2:])
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    _check_positive(stride, "stride")
    _check_positive(dilation, "dilation")
    padding, output_padding = _pair(padding, "padding"), _pair(output_padding, "output_padding")
    if min(padding) < 0 or min(output_padding) < 0:
        raise _ArgumentError(
            f"negative padding is not supported: got padding={padding}, "
            f"output_padding={output_padding}; expected >= 0"
        )
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= s and op >= d:
            raise _ArgumentError(
                f"output padding must be smaller than either stride or dilation, but got "
                f"output_padding={output_padding}, stride={stride}, dilation={dilation}"
            )
    H, W = x.shape[-2:]
    output_hw = tuple((n - 1) * s - 2 * p + d * (k - 1) + op + 1 for n, s, p, d, k, op in
                      zip((H, W), stride, padding, dilation, kernel, output_padding))
    if min(output_hw) < 1:
        raise _ArgumentError(
            f"Given input size per channel: ({H} x {W}). Calculated output size per channel: "
            f"({output_hw[0]} x {output_hw[1]}). Output size is too small; lower the padding"
        )
    geometry = _ConvGeometry(kernel, stride, (padding[0], padding[0], padding[1], padding[1]),
                             dilation, int(groups))
    y = ConvolutionTranspose.apply(x, weight, geometry, output_hw)
    if bias is not None:
        y = y + bias.reshape(1, -1, 1, 1)
    return y.squeeze(0) if unbatched else y


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
               ceil_mode=False, return_indices=False):
    """2-D max pooling: the largest value of every (dilated, strided) window.

    Padding counts as -infinity (never the maximum). The gradient flows to each
    window's winner only (the first one on ties, as in torch).

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    kernel_size : int or (int, int)
    stride : int or (int, int), default=kernel_size
    padding : int or (int, int), default=0
        At most half the kernel size.
    dilation : int or (int, int), default=1
    ceil_mode : bool, default=False
        Round the number of windows up (a last, partial window), not down.
    return_indices : bool, default=False
        Also return the flat index ``h * W + w`` of each maximum in its input plane.

    Returns
    -------
    Tensor of shape (N, C, H_out, W_out), and the indices (int64) if asked.

    See Also
    --------
    torch.nn.functional.max_pool2d

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.arange(16.0).reshape(1, 1, 4, 4)
    >>> max_pool2d(x, 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    _check_tensor(input, "input", "max_pool2d")
    geometry = _pool_geometry("max_pool2d", input.shape, kernel_size, stride, padding,
                              dilation, ceil_mode)
    maxima, winners = _max_pool2d_array(input._data, geometry)
    y = MaxPool.apply(input, winners, geometry, maxima)
    if return_indices:
        return y, Tensor(_max_pool2d_indices(winners, geometry))
    return y


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True, divisor_override=None):
    """2-D average pooling: the mean of every window.

    .. math:: y[n, c, i, j] = \\frac{1}{\\text{divisor}_{ij}} \\sum_{p, q}
              x_\\text{pad}[n, c, i s_H + p, j s_W + q]

    The divisor is the window size counting the zero padding (``count_include_pad``),
    or only the real pixels, or ``divisor_override``.

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    kernel_size : int or (int, int)
    stride : int or (int, int), default=kernel_size
    padding : int or (int, int), default=0
    ceil_mode : bool, default=False
    count_include_pad : bool, default=True
    divisor_override : int, optional

    Returns
    -------
    Tensor of shape (N, C, H_out, W_out)

    See Also
    --------
    torch.nn.functional.avg_pool2d

    Examples
    --------
    >>> import glassbox as gb
    >>> avg_pool2d(gb.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    """
    _check_tensor(input, "input", "avg_pool2d")
    if divisor_override is not None and divisor_override == 0:
        raise _ArgumentError("divisor must be not zero; use divisor_override=None for the "
                             "window size")
    geometry = _pool_geometry("avg_pool2d", input.shape, kernel_size, stride, padding, 1,
                              ceil_mode)
    divisor = _avg_pool_divisor(geometry, count_include_pad, divisor_override, input.dtype)
    return AvgPool.apply(input, geometry, divisor)


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    """Average pooling to a fixed output size, whatever the input size.

    Output pixel ``i`` averages input rows ``floor(i H / H_out)`` to
    ``ceil((i + 1) H / H_out) - 1`` (and likewise for columns): windows may overlap and
    differ in size. A mean over a rectangle is a mean over rows of means over columns,
    so this is ``A_H x A_W^T`` with two small averaging matrices.

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    output_size : int or (int or None, int or None)
        None keeps that dimension's input size.

    Returns
    -------
    Tensor of shape (N, C, H_out, W_out)

    See Also
    --------
    torch.nn.functional.adaptive_avg_pool2d

    Examples
    --------
    >>> import glassbox as gb
    >>> adaptive_avg_pool2d(gb.arange(16.0).reshape(1, 1, 4, 4), 1)
    tensor([[[[7.5000]]]])
    """
    _check_tensor(input, "input", "adaptive_avg_pool2d")
    _check_spatial_rank(input, "adaptive_avg_pool2d")
    sizes = (output_size, output_size) if not isinstance(output_size, (tuple, list)) \
        else tuple(output_size)
    if len(sizes) != 2:
        raise _ArgumentError(f"adaptive_avg_pool2d: output_size must be 2, got {output_size}")
    sizes = tuple(n if s is None else int(s) for s, n in zip(sizes, input.shape[-2:]))
    if min(sizes) < 0:
        raise _ArgumentError(
            f"adaptive_avg_pool2d: elements of output_size must be greater than or equal "
            f"to 0 but received {output_size}"
        )
    matrices = [_adaptive_pool_matrix(n, out, input.dtype)
                for n, out in zip(input.shape[-2:], sizes)]
    return AxisMaps.apply(input, matrices)


_BORDER_MODES = ("reflect", "replicate", "circular")


def _border_index(size: int, before: int, after: int, mode: str) -> np.ndarray:
    """Which input position each padded position copies, along one axis."""
    index = np.arange(-before, size + after)
    if mode == "replicate":
        return np.clip(index, 0, size - 1)
    if mode == "circular":
        return index % size
    # reflect about the edge pixels, without repeating them: -1 -> 1, size -> size - 2
    index = np.abs(index)
    return np.where(index > size - 1, 2 * (size - 1) - index, index)


def pad(input, pad, mode="constant", value=None):  # noqa: A002
    """Pad (or crop, with negative widths) the last dimensions of a tensor.

    ``pad`` lists (before, after) widths starting from the LAST dimension:
    ``(left, right)`` pads the width, ``(left, right, top, bottom)`` width and height.

    Parameters
    ----------
    input : Tensor of any shape
    pad : tuple of 2 k ints
    mode : {'constant', 'reflect', 'replicate', 'circular'}, default='constant'
        Constant fill, mirror without the edge, repeat the edge, or wrap around.
    value : float, default=0
        Fill value of 'constant'.

    Returns
    -------
    Tensor
        Dimension ``-i`` grows by ``pad[2i - 2] + pad[2i - 1]``.

    See Also
    --------
    torch.nn.functional.pad

    Examples
    --------
    >>> import glassbox as gb
    >>> pad(gb.tensor([[1.0, 2.0]]), (1, 2), value=-1)
    tensor([[-1.,  1.,  2., -1., -1.]])
    >>> pad(gb.tensor([[[1.0, 2.0]]]), (2, 1), mode="replicate")
    tensor([[[1., 1., 1., 2., 2.]]])
    """
    _check_tensor(input, "input", "pad")
    widths_flat = [int(w) for w in pad]
    if len(widths_flat) % 2:
        raise _ArgumentError(f"Padding length must be divisible by 2, got pad={tuple(pad)}")
    n_dims = len(widths_flat) // 2
    if n_dims > input.ndim:
        raise _ArgumentError(
            f"Padding length should be less than or equal to two times the input dimension "
            f"but got padding length {len(widths_flat)} and input of dimension {input.ndim}"
        )
    # pairs from the last dimension backwards -> per axis, first to last
    widths = [(widths_flat[2 * i], widths_flat[2 * i + 1]) for i in range(n_dims)][::-1]
    if mode == "constant":
        return ConstantPad.apply(input, widths, 0 if value is None else value)
    if mode not in _BORDER_MODES:
        raise NotImplementedError(
            f"Unrecognised padding mode {mode}; expected 'constant', 'reflect', 'replicate' "
            f"or 'circular'"
        )
    if n_dims > 3 or input.ndim not in (n_dims + 1, n_dims + 2):
        raise NotImplementedError(
            f"Padding size {len(widths_flat)} is not supported for {input.ndim}D input "
            f"tensor with mode={mode!r}: pad the last 1, 2 or 3 dimensions of an input "
            f"with 1 or 2 more (batch, channel) dimensions"
        )
    sizes = input.shape[-n_dims:]
    if mode == "reflect" and any(max(b, a) >= n for (b, a), n in zip(widths, sizes)):
        raise _ArgumentError(
            f"Padding size should be less than the corresponding input dimension, but got "
            f"pad={tuple(pad)} for input of size {list(input.shape)} with mode 'reflect'"
        )
    matrices = [_one_hot_matrix(_border_index(n, b, a, mode), n, input.dtype)
                for (b, a), n in zip(widths, sizes)]
    return AxisMaps.apply(input, matrices)


_INTERPOLATION_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "trilinear",
                        "bicubic", "area")
# the interpolating modes and the number of spatial dimensions each one takes
_INTERPOLATING_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def _nearest_index(in_size: int, out_size: int, scale, mode: str) -> np.ndarray:
    """torch's source index of each output pixel, with its float32 arithmetic."""
    destination = np.arange(out_size)
    if mode == "nearest" and out_size == in_size:
        return destination
    if mode == "nearest" and out_size == 2 * in_size:
        return destination // 2
    # scale = 1 / scale_factor when given, else in / out (rounded to float32 as in torch)
    step = np.float32(1.0 / scale) if scale else np.float32(in_size) / np.float32(out_size)
    if mode == "nearest":
        source = np.floor(destination.astype(np.float32) * step)
    else:  # nearest-exact: the pixel whose centre is nearest
        source = np.floor(((destination + 0.5) * np.float64(step)).astype(np.float32))
    return np.minimum(source.astype(np.int64), in_size - 1)


def interpolate(input, size=None, scale_factor=None, mode="nearest",  # noqa: A002
                align_corners=None, recompute_scale_factor=None, antialias=False):
    """Resize the spatial dimensions: nearest-neighbour, (bi/tri)linear, bicubic or area.

    Every mode resizes each axis separately by a fixed (out, in) matrix, so the gradient
    is that matrix transposed (see :mod:`glassbox.nn._resampling`):

    - ``'nearest'``: output pixel ``i`` copies input pixel ``floor(i * in / out)``
      (torch's rule); ``'nearest-exact'``: ``floor((i + 0.5) * in / out)``;
    - ``'linear'`` / ``'bilinear'`` / ``'trilinear'`` (1, 2, 3 spatial dimensions): the
      two nearest pixels along each axis, weighted by closeness;
    - ``'bicubic'``: the four nearest pixels along each axis, Keys' cubic weights;
    - ``'area'``: the mean of each adaptive window (``adaptive_avg_pool``).

    Parameters
    ----------
    input : Tensor of shape (N, C, L), (N, C, H, W) or (N, C, D, H, W)
    size : int or tuple of int, optional
        Output spatial size; give this or ``scale_factor``.
    scale_factor : float or tuple of float, optional
        Output size = floor(input size * scale_factor).
    mode : {'nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'bicubic', \
'area'}, default='nearest'
    align_corners : bool, optional
        Interpolating modes only: True maps the corner pixels' centres onto each other,
        False (the default) the pixels' areas.
    antialias : False
        Not supported (torch's signature).
    recompute_scale_factor : bool, optional
        If True, sample with in / out rather than 1 / scale_factor.

    Returns
    -------
    Tensor of shape (N, C, *size)

    See Also
    --------
    torch.nn.functional.interpolate

    Examples
    --------
    >>> import glassbox as gb
    >>> interpolate(gb.tensor([[[1.0, 2.0]]]), scale_factor=2)
    tensor([[[1., 1., 2., 2.]]])
    >>> interpolate(gb.tensor([[[1.0, 2.0]]]), scale_factor=2, mode="linear")
    tensor([[[1.  , 1.25, 1.75, 2.  ]]])
    """
    _check_tensor(input, "input", "interpolate")
    if mode not in _INTERPOLATION_MODES:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
            f"{input.ndim}D) for the modes: {' | '.join(_INTERPOLATION_MODES)} (got {mode})"
        )
    if mode in _INTERPOLATING_DIMS:
        needed = _INTERPOLATING_DIMS[mode] + 2
        if input.ndim != needed:
            raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                      f"{needed}D input")
        align_corners = bool(align_corners)
    elif align_corners is not None:
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: linear | "
            f"bilinear | bicubic | trilinear; leave it None with mode={mode!r}"
        )
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not implemented in glassbox")
    spatial = input.ndim - 2
    if spatial < 1:
        raise ValueError(f"interpolate: expected an input of shape (N, C, ...), got "
                         f"{list(input.shape)}")
    in_sizes = input.shape[2:]
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = [int(size)] * spatial if not isinstance(size, (tuple, list)) else list(size)
        if len(sizes) != spatial:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(in_sizes)} and output size of {size}."
            )
        scales = [None] * spatial
    else:
        scales = [float(scale_factor)] * spatial if not isinstance(scale_factor, (tuple, list)) \
            else [float(s) for s in scale_factor]
        if len(scales) != spatial:
            raise ValueError(
                f"Input and scale_factor must have the same number of spatial dimensions, but "
                f"got input with spatial dimensions of {list(in_sizes)} and scale_factor of "
                f"shape {scale_factor}."
            )
        sizes = [math.floor(n * s) for n, s in zip(in_sizes, scales)]
        if recompute_scale_factor:
            scales = [None] * spatial
    if min(sizes) < 1:
        raise ValueError(f"interpolate: output size must be positive, got {sizes}")
    return AxisMaps.apply(input, [_resize_matrix(n, out, scale, mode, align_corners,
                                                 input.dtype)
                                  for n, out, scale in zip(in_sizes, sizes, scales)])


def _resize_matrix(in_size: int, out_size: int, scale, mode: str, align_corners,
                   dtype) -> np.ndarray:
    """The (out, in) matrix that resizes one axis in ``mode``."""
    if mode in ("nearest", "nearest-exact"):
        return _one_hot_matrix(_nearest_index(in_size, out_size, scale, mode), in_size, dtype)
    if mode == "area":
        return _adaptive_pool_matrix(in_size, out_size, dtype)
    if mode == "bicubic":
        return _resampling.cubic_weights(in_size, out_size, scale, align_corners, dtype)
    return _resampling.linear_weights(in_size, out_size, scale, align_corners, dtype)


def upsample_nearest(input, size=None, scale_factor=None):  # noqa: A002
    """Nearest-neighbour upsampling, ``interpolate(input, size, scale_factor, 'nearest')``.

    See Also
    --------
    torch.nn.functional.upsample_nearest

    Examples
    --------
    >>> import glassbox as gb
    >>> upsample_nearest(gb.ones(1, 1, 2, 2), scale_factor=2).shape
    glassbox.Size([1, 1, 4, 4])
    """
    return interpolate(input, size=size, scale_factor=scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):  # noqa: A002
    """Bilinear upsampling with the corners aligned,
    ``interpolate(input, size, scale_factor, 'bilinear', align_corners=True)``.

    See Also
    --------
    torch.nn.functional.upsample_bilinear

    Examples
    --------
    >>> import glassbox as gb
    >>> upsample_bilinear(gb.tensor([[[[0.0, 1.0]]]]), size=(1, 5))
    tensor([[[[0.  , 0.25, 0.5 , 0.75, 1.  ]]]])
    """
    return interpolate(input, size=size, scale_factor=scale_factor, mode="bilinear",
                       align_corners=True)
