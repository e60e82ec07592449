"""``affine_grid`` and ``grid_sample``: sample an image at arbitrary (differentiable)
positions — the spatial transformer network (Jaderberg et al., 2015) of torch's tutorial.

``affine_grid`` maps every output pixel's normalised coordinates (x, y) in [-1, 1] through
a 2 x 3 matrix theta: the source position to read. ``grid_sample`` reads the image there by
bilinear interpolation of the four surrounding pixels,

.. math:: y = \\sum_{\\text{corners}} w_x w_y\\, x[\\text{corner}], \\quad
          w_x = 1 - |i_x - \\text{corner}_x|

and both the image and the positions get gradients: the image's through the gathers, the
positions' through the weights (which are linear in them). Written with Tensor indexing
and arithmetic, so autograd derives both.
"""

from __future__ import annotations

import warnings

import numpy as np

from glassbox.autograd.tensor import Tensor
from glassbox.nn._conv import _ArgumentError

__all__ = ["affine_grid", "grid_sample"]

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the "
                  "old behavior is desired. See the documentation of grid_sample for details.")


def _normalised_positions(size: int, align_corners: bool, dtype) -> np.ndarray:
    """The normalised coordinate of each pixel along one axis (pixel centres, or the corner
    pixels at -1 and 1 with ``align_corners``)."""
    positions = np.linspace(-1.0, 1.0, size) if size > 1 else np.zeros(1)
    if not align_corners:
        positions = positions * (size - 1) / size
    return positions.astype(dtype)


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """The sampling grid of an affine map: grid[n, h, w] = theta[n] @ (x_w, y_h, 1).

    Parameters
    ----------
    theta : Tensor of shape (N, 2, 3)
    size : (N, C, H, W)
        The output's size.
    align_corners : bool, default=False

    Returns
    -------
    Tensor of shape (N, H, W, 2)
        Normalised (x, y) source positions, for :func:`grid_sample`.

    See Also
    --------
    torch.nn.functional.affine_grid

    Examples
    --------
    >>> import glassbox as gb
    >>> identity = gb.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    >>> affine_grid(identity, (1, 1, 1, 2), align_corners=True)
    tensor([[[[-1.,  0.],
              [ 1.,  0.]]]])
    """
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if len(size) != 4:
        raise NotImplementedError(f"affine_grid only supports 4D sizes, for 2D affine "
                                  f"transformations. Got size {list(size)}.")
    if theta.ndim != 3 or tuple(theta.shape[-2:]) != (2, 3):
        raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                         f"{list(size)}. Got {list(theta.shape)}.")
    N, _, H, W = size
    xs = _normalised_positions(W, align_corners, theta.dtype)
    ys = _normalised_positions(H, align_corners, theta.dtype)
    base = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None], np.ones((1, 1), theta.dtype)),
                    axis=-1).reshape(1, H * W, 3)                # (1, H*W, 3): x, y, 1
    grid = Tensor(base) @ theta.transpose(1, 2)                  # (N, H*W, 2)
    return grid.reshape(N, H, W, 2)


def _pixel_coordinates(coordinate: Tensor, size: int, align_corners: bool) -> Tensor:
    """Normalised [-1, 1] coordinates to pixel coordinates (torch's unnormalise)."""
    if align_corners:
        return (coordinate + 1) / 2 * (size - 1)
    return ((coordinate + 1) * size - 1) / 2


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear",  # noqa: A002
                padding_mode: str = "zeros", align_corners: bool | None = None) -> Tensor:
    """Read ``input`` at the normalised positions of ``grid`` (bilinear or nearest).

    Parameters
    ----------
    input : Tensor of shape (N, C, H_in, W_in)
    grid : Tensor of shape (N, H_out, W_out, 2)
        (x, y) positions in [-1, 1] (-1: the left/top edge).
    mode : {'bilinear', 'nearest'}, default='bilinear'
    padding_mode : {'zeros', 'border'}, default='zeros'
        Outside the image: zeros, or the nearest edge pixel.
    align_corners : bool, default=False

    Returns
    -------
    Tensor of shape (N, C, H_out, W_out)

    See Also
    --------
    torch.nn.functional.grid_sample

    Examples
    --------
    >>> import glassbox as gb
    >>> image = gb.tensor([[[[0.0, 10.0]]]])
    >>> grid_sample(image, gb.tensor([[[[0.0, 0.0]]]]), align_corners=True)  # the middle
    tensor([[[[5.]]]])
    """
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if mode not in ("bilinear", "nearest"):
        raise NotImplementedError(f"grid_sample: mode={mode!r} is not implemented in glassbox "
                                  f"('bilinear' and 'nearest' are)")
    if padding_mode not in ("zeros", "border"):
        raise NotImplementedError(f"grid_sample: padding_mode={padding_mode!r} is not "
                                  f"implemented in glassbox ('zeros' and 'border' are)")
    if input.ndim != 4 or grid.ndim != 4 or grid.shape[-1] != 2:
        raise _ArgumentError(f"grid_sample(): expected a 4D input and a 4D grid of shape "
                             f"(N, H_out, W_out, 2), but got input of shape "
                             f"{list(input.shape)} and grid of shape {list(grid.shape)}")
    if input.shape[0] != grid.shape[0]:
        raise _ArgumentError(f"grid_sample(): expected grid and input to have same batch size, "
                             f"but got input with sizes {list(input.shape)} and grid with "
                             f"sizes {list(grid.shape)}")
    N, C, H, W = input.shape
    x = _pixel_coordinates(grid[..., 0], W, align_corners)       # (N, H_out, W_out)
    y = _pixel_coordinates(grid[..., 1], H, align_corners)
    if padding_mode == "border":  # read the nearest edge pixel beyond the image
        x, y = x.clamp(0, W - 1), y.clamp(0, H - 1)
    batch = np.arange(N).reshape(N, 1, 1)

    def read(rows: np.ndarray, cols: np.ndarray) -> Tensor:
        """input[n, :, rows, cols] as (N, C, H_out, W_out), 0 outside the image."""
        inside = (rows >= 0) & (rows < H) & (cols >= 0) & (cols < W)
        values = input[batch, :, np.clip(rows, 0, H - 1), np.clip(cols, 0, W - 1)]
        values = values.permute(0, 3, 1, 2)                       # (N, H_out, W_out, C) ->
        return values * Tensor(inside[:, None].astype(input.dtype))

    if mode == "nearest":
        return read(np.rint(y._data).astype(np.int64), np.rint(x._data).astype(np.int64))
    left, top = np.floor(x._data).astype(np.int64), np.floor(y._data).astype(np.int64)
    # the weights are linear in the position: the grid's gradient flows through them
    right_weight = (x - Tensor(left.astype(x.dtype))).unsqueeze(1)
    bottom_weight = (y - Tensor(top.astype(y.dtype))).unsqueeze(1)
    left_weight, top_weight = 1 - right_weight, 1 - bottom_weight
    return (read(top, left) * top_weight * left_weight
            + read(top, left + 1) * top_weight * right_weight
            + read(top + 1, left) * bottom_weight * left_weight
            + read(top + 1, left + 1) * bottom_weight * right_weight)
