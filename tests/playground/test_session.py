"""The playground's session logic: training equal to a plain glassbox (and torch) loop,
settings <-> URL, data, metrics against scikit-learn, formulas, export."""

from __future__ import annotations

import base64

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, confusion_matrix

import glassbox as gb
import glassbox.nn.functional as F
from glassbox import nn, optim
from glassbox.playground.datasets import (
    features,
    generate,
    make_multigauss,
    make_plane,
    parse_csv,
)
from glassbox.playground.session import Session
from glassbox.playground.settings import (
    ACTIVATIONS,
    DATASETS,
    FEATURES,
    OPTIMIZERS,
    REGULARIZATIONS,
    Settings,
)

ACTIVATION = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity}


def _reference_training(session: Session, epochs: int):
    """The loop a learner writes, on a separately built nn.Sequential with the session's
    initial weights, the same batches, loss and penalty; returns its state dict."""
    s = session.settings
    sizes = [len(s.features), *s.hidden, session.n_outputs]
    layers = []
    for index in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[index], sizes[index + 1]))
        if index < len(sizes) - 2:
            layers.append(ACTIVATION[s.activation]())
    model = nn.Sequential(*layers)
    model.load_state_dict(session.model.state_dict())
    if s.optimizer == "adam":
        optimizer = optim.Adam(model.parameters(), lr=s.learning_rate)
    else:
        optimizer = optim.SGD(model.parameters(), lr=s.learning_rate,
                              momentum=0.9 if s.optimizer == "momentum" else 0.0)
    X = features(session.data.X[session.train_index], s.features)
    y = session.data.y[session.train_index]
    rng = np.random.default_rng([s.seed, 3])
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), s.batch_size):
            batch = order[start:start + s.batch_size]
            out = model(gb.from_numpy(X[batch]))
            if session.kind == "binary":
                loss = F.binary_cross_entropy_with_logits(
                    out, gb.from_numpy(y[batch].astype(np.float32)[:, None]))
            elif session.kind == "multiclass":
                loss = F.cross_entropy(out, gb.from_numpy(y[batch]))
            else:
                loss = F.mse_loss(out, gb.from_numpy(y[batch][:, None]))
            weights = [m.weight for m in model if isinstance(m, nn.Linear)]
            if s.regularization == "L1":
                loss = loss + s.reg_rate * sum(w.abs().sum() for w in weights)
            elif s.regularization == "L2":
                loss = loss + s.reg_rate * 0.5 * sum((w * w).sum() for w in weights)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.state_dict()


CASES = [
    Settings(dataset="circle", hidden=(4, 2), optimizer="sgd", learning_rate=0.1),
    Settings(dataset="spiral", classes=3, hidden=(8, 8), optimizer="adam",
             features=("x1", "x2", "sinx1"), regularization="L2", reg_rate=0.01),
    Settings(dataset="gauss", classes=5, hidden=(3,), activation="relu",
             optimizer="momentum", regularization="L1", reg_rate=0.003, batch_size=7),
    Settings(problem="regression", dataset="multigauss", hidden=(5, 5), activation="sigmoid",
             optimizer="adam", features=("x1", "x2", "x1x2", "x1sq")),
    Settings(problem="regression", dataset="plane", hidden=(), activation="linear",
             batch_size=30, train_ratio=30, learning_rate=0.01, seed=7),
]


@pytest.mark.parametrize("settings", CASES, ids=lambda s: s.to_query()[15:50])
def test_training_equals_a_plain_glassbox_loop(settings):
    session = Session(settings)
    expected = _reference_training(session, epochs=3)
    for _ in range(3):
        session.train_epoch()
    assert session.epoch == 3
    actual = session.model.state_dict()
    assert list(actual) == list(expected)
    for name in expected:
        np.testing.assert_allclose(actual[name].numpy(), expected[name].numpy(),
                                   rtol=0, atol=1e-6, err_msg=name)
    # and training moved the weights (an honest comparison, not of two initial states)
    assert not np.allclose(actual["0.weight"].numpy(),
                           Session(settings).model.state_dict()["0.weight"].numpy())


def test_training_equals_torch():
    settings = CASES[1].replace(batch_size=25)  # few steps: torch's per-step cost is high
    session = Session(settings)
    s = settings
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8),
                                 torch.nn.Tanh(), torch.nn.Linear(8, 3))
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                            for k, v in session.model.state_dict().items()})
    optimizer = torch.optim.Adam(theirs.parameters(), lr=s.learning_rate)
    X = torch.from_numpy(features(session.data.X[session.train_index], s.features))
    y = torch.from_numpy(session.data.y[session.train_index])
    rng = np.random.default_rng([s.seed, 3])
    for _ in range(2):
        order = rng.permutation(len(y))
        for start in range(0, len(y), s.batch_size):
            batch = torch.from_numpy(order[start:start + s.batch_size])
            loss = torch.nn.functional.cross_entropy(theirs(X[batch]), y[batch])
            loss = loss + s.reg_rate * 0.5 * sum((m.weight ** 2).sum() for m in theirs
                                                 if isinstance(m, torch.nn.Linear))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        session.train_epoch()
    for name, value in theirs.state_dict().items():
        np.testing.assert_allclose(session.model.state_dict()[name].numpy(), value.numpy(),
                                   rtol=1e-4, atol=2e-5, err_msg=name)


def test_losses_and_metrics_match_scikit_learn():
    session = Session(Settings(dataset="spiral", classes=4, hidden=(8,), optimizer="adam"))
    for _ in range(5):
        session.train_epoch()
    frame = session.frame()
    X_test, y_test = session.data.X[session.test_index], session.data.y[session.test_index]
    with gb.no_grad():
        logits = session.model(gb.from_numpy(features(X_test, session.settings.features)))
    predicted = logits.numpy().argmax(axis=1)
    assert frame["test_accuracy"] == pytest.approx(accuracy_score(y_test, predicted))
    assert frame["confusion"] == confusion_matrix(y_test, predicted, labels=range(4)).tolist()
    expected_loss = torch.nn.functional.cross_entropy(torch.from_numpy(logits.numpy()),
                                                      torch.from_numpy(y_test)).item()
    assert frame["test_loss"] == pytest.approx(expected_loss, rel=1e-5)
    assert [h[0] for h in session.history] == list(range(6))


def test_frame_heat_maps_are_the_neurons_outputs():
    session = Session(Settings(hidden=(3,), activation="tanh"))
    session.train_epoch()
    frame = session.frame(full=True)
    assert frame["sizes"] == [2, 3, 1]
    assert len(frame["neurons"]) == 1 and len(frame["neurons"][0]) == 3
    levels = np.frombuffer(base64.b64decode(frame["neurons"][0][1]), dtype=np.uint8)
    # top-left cell centre of the 20 x 20 grid over [-6, 6]^2
    point = np.array([[-6 + 0.3, 6 - 0.3]], dtype=np.float32)
    with gb.no_grad():
        hidden = session.model[1](session.model[0](gb.from_numpy(point))).numpy()[0, 1]
    assert levels[0] == round((hidden + 1) * 127.5)
    probabilities = np.frombuffer(base64.b64decode(frame["output"]), dtype=np.uint8)
    assert probabilities.shape == (2 * 50 * 50,)  # two classes, one map each
    assert np.all(np.abs(probabilities[:2500].astype(int) + probabilities[2500:] - 255) <= 1)
    assert len(frame["train_points"]) == 250 and len(frame["test_points"]) == 250
    # a frame while training carries only what changes: no points, settings or history
    assert set(session.frame()) == {"type", "epoch", "train_loss", "test_loss", "weights",
                                    "biases", "neurons", "output", "train_accuracy",
                                    "test_accuracy", "confusion"}


# ---------------------------------------------------------------- settings and the URL
settings_strategy = st.builds(
    lambda problem, index, classes, noise, ratio, batch, seed, feats, hidden, act, reg,
    rate, lr, opt, disc, show: Settings(
        problem=problem, dataset=[d for d in DATASETS[problem] if d != "upload"][
            index % (len(DATASETS[problem]) - 1)],
        classes=2 if problem == "classification" and index % 4 == 1 else classes,
        noise=noise, train_ratio=ratio, batch_size=batch, seed=seed, features=feats,
        hidden=hidden, activation=act, regularization=reg, reg_rate=rate,
        learning_rate=lr, optimizer=opt, discretize=disc, show_test=show),
    st.sampled_from(list(DATASETS)), st.integers(0, 3), st.integers(2, 5),
    st.integers(0, 50), st.integers(10, 90), st.integers(1, 30), st.integers(0, 2**31 - 1),
    st.lists(st.sampled_from(list(FEATURES)), min_size=1, unique=True).map(tuple),
    st.lists(st.integers(1, 8), max_size=6).map(tuple), st.sampled_from(ACTIVATIONS),
    st.sampled_from(REGULARIZATIONS), st.floats(0, 10), st.floats(1e-6, 10),
    st.sampled_from(OPTIMIZERS), st.booleans(), st.booleans())


@given(settings_strategy)
def test_url_round_trip(settings):
    query = settings.to_query()
    assert Settings.from_query(query) == settings
    assert Settings.from_query("#" + query) == settings
    assert Settings.from_dict(settings.as_dict()) == settings


@pytest.mark.parametrize(("query", "message"), [
    ("hidden=8,8,8,8,8,8,8", "at most 6 hidden layers"),
    ("hidden=101", r"hidden: expected an integer in \[1, 8\], received 101"),
    ("learning_rate=-1", r"learning_rate: expected a number in \(0, 10\], received -1.0"),
    ("learning_rate=nan", "learning_rate"),
    ("learning_rate=abc", "learning_rate: expected a number, received 'abc'"),
    ("dataset=xor&classes=3", "classes: expected 2 for the exclusive-or"),
    ("dataset=plane", "dataset: expected one of circle"),
    ("features=x3", "features"),
    ("features=", "features"),
    ("noise=51", "noise"),
    ("batch_size=0", "batch_size"),
    ("discretize=yes", "discretize: expected 0 or 1"),
    ("layers=3", "unknown setting 'layers'"),
    ("seed=" + "9" * 3000, "at most 2000 characters"),
])
def test_bad_urls_are_refused_with_a_message(query, message):
    with pytest.raises(ValueError, match=message):
        Settings.from_query(query)


def test_settings_from_dict_type_errors():
    with pytest.raises(TypeError, match="expected an object"):
        Settings.from_dict([1, 2])
    with pytest.raises(ValueError, match="unknown setting"):
        Settings.from_dict({"depth": 3})
    with pytest.raises(ValueError, match="hidden"):
        Settings.from_dict({"hidden": ["8"]})


# ---------------------------------------------------------------- data
def test_regression_surfaces_follow_the_playground_formulas():
    X, y = make_plane(200, 0.0, np.random.default_rng(1))
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 10, atol=1e-6)
    X, y = make_multigauss(2000, 0.0, np.random.default_rng(1))
    near = np.hypot(X[:, 0] - 4, X[:, 1] - 2.5) < 0.5      # inside the +1 bump at (4, 2.5)
    assert np.all(y[near] > 0.7) and near.any()
    near = np.hypot(X[:, 0], X[:, 1] + 2.5) < 0.5          # inside the +1 bump at (0, -2.5)
    assert np.all(y[near] > 0.7) and near.any()
    near = np.hypot(X[:, 0], X[:, 1] - 2.5) < 0.5          # the -1 bump at (0, 2.5)
    assert np.all(y[near] < -0.7) and near.any()


def test_generated_data_is_seeded():
    a, b = generate(Settings(dataset="spiral", seed=3)), generate(Settings(dataset="spiral",
                                                                          seed=3))
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, generate(Settings(dataset="spiral", seed=4)).X)


def test_csv_upload_classification_and_regression():
    rng = np.random.default_rng(0)
    points = rng.uniform(-100, 300, size=(40, 2))
    labels = rng.integers(0, 3, 40) * 10 + 7  # classes 7, 17, 27
    text = "\n".join(f"{a},{b},{c}" for (a, b), c in zip(points, labels))
    data = parse_csv(text)
    assert data.n_classes == 3
    np.testing.assert_array_equal(data.y, (labels - 7) // 10)
    np.testing.assert_allclose(data.X.min(axis=0), [-5, -5], atol=1e-5)
    np.testing.assert_allclose(data.X.max(axis=0), [5, 5], atol=1e-5)
    target = "\n".join(f"{a},{b},{a * 0.5 + 0.25}" for a, b in points)
    data = parse_csv("x1,x2,target\n" + target)
    assert data.n_classes == 0
    np.testing.assert_allclose([data.y.min(), data.y.max()], [-1, 1], atol=1e-6)
    session = Session(Settings())
    session.upload(data)
    assert session.settings.problem == "regression" and session.kind == "regression"
    session.train_epoch()
    assert session.frame()["epoch"] == 1


@pytest.mark.parametrize(("text", "message"), [
    ("", "the file is empty"),
    ("x1,x2\n1,2\n", "header of 3 columns"),
    ("\n".join(["1,2,0"] * 5), "at least 10 rows"),
    ("\n".join(["1,2,0"] * 10_001), "at most 10,000 rows"),
    ("\n".join([f"{i},{i},{i % 2}" for i in range(12)] + ["1,2"]), "row 13 has 2 columns"),
    ("\n".join([f"{i},{i},{i % 2}" for i in range(12)] + ["1,abc,0"]),
     "row 13, column 2: expected a number, received 'abc'"),
    ("\n".join([f"{i},{i},{i % 2}" for i in range(12)] + ["1,nan,0"]), "finite number"),
    ("\n".join([f"{i},{i},{i % 2}" for i in range(12)] + ["1,inf,0"]), "finite number"),
    ("x1,x2,label\n" + "\n".join(f"{i},{i},{i % 7}" for i in range(20)), "2 to 5 distinct"),
    ("x1,x2,label\n" + "\n".join(f"{i},{i},{i / 3}" for i in range(20)), "not all integers"),
    ("\n".join(f"1,{i},{i % 2}" for i in range(20)), "column x1 has one value"),
    ("x1,x2,target\n" + "\n".join(f"{i},{i},3" for i in range(20)), "target column has one"),
    ("1.00000000,2.00000000,0\n" * 250_000, "at most 5,000,000 bytes"),
])
def test_bad_csv_uploads_are_refused_with_a_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_csv(text)


# ---------------------------------------------------------------- changes, formulas, export
def test_update_rebuilds_only_what_changed():
    session = Session(Settings(optimizer="adam"))
    session.train_epoch()
    trained = session.model.state_dict()["0.weight"].numpy().copy()
    assert session.update(session.settings.replace(learning_rate=0.3)) == "none"
    assert session.optimizer.param_groups[0]["lr"] == 0.3
    np.testing.assert_array_equal(session.model.state_dict()["0.weight"].numpy(), trained)
    assert session.epoch == 1
    assert session.update(session.settings.replace(hidden=(2,))) == "network"
    assert session.epoch == 0 and session.frame(full=True)["sizes"] == [2, 2, 1]
    assert session.update(session.settings.replace(dataset="spiral", classes=3)) == "data"
    assert session.kind == "multiclass" and session.n_outputs == 3
    with pytest.raises(ValueError, match="needs a CSV"):
        session.update(session.settings.replace(dataset="upload"))
    assert session.settings.dataset == "spiral"  # unchanged after a refused update


def test_inspect_reports_the_last_gradient():
    session = Session(Settings(hidden=(3,), regularization="L2", reg_rate=0.1))
    info = session.inspect({"weight": [1, 0, 2]})
    assert "no training step yet" in dict(info["lines"])["gradient"]
    session.train_epoch()
    info = dict(session.inspect({"weight": [1, 0, 2]})["lines"])
    grad = float(session.model[2].weight.grad.numpy()[0, 2])
    assert f"{grad:.4g}".replace("-", "−") in info["gradient"]
    assert "λ W" in info["regularization"]
    node = dict(session.inspect({"node": [2, 0]})["lines"])
    assert "p − y" in node["backward"]
    bias = float(session.model[2].bias.numpy()[0])
    assert f"{bias:.4g}".replace("-", "−") in node["bias"]
    for bad in ({"node": [5, 0]}, {"weight": [0, 9, 0]}, {"node": "x"}, {"weight": [0, 0]},
                {"node": [True, 0]}, ["node"]):
        with pytest.raises(ValueError, match="inspect"):
            session.inspect(bad)


def test_exported_code_and_weights_rebuild_the_network(tmp_path, monkeypatch):
    session = Session(Settings(dataset="spiral", classes=3, hidden=(5, 4), activation="relu",
                               features=("x1", "x2", "x1x2", "sinx2")))
    session.train_epoch()
    (tmp_path / "playground.safetensors").write_bytes(session.export_weights())
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(session.export_code(), "exported.py", "exec"), namespace)
    points = session.data.X[:50]
    np.testing.assert_allclose(namespace["predict"](points).numpy(),
                               session.activations(points)[-1], rtol=1e-6, atol=1e-7)
    assert gb.load(tmp_path / "playground.safetensors").keys() == \
        session.model.state_dict().keys()
