"""``fit_gan``: the course's GAN training algorithm, for glassbox and torch networks alike.

Course section 5.2, with the discriminator's k steps (``n_critic``) per generator step::

    for epoch in epochs:
        for x in loader:                              # one real batch per critic step
            z ~ p(z);  fake = G(z) (no graph)
            L_D = discriminator_loss(D(x), D(fake))   # + gradient_penalty (WGAN-GP)
            stop if L_D is NaN or inf
            theta_d <- theta_d - alpha_d grad L_D     # then clip_weights (WGAN)
            every n_critic critic steps:
                z ~ p(z)
                L_G = generator_loss(D(G(z)))
                theta_g <- theta_g - alpha_g grad L_G
        history; checkpoint (both networks, both optimizers, random state), atomically

Beside :func:`glassbox.train.fit` rather than inside it: ``fit`` trains one model on
(input, target) pairs with one loss, while a GAN alternates two optimizers on two
losses. What can be shared is: the checkpoint format and its checks
(:func:`~glassbox.train.save_checkpoint` with both networks in one ``ModuleDict`` and
both optimizers behind one ``state_dict``), the engines, the NaN guard's error type and
:func:`~glassbox.train.loop.first_non_finite`.

The noise z (and the penalty's interpolation weights) are drawn from glassbox's global
NumPy generator on both engines, so a seed (``engine.manual_seed``) gives the same run on
both, and the checkpoint's random state makes a resumed run continue exactly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from glassbox import _random
from glassbox.generative.gan import (
    GAN_LOSSES,
    _constant,
    _package,
    clip_weights,
    discriminator_loss,
    generator_loss,
    gradient_penalty,
    noisy_labels,
    soft_labels,
)
from glassbox.train.checkpoint import load_checkpoint, save_checkpoint
from glassbox.train.engines import Engine, engine_of, get_engine, to_numpy
from glassbox.train.history import History
from glassbox.train.loop import (
    NonFiniteLossError,
    _kept,
    _loader_generators,
    first_non_finite,
)

__all__ = ["fit_gan", "sample_noise", "generate", "GANOptimizers", "GAN_CHECKPOINT"]

GAN_CHECKPOINT = "last.safetensors"


class GANOptimizers:
    """The generator's and the discriminator's optimizers behind one ``state_dict``.

    So that :func:`~glassbox.train.save_checkpoint` stores both in one file.

    Examples
    --------
    >>> import glassbox.nn as nn, glassbox.optim as optim
    >>> pair = GANOptimizers(optim.Adam(nn.Linear(2, 1).parameters()),
    ...                      optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1))
    >>> sorted(pair.state_dict())
    ['discriminator', 'generator']
    """

    def __init__(self, generator: Any, discriminator: Any) -> None:
        self.generator, self.discriminator = generator, discriminator

    def state_dict(self) -> dict[str, Any]:
        return {"generator": self.generator.state_dict(),
                "discriminator": self.discriminator.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])


def sample_noise(n: int, latent_dim: int, like: Any,
                 generator: np.random.Generator | None = None) -> Any:
    """z ~ N(0, I): ``n`` noise vectors of size ``latent_dim``, a tensor of ``like``'s engine.

    Drawn by NumPy (glassbox's global generator unless ``generator`` is given), so the
    same seed gives the same noise on both engines; ``like`` (a parameter of the
    generator) gives the engine, dtype and device.

    Examples
    --------
    >>> import glassbox as gb, numpy as np
    >>> sample_noise(3, 8, gb.zeros(1), np.random.default_rng(0)).shape
    glassbox.Size([3, 8])
    """
    generator = generator or _random.default_generator()
    return _constant(generator.standard_normal((n, latent_dim)), like)


def generate(generator_model: Any, n: int, latent_dim: int,
             rng: np.random.Generator | None = None, batch_size: int = 500) -> np.ndarray:
    """``n`` images from the generator in eval mode, without a graph, as a NumPy array.

    Parameters
    ----------
    generator_model : Module (glassbox or torch)
    n : int
    latent_dim : int
    rng : numpy.random.Generator, optional
        Source of the noise (glassbox's global generator by default).
    batch_size : int, default=500

    Returns
    -------
    ndarray of shape (n, ...)
        The generator's outputs (images in [-1, 1] for the zoo's generators).

    Examples
    --------
    >>> import numpy as np
    >>> from glassbox.models import mlp_generator
    >>> generate(mlp_generator(latent_dim=8), 5, 8, np.random.default_rng(0)).shape
    (5, 1, 28, 28)
    """
    engine = engine_of(generator_model)
    like = next(iter(generator_model.parameters()))
    was_training = getattr(generator_model, "training", True)
    generator_model.eval()
    parts = []
    with engine.no_grad():
        for start in range(0, n, batch_size):
            z = sample_noise(min(batch_size, n - start), latent_dim, like, rng)
            parts.append(np.array(to_numpy(generator_model(z)), copy=True))
    generator_model.train(was_training)
    return np.concatenate(parts) if parts else np.zeros((0,))


def _real_batch(batch: Any) -> Any:
    """The images of a batch: a tensor, or the first item of an (images, labels) pair."""
    return batch[0] if isinstance(batch, (tuple, list)) else batch


def _gradient_norm(model: Any) -> float:
    """||grad||_2 over all of a model's parameters (those that received a gradient)."""
    total = 0.0
    for parameter in model.parameters():
        if parameter.grad is not None:
            total += float((to_numpy(parameter.grad).astype(np.float64) ** 2).sum())
    return math.sqrt(total)


def _check_settings(epochs: int, n_critic: int, loss: str, latent_dim: int,
                    gp_weight: float, clip_value: float | None, resume: bool,
                    checkpoint_dir: Any) -> None:
    def is_int(value: Any) -> bool:
        return not isinstance(value, bool) and isinstance(value, (int, np.integer))

    if not is_int(epochs) or epochs < 0:
        raise ValueError(f"epochs: expected an integer >= 0, received {epochs!r}")
    if not is_int(n_critic) or n_critic < 1:
        raise ValueError(f"n_critic: expected an integer >= 1 (the discriminator steps per "
                         f"generator step, k in the course's algorithm), received "
                         f"n_critic={n_critic!r}")
    if loss not in GAN_LOSSES:
        raise ValueError(f"loss: expected one of {GAN_LOSSES}, received loss={loss!r}")
    if not is_int(latent_dim) or latent_dim < 1:
        raise ValueError(f"latent_dim: expected a positive integer, received {latent_dim!r}")
    if isinstance(gp_weight, bool) or not isinstance(gp_weight, (int, float)) \
            or not gp_weight >= 0:
        raise ValueError(f"gp_weight: expected a number >= 0 (the gradient penalty's lambda; "
                         f"0 for none), received gp_weight={gp_weight!r}")
    if clip_value is not None and (isinstance(clip_value, bool) or not isinstance(
            clip_value, (int, float)) or not clip_value > 0):
        raise ValueError(f"clip_value: expected None or a number > 0, received "
                         f"clip_value={clip_value!r}")
    if resume and checkpoint_dir is None:
        raise ValueError("resume=True needs the checkpoint_dir of the run to continue.")


def fit_gan(generator: Any, discriminator: Any, loader: Iterable[Any], g_optimizer: Any,
            d_optimizer: Any, epochs: int, *, latent_dim: int, loss: str = "non_saturating",
            n_critic: int = 1, gp_weight: float = 0.0, clip_value: float | None = None,
            label_smoothing: float = 0.0, label_flip_prob: float = 0.0,
            checkpoint_dir: str | Path | None = None, resume: bool = False,
            progress: bool = True, engine: Engine | str | None = None,
            on_epoch_end: Callable[[int, dict[str, float]], None] | None = None,
            on_generator_step: Callable[[int, dict[str, float]], None] | None = None,
            ) -> History:
    """Train a GAN (or a WGAN) and return its per-epoch :class:`~glassbox.train.History`.

    Parameters
    ----------
    generator, discriminator : Module (both of one engine)
        ``generator(z)`` with z of shape (N, latent_dim) gives images of the loader's
        shape; ``discriminator(x)`` gives one logit (or critic score) per image.
    loader : iterable of batches
        Real images: tensors, or (images, labels) pairs (the labels are ignored).
        Each batch is one discriminator step.
    g_optimizer, d_optimizer : Optimizer
        For the generator's and the discriminator's parameters.
    epochs : int
        Passes over ``loader`` (a resumed run counts those already done).
    latent_dim : int
        Size of the noise vectors.
    loss : {"minimax", "non_saturating", "wasserstein"}, default="non_saturating"
        See :func:`~glassbox.generative.generator_loss`.
    n_critic : int, default=1
        k, the discriminator steps per generator step (5 for the WGANs).
    gp_weight : float, default=0.0
        lambda of :func:`~glassbox.generative.gradient_penalty` (10 for WGAN-GP); 0: none.
    clip_value : float, optional
        Clip the discriminator's weights to [-c, c] after each of its steps (WGAN: 0.01).
    label_smoothing : float, default=0.0
        One-sided: the real images' target is ``1 - label_smoothing``.
    label_flip_prob : float, default=0.0
        Probability of flipping each real or fake label of a discriminator step.
    checkpoint_dir : str or Path, optional
        Write ``last.safetensors`` there after every epoch (both networks, both
        optimizers, the random state, the history), atomically.
    resume : bool, default=False
        Continue from ``checkpoint_dir/last.safetensors`` if present, exactly.
    progress : bool, default=True
        tqdm progress bars.
    engine : Engine or str, optional
        Defaults to the networks' engine.
    on_epoch_end : callable, optional
        ``fn(epoch, logs)`` after each epoch (samples, FID, ...).
    on_generator_step : callable, optional
        ``fn(step, logs)`` after each generator step, with that step's ``d_loss``,
        ``g_loss``, ``g_grad_norm`` (the saturation plot) and, for a WGAN,
        ``wasserstein``.

    Returns
    -------
    History
        Per epoch: ``d_loss``, ``g_loss``, ``g_grad_norm`` (means over the epoch's
        steps), ``d_real`` and ``d_fake`` (mean D(x), D(G(z)); GANs), ``wasserstein``
        (the critic's estimate; WGANs), ``gradient_penalty`` (WGAN-GP), ``time``.

    Raises
    ------
    NonFiniteLossError
        A loss or a weight became NaN or inf: training stops, the last good checkpoint
        (end of the previous epoch) is kept.
    ValueError
        For settings out of range (``n_critic < 1``, a negative ``gp_weight``, ...).

    See Also
    --------
    glassbox.train.fit : the loop for one model.

    Examples
    --------
    >>> import numpy as np, glassbox as gb, glassbox.nn as nn, glassbox.optim as optim
    >>> _ = gb.manual_seed(0)
    >>> G = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
    >>> D = nn.Sequential(nn.Linear(1, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
    >>> real = [gb.tensor(np.random.default_rng(i).normal(3.0, 0.5, (64, 1)),
    ...                   dtype=gb.float32) for i in
    ...         range(50)]
    >>> history = fit_gan(G, D, real, optim.Adam(G.parameters(), lr=1e-2, betas=(0.5, 0.999)),
    ...                   optim.Adam(D.parameters(), lr=1e-2, betas=(0.5, 0.999)), epochs=4,
    ...                   latent_dim=2, progress=False)
    >>> bool(2.5 < generate(G, 1000, 2).mean() < 3.5)  # the samples moved to the data's mean 3
    True
    """
    _check_settings(epochs, n_critic, loss, latent_dim, gp_weight, clip_value, resume,
                    checkpoint_dir)
    engine = get_engine(engine) if isinstance(engine, str) else (engine or engine_of(generator))
    pair = engine.nn.ModuleDict({"generator": generator, "discriminator": discriminator})
    optimizers = GANOptimizers(g_optimizer, d_optimizer)
    last_path = None if checkpoint_dir is None else Path(checkpoint_dir) / GAN_CHECKPOINT

    settings = {"loss": loss, "n_critic": n_critic, "gp_weight": gp_weight,
                "clip_value": clip_value, "label_smoothing": label_smoothing,
                "label_flip_prob": label_flip_prob, "latent_dim": latent_dim}
    history = History()
    start_epoch, step = 0, 0  # step: discriminator steps done since the start
    if resume and last_path is not None and last_path.is_file():
        saved = load_checkpoint(last_path, pair, optimizers, engine=engine)
        changed = {key: (value, settings[key]) for key, value in
                   saved["extra"].get("settings", {}).items() if settings.get(key) != value}
        if changed:
            raise ValueError(
                f"The checkpoint {last_path} was trained with other settings; resuming would "
                f"not continue that run. Changed (checkpoint, now): {changed}. Resume with the "
                "same settings, or start afresh (resume=False or a new checkpoint_dir).")
        start_epoch, step = saved["epoch"], int(saved["extra"]["step"])
        history.load_state_dict(saved["extra"]["history"])
        history.resumed_from = start_epoch
        # NOTE: the random state last, so the next noise and shuffle are the ones the
        # uninterrupted run would have drawn.
        engine.set_rng_state(saved["rng"]["global"])
        for loader_generator, state in zip(_loader_generators(loader), saved["rng"]["loaders"]):
            engine.set_generator_state(loader_generator, state)

    from tqdm.auto import tqdm

    epoch_bar = tqdm(range(start_epoch, epochs), desc="epochs", initial=start_epoch,
                     total=epochs, disable=not progress or epochs <= start_epoch,
                     dynamic_ncols=True)
    for epoch_index in epoch_bar:
        epoch = epoch_index + 1
        started = time.perf_counter()
        logs, step = _train_one_epoch(generator, discriminator, loader, g_optimizer,
                                      d_optimizer, epoch, step, settings, progress,
                                      last_path, on_generator_step)
        for name, network in (("generator", generator), ("discriminator", discriminator)):
            bad = first_non_finite(network.state_dict())
            if bad is not None:
                epoch_bar.close()
                raise NonFiniteLossError(f"Training stopped: the {name}'s {bad} at the end of "
                                         f"epoch {epoch}. {_kept(last_path)}")
        logs = {"epoch": epoch, **logs, "time": time.perf_counter() - started}
        history.append(logs)
        if last_path is not None:
            save_checkpoint(
                last_path, pair, optimizers, epoch=epoch,
                rng_state={"global": engine.get_rng_state(),
                           "loaders": [engine.generator_state(loader_generator)
                                       for loader_generator in _loader_generators(loader)]},
                extra={"history": history.state_dict(), "step": step, "settings": settings},
            )
        if on_epoch_end is not None:
            on_epoch_end(epoch, logs)
        epoch_bar.set_postfix({key: f"{value:.4g}" for key, value in logs.items()
                               if key in ("d_loss", "g_loss", "wasserstein")})
    epoch_bar.close()
    return history


def _train_one_epoch(generator: Any, discriminator: Any, loader: Iterable[Any],
                     g_optimizer: Any, d_optimizer: Any, epoch: int, step: int,
                     settings: dict[str, Any], progress: bool, last_path: Path | None,
                     on_generator_step: Callable | None) -> tuple[dict[str, float], int]:
    """One pass over the real images; returns the epoch's means and the step counter."""
    from tqdm.auto import tqdm

    loss, n_critic, latent_dim = settings["loss"], settings["n_critic"], settings["latent_dim"]
    wasserstein = loss == "wasserstein"
    like = next(iter(generator.parameters()))
    generator.train()
    discriminator.train()
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}

    def record(name: str, value: float) -> None:
        sums[name] = sums.get(name, 0.0) + value
        counts[name] = counts.get(name, 0) + 1

    def check(name: str, value: float, batch_index: int) -> None:
        if not math.isfinite(value):
            bar.close()
            raise NonFiniteLossError(
                f"Training stopped: the {name} is {value} at epoch {epoch}, batch "
                f"{batch_index + 1} (discriminator step {step + 1}). {_kept(last_path)} "
                "Usual causes: a learning rate too high, NaN in the images, a critic "
                "without clipping or penalty whose scores grow without bound.")

    n_batches = len(loader) if hasattr(loader, "__len__") else None
    bar = tqdm(loader, desc=f"epoch {epoch}", total=n_batches, leave=False,
               disable=not progress, dynamic_ncols=True)
    for batch_index, batch in enumerate(bar):
        real = _real_batch(batch)
        n = real.shape[0]
        # ---- the discriminator (critic) step: ascend log D(x) + log(1 - D(G(z)))
        z = sample_noise(n, latent_dim, like)
        with _package(like).no_grad():
            fake = generator(z)
        real_scores, fake_scores = discriminator(real), discriminator(fake)
        targets = {}
        if not wasserstein:
            real_target = (soft_labels(real_scores, settings["label_smoothing"])
                           if settings["label_smoothing"] else 1.0)
            fake_target = 0.0
            if settings["label_flip_prob"]:
                flip = settings["label_flip_prob"]
                if isinstance(real_target, float):
                    real_target = _package(real_scores).full_like(real_scores, real_target)
                real_target = noisy_labels(real_target, flip)
                fake_target = noisy_labels(_package(fake_scores).full_like(fake_scores, 0.0), flip)
            targets = {"real_target": real_target, "fake_target": fake_target}
        d_loss = discriminator_loss(real_scores, fake_scores, loss, **targets)
        d_value = float(d_loss.item())
        if wasserstein:
            estimate = -d_value  # mean f(x) - mean f(G(z)), before the penalty is added
            record("wasserstein", estimate)
        else:
            record("d_real", float(to_numpy(real_scores.sigmoid()).mean()))
            record("d_fake", float(to_numpy(fake_scores.sigmoid()).mean()))
        if settings["gp_weight"]:
            penalty = gradient_penalty(discriminator, real, fake, settings["gp_weight"])
            record("gradient_penalty", float(penalty.item()))
            d_loss = d_loss + penalty
            d_value = float(d_loss.item())
        check("discriminator loss", d_value, batch_index)
        d_optimizer.zero_grad()
        d_loss.backward()
        d_optimizer.step()
        if settings["clip_value"] is not None:
            clip_weights(discriminator, settings["clip_value"])
        record("d_loss", d_value)
        step += 1
        if step % n_critic:
            continue
        # ---- the generator step, every n_critic discriminator steps
        z = sample_noise(n, latent_dim, like)
        g_loss = generator_loss(discriminator(generator(z)), loss)
        g_value = float(g_loss.item())
        check("generator loss", g_value, batch_index)
        g_optimizer.zero_grad()
        g_loss.backward()
        g_grad_norm = _gradient_norm(generator)
        g_optimizer.step()
        record("g_loss", g_value)
        record("g_grad_norm", g_grad_norm)
        if on_generator_step is not None:
            step_logs = {"d_loss": d_value, "g_loss": g_value, "g_grad_norm": g_grad_norm}
            if wasserstein:
                step_logs["wasserstein"] = estimate
            on_generator_step(step // n_critic, step_logs)
        if batch_index % 10 == 0:
            bar.set_postfix(d_loss=f"{d_value:.4f}", g_loss=f"{g_value:.4f}")
    bar.close()
    if not counts:
        raise ValueError("fit_gan: the loader yielded no batch. Check the dataset is not "
                         "empty (and drop_last with a batch larger than the dataset).")
    return {name: sums[name] / counts[name] for name in sums}, step

