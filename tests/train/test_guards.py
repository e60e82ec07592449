"""fit's guards: no checkpoint with NaN weights, and misuse refused before any training."""

import numpy as np
import pytest

from glassbox.io import load
from glassbox.train import (
    LAST_CHECKPOINT,
    Callback,
    EarlyStopping,
    NonFiniteLossError,
    fit,
    get_engine,
)

ENGINES = ["glassbox", "torch"]


def _dead_column_data(n=32):
    """Inputs whose first column is always 0 (like MNIST's border pixels)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    X[:, 0] = 0.0
    y = (X[:, 1:2] > 0).astype(np.float32)
    return X, y


def _model(engine):
    engine.manual_seed(0)
    nn = engine.nn
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1), nn.Sigmoid())


class _ZeroEpsAfterFirstEpoch(Callback):
    """Adam with eps=0 divides 0 by 0 on a weight whose gradient is always 0."""

    def __init__(self, optimizer):
        self.optimizer = optimizer

    def on_epoch_end(self, epoch, logs):
        self.optimizer.param_groups[0]["eps"] = 0.0

    def state_dict(self):
        return {}


@pytest.mark.filterwarnings("ignore:invalid value encountered")
@pytest.mark.parametrize("engine_name", ENGINES)
def test_nan_weights_after_a_finite_loss_never_reach_a_checkpoint(tmp_path, engine_name):
    engine = get_engine(engine_name)
    model = _model(engine)
    X, y = _dead_column_data()
    optimizer = engine.optim.Adam(model.parameters(), lr=0.1)
    train = engine.data_loader(X, y, batch_size=len(X))  # full batch: one step per epoch
    val = engine.data_loader(X, y, batch_size=len(X))
    with pytest.raises(NonFiniteLossError) as error:
        fit(model, train, val, engine.nn.BCELoss(), optimizer, 3, checkpoint_dir=tmp_path,
            callbacks=[_ZeroEpsAfterFirstEpoch(optimizer)], progress=False)
    message = str(error.value)
    assert "weights are not finite at the end of epoch 2" in message
    assert "the first bad tensor is '0.weight'" in message
    assert "from the end of epoch 1" in message
    saved = load(tmp_path / LAST_CHECKPOINT, as_numpy=True)
    assert saved, "the epoch-1 checkpoint must exist"
    for name, array in saved.items():
        if array.dtype.kind == "f":
            assert np.isfinite(array).all(), name
    assert not (tmp_path / "best.safetensors").exists() or all(
        np.isfinite(a).all() for a in load(tmp_path / "best.safetensors", as_numpy=True).values())


@pytest.mark.filterwarnings("ignore:invalid value encountered")
@pytest.mark.parametrize("engine_name", ENGINES)
def test_nan_weights_in_the_first_epoch_write_no_checkpoint(tmp_path, engine_name):
    engine = get_engine(engine_name)
    model = _model(engine)
    X, y = _dead_column_data()
    optimizer = engine.optim.Adam(model.parameters(), lr=0.1, eps=0.0)
    loader = engine.data_loader(X, y, batch_size=len(X))
    with pytest.raises(NonFiniteLossError, match="first bad tensor is '0.weight'"):
        fit(model, loader, loader, engine.nn.BCELoss(), optimizer, 2, checkpoint_dir=tmp_path,
            progress=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("engine_name", ENGINES)
def test_nan_validation_loss_stops_before_the_checkpoint(tmp_path, engine_name):
    engine = get_engine(engine_name)
    model = _model(engine)
    X, y = _dead_column_data()
    y_val = y.copy()
    y_val[3] = np.nan
    optimizer = engine.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(NonFiniteLossError, match="validation loss is nan at the end of epoch 1"):
        fit(model, engine.data_loader(X, y), engine.data_loader(X, y_val), engine.nn.MSELoss(),
            optimizer, 2, checkpoint_dir=tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []


class _CountingLoss:
    def __init__(self, loss):
        self.loss, self.calls = loss, 0

    def __call__(self, output, target):
        self.calls += 1
        return self.loss(output, target)


def _setup():
    engine = get_engine("glassbox")
    model = _model(engine)
    X, y = _dead_column_data()
    loader = engine.data_loader(X, y, batch_size=8)
    return engine, model, loader, _CountingLoss(engine.nn.BCELoss())


def test_unknown_monitor_is_refused_before_training_with_the_valid_names():
    engine, model, loader, loss_fn = _setup()
    optimizer = engine.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError) as error:
        fit(model, loader, loader, loss_fn, optimizer, 2, metrics=["accuracy"],
            monitor="val_acc", progress=False)
    assert str(error.value).startswith(
        "monitor: expected one of ['train_loss', 'train_accuracy', 'val_loss', "
        "'val_accuracy', 'lr'], received 'val_acc'")
    with pytest.raises(ValueError, match="EarlyStopping.monitor: .* received 'val_loss'.* "
                                         "need a val_loader"):
        fit(model, loader, None, loss_fn, optimizer, 2, progress=False,
            callbacks=[EarlyStopping(monitor="val_loss")])
    assert loss_fn.calls == 0


def test_checkpoint_dir_that_is_a_file_is_refused_before_training(tmp_path):
    engine, model, loader, loss_fn = _setup()
    a_file = tmp_path / "checkpoints"
    a_file.write_text("not a folder")
    with pytest.raises(ValueError, match="checkpoint_dir: expected a folder, received .*"
                                         "which is a file"):
        fit(model, loader, loader, loss_fn, engine.optim.SGD(model.parameters(), lr=0.1), 2,
            checkpoint_dir=a_file, progress=False)
    assert loss_fn.calls == 0


@pytest.mark.parametrize("engine_name", ENGINES)
def test_resuming_with_another_optimizer_names_the_saved_one(tmp_path, engine_name):
    engine = get_engine(engine_name)
    model = _model(engine)
    X, y = _dead_column_data()
    loader = engine.data_loader(X, y, batch_size=8)
    fit(model, loader, loader, engine.nn.BCELoss(), engine.optim.SGD(model.parameters(), lr=0.1),
        1, checkpoint_dir=tmp_path, progress=False)
    with pytest.raises(ValueError, match="holds the state of a SGD optimizer, received a Adam"):
        fit(model, loader, loader, engine.nn.BCELoss(), engine.optim.Adam(model.parameters()),
            2, checkpoint_dir=tmp_path, resume=True, progress=False)


def test_a_loader_of_triples_is_refused_with_what_it_gave():
    engine, model, _, loss_fn = _setup()
    X, y = _dead_column_data()
    triples = [(X[:8], y[:8], np.arange(8))]
    with pytest.raises(ValueError, match=r"fit: expected the loader to yield \(input, target\) "
                                         r"pairs, received a tuple of 3 items at batch 1"):
        fit(model, triples, None, loss_fn, engine.optim.SGD(model.parameters(), lr=0.1), 1,
            progress=False)


def test_temporary_files_of_a_killed_save_are_removed_by_the_next_run(tmp_path):
    engine, model, loader, loss_fn = _setup()
    left = [tmp_path / ".last.safetensors.1a2b3c4d.tmp", tmp_path / ".best.safetensors.99.tmp"]
    for path in left:
        path.write_bytes(b"half a checkpoint")
    (tmp_path / "notes.tmp").write_text("not ours")
    fit(model, loader, None, loss_fn, engine.optim.SGD(model.parameters(), lr=0.1), 1,
        checkpoint_dir=tmp_path, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "best.safetensors", "last.safetensors", "notes.tmp"]
