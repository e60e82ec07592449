"""The MLP autoencoders are the same on both engines (parity helper, both directions)."""

import pytest
import torch

import glassbox as gb
import glassbox.nn as gnn
from glassbox.models import autoencoder
from parity import helper_test_module


@pytest.mark.parametrize("options", [
    {"input_dim": 12, "latent_dim": 3},
    {"input_dim": 12, "latent_dim": 3, "hidden": (8, 5), "activation": "tanh",
     "output_activation": "sigmoid"},
    {"input_dim": 12, "latent_dim": 2, "hidden": (6,), "activation": "relu"},
], ids=["linear", "deep-tanh-sigmoid", "deep-relu"])
def test_same_outputs_and_gradients_on_both_engines(options):
    gb.manual_seed(0)
    helper_test_module(autoencoder(nn=gnn, **options), autoencoder(nn=torch.nn, **options),
                       [(4, options["input_dim"])])


def test_linear_autoencoder_is_two_linear_maps_and_the_deep_one_mirrors_its_encoder():
    linear = autoencoder(nn=torch.nn, input_dim=784, latent_dim=10)
    assert [type(m).__name__ for m in linear.encoder] == ["Linear"]
    assert [type(m).__name__ for m in linear.decoder] == ["Linear"]
    deep = autoencoder(input_dim=784, latent_dim=10, hidden=(256, 64))
    sizes = [(m.in_features, m.out_features) for m in deep.modules()
             if type(m).__name__ == "Linear"]
    assert sizes == [(784, 256), (256, 64), (64, 10), (10, 64), (64, 256), (256, 784)]
    x = gb.randn(3, 784)
    assert (deep.decode(deep.encode(x)).numpy() == deep(x).numpy()).all()


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="activation must be 'relu', 'tanh' or None"):
        autoencoder(activation="gelu")
    with pytest.raises(ValueError, match="output_activation must be 'sigmoid' or None"):
        autoencoder(output_activation="softmax")
    with pytest.raises(ValueError, match="hidden must be a positive integer"):
        autoencoder(hidden=(0,))
    with pytest.raises(ValueError, match=r"latent_dim=10, received a code of shape \(2, 3\)"):
        autoencoder().decode(gb.zeros(2, 3))
