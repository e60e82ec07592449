"""frechet_distance, fid, class coverage and the cached LeNet-5 classifier."""

import hashlib

import numpy as np
import pytest
import scipy.linalg
import torch
from hypothesis import given
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

import glassbox as gb
from glassbox.data import load_mnist
from glassbox.generative import (
    class_coverage,
    class_probabilities,
    classifier_inputs,
    feature_statistics,
    fid,
    frechet_distance,
    lenet_features,
    mnist_classifier,
)
from glassbox.models import lenet5


def _reference_frechet(mu1, sigma1, mu2, sigma2):
    """pytorch-fid's formula: scipy's sqrtm of the product, its real part."""
    covmean = scipy.linalg.sqrtm(sigma1.dot(sigma2)).real
    diff = mu1 - mu2
    return diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)


def _random_covariance(rng, d, rank):
    factor = rng.normal(size=(d, rank))
    return factor @ factor.T / rank + 1e-3 * np.eye(d)


@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 40), shift=st.floats(0, 5))
def test_frechet_distance_equals_the_scipy_sqrtm_formula(seed, d, shift):
    rng = np.random.default_rng(seed)
    mu1, mu2 = rng.normal(size=d), rng.normal(size=d) + shift
    sigma1 = _random_covariance(rng, d, rng.integers(1, 2 * d + 1))
    sigma2 = _random_covariance(rng, d, rng.integers(1, 2 * d + 1))
    expected = _reference_frechet(mu1, sigma1, mu2, sigma2)
    assert frechet_distance(mu1, sigma1, mu2, sigma2) == pytest.approx(expected, rel=1e-6,
                                                                       abs=1e-9)


def test_frechet_distance_is_zero_for_equal_gaussians_and_symmetric():
    rng = np.random.default_rng(0)
    mu, sigma = rng.normal(size=5), _random_covariance(rng, 5, 8)
    assert frechet_distance(mu, sigma, mu, sigma) == pytest.approx(0, abs=1e-10)
    other = _random_covariance(rng, 5, 3)
    assert frechet_distance(mu, sigma, mu + 1, other) == pytest.approx(
        frechet_distance(mu + 1, other, mu, sigma), rel=1e-10)


def _mnist(n, offset):
    images, labels = load_mnist("test", as_float=True)
    return images[offset:offset + n, None], labels[offset:offset + n]


def test_fid_equals_torchmetrics_with_the_same_lenet():
    from torchmetrics.image.fid import FrechetInceptionDistance

    gb.manual_seed(0)
    ours = lenet5().double()
    theirs = lenet5(nn=torch.nn).double()
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.numpy()))
                            for k, v in ours.state_dict().items()})
    real, _ = _mnist(300, 0)
    fake = np.clip(_mnist(300, 300)[0] + np.random.default_rng(0).normal(0, 0.3, real.shape),
                   0, 1)
    features = theirs[:11].eval()
    features.num_features = 84  # tells torchmetrics the width (no dummy 299x299 image)
    metric = FrechetInceptionDistance(feature=features, normalize=True)
    metric.update(torch.from_numpy(classifier_inputs(real)).double(), real=True)
    metric.update(torch.from_numpy(classifier_inputs(fake)).double(), real=False)
    expected = float(metric.compute())
    mine = fid(lenet_features(ours, real), lenet_features(ours, fake))
    assert mine == pytest.approx(expected, rel=1e-6)
    assert mine > 0.1  # noisy digits are measurably different
    # the torch engine's features give the same number
    assert fid(lenet_features(theirs, real), lenet_features(theirs, fake)) == pytest.approx(
        expected, rel=1e-6)


def test_fid_refuses_fewer_samples_than_feature_dimensions():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"more samples than feature dimensions: received "
                                         r"84 samples of 84 features.*singular"):
        fid(rng.normal(size=(500, 84)), rng.normal(size=(84, 84)))
    with pytest.raises(ValueError, match="same width"):
        fid(rng.normal(size=(50, 3)), rng.normal(size=(50, 4)))
    with pytest.raises(ValueError, match="NaN"):
        feature_statistics(np.full((5, 2), np.nan))
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        classifier_inputs(np.zeros((2, 3, 28, 28)))


def test_class_coverage_shows_mode_collapse():
    uniform = np.eye(10)[np.arange(1000) % 10]
    coverage = class_coverage(uniform)
    assert coverage["counts"] == [100] * 10
    assert coverage["entropy"] == pytest.approx(np.log(10), rel=1e-12)
    assert coverage["missed"] == [] and coverage["confidence"] == 1.0
    collapsed = np.full((1000, 10), 0.02)
    collapsed[np.arange(1000), np.where(np.arange(1000) % 4 == 0, 1, 7)] = 0.82
    coverage = class_coverage(collapsed)
    assert coverage["missed"] == [0, 2, 3, 4, 5, 6, 8, 9]
    p = np.array([0.25, 0.75])
    assert coverage["entropy"] == pytest.approx(-(p * np.log(p)).sum(), rel=1e-12)
    assert coverage["confidence"] == pytest.approx(0.82)


def test_the_classifier_is_trained_once_cached_with_its_checksum_and_retrained_if_corrupt(
        tmp_path):
    with threadpool_limits(limits=1):  # two cores shared by the tests: no BLAS spinning
        _check_classifier_cache(tmp_path)


def _check_classifier_cache(tmp_path):
    model = mnist_classifier(tmp_path, quick=True)
    images, labels = _mnist(2000, 0)
    accuracy = float((class_probabilities(model, images).argmax(1) == labels).mean())
    assert accuracy > 0.85 and model.test_accuracy > 0.85  # one epoch on 6,000 digits
    path = tmp_path / "lenet5_mnist_quick.safetensors"
    checksum = (tmp_path / "lenet5_mnist_quick.safetensors.sha256").read_text().split()[0]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == checksum
    # cached: the same weights, in either engine
    again = mnist_classifier(tmp_path, quick=True, nn=torch.nn)
    np.testing.assert_allclose(class_probabilities(again, images[:100]),
                               class_probabilities(model, images[:100]), rtol=1e-4, atol=1e-6)
    # a file that fails its checksum is never used: it is retrained and replaced
    raw = bytearray(path.read_bytes())
    raw[-10] ^= 0xFF
    path.write_bytes(bytes(raw))
    retrained = mnist_classifier(tmp_path, quick=True)
    # the same seed gives the same training, to the byte
    assert hashlib.sha256(path.read_bytes()).hexdigest() == checksum
    np.testing.assert_allclose(class_probabilities(retrained, images[:100]),
                               class_probabilities(model, images[:100]), rtol=1e-4, atol=1e-6)
