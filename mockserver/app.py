"""The Flask app factory: configuration in, a mock of the userPwdReset service out."""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from mockserver import admin, endpoint, page
from mockserver.context import MockConfig, MockState, mock_state, session_name
from mockserver.journal import Journal, masked
from mockserver.reloading import Reloader, load_fixtures
from mockserver.responses import http_error
from mockserver.scenarios import UnknownScenarioError
from mockserver.sessions import BadSessionIdError, Sessions

LOG = logging.getLogger("mockserver")

MAX_BODY_BYTES = 64 * 1024
MAX_QUERY_BYTES = 64 * 1024
JOURNAL_VALUE_LIMIT = 256
ADMIN_PREFIX = "/__admin"
CORS_EXPOSED_HEADERS = "X-Mock-Detail, X-Mock-Scenario"
CORS_DEFAULT_HEADERS = "Content-Type, X-Q-Language, X-Mock-Scenario, X-Mock-Session"
_RAW_BYTE = re.compile(rb"[\x80-\xff]")


def create_app(config: MockConfig | None = None) -> Flask:
    """Build the mock; raise FixtureError (file:line: what) when the fixtures are broken.

    With `config.watch`, a thread reloads the fixtures when they change.
    """
    config = config or MockConfig()
    fixtures = load_fixtures(config.fixtures_dir, now=config.clock())
    app = Flask(__name__)
    app.json.ensure_ascii = False
    state = MockState(
        config=config,
        sessions=Sessions(
            fixtures.world,
            config.clock,
            max_sessions=config.max_sessions,
            idle_seconds=config.session_idle_seconds,
        ),
        catalog=fixtures.catalog,
        journal=Journal(fixtures.world.settings.journal_size),
    )
    state.reloader = Reloader(config.fixtures_dir, config.clock, state.apply)
    if config.watch:
        state.reloader.start()
    app.extensions["mock"] = state
    app.register_blueprint(endpoint.blueprint)
    app.register_blueprint(admin.blueprint, url_prefix=ADMIN_PREFIX)
    app.register_blueprint(page.blueprint, url_prefix=ADMIN_PREFIX)
    app.before_request(_begin)
    app.after_request(_journal)
    app.after_request(_cors)
    app.register_error_handler(BadSessionIdError, _bad_request)
    app.register_error_handler(UnknownScenarioError, _bad_request)
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(Exception, _unexpected)
    return app


def _begin() -> Response | None:
    """Start the request's clock; refuse queries and bodies over the limits."""
    g.started = time.perf_counter()
    query_bytes = len(request.query_string)
    if not request.query_string.isascii():
        # Bytes outside ASCII must be percent-encoded in a URL; read them as if they were
        # (werkzeug, and so the journal, would fail on one that is not UTF-8).
        request.query_string = _RAW_BYTE.sub(_percent_encoded, request.query_string)
    if query_bytes > MAX_QUERY_BYTES:
        return http_error(414, f"query string over {MAX_QUERY_BYTES} bytes")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return http_error(413, f"request body over {MAX_BODY_BYTES} bytes")
    return None


def _percent_encoded(match: re.Match[bytes]) -> bytes:
    return b"%%%02X" % match[0][0]


def _clipped(value: str) -> str:
    if len(value) <= JOURNAL_VALUE_LIMIT:
        return value
    return f"{value[:JOURNAL_VALUE_LIMIT]}…(+{len(value) - JOURNAL_VALUE_LIMIT} characters)"


def _journal(response: Response) -> Response:
    """Record every request to the service (not to the admin API) in the journal.

    The endpoint leaves what it decided in `g.answer` (code, detail, passwordLength, scenario).
    """
    if request.path.startswith(ADMIN_PREFIX) or request.method == "OPTIONS":
        return response
    query = {name: _clipped(value) for name, value in request.args.items()}
    entry = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "method": request.method,
        "path": _clipped(request.path),
        "query": masked(query),
        "status": response.status_code,
        "session": session_name(request),
        "scenario": None,
        "code": None,
        "detail": response.status,
        "passwordLength": None,
        "durationMs": round((time.perf_counter() - g.started) * 1000, 3),
    }
    entry.update(g.get("answer", {}))
    mock_state().journal.record(entry)
    return response


def _cors(response: Response) -> Response:
    """Let a browser app on any origin call the mock, cookies included."""
    origin = request.headers.get("Origin")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Vary"] = "Origin"
        response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, PUT, POST, DELETE, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", CORS_DEFAULT_HEADERS
            )
            response.headers["Access-Control-Max-Age"] = "600"
    return response


def _http_exception(error: HTTPException) -> Response:
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    text = error.description or error.name
    if error.code == 404:
        text = (
            f"no such path: {request.method} {request.path}; the mock serves "
            f"PUT {endpoint.RESET_PATH} and the admin API under {ADMIN_PREFIX}/"
        )
    return http_error(error.code or 500, text, headers)


def _bad_request(error: Exception) -> Response:
    return http_error(400, str(error))


def _unexpected(error: Exception) -> Response:
    LOG.exception("unexpected error on %s %s", request.method, request.path)
    return http_error(500, f"the mock failed unexpectedly: {type(error).__name__}")
