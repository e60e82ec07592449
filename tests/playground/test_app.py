"""The playground's web application through Starlette's test client (HTTP and
WebSocket): pages, safety checks, limits, bad messages, and a session driven over the
socket trained exactly as a Session is."""

from __future__ import annotations

import base64
import json
import re
import warnings

import numpy as np
import pytest
from safetensors.numpy import load as load_safetensors
from starlette.websockets import WebSocketDisconnect

with warnings.catch_warnings():  # NOTE: Starlette 1.x suggests httpx2 over httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from glassbox.playground.app import MAX_MESSAGE_BYTES, create_app
from glassbox.playground.session import Session
from glassbox.playground.settings import Settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BASE = "http://127.0.0.1:8000"
WS = "ws://127.0.0.1:8000/ws"
ORIGIN = {"origin": BASE}


@pytest.fixture()
def client():
    return TestClient(create_app(), base_url=BASE)


def _frame(ws) -> dict:
    """The next frame, skipping status messages; fails on an error."""
    while True:
        message = ws.receive_json()
        assert message["type"] != "error", message["message"]
        if message["type"] == "frame":
            return message


def _next(ws, kind: str) -> dict:
    """The next message of type ``kind``, skipping status messages."""
    while (message := ws.receive_json())["type"] == "status":
        pass
    assert message["type"] == kind, message
    return message


def _error(ws) -> str:
    return _next(ws, "error")["message"]


def test_page_and_static_files_are_served_with_security_headers(client):
    page = client.get("/")
    assert page.status_code == 200 and "playground.js" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "cdn" not in page.text.lower()
    script = client.get("/static/playground.js")
    assert script.status_code == 200 and "WebSocket" in script.text
    assert set(re.findall(r"https?://[\w.-]+", script.text)) == {"http://www.w3.org"}  # SVG
    assert client.get("/static/playground.css").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200
    assert client.get("/", headers={"host": "[::1]:8000"}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example",
                                  "", "[::2]:8000"])
def test_foreign_host_is_refused(client, host):
    response = client.get("/", headers={"host": host})
    assert response.status_code == 403
    with pytest.raises(WebSocketDisconnect) as closed:
        with client.websocket_connect(WS, headers={"host": host, "origin": f"http://{host}"}):
            pass
    assert closed.value.code == 1008


@pytest.mark.parametrize("origin", [None, "http://evil.example", "http://127.0.0.1:9999",
                                    "http://localhost:8000", "null", "file://",
                                    "ftp://127.0.0.1:8000"])
def test_websocket_from_another_origin_is_refused(client, origin):
    headers = {} if origin is None else {"origin": origin}
    with pytest.raises(WebSocketDisconnect) as closed:
        with client.websocket_connect(WS, headers=headers):
            pass
    assert closed.value.code == 1008


def test_sessions_are_bounded_and_freed_when_a_tab_closes():
    app = create_app(max_sessions=2)
    client = TestClient(app, base_url=BASE)
    with client.websocket_connect(WS, headers=ORIGIN) as first:
        first.send_json({"type": "step"})
        assert _frame(first)["epoch"] == 1
        with client.websocket_connect(WS, headers=ORIGIN) as second:
            second.send_json({"type": "step"})
            _frame(second)
            with client.websocket_connect(WS, headers=ORIGIN) as third:
                assert "already serves 2 tabs" in _error(third)
                with pytest.raises(WebSocketDisconnect) as closed:
                    third.receive_json()
                assert closed.value.code == 1013
            assert len(app.app.state.sessions) == 2
    with client.websocket_connect(WS, headers=ORIGIN) as again:  # the two were freed
        again.send_json({"type": "step"})
        assert _frame(again)["epoch"] == 1


@pytest.mark.parametrize(("message", "expected"), [
    ("not json", "not JSON"),
    ("[1, 2]", "JSON object with a \"type\""),
    ('{"kind": "play"}', "JSON object with a \"type\""),
    ('{"type": 7}', "JSON object with a \"type\""),
    ('{"type": "explode"}', "Unknown message type 'explode'"),
    ('{"type": "__init__"}', "Unknown message type"),
    ("[" * 100_000 + "]" * 100_000, "not JSON"),
    ('{"type": "set", "settings": {"hidden": [' + ",".join(["8"] * 101) + "]}}",
     "at most 6 hidden layers"),
    ('{"type": "set", "settings": {"learning_rate": -1}}',
     "learning_rate: expected a number in (0, 10], received -1"),
    ('{"type": "set", "settings": {"hidden": [101]}}', "hidden: expected an integer in [1, 8]"),
    ('{"type": "set", "settings": {"activation": "gelu"}}', "activation: expected one of"),
    ('{"type": "set", "settings": {"depth": 3}}', "unknown setting"),
    ('{"type": "set", "settings": "deep"}', "set: expected"),
    ('{"type": "set", "settings": {"problem": ["regression"]}}', "problem: expected one of"),
    ('{"type": "set", "settings": {"seed": 1e400}}', "seed: expected an integer"),
    ('{"type": "set", "settings": {"hidden": [true]}}', "hidden: expected an integer"),
    ('{"type": "set", "settings": {"dataset": "upload"}}', "needs a CSV"),
    ('{"type": "upload", "csv": 12}', "upload: expected"),
    ('{"type": "upload", "csv": "x1,x2,label\\n1,2,zero"}', "expected at least 10 rows"),
    ('{"type": "inspect", "node": [9, 9]}', "no neuron 9 in layer 9"),
    ('{"type": "inspect", "weight": "all"}', "inspect: expected"),
    ('{"type": "export", "what": "pickle"}', "export: expected"),
    ('{"type": "load", "query": "hidden=101"}', "The link's settings were not used"),
    ('{"type": "load", "query": "dataset=upload"}', "upload the CSV file again"),
    ('{"type": "load", "query": 5}', "query: expected a string"),
])
def test_bad_messages_get_an_error_and_the_session_continues(client, message, expected):
    with client.websocket_connect(WS, headers=ORIGIN) as ws:
        ws.send_text(message)
        if '"load"' in message:
            _frame(ws)  # the defaults are loaded, then the error explains why
        assert expected in _error(ws)
        ws.send_json({"type": "step"})
        assert _frame(ws)["epoch"] == 1


def test_binary_and_oversized_messages_are_refused(client):
    with client.websocket_connect(WS, headers=ORIGIN) as ws:
        ws.send_bytes(b"\x00\x01")
        assert "binary" in _error(ws)
        ws.send_text(json.dumps({"type": "upload", "csv": "1" * MAX_MESSAGE_BYTES}))
        assert "Message too large" in _error(ws)
        ws.send_json({"type": "upload", "csv": "1,2,0\n" * 10_001})
        assert "at most 10,000 rows" in _error(ws)
        ws.send_json({"type": "step"})
        assert _frame(ws)["epoch"] == 1


def test_a_session_over_the_socket_trains_like_a_session(client):
    query = Settings(dataset="spiral", classes=3, hidden=(6, 4), optimizer="momentum",
                     learning_rate=0.01, seed=5).to_query()
    with client.websocket_connect(WS, headers=ORIGIN) as ws:
        ws.send_json({"type": "load", "query": "#" + query})
        full = _frame(ws)
        assert full["full"] and full["query"] == query and full["sizes"] == [2, 6, 4, 3]
        for epoch in (1, 2, 3):
            ws.send_json({"type": "step"})
            assert _frame(ws)["epoch"] == epoch
        ws.send_json({"type": "export", "what": "weights"})
        exported = _next(ws, "export")
        ws.send_json({"type": "export", "what": "code"})
        code = _next(ws, "export")
    reference = Session(Settings.from_query(query))
    for _ in range(3):
        reference.train_epoch()
    weights = load_safetensors(base64.b64decode(exported["base64"]))
    assert exported["filename"].endswith(".safetensors")
    for name, value in reference.model.state_dict().items():
        np.testing.assert_array_equal(weights[name], value.numpy())
    assert code["text"] == reference.export_code()
    compile(code["text"], "exported.py", "exec")


def test_controls_change_the_session(client):
    with client.websocket_connect(WS, headers=ORIGIN) as ws:
        ws.send_json({"type": "set", "settings": {"problem": "regression"}})
        frame = _frame(ws)
        assert frame["kind"] == "regression" and frame["settings"]["dataset"] == "plane"
        assert "test_accuracy" not in frame
        ws.send_json({"type": "set", "settings": {"hidden": [3, 3, 3],
                                                  "features": ["x1", "x2", "x1x2"]}})
        assert _frame(ws)["sizes"] == [3, 3, 3, 3, 1]
        ws.send_json({"type": "regenerate"})
        assert _frame(ws)["settings"]["seed"] == 1
        ws.send_json({"type": "set", "settings": {"problem": "classification"}})
        ws.send_json({"type": "set", "settings": {"dataset": "spiral", "classes": 4}})
        assert _frame(ws)["n_classes"] == 2 and _frame(ws)["n_classes"] == 4
        ws.send_json({"type": "set", "settings": {"dataset": "xor"}})  # back to 2 classes
        assert _frame(ws)["settings"]["classes"] == 2
        ws.send_json({"type": "set", "settings": {"problem": "regression",
                                                  "hidden": [3, 3, 3],
                                                  "features": ["x1", "x2", "x1x2"]}})
        _frame(ws)
        ws.send_json({"type": "inspect", "node": [2, 1]})
        answer = _next(ws, "inspect")
        assert answer["title"] == "Neuron 2 of hidden layer 2"


def test_play_streams_frames_until_pause(client):
    with client.websocket_connect(WS, headers=ORIGIN) as ws:
        ws.send_json({"type": "play"})
        assert ws.receive_json() == {"type": "status", "playing": True}
        epochs = []
        while len(epochs) < 5:
            frame = _frame(ws)
            epochs.append(frame["epoch"])
            ws.send_json({"type": "ack", "epoch": frame["epoch"]})
        assert epochs == [1, 2, 3, 4, 5]
        ws.send_json({"type": "pause"})
        while (message := ws.receive_json())["type"] == "frame":
            pass
        assert message == {"type": "status", "playing": False}


def test_playing_goes_on_after_a_learning_rate_change_and_stops_on_divergence(client):
    with client.websocket_connect(WS, headers=ORIGIN) as ws:
        ws.send_json({"type": "set", "settings": {"problem": "regression", "optimizer": "sgd",
                                                  "features": ["x1", "x2", "x1sq"]}})
        _frame(ws)
        ws.send_json({"type": "play"})
        assert _frame(ws)["epoch"] == 1
        ws.send_json({"type": "set", "settings": {"learning_rate": 10}})
        for _ in range(10):
            if "full" in (frame := _frame(ws)):
                break
            ws.send_json({"type": "ack", "epoch": frame["epoch"]})
        assert frame["settings"]["learning_rate"] == 10.0
        # still playing, now diverging (x1² reaches 36): the server stops and says why
        for _ in range(50):
            message = ws.receive_json()
            if message["type"] == "frame":
                ws.send_json({"type": "ack", "epoch": message["epoch"]})
            if message["type"] == "error":
                break
        assert "training diverged" in message["message"]
        ws.send_json({"type": "reset"})
        assert _frame(ws)["train_loss"] is not None


def test_upload_over_the_socket(client):
    rng = np.random.default_rng(0)
    rows = "\n".join(f"{a:.3f},{b:.3f},{int(a > b)}" for a, b in rng.normal(size=(60, 2)))
    with client.websocket_connect(WS, headers=ORIGIN) as ws:
        ws.send_json({"type": "upload", "csv": "x1,x2,label\n" + rows})
        frame = _frame(ws)
        assert frame["settings"]["dataset"] == "upload" and frame["n_classes"] == 2
        assert len(frame["train_points"]) + len(frame["test_points"]) == 60
        assert "60 rows" in frame["note"]
        ws.send_json({"type": "regenerate"})
        assert "cannot be regenerated" in _error(ws)


def test_static_files_are_package_data():
    """A non-editable install ships the page: pyproject's package-data covers it."""
    from fnmatch import fnmatch
    from pathlib import Path

    import glassbox

    root = Path(glassbox.__file__).parent
    pyproject = (root.parents[1] / "pyproject.toml").read_text()
    # NOTE: tomllib is Python >= 3.11; the package-data line is one TOML list
    line = re.search(r"^glassbox = \[(.*)\]$", pyproject.split("[tool.setuptools.package-data]")[1],
                     re.M).group(1)
    patterns = re.findall(r'"([^"]+)"', line)
    static = sorted((root / "playground" / "static").iterdir())
    assert {path.name for path in static} >= {"index.html", "playground.js", "playground.css"}
    for path in static:
        relative = path.relative_to(root).as_posix()
        assert any(fnmatch(relative, pattern) for pattern in patterns), relative
