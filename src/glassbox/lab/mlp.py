"""Training an artificial neural network: is an MNIST digit odd or even?

Course section 2.1-2.2.1 (and 3.7's learning curves): a fully connected network reads
the 784 pixels of a handwritten digit and outputs the probability that the digit is odd
(a binary classification). The pieces are the course's: a sigmoid output with binary
cross-entropy, the Adam optimizer, accuracy / precision / recall, and a training set,
a validation set and a test set (70/20/10 of the 60,000 training images, plus the 10,000
official test images for the final figure). The report shows the learning curves, a
second run that over-fits on purpose (few images, a large network, no regularisation)
and the gap it opens between training and validation, the confusion matrix, the
digits the network gets wrong, and the activation functions with their derivatives.

Why sigmoid + BCE rather than a 2-way softmax + cross-entropy: for two classes they are
the same model. ``softmax([z1, z2])[1] = 1 / (1 + exp(z1 - z2)) = sigmoid(z2 - z1)``,
so two output neurons only learn one useful number, their difference; one neuron with a
sigmoid learns it directly, and the course's binary cross-entropy
``-[y log p + (1 - y) log(1 - p)]`` is then the cross-entropy of the two-class case.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from glassbox.data import load_mnist, train_val_test_split
from glassbox.lab._common import plot_confusion_matrix, plot_learning_curves
from glassbox.lab.runner import LabContext
from glassbox.learn.metrics import (
    accuracy_score,
    confusion_matrix,
    precision_recall_fscore_support,
    specificity_score,
)
from glassbox.models import extract_features
from glassbox.train import EarlyStopping, fit, get_engine

NAME = "mlp"
TITLE = "Training an MLP: odd or even MNIST digits"
SECTION = "2.1 Training an artificial neural network / 2.2.1 Binary classification"

CLASS_NAMES = ["even", "odd"]  # label 1 = odd: the positive class of precision and recall
CURVE_OPTIONS = {"loss_name": "binary cross-entropy", "loss_scale": "log"}


def build_mlp(nn: Any, sizes: list[int], dropout: float = 0.0) -> Any:
    """A fully connected network ``sizes[0] -> ... -> sizes[-1]`` with ReLU hidden layers and
    a sigmoid output; ``nn`` is ``glassbox.nn`` or ``torch.nn``.

    Examples
    --------
    >>> import glassbox.nn as nn
    >>> build_mlp(nn, [784, 256, 1])
    Sequential(
      (0): Linear(in_features=784, out_features=256, bias=True)
      (1): ReLU()
      (2): Linear(in_features=256, out_features=1, bias=True)
      (3): Sigmoid()
    )
    """
    layers = []
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
    layers += [nn.Linear(sizes[-2], sizes[-1]), nn.Sigmoid()]
    return nn.Sequential(*layers)


def _count_parameters(model: Any) -> int:
    return int(sum(np.prod(tuple(p.shape)) for p in model.parameters()))


def _predict_proba(model: Any, x: np.ndarray) -> np.ndarray:
    """P(odd) for every row of ``x`` (eval mode, no graph), shape (N,)."""
    return extract_features(model, x, batch_size=2000).reshape(-1)


def _load_data(ctx: LabContext) -> dict[str, np.ndarray]:
    """Pixels in [0, 1] as (N, 784) float32, targets odd = 1.0 as (N, 1) float32."""
    images, digits = load_mnist("train", data_dir=ctx.data_dir, as_float=True)
    test_images, test_digits = load_mnist("test", data_dir=ctx.data_dir, as_float=True)
    x = images.reshape(len(images), 28 * 28)  # (60000, 784): the image read pixel by pixel
    # 70 / 20 / 10, stratified on the digit (so every digit is in each part in proportion).
    x_train, x_val, x_dev, d_train, d_val, d_dev = train_val_test_split(
        x, digits, sizes=(0.7, 0.2, 0.1), seed=ctx.seed)
    data = {"x_train": x_train, "d_train": d_train, "x_val": x_val, "d_val": d_val,
            "x_dev": x_dev, "d_dev": d_dev,
            "x_test": test_images.reshape(len(test_images), 28 * 28), "d_test": test_digits}
    if ctx.quick:
        for part, n in (("train", 3000), ("val", 1000), ("dev", 1000), ("test", 2000)):
            keep = np.sort(ctx.rng.choice(len(data[f"x_{part}"]), size=n, replace=False))
            data[f"x_{part}"], data[f"d_{part}"] = data[f"x_{part}"][keep], data[f"d_{part}"][keep]
    for part in ("train", "val", "dev", "test"):
        data[f"y_{part}"] = (data[f"d_{part}"] % 2).astype(np.float32).reshape(-1, 1)
    return data


def run(ctx: LabContext) -> None:
    engine = get_engine(ctx.engine)
    engine.manual_seed(ctx.seed)
    report = ctx.report
    data = _load_data(ctx)

    # ------------------------------------------------------------------ the data
    report.section("The task and the data")
    report.text(
        "Each 28x28 MNIST image is fed to the network pixel by pixel (784 inputs in [0, 1]); "
        "the target is 1 when the digit is odd and 0 when it is even. The 60,000 training "
        "images are split 70/20/10 (stratified on the digit) into a training set (the "
        "weights are fitted on it), a validation set (watched after every epoch, to see "
        "over-fitting and choose the epoch) and a development test set; the 10,000 "
        "official test images, never seen during training, give the final figure.")
    report.table([{"part": part, "images": len(data[f"y_{part}"]),
                   "odd (%)": round(100 * float(data[f"y_{part}"].mean()), 2)}
                  for part in ("train", "val", "dev", "test")], caption="Data splits")
    report.figure(_plot_examples(data["x_train"][:24], data["d_train"][:24]), "examples",
                  caption="Training images with their digit and class.")

    # ------------------------------------------------------------------ main run
    sizes, dropout = [784, 256, 128, 1], 0.2
    epochs = 6 if ctx.quick else 25
    batch_size, lr = 128, 1e-3
    model = build_mlp(engine.nn, sizes, dropout)
    optimizer = engine.optim.Adam(model.parameters(), lr=lr)
    scheduler = engine.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    train_loader = engine.data_loader(data["x_train"], data["y_train"], batch_size=batch_size,
                                      shuffle=True)
    val_loader = engine.data_loader(data["x_val"], data["y_val"], batch_size=2000)
    checkpoint_dir = ctx.path("checkpoints")
    started = time.perf_counter()
    history = fit(model, train_loader, val_loader, engine.nn.BCELoss(), optimizer, epochs,
                  scheduler, metrics=["accuracy"], checkpoint_dir=checkpoint_dir,
                  callbacks=[EarlyStopping(monitor="val_accuracy", mode="max", patience=6)],
                  progress=ctx.show_progress, monitor="val_accuracy", mode="max")
    train_seconds = time.perf_counter() - started
    # The final model is the epoch with the best validation accuracy (the best checkpoint).
    model.load_state_dict(engine.load_state(checkpoint_dir / "best.safetensors"))
    best_epoch = history.best_epoch("val_accuracy", mode="max")
    engine.save_state(model.state_dict(), ctx.path("mlp.safetensors"),
                      metadata={"architecture": "-".join(map(str, sizes)),
                                "epoch": str(best_epoch), "engine": engine.name})

    report.section("The network")
    report.text(
        f"A multilayer perceptron {'-'.join(map(str, sizes))}: two hidden layers with ReLU "
        f"activations (and dropout {dropout:g} after each, a regulariser) and one output "
        "neuron with a sigmoid, so the output is P(odd). "
        f"{_count_parameters(model):,} parameters, trained with Adam (lr {lr:g}, cosine "
        f"decay over {epochs} epochs, mini-batches of {batch_size}) on the binary "
        "cross-entropy. The kept model is the epoch with the best validation accuracy "
        "(early stopping with patience 6 on it). A single sigmoid output with BCE is the "
        "two-class softmax with cross-entropy: softmax([z1, z2])[1] = sigmoid(z2 - z1).")
    report.code(repr(model))

    report.section("Learning curves")
    report.figure(plot_learning_curves({"MLP": history}, **CURVE_OPTIONS), "learning_curves",
                  caption="Training (solid) and validation (dashed) loss and accuracy per epoch.")
    report.text(
        "Late in training the validation loss can rise while the validation accuracy still "
        "improves: the few validation digits the network gets wrong, it gets wrong with more "
        "and more confidence (the cross-entropy punishes a confident mistake without bound), "
        "while more digits land on the right side of 0.5. This is the first sign of "
        "over-fitting; the kept model is chosen on the accuracy, the quantity reported.")
    report.table([{"epoch": e, "train loss": tl, "val loss": vl, "train acc": ta, "val acc": va,
                   "lr": lr_e}
                  for e, tl, vl, ta, va, lr_e in zip(
                      history["epoch"], history["train_loss"], history["val_loss"],
                      history["train_accuracy"], history["val_accuracy"], history["lr"])],
                 caption=f"Per-epoch history (best validation loss at epoch {best_epoch}).")

    # ------------------------------------------------------------------ test results
    proba = _predict_proba(model, data["x_test"])
    y_true = data["y_test"].reshape(-1).astype(int)
    y_pred = (proba > 0.5).astype(int)
    precision, recall, f1, _ = precision_recall_fscore_support(y_true, y_pred, average="binary")
    test_accuracy = float(accuracy_score(y_true, y_pred))
    dev_accuracy = float(accuracy_score(
        data["y_dev"].reshape(-1).astype(int),
        (_predict_proba(model, data["x_dev"]) > 0.5).astype(int)))
    matrix = confusion_matrix(y_true, y_pred, labels=[0, 1])
    report.section("Test results")
    report.text("Positive class: odd. Precision = TP / (TP + FP), recall = TP / (TP + FN), "
                "specificity = TN / (TN + FP), F1 = their harmonic mean.")
    report.table([
        {"metric": "accuracy (official test set)", "value": test_accuracy},
        {"metric": "accuracy (development test split)", "value": dev_accuracy},
        {"metric": "precision (odd)", "value": float(precision)},
        {"metric": "recall (odd)", "value": float(recall)},
        {"metric": "specificity", "value": float(specificity_score(y_true, y_pred))},
        {"metric": "F1 (odd)", "value": float(f1)},
    ], caption=f"{len(y_true):,} test images")
    report.figure(plot_confusion_matrix(matrix, CLASS_NAMES), "confusion_matrix",
                  caption="Confusion matrix on the test set (rows: true class).")
    digits = data["d_test"]
    error_by_digit = [float(np.mean(y_pred[digits == d] != y_true[digits == d]))
                      for d in range(10)]
    report.figure(_plot_error_by_digit(error_by_digit), "error_by_digit",
                  caption="Test error rate by digit: which digits the network finds ambiguous.")
    wrong = np.flatnonzero(y_pred != y_true)
    wrong = wrong[np.argsort(-np.abs(proba[wrong] - 0.5))][:32]  # the most confident errors
    if len(wrong):
        report.figure(_plot_misclassified(data["x_test"][wrong], digits[wrong], proba[wrong]),
                      "misclassified",
                      caption="The most confident mistakes: digit, and P(odd) given by the net.")

    # ------------------------------------------------------------------ over-fitting
    overfit_history, overfit_setup = _overfit_run(ctx, engine, data)
    report.section("Over-fitting on purpose")
    report.text(
        f"The same task with only {overfit_setup['train_size']} training images, a much "
        f"larger network ({overfit_setup['architecture']}, "
        f"{overfit_setup['parameters']:,} parameters) and no regularisation (no dropout, "
        "no weight decay, no early stopping). The training loss goes to zero while the "
        "validation loss stops falling and rises: the network memorises the training images "
        "instead of learning what makes a digit odd. The distance between the two curves is "
        "over-fitting; the main run keeps it small with "
        f"{len(data['y_train']) / overfit_setup['train_size']:.0f} times more data, dropout "
        "and early stopping.")
    report.figure(plot_learning_curves({"main run": history, "over-fitting run": overfit_history},
                                       **CURVE_OPTIONS),
                  "overfitting", caption="Main run vs the over-fitting run: train (solid) and "
                                         "validation (dashed).")
    gap = overfit_history["val_loss"][-1] - overfit_history["train_loss"][-1]
    report.table([
        {"run": "main", "train loss": history["train_loss"][best_epoch - 1],
         "val loss": history["val_loss"][best_epoch - 1],
         "train acc": history["train_accuracy"][best_epoch - 1],
         "val acc": history["val_accuracy"][best_epoch - 1]},
        {"run": "over-fitting", "train loss": overfit_history["train_loss"][-1],
         "val loss": overfit_history["val_loss"][-1],
         "train acc": overfit_history["train_accuracy"][-1],
         "val acc": overfit_history["val_accuracy"][-1]},
    ], caption="Final (main: best epoch) losses and accuracies")

    # ------------------------------------------------------------------ activations
    report.section("Activation functions and their derivatives")
    report.text(
        "The derivatives are computed by the engine's autograd (backward of the sum of the "
        "activations) and checked against the formulas: sigmoid' = s(1 - s), "
        "tanh' = 1 - tanh^2, ReLU' = [x > 0], leaky ReLU' = 1 or 0.1, and for the softmax "
        "d p_i / d z_i = p_i (1 - p_i). Sigmoid and tanh saturate (their derivative vanishes "
        "for large |x|, which slows the training of deep networks); ReLU does not for x > 0.")
    activation_figure, max_derivative_error = _plot_activations(engine)
    report.figure(activation_figure, "activations",
                  caption="Activations (top) and derivatives from autograd (bottom).")

    ctx.metrics.update({
        "test_accuracy": test_accuracy, "dev_accuracy": dev_accuracy,
        "test_precision": float(precision), "test_recall": float(recall),
        "test_f1": float(f1), "confusion_matrix": matrix.tolist(),
        "best_epoch": best_epoch, "epochs_run": len(history),
        "best_val_accuracy": history["val_accuracy"][best_epoch - 1],
        "train_size": len(data["y_train"]), "train_seconds": train_seconds,
        "seconds_per_epoch": train_seconds / len(history),
        "overfit_train_loss": overfit_history["train_loss"][-1],
        "overfit_val_loss": overfit_history["val_loss"][-1],
        "overfit_min_val_loss": min(overfit_history["val_loss"]),
        "overfit_gap": gap,
        "overfit_accuracy_gap": overfit_history["train_accuracy"][-1]
        - overfit_history["val_accuracy"][-1],
        "activation_derivative_max_error": max_derivative_error,
        "error_rate_by_digit": error_by_digit,
    })


def _overfit_run(ctx: LabContext, engine: Any, data: dict[str, np.ndarray]) -> tuple[Any, dict]:
    """A small training set, a big network, no regularisation, many epochs."""
    if ctx.quick:
        n_train, n_val, epochs, sizes = 200, 300, 30, [784, 512, 512, 1]
    else:
        n_train, n_val, epochs, sizes = 500, 2000, 60, [784, 1024, 1024, 1]
    model = build_mlp(engine.nn, sizes)
    optimizer = engine.optim.Adam(model.parameters(), lr=1e-3)
    train_loader = engine.data_loader(data["x_train"][:n_train], data["y_train"][:n_train],
                                      batch_size=64, shuffle=True)
    val_loader = engine.data_loader(data["x_val"][:n_val], data["y_val"][:n_val],
                                    batch_size=2000)
    history = fit(model, train_loader, val_loader, engine.nn.BCELoss(), optimizer, epochs,
                  metrics=["accuracy"], progress=ctx.show_progress)
    return history, {"train_size": n_train, "architecture": "-".join(map(str, sizes)),
                     "parameters": _count_parameters(model)}


# ---------------------------------------------------------------------- figures
def _plot_examples(x: np.ndarray, digits: np.ndarray):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, 8, figsize=(8, 3.3))
    for ax, image, digit in zip(axes.flat, x, digits):
        ax.imshow(image.reshape(28, 28), cmap="gray_r")
        ax.set_title(f"{digit}: {CLASS_NAMES[digit % 2]}", fontsize=8)
        ax.axis("off")
    fig.tight_layout()
    return fig


def _plot_error_by_digit(error_by_digit: list[float]):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(range(10), [100 * e for e in error_by_digit],
           color=["tab:blue" if d % 2 == 0 else "tab:orange" for d in range(10)])
    ax.set_xticks(range(10))
    ax.set(xlabel="digit (blue even, orange odd)", ylabel="test error (%)")
    fig.tight_layout()
    return fig


def _plot_misclassified(x: np.ndarray, digits: np.ndarray, proba: np.ndarray):
    import matplotlib.pyplot as plt

    columns = 8
    rows = int(np.ceil(len(x) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(8, 1.25 * rows + 0.3), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, digit, p in zip(axes.flat, x, digits, proba):
        ax.imshow(image.reshape(28, 28), cmap="gray_r")
        ax.set_title(f"{digit}  P(odd)={p:.2f}", fontsize=7)
    fig.tight_layout()
    return fig


def _plot_activations(engine: Any) -> tuple[Any, float]:
    """Each activation and its derivative by autograd; returns the figure and the largest
    difference between autograd's derivative and the closed-form one."""
    import matplotlib.pyplot as plt

    F = engine.functional
    z = np.linspace(-5, 5, 401)
    sigmoid = 1 / (1 + np.exp(-z))
    closed_form = {  # name: (function of a tensor, derivative from the formula)
        "sigmoid": (F.sigmoid, sigmoid * (1 - sigmoid)),
        "tanh": (F.tanh, 1 - np.tanh(z) ** 2),
        "ReLU": (F.relu, (z > 0).astype(float)),
        "leaky ReLU (0.1)": (lambda t: F.leaky_relu(t, 0.1), np.where(z > 0, 1.0, 0.1)),
        # softmax over (z, 0, -1): p_0 as a function of z, d p_0 / d z = p_0 (1 - p_0)
        "softmax p0 of (z, 0, -1)": (None, None),
    }
    logits = np.stack([z, np.zeros_like(z), -np.ones_like(z)], axis=1)  # (401, 3)
    p0 = np.exp(z) / (np.exp(z) + 1 + np.exp(-1))
    closed_form["softmax p0 of (z, 0, -1)"] = (None, p0 * (1 - p0))

    fig, axes = plt.subplots(2, len(closed_form), figsize=(13, 4.6), sharex=True)
    max_error = 0.0
    for column, (name, (function, derivative)) in enumerate(closed_form.items()):
        if function is None:  # the softmax: differentiate p_0 with respect to z
            x = engine.tensor(logits, dtype=np.float64).requires_grad_(True)
            values = F.softmax(x, dim=1)[:, 0]
            values.sum().backward()
            value_np = engine.to_numpy(values)
            grad = engine.to_numpy(x.grad)[:, 0]
        else:
            x = engine.tensor(z, dtype=np.float64).requires_grad_(True)
            values = function(x)
            # The derivative of each output w.r.t. its own input: d(sum f(x_i))/dx_i = f'(x_i)
            values.sum().backward()
            value_np, grad = engine.to_numpy(values), engine.to_numpy(x.grad)
        smooth = np.abs(z) > 1e-9  # ReLU's kink at 0: either one-sided derivative is fine
        max_error = max(max_error, float(np.max(np.abs(grad - derivative)[smooth])))
        axes[0, column].plot(z, value_np, color="tab:blue")
        axes[0, column].set_title(name, fontsize=9)
        axes[1, column].plot(z, grad, color="tab:red", label="autograd")
        axes[1, column].plot(z[::20], derivative[::20], "k.", markersize=3, label="formula")
        axes[1, column].set_xlabel("x")
        for ax in axes[:, column]:
            ax.grid(alpha=0.3)
    axes[1, 0].legend(fontsize=7)
    axes[0, 0].set_ylabel("f(x)")
    axes[1, 0].set_ylabel("f'(x)")
    fig.tight_layout()
    return fig, max_error
