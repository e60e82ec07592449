"""Run the playground under uvicorn: ``glassbox playground`` calls :func:`serve`."""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
import time
import webbrowser

from glassbox.playground.app import LOOPBACK_HOSTS, MAX_MESSAGE_BYTES, MAX_SESSIONS, create_app

__all__ = ["serve", "allowed_hosts_for", "is_loopback", "check_port_free", "url_for"]


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``.

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts_for(host: str) -> tuple[str, ...]:
    """Host names requests may use when the server binds ``host``.

    Loopback names always; the bound name or address when it is another; for the
    wildcards 0.0.0.0 and :: (every interface), this machine's name and addresses.

    Examples
    --------
    >>> allowed_hosts_for("127.0.0.1")
    ('127.0.0.1', 'localhost', '::1')
    >>> allowed_hosts_for("192.168.1.20")[-1]
    '192.168.1.20'
    """
    names = list(LOOPBACK_HOSTS)
    if host in ("0.0.0.0", "::", ""):
        machine = socket.gethostname()
        names.append(machine)
        try:
            names += [info[4][0] for info in socket.getaddrinfo(machine, None)]
        except OSError:
            pass
    elif host not in names:
        names.append(host)
    return tuple(dict.fromkeys(name.lower() for name in names))


def url_for(host: str, port: int) -> str:
    """The address to open: loopback for wildcard binds, IPv6 in brackets."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def check_port_free(host: str, port: int) -> None:
    """Raise ``ValueError`` (with the fix) when ``host:port`` cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as problem:
            raise ValueError(f"cannot listen on {host}:{port} ({problem.strerror}); choose "
                             f"another port with --port.") from None


def serve(host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True,
          max_sessions: int = MAX_SESSIONS) -> None:
    """Serve the playground until Ctrl-C, optionally opening it in the browser.

    Binding anything but a loopback address makes the page reachable from other
    machines: a warning says so.
    """
    import uvicorn

    if not is_loopback(host):
        print(f"WARNING: binding {host!r} makes the playground reachable from other "
              f"machines on your network. Anyone who can reach it can use this "
              f"computer's CPU; there is no password. Use --host 127.0.0.1 to keep it "
              f"local.", file=sys.stderr)
    app = create_app(allowed_hosts=allowed_hosts_for(host), max_sessions=max_sessions)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                            ws_max_size=MAX_MESSAGE_BYTES, timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    url = url_for(host, port)
    print(f"glassbox playground: {url}  (Ctrl-C stops it)", flush=True)
    if open_browser:
        def open_when_started() -> None:
            for _ in range(100):
                if server.started:
                    webbrowser.open(url)
                    return
                time.sleep(0.05)
        threading.Thread(target=open_when_started, daemon=True).start()
    try:
        server.run()
    except KeyboardInterrupt:  # NOTE: uvicorn re-raises Ctrl-C once it has shut down
        pass
    print("glassbox playground stopped.", flush=True)
