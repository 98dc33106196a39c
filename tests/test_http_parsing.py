"""HTTP/1.1 requests as data: the request head, the body's length, the target."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mockserver.http_parsing import (
    HttpError,
    RequestHead,
    body_length,
    parse_head,
    split_target,
)

MAX_BODY_BYTES = 1000


def head_of(*header_lines: bytes) -> RequestHead:
    """Parse a POST head with these header lines."""
    return parse_head(b"\r\n".join([b"POST / HTTP/1.1", *header_lines]))


# parse_head


def test_parse_head_reads_the_request_line_and_names_headers_as_wsgi_does():
    head = parse_head(
        b"GET /a?b=1 HTTP/1.1\r\n"
        b"Host: example\r\n"
        b"Content-Type: text/plain\r\n"
        b"Content-Length: 3\r\n"
        b"X-Mock-Session:  s1 \t"
    )
    assert head == RequestHead(
        method="GET",
        target="/a?b=1",
        version=(1, 1),
        headers={
            "HTTP_HOST": "example",
            "CONTENT_TYPE": "text/plain",
            "CONTENT_LENGTH": "3",
            "HTTP_X_MOCK_SESSION": "s1",
        },
    )
    assert head.protocol == "HTTP/1.1"


def test_parse_head_joins_repeated_headers_with_a_comma():
    head = parse_head(b"GET / HTTP/1.1\r\nAccept: text/plain\r\naccept: application/json")
    assert head.headers == {"HTTP_ACCEPT": "text/plain, application/json"}


def test_parse_head_accepts_bare_lf_line_ends():
    head = parse_head(b"GET / HTTP/1.0\nHost: example\nX-A: 1")
    assert head.version == (1, 0)
    assert head.headers == {"HTTP_HOST": "example", "HTTP_X_A": "1"}


def test_parse_head_drops_header_names_with_an_underscore():
    head = parse_head(b"GET / HTTP/1.1\r\nX_Mock_Session: forged\r\nX-Mock-Session: real")
    assert head.headers == {"HTTP_X_MOCK_SESSION": "real"}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"GET /", id="two parts"),
        pytest.param(b"GET / HTTP/1.1 extra", id="four parts"),
        pytest.param(b"GET  / HTTP/1.1", id="two spaces"),
        pytest.param(b"G@T / HTTP/1.1", id="method not a token"),
        pytest.param(b"GET /caf\xc3\xa9 HTTP/1.1", id="raw non-ASCII in target"),
        pytest.param(b"GET /a\x01b HTTP/1.1", id="control byte in target"),
        pytest.param(b"GET /a\tb HTTP/1.1", id="tab in target"),
        pytest.param(b"GET /a b HTTP/1.1", id="space in target"),
        pytest.param(b"GET / HTTP/1", id="version without minor"),
        pytest.param(b"GET / http/1.1", id="version in lower case"),
        pytest.param(b"GET / HTTP/1.1\r\nNoColon", id="header without colon"),
        pytest.param(b"GET / HTTP/1.1\r\nHost : example", id="space before colon"),
        pytest.param(b"GET / HTTP/1.1\r\nX-A: 1\r\n folded", id="obs-fold"),
        pytest.param(b"GET / HTTP/1.1\r\nX-A: a\x01b", id="control char in value"),
        pytest.param(b"GET / HTTP/1.1\r\nX-A: a\rb", id="bare CR in value"),
    ],
)
def test_parse_head_refuses_malformed_heads_with_400(data: bytes):
    with pytest.raises(HttpError) as refused:
        parse_head(data)
    assert refused.value.status == 400


@pytest.mark.parametrize("version", [b"HTTP/2.0", b"HTTP/1.2", b"HTTP/1.9", b"HTTP/0.9"])
def test_parse_head_refuses_versions_but_1_0_and_1_1_with_505(version: bytes):
    with pytest.raises(HttpError) as refused:
        parse_head(b"GET / " + version + b"\r\nHost: example")
    assert refused.value.status == 505


def test_parse_head_reads_a_long_run_of_blanks_inside_a_value_in_linear_time():
    """200,000 blanks inside a value took minutes with a pattern that backtracked over them
    (quadratic), and milliseconds now. Parsed in a child process with a deadline far above
    that, so that a regression fails rather than hangs the suite."""
    parse = (
        "from mockserver.http_parsing import parse_head\n"
        "head = parse_head(b'GET / HTTP/1.1\\r\\nX: a' + b' \\t' * 100_000 + b'b  ')\n"
        "assert head.headers['HTTP_X'] == 'a' + ' \\t' * 100_000 + 'b'\n"
    )
    subprocess.run([sys.executable, "-c", parse], check=True, timeout=60)


@pytest.mark.parametrize(
    ("version", "connection", "keep_alive"),
    [
        ("HTTP/1.0", None, False),
        ("HTTP/1.0", "keep-alive", True),
        ("HTTP/1.0", "Keep-Alive", True),
        ("HTTP/1.0", "close", False),
        ("HTTP/1.1", None, True),
        ("HTTP/1.1", "keep-alive", True),
        ("HTTP/1.1", "close", False),
        ("HTTP/1.1", "Upgrade, Close", False),
    ],
)
def test_request_head_keep_alive_follows_version_and_connection_header(
    version: str, connection: str | None, keep_alive: bool
):
    lines = [f"GET / {version}", *([f"Connection: {connection}"] if connection else [])]
    assert parse_head("\r\n".join(lines).encode()).keep_alive is keep_alive


# body_length


@pytest.mark.parametrize(
    ("header_lines", "length"),
    [
        pytest.param([], 0, id="no body headers"),
        pytest.param([b"Content-Length: 5"], 5, id="Content-Length"),
        pytest.param([b"Content-Length: 5", b"Content-Length: 5"], 5, id="same length twice"),
        pytest.param([b"Transfer-Encoding: chunked"], None, id="chunked"),
        pytest.param([b"Transfer-Encoding: Chunked"], None, id="chunked in any case"),
    ],
)
def test_body_length_of_an_acceptable_head(header_lines: list[bytes], length: int | None):
    assert body_length(head_of(*header_lines), MAX_BODY_BYTES) == length


@pytest.mark.parametrize(
    ("header_lines", "status"),
    [
        pytest.param(
            [b"Transfer-Encoding: chunked", b"Content-Length: 5"], 400, id="both TE and CL"
        ),
        pytest.param([b"Transfer-Encoding: gzip"], 501, id="unknown coding"),
        pytest.param([b"Transfer-Encoding: gzip, chunked"], 501, id="coding before chunked"),
        pytest.param([b"Content-Length: five"], 400, id="not a number"),
        pytest.param([b"Content-Length: -1"], 400, id="negative"),
        pytest.param([b"Content-Length: +5"], 400, id="signed"),
        pytest.param([b"Content-Length: \xa05"], 400, id="no-break space"),
        pytest.param([b"Content-Length: 5\x85"], 400, id="next-line character"),
        pytest.param([b"Transfer-Encoding: chunked\xa0"], 501, id="chunked and a no-break space"),
        pytest.param([b"Content-Length: 5, 6"], 400, id="two lengths in one header"),
        pytest.param([b"Content-Length: 5", b"Content-Length: 6"], 400, id="two headers"),
        pytest.param([f"Content-Length: {MAX_BODY_BYTES + 1}".encode()], 413, id="over the limit"),
    ],
)
def test_body_length_refuses(header_lines: list[bytes], status: int):
    with pytest.raises(HttpError) as refused:
        body_length(head_of(*header_lines), MAX_BODY_BYTES)
    assert refused.value.status == status


def test_body_length_accepts_exactly_the_limit():
    head = head_of(f"Content-Length: {MAX_BODY_BYTES}".encode())
    assert body_length(head, MAX_BODY_BYTES) == MAX_BODY_BYTES


# split_target


@pytest.mark.parametrize(
    ("target", "method", "path", "query"),
    [
        pytest.param("/a/b", "GET", "/a/b", "", id="plain path"),
        pytest.param("/caf%C3%A9", "GET", "/caf\u00c3\u00a9", "", id="UTF-8 bytes as Latin-1"),
        pytest.param("/a%20b?x=%20y&z", "GET", "/a b", "x=%20y&z", id="query kept raw"),
        pytest.param("http://host/p?q", "GET", "/p", "q", id="absolute form"),
        pytest.param("https://host:8443/p", "GET", "/p", "", id="absolute form with port"),
        pytest.param("http://host?q", "GET", "/", "q", id="absolute form without a path"),
        pytest.param("*", "OPTIONS", "*", "", id="OPTIONS star"),
    ],
)
def test_split_target(target: str, method: str, path: str, query: str):
    assert split_target(target, method) == (path, query)


@pytest.mark.parametrize(
    ("target", "method"),
    [("index.html", "GET"), ("*", "GET"), ("?q", "GET"), ("host:443", "CONNECT")],
)
def test_split_target_refuses_a_target_not_starting_with_a_slash(target: str, method: str):
    with pytest.raises(HttpError) as refused:
        split_target(target, method)
    assert refused.value.status == 400
