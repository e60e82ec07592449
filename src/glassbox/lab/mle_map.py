"""Maximum likelihood and maximum a posteriori estimation: what a prior changes, and when not.

Course section 5 (introduction): theta_MLE = argmax sum_i log p(x_i | theta) and
theta_MAP = argmax sum_i log p(x_i | theta) + log p(theta). "What happens if log P(theta)
is constant?" Then its gradient is zero and MAP is MLE. The report shows a coin (Bernoulli
likelihood, Beta prior) and a Gaussian mean (Gaussian likelihood, Gaussian prior) as the
data grow, where the conjugate priors give closed forms; the same MAP estimates reached
by gradient ascent on the log posterior with the engine's autograd; and logistic
regression, where a Gaussian prior N(0, sigma² I) on the weights is exactly the L2 penalty
of ``LogisticRegression(C=sigma²)`` and a flat prior (``C=inf``) its MLE.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassbox.lab.runner import LabContext
from glassbox.learn.linear_model import LogisticRegression
from glassbox.train import get_engine

NAME = "mle-map"
TITLE = "MLE vs MAP: coins, Gaussians and the L2 penalty as a Gaussian prior"
SECTION = "5 Deep generative models: maximum likelihood and maximum a posteriori"

SIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


# ---------------------------------------------------------------------- closed forms
def coin_estimates(heads: int, n: int, a: float, b: float) -> dict[str, float]:
    """MLE, MAP and posterior mean of a coin's P(heads) under a Beta(a, b) prior.

    The posterior is Beta(a + heads, b + n - heads); its mode (the MAP) is
    ``(heads + a - 1) / (n + a + b - 2)``, the MLE ``heads / n``. Beta(1, 1) is flat.

    Examples
    --------
    >>> coin_estimates(heads=3, n=4, a=1, b=1)["map"]  # flat prior: the MLE
    0.75
    """
    return {"mle": heads / n, "map": (heads + a - 1) / (n + a + b - 2),
            "posterior_mean": (heads + a) / (n + a + b)}


def gaussian_mean_estimates(x: np.ndarray, sigma: float, mu0: float,
                            tau: float) -> dict[str, float]:
    """MLE and MAP of a Gaussian's mean (known sigma) under a N(mu0, tau²) prior.

    ``MAP = (tau² sum x + sigma² mu0) / (n tau² + sigma²)``: a weighted mean of the data
    and the prior's mean, the data winning as n grows; tau -> inf (flat) gives the MLE.

    Examples
    --------
    >>> gaussian_mean_estimates(np.array([1.0, 3.0]), sigma=1.0, mu0=0.0, tau=1.0)["map"]
    1.3333333333333333
    """
    n, total = len(x), float(np.sum(x))
    return {"mle": total / n,
            "map": (tau**2 * total + sigma**2 * mu0) / (n * tau**2 + sigma**2)}


# ---------------------------------------------------------------------- autograd
def _ascend(engine: Any, log_posterior, start: np.ndarray, steps: int, lr: float) -> np.ndarray:
    """Gradient ascent on ``log_posterior(theta)`` (a tensor function) in float64."""
    theta = engine.tensor(start, dtype=np.float64).requires_grad_(True)
    for _ in range(steps):
        value = log_posterior(theta)
        value.backward()
        # ascend: the posterior grows along its gradient; the new point is a fresh leaf
        theta = (theta + lr * theta.grad).detach().requires_grad_(True)
    return engine.to_numpy(theta.detach()).copy()


def _logistic_map(engine: Any, X: np.ndarray, y: np.ndarray, prior_variance: float,
                  steps: int) -> np.ndarray:
    """argmax sum_i log p(y_i | x_i, w, b) + log N(w; 0, prior_variance I), by gradient ascent.

    Returns ``[w..., b]``; the intercept has a flat prior, as scikit-learn leaves it
    unpenalised. ``prior_variance=inf`` is the flat prior: the MLE.
    """
    n, d = X.shape
    Xt, yt = engine.tensor(X, dtype=np.float64), engine.tensor(y, dtype=np.float64)
    F = engine.functional
    precision = 0.0 if np.isinf(prior_variance) else 1.0 / prior_variance

    def log_posterior(theta):
        logits = Xt @ theta[:d] + theta[d]
        log_likelihood = -F.binary_cross_entropy_with_logits(logits, yt, reduction="sum")
        log_prior = -0.5 * precision * (theta[:d] ** 2).sum()   # + constant
        return (log_likelihood + log_prior) / n

    # NOTE: 1 / L for the averaged objective: the logistic loss's curvature is at most
    # ||X||²_2 / (4 n), the prior's 1 / (n sigma²); gradient ascent at that rate cannot
    # overshoot, and the objective is strictly concave, so it converges to the optimum.
    lipschitz = np.linalg.norm(np.c_[X, np.ones(n)], 2) ** 2 / (4 * n) + precision / n
    return _ascend(engine, log_posterior, np.zeros(d + 1), steps, 1.0 / lipschitz)


def _logistic_data(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Three standardised features; labels drawn from a logistic model (not separable)."""
    X = rng.standard_normal((n, 3))
    logits = X @ np.array([1.5, -1.0, 0.5]) + 0.3
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logits))).astype(np.float64)
    return X, y


def run(ctx: LabContext) -> None:
    """Run the ``mle-map`` lab into ``ctx`` (its report, metrics and figures); called by
    :func:`glassbox.lab.run_lab` and ``glassbox lab run mle-map``."""
    engine = get_engine(ctx.engine)
    report = ctx.report
    rng = ctx.rng
    steps = 300 if ctx.quick else 3000

    # ------------------------------------------------------------------ coin
    p_true, a, b = 0.7, 5.0, 5.0
    flips = (rng.uniform(size=max(SIZES)) < p_true).astype(int)
    coin_rows, flat_gap = [], 0.0
    for n in SIZES:
        heads = int(flips[:n].sum())
        informative = coin_estimates(heads, n, a, b)
        flat = coin_estimates(heads, n, 1.0, 1.0)
        flat_gap = max(flat_gap, abs(flat["map"] - flat["mle"]))
        coin_rows.append({"n": n, "heads": heads, "MLE": informative["mle"],
                          f"MAP, Beta({a:g}, {b:g})": informative["map"],
                          "posterior mean": informative["posterior_mean"],
                          "MAP, flat Beta(1, 1)": flat["map"]})
    report.section("A coin: Bernoulli likelihood, Beta prior")
    report.text(
        f"Flips of a coin with P(heads) = {p_true}. The likelihood of h heads in n flips is "
        "p^h (1 - p)^(n - h): the MLE is h / n. A Beta(a, b) prior (pseudo-counts: a - 1 "
        "heads and b - 1 tails seen before) gives the posterior Beta(a + h, b + n - h), whose "
        "mode, the MAP, is (h + a - 1) / (n + a + b - 2). With few flips the prior pulls the "
        f"estimate towards 1/2 (one flip: MLE 0 or 1, a certainty no one should hold); as "
        "the data grow the likelihood dominates and MAP and MLE meet. With the flat prior "
        f"Beta(1, 1), log p(theta) is constant and the MAP is the MLE (largest difference "
        f"{flat_gap:.1e}).")
    report.table(coin_rows, caption="Estimates of P(heads) as the flips accumulate.")
    report.figure(_plot_paths(coin_rows, ["MLE", f"MAP, Beta({a:g}, {b:g})",
                                          "posterior mean"], p_true, "P(heads)"),
                  "coin", caption="MLE and MAP of the coin as n grows (dashed: the truth).")

    # ------------------------------------------------------------------ Gaussian
    mu_true, sigma, mu0, tau = 2.0, 1.5, 0.0, 0.5
    samples = rng.normal(mu_true, sigma, size=max(SIZES))
    gauss_rows = []
    for n in SIZES:
        estimates = gaussian_mean_estimates(samples[:n], sigma, mu0, tau)
        gauss_rows.append({"n": n, "MLE": estimates["mle"],
                           f"MAP, N({mu0:g}, {tau:g}²)": estimates["map"],
                           "MAP, tau = 1e6": gaussian_mean_estimates(samples[:n], sigma, mu0,
                                                                     1e6)["map"]})
    # the same MAP by gradient ascent on the log posterior, with autograd
    x20 = engine.tensor(samples[:20], dtype=np.float64)

    def gaussian_log_posterior(theta, flat=False):
        log_likelihood = -((x20 - theta) ** 2).sum() / (2 * sigma**2)
        log_prior = 0.0 if flat else -((theta - mu0) ** 2).sum() / (2 * tau**2)
        return log_likelihood + log_prior

    curvature = 20 / sigma**2 + 1 / tau**2
    map_autograd = float(_ascend(engine, gaussian_log_posterior, np.zeros(1), steps,
                                 1 / curvature)[0])
    mle_autograd = float(_ascend(engine, lambda t: gaussian_log_posterior(t, flat=True),
                                 np.zeros(1), steps, sigma**2 / 20)[0])
    closed = gaussian_mean_estimates(samples[:20], sigma, mu0, tau)
    report.section("A Gaussian mean: Gaussian likelihood, Gaussian prior")
    report.text(
        f"Draws from N({mu_true:g}, {sigma:g}²) with sigma known. The MLE of the mean is the "
        f"sample mean; a N({mu0:g}, {tau:g}²) prior gives MAP = (tau² sum x + sigma² mu0) / "
        "(n tau² + sigma²), a weighted mean of the data and the prior's mean, shrunk "
        "towards mu0 by the prior's precision 1/tau² against the data's n/sigma²; a very "
        "wide prior (tau -> inf) is flat and gives the MLE. The same estimates come from "
        "gradient ascent on log p(x | theta) + log p(theta) with autograd (n = 20): MAP "
        f"{map_autograd:.6f} (closed form {closed['map']:.6f}), MLE with log p(theta) "
        f"constant {mle_autograd:.6f} (sample mean {closed['mle']:.6f}).")
    report.table(gauss_rows, caption="Estimates of the mean as the sample grows.")
    report.figure(_plot_paths(gauss_rows, ["MLE", f"MAP, N({mu0:g}, {tau:g}²)"], mu_true,
                              "mean"), "gaussian",
                  caption="MLE and MAP of the mean as n grows (dashed: the truth).")

    # ------------------------------------------------------------------ logistic
    X, y = _logistic_data(rng, 60 if ctx.quick else 200)
    variances = [0.01, 0.1, 1.0, 10.0, np.inf]
    logistic_rows, gaps = [], []
    for variance in variances:
        w_map = _logistic_map(engine, X, y, variance, 4 * steps)
        fitted = LogisticRegression(C=variance, tol=1e-8, max_iter=10_000).fit(X, y)
        reference = np.r_[fitted.coef_.ravel(), fitted.intercept_]
        gaps.append(float(np.abs(w_map - reference).max()))
        logistic_rows.append({"prior variance sigma² = C": "inf (flat: MLE)"
                              if np.isinf(variance) else variance,
                              "w (autograd MAP)": np.round(w_map[:3], 5).tolist(),
                              "b": round(float(w_map[3]), 5),
                              "LogisticRegression(C) coef_": np.round(reference[:3], 5).tolist(),
                              "largest difference": gaps[-1]})
    report.section("Logistic regression: a Gaussian prior is the L2 penalty")
    report.text(
        "With p(y = 1 | x) = sigmoid(w·x + b) and the prior w ~ N(0, sigma² I), the log "
        "posterior is sum_i log p(y_i | x_i, w, b) - ||w||² / (2 sigma²) + constant. "
        "Multiplying by sigma², maximising it is minimising sigma² sum_i loss_i + ||w||² / 2, "
        "scikit-learn's objective C sum_i loss_i + ||w||² / 2 with C = sigma²: the L2 "
        "penalty is a Gaussian prior, C its variance, and a strong penalty a confident "
        "prior. C = inf is the flat prior, the MLE. Below, the MAP by gradient ascent with "
        "autograd on the log posterior against glassbox's LogisticRegression(C) (L-BFGS), "
        f"on {len(X)} samples with 3 features.")
    report.table(logistic_rows, caption="MAP weights by autograd vs LogisticRegression(C).")
    report.figure(_plot_shrinkage(X, y), "shrinkage",
                  caption="The weights of LogisticRegression(C = sigma²) as the prior "
                          "widens: a narrow prior shrinks them towards 0.")

    ctx.metrics.update({
        "coin": coin_rows, "coin_flat_prior_max_difference": flat_gap,
        "gaussian": gauss_rows, "gaussian_map_autograd": map_autograd,
        "gaussian_map_closed_form": closed["map"], "gaussian_mle_autograd": mle_autograd,
        "gaussian_mle_closed_form": closed["mle"],
        "logistic_prior_variances": [str(v) for v in variances],
        "logistic_max_differences": gaps,
    })


# ---------------------------------------------------------------------- figures
def _plot_paths(rows: list[dict], columns: list[str], truth: float, ylabel: str):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    n = [row["n"] for row in rows]
    for column in columns:
        ax.plot(n, [row[column] for row in rows], "o-", label=column, markersize=3)
    ax.axhline(truth, color="gray", linestyle="--")
    ax.set(xscale="log", xlabel="n", ylabel=ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _plot_shrinkage(X: np.ndarray, y: np.ndarray):
    import matplotlib.pyplot as plt

    variances = np.logspace(-3, 2, 16)
    weights = np.array([LogisticRegression(C=v, tol=1e-8).fit(X, y).coef_.ravel()
                        for v in variances])
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for j in range(weights.shape[1]):
        ax.plot(variances, weights[:, j], "o-", markersize=3, label=f"w{j + 1}")
    ax.set(xscale="log", xlabel="prior variance sigma² = C", ylabel="weight")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig
