"""The fast lane: plain reset requests answered without Flask's request machinery.

Measured with `make bench`, Flask's request handling (context, routing, hooks, Request and
Response objects) cost more per request than the whole business of the endpoint, and kept
the mock well under its throughput target. So a plain `PUT` of the reset endpoint (no body,
an ASCII query within the limit) is answered here, straight from the WSGI environ, by the
same `answer_reset`, journal and CORS code that the Flask view uses; anything else goes on to
Flask unchanged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_plus

from werkzeug.http import parse_cookie

from mockserver.answers import http_error_answer
from mockserver.context import SESSION_COOKIE, MockState
from mockserver.cors import cors_headers
from mockserver.endpoint import RESET_PATH, answer_reset, repeated_parameters
from mockserver.journal import journal_entry
from mockserver.limits import MAX_QUERY_BYTES

LOG = logging.getLogger("mockserver")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def query_pairs(query: str) -> list[tuple[str, str]]:
    """Split a query string as `parse_qsl(query, keep_blank_values=True)` does, but faster.

    Most values need no decoding at all; only those with `%` or `+` go through unquote_plus.
    """
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if "%" in value or "+" in value:
            value = unquote_plus(value)
        pairs.append((name, value))
    return pairs


def _plain(environ: dict[str, Any]) -> bool:
    """Tell whether a request is a reset the fast lane can answer on its own."""
    if environ.get("PATH_INFO") != RESET_PATH or environ.get("REQUEST_METHOD") != "PUT":
        return False
    if environ.get("CONTENT_LENGTH", "0") not in ("", "0") or "HTTP_TRANSFER_ENCODING" in environ:
        return False
    query = environ.get("QUERY_STRING", "")
    return len(query) <= MAX_QUERY_BYTES and query.isascii()


class FastLane:
    """WSGI middleware: answer plain resets itself, hand every other request to `next_app`."""

    def __init__(self, next_app: WsgiApp, state: MockState) -> None:
        self._next = next_app
        self._state = state

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if not _plain(environ):
            return self._next(environ, start_response)
        started = time.perf_counter()
        pairs = query_pairs(environ.get("QUERY_STRING", ""))
        params: dict[str, str] = {}
        counts: dict[str, int] = {}
        for name, value in pairs:
            params.setdefault(name, value)
            counts[name] = counts.get(name, 0) + 1
        session_id = environ.get("HTTP_X_MOCK_SESSION") or (
            parse_cookie(environ["HTTP_COOKIE"]).get(SESSION_COOKIE)
            if "HTTP_COOKIE" in environ
            else None
        )
        try:
            answer = answer_reset(
                self._state,
                params,
                repeated_parameters(lambda name: counts.get(name, 0)),
                scenario_header=environ.get("HTTP_X_MOCK_SCENARIO"),
                language_header=environ.get("HTTP_X_Q_LANGUAGE"),
                session_id=session_id,
            )
        except Exception as error:
            LOG.exception("unexpected error on PUT %s", RESET_PATH)
            answer = http_error_answer(500, f"the mock failed unexpectedly: {type(error).__name__}")
        self._state.journal.record(
            journal_entry(
                method="PUT",
                path=RESET_PATH,
                params=pairs,
                status=answer.status,
                session=session_id,
                started=started,
                answer=answer.journal,
            )
        )
        headers = answer.headers + cors_headers(environ.get("HTTP_ORIGIN"), "PUT", None)
        start_response(answer.status_line, headers)
        return [answer.body] if isinstance(answer.body, bytes) else answer.body
