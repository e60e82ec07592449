"""The GAN models compute the same function and gradients on both engines."""

import numpy as np
import pytest
import torch

import glassbox as gb
import glassbox.nn as gnn
from glassbox import models
from parity import helper_test_module

CASES = [  # (builder, options, input shape)
    ("mlp_generator", {"latent_dim": 16, "hidden": 32}, (4, 16)),
    ("mlp_discriminator", {"hidden": 32}, (4, 1, 28, 28)),
    ("dcgan_generator", {"latent_dim": 12, "base": 4}, (4, 12)),
    ("dcgan_discriminator", {"base": 4}, (4, 1, 28, 28)),
    ("wgan_gp_critic", {"base": 4}, (4, 1, 28, 28)),
    ("dcgan_discriminator", {"base": 4, "depth": 3}, (4, 1, 28, 28)),
    ("wgan_gp_critic", {"base": 4, "depth": 3}, (4, 1, 28, 28)),
]


IDS = [name + (f"-depth{options['depth']}" if "depth" in options else "")
       for name, options, _ in CASES]


@pytest.mark.parametrize("name, options, shape", CASES, ids=IDS)
def test_same_outputs_and_gradients_after_a_state_dict_copy(name, options, shape):
    build = getattr(models, name)
    gb.manual_seed(0)
    ours, theirs = build(nn=gnn, **options), build(nn=torch.nn, **options)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    helper_test_module(ours, theirs, [shape])


def test_shapes_and_the_critic_has_no_batch_norm():
    generator = models.dcgan_generator(base=4)
    images = generator(gb.randn(3, 100))
    assert images.shape == (3, 1, 28, 28)
    assert np.abs(images.numpy()).max() <= 1  # tanh output
    assert models.dcgan_discriminator(base=4)(images).shape == (3, 1)
    kinds = {type(m).__name__ for m in models.wgan_gp_critic(base=4).modules()}
    assert "BatchNorm2d" not in kinds and "Conv2d" in kinds
    assert "BatchNorm2d" in {type(m).__name__ for m in models.dcgan_discriminator().modules()}
    for build in (models.dcgan_discriminator, models.wgan_gp_critic):
        deeper = build(base=4, depth=3)
        assert deeper(images).shape == (3, 1)
        convolutions = [m for m in deeper.modules() if type(m).__name__ == "Conv2d"]
        assert [c.out_channels for c in convolutions] == [4, 8, 16, 1]
        assert convolutions[-1].kernel_size == (4, 4)
        # depth 2 keeps the layout of earlier checkpoints
        assert list(build(base=4, depth=2).state_dict()) == list(build(base=4).state_dict())


def test_dcgan_initialisation_draws_normal_weights_on_both_engines():
    for nn in (gnn, torch.nn):
        generator = models.dcgan_generator(nn=nn, base=32)
        weight = np.asarray(generator[1].weight.detach().numpy())
        assert abs(weight.std() - 0.02) < 0.002 and abs(weight.mean()) < 0.002
        scale = np.asarray(generator[2].weight.detach().numpy())
        assert abs(scale.mean() - 1) < 0.01


def test_bad_sizes_are_value_errors():
    with pytest.raises(ValueError, match="latent_dim must be a positive integer"):
        models.dcgan_generator(latent_dim=0)
    with pytest.raises(ValueError, match="base must be a positive integer"):
        models.wgan_gp_critic(base=-2)
    with pytest.raises(ValueError, match="depth: expected 2 .* or 3 .*, received depth=4"):
        models.dcgan_discriminator(depth=4)
