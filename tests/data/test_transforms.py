"""Augmentation transforms against scipy.ndimage, PIL and plain slicing, on fixed seeds."""

import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageEnhance

from glassbox import _random
from glassbox.data import transforms as T
from glassbox.data.transforms import functional as F

ORDER = {"nearest": 0, "bilinear": 1}


def batch(n=6, c=2, h=11, w=13, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).random((n, c, h, w)).astype(dtype)


def scipy_affine(image, angle, translate, scale, interpolation):
    """scipy.ndimage's answer for one (H, W) image: the inverse map in (row, col) form.

    Output pixel o shows input ``M o + offset`` with ``M = R(angle)^T / s`` (rows first),
    about the centre c = ((H-1)/2, (W-1)/2), after undoing the shift t = (dy, dx).
    """
    theta = np.deg2rad(angle)
    matrix = np.array([[np.cos(theta), np.sin(theta)],
                       [-np.sin(theta), np.cos(theta)]]) / scale
    center = (np.array(image.shape) - 1) / 2
    shift = np.array([translate[1], translate[0]])  # (dx, dy) -> (rows, cols)
    offset = center - matrix @ (center + shift)
    return ndi.affine_transform(image, matrix, offset, order=ORDER[interpolation],
                                mode="grid-constant", cval=0.0, prefilter=False)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
@pytest.mark.parametrize("angle", [30.0, -47.3, 135.0, 180.0])
def test_rotate_equals_scipy_rotate(angle, interpolation):
    x = batch(n=2)
    ours = F.rotate(x, angle, interpolation=interpolation)
    for n in range(2):
        for c in range(2):
            reference = ndi.rotate(x[n, c], angle, reshape=False, order=ORDER[interpolation],
                                   mode="grid-constant", cval=0.0, prefilter=False)
            np.testing.assert_allclose(ours[n, c], reference, atol=1e-12)


def test_quarter_turn_of_a_square_is_rot90():
    x = batch(h=7, w=7)
    for interpolation in ("nearest", "bilinear"):
        np.testing.assert_allclose(F.rotate(x, 90, interpolation=interpolation),
                                   np.rot90(x, k=1, axes=(2, 3)), atol=1e-12)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_random_affine_equals_scipy_per_image(interpolation):
    x = batch(n=8)
    transform = T.RandomAffine(40, translate=(0.2, 0.3), scale=(0.7, 1.3),
                               interpolation=interpolation, generator=np.random.default_rng(5))
    params = T.RandomAffine(40, translate=(0.2, 0.3), scale=(0.7, 1.3),
                            generator=np.random.default_rng(5)).sample_params(8, x.shape)
    ours = transform(x)
    assert len(np.unique(params["angle"])) == 8  # one draw per image
    assert np.all(np.abs(params["translate"][:, 0]) <= 0.2 * 13)
    assert np.all(params["translate"] == np.round(params["translate"]))  # whole pixels
    for n in range(8):
        for c in range(2):
            reference = scipy_affine(x[n, c], params["angle"][n], params["translate"][n],
                                     params["scale"][n], interpolation)
            np.testing.assert_allclose(ours[n, c], reference, atol=1e-10)


def test_random_rotation_equals_scipy_on_a_fixed_seed():
    x = batch(n=5, dtype=np.float32)
    ours = T.RandomRotation((-30, 30), interpolation="bilinear",
                            generator=np.random.default_rng(9))(x)
    angles = np.random.default_rng(9).uniform(-30, 30, size=5)
    assert ours.dtype == np.float32
    for n in range(5):
        reference = ndi.rotate(x[n, 1].astype(np.float64), angles[n], reshape=False, order=1,
                               mode="grid-constant", prefilter=False)
        np.testing.assert_allclose(ours[n, 1], reference, atol=1e-5)


def test_translation_by_whole_pixels_is_a_shift():
    x = batch(n=1, c=1)
    shifted = F.affine(x, translate=(2, -1))  # right 2, up 1
    np.testing.assert_array_equal(shifted[0, 0, :-1, 2:], x[0, 0, 1:, :-2])
    assert np.all(shifted[0, 0, :, :2] == 0) and np.all(shifted[0, 0, -1] == 0)


def test_fill_per_channel():
    x = np.zeros((1, 3, 5, 5))
    out = F.rotate(x, 45, fill=[0.1, 0.2, 0.3])
    np.testing.assert_allclose(out[0, :, 0, 0], [0.1, 0.2, 0.3])  # a cut-off corner


def test_flips_are_exact_and_seeded():
    x = batch(n=10)
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(x), x[..., ::-1])
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=0.0)(x), x)
    np.testing.assert_array_equal(T.RandomVerticalFlip(p=1.0)(x), x[..., ::-1, :])
    flip = T.RandomHorizontalFlip(generator=np.random.default_rng(2))
    mask = np.random.default_rng(2).random(10) < 0.5
    out = flip(x)
    np.testing.assert_array_equal(out[mask], x[mask][..., ::-1])
    np.testing.assert_array_equal(out[~mask], x[~mask])
    assert 0 < mask.sum() < 10


@given(padding=st.integers(0, 4), size=st.integers(1, 9), seed=st.integers(0, 1000),
       mode=st.sampled_from(["constant", "edge", "reflect", "symmetric"]))
def test_random_crop_with_padding_is_exact(padding, size, seed, mode):
    x = batch(n=4, h=9, w=10)
    crop = T.RandomCrop(size, padding=padding, padding_mode=mode, fill=0.5,
                        generator=np.random.default_rng(seed))
    out = crop(x)
    padded = (np.pad(x, ((0, 0), (0, 0), (padding,) * 2, (padding,) * 2), mode="constant",
                     constant_values=0.5) if mode == "constant"
              else np.pad(x, ((0, 0), (0, 0), (padding,) * 2, (padding,) * 2), mode=mode))
    params = T.RandomCrop(size, padding=padding,
                          generator=np.random.default_rng(seed)).sample_params(4, padded.shape)
    assert out.shape == (4, 2, size, size)
    for n, (top, left) in enumerate(zip(params["top"], params["left"])):
        np.testing.assert_array_equal(out[n], padded[n, :, top:top + size, left:left + size])


def test_random_crop_pad_if_needed_and_errors():
    x = batch(n=2, h=5, w=5)
    assert T.RandomCrop((7, 6), pad_if_needed=True)(x).shape == (2, 2, 7, 6)
    with pytest.raises(ValueError, match=r"Required crop size \(7, 7\) is larger"):
        T.RandomCrop(7)(x)
    with pytest.raises(ValueError, match="padding_mode"):
        T.RandomCrop(3, padding=1, padding_mode="wrap")(x)


def to_pil(image):
    """(3, H, W) floats in [0, 1] -> PIL RGB image."""
    return Image.fromarray(np.round(image.transpose(1, 2, 0) * 255).astype(np.uint8))


@pytest.mark.parametrize("factor", [0.3, 0.8, 1.5])
def test_brightness_and_contrast_agree_with_pil(factor):
    # Values on the 1/255 grid, so PIL sees exactly our input.
    x = np.round(batch(n=2, c=3) * 255) / 255
    for n in range(2):
        bright = F.adjust_brightness(x, factor)[n]
        reference = np.asarray(ImageEnhance.Brightness(to_pil(x[n])).enhance(factor))
        # PIL computes in 8-bit fixed point and truncates: within one gray level.
        np.testing.assert_allclose(bright.transpose(1, 2, 0) * 255, reference, atol=1.0)
        contrast = F.adjust_contrast(x, factor)[n]
        reference = np.asarray(ImageEnhance.Contrast(to_pil(x[n])).enhance(factor))
        # PIL rounds the mean gray level to an integer: up to 0.5 * |1 - factor| more.
        np.testing.assert_allclose(contrast.transpose(1, 2, 0) * 255, reference,
                                   atol=1.0 + 0.5 * abs(1 - factor))
        saturated = F.adjust_saturation(x, factor)[n]
        reference = np.asarray(ImageEnhance.Color(to_pil(x[n])).enhance(factor))
        np.testing.assert_allclose(saturated.transpose(1, 2, 0) * 255, reference, atol=1.6)


def test_color_jitter_draws_one_factor_per_image():
    x = np.full((4, 1, 3, 3), 0.5)
    jitter = T.ColorJitter(brightness=0.4, generator=np.random.default_rng(0))
    factors = np.random.default_rng(0).uniform(0.6, 1.4, size=4)
    np.testing.assert_allclose(jitter(x)[:, 0, 0, 0], np.clip(0.5 * factors, 0, 1))
    with pytest.raises(ValueError, match="hue"):
        T.ColorJitter(hue=0.1)


def test_normalize_and_compose():
    x = batch(n=3, c=2)
    out = T.Normalize(mean=[0.5, 0.25], std=[0.5, 2.0])(x)
    np.testing.assert_allclose(out[:, 0], (x[:, 0] - 0.5) / 0.5)
    np.testing.assert_allclose(out[:, 1], (x[:, 1] - 0.25) / 2.0)
    pipeline = T.Compose([T.RandomHorizontalFlip(p=1.0), T.Normalize([0.5, 0.25], [0.5, 2.0])])
    np.testing.assert_allclose(pipeline(x), out[..., ::-1])
    with pytest.raises(ValueError, match=r"expected a scalar or 2 values"):
        T.Normalize([0.5, 0.5, 0.5], [1, 1, 1])(x)


def test_global_generator_makes_transforms_reproducible():
    x = batch(n=4)
    rotation = T.RandomRotation(30)
    _random.manual_seed(4)
    first = rotation(x)
    _random.manual_seed(4)
    np.testing.assert_array_equal(rotation(x), first)


@pytest.mark.parametrize("transform", [
    T.RandomRotation(10), T.RandomAffine(0, translate=(0.1, 0.1)), T.RandomHorizontalFlip(),
    T.RandomCrop(4, padding=2), T.ColorJitter(brightness=0.2), T.Normalize([0.5], [0.5]),
])
def test_layout_is_checked_with_a_hint(transform):
    with pytest.raises(ValueError, match=r"received shape \(8, 28, 28, 3\), which looks like "
                                         r"NHWC.*x.transpose\(0, 3, 1, 2\)"):
        transform(np.zeros((8, 28, 28, 3), np.float32))
    with pytest.raises(ValueError, match=r"shape \(N, C, H, W\), received an array of shape "
                                         r"\(1, 28, 28\). For one image.*x\[None\]"):
        transform(np.zeros((1, 28, 28), np.float32))
    with pytest.raises(TypeError, match=r"floating-point images, received dtype uint8"):
        transform(np.zeros((2, 1, 28, 28), np.uint8))
