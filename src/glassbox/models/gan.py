"""GAN generators, discriminators and critics for 28x28 images (MNIST), for both engines.

Every generator maps noise vectors ``(N, latent_dim)`` to images ``(N, 1, 28, 28)`` in
[-1, 1] (a tanh output: train on pixels scaled by ``2 x - 1``); every discriminator or
critic maps such images to one score per image, ``(N, 1)``: a logit (``D = sigmoid``) for
a GAN, a real number for a Wasserstein critic.

- :func:`mlp_generator` / :func:`mlp_discriminator`: the fully connected GAN of
  Goodfellow et al. (2014), with LeakyReLU hidden layers.
- :func:`dcgan_generator` / :func:`dcgan_discriminator`: DCGAN (Radford, Metz and
  Chintala, 2016) shrunk to 28x28: transposed convolutions to upsample, batch norm
  in both networks (not on the generator's output nor the discriminator's input),
  ReLU in the generator, LeakyReLU 0.2 in the discriminator, no pooling, weights drawn
  from N(0, 0.02).
- :func:`wgan_gp_critic`: the DCGAN discriminator *without batch norm*: the gradient
  penalty treats each sample on its own, and batch norm would make one sample's score
  depend on the others in its batch (Gulrajani et al., 2017).

=============================  =================  ====================================
layer (DCGAN generator)        output             notes
=============================  =================  ====================================
noise z                        (N, 100)
Unflatten                      (N, 100, 1, 1)
ConvTranspose2d 7x7            (N, 4b, 7, 7)      + BatchNorm2d + ReLU
ConvTranspose2d 4x4 / 2        (N, 2b, 14, 14)    + BatchNorm2d + ReLU
ConvTranspose2d 4x4 / 2        (N, 1, 28, 28)     + Tanh
=============================  =================  ====================================

The discriminator mirrors it: Conv2d 4x4/2 to (b, 14, 14), LeakyReLU; Conv2d 4x4/2 to
(2b, 7, 7), BatchNorm2d, LeakyReLU; Conv2d 7x7 to (1, 1, 1); Flatten. With ``depth=3``
one more Conv2d 3x3/2 to (4b, 4, 4), BatchNorm2d, LeakyReLU comes before a 4x4 scoring
convolution (the critic: the same without batch norm).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from glassbox.models._engine import check_positive_int, resolve_nn

__all__ = ["mlp_generator", "mlp_discriminator", "dcgan_generator", "dcgan_discriminator",
           "wgan_gp_critic", "dcgan_init_"]

IMAGE_SHAPE = (1, 28, 28)


def mlp_generator(nn: ModuleType | None = None, latent_dim: int = 64, hidden: int = 256):
    """A fully connected generator: z -> 2 hidden LeakyReLU(0.2) layers -> 784 -> tanh.

    Parameters
    ----------
    nn : module, default=glassbox.nn
        ``glassbox.nn`` or ``torch.nn``.
    latent_dim : int, default=64
        Size of the noise vector z.
    hidden : int, default=256
        Width of the first hidden layer (the second has twice as many units).

    Returns
    -------
    Sequential
        Input ``(N, latent_dim)``, output ``(N, 1, 28, 28)`` in [-1, 1].

    Examples
    --------
    >>> import torch
    >>> mlp_generator(nn=torch.nn)(torch.zeros(2, 64)).shape
    torch.Size([2, 1, 28, 28])
    """
    nn = resolve_nn(nn)
    check_positive_int(latent_dim=latent_dim, hidden=hidden)
    return nn.Sequential(
        nn.Linear(latent_dim, hidden), nn.LeakyReLU(0.2),
        nn.Linear(hidden, 2 * hidden), nn.LeakyReLU(0.2),
        nn.Linear(2 * hidden, 28 * 28), nn.Tanh(),
        nn.Unflatten(1, IMAGE_SHAPE),                     # (N, 784) -> (N, 1, 28, 28)
    )


def mlp_discriminator(nn: ModuleType | None = None, hidden: int = 256):
    """A fully connected discriminator: 784 -> 2 hidden LeakyReLU(0.2) layers -> 1 logit.

    Parameters
    ----------
    nn : module, default=glassbox.nn
    hidden : int, default=256
        Width of the second hidden layer (the first has twice as many units).

    Returns
    -------
    Sequential
        Input ``(N, 1, 28, 28)``, output ``(N, 1)`` logits.

    Examples
    --------
    >>> import torch
    >>> mlp_discriminator(nn=torch.nn)(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 1])
    """
    nn = resolve_nn(nn)
    check_positive_int(hidden=hidden)
    return nn.Sequential(
        nn.Flatten(),                                     # (N, 784)
        nn.Linear(28 * 28, 2 * hidden), nn.LeakyReLU(0.2),
        nn.Linear(2 * hidden, hidden), nn.LeakyReLU(0.2),
        nn.Linear(hidden, 1),
    )


def dcgan_generator(nn: ModuleType | None = None, latent_dim: int = 100, base: int = 64,
                    init: bool = True):
    """DCGAN's generator for 28x28 images (see the module's table).

    Parameters
    ----------
    nn : module, default=glassbox.nn
    latent_dim : int, default=100
    base : int, default=64
        b, the channel width: 4b, 2b then 1 channel.
    init : bool, default=True
        Draw the weights as DCGAN does (:func:`dcgan_init_`) instead of the layers'
        defaults.

    Returns
    -------
    Sequential
        Input ``(N, latent_dim)``, output ``(N, 1, 28, 28)`` in [-1, 1].

    Examples
    --------
    >>> import torch
    >>> dcgan_generator(nn=torch.nn, base=8)(torch.zeros(2, 100)).shape
    torch.Size([2, 1, 28, 28])
    """
    nn = resolve_nn(nn)
    check_positive_int(latent_dim=latent_dim, base=base)
    model = nn.Sequential(
        nn.Unflatten(1, (latent_dim, 1, 1)),                                # (N, z, 1, 1)
        nn.ConvTranspose2d(latent_dim, 4 * base, 7, 1, 0, bias=False),     # (N, 4b, 7, 7)
        nn.BatchNorm2d(4 * base), nn.ReLU(),
        nn.ConvTranspose2d(4 * base, 2 * base, 4, 2, 1, bias=False),       # (N, 2b, 14, 14)
        nn.BatchNorm2d(2 * base), nn.ReLU(),
        nn.ConvTranspose2d(2 * base, 1, 4, 2, 1),                          # (N, 1, 28, 28)
        nn.Tanh(),
    )
    return dcgan_init_(model, nn) if init else model


def _convolutional_critic(nn: ModuleType, base: int, batch_norm: bool, depth: int = 2):
    # NOTE: the convolutions after the first have no bias when batch norm follows (its
    # mean subtraction would cancel it), as in DCGAN.
    if depth not in (2, 3):
        raise ValueError(f"depth: expected 2 (strided convolutions to 7x7) or 3 (to 4x4), "
                         f"received depth={depth!r}")

    def block(channels_in: int, channels_out: int, kernel: int) -> list[Any]:
        layers = [nn.Conv2d(channels_in, channels_out, kernel, 2, 1, bias=not batch_norm)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(channels_out))
        return [*layers, nn.LeakyReLU(0.2)]

    layers = [nn.Conv2d(1, base, 4, 2, 1), nn.LeakyReLU(0.2),             # (N, b, 14, 14)
              *block(base, 2 * base, 4)]                                  # (N, 2b, 7, 7)
    if depth == 3:
        layers += block(2 * base, 4 * base, 3)                           # (N, 4b, 4, 4)
    side, channels = (7, 2 * base) if depth == 2 else (4, 4 * base)
    return nn.Sequential(
        *layers,
        nn.Conv2d(channels, 1, side, 1, 0),                              # (N, 1, 1, 1)
        nn.Flatten(),                                                     # (N, 1)
    )


def dcgan_discriminator(nn: ModuleType | None = None, base: int = 64, init: bool = True,
                        depth: int = 2):
    """DCGAN's discriminator for 28x28 images: strided convolutions, batch norm, LeakyReLU.

    Parameters
    ----------
    nn : module, default=glassbox.nn
    base : int, default=64
        b: b then 2b channels.
    init : bool, default=True
        Draw the weights as DCGAN does (:func:`dcgan_init_`).
    depth : {2, 3}, default=2
        Strided convolutions before the scoring one: 2 (b, 2b channels, to 7x7, then a
        7x7 convolution) or 3 (one more, 3x3 / 2 to 4b channels at 4x4, then a 4x4
        convolution: the score becomes a non-linear function of the whole image rather
        than a sum over 10x10-pixel patches).

    Returns
    -------
    Sequential
        Input ``(N, 1, 28, 28)``, output ``(N, 1)`` logits.

    Examples
    --------
    >>> import torch
    >>> dcgan_discriminator(nn=torch.nn, base=8)(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 1])
    >>> dcgan_discriminator(nn=torch.nn, base=8, depth=3)(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 1])
    """
    nn = resolve_nn(nn)
    check_positive_int(base=base)
    model = _convolutional_critic(nn, base, batch_norm=True, depth=depth)
    return dcgan_init_(model, nn) if init else model


def wgan_gp_critic(nn: ModuleType | None = None, base: int = 64, init: bool = True,
                   depth: int = 2):
    """The WGAN-GP critic: DCGAN's discriminator without batch norm, one score per image.

    Parameters
    ----------
    nn : module, default=glassbox.nn
    base : int, default=64
    init : bool, default=True
        Draw the weights as DCGAN does (:func:`dcgan_init_`).
    depth : {2, 3}, default=2
        Strided convolutions before the scoring one: 2 (b, 2b channels, to 7x7, then a
        7x7 convolution) or 3 (one more, 3x3 / 2 to 4b channels at 4x4, then a 4x4
        convolution: the score becomes a non-linear function of the whole image rather
        than a sum over 10x10-pixel patches).

    Returns
    -------
    Sequential
        Input ``(N, 1, 28, 28)``, output ``(N, 1)`` scores (no sigmoid: not a probability).

    Examples
    --------
    >>> import glassbox as gb
    >>> critic = wgan_gp_critic(base=8)
    >>> any(type(m).__name__ == "BatchNorm2d" for m in critic.modules())
    False
    >>> critic(gb.zeros(2, 1, 28, 28)).shape
    glassbox.Size([2, 1])
    """
    nn = resolve_nn(nn)
    check_positive_int(base=base)
    model = _convolutional_critic(nn, base, batch_norm=False, depth=depth)
    return dcgan_init_(model, nn) if init else model


def dcgan_init_(model: Any, nn: ModuleType | None = None) -> Any:
    """DCGAN's initialisation, in place: convolution weights ~ N(0, 0.02), batch-norm
    scales ~ N(1, 0.02), biases 0. Returns ``model``.

    ``nn`` defaults to the namespace of ``model``'s own engine (``torch.nn`` for a torch
    model), whose ``init`` functions draw the weights.

    Examples
    --------
    >>> import glassbox.nn as nn
    >>> layer = dcgan_init_(nn.Sequential(nn.Conv2d(1, 64, 4)))[0]
    >>> 0.015 < float(layer.weight.std()) < 0.025
    True
    """
    if nn is None:  # the engine the model was built with: its root package's nn
        nn = importlib.import_module(type(model).__module__.split(".")[0]).nn
    nn = resolve_nn(nn)
    for module in model.modules():
        kind = type(module).__name__
        if kind in ("Conv2d", "ConvTranspose2d", "Linear"):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif kind == "BatchNorm2d":
            nn.init.normal_(module.weight, 1.0, 0.02)
            nn.init.zeros_(module.bias)
    return model
