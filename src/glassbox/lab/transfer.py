"""Transfer learning and data augmentation: reuse what a network learned on digits 0-4
to recognise digits 5-9 from few labels.

Course sections 3.4.1 (transfer learning and fine-tuning), 3.5 (data preparation) and
3.5.1 (data augmentation). A small CNN is first trained on MNIST digits 0-4. Then, on
digits 5-9, with 10, 100 or 1,000 labelled images per class, three ways of training
are compared, each with and without augmentation:

- **from scratch**: a new network, all weights random;
- **feature extraction**: the pretrained convolutional base is frozen and run once; only
  a new classification head is trained on its outputs;
- **fine-tuning**: the whole pretrained network is trained, the base with a learning
  rate ten times lower than the new head, so that it adapts without forgetting.

The digits 5-9 are split 70/20/10 into a pool for training, a validation part and a
test part; the training sets are drawn from the pool.
"""

from __future__ import annotations

import numpy as np

from glassbox.data import load_mnist, train_val_test_split
from glassbox.data.transforms import RandomAffine
from glassbox.lab._common import AugmentedLoader
from glassbox.lab.runner import LabContext
from glassbox.models import extract_features, freeze, parameter_groups
from glassbox.train import fit, get_engine

NAME = "transfer"
TITLE = "Transfer learning and augmentation: digits 0-4 to digits 5-9"
SECTION = "3.4.1 Transfer learning and fine tuning / 3.5.1 Data augmentation"

MEAN, STD = 0.1307, 0.3081


def small_cnn(nn, num_classes: int = 5):
    """A small CNN: ``0`` the convolutional base (28x28 -> 800 features), ``1`` the head.

    Base: conv 3x3 (16) -> ReLU -> max-pool 2 -> conv 3x3 (32) -> ReLU -> max-pool 2 ->
    flatten (32·5·5 = 800). Head: linear 64 -> ReLU -> linear ``num_classes``. As in the
    course, what is transferred is everything up to the last convolutional layer; the
    fully connected layers are specific to the task and are always trained anew.

    Examples
    --------
    >>> import glassbox as gb, glassbox.nn as nn
    >>> small_cnn(nn)(gb.zeros(2, 1, 28, 28)).shape
    glassbox.Size([2, 5])
    """
    base = nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2),   # (N, 16, 13, 13)
        nn.Conv2d(16, 32, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2),  # (N, 32, 5, 5)
        nn.Flatten(),                                                   # (N, 800)
    )
    head = nn.Sequential(nn.Linear(800, 64), nn.ReLU(), nn.Linear(64, num_classes))
    return nn.Sequential(base, head)


def _digits(split: str, digits: range, data_dir) -> tuple[np.ndarray, np.ndarray]:
    images, labels = load_mnist(split, data_dir=data_dir, as_float=True)
    keep = np.isin(labels, list(digits))
    x = (images[keep, None] - np.float32(MEAN)) / np.float32(STD)  # (N, 1, 28, 28)
    return x.astype(np.float32), labels[keep] - digits.start       # classes 0..4


def _per_class(x, y, n, rng):
    """``n`` images of each class."""
    index = np.concatenate([rng.choice(np.flatnonzero(y == c), size=n, replace=False)
                            for c in np.unique(y)])
    return x[index], y[index]


def run(ctx: LabContext) -> None:
    import matplotlib.pyplot as plt

    engine = get_engine(ctx.engine)
    engine.manual_seed(ctx.seed)
    nn, rng = engine.nn, ctx.rng
    loss_fn = nn.CrossEntropyLoss()
    background = np.float32(-MEAN / STD)  # the normalised value of a black pixel
    augment = RandomAffine(degrees=10, translate=(0.1, 0.1), fill=float(background),
                           generator=rng)

    # 1. Pretraining on digits 0-4.
    x_source, y_source = _digits("train", range(0, 5), ctx.data_dir)
    pretrain_epochs = 2 if ctx.quick else 3
    if ctx.quick:
        x_source, y_source = _per_class(x_source, y_source, 300, rng)
    pretrained = small_cnn(nn)
    history = fit(pretrained, AugmentedLoader(engine, x_source, y_source, 64, rng),
                  None, loss_fn, engine.optim.Adam(pretrained.parameters(), lr=1e-3),
                  epochs=pretrain_epochs, metrics=["accuracy"], progress=ctx.show_progress)
    ctx.metrics["pretrain_train_accuracy"] = history["train_accuracy"][-1]
    base_state = engine.state_dict_to_numpy(pretrained[0].state_dict())

    # 2. Digits 5-9: a 70/20/10 split, training sets drawn from the 70 %.
    x_target, y_target = _digits("train", range(5, 10), ctx.data_dir)
    x_pool, x_val, x_test, y_pool, y_val, y_test = train_val_test_split(
        x_target, y_target, sizes=(0.7, 0.2, 0.1), seed=ctx.seed)
    n_val_part = len(x_val)
    # NOTE: validation runs after every epoch (up to ~150 epochs for the 10-per-class
    # runs), so it uses a fixed subset of the validation part; the test part is whole.
    x_val, y_val = _per_class(x_val, y_val, 20 if ctx.quick else 200, rng)
    if ctx.quick:
        x_test, y_test = _per_class(x_test, y_test, 60, rng)
    sizes = (10, 100) if ctx.quick else (10, 100, 1000)

    def new_model(pretrained_base: bool):
        model = small_cnn(nn)
        if pretrained_base:
            model[0].load_state_dict(engine.state_dict_from_numpy(base_state))
        return model

    def epochs_for(n_images: int, batch: int) -> int:
        # NOTE: a fixed number of epochs would give the 10-per-class runs a handful of
        # updates; every run gets at least `min_steps` optimizer steps instead.
        min_steps = 40 if ctx.quick else 300
        return max(3 if ctx.quick else 5, -(-min_steps // -(-n_images // batch)))

    results, curves = [], {}
    runs = [(n, method, aug) for n in sizes
            for method in ("from scratch", "feature extraction", "fine-tuning")
            for aug in (False, True)]
    for n, method, aug in ctx.progress(runs, desc="runs", total=len(runs)):
        x_train, y_train = _per_class(x_pool, y_pool, n, rng)
        batch = min(32, 5 * n)
        epochs = epochs_for(len(x_train), batch)
        transform = augment if aug else None
        model = new_model(pretrained_base=method != "from scratch")
        if method == "feature extraction":
            freeze(model[0])
            model[0].eval()  # the base is fixed: no dropout / BN updates either
            if not aug:
                # Run the frozen base once; train the head on the stored features.
                features = extract_features(model[0], x_train)
                head = model[1]
                history = fit(head, AugmentedLoader(engine, features, y_train, batch, rng),
                              AugmentedLoader(engine, extract_features(model[0], x_val),
                                              y_val, 1000, rng, shuffle=False),
                              loss_fn, engine.optim.Adam(head.parameters(), lr=1e-3),
                              epochs=epochs, metrics=["accuracy"], progress=False)
            else:
                # Augmented images give new features every epoch: the base runs each time.
                history = fit(model, AugmentedLoader(engine, x_train, y_train, batch, rng,
                                                     transform),
                              AugmentedLoader(engine, x_val, y_val, 1000, rng, shuffle=False),
                              loss_fn, engine.optim.Adam(model[1].parameters(), lr=1e-3),
                              epochs=epochs, metrics=["accuracy"], progress=False)
        else:
            if method == "fine-tuning":
                groups = parameter_groups(model, {"0": 1e-4}, default_lr=1e-3)
            else:
                groups = model.parameters()
            history = fit(model, AugmentedLoader(engine, x_train, y_train, batch, rng,
                                                 transform),
                          AugmentedLoader(engine, x_val, y_val, 1000, rng, shuffle=False),
                          loss_fn, engine.optim.Adam(groups, lr=1e-3), epochs=epochs,
                          metrics=["accuracy"], progress=False)
        model.eval()
        accuracy = float(np.mean(extract_features(model, x_test).argmax(1) == y_test))
        label = f"{method}{' + augmentation' if aug else ''}"
        results.append({"images per class": n, "method": label, "test accuracy": accuracy,
                        "epochs": epochs})
        curves[(n, label)] = history["val_accuracy"]
        ctx.metrics[f"acc_{n}_{method.replace(' ', '_').replace('-', '_')}"
                    f"{'_aug' if aug else ''}"] = accuracy

    report = ctx.report
    report.section("Pretraining on digits 0-4")
    report.text(f"A small CNN (two 3x3 convolutions with max-pooling as the base; a 64-unit "
                f"layer and a 5-way output as the head) trained {pretrain_epochs} epoch(s) on "
                f"{len(x_source):,} images "
                f"of digits 0-4 reaches {100 * ctx.metrics['pretrain_train_accuracy']:.1f} % "
                "training accuracy. Its convolutional base (layer '0', up to the last "
                "convolution) is what is transferred; the head is always new.")
    report.section("Digits 5-9 from few labels")
    report.text(f"Digits 5-9 of the MNIST training set split 70/20/10 (stratified): "
                f"{len(x_pool):,} images to draw training sets from, {n_val_part:,} to "
                f"validate (a fixed subset of {len(x_val):,} is used after each epoch), "
                f"{len(x_test):,} to test. Feature extraction trains only the head "
                "(lr 1e-3) on the frozen base; fine-tuning trains the head at lr 1e-3 and the "
                "base at lr 1e-4 (parameter groups); from scratch trains everything at 1e-3.")
    table = {}
    for row in results:
        table.setdefault(row["method"], {"method": row["method"]})[
            f"{row['images per class']} / class"] = row["test accuracy"]
    report.table(list(table.values()), caption="Test accuracy on digits 5-9.")
    fig, ax = plt.subplots(figsize=(7, 4))
    for method, row in table.items():
        ax.plot(sizes, [row[f"{n} / class"] for n in sizes], "o-" if "aug" in method else "s--",
                label=method)
    ax.set_xscale("log")
    ax.set(xlabel="labelled images per class", ylabel="test accuracy",
           title="Accuracy against the number of labels")
    ax.legend(fontsize=8)
    report.figure(fig, "accuracy_vs_labels", caption="With few labels the pretrained base "
                  "helps most; with many, training from scratch catches up.")
    n_curve = sizes[1]
    fig, ax = plt.subplots(figsize=(7, 4))
    for (n, label), values in curves.items():
        if n == n_curve:
            ax.plot(np.arange(1, len(values) + 1), values, label=label)
    ax.set(xlabel="epoch", ylabel="validation accuracy",
           title=f"Validation accuracy per epoch, {n_curve} images per class")
    ax.legend(fontsize=8)
    report.figure(fig, "learning_curves", caption="Pretrained starts are far ahead of random "
                                                  "ones from the first epoch.")
    report.section("Which augmentations are safe?")
    report.text("Augmentation makes new training images from old ones by transformations "
                "that keep the label. For digits only small rotations (here within 10 "
                "degrees) and shifts (10 % of the side) qualify: a 6 rotated by 180 degrees "
                "is a 9, a horizontally flipped 2 or 5 is no digit at all, and a 7 rotated "
                "far enough looks like a 1. Photos of cats survive a horizontal flip; digits, "
                "text and road signs do not. What is safe depends on the data.")
    fig, axes = plt.subplots(2, 8, figsize=(10, 2.8))
    sample = x_test[:8]
    augmented = augment(sample)
    for i in range(8):
        axes[0, i].imshow(sample[i, 0], cmap="gray")
        axes[1, i].imshow(augmented[i, 0], cmap="gray")
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 0].set_ylabel("original")
    axes[1, 0].set_ylabel("augmented")
    report.figure(fig, "augmentation", caption="Test digits (top) and random label-preserving "
                                               "rotations and shifts of them (bottom).")
