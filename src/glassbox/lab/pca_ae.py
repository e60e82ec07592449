"""PCA from scratch, and the linear autoencoder that finds the same subspace.

Course section 5.1: "a linear autoencoder with squared error loss is equal to PCA". The
report runs PCA in the course's four steps on MNIST (centre, covariance, eigenvectors,
projection) and checks it against ``glassbox.learn.decomposition.PCA``; shows the
explained variance, the eigen-digits and reconstructions for k = 2 to 100; trains a
linear autoencoder 784-10-784 on the squared error and measures the principal angles
between its decoder's column space and PCA's first 10 components (all near 0: the same
subspace) and its reconstruction error against PCA's (the least any rank-10 linear map
can reach); trains a deep autoencoder that beats PCA at the same k; and decodes random
codes to show that an autoencoder reproduces but does not generate.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from glassbox.data import load_mnist
from glassbox.generative import (
    decoder_subspace,
    pca_four_steps,
    principal_angles,
    reconstruction_error,
)
from glassbox.lab.runner import LabContext
from glassbox.learn.decomposition import PCA
from glassbox.models import autoencoder, extract_features
from glassbox.train import fit, get_engine

NAME = "pca-ae"
TITLE = "PCA and autoencoders: a linear autoencoder spans PCA's subspace"
SECTION = "5.1 Autoencoders and PCA"

K = 10
KS = (2, 5, 10, 20, 50, 100)


def _load(ctx: LabContext) -> dict[str, np.ndarray]:
    images, digits = load_mnist("train", data_dir=ctx.data_dir, as_float=True)
    test_images, _ = load_mnist("test", data_dir=ctx.data_dir, as_float=True)
    n_train, n_test = (1000, 300) if ctx.quick else (10000, 2000)
    train = np.sort(ctx.rng.choice(len(images), size=n_train, replace=False))
    test = np.sort(ctx.rng.choice(len(test_images), size=n_test, replace=False))
    return {"x_train": images[train].reshape(n_train, 784), "d_train": digits[train],
            "x_test": test_images[test].reshape(n_test, 784)}


def _pca_reconstruct(pca: dict, x: np.ndarray, k: int) -> np.ndarray:
    W = pca["components_all"][:k]                        # (k, 784)
    return (x - pca["mean"]) @ W.T @ W + pca["mean"]


def _train_linear(ctx: LabContext, engine: Any, x_centered: np.ndarray, target_basis: np.ndarray,
                  pca_error: float) -> tuple[Any, list[dict]]:
    """Full-batch Adam on the squared error; the angle to PCA's subspace every few steps."""
    steps = 400 if ctx.quick else 800
    engine.manual_seed(ctx.seed)
    model = autoencoder(engine.nn, input_dim=784, latent_dim=K)
    optimizer = engine.optim.Adam(model.parameters(), lr=0.01)
    # NOTE: a tenth of the rate for the last quarter, so Adam settles instead of hovering.
    scheduler = engine.optim.lr_scheduler.StepLR(optimizer, step_size=steps * 3 // 4)
    x = engine.tensor(x_centered)
    trace = []
    for step in ctx.progress(range(1, steps + 1), desc="linear autoencoder", total=steps):
        optimizer.zero_grad()
        loss = ((model(x) - x) ** 2).sum(dim=1).mean()   # squared error per image
        loss.backward()
        optimizer.step()
        scheduler.step()
        if step % 10 == 0 or step == 1:
            angles = principal_angles(decoder_subspace(model), target_basis)
            trace.append({"step": step, "largest angle (deg)": float(angles.max()),
                          "error / PCA error": float(loss.item()) / pca_error})
    return model, trace


def run(ctx: LabContext) -> None:
    """Run the ``pca-ae`` lab into ``ctx`` (its report, metrics and figures); called by
    :func:`glassbox.lab.run_lab` and ``glassbox lab run pca-ae``."""
    engine = get_engine(ctx.engine)
    report = ctx.report
    data = _load(ctx)
    x_train, x_test = data["x_train"], data["x_test"]

    # ------------------------------------------------------------------ PCA
    pca = pca_four_steps(x_train, 100)
    pca["components_all"] = pca["components"]
    reference = PCA(n_components=100, svd_solver="full").fit(x_train)
    component_gap = float(np.abs(pca["components"] - reference.components_).max())
    ratio_gap = float(np.abs(pca["explained_variance_ratio"][:100]
                             - reference.explained_variance_ratio_).max())
    report.section("PCA in four steps")
    report.text(
        f"On {len(x_train):,} MNIST training images (784 pixels in [0, 1]): 1. centre, "
        "X' = X - mu; 2. covariance S = X'^T X' / n (784 x 784); 3. eigenvectors S w = "
        "lambda w, sorted by decreasing eigenvalue (the variance along w); 4. project, "
        "Z = X' W_k. Checked against glassbox.learn.decomposition.PCA (which takes the SVD "
        f"of X'): largest difference of the first 100 components {component_gap:.2e}, of "
        f"their explained variance ratios {ratio_gap:.2e}.")
    cumulative = np.cumsum(pca["explained_variance_ratio"])
    report.figure(_plot_variance(pca["explained_variance_ratio"]), "explained_variance",
                  caption="Explained variance ratio per component and cumulated.")
    report.table([{"k": k, "explained variance (%)": 100 * float(cumulative[k - 1]),
                   "test error (squared, per image)":
                       reconstruction_error(x_test, _pca_reconstruct(pca, x_test, k))}
                  for k in KS], caption="PCA with k components")
    report.figure(_plot_digits(pca["components"][:16], 8, signed=True), "eigen_digits",
                  caption="The first 16 principal components ('eigen-digits'); red "
                          "positive, blue negative.")
    rows = [x_test[:8]] + [_pca_reconstruct(pca, x_test[:8], k) for k in KS]
    report.figure(_plot_digits(np.concatenate(rows), 8), "pca_reconstructions",
                  caption=f"Test digits (top row) and PCA reconstructions with k = "
                          f"{', '.join(map(str, KS))} (one row each).")

    # ------------------------------------------------------------------ linear AE
    mean = pca["mean"].astype(np.float32)
    centered = x_train - mean
    pca_k = pca["components"][:K]
    pca_train_error = reconstruction_error(x_train, _pca_reconstruct(pca, x_train, K))
    started = time.perf_counter()
    linear, trace = _train_linear(ctx, engine, centered, pca_k.T, pca_train_error)
    linear_seconds = time.perf_counter() - started
    angles = principal_angles(decoder_subspace(linear), pca_k.T)
    linear_train = reconstruction_error(
        x_train, extract_features(linear, centered, batch_size=5000) + mean)
    linear_test = reconstruction_error(
        x_test, extract_features(linear, x_test - mean, batch_size=5000) + mean)
    pca_test_error = reconstruction_error(x_test, _pca_reconstruct(pca, x_test, K))
    report.section(f"A linear autoencoder 784-{K}-784 finds PCA's subspace")
    report.text(
        "x_tilde = D (E x + b) + c, trained on the squared error ||x - x_tilde||² (summed "
        "over pixels, averaged over images) of the centred images, by full-batch Adam. Its "
        "reconstructions live in the column space of D: at the minimum, that space is the "
        f"span of PCA's first {K} components (D itself is any invertible mix of them, so the "
        "columns are not the components one by one). The principal angles measure how far "
        "two subspaces are: the singular values of Q_D^T Q_PCA are their cosines. The "
        "error reaches PCA's quickly, the angle slowly: the directions the error barely "
        f"sees are rotations between component {K} and {K + 1}, whose variances "
        f"({pca['eigenvalues'][K - 1]:.3f} and {pca['eigenvalues'][K]:.3f}) are close.")
    report.figure(_plot_trace(trace), "linear_ae_convergence",
                  caption="Largest principal angle to PCA's subspace (left) and training "
                          "error relative to PCA's (right) during training.")
    report.table([
        {"model": f"PCA, k = {K}", "train error": pca_train_error, "test error": pca_test_error},
        {"model": f"linear autoencoder 784-{K}-784", "train error": linear_train,
         "test error": linear_test},
    ], caption=f"Squared reconstruction error per image. Principal angles (degrees): "
               f"{', '.join(f'{a:.3f}' for a in angles)}.")

    # ------------------------------------------------------------------ deep AE
    epochs, batch_size = (10, 32) if ctx.quick else (30, 64)
    engine.manual_seed(ctx.seed)
    deep = autoencoder(engine.nn, latent_dim=K, hidden=(256, 64), output_activation="sigmoid")
    optimizer = engine.optim.Adam(deep.parameters(), lr=1e-3)
    loader = engine.data_loader(x_train, x_train, batch_size=batch_size, shuffle=True)
    started = time.perf_counter()
    deep_history = fit(deep, loader, None, engine.nn.MSELoss(), optimizer, epochs,
                       progress=ctx.show_progress)
    deep_seconds = time.perf_counter() - started
    deep_test = reconstruction_error(x_test, extract_features(deep, x_test, batch_size=5000))
    deep_train = reconstruction_error(x_train, extract_features(deep, x_train, batch_size=5000))
    report.section("A deep autoencoder beats PCA at the same k")
    report.text(
        f"784-256-64-{K}-64-256-784 with ReLU hidden layers and a sigmoid output, Adam "
        f"(lr 1e-3, batches of {batch_size}, {epochs} epochs) on the squared error. Nonlinear "
        "encoders and decoders are not limited to a linear subspace: with the same "
        f"{K}-number code it reconstructs better than PCA, which is the best *linear* code.")
    report.table([
        {"model": f"PCA, k = {K}", "train error": pca_train_error, "test error": pca_test_error},
        {"model": f"deep autoencoder, code {K}", "train error": deep_train,
         "test error": deep_test},
    ], caption="Squared reconstruction error per image.")

    # ------------------------------------------------------------------ generate?
    codes = extract_features(deep.encoder, x_train, batch_size=5000)     # (n, K)
    rng = np.random.default_rng(ctx.seed)
    random_codes = rng.normal(codes.mean(0), codes.std(0), size=(16, K)).astype(np.float32)
    decoded_random = extract_features(deep.decoder, random_codes)
    reconstructed = extract_features(deep, x_test[:16])
    report.section("An autoencoder reproduces; it does not generate")
    report.text(
        "Decoding codes drawn at random (each coordinate from a Gaussian with the mean and "
        "spread of the training codes) gives blurred blends and blots rather than digits: "
        "the autoencoder was only ever asked to decode the codes of real images, which fill "
        "a thin, curved region of the code space, and nothing in it defines a distribution "
        "over codes to draw from. The VAE adds exactly that: a prior p(z) that the codes "
        "are pulled towards, so that decoding z ~ p(z) gives digits (see the vae lab).")
    report.figure(_plot_digits(np.concatenate([reconstructed, decoded_random]), 16),
                  "reproduce_not_generate",
                  caption="Top: reconstructions of test digits; bottom: decoded random codes.")

    ctx.metrics.update({
        "train_images": len(x_train), "test_images": len(x_test),
        "pca_component_max_difference": component_gap,
        "pca_explained_variance_ratio_max_difference": ratio_gap,
        "explained_variance_at_k": {str(k): float(cumulative[k - 1]) for k in KS},
        "principal_angles_deg": angles.tolist(), "largest_angle_deg": float(angles.max()),
        "pca_train_error": pca_train_error, "pca_test_error": pca_test_error,
        "linear_ae_train_error": linear_train, "linear_ae_test_error": linear_test,
        "linear_ae_error_ratio": linear_train / pca_train_error,
        "linear_ae_seconds": linear_seconds, "linear_ae_trace": trace,
        "deep_ae_train_error": deep_train, "deep_ae_test_error": deep_test,
        "deep_ae_seconds": deep_seconds, "deep_ae_epochs": len(deep_history),
        "mean_image_train_error": float(pca["eigenvalues"].sum()),
    })


# ---------------------------------------------------------------------- figures
def _plot_variance(ratio: np.ndarray):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
    left.bar(range(1, 51), 100 * ratio[:50])
    left.set(xlabel="component", ylabel="explained variance (%)")
    right.plot(range(1, len(ratio) + 1), 100 * np.cumsum(ratio))
    right.set(xlabel="k", ylabel="cumulated (%)", xscale="log")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def _plot_digits(images: np.ndarray, columns: int, signed: bool = False):
    import matplotlib.pyplot as plt

    rows = int(np.ceil(len(images) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 0.8, rows * 0.8), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image in zip(axes.flat, images):
        if signed:
            limit = np.abs(image).max()
            ax.imshow(image.reshape(28, 28), cmap="bwr", vmin=-limit, vmax=limit)
        else:
            ax.imshow(image.reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
    fig.tight_layout()
    return fig


def _plot_trace(trace: list[dict]):
    import matplotlib.pyplot as plt

    steps = [t["step"] for t in trace]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
    left.plot(steps, [t["largest angle (deg)"] for t in trace])
    left.axhline(1.0, color="gray", linestyle="--", label="1 degree")
    left.set(xlabel="step", ylabel="largest principal angle (deg)", yscale="log")
    left.legend()
    right.plot(steps, [t["error / PCA error"] for t in trace])
    right.set(xlabel="step", ylabel="error / PCA's error", yscale="log")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
