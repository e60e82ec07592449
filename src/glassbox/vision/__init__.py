"""Image kernels and convolution from scratch, in plain NumPy (no autograd).

The course's section 3.1, "Convolutions from scratch", as code to read:

* :mod:`~glassbox.vision.convolution`: 2-D convolution as CNNs use it (cross-correlation)
  with padding, stride and dilation; the true, flipped-kernel convolution; the CNN
  layout ``conv2d`` (twin of ``torch.nn.functional.conv2d``);
* :mod:`~glassbox.vision.kernels`: the classic hand-made kernels (edges, sharpen, blur,
  Sobel, Prewitt);
* :mod:`~glassbox.vision.separable`: spatially separable kernels (column then row);
* :mod:`~glassbox.vision.depthwise`: depthwise-separable convolution and MobileNet's cost;
* :mod:`~glassbox.vision.edges`: Canny edge detection.

Examples
--------
>>> import numpy as np
>>> from glassbox.vision import correlate2d, kernels
>>> image = np.zeros((5, 5)); image[:, 2:] = 1.0       # a vertical edge
>>> correlate2d(image, kernels.sobel_x())
array([[4., 4., 0.],
       [4., 4., 0.],
       [4., 4., 0.]])
"""

from glassbox.vision import kernels
from glassbox.vision.color import rgb_to_gray, to_float_image
from glassbox.vision.convolution import conv2d, convolve2d, correlate2d, output_shape
from glassbox.vision.depthwise import (
    MOBILENET_V1_LAYERS,
    depthwise_conv2d,
    depthwise_separable_conv2d,
    depthwise_separable_cost,
    pointwise_conv2d,
    separable_cost_ratio,
    standard_conv_cost,
)
from glassbox.vision.edges import canny
from glassbox.vision.kernels import KERNELS, get_kernel
from glassbox.vision.padding import pad2d
from glassbox.vision.separable import (
    separable_correlate2d,
    separate_kernel,
    spatial_separable_cost,
)

__all__ = [
    "KERNELS", "MOBILENET_V1_LAYERS", "canny", "conv2d", "convolve2d", "correlate2d",
    "depthwise_conv2d", "depthwise_separable_conv2d", "depthwise_separable_cost",
    "get_kernel", "kernels", "output_shape", "pad2d", "pointwise_conv2d", "rgb_to_gray",
    "separable_correlate2d", "separable_cost_ratio", "separate_kernel",
    "spatial_separable_cost", "standard_conv_cost", "to_float_image",
]
