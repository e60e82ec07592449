"""The variational autoencoder on MNIST: the ELBO, tighter bounds, and what the latent space holds.

Course section 5.1 ("Probabilistic interpretation", "Other families of variational
bounds"). The model is PyTorch's official example: an encoder 784-400-(20 + 20) gives the
mean and log-variance of ``q(z | x)``, a decoder 20-400-784 gives a Bernoulli
probability per pixel, trained with Adam (lr 1e-3, batches of 128, 10 epochs) on the
negative ELBO ``-E_q[log p(x | z)] + KL(q(z | x) || N(0, I))`` summed over the batch
(the example's ``BCE + KLD``). The report gives the test -ELBO in nats per image, the
test log-likelihood estimated by importance sampling (the IWAE bound with k = 1,000,
which is tighter), the same model trained on the ELBO, the IWAE bound (k = 5) and the
Rényi bound (alpha = 0.5) for the same number of epochs, reconstructions and samples,
the KL of each latent dimension (inactive units), and a VAE with a 2-D latent space whose
latent map and decoded manifold can be drawn.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np

from glassbox.data import load_mnist
from glassbox.generative import (
    elbo,
    gaussian_kl,
    iwae_bound,
    log_likelihood_estimate,
    renyi_bound,
)
from glassbox.lab.runner import LabContext
from glassbox.models import vae_mlp
from glassbox.train import get_engine

NAME = "vae"
TITLE = "Variational autoencoders: ELBO, IWAE and Rényi bounds on MNIST"
SECTION = "5.1 Variational AutoEncoders (VAE)"

OBJECTIVES = {  # name: (objective of (model, x) -> summed bound, description)
    "ELBO": "one sample of z, analytic KL",
    "IWAE (k=5)": "log of the mean of 5 importance weights",
    "Rényi (alpha=0.5, k=5)": "variational Rényi bound of order 1/2, 5 samples",
}


def _objective(name: str):
    """The bound to maximise, summed over the batch, as a function of (model, x)."""
    if name == "ELBO":
        def bound(model, x):
            logits, mu, logvar = model(x)
            return elbo(x, logits, mu, logvar, reduction="sum")
    elif name.startswith("IWAE"):
        def bound(model, x):
            return iwae_bound(model, x, k=5, reduction="sum")
    else:
        def bound(model, x):
            return renyi_bound(model, x, k=5, alpha=0.5, reduction="sum")
    return bound


def _load(ctx: LabContext) -> dict[str, np.ndarray]:
    """MNIST pixels in [0, 1] as (N, 784) float32 and the digits (for the latent map)."""
    images, digits = load_mnist("train", data_dir=ctx.data_dir, as_float=True)
    test_images, test_digits = load_mnist("test", data_dir=ctx.data_dir, as_float=True)
    data = {"x_train": images.reshape(len(images), 784), "d_train": digits,
            "x_test": test_images.reshape(len(test_images), 784), "d_test": test_digits}
    if ctx.quick:
        for part, n in (("train", 2000), ("test", 300)):
            keep = np.sort(ctx.rng.choice(len(data[f"x_{part}"]), size=n, replace=False))
            data[f"x_{part}"], data[f"d_{part}"] = data[f"x_{part}"][keep], data[f"d_{part}"][keep]
    return data


def _negative_elbo(engine: Any, model: Any, x: np.ndarray, batch_size: int = 1000) -> float:
    """Test -ELBO in nats per image: one draw of z per image, as PyTorch's example reports."""
    total = 0.0
    model.eval()
    with engine.no_grad():
        for start in range(0, len(x), batch_size):
            batch = engine.tensor(x[start:start + batch_size])
            logits, mu, logvar = model(batch)
            total -= float(elbo(batch, logits, mu, logvar, reduction="sum").item())
    return total / len(x)


def _negative_log_likelihood(engine: Any, model: Any, x: np.ndarray, k: int,
                             batch_size: int = 100) -> float:
    """-log p(x) per image, estimated by importance sampling with k draws."""
    model.eval()
    values = [engine.to_numpy(log_likelihood_estimate(model, engine.tensor(x[s:s + batch_size]),
                                                      k=k, chunk_size=min(k, 250)))
              for s in range(0, len(x), batch_size)]
    return -float(np.concatenate(values).mean())


def _train(ctx: LabContext, engine: Any, data: dict, objective: str, epochs: int,
           latent_dim: int = 20, test_size: int | None = None) -> tuple[Any, list[dict]]:
    """Adam (lr 1e-3), batches of 128, maximising ``objective``; -ELBO on the test set per epoch."""
    engine.manual_seed(ctx.seed)
    model = vae_mlp(engine.nn, latent_dim=latent_dim)
    optimizer = engine.optim.Adam(model.parameters(), lr=1e-3)
    loader = engine.data_loader(data["x_train"], batch_size=128, shuffle=True)
    bound = _objective(objective)
    x_test = data["x_test"][:test_size]
    history = []
    for epoch in ctx.progress(range(1, epochs + 1), desc=f"{objective}, latent {latent_dim}",
                              total=epochs):
        started, total = time.perf_counter(), 0.0
        model.train()
        for (x,) in loader:
            optimizer.zero_grad()
            loss = -bound(model, x)          # the example's BCE + KLD: summed over the batch
            loss.backward()
            optimizer.step()
            total += float(loss.item())
        history.append({"epoch": epoch, "train -bound": total / len(data["x_train"]),
                        "test -ELBO": _negative_elbo(engine, model, x_test),
                        "seconds": time.perf_counter() - started})
        if ctx.show_progress:  # the figure of each epoch, for whoever watches a long run
            print(f"{objective}, latent {latent_dim}, epoch {epoch}: train -bound "
                  f"{history[-1]['train -bound']:.2f}, test -ELBO "
                  f"{history[-1]['test -ELBO']:.2f} nats", file=sys.stderr, flush=True)
    return model, history


def run(ctx: LabContext) -> None:
    """Run the ``vae`` lab into ``ctx`` (its report, metrics and figures); called by
    :func:`glassbox.lab.run_lab` and ``glassbox lab run vae``."""
    engine = get_engine(ctx.engine)
    report = ctx.report
    data = _load(ctx)
    epochs = 2 if ctx.quick else 10
    k_likelihood, n_likelihood = (100, 100) if ctx.quick else (1000, 1000)

    # ------------------------------------------------------------------ the model
    report.section("The model and the ELBO")
    report.text(
        "The VAE is the latent-variable model p(x, z) = p(x | z) p(z), with p(z) = N(0, I) "
        "in 20 dimensions and p(x | z) a Bernoulli distribution per pixel whose "
        "probabilities the decoder computes. log p(x) = ∫ p(x | z) p(z) dz has no closed "
        "form, so an encoder proposes q(z | x) = N(mu(x), diag sigma²(x)) and training "
        "maximises the evidence lower bound ELBO = E_q[log p(x | z)] - KL(q(z | x) || p(z)) "
        "= log p(x) - KL(q(z | x) || p(z | x)) <= log p(x). The expectation uses one draw "
        "z = mu + sigma * eps, eps ~ N(0, I) (the reparameterisation trick, so gradients "
        "flow through mu and sigma); the KL of two Gaussians is exact: "
        "-1/2 sum_j (1 + log sigma_j² - mu_j² - sigma_j²).")
    model, history = _train(ctx, engine, data, "ELBO", epochs)
    report.code(repr(model))
    n_test = len(data["x_test"])
    test_elbo = history[-1]["test -ELBO"]
    x_ll = data["x_test"][:n_likelihood]
    started = time.perf_counter()
    test_nll = _negative_log_likelihood(engine, model, x_ll, k_likelihood)
    nll_seconds = time.perf_counter() - started
    elbo_same_images = _negative_elbo(engine, model, x_ll)
    report.table(history, caption="Training: -bound per training image (the loss) and test "
                                  "-ELBO per test image, in nats.")
    report.figure(_plot_history({"ELBO": history}), "elbo_curve",
                  caption="Test -ELBO (nats per image) after each epoch.")
    report.table([
        {"quantity": f"test -ELBO ({n_test:,} images, one z each)", "nats per image": test_elbo},
        {"quantity": f"test -ELBO on the first {len(x_ll):,} test images",
         "nats per image": elbo_same_images},
        {"quantity": f"test -log p(x) by importance sampling, k = {k_likelihood:,} "
                     f"(the same {len(x_ll):,} images)", "nats per image": test_nll},
    ], caption="PyTorch's example reports a test loss (-ELBO) of 106.66 at its epoch 7. The "
               "importance-sampling estimate log p(x) ≈ log (1/k) sum_k p(x, z_k) / q(z_k | x), "
               "z_k ~ q(z | x), is itself a lower bound, much tighter than the ELBO.")
    report.text(f"The gap between -ELBO and -log p(x), {elbo_same_images - test_nll:.2f} nats, "
                "is E_q[KL(q(z | x) || p(z | x))] plus the estimate's own slack: how far "
                "the Gaussian posterior of the encoder is from the true posterior.")

    # ------------------------------------------------------------------ pictures
    report.section("Reconstructions and samples")
    model.eval()
    with engine.no_grad():
        x_show = engine.tensor(data["x_test"][:16])
        mu, _ = model.encode(x_show)
        reconstructions = engine.to_numpy(model.decode(mu).sigmoid())
        samples = engine.to_numpy(model.sample(64))
    report.figure(_plot_pairs(data["x_test"][:16], reconstructions), "reconstructions",
                  caption="Test digits (top) and their reconstructions sigmoid(decode(mu(x))).")
    report.figure(_plot_grid(samples, 8), "samples",
                  caption="New digits: z ~ N(0, I), decoded (pixel probabilities). Unlike "
                          "an autoencoder, the VAE defines a distribution to sample from.")

    # ------------------------------------------------------------------ KL per unit
    with engine.no_grad():
        mu, logvar = model.encode(engine.tensor(data["x_test"]))
        per_dim = -0.5 * (1 + engine.to_numpy(logvar) - engine.to_numpy(mu) ** 2
                          - np.exp(engine.to_numpy(logvar)))
        kl_total = float(engine.to_numpy(gaussian_kl(mu, logvar)).mean())
    kl_per_dim = per_dim.mean(axis=0)
    active = int((kl_per_dim > 0.01).sum())
    report.section("KL per latent dimension: inactive units")
    report.figure(_plot_kl(kl_per_dim), "kl_per_dimension",
                  caption="Mean KL(q(z_j | x) || N(0, 1)) over the test set for each latent "
                          "dimension, sorted.")
    report.text(f"{active} of {len(kl_per_dim)} latent dimensions carry information (mean KL > "
                "0.01 nats); the others are 'inactive': q(z_j | x) equals the prior for every "
                "x, the decoder ignores them, and they cost nothing in the KL. The ELBO's KL "
                "term pushes every dimension towards the prior; only those that pay for "
                f"themselves in reconstruction stay on. Total KL: {kl_total:.2f} nats per image.")

    # ------------------------------------------------------------------ bounds
    compare_epochs = 1 if ctx.quick else 3
    compare_test = 100 if ctx.quick else 1000
    k_compare = 50 if ctx.quick else 200
    rows, histories = [], {}
    for objective, description in OBJECTIVES.items():
        started = time.perf_counter()
        trained, bound_history = _train(ctx, engine, data, objective, compare_epochs,
                                        test_size=compare_test)
        seconds = time.perf_counter() - started
        histories[objective] = bound_history
        x_cmp = data["x_test"][:compare_test]
        with engine.no_grad():
            iwae_test = -float(iwae_bound(trained, engine.tensor(x_cmp), k=5).item())
        rows.append({"trained on": objective, "what": description,
                     "test -ELBO": bound_history[-1]["test -ELBO"],
                     "test -IWAE (k=5)": iwae_test,
                     f"test -log p(x) (k={k_compare})":
                         _negative_log_likelihood(engine, trained, x_cmp, k_compare),
                     "training seconds": seconds})
    report.section("ELBO vs IWAE vs Rényi: the same model, the same number of epochs")
    report.text(
        "With k importance weights w_k = p(x, z_k) / q(z_k | x), z_k ~ q(z | x): the IWAE "
        "bound log (1/k) sum_k w_k (Burda et al., 2016) is tighter than the ELBO and "
        "equals it for k = 1; the variational Rényi bound 1/(1 - alpha) log (1/k) sum_k "
        "w_k^(1 - alpha) (Li and Turner, 2016) goes from the ELBO (alpha -> 1) to IWAE "
        "(alpha = 0). Models trained on a tighter bound usually reach a better "
        "log-likelihood but a worse ELBO: the bound lets q(z | x) be a looser fit to the "
        f"posterior. {compare_epochs} epochs each; the k-sample bounds cost about k "
        f"decoder passes per image. Measured on {compare_test:,} test images.")
    report.table(rows, caption="nats per test image (lower is better).")
    report.figure(_plot_history(histories), "bounds_comparison",
                  caption="Test -ELBO per epoch of the three training objectives.")

    # ------------------------------------------------------------------ 2-D latent
    model_2d, history_2d = _train(ctx, engine, data, "ELBO", 1 if ctx.quick else 5,
                                  latent_dim=2)
    model_2d.eval()
    with engine.no_grad():
        mu_2d, _ = model_2d.encode(engine.tensor(data["x_test"]))
        mu_2d = engine.to_numpy(mu_2d)
        from statistics import NormalDist

        quantiles = np.array([NormalDist().inv_cdf(p) for p in np.linspace(0.03, 0.97, 15)])
        grid = np.array([[a, b] for b in quantiles[::-1] for a in quantiles], dtype=np.float32)
        manifold = engine.to_numpy(model_2d.decode(engine.tensor(grid)).sigmoid())
    report.section("A 2-D latent space")
    report.text(
        "The same VAE with a 2-dimensional z. Left: the mean mu(x) of every test digit, "
        "coloured by its label (which the VAE never saw); right: the decoder's output on a "
        "15 x 15 grid of z at the Gaussian quantiles 3 % to 97 %, the 'manifold' of digits "
        f"it learnt. Test -ELBO of the 2-D model: {history_2d[-1]['test -ELBO']:.2f} nats.")
    report.figure(_plot_latent_map(mu_2d, data["d_test"]), "latent_map",
                  caption="Latent means of the test digits, coloured by digit.")
    report.figure(_plot_grid(manifold, 15), "manifold",
                  caption="Decoded grid of the 2-D latent space.")

    ctx.metrics.update({
        "test_negative_elbo": test_elbo, "test_images": n_test,
        "test_negative_elbo_ll_subset": elbo_same_images,
        "test_negative_log_likelihood": test_nll, "log_likelihood_k": k_likelihood,
        "log_likelihood_images": len(x_ll), "log_likelihood_seconds": nll_seconds,
        "history": history, "epochs": epochs,
        "kl_per_dimension": kl_per_dim.tolist(), "active_units": active,
        "kl_total": kl_total, "bounds_comparison": rows,
        "latent_2d_negative_elbo": history_2d[-1]["test -ELBO"],
    })


# ---------------------------------------------------------------------- figures
def _plot_history(histories: dict[str, list[dict]]):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    for label, history in histories.items():
        ax.plot([h["epoch"] for h in history], [h["test -ELBO"] for h in history], "o-",
                label=label)
    ax.set(xlabel="epoch", ylabel="test -ELBO (nats / image)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def _plot_grid(images: np.ndarray, columns: int):
    import matplotlib.pyplot as plt

    rows = int(np.ceil(len(images) / columns))
    canvas = np.ones((rows * 28, columns * 28))
    for index, image in enumerate(images):
        r, c = divmod(index, columns)
        canvas[r * 28:(r + 1) * 28, c * 28:(c + 1) * 28] = image.reshape(28, 28)
    fig, ax = plt.subplots(figsize=(columns * 0.5 + 0.4, rows * 0.5 + 0.4))
    ax.imshow(canvas, cmap="gray_r", vmin=0, vmax=1)
    ax.axis("off")
    fig.tight_layout()
    return fig


def _plot_pairs(originals: np.ndarray, reconstructions: np.ndarray):
    return _plot_grid(np.concatenate([originals, reconstructions]), len(originals))


def _plot_kl(kl_per_dim: np.ndarray):
    import matplotlib.pyplot as plt

    order = np.argsort(-kl_per_dim)
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(range(len(order)), kl_per_dim[order],
           color=["tab:blue" if v > 0.01 else "tab:gray" for v in kl_per_dim[order]])
    ax.set_xticks(range(len(order)), [str(i) for i in order], fontsize=7)
    ax.set(xlabel="latent dimension (sorted)", ylabel="mean KL (nats)")
    fig.tight_layout()
    return fig


def _plot_latent_map(mu: np.ndarray, digits: np.ndarray):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4.8))
    points = ax.scatter(mu[:, 0], mu[:, 1], c=digits, cmap="tab10", s=2, alpha=0.6)
    fig.colorbar(points, ax=ax, ticks=range(10), label="digit")
    ax.set(xlabel="z1", ylabel="z2")
    fig.tight_layout()
    return fig
