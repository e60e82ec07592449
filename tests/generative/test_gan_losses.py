"""The GAN losses, the gradient penalty, clipping and the label tricks, against torch."""

import numpy as np
import pytest
import torch

import glassbox as gb
import glassbox.nn as gnn
from glassbox.generative import (
    clip_weights,
    discriminator_loss,
    generator_loss,
    gradient_penalty,
    noisy_labels,
    soft_labels,
    wasserstein_estimate,
)
from parity import assert_close, helper_test_op

KINDS = ("minimax", "non_saturating", "wasserstein")


@pytest.mark.parametrize("kind", KINDS)
def test_discriminator_loss_matches_torch(kind):
    helper_test_op([(8, 1), (6, 1)], lambda r, f: discriminator_loss(r, f, kind),
                   low=-6, high=6)


@pytest.mark.parametrize("kind", KINDS)
def test_generator_loss_matches_torch(kind):
    helper_test_op([(8, 1)], lambda f: generator_loss(f, kind), low=-6, high=6)


def test_discriminator_loss_with_soft_and_noisy_targets_matches_torch():
    # targets as tensors (what soft_labels / noisy_labels return), differentiated too
    helper_test_op([(8, 1), (8, 1), (8, 1)],
                   lambda r, f, t: discriminator_loss(r, f, real_target=t, fake_target=1 - t),
                   low=0.05, high=0.95)


def test_the_losses_are_the_formulas_of_the_course():
    rng = np.random.default_rng(1)
    real, fake = rng.normal(size=(5, 1)), rng.normal(size=(7, 1))
    d_real, d_fake = 1 / (1 + np.exp(-real)), 1 / (1 + np.exp(-fake))
    value = np.log(d_real).mean() + np.log(1 - d_fake).mean()  # the game's value V(D, G)
    assert discriminator_loss(gb.tensor(real), gb.tensor(fake), "minimax").item() \
        == pytest.approx(-value, rel=1e-12)
    assert generator_loss(gb.tensor(fake), "minimax").item() \
        == pytest.approx(np.log(1 - d_fake).mean(), rel=1e-12)
    assert generator_loss(gb.tensor(fake), "non_saturating").item() \
        == pytest.approx(-np.log(d_fake).mean(), rel=1e-12)
    assert wasserstein_estimate(gb.tensor(real), gb.tensor(fake)) \
        == pytest.approx(real.mean() - fake.mean(), rel=1e-12)


def test_minimax_generator_saturates_when_the_discriminator_wins():
    # D(G(z)) = sigmoid(-8): the minimax gradient is D(G(z)) / m, the other 1 - D(G(z)) / m
    grads = {}
    for kind in ("minimax", "non_saturating"):
        logits = gb.full((4, 1), -8.0, dtype=gb.float64).requires_grad_()
        generator_loss(logits, kind).backward()
        grads[kind] = np.abs(logits.grad.numpy()).sum()
    assert grads["minimax"] == pytest.approx(1 / (1 + np.exp(8)), rel=1e-9)
    assert grads["non_saturating"] == pytest.approx(1 - 1 / (1 + np.exp(8)), rel=1e-9)


def test_bad_kind_is_a_clear_value_error():
    with pytest.raises(ValueError, match="kind must be one of"):
        generator_loss(gb.zeros(2, 1), "hinge")
    with pytest.raises(ValueError, match="kind must be one of"):
        discriminator_loss(gb.zeros(2, 1), gb.zeros(2, 1), "least_squares")


# ---------------------------------------------------------------------- gradient penalty
def _linear_critic(nn):
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 8), nn.Tanh(), nn.Linear(8, 1))


def _conv_critic(nn):
    return nn.Sequential(nn.Conv2d(1, 3, 3, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(3, 4, 3, 1, 1),
                         nn.Tanh(), nn.Flatten(), nn.Linear(4 * 4 * 4, 1))


@pytest.mark.parametrize("build, shape", [(_linear_critic, (5, 1, 3, 4)),
                                          (_conv_critic, (5, 1, 8, 8))],
                         ids=["linear", "conv"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gradient_penalty_and_its_second_order_gradient_match_torch(build, shape, dtype):
    rtol, atol = {"float64": (1e-7, 1e-10), "float32": (1e-4, 1e-5)}[dtype]
    gb.manual_seed(0)
    ours = build(gnn).to(np.dtype(dtype))
    theirs = build(torch.nn).to(getattr(torch, dtype))
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.numpy()))
                            for k, v in ours.state_dict().items()})
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=shape).astype(dtype), rng.normal(size=shape).astype(dtype)
    epsilon = rng.random(shape[0]).astype(dtype)
    # the reference: WGAN-GP's own code, written out in torch
    alpha = torch.tensor(epsilon).reshape(-1, 1, 1, 1)
    x_hat = (alpha * torch.tensor(real) + (1 - alpha) * torch.tensor(fake)).requires_grad_()
    (g,) = torch.autograd.grad(theirs(x_hat).sum(), x_hat, create_graph=True)
    expected = 10.0 * ((g.reshape(len(g), -1).norm(2, dim=1) - 1) ** 2).mean()
    expected.backward()
    penalty = gradient_penalty(ours, gb.tensor(real), gb.tensor(fake), 10.0,
                               epsilon=gb.tensor(epsilon))
    assert_close(penalty, expected, rtol, atol, "penalty")
    penalty.backward()  # backward through autograd.grad's graph: second derivatives
    their_params = dict(theirs.named_parameters())
    for name, parameter in ours.named_parameters():
        reference = their_params[name].grad
        if parameter.grad is None:  # glassbox: no path; torch may give explicit zeros
            assert reference is None or not reference.abs().max(), name
            continue
        assert_close(parameter.grad, reference, rtol, atol, f"d penalty / d {name}")


def test_gradient_penalty_is_the_same_function_on_both_engines():
    # the same module function, the same seed: gradient_penalty draws epsilon from
    # glassbox's generator on both engines
    gb.manual_seed(3)
    ours = _linear_critic(gnn).double()
    theirs = _linear_critic(torch.nn).double()
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.numpy()))
                            for k, v in ours.state_dict().items()})
    real, fake = np.random.default_rng(0).normal(size=(2, 6, 1, 3, 4))
    gb.manual_seed(7)
    mine = gradient_penalty(ours, gb.tensor(real), gb.tensor(fake), 2.5)
    gb.manual_seed(7)
    reference = gradient_penalty(theirs, torch.tensor(real), torch.tensor(fake), 2.5)
    assert_close(mine, reference, 1e-10, 1e-12, "penalty")
    assert mine.item() > 0


def test_gradient_penalty_rejects_negative_weights_and_mismatched_batches():
    critic = _linear_critic(gnn)
    with pytest.raises(ValueError, match="weight must be a number >= 0.*weight=-1"):
        gradient_penalty(critic, gb.zeros(2, 1, 3, 4), gb.zeros(2, 1, 3, 4), weight=-1.0)
    with pytest.raises(ValueError, match="same shape"):
        gradient_penalty(critic, gb.zeros(2, 1, 3, 4), gb.zeros(3, 1, 3, 4))


# ---------------------------------------------------------------------- clipping, labels
def test_clip_weights_equals_torch_clamp():
    gb.manual_seed(0)
    ours = _conv_critic(gnn)
    theirs = _conv_critic(torch.nn)
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.numpy()))
                            for k, v in ours.state_dict().items()})
    clip_weights(ours, 0.05)
    clip_weights(theirs, 0.05)
    their_state = theirs.state_dict()
    for name, value in ours.state_dict().items():
        assert_close(value, their_state[name], 0, 0, name)
        assert np.abs(value.numpy()).max() <= 0.05
    with pytest.raises(ValueError, match="c must be a positive number.*c=0"):
        clip_weights(ours, 0)


def test_soft_labels_are_one_minus_smoothing():
    labels = soft_labels(torch.zeros(4, 1, dtype=torch.float64), 0.1)
    assert labels.dtype == torch.float64
    np.testing.assert_array_equal(labels.numpy(), np.full((4, 1), 0.9))
    with pytest.raises(ValueError, match="smoothing must be in"):
        soft_labels(gb.zeros(2), 1.0)


def test_noisy_labels_flip_the_drawn_fraction_and_agree_across_engines():
    labels = np.where(np.arange(4000) % 2 == 0, 0.9, 0.0)
    ours = noisy_labels(gb.tensor(labels), 0.2, np.random.default_rng(5)).numpy()
    theirs = noisy_labels(torch.tensor(labels), 0.2, np.random.default_rng(5)).numpy()
    np.testing.assert_array_equal(ours, theirs)
    flipped = ~np.isclose(ours, labels)
    np.testing.assert_allclose(ours[flipped], 1 - labels[flipped])
    assert 0.17 < flipped.mean() < 0.23
    with pytest.raises(ValueError, match="flip_prob must be in"):
        noisy_labels(gb.zeros(2), 1.5)
