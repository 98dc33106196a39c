"""A small HTTP/1.1 server for a WSGI app: one thread per connection, nothing between them.

Chosen over waitress, granian and pyruvate on the figures of `make bench` (README, "The
server"): waitress spent about 120 µs of the core on each request in its event loop and the
hand-offs to its worker threads, which kept the mock under 5,000 requests/s whatever the app
did. Here the thread that reads a request also calls the app and writes the answer, so a
request costs one wake-up. The rest of the job is ours too: every request this server refuses
gets the same JSON envelope as the app's own HTTP errors, it serves from a thread for tests,
binds port 0, and stops with its connections open.

What it implements: HTTP/1.0 and 1.1, keep-alive, pipelining, `Content-Length` and chunked
request bodies, `Expect: 100-continue`, and responses framed by `Content-Length`, chunked
encoding or the end of the connection. A response shorter than its `Content-Length` ends
the connection, as a real server does when its backend dies (the `connectionDropped` fault).
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import logging
import re
import selectors
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mockserver.answers import http_error_answer
from mockserver.http_parsing import (
    DIGITS,
    HEAD_END,
    HEADER_NAME,
    HEADER_TEXT,
    HttpError,
    RequestHead,
    body_length,
    body_too_large,
    chunk_size,
    head_too_large,
    parse_head,
    split_target,
)

LOG = logging.getLogger("mockserver.http")

SERVER_SOFTWARE = "userPwdReset-mock"
READ_BYTES = 65536

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_STATUS = re.compile(r"[1-5][0-9][0-9] [\t\x20-\x7e\x80-\xff]*")
_NO_BODY_STATUSES = frozenset({204, 304})


def _status_has_no_body(code: int) -> bool:
    """Tell whether answers of this status never carry a body: 1xx, 204, 304 (RFC 9110)."""
    return code < 200 or code in _NO_BODY_STATUSES


@dataclass(frozen=True, kw_only=True)
class ServerLimits:
    """What the server accepts and how long it waits; the defaults are the mock's."""

    max_head_bytes: int = 256 * 1024
    """Request line and headers. Well above the app's 64 KiB query limit, so that a long query
    reaches the app and gets its 414; past this the server answers 431 itself."""
    max_body_bytes: int = 1024 * 1024
    """Well above the app's own 64 KiB limit, so that an oversized body a client may really
    send still gets the app's 413; this only caps what a client can make the server buffer."""
    max_connections: int = 512
    """Open connections (one thread each); one more is answered 503 and closed."""
    idle_seconds: float = 60.0
    """How long a connection may wait for the next request, or stall in the middle of one."""
    stop_seconds: float = 5.0
    """How long `shutdown` waits for the connections' threads (a delay scenario may sleep)."""
    linger_seconds: float = 1.0
    """How long a closing connection drops what the client still sends (`_close_gently`)."""


class _Reader:
    """Buffered reads from one connection, within the limits."""

    def __init__(self, connection: socket.socket, limits: ServerLimits) -> None:
        self._connection = connection
        self._limits = limits
        self._buffer = bytearray()

    def _fill(self) -> bool:
        data = self._connection.recv(READ_BYTES)
        self._buffer += data
        return bool(data)

    def head(self) -> bytes | None:
        """Return the next request's head, or None when the client closed between requests."""
        searched = 0
        while True:
            if searched == 0:  # RFC 9112 2.2: ignore empty lines before a request line
                del self._buffer[: len(self._buffer) - len(self._buffer.lstrip(b"\r\n"))]
            end = HEAD_END.search(self._buffer, max(0, searched - 3))
            if end and end.start() > self._limits.max_head_bytes:
                raise head_too_large(self._limits.max_head_bytes)
            if end:
                head = bytes(self._buffer[: end.start()])
                del self._buffer[: end.end()]
                return head
            if len(self._buffer) > self._limits.max_head_bytes:
                raise head_too_large(self._limits.max_head_bytes)
            searched = len(self._buffer)
            if not self._fill():
                if self._buffer:
                    raise HttpError(400, "the connection ended in the middle of the headers")
                return None

    def exactly(self, size: int) -> bytes:
        """Return the next `size` bytes."""
        while len(self._buffer) < size:
            if not self._fill():
                raise HttpError(400, "the connection ended in the middle of the body")
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def line(self) -> bytes:
        """Return the next line, without its line end (for chunked bodies)."""
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end]).rstrip(b"\r")
                del self._buffer[: end + 1]
                return line
            if len(self._buffer) > self._limits.max_head_bytes:
                raise HttpError(400, "a chunk-size or trailer line is too long")
            if not self._fill():
                raise HttpError(400, "the connection ended in the middle of the body")

    def chunked(self) -> bytes:
        """Return a chunked body, decoded, then skip its trailer."""
        body = bytearray()
        while True:
            size = chunk_size(self.line())
            if len(body) + size > self._limits.max_body_bytes:
                raise body_too_large(self._limits.max_body_bytes)
            if size == 0:
                while self.line():
                    pass
                return bytes(body)
            body += self.exactly(size)
            if self.line():
                raise HttpError(400, "a chunk of a chunked body is longer than its size")


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    """Return the Date header's value, formatted once a second."""
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, email.utils.formatdate(now, usegmt=True))
    return _date_cache[1]


class ClientGoneError(Exception):
    """The client went away while the answer was being sent: nothing more to do."""


class _Response:
    """Write one WSGI response: frame it, add Date and Server, and say if the connection lives."""

    def __init__(self, connection: socket.socket, head: RequestHead, keep_alive: bool) -> None:
        self._connection = connection
        self._head = head
        self.keep_alive = keep_alive
        self.status: str | None = None
        self._headers: list[tuple[str, str]] = []
        self.headers_sent = False
        self._length: int | None = None
        self._chunked = False
        self._sent = 0
        self._bodyless = False

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        """The WSGI start_response callable."""
        if exc_info is not None:
            if self.headers_sent:
                raise exc_info[1].with_traceback(exc_info[2])
        elif self.status is not None:
            raise RuntimeError("start_response was called twice without exc_info")
        if not _STATUS.fullmatch(status):
            raise ValueError(f"invalid WSGI status {status!r}")
        for name, value in headers:
            if not HEADER_NAME.fullmatch(name) or not HEADER_TEXT.fullmatch(value):
                raise ValueError(
                    f"response header {name!r}: {value!r} cannot travel in HTTP "
                    "(a token name; printable Latin-1 values, no line breaks)"
                )
        self.status, self._headers = status, list(headers)
        return self.write

    def write(self, data: bytes) -> None:
        """Send part of the body (the WSGI write callable, and each item the app yields)."""
        if self.status is None:
            raise RuntimeError("the app sent body bytes before calling start_response")
        if not isinstance(data, bytes):
            raise TypeError(f"the app sent {type(data).__name__} where WSGI wants bytes")
        if not self.headers_sent:
            block = self._header_block() + self._framed(data)
            self.headers_sent = True
            self._send(block)
        elif data:
            self._send(self._framed(data))

    def finish(self) -> None:
        """Send what is left once the app's iterable is exhausted."""
        if not self.headers_sent:
            block = self._header_block()
            self.headers_sent = True
            self._send(block)
        if self._chunked:
            self._send(b"0\r\n\r\n")
        if self._length is not None and self._sent < self._length and not self._bodyless:
            self.keep_alive = False  # the promised body never came: end the connection

    def set_length(self, size: int) -> None:
        """Set Content-Length when the whole body is known and the app gave no valid one.

        Never for 1xx, 204 and 304 (RFC 9110 8.6); for HEAD only from the body a GET would
        get, which an app may give and this server drops, not from an empty one.
        """
        assert self.status is not None
        code = int(self.status[:3])
        if _status_has_no_body(code) or (self._head.method == "HEAD" and not size):
            return
        given = [value for name, value in self._headers if name.lower() == "content-length"]
        if not any(DIGITS.fullmatch(value) for value in given):
            self._headers.append(("Content-Length", str(size)))

    def _send(self, data: bytes) -> None:
        try:
            self._connection.sendall(data)
        except OSError as error:
            raise ClientGoneError from error

    def _framed(self, data: bytes) -> bytes:
        if self._bodyless or not data:
            return b""
        if self._chunked:
            return b"%x\r\n%s\r\n" % (len(data), data)
        if self._length is not None:
            data = data[: max(0, self._length - self._sent)]
        self._sent += len(data)
        return data

    def _header_block(self) -> bytes:
        assert self.status is not None
        code = int(self.status[:3])
        self._bodyless = self._head.method == "HEAD" or _status_has_no_body(code)
        lines = [f"{self._head.protocol} {self.status}"]
        seen = set()
        for name, value in self._headers:
            lower = name.lower()
            seen.add(lower)
            if lower == "content-length":
                if not DIGITS.fullmatch(value):
                    continue  # not a length: the body is framed as if the app gave none
                self._length = int(value)
            elif lower == "connection" and "close" in value.lower():
                self.keep_alive = False
            elif lower == "transfer-encoding":
                continue  # this server frames the body itself
            lines.append(f"{name}: {value}")
        if self._length is None and not self._bodyless:
            if self._head.version >= (1, 1):
                self._chunked = True
                lines.append("Transfer-Encoding: chunked")
            else:
                self.keep_alive = False
        if "connection" not in seen:
            if not self.keep_alive:
                lines.append("Connection: close")
            elif self._head.version < (1, 1):
                lines.append("Connection: keep-alive")
        if "date" not in seen:
            lines.append(f"Date: {_http_date()}")
        if "server" not in seen:
            lines.append(f"Server: {SERVER_SOFTWARE}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _send_error(connection: socket.socket, status: int, text: str) -> None:
    """Answer a refused request with the app's envelope and end the connection."""
    answer = http_error_answer(status, text)
    assert isinstance(answer.body, bytes)  # an error answer is one JSON document
    head = [f"HTTP/1.1 {answer.status_line}", *(f"{n}: {v}" for n, v in answer.headers)]
    head += [f"Date: {_http_date()}", f"Server: {SERVER_SOFTWARE}", "Connection: close"]
    with contextlib.suppress(OSError):
        connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + answer.body)


def _set_idle_timeout(connection: socket.socket, idle_seconds: float) -> None:
    """Make a blocking read or write fail after `idle_seconds` without progress.

    The kernel keeps the time (SO_RCVTIMEO, SO_SNDTIMEO) rather than Python's socket timeout,
    which polls before every recv and send: two more system calls a request, each giving up
    and taking back the GIL, measured at about a tenth of the throughput.
    """
    if sys.platform == "win32":  # there the options take milliseconds, not a timeval
        connection.settimeout(idle_seconds)
        return
    seconds, fraction = divmod(idle_seconds, 1)
    timeval = struct.pack("ll", int(seconds), int(fraction * 1_000_000))
    connection.setblocking(True)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)


def _refuse(connection: socket.socket, text: str) -> None:
    """Answer 503 on the accepting thread without ever waiting for the client: send (a small
    answer fits the socket's buffer), drop what it has sent so far, close."""
    connection.setblocking(False)
    _send_error(connection, 503, text)
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_WR)
        while connection.recv(READ_BYTES):
            pass
    connection.close()


def _close_gently(connection: socket.socket, limits: ServerLimits) -> None:
    """Close after the client has read the answer: end our side, then drop what it still
    sends for a moment. Closing with unread bytes makes the kernel reset the connection,
    which can destroy the answer before the client reads it."""
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_WR)
        connection.settimeout(limits.linger_seconds)
        deadline = time.monotonic() + limits.linger_seconds
        drained = 0
        while time.monotonic() < deadline and drained < limits.max_body_bytes:
            data = connection.recv(READ_BYTES)
            if not data:
                break
            drained += len(data)
    connection.close()


class HttpServer:
    """Serve a WSGI app on one address until `shutdown`."""

    def __init__(
        self, app: WsgiApp, host: str, port: int, limits: ServerLimits | None = None
    ) -> None:
        self.app = app
        self.limits = limits or ServerLimits()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.create_server((host, port), family=family, backlog=1024)
        self._listener.setblocking(False)
        self.effective_port: int = self._listener.getsockname()[1]
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server_environ: dict[str, Any] = {
            "SCRIPT_NAME": "",
            "SERVER_NAME": host,
            "SERVER_PORT": str(self.effective_port),
            "SERVER_SOFTWARE": SERVER_SOFTWARE,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        """The environ entries every request shares, built once."""

    def serve_forever(self) -> None:
        """Accept connections, a thread each, until `shutdown` (or KeyboardInterrupt)."""
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self._listener, selectors.EVENT_READ)
                selector.register(self._wake_reader, selectors.EVENT_READ)
                while not self._stopping.is_set():
                    for key, _ in selector.select():
                        if key.fileobj is self._listener:
                            self._accept()
        finally:
            self._close_all()

    def shutdown(self) -> None:
        """Ask the serving loop to stop accepting and end every connection."""
        self._stopping.set()
        with contextlib.suppress(OSError):  # the loop is already over
            self._wake_writer.send(b"x")

    def close(self) -> None:
        """Release the listening socket of a server that never served."""
        self._close_all()

    def _accept(self) -> None:
        try:
            connection, client = self._listener.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return
        except OSError as error:  # out of file descriptors: let the backlog wait
            LOG.warning("cannot accept a connection: %s", error)
            time.sleep(0.05)
            return
        with self._lock:
            full = len(self._connections) >= self.limits.max_connections
            if not full:
                thread = threading.Thread(
                    target=self._serve_connection, args=(connection, client), daemon=True
                )
                self._connections[connection] = thread
        try:
            if full:
                raise RuntimeError(f"over {self.limits.max_connections} open connections")
            thread.start()
        except RuntimeError as error:  # full, or no thread to be had
            with self._lock:
                self._connections.pop(connection, None)
            _refuse(connection, f"{error}: try again")

    def _close_all(self) -> None:
        self._listener.close()
        with self._lock:
            connections = list(self._connections.items())
        for connection, _ in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + self.limits.stop_seconds
        for _, thread in connections:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        self._wake_reader.close()
        self._wake_writer.close()

    def _serve_connection(self, connection: socket.socket, client: Any) -> None:
        try:
            _set_idle_timeout(connection, self.limits.idle_seconds)
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            reader = _Reader(connection, self.limits)
            while not self._stopping.is_set() and self._serve_request(connection, reader, client):
                pass
        except (OSError, TimeoutError):
            pass  # the client went away or stalled: nothing to answer
        except Exception:
            LOG.exception("unexpected error serving %s", client)
        finally:
            _close_gently(
                connection, self.limits
            )  # still listed: shutdown ends a lingering close too
            with self._lock:
                self._connections.pop(connection, None)

    def _serve_request(self, connection: socket.socket, reader: _Reader, client: Any) -> bool:
        """Read one request, answer it, and tell whether the connection goes on."""
        try:
            data = reader.head()
            if data is None:
                return False
            head = parse_head(data)
            length = body_length(head, self.limits.max_body_bytes)
            path, query = split_target(head.target, head.method)
            expect = head.headers.get("HTTP_EXPECT")
            if expect is not None:
                if expect.lower() != "100-continue":
                    raise HttpError(417, f"Expect: {expect} is not supported")
                if length != 0 and head.version >= (1, 1):
                    connection.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = reader.chunked() if length is None else reader.exactly(length) if length else b""
        except HttpError as error:
            _send_error(connection, error.status, error.text)
            return False
        environ = self._environ(head, path, query, body, client)
        return self._respond(connection, head, environ)

    def _environ(
        self, head: RequestHead, path: str, query: str, body: bytes, client: Any
    ) -> dict[str, Any]:
        environ: dict[str, Any] = {
            **self._server_environ,
            "REQUEST_METHOD": head.method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "RAW_URI": head.target,
            "SERVER_PROTOCOL": head.protocol,
            "REMOTE_ADDR": client[0],
            "REMOTE_PORT": str(client[1]),
            "wsgi.input": io.BytesIO(body),
            **head.headers,
        }
        environ.pop("HTTP_TRANSFER_ENCODING", None)  # the body is already decoded
        if body or "CONTENT_LENGTH" in environ:  # the length read, as one number
            environ["CONTENT_LENGTH"] = str(len(body))
        return environ

    def _respond(
        self, connection: socket.socket, head: RequestHead, environ: dict[str, Any]
    ) -> bool:
        response = _Response(connection, head, head.keep_alive)
        result: Iterable[bytes] | None = None
        try:
            result = self.app(environ, response.start_response)
            if isinstance(result, (list, tuple)) and response.status is not None:
                response.set_length(sum(len(part) for part in result))
            for part in result:
                if part:
                    response.write(part)
            response.finish()
        except ClientGoneError:
            return False
        except Exception as error:
            LOG.exception("the app failed on %s %s", head.method, environ["PATH_INFO"])
            if response.headers_sent:
                return False
            _send_error(connection, 500, f"the mock failed unexpectedly: {type(error).__name__}")
            return False
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return response.keep_alive
