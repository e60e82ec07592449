"""Adaptive max pooling: the largest value of each of torch's adaptive windows
(``torch.nn.functional.adaptive_max_pool2d``).

Output pixel (i, j) looks at input rows ``[floor(i H / H_out), ceil((i + 1) H / H_out))``
and the same rule for columns (the windows of adaptive average pooling): they may differ
in size by one and overlap. Written without a loop over pixels: every window is padded to
the largest window size by repeating its last index (a repeat cannot change a maximum),
one fancy-indexing gather reads all windows, and one ``argmax`` finds the winners. The
gradient goes to each window's winner (summed where overlapping windows share one).
"""

from __future__ import annotations

import numpy as np

from glassbox.autograd.function import Function
from glassbox.autograd.tensor import Tensor
from glassbox.nn._conv import (
    _adaptive_bounds,
    _ArgumentError,
    _check_tensor,
)

__all__ = ["adaptive_max_pool2d", "adaptive_max_pool2d_with_indices"]


def _window_indices(size: int, out: int) -> np.ndarray:
    """(out, k_max) input positions of each adaptive window along one axis; a window
    shorter than k_max repeats its last position."""
    start, end = _adaptive_bounds(size, out)
    k_max = int((end - start).max())
    return np.minimum(start[:, None] + np.arange(k_max), end[:, None] - 1)


def _winners(x: np.ndarray, out_hw: tuple[int, int]) -> np.ndarray:
    """Flat in-plane index (h * W + w) of the maximum of every window: (N, C, H_out, W_out).

    The first maximum in row-major order wins (torch's rule; a NaN wins as in torch).
    """
    N, C, H, W = x.shape
    rows, cols = _window_indices(H, out_hw[0]), _window_indices(W, out_hw[1])
    windows = x[:, :, rows[:, :, None, None], cols[None, None, :, :]]  # (N, C, Ho, kH, Wo, kW)
    windows = windows.transpose(0, 1, 2, 4, 3, 5)                      # (N, C, Ho, Wo, kH, kW)
    kH, kW = rows.shape[1], cols.shape[1]
    best = windows.reshape(*windows.shape[:4], kH * kW).argmax(-1)     # (N, C, Ho, Wo)
    i = np.arange(out_hw[0])[:, None]
    j = np.arange(out_hw[1])[None, :]
    return rows[i, best // kW] * W + cols[j, best % kW]


class _PlaneGather(Function):
    """y[n, c, i, j] = x[n, c].flat[index[n, c, i, j]]: the max pool, given its winners."""

    backward_name = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, x, index):
        ctx.index, ctx.input_hw = index, x.shape[-2:]
        N, C = index.shape[:2]
        planes = x._data.reshape(N, C, -1)                              # (N, C, H*W)
        return np.take_along_axis(planes, index.reshape(N, C, -1), axis=2).reshape(index.shape)

    @staticmethod
    def backward(ctx, grad_output):
        # d y / d x = 1 at each window's winner: scatter the gradient there
        return _PlaneScatter.apply(grad_output, ctx.index, ctx.input_hw), None


class _PlaneScatter(Function):
    """The adjoint of :class:`_PlaneGather`: add each value onto its winner's pixel."""

    @staticmethod
    def forward(ctx, grad_output, index, input_hw):
        ctx.index = index
        N, C = index.shape[:2]
        plane_size = int(np.prod(input_hw))
        # one flat position per value, planes side by side; bincount sums the shared ones
        flat = (np.arange(N * C).reshape(N, C, 1, 1) * plane_size + index).ravel()
        sums = np.bincount(flat, weights=grad_output._data.ravel(), minlength=N * C * plane_size)
        return sums.astype(grad_output.dtype).reshape(N, C, *input_hw)

    @staticmethod
    def backward(ctx, upstream):
        # the adjoint of a scatter is the gather at the same places
        return _PlaneGather.apply(upstream, ctx.index), None, None


def _output_hw(input: Tensor, output_size) -> tuple[int, int]:  # noqa: A002
    sizes = (output_size, output_size) if not isinstance(output_size, (tuple, list)) \
        else tuple(output_size)
    if len(sizes) != 2:
        raise _ArgumentError(f"adaptive_max_pool2d(): internal error: output_size.size() must "
                             f"be 2, received output_size={output_size}")
    sizes = tuple(n if s is None else int(s) for s, n in zip(sizes, input.shape[-2:]))
    if min(sizes) < 0:
        raise _ArgumentError(f"adaptive_max_pool2d: elements of output_size must be greater "
                             f"than or equal to 0 but received {output_size}")
    return sizes


def adaptive_max_pool2d_with_indices(input: Tensor, output_size,  # noqa: A002
                                     return_indices: bool = False) -> tuple[Tensor, Tensor]:
    """:func:`adaptive_max_pool2d` returning (values, indices) (torch's function of the
    same name)."""
    _check_tensor(input, "input", "adaptive_max_pool2d")
    if input.ndim not in (3, 4):
        raise _ArgumentError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: "
                             f"{list(input.shape)}")
    for axis in range(input.ndim - 2, input.ndim):
        if input.shape[axis] == 0:
            raise _ArgumentError(
                f"adaptive_max_pool2d(): Expected input to have non-zero size for non-batch "
                f"dimensions, but input has sizes {list(input.shape)} with dimension {axis} "
                f"being empty")
    out_hw = _output_hw(input, output_size)
    x = input.unsqueeze(0) if input.ndim == 3 else input
    if 0 in out_hw:
        index = np.zeros((*x.shape[:2], *out_hw), dtype=np.int64)
    else:
        index = _winners(x._data, out_hw).astype(np.int64)
    values = _PlaneGather.apply(x, index)
    if input.ndim == 3:
        return values.squeeze(0), Tensor(index[0])
    return values, Tensor(index)


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """Max pooling to a fixed output size, whatever the input size.

    .. math:: y[n, c, i, j] = \\max_{h \\in [h_0(i), h_1(i)),\\ w \\in [w_0(j), w_1(j))}
              x[n, c, h, w], \\quad h_0(i) = \\lfloor i H / H_{out} \\rfloor,\\
              h_1(i) = \\lceil (i + 1) H / H_{out} \\rceil

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    output_size : int or (int or None, int or None)
        None keeps that dimension's input size.
    return_indices : bool, default=False
        Also return each maximum's flat position ``h * W + w`` in its plane (int64).

    Returns
    -------
    Tensor of shape (N, C, H_out, W_out), or (values, indices)

    See Also
    --------
    torch.nn.functional.adaptive_max_pool2d, glassbox.nn.functional.adaptive_avg_pool2d

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.tensor([[[[1.0, 5.0, 2.0], [0.0, 3.0, 9.0]]]])
    >>> adaptive_max_pool2d(x, (1, 2), return_indices=True)
    (tensor([[[[5., 9.]]]]), tensor([[[[1, 5]]]]))
    """
    values, indices = adaptive_max_pool2d_with_indices(input, output_size)
    return (values, indices) if return_indices else values
