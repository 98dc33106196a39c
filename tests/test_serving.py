"""Serving: the background server for tests stops cleanly, and oversized bodies get the envelope."""

from __future__ import annotations

import http.client
import json
import threading
from urllib.parse import urlsplit

from mockserver.endpoint import RESET_PATH
from mockserver.http_server import ServerLimits
from mockserver.limits import MAX_BODY_BYTES
from mockserver.serving import serve_in_background


def test_serve_in_background_stops_with_a_connection_open(app, monkeypatch):
    failures: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", failures.append)
    server = serve_in_background(app)
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    connection.request("GET", "/__admin/health")
    assert connection.getresponse().read()
    server.stop()
    assert not server._thread.is_alive()
    assert failures == []
    connection.close()


def test_make_server_lets_the_app_refuse_a_body_over_its_limit_with_the_envelope(app):
    assert ServerLimits().max_body_bytes > MAX_BODY_BYTES
    server = serve_in_background(app)
    try:
        address = urlsplit(server.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
        connection.request("PUT", RESET_PATH, body=b"x" * (MAX_BODY_BYTES + 1))
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["code"] == 413
        connection.close()
    finally:
        server.stop()
