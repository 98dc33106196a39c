"""Serving the app: waitress in the foreground for the CLI, or in a thread for tests.

Waitress was kept on the figures of `make bench` (README, "Performance and robustness"): it is
one process within the memory and start-up targets, it also runs in a thread, and it lets every
malformed request reach the app's error envelope. Granian answers twice as many requests, but
in two processes over the memory target, never from a thread, and without the envelope for
the requests its own HTTP layer refuses.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import waitress
from flask import Flask
from waitress import wasyncore
from waitress.server import BaseWSGIServer, MultiSocketServer

THREADS = 8
IDENT = "userPwdReset-mock"
MAX_REQUEST_BODY_BYTES = 1024 * 1024
"""Waitress stops reading a body past this (it answers 413 itself, as text/plain). It is well
above the app's own limit, so that an oversized body a client may really send still gets the
app's 413 in the JSON envelope; it only caps what an abusive client can make the server buffer."""


def make_server(app: Flask, host: str, port: int) -> BaseWSGIServer | MultiSocketServer:
    """Bind a waitress server for `app` (port 0 picks a free one) without running it yet."""
    # Waitress warns "Task queue depth is N" for every request that waits for a thread: a
    # line per request when a test suite runs more clients than THREADS, which cost the mock
    # 5-10% of its throughput under load (make bench) and drowned the log.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    return waitress.create_server(
        app,
        host=host,
        port=port,
        threads=THREADS,
        ident=IDENT,
        max_request_body_size=MAX_REQUEST_BODY_BYTES,
    )


@dataclass(kw_only=True)
class BackgroundServer:
    """A mock served from a background thread, for tests and embedding."""

    url: str
    _server: BaseWSGIServer
    _thread: threading.Thread

    def stop(self) -> None:
        """Close the listener and every connection from inside the serving loop, then wait.

        Closing sockets from another thread while the loop waits on them makes it fail with
        EBADF; the loop's own trigger runs the closing where it is safe, and the loop ends.
        """
        server = self._server
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        self._thread.join(timeout=5)
        server.task_dispatcher.shutdown()


def serve_in_background(app: Flask, host: str = "127.0.0.1", port: int = 0) -> BackgroundServer:
    """Serve `app` from a daemon thread on a free loopback port and return its base URL."""
    server = make_server(app, host, port)
    if not isinstance(server, BaseWSGIServer):
        server.close()
        raise ValueError(f"{host} stands for several addresses: give one IP address")
    thread = threading.Thread(target=server.run, name="mockserver", daemon=True)
    thread.start()
    return BackgroundServer(
        url=f"http://{host}:{server.effective_port}", _server=server, _thread=thread
    )
