"""How good are generated digits? The Fréchet distance, FID on LeNet-5 features, coverage.

A GAN has no likelihood to report, so its samples are judged by a classifier trained on
the real data (Heusel et al., 2017, with the Inception network for natural images; here
glassbox's own LeNet-5 trained on MNIST):

- **FID**: fit a Gaussian to the classifier's features of real images, N(mu_r, S_r), and
  one to those of generated images, N(mu_g, S_g); their Fréchet (Wasserstein-2) distance

  .. math:: d^2 = \\lVert \\mu_r - \\mu_g \\rVert^2 + \\operatorname{tr} S_r
            + \\operatorname{tr} S_g - 2 \\operatorname{tr} (S_r S_g)^{1/2}

  is 0 for the same distribution and grows with worse or less varied samples. Even two
  samples of real digits are not at 0 (the *floor*: MNIST's training set against its
  test set).
- **Class coverage**: the classifier's histogram of the digits it sees in the samples.
  Mode collapse, the generator producing a few digits only, shows as empty classes and
  a low entropy (log 10 = 2.303 nats for ten equal classes).

The classifier is LeNet-5 (:func:`glassbox.models.lenet5`), trained once on MNIST by
:func:`mnist_classifier` and cached as safetensors with its SHA-256 beside it; a missing
file, or one whose checksum fails, is retrained rather than used.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from glassbox.io import atomic_write_text

__all__ = ["frechet_distance", "feature_statistics", "fid", "class_coverage",
           "mnist_classifier", "classifier_inputs", "lenet_features", "class_probabilities",
           "FEATURE_LAYERS"]

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # LeNet-5's input normalisation (the lenet5 lab's)
FEATURE_LAYERS = 11  # lenet5()[:11] ends with the tanh of the 84-unit layer: (N, 84)


# ---------------------------------------------------------------------------- the distance
def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """The symmetric square root of a symmetric positive semi-definite matrix."""
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    # NOTE: rounding can leave tiny negative eigenvalues on a PSD matrix: they are 0
    return (eigenvectors * np.sqrt(np.clip(eigenvalues, 0, None))) @ eigenvectors.T


def frechet_distance(mu1: Any, sigma1: Any, mu2: Any, sigma2: Any) -> float:
    """The Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2) (the squared W2).

    .. math:: d^2 = \\lVert \\mu_1 - \\mu_2 \\rVert^2 + \\operatorname{tr}\\Sigma_1
              + \\operatorname{tr}\\Sigma_2 - 2 \\operatorname{tr}(\\Sigma_1 \\Sigma_2)^{1/2}

    :math:`\\Sigma_1 \\Sigma_2` is not symmetric, but it is similar to the symmetric
    :math:`\\Sigma_1^{1/2} \\Sigma_2 \\Sigma_1^{1/2}` (same eigenvalues, all >= 0), so
    :math:`\\operatorname{tr}(\\Sigma_1 \\Sigma_2)^{1/2}` is the sum of the square roots of
    that matrix's eigenvalues: two symmetric eigen-decompositions, no complex numbers
    (pytorch-fid uses ``scipy.linalg.sqrtm`` on the product instead).

    Parameters
    ----------
    mu1, mu2 : array-like of shape (d,)
    sigma1, sigma2 : array-like of shape (d, d)
        Covariance matrices (symmetric, positive semi-definite).

    Returns
    -------
    float

    Examples
    --------
    >>> frechet_distance([0, 0], np.eye(2), [3, 4], np.eye(2))     # ||mu1 - mu2||^2
    25.0
    >>> round(frechet_distance([0], [[1.0]], [0], [[4.0]]), 12)     # (1 - 2)^2
    1.0
    """
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    sigma1, sigma2 = np.atleast_2d(sigma1).astype(np.float64), np.atleast_2d(sigma2).astype(
        np.float64)
    if mu1.ndim != 1 or mu1.shape != mu2.shape:
        raise ValueError(f"mu1 and mu2 must be vectors of one length, received shapes "
                         f"{mu1.shape} and {mu2.shape}")
    d = len(mu1)
    if sigma1.shape != (d, d) or sigma2.shape != (d, d):
        raise ValueError(f"sigma1 and sigma2 must be ({d}, {d}) matrices, received "
                         f"{sigma1.shape} and {sigma2.shape}")
    root1 = _sqrt_psd(sigma1)
    middle = root1 @ sigma2 @ root1           # similar to sigma1 @ sigma2
    middle = (middle + middle.T) / 2          # symmetric up to rounding: make it exact
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh(middle), 0, None)).sum()
    difference = mu1 - mu2
    return float(difference @ difference + np.trace(sigma1) + np.trace(sigma2)
                 - 2 * trace_sqrt)


def feature_statistics(features: Any) -> tuple[np.ndarray, np.ndarray]:
    """Mean and (unbiased, n - 1) covariance of the rows of ``features``.

    Parameters
    ----------
    features : array-like of shape (n_samples, n_features)
        Needs ``n_samples > n_features``: the covariance of n points has rank at most
        n - 1, so with fewer samples it is singular, the fitted Gaussian is flat in some
        directions and the distance is not the FID of the distribution, only of the
        sample.

    Returns
    -------
    mu : ndarray of shape (n_features,)
    sigma : ndarray of shape (n_features, n_features)

    Examples
    --------
    >>> mu, sigma = feature_statistics([[0.0, 1.0], [2.0, 1.0], [1.0, 4.0]])
    >>> mu.tolist(), sigma.tolist()
    ([1.0, 2.0], [[1.0, 0.0], [0.0, 3.0]])
    """
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2:
        raise ValueError(f"features must be a (n_samples, n_features) matrix, received shape "
                         f"{features.shape}")
    n, d = features.shape
    if n <= d:
        raise ValueError(
            f"The FID needs more samples than feature dimensions: received {n} samples of "
            f"{d} features. The covariance of {n} samples has rank at most {n - 1} < {d}, so "
            f"it is singular and the Gaussian fitted to them is degenerate. Use at least "
            f"{d + 1} samples (thousands in practice: the estimate is biased for small n).")
    if not np.isfinite(features).all():
        raise ValueError("features contain NaN or inf; check the images fed to the classifier")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def fid(real_features: Any, fake_features: Any) -> float:
    """The Fréchet distance between Gaussians fitted to two sets of features.

    Parameters
    ----------
    real_features : array-like of shape (n_real, d)
    fake_features : array-like of shape (n_fake, d)
        E.g. :func:`lenet_features` of real and generated images.

    Returns
    -------
    float
        0 for identical statistics; the lower the better.

    See Also
    --------
    torchmetrics.image.fid.FrechetInceptionDistance : the same with a ``feature`` module.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(2000, 3)), rng.normal(size=(2000, 3))
    >>> fid(a, b) < 0.02, bool(2.8 < fid(a, b + 1.0) < 3.2)  # shifted by 1 in 3 dimensions: 3
    (True, True)
    """
    mu1, sigma1 = feature_statistics(real_features)
    mu2, sigma2 = feature_statistics(fake_features)
    if mu1.shape != mu2.shape:
        raise ValueError(f"real and fake features must have the same width, received "
                         f"{mu1.shape[0]} and {mu2.shape[0]}")
    return frechet_distance(mu1, sigma1, mu2, sigma2)


def class_coverage(probabilities: Any, num_classes: int | None = None,
                   missed_below: float = 0.01) -> dict[str, Any]:
    """Which classes a classifier sees in generated samples, and how evenly.

    Parameters
    ----------
    probabilities : array-like of shape (n_samples, n_classes)
        The classifier's class probabilities for each sample.
    num_classes : int, optional
        Defaults to ``probabilities.shape[1]``.
    missed_below : float, default=0.01
        A class predicted for fewer than this fraction of the samples is a missed mode.

    Returns
    -------
    dict
        ``histogram`` (fraction of samples predicted as each class), ``counts``,
        ``entropy`` (of the histogram, in nats; log(n_classes) when uniform),
        ``missed`` (the classes below ``missed_below``), ``confidence`` (mean
        probability of the predicted class).

    Examples
    --------
    >>> p = np.array([[0.9, 0.1, 0.0], [0.8, 0.2, 0.0], [0.1, 0.9, 0.0]])
    >>> coverage = class_coverage(p)
    >>> coverage["counts"], coverage["missed"], round(coverage["confidence"], 3)
    ([2, 1, 0], [2], 0.867)
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or len(probabilities) == 0:
        raise ValueError(f"probabilities must be a non-empty (n_samples, n_classes) matrix, "
                         f"received shape {probabilities.shape}")
    num_classes = num_classes or probabilities.shape[1]
    predicted = probabilities.argmax(axis=1)
    counts = np.bincount(predicted, minlength=num_classes)
    histogram = counts / counts.sum()
    nonzero = histogram[histogram > 0]
    return {
        "histogram": histogram.tolist(),
        "counts": counts.tolist(),
        "entropy": float(-(nonzero * np.log(nonzero)).sum()) + 0.0,  # + 0.0: no -0.0
        "missed": [int(c) for c in np.flatnonzero(histogram < missed_below)],
        "confidence": float(probabilities.max(axis=1).mean()),
    }


# ---------------------------------------------------------------------------- the classifier
def classifier_inputs(images: Any) -> np.ndarray:
    """28x28 images with pixels in [0, 1] -> LeNet-5's input: padded to 32x32, normalised.

    Parameters
    ----------
    images : array-like of shape (N, 28, 28) or (N, 1, 28, 28), values in [0, 1]
        (a generator's tanh output ``x`` becomes ``(x + 1) / 2``).

    Returns
    -------
    ndarray of shape (N, 1, 32, 32), float32

    Examples
    --------
    >>> classifier_inputs(np.zeros((2, 28, 28))).shape
    (2, 1, 32, 32)
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[:, None]
    if images.ndim != 4 or images.shape[1:] != (1, 28, 28):
        raise ValueError(f"images must have shape (N, 28, 28) or (N, 1, 28, 28), received "
                         f"{images.shape}")
    padded = np.pad(images, ((0, 0), (0, 0), (2, 2), (2, 2)))  # (N, 1, 32, 32)
    return ((padded - np.float32(MNIST_MEAN)) / np.float32(MNIST_STD)).astype(np.float32)


def _inputs_for(classifier: Any, images: Any) -> np.ndarray:
    """:func:`classifier_inputs` in the dtype of the classifier's weights."""
    weight = next(iter(classifier.parameters()))
    dtype = np.float64 if "64" in str(weight.dtype) else np.float32
    return classifier_inputs(images).astype(dtype)


def lenet_features(classifier: Any, images: Any, batch_size: int = 1000) -> np.ndarray:
    """The 84 features of LeNet-5's last hidden layer for images in [0, 1], shape (N, 84).

    Examples
    --------
    >>> from glassbox.models import lenet5
    >>> lenet_features(lenet5(), np.zeros((3, 28, 28))).shape
    (3, 84)
    """
    from glassbox.models import extract_features

    return extract_features(classifier[:FEATURE_LAYERS], _inputs_for(classifier, images),
                            batch_size=batch_size)


def class_probabilities(classifier: Any, images: Any, batch_size: int = 1000) -> np.ndarray:
    """Softmax of LeNet-5's logits for images in [0, 1], shape (N, 10).

    Examples
    --------
    >>> from glassbox.models import lenet5
    >>> p = class_probabilities(lenet5(), np.zeros((3, 1, 28, 28)))
    >>> p.shape, np.allclose(p.sum(axis=1), 1)
    ((3, 10), True)
    """
    from glassbox.models import extract_features

    logits = extract_features(classifier, _inputs_for(classifier, images),
                              batch_size=batch_size)
    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mnist_classifier(cache_dir: str | Path | None = None, data_dir: str | Path | None = None,
                     *, quick: bool = False, nn: Any = None, seed: int = 0,
                     progress: bool = False) -> Any:
    """glassbox's LeNet-5 trained on MNIST, from the cache or trained now (then cached).

    The weights live in ``<cache>/models/lenet5_mnist.safetensors`` with their SHA-256
    in ``lenet5_mnist.safetensors.sha256``. When the file is missing, or its checksum
    does not match, LeNet-5 is trained on the glassbox engine (Adam 2e-3, batches of 128,
    3 epochs on the 60,000 training digits: 98.5 % test accuracy measured) and cached.
    ``quick=True`` trains for one epoch on 6,000 digits instead (89 %; for tests),
    under a different file name.

    Parameters
    ----------
    cache_dir : str or Path, optional
        Defaults to ``glassbox.data.sources.cache_dir()`` (``$GLASSBOX_CACHE`` or
        ``~/.cache/glassbox``).
    data_dir : str or Path, optional
        Where MNIST is (see ``glassbox.data.load_mnist``).
    quick : bool, default=False
    nn : module, default=glassbox.nn
        The engine to return the classifier in (``torch.nn`` for the torch engine).
    seed : int, default=0
        Seed of a training run.
    progress : bool, default=False

    Returns
    -------
    Sequential
        LeNet-5 in eval mode; its ``test_accuracy`` attribute gives the accuracy measured
        on the 10,000 test digits when it was trained.
    """
    from glassbox.data.sources import cache_dir as default_cache_dir
    from glassbox.io import load, load_metadata, save
    from glassbox.models import lenet5

    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir() / "models"
    path = folder / ("lenet5_mnist_quick.safetensors" if quick else "lenet5_mnist.safetensors")
    checksum_path = path.with_name(path.name + ".sha256")
    model = lenet5(nn=nn)
    state = None
    if path.is_file() and checksum_path.is_file():
        if _sha256(path) == checksum_path.read_text().split()[0]:
            state = load(path, as_numpy=True)
            accuracy = float(load_metadata(path).get("test_accuracy", "nan"))
    if state is None:
        state, accuracy = _train_classifier(data_dir, quick, seed, progress)
        save(state, path, metadata={"test_accuracy": repr(accuracy), "quick": str(quick),
                                    "seed": str(seed)})
        atomic_write_text(checksum_path, f"{_sha256(path)}  {path.name}\n")
    engine_module = type(model).__module__.split(".")[0]
    if engine_module == "torch":
        import torch

        model.load_state_dict({name: torch.from_numpy(np.array(value))
                               for name, value in state.items()})
    else:
        from glassbox import tensor

        model.load_state_dict({name: tensor(value) for name, value in state.items()})
    model.eval()
    model.test_accuracy = accuracy
    return model


def _train_classifier(data_dir: Any, quick: bool, seed: int,
                      progress: bool) -> tuple[dict[str, np.ndarray], float]:
    """Train LeNet-5 on MNIST with the glassbox engine; its state (NumPy) and test accuracy."""
    from glassbox.data import load_mnist
    from glassbox.models import lenet5
    from glassbox.train import fit, get_engine

    engine = get_engine("glassbox")
    engine.manual_seed(seed)
    images, labels = load_mnist("train", data_dir=data_dir, as_float=True)
    test_images, test_labels = load_mnist("test", data_dir=data_dir, as_float=True)
    epochs = 3
    if quick:
        keep = np.random.default_rng(seed).choice(len(images), size=6000, replace=False)
        images, labels, epochs = images[keep], labels[keep], 1
    model = lenet5()
    optimizer = engine.optim.Adam(model.parameters(), lr=2e-3)
    loader = engine.data_loader(classifier_inputs(images), labels, batch_size=128,
                                shuffle=True, seed=seed)
    fit(model, loader, None, engine.nn.CrossEntropyLoss(), optimizer, epochs,
        progress=progress)
    probabilities = class_probabilities(model, test_images)
    accuracy = float((probabilities.argmax(axis=1) == test_labels).mean())
    return engine.state_dict_to_numpy(model.state_dict()), accuracy
