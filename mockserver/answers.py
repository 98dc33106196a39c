"""An HTTP answer as plain data, so that Flask and the fast lane can both send it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from http import HTTPStatus
from typing import Any

from mockserver.responses import JSON, envelope_of, json_bytes


@dataclass(frozen=True, kw_only=True)
class Answer:
    """Status, headers and body of a response, and what the journal should say about it."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""
    journal: dict[str, Any] = field(default_factory=dict)

    @property
    def status_line(self) -> str:
        """Return the WSGI status line, like `200 OK`."""
        return status_line(self.status)


@lru_cache(maxsize=128)
def status_line(status: int) -> str:
    """Return the status with its reason phrase, like `405 Method Not Allowed`.

    Asked twice for every request (the answer, the journal): each status is looked up once.
    """
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def json_answer(
    body: Any, *, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Answer:
    """Return `body` as a JSON answer with its length."""
    return encoded_json_answer(json_bytes(body), status=status, headers=headers)


def encoded_json_answer(
    data: bytes, *, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Answer:
    """Return JSON already encoded as an answer with its length."""
    return Answer(
        status=status,
        headers=[("Content-Type", JSON), ("Content-Length", str(len(data))), *(headers or [])],
        body=data,
    )


def http_error_answer(status: int, text: str) -> Answer:
    """Return a real HTTP error in the envelope's shape, with `code` the HTTP status."""
    return json_answer(envelope_of(status, text), status=status)
