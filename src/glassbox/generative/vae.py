r"""The variational autoencoder's objectives: the ELBO, the importance-weighted and Rényi bounds.

Course section 5.1. A VAE is the latent-variable model ``p(x, z) = p(x | z) p(z)`` with
the prior ``p(z) = N(0, I)`` and a decoder network giving ``p(x | z)``; an encoder network
gives the approximate posterior ``q(z | x) = N(mu(x), diag exp(logvar(x)))``. Since

    log p(x) = ELBO(x) + KL(q(z | x) || p(z | x))   and   KL >= 0,

the evidence lower bound

    ELBO(x) = E_q[log p(x | z)] - KL(q(z | x) || p(z))

is a lower bound on log p(x) that can be computed without the intractable integral
``p(x) = ∫ p(x | z) p(z) dz``: maximising it fits the model and pulls q towards the true
posterior. The expectation is estimated with one draw ``z = mu + sigma * eps`` (the
*reparameterisation trick*: the randomness is in ``eps ~ N(0, I)``, so the gradient flows
through ``mu`` and ``sigma``), and the KL of two Gaussians is exact (:func:`gaussian_kl`).

Tighter bounds use ``K`` draws ``z_k ~ q(z | x)`` and the importance weights
``w_k = p(x, z_k) / q(z_k | x)`` (whose mean is an unbiased estimate of p(x)):

- IWAE (Burda, Grosse and Salakhutdinov, 2016): ``log (1/K) sum_k w_k``; K = 1 gives the
  ELBO, and the bound tightens to log p(x) as K grows (:func:`iwae_bound`);
- the variational Rényi bound (Li and Turner, 2016) of order alpha:
  ``1 / (1 - alpha) * log (1/K) sum_k w_k^(1 - alpha)``; alpha -> 1 gives the ELBO (the
  mean of log w_k), alpha = 0 the IWAE bound (:func:`renyi_bound`).

With a large K the IWAE bound is the usual estimate of the test log-likelihood
(:func:`log_likelihood_estimate`).

Everything here is written with tensor methods that glassbox and torch share, so the
same functions run on either engine's tensors (the engine is read from the tensors).
"""

from __future__ import annotations

import importlib
import math
from typing import Any

__all__ = ["reparameterize", "gaussian_kl", "log_likelihood", "log_normal", "elbo",
           "log_importance_weights", "iwae_bound", "renyi_bound", "log_likelihood_estimate",
           "logsumexp", "LIKELIHOODS"]

LIKELIHOODS = ("bernoulli", "gaussian")
LOG_2PI = math.log(2 * math.pi)


def _package(tensor: Any) -> Any:
    """``torch`` or ``glassbox``: the package of a tensor's engine."""
    return importlib.import_module(type(tensor).__module__.split(".")[0])


def _check_latent(mu: Any, logvar: Any) -> None:
    if tuple(mu.shape) != tuple(logvar.shape):
        raise ValueError(f"mu and logvar must have the same shape (one mean and one log-variance "
                         f"per latent dimension), received mu of shape {tuple(mu.shape)} and "
                         f"logvar of shape {tuple(logvar.shape)}")


def logsumexp(x: Any, dim: int) -> Any:
    """``log sum_i exp(x_i)`` over ``dim``, computed stably as ``m + log sum exp(x - m)``.

    ``m`` is the largest entry (treated as a constant: the result does not depend on it, so
    neither does its gradient, which is ``softmax(x)`` along ``dim``).

    Examples
    --------
    >>> import glassbox as gb
    >>> round(logsumexp(gb.tensor([1000.0, 1000.0], dtype=gb.float64), dim=0).item(), 4)
    1000.6931
    """
    largest = x.amax(dim=dim, keepdim=True).detach()
    return (x - largest).exp().sum(dim=dim).log() + largest.squeeze(dim)


def reparameterize(mu: Any, logvar: Any, noise: Any = None) -> Any:
    """A draw ``z = mu + exp(logvar / 2) * eps`` from ``N(mu, diag exp(logvar))``.

    Parameters
    ----------
    mu, logvar : Tensor of shape (..., latent_dim)
        The encoder's means and log-variances.
    noise : Tensor of shape (..., latent_dim), optional
        The standard normal draws ``eps`` (broadcast against ``mu``; a leading sample
        dimension gives several draws per input). Drawn from the engine's global
        generator when None.

    Returns
    -------
    Tensor, the shape of ``mu`` broadcast with ``noise``
        Differentiable in ``mu`` and ``logvar``: the randomness is all in ``eps``.

    Examples
    --------
    >>> import glassbox as gb
    >>> reparameterize(gb.zeros(1, 2), gb.zeros(1, 2), noise=gb.tensor([[1.0, -2.0]]))
    tensor([[ 1., -2.]])
    """
    _check_latent(mu, logvar)
    if noise is None:
        noise = _package(mu).randn_like(mu)
    elif tuple(noise.shape[-1:]) != tuple(mu.shape[-1:]):
        raise ValueError(f"noise must have the latent size of mu ({mu.shape[-1]}) in its last "
                         f"dimension, received noise of shape {tuple(noise.shape)}")
    return mu + (logvar * 0.5).exp() * noise


def gaussian_kl(mu: Any, logvar: Any) -> Any:
    """``KL(N(mu, diag exp(logvar)) || N(0, I))`` per sample, in closed form.

    ``KL = -1/2 * sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j))`` (Kingma and Welling,
    2014, appendix B), summed over the last (latent) dimension.

    Parameters
    ----------
    mu, logvar : Tensor of shape (..., latent_dim)

    Returns
    -------
    Tensor of shape (...)

    See Also
    --------
    torch.distributions.kl_divergence

    Examples
    --------
    >>> import glassbox as gb
    >>> gaussian_kl(gb.tensor([[0.0, 0.0], [1.0, 0.0]]), gb.zeros(2, 2))
    tensor([0. , 0.5])
    """
    _check_latent(mu, logvar)
    return (1 + logvar - mu * mu - logvar.exp()).sum(dim=-1) * -0.5


def log_normal(z: Any, mu: Any = None, logvar: Any = None) -> Any:
    """``log N(z; mu, diag exp(logvar))`` summed over the last dimension (standard normal
    when ``mu`` and ``logvar`` are None).

    ``log N(z; mu, sigma^2) = -1/2 * (log 2 pi + logvar + (z - mu)^2 / exp(logvar))`` per
    dimension.

    Examples
    --------
    >>> import glassbox as gb
    >>> round(log_normal(gb.zeros(1, 1)).item(), 6)  # -log(2 pi) / 2
    -0.918939
    """
    if mu is None:
        return (z * z + LOG_2PI).sum(dim=-1) * -0.5
    _check_latent(mu, logvar)
    return ((z - mu) ** 2 / logvar.exp() + logvar + LOG_2PI).sum(dim=-1) * -0.5


def _check_images(x: Any, likelihood: str) -> None:
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"likelihood must be one of {LIKELIHOODS}, received {likelihood!r}")
    if likelihood == "bernoulli":
        low, high = float(x.min()), float(x.max())
        if low < 0 or high > 1:
            raise ValueError(
                "A Bernoulli decoder models pixel intensities in [0, 1] (probabilities of "
                f"'on'), received values in [{low:g}, {high:g}]. Scale the images to [0, 1] "
                "(divide 8-bit pixels by 255) or use likelihood='gaussian'.")


def log_likelihood(x: Any, decoded: Any, likelihood: str = "bernoulli",
                   decoder_logvar: Any = 0.0) -> Any:
    """``log p(x | z)`` of each sample, summed over every non-batch dimension of ``x``.

    Parameters
    ----------
    x : Tensor of shape (..., *event_shape)
        The data; in [0, 1] for the Bernoulli decoder.
    decoded : Tensor of the shape of ``x``
        The decoder's output: the logits of the pixels being on (Bernoulli), or the means
        (Gaussian).
    likelihood : {"bernoulli", "gaussian"}, default="bernoulli"
        Bernoulli: ``x log sigmoid(l) + (1 - x) log(1 - sigmoid(l))``, that is minus the
        binary cross-entropy with logits (PyTorch's VAE example, on logits for stability).
        Gaussian: ``log N(x; decoded, exp(decoder_logvar))`` per pixel.
    decoder_logvar : float or Tensor broadcastable to ``x``, default=0.0
        The Gaussian decoder's log-variance (ignored for Bernoulli).

    Returns
    -------
    Tensor of shape (...)
        One log-likelihood per sample (``x.ndim - event dims``; the event is every
        dimension after the first of ``x`` for a 2-D or 4-D batch).

    Examples
    --------
    >>> import glassbox as gb
    >>> round(log_likelihood(gb.tensor([[1.0, 0.0]]), gb.zeros(1, 2)).item(), 6)  # 2 log 1/2
    -1.386294
    """
    _check_images(x, likelihood)
    if x.ndim < 2 or tuple(decoded.shape[decoded.ndim - x.ndim:]) != tuple(x.shape):
        raise ValueError(f"decoded must have the shape of x (N, *event_shape), one output per "
                         f"pixel, received decoded of shape {tuple(decoded.shape)} for x of "
                         f"shape {tuple(x.shape)}")
    event_dims = tuple(range(decoded.ndim - x.ndim + 1, decoded.ndim))  # all but the batch
    if likelihood == "bernoulli":
        functional = _package(decoded).nn.functional
        # NOTE: written on logits, -BCE(sigmoid(l), x) = x l - softplus(l); with_logits
        # never takes log(0), so the bound stays finite for confident decoders.
        per_pixel = -functional.binary_cross_entropy_with_logits(
            decoded, x.expand_as(decoded) if decoded.ndim > x.ndim else x, reduction="none")
    else:
        if isinstance(decoder_logvar, (int, float)):
            variance = math.exp(decoder_logvar)
            per_pixel = ((x - decoded) ** 2 / variance + decoder_logvar + LOG_2PI) * -0.5
        else:
            per_pixel = ((x - decoded) ** 2 / decoder_logvar.exp() + decoder_logvar
                         + LOG_2PI) * -0.5
    return per_pixel.sum(dim=event_dims)


def _reduce(values: Any, reduction: str) -> Any:
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    if reduction == "none":
        return values
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', received {reduction!r}")


def elbo(x: Any, decoded: Any, mu: Any, logvar: Any, likelihood: str = "bernoulli",
         reduction: str = "mean", decoder_logvar: Any = 0.0) -> Any:
    """The evidence lower bound ``log p(x | z) - KL(q(z | x) || N(0, I))``, in nats.

    One-sample Monte Carlo estimate of the reconstruction term (``decoded`` is the decoder's
    output at ``z = reparameterize(mu, logvar)``) plus the exact KL of :func:`gaussian_kl`.
    The loss to minimise is ``-elbo``; with a Bernoulli decoder and ``reduction="sum"`` it
    is PyTorch's VAE example's ``BCE + KLD``.

    Parameters
    ----------
    x : Tensor of shape (N, *event_shape)
        A batch of data (pixels in [0, 1] for the Bernoulli decoder).
    decoded : Tensor of shape (N, *event_shape)
        The decoder's logits (Bernoulli) or means (Gaussian).
    mu, logvar : Tensor of shape (N, latent_dim)
        The encoder's output.
    likelihood : {"bernoulli", "gaussian"}, default="bernoulli"
        See :func:`log_likelihood`.
    reduction : {"mean", "sum", "none"}, default="mean"
        Mean over the batch (nats per sample), sum, or one value per sample.
    decoder_logvar : float or Tensor, default=0.0
        Log-variance of the Gaussian decoder.

    Returns
    -------
    Tensor
        A scalar, or shape (N,) for ``reduction="none"``.

    Examples
    --------
    >>> import glassbox as gb
    >>> x = gb.tensor([[1.0, 0.0]])
    >>> round(elbo(x, gb.zeros(1, 2), gb.zeros(1, 3), gb.zeros(1, 3)).item(), 6)
    -1.386294
    """
    _check_latent(mu, logvar)
    if mu.shape[0] != x.shape[0]:
        raise ValueError(f"mu must hold one row per sample of x ({x.shape[0]}), received mu of "
                         f"shape {tuple(mu.shape)}")
    values = log_likelihood(x, decoded, likelihood, decoder_logvar) - gaussian_kl(mu, logvar)
    return _reduce(values, reduction)


def log_importance_weights(model: Any, x: Any, k: int, likelihood: str = "bernoulli",
                           noise: Any = None, decoder_logvar: Any = 0.0) -> Any:
    """``log w_k = log p(x | z_k) + log p(z_k) - log q(z_k | x)`` for K draws per sample.

    Parameters
    ----------
    model : module with ``encode(x) -> (mu, logvar)`` and ``decode(z) -> decoded``
        A VAE of :mod:`glassbox.models` (either engine) or any model with those methods.
    x : Tensor of shape (N, *event_shape)
    k : int
        Number of draws ``z_k ~ q(z | x)`` per sample.
    likelihood : {"bernoulli", "gaussian"}, default="bernoulli"
    noise : Tensor of shape (k, N, latent_dim), optional
        The standard normal draws (from the global generator when None).
    decoder_logvar : float or Tensor, default=0.0

    Returns
    -------
    Tensor of shape (k, N)

    Examples
    --------
    >>> import glassbox as gb
    >>> from glassbox.models import vae_mlp
    >>> _ = gb.manual_seed(0)
    >>> model = vae_mlp(input_dim=4, hidden_dim=8, latent_dim=2)
    >>> log_importance_weights(model, gb.tensor([[0.0, 1.0, 1.0, 0.0]]), k=3).shape
    glassbox.Size([3, 1])
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer (samples per input), received k={k!r}")
    _check_images(x, likelihood)
    mu, logvar = model.encode(x)  # (N, latent_dim) each
    if noise is None:
        noise = _package(mu).randn(k, *mu.shape, dtype=mu.dtype)
    elif tuple(noise.shape) != (k, *mu.shape):
        raise ValueError(f"noise must have shape (k, N, latent_dim) = {(k, *tuple(mu.shape))}, "
                         f"received {tuple(noise.shape)}")
    z = reparameterize(mu, logvar, noise)                  # (k, N, latent_dim)
    decoded = model.decode(z.reshape(-1, z.shape[-1]))     # (k * N, *event_shape)
    decoded = decoded.reshape(k, *x.shape)                 # (k, N, *event_shape)
    return (log_likelihood(x, decoded, likelihood, decoder_logvar)
            + log_normal(z) - log_normal(z, mu, logvar))


def iwae_bound(model: Any, x: Any, k: int = 5, likelihood: str = "bernoulli",
               reduction: str = "mean", noise: Any = None, decoder_logvar: Any = 0.0) -> Any:
    """The importance-weighted bound ``log (1/K) sum_k p(x, z_k) / q(z_k | x)`` (IWAE).

    ``E[log mean_k w_k] <= log E[mean_k w_k] = log p(x)`` by Jensen; K = 1 is the ELBO
    (with a sampled KL), and the bound tightens as K grows (Burda et al., 2016).

    Parameters
    ----------
    model : module with ``encode`` and ``decode``
    x : Tensor of shape (N, *event_shape)
    k : int, default=5
    likelihood : {"bernoulli", "gaussian"}, default="bernoulli"
    reduction : {"mean", "sum", "none"}, default="mean"
    noise : Tensor of shape (k, N, latent_dim), optional
    decoder_logvar : float or Tensor, default=0.0

    Returns
    -------
    Tensor
        A scalar in nats, or shape (N,) for ``reduction="none"``.

    Examples
    --------
    >>> import glassbox as gb
    >>> from glassbox.models import vae_mlp
    >>> _ = gb.manual_seed(0)
    >>> model = vae_mlp(input_dim=4, hidden_dim=8, latent_dim=2)
    >>> x = gb.tensor([[0.0, 1.0, 1.0, 0.0]])
    >>> bool(iwae_bound(model, x, k=50) <= 0)
    True
    """
    log_w = log_importance_weights(model, x, k, likelihood, noise, decoder_logvar)  # (k, N)
    return _reduce(logsumexp(log_w, dim=0) - math.log(k), reduction)


def renyi_bound(model: Any, x: Any, k: int = 5, alpha: float = 0.5,
                likelihood: str = "bernoulli", reduction: str = "mean", noise: Any = None,
                decoder_logvar: Any = 0.0) -> Any:
    """The variational Rényi bound ``1/(1 - alpha) log (1/K) sum_k w_k^(1 - alpha)``.

    Li and Turner (2016): for alpha >= 0 a family of bounds between the ELBO (alpha -> 1,
    where the limit is the mean of ``log w_k``) and the IWAE bound (alpha = 0); alpha
    in (0, 1) trades the ELBO's mode-seeking for IWAE's mass-covering.

    Parameters
    ----------
    model : module with ``encode`` and ``decode``
    x : Tensor of shape (N, *event_shape)
    k : int, default=5
    alpha : float, default=0.5
        The order; ``alpha=1`` is taken as its limit (the K-sample ELBO estimate).
    likelihood, reduction, noise, decoder_logvar
        As in :func:`iwae_bound`.

    Examples
    --------
    >>> import glassbox as gb
    >>> from glassbox.models import vae_mlp
    >>> _ = gb.manual_seed(0)
    >>> model = vae_mlp(input_dim=4, hidden_dim=8, latent_dim=2)
    >>> x = gb.tensor([[0.0, 1.0, 1.0, 0.0]])
    >>> noise = gb.randn(5, 1, 2)
    >>> bool(renyi_bound(model, x, k=5, alpha=0.0, noise=noise)
    ...      == iwae_bound(model, x, k=5, noise=noise))
    True
    """
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha < 0 \
            or not math.isfinite(alpha):
        raise ValueError(f"alpha must be a finite number >= 0 (alpha=0 is IWAE, alpha -> 1 the "
                         f"ELBO), received alpha={alpha!r}")
    log_w = log_importance_weights(model, x, k, likelihood, noise, decoder_logvar)  # (k, N)
    if alpha == 1:
        return _reduce(log_w.mean(dim=0), reduction)
    scaled = log_w * (1 - alpha)
    return _reduce((logsumexp(scaled, dim=0) - math.log(k)) / (1 - alpha), reduction)


def log_likelihood_estimate(model: Any, x: Any, k: int = 1000, likelihood: str = "bernoulli",
                            chunk_size: int = 100, decoder_logvar: Any = 0.0) -> Any:
    """An importance-sampling estimate of ``log p(x)`` for each sample: the IWAE bound with a
    large K, computed without a graph, K draws at a time in chunks.

    ``log p(x) ~ logsumexp_k(log w_k) - log K`` with ``z_k ~ q(z | x)``: the proposal is
    the encoder's posterior, the usual test log-likelihood of VAEs (Rezende et al., 2014;
    Burda et al., 2016). It is a stochastic lower bound that rises towards log p(x) with K.

    Parameters
    ----------
    model : module with ``encode`` and ``decode``
    x : Tensor of shape (N, *event_shape)
    k : int, default=1000
    likelihood : {"bernoulli", "gaussian"}, default="bernoulli"
    chunk_size : int, default=100
        Draws decoded at once (memory: chunk_size * N decoded images).
    decoder_logvar : float or Tensor, default=0.0

    Returns
    -------
    Tensor of shape (N,)
        In nats; ``-mean`` is the negative log-likelihood usually reported.

    Examples
    --------
    >>> import glassbox as gb
    >>> from glassbox.models import vae_mlp
    >>> _ = gb.manual_seed(0)
    >>> model = vae_mlp(input_dim=4, hidden_dim=8, latent_dim=2)
    >>> log_px = log_likelihood_estimate(model, gb.tensor([[0.0, 1.0, 1.0, 0.0]]), k=200)
    >>> log_px.shape
    glassbox.Size([1])
    """
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive integer, received {chunk_size!r}")
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer (samples per input), received k={k!r}")
    package = _package(x)
    with package.no_grad():
        chunks = [log_importance_weights(model, x, min(chunk_size, k - start), likelihood,
                                         decoder_logvar=decoder_logvar)
                  for start in range(0, k, chunk_size)]
        log_w = package.cat(chunks, dim=0)  # (k, N)
        return logsumexp(log_w, dim=0) - math.log(k)
