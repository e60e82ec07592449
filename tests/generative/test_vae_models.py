"""The VAE models compute the same function and gradients on both engines.

The glassbox model's state dict is copied into the torch model (float64); with the same
input and the same noise, the encoder's outputs, the decoder's logits, the ELBO and the
gradient of every parameter agree; copying torch -> glassbox gives the same outputs again.
"""

import numpy as np
import pytest
import torch

import glassbox as gb
import glassbox.nn as gnn
from glassbox.generative import elbo, reparameterize
from glassbox.models import conv_vae, vae_mlp
from parity import assert_close

CASES = [  # (builder, options, input shape)
    (vae_mlp, {}, (3, 784)),
    (vae_mlp, {"latent_dim": 2}, (3, 1, 28, 28)),
    (conv_vae, {"latent_dim": 4}, (2, 1, 28, 28)),
]


def _to_torch(state):
    return {k: torch.from_numpy(np.array(v.numpy())) for k, v in state.items()}


def _loss(model, x, noise):
    mu, logvar = model.encode(x)
    logits = model.decode(reparameterize(mu, logvar, noise))
    target = x.reshape(logits.shape)
    return elbo(target, logits, mu, logvar, reduction="sum"), (mu, logvar, logits)


@pytest.mark.parametrize("build, options, shape", CASES,
                         ids=["vae_mlp", "vae_mlp-2d", "conv_vae"])
def test_same_outputs_and_gradients_on_both_engines(build, options, shape):
    gb.manual_seed(0)
    ours = build(nn=gnn, **options).double()
    theirs = build(nn=torch.nn, **options).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs.load_state_dict(_to_torch(ours.state_dict()))
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, shape)
    noise = rng.standard_normal((shape[0], ours.latent_dim))
    loss_ours, outputs_ours = _loss(ours, gb.tensor(x), gb.tensor(noise))
    loss_theirs, outputs_theirs = _loss(theirs, torch.tensor(x), torch.tensor(noise))
    for name, mine, twin in zip(("mu", "logvar", "logits"), outputs_ours, outputs_theirs):
        assert_close(mine, twin, 1e-9, 1e-10, name)
    assert_close(loss_ours, loss_theirs, 1e-10, 1e-9, "ELBO")
    loss_ours.backward()
    loss_theirs.backward()
    grads = dict(theirs.named_parameters())
    for name, parameter in ours.named_parameters():
        expected = grads[name].grad
        assert_close(parameter.grad, expected, 1e-7,
                     1e-10 * max(1.0, float(expected.abs().max())), f"gradient of {name}")
    # torch -> glassbox
    with torch.no_grad():
        for parameter in theirs.parameters():
            parameter.uniform_(-0.1, 0.1)
    ours.load_state_dict(theirs.state_dict())
    with gb.no_grad():
        again_ours = ours.decode(ours.encode(gb.tensor(x))[0])
    with torch.no_grad():
        again_theirs = theirs.decode(theirs.encode(torch.tensor(x))[0])
    assert_close(again_ours, again_theirs, 1e-9, 1e-10, "logits after torch -> glassbox")


def test_forward_draws_from_the_posterior_and_sample_from_the_prior():
    gb.manual_seed(0)
    model = vae_mlp(latent_dim=2).double()
    x = gb.tensor(np.random.default_rng(2).uniform(0, 1, (2, 784)))
    mu, logvar = model.encode(x)
    gb.manual_seed(5)
    logits, mu_f, logvar_f = model(x)
    gb.manual_seed(5)
    expected = model.decode(reparameterize(mu, logvar))  # the same draw of eps
    np.testing.assert_array_equal(logits.numpy(), expected.numpy())
    np.testing.assert_array_equal(mu_f.numpy(), mu.numpy())
    images = model.sample(5)
    assert images.shape == (5, 784)
    assert 0 < images.numpy().min() and images.numpy().max() < 1


def test_pytorch_example_layout():
    model = vae_mlp(nn=torch.nn)
    shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert shapes == {"fc1.weight": (400, 784), "fc1.bias": (400,),
                      "fc21.weight": (20, 400), "fc21.bias": (20,),
                      "fc22.weight": (20, 400), "fc22.bias": (20,),
                      "fc3.weight": (400, 20), "fc3.bias": (400,),
                      "fc4.weight": (784, 400), "fc4.bias": (784,)}


def test_bad_shapes_and_arguments_are_clear_errors():
    model = conv_vae(latent_dim=4)
    with pytest.raises(ValueError, match=r"\(N, C, 28, 28\), received \(2, 784\)"):
        model.encode(gb.zeros(2, 784))
    with pytest.raises(ValueError, match=r"latent_dim=4\), received z of shape \(2, 20\)"):
        model.decode(gb.zeros(2, 20))
    with pytest.raises(ValueError, match="expects 784 values per sample, received 100"):
        vae_mlp().encode(gb.zeros(2, 100))
    with pytest.raises(ValueError, match="latent_dim must be a positive integer"):
        vae_mlp(latent_dim=0)
    with pytest.raises(TypeError, match="nn must be a namespace"):
        conv_vae(nn=np)
