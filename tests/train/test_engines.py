"""The engine adapter: the same calls give the same data on both engines, and a
training checkpoint moves from torch to glassbox."""

import numpy as np
import pytest

from glassbox.train import engine_of, fit, get_engine, load_checkpoint, save_checkpoint

ENGINES = ["glassbox", "torch"]


@pytest.mark.parametrize("name", ENGINES)
def test_tensor_round_trip_and_dtypes(name):
    engine = get_engine(name)
    x = engine.tensor(np.arange(6, dtype=np.float64).reshape(2, 3))
    assert engine.to_numpy(x).dtype == np.float32  # float arrays become float32
    assert engine.to_numpy(engine.tensor(np.array([1, 2]))).dtype == np.int64
    kept = engine.tensor(np.ones(2), dtype=np.float64)
    assert engine.to_numpy(kept).dtype == np.float64
    np.testing.assert_array_equal(engine.to_numpy(x), np.arange(6).reshape(2, 3))
    assert engine_of(engine.nn.Linear(2, 2)) is engine


def test_loaders_give_the_same_batches_on_both_engines():
    X = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    batches = {}
    for name in ENGINES:
        engine = get_engine(name)
        loader = engine.data_loader(X, y, batch_size=4)
        batches[name] = [(engine.to_numpy(xb), engine.to_numpy(yb)) for xb, yb in loader]
        assert len(loader) == 3
    for (x_ours, y_ours), (x_theirs, y_theirs) in zip(*batches.values()):
        np.testing.assert_array_equal(x_ours, x_theirs)
        np.testing.assert_array_equal(y_ours, y_theirs)


@pytest.mark.parametrize("name", ENGINES)
def test_seeded_loader_repeats_its_shuffle_and_rng_state_round_trips(name):
    engine = get_engine(name)
    X = np.arange(50, dtype=np.float32).reshape(50, 1)

    def first_batch(loader):
        return engine.to_numpy(next(iter(loader))[0]).ravel().tolist()

    assert first_batch(engine.data_loader(X, batch_size=8, shuffle=True, seed=3)) == \
        first_batch(engine.data_loader(X, batch_size=8, shuffle=True, seed=3))
    engine.manual_seed(0)
    loader = engine.data_loader(X, batch_size=8, shuffle=True)
    state = engine.get_rng_state()
    before = first_batch(loader)
    engine.set_rng_state(state)
    assert first_batch(loader) == before


def test_a_torch_checkpoint_loads_into_the_glassbox_twin(tmp_path):
    torch_engine, glassbox_engine = get_engine("torch"), get_engine("glassbox")
    X = np.random.default_rng(0).normal(size=(64, 3)).astype(np.float32)
    y = (X[:, :1] > 0).astype(np.float32)
    models, optimizers = {}, {}
    for engine in (torch_engine, glassbox_engine):
        nn = engine.nn
        models[engine.name] = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1),
                                            nn.Sigmoid())
        optimizers[engine.name] = engine.optim.Adam(models[engine.name].parameters(), lr=0.05)
    fit(models["torch"], torch_engine.data_loader(X, y, batch_size=16), None,
        torch_engine.nn.BCELoss(), optimizers["torch"], 2, progress=False)
    path = save_checkpoint(tmp_path / "torch.safetensors", models["torch"], optimizers["torch"],
                           epoch=2)
    saved = load_checkpoint(path, models["glassbox"], optimizers["glassbox"])
    assert saved["epoch"] == 2 and saved["engine"] == "torch"
    theirs = torch_engine.state_dict_to_numpy(models["torch"].state_dict())
    ours = glassbox_engine.state_dict_to_numpy(models["glassbox"].state_dict())
    for name in theirs:
        np.testing.assert_array_equal(ours[name], theirs[name])
    their_state = optimizers["torch"].state_dict()["state"]
    our_state = optimizers["glassbox"].state_dict()["state"]
    assert our_state[0]["step"] == float(their_state[0]["step"]) == 8.0  # 2 epochs x 4 steps
    np.testing.assert_array_equal(our_state[3]["exp_avg_sq"],
                                  their_state[3]["exp_avg_sq"].numpy())
