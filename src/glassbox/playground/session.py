"""One playground session: a glassbox ``nn.Sequential`` trained on the page's data.

A :class:`Session` holds the settings, the data (split into training and test points),
the network, its optimizer and the loss history. The page's buttons map onto its
methods: :meth:`Session.update` (a control changed), :meth:`Session.train_epoch`
(one frame of "play", or "step"), :meth:`Session.reset`, :meth:`Session.upload`. What
the page draws comes from :meth:`Session.frame`; what a click on a neuron or a weight
shows comes from :meth:`Session.inspect`.

Training is plain glassbox, the loop a learner would write::

    for batch in epoch:                       # order: rng.permutation(n_train)
        optimizer.zero_grad()
        loss = loss_fn(model(x[batch]), y[batch]) + penalty(model)
        loss.backward()
        optimizer.step()

with ``loss_fn`` binary cross-entropy on a sigmoid output (two classes), cross-entropy
on a softmax output (3-5 classes) or squared error (regression), and ``penalty`` the L1
(``rate * sum |w|``) or L2 (``rate * sum w^2 / 2``) norm of the weights (not the
biases), as in the TensorFlow Playground.

Seeds: with ``s = settings.seed`` the data come from ``default_rng(s)``, the
train/test split from ``default_rng([s, 1])``, the initial weights from
``default_rng([s, 2])`` (torch's default distribution, U(-1/sqrt(fan_in),
1/sqrt(fan_in))) and the batch order from ``default_rng([s, 3])``, one permutation per
epoch. No global random state is touched, so sessions do not disturb each other.
"""

from __future__ import annotations

import base64
import math

import numpy as np

import glassbox as gb
import glassbox.nn.functional as F
from glassbox import nn, optim
from glassbox.playground.datasets import DOMAIN, Dataset, features, generate
from glassbox.playground.settings import FEATURES, Settings

__all__ = ["Session", "build_model", "heat_bytes", "NEURON_GRID", "OUTPUT_GRID"]

NEURON_GRID = 20   # heat map of each neuron: NEURON_GRID x NEURON_GRID cells
OUTPUT_GRID = 50   # decision map of the output
DATA_FIELDS = ("problem", "dataset", "classes", "noise", "train_ratio", "seed")
NETWORK_FIELDS = ("features", "hidden", "activation", "optimizer")
ACTIVATION_MODULES = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
                      "linear": nn.Identity}
ACTIVATION_FORMULAS = {"relu": ("max(0, z)", "1 if z > 0 else 0"),
                       "tanh": ("tanh(z)", "1 − tanh²(z)"),
                       "sigmoid": ("σ(z) = 1 / (1 + e^(−z))", "σ(z)(1 − σ(z))"),
                       "linear": ("z", "1")}


def build_model(n_inputs: int, hidden: tuple[int, ...], n_outputs: int, activation: str,
                seed: int) -> nn.Sequential:
    """``Linear, activation, ..., Linear``: the network of the page, seeded.

    Examples
    --------
    >>> build_model(2, (8, 8), 1, "tanh", seed=0)
    Sequential(
      (0): Linear(in_features=2, out_features=8, bias=True)
      (1): Tanh()
      (2): Linear(in_features=8, out_features=8, bias=True)
      (3): Tanh()
      (4): Linear(in_features=8, out_features=1, bias=True)
    )
    """
    sizes = [n_inputs, *hidden, n_outputs]
    layers: list[nn.Module] = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out))
        if index < len(sizes) - 2:
            layers.append(ACTIVATION_MODULES[activation]())
    model = nn.Sequential(*layers)
    # NOTE: a private generator, not gb.manual_seed: several sessions live in one process.
    generator = np.random.default_rng([seed, 2])
    state = {}
    for index, layer in enumerate(model):
        if isinstance(layer, nn.Linear):
            bound = 1.0 / math.sqrt(layer.in_features)  # torch's default for weight and bias
            for name in ("weight", "bias"):
                shape = getattr(layer, name).shape
                state[f"{index}.{name}"] = generator.uniform(-bound, bound, size=shape) \
                    .astype(np.float32)
    model.load_state_dict(state)
    return model


def make_optimizer(name: str, parameters, lr: float) -> optim.Optimizer:
    """``sgd``: plain SGD; ``momentum``: SGD with momentum 0.9; ``adam``: Adam.

    Examples
    --------
    >>> make_optimizer("momentum", nn.Linear(2, 1).parameters(), lr=0.1).defaults["momentum"]
    0.9
    """
    if name == "sgd":
        return optim.SGD(parameters, lr=lr)
    if name == "momentum":
        return optim.SGD(parameters, lr=lr, momentum=0.9)
    return optim.Adam(parameters, lr=lr)


def heat_bytes(values: np.ndarray) -> str:
    """Values in [-1, 1] (clipped) as base64 bytes 0..255, the page's colour index.

    Examples
    --------
    >>> list(base64.b64decode(heat_bytes(np.array([-1.0, 0.0, 1.0, 7.0]))))
    [0, 128, 255, 255]
    """
    values = np.nan_to_num(values, nan=0.0)  # a diverged network draws as zero
    levels = np.rint((np.clip(values, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)
    return base64.b64encode(levels.tobytes()).decode("ascii")


def _grid(cells: int) -> np.ndarray:
    """Cell centres of the square [-6, 6]^2, row by row from the top (x2 = +6) down."""
    centres = -DOMAIN + (np.arange(cells) + 0.5) * (2 * DOMAIN / cells)
    x1, x2 = np.meshgrid(centres, centres[::-1])
    return np.stack([x1.ravel(), x2.ravel()], axis=1)  # (cells * cells, 2)


class Session:
    """The state of one browser tab: settings, data, network, optimizer and history.

    Parameters
    ----------
    settings : Settings, optional
        Defaults to ``Settings()``. With ``dataset="upload"``, ``data`` must be given.
    data : Dataset, optional
        Uploaded points (see :func:`glassbox.playground.datasets.parse_csv`).

    Examples
    --------
    >>> session = Session(Settings(dataset="gauss", hidden=(4,)))
    >>> session.train_epoch()
    >>> frame = session.frame()
    >>> frame["epoch"], frame["test_accuracy"] > 0.9
    (1, True)
    """

    def __init__(self, settings: Settings | None = None, data: Dataset | None = None) -> None:
        self.settings = settings if settings is not None else Settings()
        self.uploaded = data
        self._grid_neurons = _grid(NEURON_GRID)
        self._grid_output = _grid(OUTPUT_GRID)
        self._new_data()

    # ------------------------------------------------------------------ building
    def _new_data(self) -> None:
        s = self.settings
        if s.dataset == "upload":
            if self.uploaded is None:
                raise ValueError("dataset: 'upload' needs a CSV file; none was uploaded.")
            data = self.uploaded
        else:
            data = generate(s)
        self.data = data
        n = len(data.y)
        order = np.random.default_rng([s.seed, 1]).permutation(n)
        n_train = min(max(1, round(n * s.train_ratio / 100)), n - 1)
        self.train_index, self.test_index = order[:n_train], order[n_train:]
        self.reset()

    @property
    def n_outputs(self) -> int:
        """One output (sigmoid, or regression) or one per class (softmax)."""
        return self.data.n_classes if self.data.n_classes > 2 else 1

    @property
    def kind(self) -> str:
        """``binary``, ``multiclass`` or ``regression``: which loss and output."""
        if not self.data.is_classification:
            return "regression"
        return "binary" if self.data.n_classes == 2 else "multiclass"

    def reset(self) -> None:
        """New initial weights (from the seed), a fresh optimizer, epoch 0."""
        s = self.settings
        # NOTE: kept as arrays; a batch is cut with NumPy and wrapped (no graph node).
        self.inputs_train = features(self.data.X[self.train_index], s.features)
        self.inputs_test = features(self.data.X[self.test_index], s.features)
        self.targets_train = self._targets(self.data.y[self.train_index])
        self.targets_test = self._targets(self.data.y[self.test_index])
        self.model = build_model(len(s.features), s.hidden, self.n_outputs, s.activation,
                                 s.seed)
        self.optimizer = make_optimizer(s.optimizer, self.model.parameters(), s.learning_rate)
        self.batch_order = np.random.default_rng([s.seed, 3])
        self.epoch = 0
        self.steps = 0
        self.history: list[tuple[int, float, float]] = []  # (epoch, train loss, test loss)
        self._record_losses()

    def _targets(self, y: np.ndarray) -> np.ndarray:
        if self.kind == "multiclass":
            return y.astype(np.int64)
        return y.astype(np.float32).reshape(-1, 1)  # (n, 1) like the output

    def update(self, settings: Settings) -> str:
        """Apply new settings; return what had to be rebuilt.

        ``"data"``: new points and a new network (a data field changed: problem,
        dataset, classes, noise, train_ratio, seed); ``"network"``: a new network
        (features, hidden, activation, optimizer); ``"none"``: the change applies to
        the next steps as they are (learning rate, regularization, batch size) or only
        to the picture.
        """
        old, self.settings = self.settings, settings
        try:
            if any(getattr(old, f) != getattr(settings, f) for f in DATA_FIELDS):
                self._new_data()
                return "data"
            if any(getattr(old, f) != getattr(settings, f) for f in NETWORK_FIELDS):
                self.reset()
                return "network"
        except ValueError:
            self.settings = old
            raise
        for group in self.optimizer.param_groups:
            group["lr"] = settings.learning_rate
        return "none"

    def upload(self, data: Dataset) -> None:
        """Train on uploaded points from now on (``dataset`` becomes ``"upload"``)."""
        problem = "classification" if data.is_classification else "regression"
        self.uploaded = data
        self.settings = self.settings.replace(problem=problem, dataset="upload")
        self._new_data()

    # ------------------------------------------------------------------ training
    def loss_function(self, output: gb.Tensor, target: gb.Tensor) -> gb.Tensor:
        """Binary cross-entropy on logits, cross-entropy, or mean squared error."""
        if self.kind == "binary":
            return F.binary_cross_entropy_with_logits(output, target)
        if self.kind == "multiclass":
            return F.cross_entropy(output, target)
        return F.mse_loss(output, target)

    def penalty(self) -> gb.Tensor | None:
        """``rate * sum |w|`` (L1) or ``rate * sum w^2 / 2`` (L2) over the weights
        (None without regularisation)."""
        s = self.settings
        if s.regularization == "none" or s.reg_rate == 0:
            return None
        weights = [layer.weight for layer in self.linears]
        if s.regularization == "L1":
            return s.reg_rate * sum(w.abs().sum() for w in weights)
        return s.reg_rate * 0.5 * sum((w * w).sum() for w in weights)

    @property
    def linears(self) -> list[nn.Linear]:
        return [layer for layer in self.model if isinstance(layer, nn.Linear)]

    def train_step(self, batch: np.ndarray) -> float:
        """One mini-batch update on training rows ``batch``; returns its loss."""
        x = gb.from_numpy(self.inputs_train[batch])
        y = gb.from_numpy(self.targets_train[batch])
        self.optimizer.zero_grad()
        loss = self.loss_function(self.model(x), y)
        penalty = self.penalty()
        if penalty is not None:
            loss = loss + penalty
        loss.backward()
        self.optimizer.step()
        self.steps += 1
        return float(loss.item())

    def epoch_batches(self) -> list[np.ndarray]:
        """This epoch's mini-batches: a permutation cut into ``batch_size`` pieces."""
        order = self.batch_order.permutation(len(self.train_index))
        size = self.settings.batch_size
        return [order[start:start + size] for start in range(0, len(order), size)]

    def train_epoch(self) -> None:
        """One pass over the training points in mini-batches (one frame of play)."""
        # NOTE: a learning rate too large makes the weights overflow; the page is told
        # (the loss becomes null in the frames), NumPy need not warn on the console.
        with np.errstate(over="ignore", invalid="ignore"):
            for batch in self.epoch_batches():
                self.train_step(batch)
            self.epoch += 1
            self._record_losses()

    def _record_losses(self) -> None:
        with gb.no_grad():
            train = self.loss_function(self.model(gb.from_numpy(self.inputs_train)),
                                       gb.from_numpy(self.targets_train))
            test = self.loss_function(self.model(gb.from_numpy(self.inputs_test)),
                                      gb.from_numpy(self.targets_test)) \
                if len(self.test_index) else train
        self.history.append((self.epoch, float(train.item()), float(test.item())))

    # ------------------------------------------------------------------ pictures
    def activations(self, points: np.ndarray) -> list[np.ndarray]:
        """Every layer's output at ``points`` (n, 2): features, hidden layers, output.

        The output is the probability of class 1 (binary), the class probabilities
        (multiclass) or the prediction (regression).
        """
        h = gb.from_numpy(features(points, self.settings.features))
        layers = [h.numpy()]
        with gb.no_grad():
            for module in self.model:
                h = module(h)
                if not isinstance(module, nn.Linear):
                    layers.append(h.numpy())
            if self.kind == "binary":
                h = gb.sigmoid(h)
            elif self.kind == "multiclass":
                h = gb.softmax(h, dim=1)
        layers.append(h.numpy())
        return layers

    def predict(self, points: np.ndarray) -> np.ndarray:
        """Class labels (classification) or predictions (regression) at ``points``."""
        output = self.activations(points)[-1]
        if self.kind == "binary":
            return (output[:, 0] > 0.5).astype(np.int64)
        if self.kind == "multiclass":
            return output.argmax(axis=1)
        return output[:, 0]

    def metrics(self) -> dict:
        """Train/test accuracy and the test confusion matrix (rows: true class)."""
        if not self.data.is_classification:
            return {}
        k = self.data.n_classes
        result = {}
        for name, index in (("train", self.train_index), ("test", self.test_index)):
            predicted = self.predict(self.data.X[index])
            truth = self.data.y[index]
            result[f"{name}_accuracy"] = float((predicted == truth).mean()) if len(index) \
                else float("nan")
            if name == "test":
                confusion = np.zeros((k, k), dtype=np.int64)
                np.add.at(confusion, (truth, predicted), 1)
                result["confusion"] = confusion.tolist()
        return result

    def frame(self, full: bool = False) -> dict:
        """What the page draws after a change: only what can have changed.

        Every frame has the epoch, the latest losses, the weights and biases, each
        neuron's heat map, the output's decision map and, for classification, the
        accuracies and confusion matrix. ``full`` adds what changes only with the data
        or the network: settings, layer sizes, points, input heat maps, loss history.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            neuron_layers = self.activations(self._grid_neurons)
            output = self.activations(self._grid_output)[-1]
        if self.kind == "regression":
            output_map = heat_bytes(output[:, 0])
        else:
            probabilities = output if self.kind == "multiclass" else \
                np.concatenate([1 - output, output], axis=1)
            # (classes, cells): one probability map per class, 0..255
            levels = np.rint(np.nan_to_num(probabilities.T, nan=0.0) * 255).astype(np.uint8)
            output_map = base64.b64encode(levels.tobytes()).decode("ascii")
        epoch, train_loss, test_loss = self.history[-1]
        frame = {
            "type": "frame",
            "epoch": epoch,
            "train_loss": _finite(train_loss),
            "test_loss": _finite(test_loss),
            "weights": [_rounded(layer.weight.numpy()) for layer in self.linears],
            "biases": [_rounded(layer.bias.numpy()) for layer in self.linears],
            "neurons": [[heat_bytes(layer[:, j]) for j in range(layer.shape[1])]
                        for layer in neuron_layers[1:-1]],
            "output": output_map,
            **self.metrics(),
        }
        if full:
            frame.update(self._static())
        return frame

    def _static(self) -> dict:
        s = self.settings
        inputs = features(self._grid_neurons, s.features)
        scale = np.abs(inputs).max(axis=0) + 1e-12
        return {
            "full": True,
            "settings": s.as_dict(),
            "query": s.to_query(),
            "kind": self.kind,
            "n_classes": self.data.n_classes,
            "sizes": [len(s.features), *s.hidden, self.n_outputs],
            "feature_labels": [FEATURES[name] for name in s.features],
            "inputs": [heat_bytes(inputs[:, j] / scale[j]) for j in range(inputs.shape[1])],
            "grid": {"neurons": NEURON_GRID, "output": OUTPUT_GRID, "domain": DOMAIN},
            "train_points": self._points(self.train_index),
            "test_points": self._points(self.test_index),
            "history": [[e, _finite(a), _finite(b)] for e, a, b in self.history],
            "note": self.data.note,
        }

    def _points(self, index: np.ndarray) -> list:
        X, y = self.data.X[index], self.data.y[index]
        return [[round(float(a), 3), round(float(b), 3),
                 int(c) if self.data.is_classification else round(float(c), 3)]
                for (a, b), c in zip(X, y)]

    # ------------------------------------------------------------------ export
    def export_weights(self) -> bytes:
        """The network's state dict as safetensors bytes (the settings in the header).

        Examples
        --------
        >>> from safetensors.numpy import load
        >>> sorted(load(Session().export_weights()))[:2]
        ['0.bias', '0.weight']
        """
        from safetensors.numpy import save

        arrays = {name: np.ascontiguousarray(tensor.numpy())
                  for name, tensor in self.model.state_dict().items()}
        return save(arrays, metadata={"glassbox-playground": self.settings.to_query()})

    def export_code(self, weights_file: str = "playground.safetensors") -> str:
        """Python code that rebuilds this network in glassbox and loads its weights."""
        from glassbox.playground.export import network_code

        return network_code(self, weights_file)

    def inspect(self, target: dict) -> dict:
        """Value, last gradient and formulas of a neuron or a weight (see
        :mod:`glassbox.playground.formulas`)."""
        from glassbox.playground.formulas import inspect

        return inspect(self, target)


def _finite(value: float) -> float | None:
    """JSON has no NaN or infinity: a diverged loss is sent as null."""
    return value if math.isfinite(value) else None


def _rounded(array: np.ndarray) -> list:
    """Weights for the page, rounded to 5 significant digits (smaller frames)."""
    values = np.nan_to_num(array.astype(np.float64), nan=0.0, posinf=1e6, neginf=-1e6)
    return [[float(f"{v:.5g}") for v in row] for row in np.atleast_2d(values)] \
        if array.ndim == 2 else [float(f"{v:.5g}") for v in values]

