"""Optimizers and batch size: the same network trained by full-batch gradient descent,
mini-batches of 32/64/128, stochastic gradient descent (one example per step),
momentum and Adam, with and without learning-rate decay.

Course section 3.6: gradient descent computes the gradient on the whole training set
per step (exact but slow per step); stochastic gradient descent on one example (cheap
but noisy); mini-batches sit between, and are what everyone uses. Momentum accumulates
a velocity that smooths the noise and speeds up along consistent directions; Adam adds
a per-parameter step size from running averages of the gradient and its square. A
learning rate that decays lets a run take big steps early and settle late. Every run
here starts from the same weights and sees the same number of epochs, so the curves
show the cost of a step (loss against wall time) and the value of a step (loss
against steps).
"""

from __future__ import annotations

import time

import numpy as np

from glassbox.lab._common import mnist_nchw, subsample
from glassbox.lab.runner import LabContext
from glassbox.models import extract_features
from glassbox.train import get_engine

NAME = "optimizers"
TITLE = "Optimizers and batch size"
SECTION = "3.6 Optimizers"

# (label, optimizer, learning rate, batch size or None for the full batch, options, decay)
RUNS = [
    ("GD (full batch)", "SGD", 0.5, None, {}, False),
    ("mini-batch 128", "SGD", 0.1, 128, {}, False),
    ("mini-batch 64", "SGD", 0.1, 64, {}, False),
    ("mini-batch 32", "SGD", 0.1, 32, {}, False),
    ("SGD (batch 1)", "SGD", 0.01, 1, {}, False),
    ("momentum 0.9 (batch 64)", "SGD", 0.01, 64, {"momentum": 0.9}, False),
    ("Adam (batch 64)", "Adam", 1e-3, 64, {}, False),
    ("mini-batch 64 + decay", "SGD", 0.1, 64, {}, True),
    ("SGD (batch 1) + decay", "SGD", 0.01, 1, {}, True),
    ("Adam (batch 64) + decay", "Adam", 1e-3, 64, {}, True),
]
DECAY_PER_EPOCH = 0.5  # ExponentialLR's gamma, stepped once per epoch


def mlp(nn):
    """784-64-10 with ReLU: small enough that batch-1 SGD runs in seconds.

    Examples
    --------
    >>> import glassbox as gb, glassbox.nn as nn
    >>> mlp(nn)(gb.zeros(3, 1, 28, 28)).shape
    glassbox.Size([3, 10])
    """
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10))


def run(ctx: LabContext) -> None:
    import matplotlib.pyplot as plt

    engine = get_engine(ctx.engine)
    engine.manual_seed(ctx.seed)
    x_train, y_train = mnist_nchw("train", ctx.data_dir, pad_to_32=False)
    x_test, y_test = mnist_nchw("test", ctx.data_dir, pad_to_32=False)
    n_train, epochs = (1000, 2) if ctx.quick else (10000, 3)
    x_train, y_train = subsample(x_train, y_train, n_train, ctx.rng)
    x_test, y_test = subsample(x_test, y_test, 1000 if ctx.quick else None, ctx.rng)
    n_eval = 500 if ctx.quick else 2000
    x_eval, y_eval = x_train[:n_eval], y_train[:n_eval]
    initial = engine.state_dict_to_numpy(mlp(engine.nn).state_dict())
    loss_fn = engine.nn.CrossEntropyLoss()
    eval_x, eval_y = engine.tensor(x_eval), engine.tensor(y_eval)

    def training_loss(model) -> float:
        with engine.no_grad():
            return float(engine.to_numpy(loss_fn(model(eval_x), eval_y)))

    results, curves = [], {}
    for label, name, lr, batch_size, options, decay in ctx.progress(RUNS, desc="optimizers",
                                                                     total=len(RUNS)):
        model = mlp(engine.nn)
        model.load_state_dict(engine.state_dict_from_numpy(initial))
        optimizer = getattr(engine.optim, name)(model.parameters(), lr=lr, **options)
        scheduler = (engine.optim.lr_scheduler.ExponentialLR(optimizer, DECAY_PER_EPOCH)
                     if decay else None)
        batch = batch_size or len(x_train)
        steps_per_epoch = -(-len(x_train) // batch)
        total_steps = epochs * steps_per_epoch
        # NOTE: the loss is logged at ~40 log-spaced steps (1, 2, 4, ...), so the first
        # steps of a 30,000-step run are drawn as well as the last.
        log_at = set(np.unique(np.geomspace(1, total_steps, 40).astype(int)).tolist())
        rng = np.random.default_rng(ctx.seed)  # every run sees the same shuffles
        steps, seconds, losses = [0], [0.0], [training_loss(model)]
        elapsed, step = 0.0, 0
        for _ in range(epochs):
            order = rng.permutation(len(x_train))
            for start in range(0, len(order), batch):
                index = order[start:start + batch]
                began = time.perf_counter()
                inputs, targets = engine.tensor(x_train[index]), engine.tensor(y_train[index])
                optimizer.zero_grad()
                loss_fn(model(inputs), targets).backward()
                optimizer.step()
                elapsed += time.perf_counter() - began
                step += 1
                if step in log_at:
                    # NOTE: measuring the loss is not part of training: its time is
                    # left out of the wall-time axis.
                    steps.append(step)
                    seconds.append(elapsed)
                    losses.append(training_loss(model))
            if scheduler is not None:
                scheduler.step()
        accuracy = float(np.mean(extract_features(model, x_test).argmax(1) == y_test))
        curves[label] = (steps, seconds, losses)
        results.append({"run": label, "batch": batch, "learning rate": lr, "steps": step,
                        "train seconds": elapsed, "ms per step": 1000 * elapsed / step,
                        "final training loss": losses[-1], "test accuracy": accuracy})
        key = label.replace(" ", "_").replace("(", "").replace(")", "").replace("+", "and")
        ctx.metrics[f"loss_{key}"] = losses[-1]
        ctx.metrics[f"accuracy_{key}"] = accuracy

    report = ctx.report
    report.section("Setup")
    report.text(f"A 784-64-10 ReLU network on {len(x_train):,} MNIST training digits, "
                f"{epochs} epochs for every run, all from the same initial weights and the "
                f"same shuffles, on the {engine.name} engine. The training loss is measured on "
                f"{len(x_eval):,} training images at about 40 log-spaced steps per run (not "
                f"counted in the wall time). Decay multiplies the learning rate by "
                f"{DECAY_PER_EPOCH} after every epoch (ExponentialLR).")
    fig, (ax_steps, ax_time) = plt.subplots(1, 2, figsize=(11, 4.2))
    for (label, (steps, seconds, losses)), color in zip(curves.items(), plt.cm.tab10.colors):
        style = "--" if "decay" in label else "-"
        ax_steps.plot(np.maximum(steps, 1), losses, style, color=color, label=label)
        ax_time.plot(np.maximum(seconds, 1e-4), losses, style, color=color, label=label)
    ax_steps.set_xscale("log")
    ax_time.set_xscale("log")
    ax_steps.set(xlabel="optimizer steps (log)", ylabel="training loss",
                 title="Loss against steps")
    ax_time.set(xlabel="training wall time (s, log)", ylabel="training loss",
                title="Loss against wall time")
    ax_time.legend(fontsize=7)
    fig.tight_layout()
    report.figure(fig, "loss_curves", caption="Full-batch GD makes few, expensive steps; "
                  "batch-1 SGD many cheap, noisy ones; mini-batches, momentum and Adam reach a "
                  "low loss fastest in wall time. Dashed: with learning-rate decay.")
    report.table(results, caption="The same budget of epochs for every run.")
    report.section("What to take away")
    best = min(results, key=lambda r: r["final training loss"])
    report.text(f"Lowest final training loss: {best['run']} ({best['final training loss']:.3f}). "
                "Per step, the full batch is the most accurate direction but costs a pass over "
                "the whole data; per second of computation, mini-batches win because a step "
                "on 64 examples costs little more than on one (the matrix products are "
                "vectorised) yet its gradient is far less noisy. Momentum and Adam reach the "
                "same loss in fewer steps than plain mini-batch SGD at a small learning rate; "
                "decay trades early speed for a steadier end.")
