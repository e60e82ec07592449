"""The playground's 2-D toys (geometry) and scikit-learn's bundled datasets."""

import numpy as np
import pytest
import sklearn.datasets
from hypothesis import given
from hypothesis import strategies as st

from glassbox import _random
from glassbox.data import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_sample_image,
    load_wine,
    make_circle,
    make_gaussian,
    make_spiral,
    make_xor,
)

MAKERS = [make_circle, make_gaussian, make_spiral]


@given(maker=st.sampled_from(MAKERS + [make_xor]), n_samples=st.integers(10, 300),
       noise=st.floats(0, 0.5), seed=st.integers(0, 1000))
def test_shapes_dtypes_and_reproducibility(maker, n_samples, noise, seed):
    X, y = maker(n_samples, noise=noise, random_state=seed)
    assert X.shape == (n_samples, 2) and X.dtype == np.float32
    assert y.shape == (n_samples,) and y.dtype == np.int64
    X2, y2 = maker(n_samples, noise=noise, random_state=seed)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert np.all(np.abs(X) < 12)  # inside the playground's view at any noise


@given(maker=st.sampled_from(MAKERS), n_classes=st.integers(2, 6),
       n_samples=st.integers(12, 300))
def test_classes_are_balanced(maker, n_classes, n_samples):
    _, y = maker(n_samples, n_classes=n_classes, random_state=0)
    counts = np.bincount(y, minlength=n_classes)
    assert len(counts) == n_classes and counts.max() - counts.min() <= 1


@given(n_classes=st.integers(2, 5), seed=st.integers(0, 100))
def test_circle_bands_separate_classes_at_zero_noise(n_classes, seed):
    X, y = make_circle(400, n_classes=n_classes, random_state=seed)
    radius = np.hypot(X[:, 0], X[:, 1])
    width = 5.0 / n_classes
    # Class k lies in its own band of radii: sorting by radius sorts by class.
    for k in range(n_classes):
        band = radius[y == k]
        assert band.min() >= (k * width + (0.4 * width if k else 0)) - 1e-5
        assert band.max() <= (k + 1) * width + 1e-5
    assert np.all(np.diff(y[np.argsort(radius)]) >= 0)


def test_circle_two_classes_is_the_playgrounds_picture():
    X, y = make_circle(1000, random_state=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius[y == 0].max() <= 2.5 and radius[y == 1].min() >= 3.5
    assert radius[y == 1].max() <= 5.0 + 1e-5


def test_xor_label_is_the_sign_of_the_product():
    X, y = make_xor(1000, random_state=0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(np.int64))
    assert np.all(np.abs(X) >= 0.3 - 1e-6)  # pushed off the axes
    assert set(np.bincount(y).tolist()) != {0}
    X_noisy, y_noisy = make_xor(1000, noise=0.5, random_state=0)
    flipped = np.mean(y_noisy != (X_noisy[:, 0] * X_noisy[:, 1] > 0))
    assert 0.05 < flipped < 0.5  # noise moves points across quadrants


@given(n_classes=st.integers(2, 6))
def test_gaussian_blob_centres_sit_on_a_circle(n_classes):
    X, y = make_gaussian(3000 * n_classes, n_classes=n_classes, random_state=1)
    angle = np.pi / 4 + 2 * np.pi * np.arange(n_classes) / n_classes
    centres = 2 * np.sqrt(2) * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    means = np.stack([X[y == k].mean(axis=0) for k in range(n_classes)])
    np.testing.assert_allclose(means, centres, atol=0.05)
    stds = np.stack([X[y == k].std(axis=0) for k in range(n_classes)])
    np.testing.assert_allclose(stds, np.sqrt(0.5), rtol=0.05)  # variance 0.5 at noise 0


def test_gaussian_two_classes_centres_are_the_playgrounds():
    X, y = make_gaussian(20000, random_state=0)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [2, 2], atol=0.03)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [-2, -2], atol=0.03)
    X_noisy, y_noisy = make_gaussian(20000, noise=0.5, random_state=0)
    np.testing.assert_allclose(X_noisy[y_noisy == 0].var(axis=0), 4.0, rtol=0.05)


@given(n_classes=st.integers(2, 5))
def test_spiral_arms_are_rotated_copies(n_classes):
    X, y = make_spiral(60 * n_classes, n_classes=n_classes, shuffle=False, random_state=0)
    arms = X.reshape(n_classes, 60, 2).astype(np.float64)  # sorted by class when unshuffled
    turn = 2 * np.pi / n_classes
    # Rotating arm k by -k * turn (in the (x2, x1) = (r cos t, r sin t) plane) gives arm 0.
    for k in range(1, n_classes):
        c, s = np.cos(k * turn), np.sin(k * turn)
        x1, x2 = arms[k, :, 0], arms[k, :, 1]
        back = np.stack([x1 * c - x2 * s, x2 * c + x1 * s], axis=1)
        np.testing.assert_allclose(back, arms[0], atol=1e-5)
    radius = np.hypot(arms[0, :, 0], arms[0, :, 1])
    assert np.all(np.diff(radius) > 0) and radius.max() < 5.0


def test_global_generator_and_bad_arguments():
    _random.manual_seed(5)
    a = make_spiral(50)
    _random.manual_seed(5)
    b = make_spiral(50)
    np.testing.assert_array_equal(a[0], b[0])
    with pytest.raises(ValueError, match=r"noise: expected a value in \[0, 0.5\]"):
        make_circle(10, noise=2.0)
    with pytest.raises(ValueError, match="n_classes: expected an integer >= 2"):
        make_gaussian(10, n_classes=1)
    with pytest.raises(TypeError, match="random_state"):
        make_xor(10, random_state="seed")


@pytest.mark.parametrize("ours, theirs, dtype", [
    (load_digits, sklearn.datasets.load_digits, np.float32),
    (load_breast_cancer, sklearn.datasets.load_breast_cancer, np.float64),
    (load_iris, sklearn.datasets.load_iris, np.float64),
    (load_wine, sklearn.datasets.load_wine, np.float64),
])
def test_bundled_sets_equal_sklearns(ours, theirs, dtype):
    X, y, feature_names, target_names = ours()
    reference = theirs()
    assert X.dtype == dtype and y.dtype == np.int64
    np.testing.assert_array_equal(X, reference.data.astype(dtype))
    np.testing.assert_array_equal(y, reference.target)
    assert feature_names == list(reference.feature_names)
    assert target_names == [str(name) for name in reference.target_names]


def test_sample_images_equal_sklearns():
    for name in ("china.jpg", "flower.jpg"):
        image = load_sample_image(name)
        np.testing.assert_array_equal(image, sklearn.datasets.load_sample_image(name))
    scaled = load_sample_image(as_float=True)
    assert scaled.dtype == np.float32 and scaled.shape == (427, 640, 3) and scaled.max() <= 1
    with pytest.raises(ValueError, match=r"expected one of \['china.jpg', 'flower.jpg'\]"):
        load_sample_image("lena.png")
