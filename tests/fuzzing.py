"""Raw requests that Hypothesis generates, how to send them, and what every answer must be.

Shared by `test_robustness.py` (small counts, in `make test`) and `benchmarks/fuzz.py` (the
long campaign of `make fuzz`). A case is a method, a path, a raw query string (repeated
parameters, percent-encoding errors, NUL and control characters, 100 KB values, invalid UTF-8,
percent-encoded or raw on the wire) and an X-Q-Language header.
"""

from __future__ import annotations

import json
import logging
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_from_bytes

import yaml
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import crypto
from mockserver.codes import Code, message
from mockserver.endpoint import DEFAULT_PASSWORD_DATA, RESET_PATH
from mockserver.responses import language
from mockserver.rules import PARAMETER_FIELDS

DOCUMENTED_HTTP_ERRORS = frozenset({400, 404, 405, 413, 414})
ENVELOPE_KEYS = frozenset({"code", "msg", "extMsg", "data"})
BUSINESS_CODES = frozenset(int(code) for code in Code)
BIG_VALUE_BYTES = (60_000, 110_000)
SOCKET_TIMEOUT_SECONDS = 10

_RANDOM = "r4nd0m"
_PWD = crypto.encrypt("N3w-Passw0rd", _RANDOM)
_BASES = [
    {"userDomain": "C.DM.5903.1", "phone": "13800138000", "code": "606754"},
    {"userDomain": "C.DM.5903.1", "email": "bob@example.com", "code": "246810"},
    {"userDomain": "E.DM.1209906967672817.3", "phone": "4155550123", "internationalCode": "+1"},
    {"userDomain": "U.DM.10351.1", "phone": "13700137000", "code": "112233"},
    {"userDomain": "C.DM.5903.1", "phone": "13900139000", "code": "111111"},
]
"""Plausible requests of the default world, for the fuzzer to start from and spoil."""
_KNOWN_VALUES = [
    "C-DM-5903",
    "C.DM.4040.1",
    "13600136000",
    "ALICE@example.com",
    "nobody@example.com",
    "0086",
    "000000",
    crypto.encrypt("short", _RANDOM),
    " ",
    "",
]


@dataclass(frozen=True, kw_only=True)
class Case:
    """One generated request."""

    method: str
    path: str
    query: bytes
    language: str | None

    @property
    def raw_non_ascii(self) -> bool:
        """Tell whether the query carries bytes outside ASCII unencoded (invalid in HTTP)."""
        return any(byte >= 0x80 for byte in self.query)

    def describe(self) -> str:
        """Say what was sent, short enough to read."""
        query = self.query if len(self.query) <= 200 else self.query[:200] + b"..."
        return f"{self.method} {self.path}?{query!r} ({len(self.query)} bytes of query)"


@dataclass(frozen=True, kw_only=True)
class Answer:
    """What came back: the status, the content type and the body."""

    status: int
    content_type: str
    body: bytes


def _encoded(text: str) -> bytes:
    return quote_from_bytes(text.encode("utf-8"), safe="").encode("ascii")


_junk = st.text(alphabet="%0123456789abcdefABCDEFGXZ+=;./@-_~!*'()", max_size=12).map(
    lambda text: text.encode("ascii")
)
_names = st.one_of(
    st.sampled_from(list(PARAMETER_FIELDS)).map(str.encode),
    st.text(max_size=8).map(_encoded),
    _junk,
)
_values = st.one_of(
    st.sampled_from(_KNOWN_VALUES).map(_encoded),
    st.text(max_size=24).map(_encoded),  # any text: NUL, control characters, CJK, emoji
    st.binary(max_size=16).map(lambda raw: quote_from_bytes(raw, safe="").encode()),  # bad UTF-8
    _junk,  # percent-encoding errors such as %G1 or a lone %
)
_big_values = st.builds(
    lambda size, unit: unit * (size // len(unit)),
    st.integers(*BIG_VALUE_BYTES),
    st.sampled_from([b"A", b"%00", b"%FF", b"%E4%BD%A0"]),
)
_raw_high = st.binary(min_size=1, max_size=8).map(lambda raw: bytes(byte | 0x80 for byte in raw))


def _one_in(times: int) -> st.SearchStrategy[bool]:
    """Draw True about once in `times` (integers would lean on their bounds)."""
    return st.sampled_from([True] + [False] * (times - 1))


def _pairs(query: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.encode(), _encoded(value)) for name, value in query.items()]


@st.composite
def queries(draw: st.DrawFn) -> bytes:
    """Draw a raw query string: a plausible request, spoiled; maybe a repeat, a 100 KB value."""
    base = draw(st.sampled_from(_BASES))
    if draw(st.booleans()):
        base = {**base, "pwd": _PWD, "random": _RANDOM}
    pairs = [
        (name, draw(_values)) if draw(_one_in(4)) else (name, value)
        for name, value in _pairs(base)
        if not draw(_one_in(6))
    ]
    pairs += draw(st.lists(st.tuples(_names, _values), max_size=4))
    pairs = draw(st.permutations(pairs))
    if pairs and draw(_one_in(4)):
        pairs.append(draw(st.sampled_from(pairs)))  # a repeated parameter
    if draw(_one_in(10)):
        pairs.append((draw(st.sampled_from(list(PARAMETER_FIELDS))).encode(), draw(_big_values)))
    if draw(_one_in(10)):
        pairs.append((draw(_names), draw(_raw_high)))  # invalid UTF-8, unencoded on the wire
    parts = [name + b"=" + value if draw(st.booleans()) or value else name for name, value in pairs]
    return draw(st.sampled_from([b"&", b"&&"])).join(parts)


cases = st.builds(
    Case,
    method=st.sampled_from(["PUT"] * 12 + ["GET", "POST"]),
    path=st.sampled_from([RESET_PATH] * 12 + ["/v2/enduser/nothing", "/"]),
    query=queries(),
    language=st.one_of(st.none(), st.sampled_from(["en", "en-US", "zh-CN", "EN", " en", "fr"])),
)
"""Every request the robustness tests and the fuzz campaign send."""


def send_raw(host: str, port: int, case: Case) -> Answer:
    """Send `case` byte for byte over a fresh connection and read the whole answer."""
    head = [f"{case.method} ".encode() + case.path.encode() + b"?" + case.query + b" HTTP/1.1"]
    head += [f"Host: {host}:{port}".encode(), b"Content-Length: 0", b"Connection: close"]
    if case.language is not None:
        head.append(f"X-Q-Language: {case.language}".encode())
    with socket.create_connection((host, port), timeout=SOCKET_TIMEOUT_SECONDS) as connection:
        connection.sendall(b"\r\n".join(head) + b"\r\n\r\n")
        received = bytearray()
        while chunk := connection.recv(65536):
            received += chunk
    header_block, _, body = bytes(received).partition(b"\r\n\r\n")
    lines = header_block.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return Answer(status=int(lines[0].split()[1]), content_type=content_type, body=body)


def send_test_client(client: FlaskClient, case: Case) -> Answer:
    """Send `case` through Flask's test client, the query as a WSGI server would pass it."""
    headers = {} if case.language is None else {"X-Q-Language": case.language}
    response = client.open(
        case.path,
        method=case.method,
        headers=headers,
        environ_overrides={"QUERY_STRING": case.query.decode("latin-1")},
    )
    return Answer(
        status=response.status_code,
        content_type=response.content_type or "",
        body=response.get_data(),
    )


def outcome(case: Case, answer: Answer, *, over_http: bool) -> str:
    """Name the kind of answer, or raise AssertionError when it breaks the contract.

    Over HTTP a raw byte outside ASCII makes the request-target invalid HTTP: the server
    refuses it with a 400, in the envelope like every other answer.
    """
    where = (
        f"{case.describe()} answered {answer.status} {answer.content_type}: {answer.body[:300]!r}"
    )
    assert answer.status < 500, f"a 5xx: {where}"
    if over_http and case.raw_non_ascii:
        assert answer.status == 400, f"a raw non-ASCII byte accepted: {where}"
    assert answer.content_type == "application/json", f"not JSON: {where}"
    body = json.loads(answer.body)
    assert isinstance(body, dict) and set(body) == ENVELOPE_KEYS, f"not the envelope: {where}"
    assert body["extMsg"] is None, f"extMsg set: {where}"
    if answer.status == 200:
        assert body["code"] in BUSINESS_CODES, f"unknown business code: {where}"
        assert body["msg"] == message(Code(body["code"]), language(case.language)), where
        allowed = {None, DEFAULT_PASSWORD_DATA} if body["code"] == Code.OK else {None}
        assert body["data"] in allowed, f"unexpected data: {where}"
        return f"200 business code {body['code']}"
    assert answer.status in DOCUMENTED_HTTP_ERRORS, f"undocumented status: {where}"
    assert body["code"] == answer.status and body["data"] is None, f"bad error body: {where}"
    assert isinstance(body["msg"], str) and body["msg"], f"error without a message: {where}"
    return f"{answer.status} HTTP error ({body['msg'].split(':')[0]})"


def write_world(source: Path, directory: Path, journal_size: int) -> Path:
    """Write the world of `source` into `directory`, without scenarios (their faults are 5xx
    on purpose), with a journal of `journal_size` entries."""
    world = yaml.safe_load((source / "world.yaml").read_text(encoding="utf-8"))
    world["settings"]["journalSize"] = journal_size
    (directory / "world.yaml").write_text(yaml.safe_dump(world), encoding="utf-8")
    return directory


def run_cases(examples: int, send: Callable[[Case], str]) -> Counter[str]:
    """Send `examples` generated cases through `send` and count the kinds of answer."""
    tally: Counter[str] = Counter()

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(case=cases)
    def check(case: Case) -> None:
        tally[send(case)] += 1

    check()
    return tally


def summary(title: str, tally: Counter[str]) -> str:
    """Say how many cases ran and how many of each kind of answer came back."""
    lines = [f"{title}: {tally.total()} cases"]
    lines += [f"  {count:7d}  {kind}" for kind, count in sorted(tally.items())]
    return "\n".join(lines)


class LogProblems(logging.Handler):
    """While in use, collect every log record that is an error or carries a traceback."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or record.levelno >= logging.ERROR:
            self.records.append(self.format(record))

    def __enter__(self) -> LogProblems:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        logging.getLogger().removeHandler(self)
