"""Talking to the target over real HTTP: the reset request, and what came back (an Exchange)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import requests

from contract_tests import spec

TIMEOUT_SECONDS = 10.0
DETAIL_HEADER = "x-mock-detail"
"""The mock says why it answered as it did; the real service does not send it."""


def _flat_headers(headers: Mapping[str, Any]) -> dict[str, str]:
    """Lower-case the names; join values that come as lists (Schemathesis keeps them so)."""
    return {
        name.lower(): ", ".join(value) if isinstance(value, list) else str(value)
        for name, value in headers.items()
    }


@dataclass(frozen=True, kw_only=True)
class Exchange:
    """One request to the target and its answer, as seen on the wire."""

    method: str
    url: str
    request_headers: Mapping[str, str] = field(default_factory=dict)
    body_size: int = 0
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    content: bytes = b""

    @classmethod
    def of(
        cls,
        request: requests.PreparedRequest,
        *,
        status: int,
        headers: Mapping[str, Any],
        content: bytes,
    ) -> Exchange:
        """Build an exchange from the prepared request that was sent and the answer's parts."""
        body = request.body or b""
        return cls(
            method=(request.method or "").upper(),
            url=request.url or "",
            request_headers=_flat_headers(request.headers),
            body_size=len(body.encode() if isinstance(body, str) else body),
            status=status,
            headers=_flat_headers(headers),
            content=content,
        )

    @property
    def query(self) -> dict[str, list[str]]:
        """Return the query as the server reads it: every value of every parameter."""
        return parse_qs(urlsplit(self.url).query, keep_blank_values=True)

    @property
    def query_size(self) -> int:
        return len(urlsplit(self.url).query.encode())

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def detail(self) -> str | None:
        """Return the mock's own explanation of its answer, when the target is the mock."""
        return self.headers.get(DETAIL_HEADER)

    def json(self) -> Any:
        """Return the body parsed as JSON; raise ValueError when it is not."""
        return json.loads(self.content.decode("utf-8"))

    def describe_request(self) -> str:
        """Say what was sent, in a form one can paste into curl."""
        language = self.request_headers.get("x-q-language")
        header = f" with X-Q-Language: {language}" if language else ""
        body = f" and a {self.body_size}-byte body" if self.body_size else ""
        return f"{self.method} {self.url}{header}{body}"

    def describe_answer(self) -> str:
        """Say what came back: status, content type, body, and the mock's detail when present."""
        text = self.content[:500].decode("utf-8", errors="replace")
        more = f"… ({len(self.content)} bytes)" if len(self.content) > 500 else ""
        detail = f" [the mock says: {self.detail}]" if self.detail else ""
        return f"HTTP {self.status} {self.content_type or '(no content type)'} {text}{more}{detail}"


class Client:
    """Sends reset requests to one target, over one keep-alive session."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def reset(
        self,
        query: Mapping[str, str | None],
        *,
        method: str | None = None,
        data: bytes | None = None,
    ) -> Exchange:
        """Send the reset request with `query` (None values left out); return the exchange."""
        response = self.session.request(
            method or spec.reset_method(),
            self.base_url + spec.reset_path(),
            params=[(name, value) for name, value in query.items() if value is not None],
            data=data,
            timeout=TIMEOUT_SECONDS,
        )
        return exchange_of(response)

    def send(self, method: str, path_and_query: str) -> Exchange:
        """Send a request whose query string is written out as is (repeated parameters...)."""
        response = self.session.request(
            method, self.base_url + path_and_query, timeout=TIMEOUT_SECONDS
        )
        return exchange_of(response)

    def close(self) -> None:
        self.session.close()


class Answer(Protocol):
    """What requests and Schemathesis responses both carry."""

    request: requests.PreparedRequest
    status_code: int
    headers: Mapping[str, Any]
    content: bytes


def exchange_of(response: Answer) -> Exchange:
    """Turn a requests (or Schemathesis) response into an Exchange."""
    return Exchange.of(
        response.request,
        status=response.status_code,
        headers=response.headers,
        content=response.content,
    )
