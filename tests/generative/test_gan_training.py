"""fit_gan: the same training on both engines, exact resume, the NaN guard, bad settings."""

import numpy as np
import pytest
import torch

import glassbox as gb
import glassbox.nn as gnn
import glassbox.optim as goptim
from glassbox.generative import fit_gan
from glassbox.io import load_metadata
from glassbox.models import dcgan_discriminator, dcgan_generator
from glassbox.train import NonFiniteLossError, get_engine
from glassbox.train.engines import to_numpy
from parity import assert_close

LATENT = 6


def _mlp_pair(nn):
    generator = nn.Sequential(nn.Linear(LATENT, 16), nn.LeakyReLU(0.2), nn.Linear(16, 12),
                              nn.Tanh(), nn.Unflatten(1, (1, 3, 4)))
    critic = nn.Sequential(nn.Flatten(), nn.Linear(12, 16), nn.LeakyReLU(0.2),
                           nn.Linear(16, 1))
    return generator, critic


def _dcgan_pair(nn):
    return (dcgan_generator(nn=nn, latent_dim=LATENT, base=2, init=False),
            dcgan_discriminator(nn=nn, base=2, init=False))


def _copy_to_torch(module, twin):
    twin.load_state_dict({k: torch.from_numpy(np.array(v.numpy()))
                          for k, v in module.state_dict().items()})
    return twin


CASES = {  # name: (pair, optimizer, fit_gan settings, image shape)
    "wgan-gp": (_mlp_pair, ("Adam", {"lr": 1e-2, "betas": (0.5, 0.9)}),
                {"loss": "wasserstein", "n_critic": 5, "gp_weight": 10.0}, (1, 3, 4)),
    "wgan-clip": (_mlp_pair, ("RMSprop", {"lr": 5e-3}),
                  {"loss": "wasserstein", "n_critic": 5, "clip_value": 0.05}, (1, 3, 4)),
    "dcgan-labels": (_dcgan_pair, ("Adam", {"lr": 2e-3, "betas": (0.5, 0.999)}),
                     {"loss": "non_saturating", "n_critic": 5, "label_smoothing": 0.1,
                      "label_flip_prob": 0.2}, (1, 28, 28)),
    "minimax": (_mlp_pair, ("SGD", {"lr": 0.1, "momentum": 0.5}),
                {"loss": "minimax", "n_critic": 5}, (1, 3, 4)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_three_iterations_give_the_same_parameters_on_both_engines(case):
    build, (optimizer_name, options), settings, shape = CASES[case]
    rng = np.random.default_rng(0)
    # 15 real batches = 3 generator iterations of n_critic = 5 discriminator steps
    batches = [rng.uniform(-1, 1, size=(4, *shape)) for _ in range(15)]
    gb.manual_seed(0)
    ours = [m.double() for m in build(gnn)]
    theirs = [_copy_to_torch(m, t.double()) for m, t in zip(ours, build(torch.nn))]
    initial = {key: value.numpy().copy() for key, value in ours[0].state_dict().items()}
    results = {}
    for name, (generator, critic), package in (("glassbox", ours, gb), ("torch", theirs, torch)):
        optim = goptim if package is gb else torch.optim
        gb.manual_seed(1)  # the noise, epsilon and label flips: the same draws on both
        history = fit_gan(
            generator, critic, [package.tensor(batch) for batch in batches],
            getattr(optim, optimizer_name)(generator.parameters(), **options),
            getattr(optim, optimizer_name)(critic.parameters(), **options),
            epochs=1, latent_dim=LATENT, progress=False, **settings)
        results[name] = (generator, critic, history)
    (g_ours, d_ours, h_ours), (g_theirs, d_theirs, h_theirs) = results["glassbox"], \
        results["torch"]
    for mine, reference in ((g_ours, g_theirs), (d_ours, d_theirs)):
        their_state = reference.state_dict()
        for key, value in mine.state_dict().items():
            assert_close(value, their_state[key], 1e-7, 1e-9, f"{case}: {key}")
    for key in ("d_loss", "g_loss", "g_grad_norm"):
        assert h_ours[key] == pytest.approx(h_theirs[key], rel=1e-7)
    # the generator did move: three generator steps were taken
    assert max(np.abs(value.numpy() - initial[key]).max()
               for key, value in g_ours.state_dict().items()) > 1e-4
    assert len(h_ours["g_loss"]) == 1 and h_ours["epoch"] == [1]


def _run(tmp_path, epochs, engine_name="glassbox", resume=False, n_critic=3):
    engine = get_engine(engine_name)
    engine.manual_seed(0)
    generator, critic = _mlp_pair(engine.nn)
    data = np.random.default_rng(0).uniform(-1, 1, size=(40, 1, 3, 4)).astype(np.float32)
    loader = engine.data_loader(data, batch_size=8, shuffle=True, seed=3)
    engine.manual_seed(5)
    history = fit_gan(generator, critic, loader,
                      engine.optim.Adam(generator.parameters(), lr=1e-3, betas=(0.0, 0.9)),
                      engine.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.0, 0.9)),
                      epochs=epochs, latent_dim=LATENT, loss="wasserstein", n_critic=n_critic,
                      gp_weight=10.0, checkpoint_dir=tmp_path, resume=resume,
                      progress=False)
    return generator, critic, history


@pytest.mark.parametrize("engine_name", ["glassbox", "torch"])
def test_resume_continues_exactly(tmp_path, engine_name):
    g_straight, d_straight, h_straight = _run(tmp_path / "straight", 3, engine_name)
    _run(tmp_path / "split", 2, engine_name)
    get_engine(engine_name).manual_seed(123)  # another state: the checkpoint's is restored
    g_resumed, d_resumed, h_resumed = _run(tmp_path / "split", 3, engine_name, resume=True)
    assert h_resumed.resumed_from == 2
    for mine, reference in ((g_resumed, g_straight), (d_resumed, d_straight)):
        for key, value in mine.state_dict().items():
            np.testing.assert_array_equal(to_numpy(value), to_numpy(reference.state_dict()[key]))
    assert h_resumed["g_loss"] == h_straight["g_loss"]
    assert len(h_resumed) == 3


def test_resume_with_other_settings_is_refused(tmp_path):
    _run(tmp_path, 1)
    with pytest.raises(ValueError, match=r"other settings.*'n_critic': \(3, 2\)"):
        _run(tmp_path, 2, resume=True, n_critic=2)


class _NaNOnSecondPass:
    """Real images that turn to NaN on the second epoch."""

    def __init__(self):
        self.passes = 0
        self.data = np.random.default_rng(0).uniform(-1, 1, (4, 2, 1, 3, 4)).astype("float32")

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        self.passes += 1
        for index, batch in enumerate(self.data):
            if self.passes == 2 and index == 2:
                batch = np.full_like(batch, np.nan)
            yield gb.tensor(batch)


def test_nan_stops_training_and_keeps_the_last_good_checkpoint(tmp_path):
    gb.manual_seed(0)
    generator, critic = _mlp_pair(gnn)
    with pytest.raises(NonFiniteLossError, match=r"discriminator loss is nan at epoch 2, "
                                                 r"batch 3.*end of epoch 1"):
        fit_gan(generator, critic, _NaNOnSecondPass(),
                goptim.Adam(generator.parameters()), goptim.Adam(critic.parameters()),
                epochs=3, latent_dim=LATENT, checkpoint_dir=tmp_path, progress=False)
    assert load_metadata(tmp_path / "last.safetensors")["epoch"] == "1"
    saved = gb.load(tmp_path / "last.safetensors", as_numpy=True)
    assert all(np.isfinite(array).all() for array in saved.values())
    assert any(key.startswith("model/generator.") for key in saved)
    assert any(key.startswith("model/discriminator.") for key in saved)


@pytest.mark.parametrize("settings, message", [
    ({"n_critic": 0}, r"n_critic: expected an integer >= 1.*n_critic=0"),
    ({"n_critic": 2.5}, r"n_critic: expected an integer >= 1"),
    ({"gp_weight": -10.0}, r"gp_weight: expected a number >= 0.*gp_weight=-10.0"),
    ({"clip_value": 0.0}, r"clip_value: expected None or a number > 0"),
    ({"loss": "hinge"}, r"loss: expected one of"),
    ({"resume": True}, r"resume=True needs the checkpoint_dir"),
])
def test_bad_settings_are_value_errors(settings, message):
    generator, critic = _mlp_pair(gnn)
    with pytest.raises(ValueError, match=message):
        fit_gan(generator, critic, [gb.zeros(2, 1, 3, 4)],
                goptim.Adam(generator.parameters()), goptim.Adam(critic.parameters()),
                epochs=1, latent_dim=LATENT, progress=False, **settings)


def _run_dcgan(tmp_path, epochs, engine_name, resume=False):
    engine = get_engine(engine_name)
    engine.manual_seed(0)
    generator = dcgan_generator(engine.nn, latent_dim=4, base=2)
    discriminator = dcgan_discriminator(engine.nn, base=2)
    data = np.random.default_rng(0).uniform(-1, 1, size=(16, 1, 28, 28)).astype(np.float32)
    loader = engine.data_loader(data, batch_size=8, shuffle=True, seed=3)
    engine.manual_seed(5)
    fit_gan(generator, discriminator, loader,
            engine.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999)),
            engine.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999)),
            epochs=epochs, latent_dim=4, checkpoint_dir=tmp_path, resume=resume,
            progress=False)
    return generator, discriminator


@pytest.mark.parametrize("engine_name", ["glassbox", "torch"])
def test_resume_with_batch_norm_continues_exactly(tmp_path, engine_name):
    # DCGAN's batch norm has a 0-d buffer (num_batches_tracked): it must come back 0-d
    straight = _run_dcgan(tmp_path / "straight", 3, engine_name)
    _run_dcgan(tmp_path / "split", 2, engine_name)
    resumed = _run_dcgan(tmp_path / "split", 3, engine_name, resume=True)
    for mine, reference in zip(resumed, straight):
        for key, value in mine.state_dict().items():
            np.testing.assert_array_equal(to_numpy(value), to_numpy(reference.state_dict()[key]))
    # the generator runs in train mode twice per batch (the fakes for D, then its own
    # step): 2 batches x 3 epochs x 2, the resumed run's counter continuing the saved one
    assert int(to_numpy(resumed[0].state_dict()["2.num_batches_tracked"])) == 12
    assert to_numpy(resumed[0].state_dict()["2.num_batches_tracked"]).shape == ()
