"""JSON answers: the business envelope of the endpoint and the bodies of HTTP errors."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response

from mockserver.codes import Code, message

JSON = "application/json"
_UNSAFE_HEADER_CHARACTERS = re.compile(r"[^\x20-\x7e]")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Return `body` as UTF-8 JSON (Chinese stays readable, not \\u-escaped)."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, headers=headers, content_type=JSON)


def envelope(code: Code, language: str, data: Any = None) -> dict[str, Any]:
    """Return the body of a business outcome: `{code, msg, extMsg, data}`."""
    return {"code": int(code), "msg": message(code, language), "extMsg": None, "data": data}


def http_error(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    """Return a real HTTP error in the envelope's shape, with `code` the HTTP status."""
    body = {"code": status, "msg": text, "extMsg": None, "data": None}
    return json_response(body, status=status, headers=headers)


def language(header: str | None) -> str:
    """Pick the language of `msg` from X-Q-Language: English for `en…`, else Chinese."""
    if header and header.strip().lower().startswith("en"):
        return "en"
    return "zh"


def header_safe(text: str) -> str:
    """Make `text` fit in an HTTP header: printable ASCII, anything else as `?`."""
    return _UNSAFE_HEADER_CHARACTERS.sub("?", text)
