"""Variational autoencoders: PyTorch's official MNIST example and a convolutional one.

Course section 5.1. The encoder outputs the mean ``mu`` and log-variance ``logvar`` of
``q(z | x) = N(mu, diag exp(logvar))``; ``forward`` draws ``z = mu + exp(logvar / 2) *
eps`` with ``eps ~ N(0, I)`` (the reparameterisation trick) and decodes it into the
*logits* of a Bernoulli distribution over the pixels. The objectives (ELBO, IWAE, Rényi
bounds) are in :mod:`glassbox.generative.vae`.

``vae_mlp()`` is the model of PyTorch's example (``pytorch/examples``, ``vae/main.py``):
784-400-20, layer names ``fc1, fc21, fc22, fc3, fc4`` (so its state dict loads into that
model), except that ``decode`` returns logits rather than ``sigmoid(logits)``: the loss
is computed from logits (``binary_cross_entropy_with_logits``), which is the same number
computed without ``log(0)``.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from glassbox.models._engine import check_positive_int, resolve_nn, tensor_package

__all__ = ["vae_mlp", "conv_vae"]


@cache
def _vae_base(nn: ModuleType) -> type:
    package = tensor_package(nn)

    class VAE(nn.Module):
        """Shared by the VAEs: ``reparameterize``, ``forward`` and ``sample``."""

        latent_dim: int

        def reparameterize(self, mu, logvar):
            """``mu + exp(logvar / 2) * eps``, ``eps ~ N(0, I)`` from the global generator."""
            return mu + (logvar * 0.5).exp() * package.randn_like(mu)

        def _check_code(self, z):
            if z.ndim != 2 or z.shape[1] != self.latent_dim:
                raise ValueError(f"The decoder expects codes of shape (N, latent_dim="
                                 f"{self.latent_dim}), received z of shape {tuple(z.shape)}")

        def forward(self, x):
            """``(decode(z), mu, logvar)`` with ``z`` drawn from ``q(z | x)``."""
            mu, logvar = self.encode(x)
            return self.decode(self.reparameterize(mu, logvar)), mu, logvar

        def sample(self, n):
            """``n`` images ``sigmoid(decode(z))`` (pixel probabilities), ``z ~ N(0, I)``."""
            check_positive_int(n=n)
            z = package.randn(n, self.latent_dim)
            return self.decode(z).sigmoid()

    return VAE


@cache
def _vae_mlp_class(nn: ModuleType) -> type:
    class VAEMLP(_vae_base(nn)):
        """PyTorch's example: ``fc1`` (ReLU) -> ``fc21`` (mu), ``fc22`` (logvar);
        ``fc3`` (ReLU) -> ``fc4`` (logits)."""

        def __init__(self, input_dim, hidden_dim, latent_dim):
            super().__init__()
            self.input_dim, self.latent_dim = input_dim, latent_dim
            self.fc1 = nn.Linear(input_dim, hidden_dim)
            self.fc21 = nn.Linear(hidden_dim, latent_dim)
            self.fc22 = nn.Linear(hidden_dim, latent_dim)
            self.fc3 = nn.Linear(latent_dim, hidden_dim)
            self.fc4 = nn.Linear(hidden_dim, input_dim)

        def encode(self, x):
            """``(mu, logvar)``, each ``(N, latent_dim)``; ``x`` is ``(N, ...)`` (flattened)."""
            x = x.reshape(x.shape[0], -1)  # (N, input_dim): images are read pixel by pixel
            if x.shape[1] != self.input_dim:
                raise ValueError(f"The encoder expects {self.input_dim} values per sample, "
                                 f"received {x.shape[1]}")
            h1 = self.fc1(x).relu()
            return self.fc21(h1), self.fc22(h1)

        def decode(self, z):
            """The logits of the ``input_dim`` pixels, ``(N, input_dim)``."""
            self._check_code(z)
            return self.fc4(self.fc3(z).relu())

    return VAEMLP


@cache
def _conv_vae_class(nn: ModuleType) -> type:
    class ConvVAE(_vae_base(nn)):
        """Two stride-2 convolutions down, two stride-2 transposed convolutions up."""

        def __init__(self, in_channels, latent_dim):
            super().__init__()
            self.latent_dim = latent_dim
            self.encoder = nn.Sequential(
                nn.Conv2d(in_channels, 32, kernel_size=4, stride=2, padding=1),  # (N, 32, 14, 14)
                nn.ReLU(),
                nn.Conv2d(32, 64, kernel_size=4, stride=2, padding=1),           # (N, 64, 7, 7)
                nn.ReLU(),
                nn.Flatten(),                                                    # (N, 3136)
            )
            self.fc_mu = nn.Linear(64 * 7 * 7, latent_dim)
            self.fc_logvar = nn.Linear(64 * 7 * 7, latent_dim)
            self.decoder = nn.Sequential(
                nn.Linear(latent_dim, 64 * 7 * 7),
                nn.ReLU(),
                nn.Unflatten(1, (64, 7, 7)),                                       # (N, 64, 7, 7)
                nn.ConvTranspose2d(64, 32, kernel_size=4, stride=2, padding=1),  # (N, 32, 14, 14)
                nn.ReLU(),
                nn.ConvTranspose2d(32, in_channels, kernel_size=4, stride=2, padding=1),
            )                                                                    # (N, C, 28, 28)

        def encode(self, x):
            """``(mu, logvar)``, each ``(N, latent_dim)``, from images ``(N, C, 28, 28)``."""
            if x.ndim != 4 or tuple(x.shape[2:]) != (28, 28):
                raise ValueError(f"The convolutional VAE expects images of shape (N, C, 28, 28), "
                                 f"received {tuple(x.shape)}")
            h = self.encoder(x)
            return self.fc_mu(h), self.fc_logvar(h)

        def decode(self, z):
            """The logits of the pixels, ``(N, C, 28, 28)``."""
            self._check_code(z)
            return self.decoder(z)

    return ConvVAE


def vae_mlp(nn: ModuleType | None = None, input_dim: int = 784, hidden_dim: int = 400,
            latent_dim: int = 20):
    """The VAE of PyTorch's MNIST example: 784-400-20 encoder, 20-400-784 Bernoulli decoder.

    Parameters
    ----------
    nn : module, default=glassbox.nn
        ``glassbox.nn`` or ``torch.nn``: the engine to build with.
    input_dim : int, default=784
    hidden_dim : int, default=400
    latent_dim : int, default=20
        2 gives a latent space that can be drawn (the lab's latent map).

    Returns
    -------
    Module
        ``encode(x) -> (mu, logvar)``, ``decode(z) -> logits``, ``reparameterize``,
        ``forward(x) -> (logits, mu, logvar)``, ``sample(n) -> pixel probabilities``.
        Input ``(N, 784)`` or ``(N, 1, 28, 28)``; logits ``(N, 784)``.

    Examples
    --------
    >>> import torch
    >>> model = vae_mlp(nn=torch.nn)
    >>> sum(p.numel() for p in model.parameters())
    652824
    >>> [name for name, _ in model.named_children()]
    ['fc1', 'fc21', 'fc22', 'fc3', 'fc4']
    >>> logits, mu, logvar = model(torch.zeros(3, 1, 28, 28))
    >>> logits.shape, mu.shape
    (torch.Size([3, 784]), torch.Size([3, 20]))
    """
    nn = resolve_nn(nn)
    check_positive_int(input_dim=input_dim, hidden_dim=hidden_dim, latent_dim=latent_dim)
    return _vae_mlp_class(nn)(input_dim, hidden_dim, latent_dim)


def conv_vae(nn: ModuleType | None = None, latent_dim: int = 20, in_channels: int = 1):
    """A convolutional VAE for 28x28 images (Bernoulli decoder).

    Encoder: ``Conv2d(C, 32, 4, 2, 1)`` -> 14x14, ``Conv2d(32, 64, 4, 2, 1)`` -> 7x7 (ReLU),
    then ``fc_mu`` and ``fc_logvar``; decoder: ``Linear(latent, 64*7*7)``, two
    ``ConvTranspose2d(.., 4, 2, 1)`` back to 28x28 logits.

    Parameters
    ----------
    nn : module, default=glassbox.nn
    latent_dim : int, default=20
    in_channels : int, default=1

    Examples
    --------
    >>> import glassbox as gb
    >>> model = conv_vae()
    >>> logits, mu, logvar = model(gb.zeros(2, 1, 28, 28))
    >>> logits.shape, logvar.shape
    (glassbox.Size([2, 1, 28, 28]), glassbox.Size([2, 20]))
    """
    nn = resolve_nn(nn)
    check_positive_int(latent_dim=latent_dim, in_channels=in_channels)
    return _conv_vae_class(nn)(in_channels, latent_dim)
