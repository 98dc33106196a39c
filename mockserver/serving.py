"""Serving the app: waitress in the foreground for the CLI, or in a thread for tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import waitress
from flask import Flask
from waitress.server import BaseWSGIServer, MultiSocketServer

from mockserver.app import MAX_BODY_BYTES

THREADS = 8


def make_server(app: Flask, host: str, port: int) -> BaseWSGIServer | MultiSocketServer:
    """Bind a waitress server for `app` (port 0 picks a free one) without running it yet."""
    return waitress.create_server(
        app,
        host=host,
        port=port,
        threads=THREADS,
        ident="userPwdReset-mock",
        max_request_body_size=MAX_BODY_BYTES,
    )


@dataclass(kw_only=True)
class BackgroundServer:
    """A mock served from a background thread, for tests and embedding."""

    url: str
    _server: BaseWSGIServer | MultiSocketServer
    _thread: threading.Thread

    def stop(self) -> None:
        """Stop listening and wait for the serving thread to end."""
        self._server.close()
        self._thread.join(timeout=5)


def serve_in_background(app: Flask, host: str = "127.0.0.1", port: int = 0) -> BackgroundServer:
    """Serve `app` from a daemon thread on a free loopback port and return its base URL."""
    server = make_server(app, host, port)
    thread = threading.Thread(target=server.run, name="mockserver", daemon=True)
    thread.start()
    return BackgroundServer(
        url=f"http://{host}:{server.effective_port}", _server=server, _thread=thread
    )
