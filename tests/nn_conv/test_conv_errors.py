"""Bad arguments raise torch's exception type (RuntimeError, which ours also is as a
ValueError) with a message naming what was expected and what was received."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassbox as gb
from glassbox.nn import _conv as F


def both_raise(glassbox_call, torch_call, exception, match):
    """glassbox raises ``exception`` (message matching ``match``) where torch raises it."""
    with pytest.raises(exception):
        torch_call(torch)
    with pytest.raises(exception, match=match) as error:
        glassbox_call(gb)
    return error.value


def conv(library, x_shape=(2, 3, 8, 8), w_shape=(4, 3, 3, 3), **kwargs):
    functional = F if library is gb else TF
    return functional.conv2d(library.ones(*x_shape), library.ones(*w_shape), **kwargs)


def test_channels_not_matching_weight_names_both_shapes():
    call = lambda lib: conv(lib, w_shape=(4, 1, 3, 3))
    error = both_raise(call, call, RuntimeError, r"weight of size \[4, 1, 3, 3\]")
    assert "[2, 3, 8, 8]" in str(error) and "3 channels" in str(error)
    assert isinstance(error, ValueError)  # glassbox's convention too


def test_groups_not_dividing_channels():
    call = lambda lib: conv(lib, w_shape=(4, 3, 3, 3), groups=2)
    both_raise(call, call, RuntimeError, "groups=2")
    out_channels = lambda lib: conv(lib, x_shape=(1, 4, 8, 8), w_shape=(3, 2, 3, 3), groups=2)
    both_raise(out_channels, out_channels, RuntimeError, "divisible by 2")


@pytest.mark.parametrize("argument, value", [("stride", 0), ("stride", -1), ("dilation", 0),
                                             ("stride", (1, 0))])
def test_non_positive_stride_or_dilation(argument, value):
    call = lambda lib: conv(lib, **{argument: value})
    both_raise(call, call, RuntimeError, f"non-positive {argument}")


def test_negative_padding():
    call = lambda lib: conv(lib, padding=-1)
    both_raise(call, call, RuntimeError, "negative padding")


def test_same_padding_with_stride():
    call = lambda lib: conv(lib, padding="same", stride=2)
    both_raise(call, call, RuntimeError, "padding='same' is not supported for strided")


def test_unknown_padding_string():
    call = lambda lib: conv(lib, padding="full")
    both_raise(call, call, RuntimeError, "Invalid padding string: 'full'")


def test_input_smaller_than_kernel():
    call = lambda lib: conv(lib, x_shape=(1, 3, 4, 4), w_shape=(2, 3, 5, 5))
    both_raise(call, call, RuntimeError, r"Kernel size: \(5 x 5\)")
    dilated = lambda lib: conv(lib, x_shape=(1, 3, 6, 6), w_shape=(2, 3, 3, 3), dilation=3)
    both_raise(dilated, dilated, RuntimeError, r"Kernel size: \(7 x 7\)")


def test_wrong_input_rank_and_bias():
    call = lambda lib: conv(lib, x_shape=(8, 8))
    both_raise(call, call, RuntimeError, r"4D \(batched\) input to conv2d")
    with pytest.raises(RuntimeError, match="expected bias to be 1-dimensional with 4"):
        F.conv2d(gb.ones(1, 3, 8, 8), gb.ones(4, 3, 3, 3), gb.ones(3))


def test_input_and_weight_dtypes_must_match():
    call = lambda lib: (F if lib is gb else TF).conv2d(
        lib.ones(1, 1, 4, 4, dtype=lib.float64), lib.ones(1, 1, 3, 3))
    both_raise(call, call, RuntimeError, r"Input type \(float64\) and weight type \(float32\)")


def test_conv_transpose2d_output_padding_too_large():
    def call(lib):
        functional = F if lib is gb else TF
        return functional.conv_transpose2d(lib.ones(1, 2, 4, 4), lib.ones(2, 3, 3, 3),
                                           stride=2, output_padding=2)
    both_raise(call, call, RuntimeError, "output padding must be smaller than either stride")


def test_conv_transpose2d_channels():
    def call(lib):
        functional = F if lib is gb else TF
        return functional.conv_transpose2d(lib.ones(1, 3, 4, 4), lib.ones(2, 3, 3, 3))
    both_raise(call, call, RuntimeError, "to have 2 channels, but got 3")


@pytest.mark.parametrize("kwargs, match", [
    (dict(kernel_size=3, padding=2), "pad should be at most half of kernel size"),
    (dict(kernel_size=9), "Output size is too small"),
    (dict(kernel_size=2, stride=0), "stride should not be zero"),
    (dict(kernel_size=0), "kernel_size must be greater than zero"),
])
def test_pooling_arguments(kwargs, match):
    for name in ("max_pool2d", "avg_pool2d"):
        call = lambda lib, name=name: getattr(F if lib is gb else TF, name)(
            lib.ones(1, 3, 8, 8), **kwargs)
        both_raise(call, call, RuntimeError, match)


def test_pad_arguments():
    odd = lambda lib: (F if lib is gb else TF).pad(lib.ones(1, 2, 3, 3), (1, 2, 3))
    both_raise(odd, odd, RuntimeError, "divisible by 2")
    mode = lambda lib: (F if lib is gb else TF).pad(lib.ones(1, 2, 3, 3), (1, 1), mode="wrap")
    both_raise(mode, mode, NotImplementedError, "Unrecognised padding mode wrap")
    reflect = lambda lib: (F if lib is gb else TF).pad(lib.ones(1, 2, 3, 3), (3, 0, 0, 0),
                                                       mode="reflect")
    both_raise(reflect, reflect, RuntimeError, "less than the corresponding input dimension")


def test_interpolate_arguments():
    x = gb.ones(1, 1, 2, 2)
    with pytest.raises(NotImplementedError, match="lanczos"):
        F.interpolate(x, scale_factor=2, mode="lanczos")
    both = lambda lib: (F if lib is gb else TF).interpolate(lib.ones(1, 1, 2, 2))
    both_raise(both, both, ValueError, "only one of size or scale_factor")


def test_non_tensor_input_is_a_type_error():
    with pytest.raises(TypeError, match="must be Tensor, not ndarray"):
        F.conv2d(np.ones((1, 1, 3, 3)), gb.ones(1, 1, 3, 3))
