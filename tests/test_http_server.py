"""The HTTP/1.1 server on the wire: the bytes it exchanges with a raw socket client.

The apps are small WSGI functions routed by path; each wire test writes the request bytes
itself and reads the answer off the socket, so that framing and connection handling show.
"""

from __future__ import annotations

import email.utils
import json
import logging
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pytest

from mockserver.http_server import SERVER_SOFTWARE, HttpServer, ServerLimits
from mockserver.serving import BackgroundServer, serve_in_background

DEFAULT = ServerLimits()
TIMEOUT = 5.0
"""A safety net for every socket read: no test waits on it when the server behaves."""

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


# The apps


def hello(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Answer `hello <path>` as a list, without Content-Length."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello ", environ["PATH_INFO"].encode("latin-1")]


def echo(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Answer, as JSON, the body the app read and the two environ keys that frame it."""
    body = environ["wsgi.input"].read()
    answer = {
        "body": body.decode("latin-1"),
        "CONTENT_LENGTH": environ.get("CONTENT_LENGTH"),
        "HTTP_TRANSFER_ENCODING": environ.get("HTTP_TRANSFER_ENCODING"),
    }
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(answer).encode()]


def stream(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Answer `one` then `two` from a generator, without Content-Length."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"one"
    yield b"two"


def short(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Promise 10 bytes and send 3."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "10")])
    yield b"abc"


def bad_length(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Give a Content-Length that is not a number."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "ten")])
    return [b"abc"]


def fail(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Raise before start_response."""
    raise RuntimeError("the app is broken")


def write(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Send part of the body with the write callable and return the rest."""
    write_body = start_response("200 OK", [("Content-Type", "text/plain")])
    write_body(b"written, ")
    return [b"returned"]


def no_content(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Answer 204 with an empty list body."""
    start_response("204 No Content", [])
    return []


def lost_file(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Fail with an OSError of the app's own, not of the connection."""
    raise FileNotFoundError("fixtures/missing.yaml")


def chinese_header(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Give a header value that Latin-1 cannot encode."""
    start_response("200 OK", [("X-Note", "稍后再试")])
    return [b"never sent"]


def text_body(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Give str where WSGI wants bytes."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return ["text"]


ROUTES = {
    "/echo": echo,
    "/stream": stream,
    "/short": short,
    "/bad-length": bad_length,
    "/fail": fail,
    "/no-content": no_content,
    "/lost-file": lost_file,
    "/chinese-header": chinese_header,
    "/text-body": text_body,
    "/write": write,
}


def routed(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Call the app of ROUTES the path names, or `hello`."""
    return ROUTES.get(environ["PATH_INFO"], hello)(environ, start_response)


# The client


@dataclass(frozen=True, kw_only=True)
class Reply:
    """One response as read off the wire; header names in lower case."""

    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """A raw client connection: send bytes, read one reply at a time."""

    def __init__(self, port: int) -> None:
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.stream = self.socket.makefile("rb")

    def send(self, data: bytes) -> None:
        self.socket.sendall(data)

    def reply(self, *, method: str = "GET") -> Reply:
        """Read the next response, its body framed as the headers say."""
        status_line = self.stream.readline()
        assert status_line, "the server closed the connection without an answer"
        version, status, _ = status_line.decode("latin-1").split(" ", 2)
        assert version in ("HTTP/1.0", "HTTP/1.1")
        headers = {}
        while (line := self.stream.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.lower()] = value.strip()
        if method == "HEAD":
            body = b""
        elif "content-length" in headers:
            body = self.stream.read(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            body = self._chunked()
        else:
            body = self.stream.read()
        return Reply(status=int(status), headers=headers, body=body)

    def rest(self) -> bytes:
        """Read to the end of the connection."""
        return self.stream.read()

    def close(self) -> None:
        self.stream.close()
        self.socket.close()

    def _chunked(self) -> bytes:
        body = b""
        while size := int(self.stream.readline().split(b";")[0], 16):
            body += self.stream.read(size)
            assert self.stream.readline() == b"\r\n"
        while self.stream.readline() not in (b"\r\n", b""):
            pass
        return body


def assert_envelope(reply: Reply, status: int) -> None:
    """Check a refused request's answer: the JSON envelope with `code` the status, then close."""
    assert reply.status == status
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["connection"] == "close"
    envelope = json.loads(reply.body)
    assert envelope == {"code": status, "msg": mock.ANY, "extMsg": None, "data": None}
    assert isinstance(envelope["msg"], str) and envelope["msg"]


@pytest.fixture
def limits() -> ServerLimits:
    """The server's limits; a test parametrizes `limits` to serve with others."""
    return DEFAULT


@pytest.fixture
def server(limits: ServerLimits) -> Iterator[BackgroundServer]:
    server = serve_in_background(routed, limits=limits)
    yield server
    server.stop()


@pytest.fixture
def connect(server: BackgroundServer) -> Iterator[Callable[[], Connection]]:
    connections: list[Connection] = []

    def open_connection() -> Connection:
        connection = Connection(port_of(server))
        connections.append(connection)
        return connection

    yield open_connection
    for connection in connections:
        connection.close()


def port_of(server: BackgroundServer) -> int:
    port = urlsplit(server.url).port
    assert port is not None
    return port


# Connections


def test_keep_alive_serves_two_requests_on_one_connection(connect):
    connection = connect()
    connection.send(b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
    first = connection.reply()
    connection.send(b"GET /two HTTP/1.1\r\nHost: x\r\n\r\n")
    second = connection.reply()
    assert (first.status, first.body) == (200, b"hello /one")
    assert (second.status, second.body) == (200, b"hello /two")
    assert "connection" not in first.headers


def test_pipelined_requests_are_answered_in_order(connect):
    connection = connect()
    connection.send(b"GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n")
    assert connection.reply().body == b"hello /one"
    assert connection.reply().body == b"hello /two"


def test_http_1_0_request_gets_the_connection_closed_after_the_answer(connect):
    connection = connect()
    connection.send(b"GET /old HTTP/1.0\r\n\r\n")
    reply = connection.reply()
    assert (reply.status, reply.body) == (200, b"hello /old")
    assert reply.headers["connection"] == "close"
    assert connection.rest() == b""


def test_http_1_0_request_with_keep_alive_keeps_the_connection(connect):
    connection = connect()
    connection.send(b"GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    first = connection.reply()
    connection.send(b"GET /two HTTP/1.0\r\n\r\n")
    second = connection.reply()
    assert first.headers["connection"] == "keep-alive"
    assert second.body == b"hello /two"
    assert connection.rest() == b""


def test_leading_empty_lines_before_a_request_line_are_ignored(connect):
    connection = connect()
    connection.send(b"\r\n\n\r\nGET /after-blank-lines HTTP/1.1\r\nHost: x\r\n\r\n")
    assert connection.reply().body == b"hello /after-blank-lines"


# Request bodies


def test_content_length_body_reaches_wsgi_input(connect):
    connection = connect()
    connection.send(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world")
    assert json.loads(connection.reply().body) == {
        "body": "hello world",
        "CONTENT_LENGTH": "11",
        "HTTP_TRANSFER_ENCODING": None,
    }


def test_chunked_body_is_decoded_and_given_a_content_length(connect):
    connection = connect()
    connection.send(
        b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=value\r\nhello\r\n"
        b"6\r\n world\r\n"
        b"0\r\nX-Trailer: yes\r\n\r\n"
    )
    assert json.loads(connection.reply().body) == {
        "body": "hello world",
        "CONTENT_LENGTH": "11",
        "HTTP_TRANSFER_ENCODING": None,
    }


def test_expect_100_continue_gets_an_interim_answer_before_the_final_one(connect):
    connection = connect()
    connection.send(
        b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
    )
    assert connection.stream.readline() == b"HTTP/1.1 100 Continue\r\n"
    assert connection.stream.readline() == b"\r\n"
    connection.send(b"hello")
    reply = connection.reply()
    assert (reply.status, json.loads(reply.body)["body"]) == (200, "hello")


# Responses


def test_head_gets_the_headers_and_no_body(connect):
    connection = connect()
    connection.send(b"HEAD /page HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n")
    head = connection.reply(method="HEAD")
    assert (head.status, head.headers["content-length"]) == (200, str(len(b"hello /page")))
    assert connection.reply().body == b"hello /next"  # no body bytes came in between


def test_list_body_gets_a_content_length(connect):
    connection = connect()
    connection.send(b"GET /counted HTTP/1.1\r\nHost: x\r\n\r\n")
    reply = connection.reply()
    assert reply.headers["content-length"] == str(len(b"hello /counted"))
    assert "transfer-encoding" not in reply.headers


def test_generator_body_is_sent_chunked_to_http_1_1(connect):
    connection = connect()
    connection.send(b"GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, _, body = connection.rest().partition(b"\r\n\r\n")
    assert b"\r\nTransfer-Encoding: chunked\r\n" in head + b"\r\n"
    assert b"Content-Length" not in head
    assert body == b"3\r\none\r\n3\r\ntwo\r\n0\r\n\r\n"


def test_generator_body_is_close_delimited_to_http_1_0(connect):
    connection = connect()
    connection.send(b"GET /stream HTTP/1.0\r\n\r\n")
    head, _, body = connection.rest().partition(b"\r\n\r\n")
    assert b"\r\nConnection: close\r\n" in head + b"\r\n"
    assert b"Transfer-Encoding" not in head
    assert b"Content-Length" not in head
    assert body == b"onetwo"


def test_body_shorter_than_its_content_length_ends_the_connection(connect):
    connection = connect()
    connection.send(b"GET /short HTTP/1.1\r\nHost: x\r\n\r\n")
    head, _, body = connection.rest().partition(b"\r\n\r\n")
    assert b"\r\nContent-Length: 10\r\n" in head + b"\r\n"
    assert body == b"abc"


def test_an_app_length_that_is_no_number_is_replaced_by_the_real_one(connect):
    connection = connect()
    connection.send(b"GET /bad-length HTTP/1.1\r\nHost: x\r\n\r\n")
    reply = connection.reply()
    assert reply.headers["content-length"] == "3"
    assert reply.body == b"abc"


def test_write_callable_sends_its_bytes_before_the_returned_ones(connect):
    connection = connect()
    connection.send(b"GET /write HTTP/1.1\r\nHost: x\r\n\r\n")
    reply = connection.reply()
    assert (reply.status, reply.body) == (200, b"written, returned")


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", id="the app's answer"),
        pytest.param(b"GET / HTTP/2.0\r\n\r\n", id="a refusal"),
    ],
)
def test_answer_has_date_and_server_headers(connect, request_bytes: bytes):
    connection = connect()
    connection.send(request_bytes)
    reply = connection.reply()
    assert reply.headers["server"] == SERVER_SOFTWARE
    assert reply.headers["date"].endswith(" GMT")
    assert email.utils.parsedate_to_datetime(reply.headers["date"]).utcoffset() is not None


def test_app_that_raises_gets_a_500_envelope_and_the_server_serves_on(connect):
    failing = connect()
    failing.send(b"GET /fail HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_envelope(failing.reply(), 500)
    assert failing.rest() == b""
    next_one = connect()
    next_one.send(b"GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
    assert next_one.reply().body == b"hello /after"


# Refused requests


def head_of_size(size: int, *, target: bytes = b"/") -> bytes:
    """Return a GET head of exactly `size` bytes, padded by one header, without the blank line."""
    head = b"GET " + target + b" HTTP/1.1\r\nX-Big: "
    return head + b"a" * (size - len(head))


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        pytest.param(b"GET /\r\n\r\n", 400, id="malformed request line"),
        pytest.param(b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n", 400, id="raw non-ASCII"),
        pytest.param(head_of_size(300 * 1024) + b"\r\n\r\n", 431, id="300 KiB head"),
        pytest.param(
            b"POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % (DEFAULT.max_body_bytes + 1),
            413,
            id="Content-Length over the limit",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n"
            % (DEFAULT.max_body_bytes + 1),
            413,
            id="chunk over the limit",
        ),
        pytest.param(b"GET / HTTP/2.0\r\n\r\n", 505, id="HTTP/2.0"),
        pytest.param(
            b"POST / HTTP/1.1\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx",
            417,
            id="unsupported Expect",
        ),
        pytest.param(b"GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501, id="gzip"),
        pytest.param(b"GET index.html HTTP/1.1\r\n\r\n", 400, id="target without slash"),
    ],
)
def test_refused_request_gets_the_envelope_and_connection_close(
    connect, request_bytes: bytes, status: int
):
    connection = connect()
    connection.send(request_bytes)
    assert_envelope(connection.reply(), status)
    assert connection.rest() == b""


def test_head_just_under_max_head_bytes_reaches_the_app(connect):
    connection = connect()
    connection.send(head_of_size(DEFAULT.max_head_bytes - 1000, target=b"/under") + b"\r\n\r\n")
    assert connection.reply().body == b"hello /under"


def test_head_just_over_max_head_bytes_gets_431(connect):
    connection = connect()
    connection.send(head_of_size(DEFAULT.max_head_bytes + 1000, target=b"/over") + b"\r\n\r\n")
    assert_envelope(connection.reply(), 431)
    assert connection.rest() == b""


def test_client_closing_mid_headers_leaves_no_error_in_the_log(server, connect, caplog):
    caplog.set_level(logging.WARNING, logger="mockserver.http")
    connection = connect()
    connection.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert connection.reply().status == 200  # the server holds this connection now
    connection.send(b"GET /second HTTP/1.1\r\nHost: x")
    connection.close()
    server.stop()  # waits for the connection's thread
    assert [record for record in caplog.records if record.name == "mockserver.http"] == []


# Stopping and limits


def test_shutdown_with_an_idle_keep_alive_connection_ends_it_and_the_serving_thread():
    # stop() waits 10 s for the serving thread: a connection it failed to end would outlast that
    server = serve_in_background(routed, limits=ServerLimits(stop_seconds=60.0))
    connection = Connection(port_of(server))
    try:
        connection.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert connection.reply().status == 200
        server.stop()
        assert not server._thread.is_alive()
        assert connection.rest() == b""
    finally:
        connection.close()
        server.stop()


def test_stop_leaves_no_thread_behind_with_a_request_arriving_as_it_stops():
    before = set(threading.enumerate())
    server = HttpServer(routed, "127.0.0.1", 0)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    held = Connection(server.effective_port)
    try:
        held.send(b"GET /first HTTP/1.1\r\nHost: x\r\n\r\n")
        assert held.reply().status == 200
        server.shutdown()
        held.send(b"GET /last HTTP/1.1\r\nHost: x\r\n\r\n")
        held.rest()  # answered or not, the stopping server ends the connection
        serving.join(timeout=10)
        assert not serving.is_alive()
        assert [thread for thread in set(threading.enumerate()) - before if thread.is_alive()] == []
    finally:
        held.close()
        server.shutdown()
        serving.join(timeout=10)


@pytest.mark.parametrize("limits", [ServerLimits(max_connections=1)], ids=["one connection"])
def test_connection_over_max_connections_gets_a_503_envelope(connect):
    held = connect()
    held.send(b"GET /held HTTP/1.1\r\nHost: x\r\n\r\n")
    assert held.reply().status == 200
    extra = connect()
    extra.send(b"GET /extra HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_envelope(extra.reply(), 503)
    assert extra.rest() == b""
    held.send(b"GET /still HTTP/1.1\r\nHost: x\r\n\r\n")
    assert held.reply().body == b"hello /still"


@pytest.mark.parametrize("limits", [ServerLimits(idle_seconds=0.2)], ids=["0.2 s idle"])
def test_idle_connection_is_closed_after_idle_seconds(connect):
    connection = connect()
    connection.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert connection.reply().status == 200
    assert connection.rest() == b""  # no request for 0.2 s: the server ends the connection


def test_repeated_equal_content_lengths_reach_the_app_as_one_number(connect):
    connection = connect()
    connection.send(
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"
    )
    assert json.loads(connection.reply().body) == {
        "body": "hello",
        "CONTENT_LENGTH": "5",
        "HTTP_TRANSFER_ENCODING": None,
    }


def test_an_empty_line_between_pipelined_requests_is_ignored_across_reads(connect):
    connection = connect()
    connection.send(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello\r")
    assert json.loads(connection.reply().body)["body"] == "hello"
    connection.send(b"\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n")
    assert connection.reply().body == b"hello /next"


def test_204_gets_no_content_length(connect):
    connection = connect()
    connection.send(b"GET /no-content HTTP/1.1\r\nHost: x\r\n\r\n")
    reply = connection.reply(method="HEAD")  # a 204 has no body to read
    assert reply.status == 204
    assert "content-length" not in reply.headers
    assert "transfer-encoding" not in reply.headers


@pytest.mark.parametrize(
    "path",
    [b"/lost-file", b"/chinese-header", b"/text-body"],
    ids=["an OSError of the app", "a header Latin-1 cannot carry", "str for bytes"],
)
def test_app_errors_get_the_500_envelope_and_are_logged(connect, caplog, path: bytes):
    caplog.set_level(logging.ERROR, logger="mockserver.http")
    connection = connect()
    connection.send(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_envelope(connection.reply(), 500)
    assert [record.levelname for record in caplog.records] == ["ERROR"]


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_serves_on_ipv6_loopback():
    server = serve_in_background(routed, host="::1")
    try:
        assert server.url.startswith("http://[::1]:")
        connection = socket.create_connection(("::1", urlsplit(server.url).port), timeout=TIMEOUT)
        with connection:
            connection.sendall(b"GET /v6 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert connection.makefile("rb").read().endswith(b"hello /v6")
    finally:
        server.stop()
