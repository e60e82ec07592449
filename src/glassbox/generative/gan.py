"""The GAN game and its Wasserstein variant: losses, gradient penalty, clipping, label tricks.

Course section 5.2. A generator G maps noise z ~ p(z) to images; a discriminator D maps
an image to the probability that it is real. They play

.. math:: \\min_G \\max_D \\; E_x[\\log D(x)] + E_z[\\log(1 - D(G(z)))]

Every function here takes D's *logits* (``D(x) = sigmoid(logit)``), so the logs are
computed by the numerically stable ``binary_cross_entropy_with_logits``:
``BCE(l, 1) = -log D`` and ``BCE(l, 0) = -log(1 - D)``.

- The discriminator ascends the game's value: it minimises
  ``-[E log D(x) + E log(1 - D(G(z)))] = BCE(real, 1) + BCE(fake, 0)``.
- The generator of the course's algorithm ("minimax") descends
  ``E log(1 - D(G(z))) = -BCE(fake, 0)``. Its gradient is ``-sigmoid(l) dl``: when D
  wins (``D(G(z)) -> 0``) it vanishes, the generator *saturates* and stops learning.
- The "non_saturating" generator minimises ``-E log D(G(z)) = BCE(fake, 1)`` instead:
  the same fixed point, but the gradient ``-(1 - sigmoid(l)) dl`` is largest exactly
  when D rejects the fakes (Goodfellow et al., 2014).

The Wasserstein GAN replaces the discriminator by a *critic* f with real-valued scores,
and the Kantorovich-Rubinstein duality
``W(P_r, P_g) = sup_{||f||_L <= 1} E_{P_r}[f(x)] - E_{P_g}[f(x)]``: the critic minimises
``E f(G(z)) - E f(x)`` (so ``-critic loss`` estimates W), the generator minimises
``-E f(G(z))``. f must stay 1-Lipschitz: :func:`clip_weights` (WGAN, Arjovsky et al.,
2017) or :func:`gradient_penalty` (WGAN-GP, Gulrajani et al., 2017).

Everything is written with the operations both engines share, so the same function
takes glassbox Tensors or torch tensors. The random draws (the penalty's interpolation
weights, the flipped labels) come from glassbox's global NumPy generator
(``glassbox.manual_seed``) on both engines, so that one seed gives one run on both.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import numpy as np

from glassbox import _random

__all__ = ["GAN_LOSSES", "discriminator_loss", "generator_loss", "wasserstein_estimate",
           "gradient_penalty", "clip_weights", "soft_labels", "noisy_labels"]

GAN_LOSSES = ("minimax", "non_saturating", "wasserstein")


# ---------------------------------------------------------------------------- helpers
def _package(tensor: Any) -> ModuleType:
    """``torch`` for a torch tensor, ``glassbox`` for a glassbox Tensor."""
    if not (hasattr(tensor, "shape") and hasattr(tensor, "detach")):
        raise TypeError(f"expected a glassbox or torch tensor, received "
                        f"{type(tensor).__name__}")
    return importlib.import_module(type(tensor).__module__.split(".")[0])


def _constant(array: np.ndarray, like: Any) -> Any:
    """A tensor of ``like``'s engine, dtype (and device) holding ``array`` (no gradient)."""
    package = _package(like)
    if package.__name__ == "torch":
        return package.as_tensor(array, dtype=like.dtype, device=like.device)
    return package.tensor(np.asarray(array, dtype=like.dtype))


def _check_kind(kind: str) -> None:
    if kind not in GAN_LOSSES:
        raise ValueError(f"kind must be one of {GAN_LOSSES}, received kind={kind!r}")


def _targets(value: Any, like: Any) -> Any:
    """A float becomes a tensor of that value shaped like ``like``; a tensor is kept."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _package(like).full_like(like, float(value))
    return value


# ---------------------------------------------------------------------------- losses
def discriminator_loss(real_logits: Any, fake_logits: Any, kind: str = "non_saturating",
                       *, real_target: Any = 1.0, fake_target: Any = 0.0) -> Any:
    """The discriminator's (or critic's) loss on a batch of real and a batch of fake scores.

    .. math:: L_D = -\\big[\\tfrac1m \\sum \\log D(x^i)
              + \\tfrac1m \\sum \\log(1 - D(G(z^i)))\\big]

    (``"minimax"`` and ``"non_saturating"``: the same loss, they differ for the
    generator), and for ``"wasserstein"`` the critic's
    :math:`L_f = \\tfrac1m \\sum f(G(z^i)) - \\tfrac1m \\sum f(x^i)`.

    Parameters
    ----------
    real_logits : Tensor of shape (N, ...)
        D's logits (or the critic's scores) on real images.
    fake_logits : Tensor of shape (M, ...)
        The same on generated images (usually detached from the generator).
    kind : {"minimax", "non_saturating", "wasserstein"}, default="non_saturating"
    real_target, fake_target : float or Tensor, default=1.0 and 0.0
        The labels of real and fake images: :func:`soft_labels` (0.9 instead of 1) and
        :func:`noisy_labels` (random flips) are the course's "soft and noisy labels".
        Ignored by ``"wasserstein"`` (a critic has no labels).

    Returns
    -------
    Tensor
        A scalar.

    See Also
    --------
    generator_loss, torch.nn.functional.binary_cross_entropy_with_logits

    Examples
    --------
    >>> import glassbox as gb
    >>> round(discriminator_loss(gb.zeros(4, 1), gb.zeros(4, 1)).item(), 4)  # 2 log 2
    1.3863
    >>> discriminator_loss(gb.ones(4, 1), gb.zeros(4, 1), "wasserstein").item()
    -1.0
    """
    _check_kind(kind)
    if kind == "wasserstein":
        return fake_logits.mean() - real_logits.mean()
    bce = _package(real_logits).nn.functional.binary_cross_entropy_with_logits
    # BCE(l, 1) = -log D(x),  BCE(l, 0) = -log(1 - D(G(z)))
    return (bce(real_logits, _targets(real_target, real_logits))
            + bce(fake_logits, _targets(fake_target, fake_logits)))


def generator_loss(fake_logits: Any, kind: str = "non_saturating") -> Any:
    """The generator's loss on D's logits (or the critic's scores) of generated images.

    ===================  ====================================  ===========================
    kind                 loss                                  d loss / d logit
    ===================  ====================================  ===========================
    ``minimax``          :math:`\\tfrac1m\\sum\\log(1 - D(G(z)))`   :math:`-D(G(z))/m`
    ``non_saturating``   :math:`-\\tfrac1m\\sum\\log D(G(z))`       :math:`-(1 - D(G(z)))/m`
    ``wasserstein``      :math:`-\\tfrac1m\\sum f(G(z))`            :math:`-1/m`
    ===================  ====================================  ===========================

    The minimax gradient vanishes when the discriminator rejects the fakes confidently
    (``D(G(z)) -> 0``): the saturation the course warns about.

    Parameters
    ----------
    fake_logits : Tensor of shape (M, ...)
    kind : {"minimax", "non_saturating", "wasserstein"}, default="non_saturating"

    Returns
    -------
    Tensor
        A scalar.

    Examples
    --------
    >>> import glassbox as gb
    >>> logits = gb.full((2, 1), -10.0)           # D(G(z)) = 4.5e-5: D wins
    >>> round(generator_loss(logits, "minimax").item(), 6)
    -4.5e-05
    >>> round(generator_loss(logits, "non_saturating").item(), 4)
    10.0
    """
    _check_kind(kind)
    if kind == "wasserstein":
        return -fake_logits.mean()
    bce = _package(fake_logits).nn.functional.binary_cross_entropy_with_logits
    package = _package(fake_logits)
    if kind == "minimax":
        # log(1 - D(G(z))) = -BCE(l, 0)
        return -bce(fake_logits, package.zeros_like(fake_logits))
    return bce(fake_logits, package.ones_like(fake_logits))


def wasserstein_estimate(real_scores: Any, fake_scores: Any) -> float:
    """The critic's estimate of W(P_r, P_g): ``mean f(x) - mean f(G(z))`` (a float).

    It bounds the Wasserstein-1 distance from below when f is 1-Lipschitz
    (Kantorovich-Rubinstein), and is ``-discriminator_loss(..., "wasserstein")``.

    Examples
    --------
    >>> import glassbox as gb
    >>> wasserstein_estimate(gb.tensor([3.0, 1.0]), gb.tensor([0.5, -0.5]))
    2.0
    """
    return float((real_scores.mean() - fake_scores.mean()).item())


# ---------------------------------------------------------------------------- Lipschitz
def gradient_penalty(critic: Any, real: Any, fake: Any, weight: float = 10.0,
                     epsilon: Any = None) -> Any:
    """WGAN-GP's penalty: ``weight * E[(||grad_x f(x_hat)||_2 - 1)^2]``.

    .. math:: \\hat x = \\epsilon x + (1 - \\epsilon)\\, G(z), \\quad
              \\epsilon \\sim U[0, 1] \\text{ per sample}

    A 1-Lipschitz function has gradients of norm at most 1 everywhere; the optimal
    critic has norm 1 on the lines between real and fake samples, so the penalty pulls
    the gradient norm towards 1 there (Gulrajani et al., 2017). The gradient
    ``grad_x f(x_hat)`` is computed with ``autograd.grad(..., create_graph=True)``, so
    that the penalty itself can be differentiated with respect to the critic's
    weights: backward through a backward (a second-order gradient).

    Parameters
    ----------
    critic : Module
        ``critic(x)`` -> scores of shape (N, 1) or (N,).
    real, fake : Tensor of shape (N, ...)
        Batches of the same shape; both are detached (the penalty trains the critic).
    weight : float, default=10.0
        lambda, the penalty's weight (the paper's 10); must be >= 0.
    epsilon : Tensor of shape (N,), optional
        The interpolation weights; drawn from U[0, 1) by glassbox's global generator
        when not given (on both engines).

    Returns
    -------
    Tensor
        A scalar, differentiable with respect to the critic's parameters.

    Examples
    --------
    >>> import glassbox as gb, glassbox.nn as nn
    >>> critic = nn.Linear(3, 1)
    >>> with gb.no_grad():
    ...     _ = critic.weight.copy_(gb.tensor([[2.0, 0.0, 0.0]]))   # ||grad|| = 2
    >>> gradient_penalty(critic, gb.zeros(4, 3), gb.ones(4, 3)).item()   # 10 (2 - 1)^2
    10.0
    """
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight >= 0:
        raise ValueError(f"weight must be a number >= 0 (the penalty's lambda, 10 in "
                         f"WGAN-GP), received weight={weight!r}")
    if tuple(real.shape) != tuple(fake.shape):
        raise ValueError(f"real and fake must have the same shape, received "
                         f"{tuple(real.shape)} and {tuple(fake.shape)}")
    package = _package(real)
    real, fake = real.detach(), fake.detach()
    n = real.shape[0]
    if epsilon is None:
        epsilon = _constant(_random.default_generator().random(n), real)
    # (N,) -> (N, 1, ..., 1): one weight per sample, broadcast over its pixels
    epsilon = epsilon.reshape((n,) + (1,) * (real.ndim - 1))
    interpolated = (epsilon * real + (1 - epsilon) * fake).detach()
    interpolated.requires_grad_(True)
    scores = critic(interpolated)
    # d(sum of scores)/d x_hat: sample i's score depends on x_hat_i only (no batch norm!)
    (gradients,) = package.autograd.grad(scores.sum(), interpolated, create_graph=True)
    norms = gradients.reshape(n, -1).norm(2, dim=1)  # (N,)
    return weight * ((norms - 1) ** 2).mean()


def clip_weights(module: Any, c: float = 0.01) -> None:
    """Clamp every parameter of ``module`` to [-c, c] in place (the original WGAN's trick).

    Bounded weights bound the critic's Lipschitz constant (by some K, not 1: the
    estimate of W is then K W). Too small a c makes gradients vanish, too large slows
    training: the reason WGAN-GP replaced it.

    Parameters
    ----------
    module : Module (glassbox or torch)
    c : float, default=0.01
        Must be > 0.

    Examples
    --------
    >>> import glassbox.nn as nn
    >>> layer = nn.Linear(100, 10)
    >>> clip_weights(layer, 0.01)
    >>> float(layer.weight.abs().max()) <= 0.01
    True
    """
    if isinstance(c, bool) or not isinstance(c, (int, float)) or not c > 0:
        raise ValueError(f"c must be a positive number (the clipping bound), received c={c!r}")
    parameters = list(module.parameters())
    if not parameters:
        return
    with _package(parameters[0]).no_grad():
        for parameter in parameters:
            parameter.clamp_(-c, c)


# ---------------------------------------------------------------------------- labels
def soft_labels(like: Any, smoothing: float = 0.1) -> Any:
    """Targets ``1 - smoothing`` for the real images (one-sided label smoothing).

    The discriminator is never asked to be fully sure that an image is real, so its
    logits stay finite and the generator keeps getting gradients (Salimans et al.,
    2016). Only the real side is smoothed: smoothing the fakes' 0 would reward the
    generator for samples D already rejects.

    Parameters
    ----------
    like : Tensor
        D's logits on real images: the labels get its shape, dtype and engine.
    smoothing : float in [0, 1), default=0.1

    Examples
    --------
    >>> import glassbox as gb
    >>> soft_labels(gb.zeros(3, 1), 0.1).reshape(-1)
    tensor([0.9000, 0.9000, 0.9000])
    """
    if isinstance(smoothing, bool) or not isinstance(smoothing, (int, float)) \
            or not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), received smoothing={smoothing!r}")
    return _package(like).full_like(like, 1.0 - smoothing)


def noisy_labels(labels: Any, flip_prob: float = 0.05,
                 generator: np.random.Generator | None = None) -> Any:
    """``labels`` with each one flipped (``t -> 1 - t``) with probability ``flip_prob``.

    Occasionally telling the discriminator that a real image is fake (and the other way
    round) keeps it from becoming too sure too early, another of the course's stability
    tricks.

    Parameters
    ----------
    labels : Tensor
        Targets in [0, 1] (soft labels are flipped too: 0.9 becomes 0.1).
    flip_prob : float in [0, 1], default=0.05
    generator : numpy.random.Generator, optional
        Where the flips are drawn; glassbox's global generator by default (both engines).

    Examples
    --------
    >>> import glassbox as gb, numpy as np
    >>> flipped = noisy_labels(gb.ones(1000), 0.1, np.random.default_rng(0))
    >>> 0.05 < 1 - flipped.mean().item() < 0.15
    True
    """
    if isinstance(flip_prob, bool) or not isinstance(flip_prob, (int, float)) \
            or not 0 <= flip_prob <= 1:
        raise ValueError(f"flip_prob must be in [0, 1], received flip_prob={flip_prob!r}")
    generator = generator or _random.default_generator()
    flip = generator.random(tuple(labels.shape)) < flip_prob
    sign = _constant(np.where(flip, -1.0, 1.0), labels)
    offset = _constant(np.where(flip, 1.0, 0.0), labels)
    return offset + sign * labels  # t where kept, 1 - t where flipped
