"""JSON answers: the business envelope of the endpoint and the bodies of HTTP errors."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from flask import Response

from mockserver.codes import Code, message

JSON = "application/json"
_UNSAFE_HEADER_CHARACTERS = re.compile(r"[^\x20-\x7e]")


def json_bytes(body: Any) -> bytes:
    """Serialize `body` as compact UTF-8 JSON (Chinese stays readable, not \\u-escaped)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Return `body` as a JSON response."""
    return Response(json_bytes(body), status=status, headers=headers, content_type=JSON)


def envelope_of(
    code: int, msg: str, *, ext_msg: str | None = None, data: Any = None
) -> dict[str, Any]:
    """Return the body every answer of the service has: `{code, msg, extMsg, data}`."""
    return {"code": code, "msg": msg, "extMsg": ext_msg, "data": data}


def envelope(code: Code, language: str, data: Any = None) -> dict[str, Any]:
    """Return the body of a business outcome, `msg` in the request's language."""
    return envelope_of(int(code), message(code, language), data=data)


@lru_cache(maxsize=256)
def envelope_json(code: Code, language: str, data: str | None = None) -> bytes:
    """Return a business outcome's body as JSON bytes.

    There are a few dozen of them (code, language, data), so each is serialized once: under
    load this was 5 µs of every answer.
    """
    return json_bytes(envelope(code, language, data))


def http_error(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    """Return a real HTTP error in the envelope's shape, with `code` the HTTP status."""
    return json_response(envelope_of(status, text), status=status, headers=headers)


def language(header: str | None) -> str:
    """Pick the language of `msg` from X-Q-Language: English for `en…`, else Chinese."""
    if header and header.strip().lower().startswith("en"):
        return "en"
    return "zh"


def header_safe(text: str) -> str:
    """Make `text` fit in an HTTP header: printable ASCII, anything else as `?`."""
    return _UNSAFE_HEADER_CHARACTERS.sub("?", text)
