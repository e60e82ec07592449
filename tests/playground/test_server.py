"""The playground under a real uvicorn: the command, the address checks, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from glassbox.cli import app
from glassbox.playground import server

SRC = Path(server.__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_allowed_hosts_and_urls():
    assert server.allowed_hosts_for("127.0.0.1") == ("127.0.0.1", "localhost", "::1")
    assert server.allowed_hosts_for("10.1.2.3")[-1] == "10.1.2.3"
    assert socket.gethostname().lower() in server.allowed_hosts_for("0.0.0.0")
    assert server.url_for("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert server.url_for("::1", 8000) == "http://[::1]:8000/"
    assert [server.is_loopback(h) for h in ("127.0.0.5", "::1", "10.0.0.1", "example.org")] \
        == [True, True, False, False]


def test_busy_port_is_a_clear_cli_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ValueError, match=f"cannot listen on 127.0.0.1:{port}"):
            server.check_port_free("127.0.0.1", port)
        result = CliRunner().invoke(app, ["playground", "--no-browser", "--port", str(port)])
    assert result.exit_code == 2
    assert "cannot listen on" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["playground", "--port", "70000"])
    assert result.exit_code == 2


def test_binding_beyond_loopback_prints_a_warning(monkeypatch, capsys):
    ran = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: ran.append(self.config.host))
    server.serve("0.0.0.0", _free_port(), open_browser=False)
    assert ran == ["0.0.0.0"]
    assert "WARNING" in capsys.readouterr().err
    server.serve("127.0.0.1", _free_port(), open_browser=False)
    assert "WARNING" not in capsys.readouterr().err


def test_real_server_checks_origin_and_host_and_stops_on_ctrl_c():
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(
        [sys.executable, "-c", "from glassbox.cli import main; main()", "playground",
         "--no-browser", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        banner = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in banner
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):  # the banner comes just before uvicorn listens
            try:
                page = httpx.get(base + "/")
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert page.status_code == 200
        assert httpx.get(base + "/", headers={"host": "evil.example"}).status_code == 403
        url = f"ws://127.0.0.1:{port}/ws"
        with pytest.raises(InvalidStatus):
            connect(url, origin="http://evil.example").close()
        with connect(url, origin=base, max_size=None) as ws:
            ws.send(json.dumps({"type": "step"}))
            assert json.loads(ws.recv())["epoch"] == 1
            ws.send(json.dumps({"type": "play"}))
            ws.recv()
            with pytest.raises(ConnectionClosed) as closed:  # over uvicorn's ws_max_size
                ws.send("x" * 6_000_000)
                for _ in range(10):
                    ws.recv()
            assert closed.value.rcvd.code == 1009
        with connect(url, origin=base) as ws:
            ws.send(json.dumps({"type": "play"}))
            ws.recv()
            process.send_signal(signal.SIGINT)  # Ctrl-C with a tab open and playing
            output, _ = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    assert "stopped" in output and "Traceback" not in output
