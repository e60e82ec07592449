"""glassbox.train.fit on both engines: resume, early stopping, NaN guard, checkpoints."""

import json

import numpy as np
import pytest

from glassbox.io import load, load_metadata
from glassbox.train import (
    BEST_CHECKPOINT,
    LAST_CHECKPOINT,
    EarlyStopping,
    NonFiniteLossError,
    fit,
    get_engine,
    load_checkpoint,
)

ENGINES = ["glassbox", "torch"]


def _data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)).astype(np.float32)
    y = ((X[:, 0] * X[:, 1] + X[:, 2]) > 0).astype(np.float32).reshape(-1, 1)
    return X, y


def _setup(engine_name, seed=0, loader_seed=None, hidden=16):
    """A seeded MLP with dropout (so the RNG matters), Adam, StepLR, shuffled loaders."""
    engine = get_engine(engine_name)
    engine.manual_seed(seed)
    nn = engine.nn
    model = nn.Sequential(nn.Linear(4, hidden), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(hidden, 1), nn.Sigmoid())
    optimizer = engine.optim.Adam(model.parameters(), lr=0.01)
    scheduler = engine.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    X, y = _data()
    train = engine.data_loader(X[:64], y[:64], batch_size=16, shuffle=True, seed=loader_seed)
    val = engine.data_loader(X[64:], y[64:], batch_size=32)
    return engine, model, optimizer, scheduler, train, val, nn.BCELoss()


def _weights(engine, model):
    return engine.state_dict_to_numpy(model.state_dict())


@pytest.mark.parametrize("loader_seed", [None, 123], ids=["global-rng", "own-generator"])
@pytest.mark.parametrize("engine_name", ENGINES)
def test_resume_gives_bit_identical_weights(tmp_path, engine_name, loader_seed):
    engine, model, optimizer, scheduler, train, val, loss_fn = _setup(engine_name,
                                                                       loader_seed=loader_seed)
    straight = fit(model, train, val, loss_fn, optimizer, 4, scheduler, metrics=["accuracy"],
                   progress=False)
    expected = _weights(engine, model)

    # 2 epochs, then a new process would rebuild everything (with another seed, to show
    # the checkpoint restores all of it) and resume for the next 2.
    engine, model, optimizer, scheduler, train, val, loss_fn = _setup(engine_name,
                                                                       loader_seed=loader_seed)
    fit(model, train, val, loss_fn, optimizer, 2, scheduler, metrics=["accuracy"],
        checkpoint_dir=tmp_path, progress=False)
    engine, model, optimizer, scheduler, train, val, loss_fn = _setup(
        engine_name, seed=99, loader_seed=None if loader_seed is None else 7)
    resumed = fit(model, train, val, loss_fn, optimizer, 4, scheduler, metrics=["accuracy"],
                  checkpoint_dir=tmp_path, resume=True, progress=False)

    got = _weights(engine, model)
    assert sorted(got) == sorted(expected)
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)
    assert resumed.resumed_from == 2
    assert resumed["epoch"] == [1, 2, 3, 4]
    assert resumed["train_loss"] == straight["train_loss"]
    assert resumed["val_accuracy"] == straight["val_accuracy"]
    assert resumed["lr"] == pytest.approx([0.01, 0.007, 0.0049, 0.00343], rel=1e-12)


def test_fit_learns_and_keeps_the_best_weights(tmp_path):
    engine, model, optimizer, _, train, val, loss_fn = _setup("glassbox", hidden=32)
    snapshots = {}
    history = fit(model, train, val, loss_fn, optimizer, 12, metrics=["accuracy"],
                  checkpoint_dir=tmp_path, progress=False,
                  on_epoch_end=lambda epoch, logs: snapshots.update(
                      {epoch: _weights(engine, model)}))
    assert history["train_loss"][-1] < 0.7 * history["train_loss"][0]
    assert history["val_accuracy"][-1] > 0.75
    best_epoch = history.best_epoch("val_loss")
    best = load(tmp_path / BEST_CHECKPOINT, as_numpy=True)
    assert load_metadata(tmp_path / BEST_CHECKPOINT)["epoch"] == str(best_epoch)
    for name, array in best.items():
        np.testing.assert_array_equal(array, snapshots[best_epoch][name])
    last = load(tmp_path / LAST_CHECKPOINT, as_numpy=True)
    np.testing.assert_array_equal(last["model/0.weight"], snapshots[12]["0.weight"])
    # The optimizer's state is stored as tensors, not pickled objects.
    assert "optimizer/state/0/exp_avg" in last


class ScriptedValidationLoss:
    """The real training loss, but a scripted validation loss (one value per epoch)."""

    def __init__(self, engine, model, curve):
        self.engine, self.model, self.curve = engine, model, curve
        self.loss = engine.nn.BCELoss()
        self.validations = 0

    def __call__(self, output, target):
        if self.model.training:
            return self.loss(output, target)
        self.validations += 1
        return self.engine.tensor(np.array(self.curve[self.validations - 1]))


@pytest.mark.parametrize("engine_name", ENGINES)
def test_early_stopping_stops_at_the_right_epoch(engine_name):
    engine, model, optimizer, _, train, _, _ = _setup(engine_name)
    X, y = _data()
    val = engine.data_loader(X[64:], y[64:], batch_size=32)  # 1 batch per validation
    curve = [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9, 0.6, 0.5, 0.4]
    loss_fn = ScriptedValidationLoss(engine, model, curve)
    stopper = EarlyStopping(monitor="val_loss", patience=3)
    history = fit(model, train, val, loss_fn, optimizer, 10, callbacks=[stopper],
                  progress=False)
    # Best at epoch 3 (0.7); epochs 4, 5, 6 do not improve: stop after epoch 6.
    assert history["epoch"] == [1, 2, 3, 4, 5, 6]
    assert stopper.stopped_epoch == 6 and stopper.best_epoch == 3
    assert history.stopped_early
    assert history["val_loss"] == pytest.approx(curve[:6])


def test_early_stopping_mode_max_and_min_delta():
    stopper = EarlyStopping(monitor="val_accuracy", patience=2, mode="max", min_delta=0.01)
    for epoch, acc in enumerate([0.5, 0.6, 0.605, 0.609, 0.7], start=1):
        stopper.on_epoch_end(epoch, {"val_accuracy": acc})
        if stopper.stop_training:
            break
    assert (stopper.stopped_epoch, stopper.best_epoch, stopper.best) == (4, 2, 0.6)
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(mode="largest")
    with pytest.raises(KeyError, match="available"):
        EarlyStopping(monitor="val_auc").on_epoch_end(1, {"val_loss": 1.0})


class PoisonedLoss:
    """The real loss, turned NaN at one (epoch, batch) of training."""

    def __init__(self, engine, model, epoch, batch, batches_per_epoch):
        self.loss = engine.nn.BCELoss()
        self.model = model
        self.poison_at = (epoch - 1) * batches_per_epoch + batch
        self.calls = 0

    def __call__(self, output, target):
        loss = self.loss(output, target)
        if self.model.training:
            self.calls += 1
            if self.calls == self.poison_at:
                return loss * float("nan")
        return loss


@pytest.mark.parametrize("engine_name", ENGINES)
def test_nan_loss_stops_with_a_clear_message_and_keeps_the_last_good_checkpoint(
        tmp_path, engine_name):
    engine, model, optimizer, scheduler, train, val, _ = _setup(engine_name)
    loss_fn = PoisonedLoss(engine, model, epoch=3, batch=2, batches_per_epoch=len(train))
    snapshots = {}
    with pytest.raises(NonFiniteLossError) as error:
        fit(model, train, val, loss_fn, optimizer, 5, scheduler, checkpoint_dir=tmp_path,
            progress=False, on_epoch_end=lambda epoch, logs: snapshots.update(
                {epoch: _weights(engine, model)}))
    message = str(error.value)
    assert "loss is nan at epoch 3, batch 2 of 4" in message
    assert "end of epoch 2" in message and str(tmp_path / LAST_CHECKPOINT) in message
    # The checkpoint still holds the weights of the end of epoch 2, and loads.
    _, fresh, fresh_optimizer, fresh_scheduler, *_ = _setup(engine_name, seed=5)
    saved = load_checkpoint(tmp_path / LAST_CHECKPOINT, fresh, fresh_optimizer, fresh_scheduler)
    assert saved["epoch"] == 2
    for name, array in _weights(engine, fresh).items():
        np.testing.assert_array_equal(array, snapshots[2][name])
    assert fresh_scheduler.last_epoch == 2


def test_resuming_from_another_models_checkpoint_lists_the_mismatched_keys(tmp_path):
    engine, model, optimizer, _, train, val, loss_fn = _setup("glassbox")
    fit(model, train, val, loss_fn, optimizer, 1, checkpoint_dir=tmp_path, progress=False)
    nn = engine.nn
    other = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(),
                          nn.Linear(8, 1), nn.Sigmoid())
    with pytest.raises(ValueError) as error:
        fit(other, train, val, loss_fn, engine.optim.Adam(other.parameters()), 2,
            checkpoint_dir=tmp_path, resume=True, progress=False)
    message = str(error.value)
    # Saved: 0 Linear(4, 16), 3 Linear(16, 1). Here: 0 Linear(4, 8), 2 and 4 Linear.
    assert ("missing keys (in the model, not in the checkpoint): ['2.weight', '2.bias', "
            "'4.weight', '4.bias']") in message
    assert "unexpected keys (in the checkpoint, not in the model): ['3.bias', '3.weight']" \
        in message
    assert "0.weight: checkpoint (16, 4), model (8, 4)" in message


def test_checkpoint_metadata_is_json_and_loads_in_safetensors_torch(tmp_path):
    from safetensors.torch import load_file

    engine, model, optimizer, scheduler, train, val, loss_fn = _setup("glassbox")
    fit(model, train, val, loss_fn, optimizer, 1, scheduler, checkpoint_dir=tmp_path,
        progress=False)
    header = json.loads(load_metadata(tmp_path / LAST_CHECKPOINT)["glassbox"])
    assert header["epoch"] == 1 and header["engine"] == "glassbox"
    assert header["scheduler"]["last_epoch"] == 1
    tensors = load_file(str(tmp_path / LAST_CHECKPOINT))
    assert tuple(tensors["model/0.weight"].shape) == (16, 4)


def test_same_loop_same_numbers_on_both_engines():
    """SGD on copied weights, no shuffling or dropout: both engines give the same curve."""
    X, y = _data()
    histories, engines = [], {}
    state = None
    for name in ENGINES:
        engine = get_engine(name)
        nn = engine.nn
        model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1), nn.Sigmoid())
        if state is None:
            state = engine.state_dict_to_numpy(model.state_dict())
        model.load_state_dict(engine.state_dict_from_numpy(state))
        train = engine.data_loader(X[:64], y[:64], batch_size=16)
        val = engine.data_loader(X[64:], y[64:], batch_size=32)
        optimizer = engine.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
        histories.append(fit(model, train, val, nn.BCELoss(), optimizer, 3,
                             metrics=["accuracy"], progress=False))
        engines[name] = engine
    ours, theirs = histories
    np.testing.assert_allclose(ours["train_loss"], theirs["train_loss"], rtol=1e-4)
    np.testing.assert_allclose(ours["val_loss"], theirs["val_loss"], rtol=1e-4)


def test_bad_arguments():
    engine, model, optimizer, _, train, val, loss_fn = _setup("glassbox")
    with pytest.raises(ValueError, match="epochs"):
        fit(model, train, val, loss_fn, optimizer, -1, progress=False)
    with pytest.raises(ValueError, match="checkpoint_dir"):
        fit(model, train, val, loss_fn, optimizer, 1, resume=True, progress=False)
    with pytest.raises(ValueError, match="Unknown metric 'f1'"):
        fit(model, train, val, loss_fn, optimizer, 1, metrics=["f1"], progress=False)
    with pytest.raises(ValueError, match="Unknown engine 'jax'"):
        get_engine("jax")


@pytest.mark.parametrize("engine_name", ENGINES)
def test_optimizer_state_keeps_its_shapes_through_a_checkpoint(tmp_path, engine_name):
    """torch's Adam keeps ``step`` as a 0-d tensor: a checkpoint gives it back 0-d."""
    engine, model, optimizer, scheduler, train, val, loss_fn = _setup(engine_name)
    fit(model, train, val, loss_fn, optimizer, 1, scheduler, checkpoint_dir=tmp_path,
        progress=False)
    _, fresh, fresh_optimizer, fresh_scheduler, *_ = _setup(engine_name, seed=1)
    load_checkpoint(tmp_path / LAST_CHECKPOINT, fresh, fresh_optimizer, fresh_scheduler)
    before, after = optimizer.state_dict()["state"], fresh_optimizer.state_dict()["state"]
    assert sorted(before) == sorted(after)
    for index in before:
        for key, value in before[index].items():
            restored = after[index][key]
            assert np.shape(restored) == np.shape(value), (index, key)
            np.testing.assert_array_equal(np.asarray(restored), np.asarray(value))
