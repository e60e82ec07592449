"""The VAE objectives equal their torch twins written from torch.distributions, in float64.

Every objective is compared value by value and gradient by gradient: the glassbox function
on glassbox tensors against an independent torch formula on torch tensors (the
distributions' ``log_prob``, ``kl_divergence``, ``torch.logsumexp``), with the same weights
and the same noise; the same glassbox function on torch tensors is compared too (it is
written for both engines).
"""

import math

import numpy as np
import pytest
import torch
from torch.distributions import Normal, kl_divergence

import glassbox as gb
import glassbox.nn as gnn
from glassbox.generative import (
    elbo,
    gaussian_kl,
    iwae_bound,
    log_likelihood_estimate,
    log_normal,
    renyi_bound,
    reparameterize,
)
from glassbox.models import vae_mlp
from parity import assert_close, helper_test_op

F64 = ("float64",)


def _torch_kl(mu, logvar):
    std = (0.5 * logvar).exp()
    return kl_divergence(Normal(mu, std), Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1)


def _torch_bernoulli(x, logits):
    # PyTorch's VAE example: BCE of the sigmoid's probabilities against the pixels
    p, x = torch.broadcast_tensors(torch.sigmoid(logits), x)
    return -torch.nn.functional.binary_cross_entropy(p, x, reduction="none").sum(-1)


def test_gaussian_kl_equals_torch_distributions():
    helper_test_op([(5, 4), (5, 4)], _torch_kl, gaussian_kl, dtypes=F64)


def test_log_normal_equals_torch_distributions():
    helper_test_op([(6, 3), (6, 3), (6, 3)],
                   lambda z, mu, lv: Normal(mu, (0.5 * lv).exp()).log_prob(z).sum(-1),
                   log_normal, dtypes=F64)
    helper_test_op([(6, 3)], lambda z: Normal(0.0, 1.0).log_prob(z).sum(-1), log_normal,
                   dtypes=F64)


def test_reparameterize_is_mu_plus_sigma_eps_with_its_gradients():
    helper_test_op([(4, 3), (4, 3), (4, 3)],
                   lambda mu, lv, eps: mu + torch.exp(0.5 * lv) * eps,
                   lambda mu, lv, eps: reparameterize(mu, lv, noise=eps), dtypes=F64)
    # without noise: drawn from the global generator, so the sample has mean mu, std sigma
    gb.manual_seed(0)
    z = reparameterize(gb.full((20000, 2), 3.0), gb.full((20000, 2), math.log(4.0)))
    np.testing.assert_allclose(z.numpy().mean(0), [3.0, 3.0], atol=0.05)
    np.testing.assert_allclose(z.numpy().std(0), [2.0, 2.0], rtol=0.02)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_bernoulli_elbo_is_the_pytorch_example_loss(reduction):
    def reference(x, logits, mu, logvar):
        values = _torch_bernoulli(x, logits) - _torch_kl(mu, logvar)
        return {"none": values, "mean": values.mean(), "sum": values.sum()}[reduction]

    rng = np.random.default_rng(0)
    values = [rng.uniform(0, 1, (5, 7)), rng.uniform(-3, 3, (5, 7)), rng.normal(size=(5, 3)),
              rng.normal(size=(5, 3))]
    helper_test_op(None, reference, lambda *a: elbo(*a, reduction=reduction), values=values,
                   requires_grad=[False, True, True, True], dtypes=F64)
    # the same glassbox function on torch tensors gives torch's value and gradients
    tensors = [torch.tensor(v, requires_grad=i > 0) for i, v in enumerate(values)]
    twins = [torch.tensor(v, requires_grad=i > 0) for i, v in enumerate(values)]
    ours, theirs = elbo(*tensors, reduction=reduction), reference(*twins)
    torch.testing.assert_close(ours, theirs, rtol=1e-12, atol=1e-12)
    ours.sum().backward()
    theirs.sum().backward()
    for mine, twin in zip(tensors[1:], twins[1:]):
        torch.testing.assert_close(mine.grad, twin.grad, rtol=1e-12, atol=1e-12)


def test_gaussian_elbo_equals_torch_normal_log_prob():
    def reference(x, mean, mu, logvar, decoder_logvar):
        log_px = Normal(mean, (0.5 * decoder_logvar).exp()).log_prob(x).sum(-1)
        return log_px - _torch_kl(mu, logvar)

    helper_test_op([(4, 6), (4, 6), (4, 2), (4, 2), (4, 6)], reference,
                   lambda x, m, mu, lv, dlv: elbo(x, m, mu, lv, "gaussian", "none", dlv),
                   requires_grad=[True, True, True, True, True], dtypes=F64)
    # a fixed float variance is the same as the tensor of that value
    helper_test_op([(4, 6), (4, 6), (4, 2), (4, 2)],
                   lambda x, m, mu, lv: reference(x, m, mu, lv, torch.full_like(x, -0.7)),
                   lambda x, m, mu, lv: elbo(x, m, mu, lv, "gaussian", "none", -0.7),
                   dtypes=F64)


def _twin_models(input_dim=6, hidden_dim=5, latent_dim=3, seed=0):
    gb.manual_seed(seed)
    ours = vae_mlp(nn=gnn, input_dim=input_dim, hidden_dim=hidden_dim,
                   latent_dim=latent_dim).double()
    theirs = vae_mlp(nn=torch.nn, input_dim=input_dim, hidden_dim=hidden_dim,
                     latent_dim=latent_dim).double()
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.numpy()))
                            for k, v in ours.state_dict().items()})
    return ours, theirs


def _torch_log_weights(model, x, noise):
    mu, logvar = model.encode(x)
    std = (0.5 * logvar).exp()
    z = mu + std * noise                                        # (k, N, latent)
    logits = model.decode(z.reshape(-1, z.shape[-1])).reshape(noise.shape[0], *x.shape)
    return (_torch_bernoulli(x, logits) + Normal(0.0, 1.0).log_prob(z).sum(-1)
            - Normal(mu, std).log_prob(z).sum(-1))


def _torch_iwae(model, x, noise):
    log_w = _torch_log_weights(model, x, noise)
    return (torch.logsumexp(log_w, 0) - math.log(noise.shape[0])).mean()


def _torch_renyi(model, x, noise, alpha):
    log_w = _torch_log_weights(model, x, noise)
    if alpha == 1:
        return log_w.mean()
    k = noise.shape[0]
    return ((torch.logsumexp((1 - alpha) * log_w, 0) - math.log(k)) / (1 - alpha)).mean()


def _compare_model_gradients(ours, theirs, rtol=1e-7, atol=1e-10):
    grads = dict(theirs.named_parameters())
    for name, parameter in ours.named_parameters():
        assert_close(parameter.grad, grads[name].grad, rtol, atol, f"gradient of {name}")


def _bound_case(bound_ours, bound_theirs, k=7, n=4):
    ours, theirs = _twin_models()
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, (n, 6))
    noise = rng.standard_normal((k, n, 3))
    value = bound_ours(ours, gb.tensor(x), gb.tensor(noise))
    expected = bound_theirs(theirs, torch.tensor(x), torch.tensor(noise))
    assert_close(value, expected, 1e-10, 1e-12, "bound")
    value.backward()
    expected.backward()
    _compare_model_gradients(ours, theirs)
    # the same glassbox function on the torch model and torch tensors
    theirs.zero_grad()
    on_torch = bound_ours(theirs, torch.tensor(x), torch.tensor(noise))
    torch.testing.assert_close(on_torch, expected.detach(), rtol=1e-12, atol=1e-12)
    return value


def test_iwae_bound_and_gradients_equal_torch():
    _bound_case(lambda m, x, e: iwae_bound(m, x, k=7, noise=e),
                lambda m, x, e: _torch_iwae(m, x, e))


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0, 2.0])
def test_renyi_bound_and_gradients_equal_torch(alpha):
    _bound_case(lambda m, x, e: renyi_bound(m, x, k=7, alpha=alpha, noise=e),
                lambda m, x, e: _torch_renyi(m, x, e, alpha))


def test_renyi_limits_are_the_elbo_and_the_iwae_bound():
    ours, _ = _twin_models()
    rng = np.random.default_rng(5)
    x = gb.tensor(rng.uniform(0, 1, (4, 6)))
    noise = gb.tensor(rng.standard_normal((9, 4, 3)))
    iwae = iwae_bound(ours, x, k=9, noise=noise).item()
    assert renyi_bound(ours, x, k=9, alpha=0.0, noise=noise).item() == pytest.approx(iwae,
                                                                                    rel=1e-12)
    at_one = renyi_bound(ours, x, k=9, alpha=1.0, noise=noise).item()
    near_one = renyi_bound(ours, x, k=9, alpha=1 - 1e-7, noise=noise).item()
    assert near_one == pytest.approx(at_one, abs=1e-5)
    # ordered in alpha (Li and Turner, 2016, theorem 1): ELBO <= VR(0.5) <= IWAE
    half = renyi_bound(ours, x, k=9, alpha=0.5, noise=noise).item()
    assert at_one < half < iwae


def test_one_sample_iwae_averages_to_the_analytic_elbo():
    # E_q[log p(x|z) + log p(z) - log q(z|x)] = E_q[log p(x|z)] - KL: the analytic-KL ELBO
    ours, _ = _twin_models()
    x = gb.tensor(np.random.default_rng(6).uniform(0, 1, (3, 6)))
    gb.manual_seed(1)
    noise = gb.randn(20000, 3, 3, dtype=gb.float64)
    mean_log_w = renyi_bound(ours, x, k=20000, alpha=1.0, noise=noise).item()
    mu, logvar = ours.encode(x)
    z = reparameterize(mu, logvar, noise).reshape(-1, 3)
    decoded = ours.decode(z).reshape(20000, 3, 6)
    analytic = (elbo(x.expand(20000, 3, 6).reshape(-1, 6), decoded.reshape(-1, 6),
                     mu.expand(20000, 3, 3).reshape(-1, 3),
                     logvar.expand(20000, 3, 3).reshape(-1, 3))).item()
    assert mean_log_w == pytest.approx(analytic, abs=0.02)


def test_log_likelihood_estimate_matches_numerical_integration():
    # A 1-D latent: log p(x) = log ∫ p(x|z) N(z; 0, 1) dz by the trapezoid rule on a fine grid.
    ours, theirs = _twin_models(input_dim=5, hidden_dim=8, latent_dim=1, seed=2)
    x = np.random.default_rng(7).integers(0, 2, (3, 5)).astype(np.float64)
    grid = np.linspace(-9, 9, 20001)
    with torch.no_grad():
        logits = theirs.decode(torch.tensor(grid).reshape(-1, 1))          # (G, 5)
        log_px_z = _torch_bernoulli(torch.tensor(x)[:, None], logits[None]).numpy()  # (3, G)
    integrand = np.exp(log_px_z - 0.5 * grid**2 - 0.5 * math.log(2 * math.pi))
    exact = np.log(np.trapezoid(integrand, grid, axis=1))
    gb.manual_seed(0)
    estimate = log_likelihood_estimate(ours, gb.tensor(x), k=4000, chunk_size=1000).numpy()
    np.testing.assert_allclose(estimate, exact, atol=0.02)
    assert np.all(estimate <= exact + 0.02)
    # and above the ELBO on average (the bound the estimate tightens)
    mu, logvar = ours.encode(gb.tensor(x))
    assert np.all(exact >= (-gaussian_kl(mu, logvar)).numpy() + log_px_z.min(axis=1))


def test_bad_inputs_are_clear_errors():
    model, _ = _twin_models()
    x = gb.tensor(np.full((2, 6), 0.5))
    with pytest.raises(ValueError, match=r"Bernoulli decoder.*\[0, 1\].*received values in "
                                         r"\[0.5, 255\]"):
        elbo(gb.tensor([[0.5, 255.0]]), gb.zeros(1, 2), gb.zeros(1, 3), gb.zeros(1, 3))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        iwae_bound(model, x * -1.0, k=2)
    with pytest.raises(ValueError, match="mu and logvar must have the same shape"):
        gaussian_kl(gb.zeros(2, 3), gb.zeros(2, 4))
    with pytest.raises(ValueError, match="mu and logvar"):
        reparameterize(gb.zeros(2, 3), gb.zeros(3, 3))
    with pytest.raises(ValueError, match=r"latent_dim=3\), received z of shape \(2, 4\)"):
        model.decode(gb.zeros(2, 4, dtype=gb.float64))
    with pytest.raises(ValueError, match="one row per sample"):
        elbo(x, gb.zeros(2, 6), gb.zeros(3, 3), gb.zeros(3, 3))
    with pytest.raises(ValueError, match="decoded must have the shape of x"):
        elbo(x, gb.zeros(2, 5), gb.zeros(2, 3), gb.zeros(2, 3))
    with pytest.raises(ValueError, match="k must be a positive integer"):
        iwae_bound(model, x, k=0)
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0"):
        renyi_bound(model, x, alpha=-0.5)
    with pytest.raises(ValueError, match=r"noise must have shape \(k, N, latent_dim\)"):
        iwae_bound(model, x, k=2, noise=gb.zeros(3, 2, 3))
    with pytest.raises(ValueError, match="likelihood must be one of"):
        elbo(x, x, gb.zeros(2, 3), gb.zeros(2, 3), likelihood="poisson")
    with pytest.raises(ValueError, match="reduction must be"):
        elbo(x, x, gb.zeros(2, 3), gb.zeros(2, 3), reduction="max")
    # the Gaussian decoder accepts any real values
    assert np.isfinite(elbo(x * 300.0, x, gb.zeros(2, 3), gb.zeros(2, 3), "gaussian").item())
