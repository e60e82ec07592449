"""The autoencoder: a network trained to output its own input through a narrow code.

Course section 5.1. An encoder maps ``x`` (784 pixels) to a code ``h`` of ``k`` numbers,
a decoder maps the code back to ``x_tilde``; trained on the squared error
``||x - x_tilde||^2``, the bottleneck forces the code to keep what matters. With no
hidden layers and no activation the network is ``x_tilde = U V x`` (plus biases), a
linear map of rank ``k``: its best solution spans the same subspace as PCA's first ``k``
components (Baldi and Hornik, 1989). Hidden layers with nonlinearities make a *deep*
autoencoder, which can beat PCA at the same ``k``. Neither defines a distribution over
``x``: they reproduce, they do not generate (the VAE of :mod:`glassbox.models.vae` does).
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from glassbox.models._engine import check_positive_int, resolve_nn

__all__ = ["autoencoder"]


@cache
def _autoencoder_class(nn: ModuleType) -> type:
    class AutoEncoder(nn.Module):
        """``decoder(encoder(x))``; ``encode`` and ``decode`` expose the two halves."""

        def __init__(self, encoder, decoder, latent_dim):
            super().__init__()
            self.latent_dim = latent_dim
            self.encoder = encoder
            self.decoder = decoder

        def encode(self, x):
            return self.encoder(x)

        def decode(self, code):
            if code.shape[-1] != self.latent_dim:
                raise ValueError(f"The decoder expects codes of size latent_dim="
                                 f"{self.latent_dim}, received a code of shape "
                                 f"{tuple(code.shape)}")
            return self.decoder(code)

        def forward(self, x):
            return self.decoder(self.encoder(x))

    return AutoEncoder


def _mlp(nn: ModuleType, sizes: list[int], activation, last_activation) -> list:
    layers = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out))
        last = index == len(sizes) - 2
        if not last and activation is not None:
            layers.append(activation())
        if last and last_activation is not None:
            layers.append(last_activation())
    return layers


def autoencoder(nn: ModuleType | None = None, input_dim: int = 784, latent_dim: int = 10,
                hidden: tuple[int, ...] | list[int] = (), activation: str | None = "relu",
                output_activation: str | None = None):
    """An MLP autoencoder ``input_dim -> *hidden -> latent_dim -> *reversed(hidden) -> input_dim``.

    Parameters
    ----------
    nn : module, default=glassbox.nn
        ``glassbox.nn`` or ``torch.nn``: the engine to build with.
    input_dim : int, default=784
    latent_dim : int, default=10
        The code size ``k`` (the bottleneck).
    hidden : sequence of int, default=()
        Hidden layer sizes of the encoder (the decoder mirrors them). Empty: the *linear*
        autoencoder ``Linear(input_dim, k)`` then ``Linear(k, input_dim)``, PCA's twin.
    activation : {"relu", "tanh", None}, default="relu"
        After every hidden layer (never on the code, which stays linear).
    output_activation : {"sigmoid", None}, default=None
        On the reconstruction (``"sigmoid"`` for pixels in [0, 1]).

    Returns
    -------
    Module
        ``encoder`` and ``decoder`` (``Sequential``), ``encode(x)``, ``decode(code)``,
        ``forward(x) = decode(encode(x))``; input and output ``(N, input_dim)``.

    Examples
    --------
    >>> import torch
    >>> linear = autoencoder(nn=torch.nn, latent_dim=10)
    >>> sum(p.numel() for p in linear.parameters())  # 784*10 + 10 + 10*784 + 784
    16474
    >>> deep = autoencoder(latent_dim=10, hidden=(256, 64), output_activation="sigmoid")
    >>> import glassbox as gb
    >>> deep(gb.zeros(3, 784)).shape, deep.encode(gb.zeros(3, 784)).shape
    (glassbox.Size([3, 784]), glassbox.Size([3, 10]))
    """
    nn = resolve_nn(nn)
    hidden = tuple(hidden)
    check_positive_int(input_dim=input_dim, latent_dim=latent_dim)
    for size in hidden:
        check_positive_int(hidden=size)
    activations = {"relu": nn.ReLU, "tanh": nn.Tanh, None: None}
    outputs = {"sigmoid": nn.Sigmoid, None: None}
    if activation not in activations:
        raise ValueError(f"activation must be 'relu', 'tanh' or None, received {activation!r}")
    if output_activation not in outputs:
        raise ValueError(f"output_activation must be 'sigmoid' or None, received "
                         f"{output_activation!r}")
    encoder_sizes = [input_dim, *hidden, latent_dim]
    encoder = nn.Sequential(*_mlp(nn, encoder_sizes, activations[activation], None))
    decoder = nn.Sequential(*_mlp(nn, encoder_sizes[::-1], activations[activation],
                                  outputs[output_activation]))
    return _autoencoder_class(nn)(encoder, decoder, latent_dim)
