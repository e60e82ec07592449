"""The playground's web application: one page, its static files, one WebSocket per tab.

Routes
------
``GET /``            the page (``static/index.html``)
``GET /static/...``  its JavaScript and CSS (bundled in the package: nothing from a CDN)
``WS  /ws``          the tab's session: controls in, frames out (JSON text messages)

Messages from the page (each a JSON object with a ``type``)::

    {"type": "load", "query": "<the URL fragment>"}     settings from a link
    {"type": "set", "settings": {"hidden": [8, 8]}}    change some settings
    {"type": "play"} {"type": "pause"} {"type": "step"} {"type": "reset"}
    {"type": "regenerate"}                              new seed: new data, new weights
    {"type": "ack", "epoch": 12}                        frame drawn (flow control)
    {"type": "upload", "csv": "x1,x2,label\\n..."}      the user's own data
    {"type": "inspect", "node": [layer, i]}  or  {"type": "inspect", "weight": [l, i, j]}
    {"type": "export", "what": "code" | "weights"}

Answers: ``frame`` (see :meth:`Session.frame`; ``full`` after a rebuild), ``status``
(playing or not), ``inspect``, ``export`` and ``error`` (a message for the page; the
connection stays open).

Safety, as Jupyter protects its local server:

- requests whose ``Host`` header names another host are refused (403 / WebSocket close
  1008): a web page on a rebinding domain (evil.example resolving to 127.0.0.1) cannot
  read the page or talk to the session;
- a WebSocket is accepted only when its ``Origin`` is the page's own origin (same host
  and port as ``Host``), so other pages the user visits cannot drive it;
- at most ``max_sessions`` tabs at once (one session each, freed when the tab closes);
- messages are bounded (``MAX_MESSAGE_BYTES``), parsed defensively and validated
  (:class:`~glassbox.playground.settings.Settings`, :func:`~.datasets.parse_csv`);
  a bad one gets an ``error`` answer and never ends the server.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.responses import FileResponse, PlainTextResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from glassbox.playground.datasets import MAX_UPLOAD_BYTES, parse_csv
from glassbox.playground.session import Session
from glassbox.playground.settings import Settings

__all__ = ["create_app", "LOOPBACK_HOSTS", "MAX_MESSAGE_BYTES", "MAX_SESSIONS"]

STATIC = Path(__file__).parent / "static"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
MAX_SESSIONS = 8
MAX_MESSAGE_BYTES = MAX_UPLOAD_BYTES + 65_536   # a 5 MB CSV plus its JSON escapes
FRAMES_IN_FLIGHT = 2    # frames sent but not yet drawn by the page, at most
CLOSE_POLICY = 1008     # WebSocket close code: policy violation (foreign origin or host)
CLOSE_TRY_LATER = 1013  # too many sessions
SECURITY_HEADERS = {
    # NOTE: the page loads nothing from elsewhere, and no other site may frame it.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
                               "connect-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
DIVERGED = ("The loss is no longer a finite number (training diverged): lower the learning "
            "rate and press reset.")
log = logging.getLogger("glassbox.playground")


def hostname(host_header: str) -> str:
    """``"127.0.0.1:8000"`` -> ``"127.0.0.1"``, ``"[::1]:80"`` -> ``"::1"``, lower case.

    Examples
    --------
    >>> hostname("[::1]:8000"), hostname("LocalHost:80"), hostname("example.org")
    ('::1', 'localhost', 'example.org')
    """
    try:
        name = urlsplit("//" + host_header).hostname
    except ValueError:
        return ""
    return name or ""


class HostCheck:
    """ASGI middleware: refuse HTTP and WebSocket requests for a host not in ``allowed``
    (protection against DNS rebinding).

    Examples
    --------
    >>> from starlette.testclient import TestClient
    >>> from starlette.applications import Starlette
    >>> client = TestClient(HostCheck(Starlette(), ("127.0.0.1",)), base_url="http://evil.example")
    >>> client.get("/").status_code
    403
    """

    def __init__(self, app, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = {name.lower() for name in allowed}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = dict(scope["headers"])
            host = headers.get(b"host", b"").decode("latin-1")
            if hostname(host) not in self.allowed:
                log.warning("refused a request for host %r", host)
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": CLOSE_POLICY})
                    return
                response = PlainTextResponse(
                    f"Host {host!r} is not served here; open the address the glassbox "
                    f"playground printed.", status_code=403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(*, allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS,
               max_sessions: int = MAX_SESSIONS) -> HostCheck:
    """The playground's ASGI application.

    Parameters
    ----------
    allowed_hosts : tuple of str
        Host names (without port) that requests may be addressed to; the defaults are
        the loopback names. Binding another address adds that address.
    max_sessions : int
        Open tabs served at once; one more is told to close a tab and try again.

    Examples
    --------
    >>> from starlette.testclient import TestClient
    >>> client = TestClient(create_app(), base_url="http://127.0.0.1:8000")
    >>> client.get("/").status_code, client.get("/", headers={"host": "evil.example"}).status_code
    (200, 403)
    """
    sessions: set[Connection] = set()

    async def index(request):
        return FileResponse(STATIC / "index.html", headers=SECURITY_HEADERS)

    async def websocket(ws: WebSocket) -> None:
        origin = ws.headers.get("origin", "")
        host = ws.headers.get("host", "")
        parts = urlsplit(origin) if origin else None
        if parts is None or parts.scheme not in ("http", "https") or parts.netloc != host:
            log.warning("refused a WebSocket from origin %r (host %r)", origin, host)
            await ws.close(code=CLOSE_POLICY)
            return
        await ws.accept()
        if len(sessions) >= max_sessions:
            await ws.send_json({"type": "error", "message": f"The playground already serves "
                                f"{max_sessions} tabs; close one and reload this page."})
            await ws.close(code=CLOSE_TRY_LATER)
            return
        connection = Connection(ws)
        sessions.add(connection)
        try:
            await connection.run()
        finally:
            sessions.discard(connection)

    app = Starlette(routes=[
        Route("/", index),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        WebSocketRoute("/ws", websocket),
    ])
    app.state.sessions = sessions
    return HostCheck(app, tuple(allowed_hosts))


class Connection:
    """One tab: its :class:`Session`, the play loop and the message handlers."""

    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self.session = Session()
        self.lock = asyncio.Lock()          # one change or training epoch at a time
        self.playing = False
        self.in_flight = 0                  # frames sent while playing, not yet acked
        self.acked = asyncio.Event()
        self.player: asyncio.Task | None = None

    async def run(self) -> None:
        try:
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                await self.handle(message)
        except WebSocketDisconnect:
            pass
        finally:
            self.playing = False
            if self.player is not None:
                self.player.cancel()

    async def send(self, payload: dict) -> None:
        await self.ws.send_text(json.dumps(payload, allow_nan=False))

    async def error(self, text: str) -> None:
        await self.send({"type": "error", "message": text})

    async def handle(self, message: dict) -> None:
        """Parse, check and dispatch one message; any problem becomes an ``error``."""
        text = message.get("text")
        if text is None:
            await self.error("Expected JSON text messages, received binary data.")
            return
        if len(text) > MAX_MESSAGE_BYTES:
            await self.error(f"Message too large: expected at most {MAX_MESSAGE_BYTES:,} "
                             f"bytes, received {len(text):,}.")
            return
        try:
            payload = json.loads(text)
        except (ValueError, RecursionError):
            await self.error("Expected a JSON object, received text that is not JSON.")
            return
        if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
            await self.error(f"Expected a JSON object with a \"type\", received "
                             f"{type(payload).__name__}.")
            return
        handler = getattr(self, "on_" + payload["type"], None)
        if handler is None:
            await self.error(f"Unknown message type {payload['type'][:40]!r}; expected one "
                             f"of load, set, play, pause, step, reset, regenerate, ack, "
                             f"upload, inspect, export.")
            return
        try:
            await handler(payload)
        except (ValueError, TypeError) as problem:
            await self.error(str(problem))
        except WebSocketDisconnect:
            raise
        except Exception as problem:  # NOTE: a bug must not end the server or the tab
            log.exception("playground message %r failed", payload.get("type"))
            await self.error(f"Internal error ({type(problem).__name__}); the session "
                             f"continues.")

    # ------------------------------------------------------------------ handlers
    async def apply(self, settings: Settings) -> None:
        """New settings; playing goes on when only the learning rate, regularisation,
        batch size or the picture changed (as in the TensorFlow Playground)."""
        was_playing = self.playing
        await self.pause()
        async with self.lock:
            rebuilt = await asyncio.to_thread(self.session.update, settings)
            frame = await asyncio.to_thread(self.session.frame, True)
        await self.send(frame)
        if was_playing and rebuilt == "none":
            await self.on_play({})
        else:
            await self.send({"type": "status", "playing": False})

    async def on_load(self, payload: dict) -> None:
        query = payload.get("query", "")
        try:
            settings = Settings.from_query(query)
            if settings.dataset == "upload":
                raise ValueError("the link names uploaded data, which is not kept; "
                                 "upload the CSV file again.")
        except (ValueError, TypeError) as problem:
            await self.apply(Settings())
            await self.error(f"The link's settings were not used: {problem}")
            return
        await self.apply(settings)

    async def on_set(self, payload: dict) -> None:
        changes = payload.get("settings")
        if not isinstance(changes, dict):
            raise TypeError("set: expected {\"settings\": {name: value, ...}}.")
        values = {**self.session.settings.as_dict(), **changes}
        problem = changes.get("problem")
        if problem in ("classification", "regression") and "dataset" not in changes \
                and problem != self.session.settings.problem:
            # a new problem type starts on its first data set, as in the TF Playground
            values["dataset"] = {"classification": "circle", "regression": "plane"}[problem]
        if values.get("dataset") == "xor" and "classes" not in changes:
            values["classes"] = 2  # exclusive-or has two classes, whatever was picked before
        await self.apply(Settings.from_dict(values))

    async def on_play(self, payload: dict) -> None:
        if not self.playing:
            self.playing = True
            self.in_flight = 0
            self.player = asyncio.create_task(self.play())
        await self.send({"type": "status", "playing": True})

    async def pause(self) -> None:
        """Stop playing, after the epoch in progress.

        NOTE: the player is never cancelled while it trains: cancelling an
        ``asyncio.to_thread`` call does not stop its thread, which would then train on
        while the next change rebuilds the session. It is asked to stop and awaited.
        """
        self.playing = False
        self.acked.set()  # wake a player waiting for acknowledgements
        if self.player is not None:
            player, self.player = self.player, None
            await player

    async def on_pause(self, payload: dict) -> None:
        await self.pause()
        await self.send({"type": "status", "playing": False})

    async def on_ack(self, payload: dict) -> None:
        self.in_flight = max(0, self.in_flight - 1)
        self.acked.set()

    async def epoch_frame(self) -> dict:
        async with self.lock:
            def train():
                self.session.train_epoch()
                return self.session.frame()
            return await asyncio.to_thread(train)

    async def play(self) -> None:
        """Train and stream frames while playing; at most FRAMES_IN_FLIGHT unacked."""
        try:
            while self.playing:
                while self.playing and self.in_flight >= FRAMES_IN_FLIGHT:
                    self.acked.clear()
                    await self.acked.wait()
                if not self.playing:
                    return
                frame = await self.epoch_frame()
                self.in_flight += 1
                await self.send(frame)
                if frame["train_loss"] is None:
                    self.playing = False
                    await self.send({"type": "status", "playing": False})
                    await self.error(DIVERGED)
        except (WebSocketDisconnect, RuntimeError):
            self.playing = False  # the tab went away while a frame was on its way
        except Exception as problem:  # NOTE: a bug stops the playing, not the server
            self.playing = False
            log.exception("playground training failed")
            try:
                await self.send({"type": "status", "playing": False})
                await self.error(f"Training stopped: internal error "
                                 f"({type(problem).__name__}).")
            except (WebSocketDisconnect, RuntimeError):
                pass

    async def on_step(self, payload: dict) -> None:
        await self.pause()
        frame = await self.epoch_frame()
        await self.send(frame)
        await self.send({"type": "status", "playing": False})
        if frame["train_loss"] is None:
            await self.error(DIVERGED)

    async def on_reset(self, payload: dict) -> None:
        await self.pause()
        async with self.lock:
            await asyncio.to_thread(self.session.reset)
            frame = await asyncio.to_thread(self.session.frame, True)
        await self.send(frame)
        await self.send({"type": "status", "playing": False})

    async def on_regenerate(self, payload: dict) -> None:
        settings = self.session.settings
        if settings.dataset == "upload":
            raise ValueError("Uploaded data cannot be regenerated; pick a data set.")
        await self.apply(settings.replace(seed=(settings.seed + 1) % (2**31 - 1)))

    async def on_upload(self, payload: dict) -> None:
        text = payload.get("csv")
        if not isinstance(text, str):
            raise TypeError("upload: expected {\"csv\": \"<the file's text>\"}.")
        data = await asyncio.to_thread(parse_csv, text)
        await self.pause()
        async with self.lock:
            await asyncio.to_thread(self.session.upload, data)
            frame = await asyncio.to_thread(self.session.frame, True)
        await self.send(frame)
        await self.send({"type": "status", "playing": False})

    async def on_inspect(self, payload: dict) -> None:
        target = {key: value for key, value in payload.items() if key != "type"}
        async with self.lock:
            answer = self.session.inspect(target)
        await self.send(answer)

    async def on_export(self, payload: dict) -> None:
        what = payload.get("what")
        async with self.lock:
            if what == "code":
                answer = {"filename": "playground_network.py", "mime": "text/x-python",
                          "text": self.session.export_code()}
            elif what == "weights":
                data = self.session.export_weights()
                answer = {"filename": "playground.safetensors",
                          "mime": "application/octet-stream",
                          "base64": base64.b64encode(data).decode("ascii")}
            else:
                raise ValueError(f"export: expected what=\"code\" or \"weights\", "
                                 f"received {what!r}.")
        await self.send({"type": "export", "what": what, **answer})
