"""Generative models' training steps: glassbox vs torch, float32, at 1 and 2 threads.

Run: ``python benchmarks/bench_generative.py [--repeat 20] [--threads 1 2] [--batch 64]
[--clock wall|cpu]``

Three steps, each the same model function and the same loss code on both engines
(weights copied from glassbox to torch), timed in this process:

- **VAE step**: the 784-400-20 Bernoulli VAE of PyTorch's example
  (``glassbox.models.vae_mlp``), forward, ``-elbo`` (sum over the batch), backward, Adam.
- **DCGAN G+D step**: one discriminator step (real and fake batch, BCE with logits,
  Adam) and one generator step (non-saturating loss, Adam) of
  ``dcgan_generator``/``dcgan_discriminator`` (base width 64, 28x28).
- **WGAN-GP critic step**: the critic's Wasserstein loss plus the gradient penalty
  (``autograd.grad(..., create_graph=True)``, then backward through it: a double
  backward through every convolution) and Adam, on ``wgan_gp_critic`` (base 64).

The ratio is glassbox's time over torch's (below 1: glassbox is faster); times are the
best of ``--repeat`` steps, after two warm-up steps.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from _timing import best_ms
from threadpoolctl import threadpool_limits

import glassbox as gb
import glassbox.nn as gnn
import glassbox.optim as goptim
from glassbox.generative import discriminator_loss, elbo, generator_loss, gradient_penalty
from glassbox.models import dcgan_discriminator, dcgan_generator, vae_mlp, wgan_gp_critic


def _twin(build, **options):
    """The glassbox model and its torch twin with the same weights."""
    gb.manual_seed(0)
    ours = build(nn=gnn, **options)
    theirs = build(nn=torch.nn, **options)
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.numpy()))
                            for k, v in ours.state_dict().items()})
    return ours, theirs


def _data(library, shape, low=0.0, high=1.0):
    array = np.random.default_rng(0).uniform(low, high, size=shape).astype(np.float32)
    return library.tensor(array)


def vae_step(library, model, batch):
    optim = goptim if library is gb else torch.optim
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    x = _data(library, (batch, 784))

    def step():
        optimizer.zero_grad()
        logits, mu, logvar = model(x)
        loss = -elbo(x, logits, mu, logvar, reduction="sum")
        loss.backward()
        optimizer.step()
    return step


def dcgan_step(library, models, batch):
    generator, discriminator = models
    optim = goptim if library is gb else torch.optim
    g_optimizer = optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_optimizer = optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = _data(library, (batch, 1, 28, 28), -1, 1)
    z = _data(library, (batch, 100), -1, 1)

    def step():
        with library.no_grad():
            fake = generator(z)
        d_optimizer.zero_grad()
        discriminator_loss(discriminator(real), discriminator(fake)).backward()
        d_optimizer.step()
        g_optimizer.zero_grad()
        generator_loss(discriminator(generator(z))).backward()
        g_optimizer.step()
    return step


def wgan_gp_step(library, critic, batch):
    optim = goptim if library is gb else torch.optim
    optimizer = optim.Adam(critic.parameters(), lr=1e-4, betas=(0.0, 0.9))
    real = _data(library, (batch, 1, 28, 28), -1, 1)
    fake = _data(library, (batch, 1, 28, 28), -1, 0.5)
    epsilon = _data(library, (batch,))

    def step():
        optimizer.zero_grad()
        loss = discriminator_loss(critic(real), critic(fake), "wasserstein")
        loss = loss + gradient_penalty(critic, real, fake, 10.0, epsilon=epsilon)
        loss.backward()
        optimizer.step()
    return step


CASES = {
    "VAE 784-400-20 step": lambda lib, pair, batch: vae_step(lib, pair, batch),
    "DCGAN G+D step (base 64)": lambda lib, pair, batch: dcgan_step(lib, pair, batch),
    "WGAN-GP critic step (base 64)": lambda lib, pair, batch: wgan_gp_step(lib, pair, batch),
}


def _models(name):
    if name.startswith("VAE"):
        return _twin(vae_mlp)
    if name.startswith("DCGAN"):
        generators, discriminators = _twin(dcgan_generator), _twin(dcgan_discriminator)
        return (generators[0], discriminators[0]), (generators[1], discriminators[1])
    return _twin(wgan_gp_critic)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="cpu: this process's CPU time, a fair measure with --threads 1 "
                             "when other work shares the cores (waiting to be scheduled "
                             "does not count)")
    args = parser.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    print(f"torch {torch.__version__}, float32, batch {args.batch}, best of {args.repeat}, "
          f"{args.clock} clock")
    print(f"{'case':32s} {'threads':>7s} {'glassbox ms':>11s} {'torch ms':>9s} {'ratio':>6s}")
    for name, make in CASES.items():
        ours, theirs = _models(name)
        for threads in args.threads:
            torch.set_num_threads(threads)
            gb.set_num_threads(threads)  # glassbox's own threads (and its BLAS's)
            with threadpool_limits(threads):
                mine = best_ms(make(gb, ours, args.batch), args.repeat, clock)
                reference = best_ms(make(torch, theirs, args.batch), args.repeat, clock)
            print(f"{name:32s} {threads:7d} {mine:11.2f} {reference:9.2f} "
                  f"{mine / reference:5.2f}x", flush=True)


if __name__ == "__main__":
    main()
