"""Serving the app: in the foreground for the CLI, or from a thread for tests and embedding.

The server is `mockserver.http_server`, chosen on the figures of `make bench` (README,
"The server").
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from mockserver.http_server import HttpServer, ServerLimits, WsgiApp


def base_url(host: str, port: int) -> str:
    """Return `http://host:port`, an IPv6 address in brackets."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def make_server(
    app: WsgiApp, host: str, port: int, limits: ServerLimits | None = None
) -> HttpServer:
    """Bind a server for `app` (port 0 picks a free one) without running it yet."""
    return HttpServer(app, host, port, limits)


@dataclass(kw_only=True)
class BackgroundServer:
    """A mock served from a background thread, for tests and embedding."""

    url: str
    _server: HttpServer
    _thread: threading.Thread

    def stop(self) -> None:
        """Stop accepting, end every open connection, and wait for the serving thread."""
        self._server.shutdown()
        self._thread.join(timeout=10)


def serve_in_background(
    app: WsgiApp, host: str = "127.0.0.1", port: int = 0, limits: ServerLimits | None = None
) -> BackgroundServer:
    """Serve `app` from a daemon thread on a free loopback port and return its base URL."""
    server = make_server(app, host, port, limits)
    thread = threading.Thread(target=server.serve_forever, name="mockserver", daemon=True)
    thread.start()
    return BackgroundServer(
        url=base_url(host, server.effective_port), _server=server, _thread=thread
    )
