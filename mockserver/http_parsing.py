"""HTTP/1.1 requests as data: the head parser and the framing rules, without sockets.

The server (`http_server.py`) reads bytes and calls these; each refusal is an HttpError with
its status and a message that says what is wrong, which the server sends in the envelope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

_TOKEN_PATTERN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_TOKEN = re.compile(_TOKEN_PATTERN)
_TARGET = re.compile(rb"[\x21-\x7e]+")
_REQUEST_LINE = re.compile(rb"(%s) ([\x21-\x7e]+) HTTP/([0-9])\.([0-9])" % _TOKEN_PATTERN)
_HEADER_LINE = re.compile(rb"(%s):([^\x00-\x08\x0a-\x1f\x7f]*)" % _TOKEN_PATTERN)
"""A name, a colon and the value with its surrounding blanks (stripped after the match: a
pattern that stripped them too backtracked over long runs of blanks, quadratic time)."""
HEAD_END = re.compile(rb"\r?\n\r?\n")
"""The blank line that ends a head (a bare LF allowed for CRLF)."""
HEADER_NAME = re.compile(_TOKEN_PATTERN.decode("ascii"))
HEADER_TEXT = re.compile(r"[\t\x20-\x7e\x80-\xff]*")
"""What a header value may hold, as text: printable Latin-1 and tabs, no line breaks."""
_BLANKS = " \t"
DIGITS = re.compile(r"[0-9]{1,18}")
"""A Content-Length."""
_LINE_END = re.compile(rb"\r?\n")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(;[^\r\n]*)?")
_WSGI_KEYS: dict[bytes, str] = {}
MAX_CACHED_HEADER_NAMES = 256


class HttpError(Exception):
    """A request the server refuses before the app sees it: the status and why."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


@dataclass(frozen=True, kw_only=True)
class RequestHead:
    """The request line and headers, as read off the wire."""

    method: str
    target: str
    version: tuple[int, int]
    headers: dict[str, str]
    """By WSGI name (`CONTENT_TYPE`, `HTTP_X_MOCK_SESSION`); repeated headers joined by ", "."""

    @property
    def protocol(self) -> str:
        """Return `HTTP/1.1` or `HTTP/1.0`."""
        return f"HTTP/{self.version[0]}.{self.version[1]}"

    @property
    def keep_alive(self) -> bool:
        """Tell whether the client wants the connection kept after this request."""
        tokens = {
            token.strip().lower() for token in self.headers.get("HTTP_CONNECTION", "").split(",")
        }
        if self.version >= (1, 1):
            return "close" not in tokens
        return "keep-alive" in tokens


def parse_head(data: bytes) -> RequestHead:
    """Parse a request line and its header lines (without the blank line that ends them).

    Raise HttpError for anything that is not HTTP/1.x as RFC 9112 writes it, but accept a bare
    LF for CRLF, as its section 2.2 allows.
    """
    request_line, *header_lines = _LINE_END.split(data)
    line = _REQUEST_LINE.fullmatch(request_line)
    if not line:
        raise _request_line_error(request_line)
    method, target, major, minor = line.groups()
    if major != b"1" or minor not in (b"0", b"1"):
        raise HttpError(505, "only HTTP/1.0 and HTTP/1.1 are served")
    headers: dict[str, str] = {}
    for header_line in header_lines:
        header = _HEADER_LINE.fullmatch(header_line)
        if not header:
            raise _header_line_error(header_line)
        name, value = header.groups()
        key = _WSGI_KEYS.get(name) or _wsgi_key(name)
        if not key:
            continue  # a name with "_": X_Mock_Session must not pass for X-Mock-Session
        text = value.strip(b" \t").decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return RequestHead(
        method=method.decode("ascii"),
        target=target.decode("ascii"),
        version=(1, int(minor)),
        headers=headers,
    )


def _wsgi_key(name: bytes) -> str:
    """Return the environ key of a header name (`HTTP_X_MOCK_SESSION`), or "" to drop it."""
    if b"_" in name:
        return ""
    key = name.decode("ascii").upper().replace("-", "_")
    if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        key = f"HTTP_{key}"
    if len(_WSGI_KEYS) < MAX_CACHED_HEADER_NAMES:
        _WSGI_KEYS[name] = key
    return key


def _request_line_error(request_line: bytes) -> HttpError:
    """Say what is wrong with a request line that is not `METHOD TARGET HTTP/x.y`."""
    parts = request_line.split(b" ")
    if len(parts) != 3:
        return HttpError(400, "malformed request line: expected METHOD TARGET HTTP/1.1")
    method, target, _ = parts
    if not _TOKEN.fullmatch(method):
        return HttpError(400, "malformed request line: the method is not an HTTP token")
    if not _TARGET.fullmatch(target):
        return HttpError(
            400,
            "the request target has a byte that HTTP does not allow there "
            "(outside ASCII, a control character or a space): percent-encode it",
        )
    return HttpError(400, "malformed request line: the version is not HTTP/x.y")


def _header_line_error(line: bytes) -> HttpError:
    """Say what is wrong with a header line that is not `Name: value`."""
    name, colon, _ = line.partition(b":")
    if colon and _TOKEN.fullmatch(name):
        return HttpError(400, f"the {name.decode()} header has a control character")
    return HttpError(400, f"malformed header line: {line[:60].decode('latin-1')!r}")


def body_length(head: RequestHead, max_body_bytes: int) -> int | None:
    """Return the `Content-Length` of the body, 0 without one, or None for a chunked body."""
    coding = head.headers.get("HTTP_TRANSFER_ENCODING")
    length = head.headers.get("CONTENT_LENGTH")
    if coding is not None:
        if length is not None:
            raise HttpError(400, "both Transfer-Encoding and Content-Length: send one")
        if coding.strip(_BLANKS).lower() != "chunked":
            raise HttpError(501, f"transfer coding {coding!r} is not supported: use chunked")
        return None
    if length is None:
        return 0
    values = {value.strip(_BLANKS) for value in length.split(",")}
    if len(values) != 1 or not DIGITS.fullmatch(next(iter(values))):
        raise HttpError(400, f"Content-Length {length!r} is not one decimal number")
    size = int(next(iter(values)))
    if size > max_body_bytes:
        raise body_too_large(max_body_bytes)
    return size


def body_too_large(max_body_bytes: int) -> HttpError:
    """Refuse a body over the limit."""
    return HttpError(413, f"the body is over {max_body_bytes} bytes")


def head_too_large(max_head_bytes: int) -> HttpError:
    """Refuse a request line and headers over the limit."""
    return HttpError(431, f"the request line and headers are over {max_head_bytes} bytes")


def chunk_size(line: bytes) -> int:
    """Return the size a chunked body's size line gives (its extensions ignored)."""
    size = _CHUNK_SIZE.fullmatch(line)
    if not size:
        raise HttpError(400, "malformed chunk size in a chunked body")
    return int(size.group(1), 16)


def split_target(target: str, method: str) -> tuple[str, str]:
    """Return the WSGI PATH_INFO (percent-decoded, as Latin-1) and QUERY_STRING of a target."""
    if target.startswith(("http://", "https://")):
        authority_and_rest = target.split("://", 1)[1]
        start = min(
            (at for at in (authority_and_rest.find("/"), authority_and_rest.find("?")) if at >= 0),
            default=len(authority_and_rest),
        )
        rest = authority_and_rest[start:]
        target = rest if rest.startswith("/") else f"/{rest}"
    elif target == "*" and method == "OPTIONS":
        return "*", ""
    if not target.startswith("/"):
        raise HttpError(400, "the request target must be a path starting with /")
    path, _, query = target.partition("?")
    return unquote_to_bytes(path).decode("latin-1"), query
