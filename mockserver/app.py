"""The Flask app factory: configuration in, a mock of the userPwdReset service out."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from mockserver import admin, endpoint, fixtures
from mockserver.context import MockConfig, MockState, mock_state
from mockserver.journal import Journal, masked
from mockserver.responses import http_error
from mockserver.store import Simulation
from mockserver.world import World

LOG = logging.getLogger("mockserver")

MAX_BODY_BYTES = 64 * 1024
MAX_QUERY_BYTES = 64 * 1024
JOURNAL_VALUE_LIMIT = 256
ADMIN_PREFIX = "/__admin"
CORS_EXPOSED_HEADERS = "X-Mock-Detail"
CORS_DEFAULT_HEADERS = "Content-Type, X-Q-Language, X-Mock-Scenario, X-Mock-Session"


def create_app(config: MockConfig | None = None) -> Flask:
    """Build the mock; raise FixtureError (file:line: what) when the fixtures are broken."""
    config = config or MockConfig()
    world: World = fixtures.load_world(config.fixtures_dir, now=config.clock())
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.extensions["mock"] = MockState(
        config=config,
        simulation=Simulation(world, config.clock),
        journal=Journal(world.settings.journal_size),
    )
    app.register_blueprint(endpoint.blueprint)
    app.register_blueprint(admin.blueprint, url_prefix=ADMIN_PREFIX)
    app.before_request(_begin)
    app.after_request(_journal)
    app.after_request(_cors)
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(Exception, _unexpected)
    return app


def _begin() -> Response | None:
    """Start the request's clock; refuse queries and bodies over the limits."""
    g.started = time.perf_counter()
    if len(request.query_string) > MAX_QUERY_BYTES:
        return http_error(414, f"query string over {MAX_QUERY_BYTES} bytes")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return http_error(413, f"request body over {MAX_BODY_BYTES} bytes")
    return None


def _clipped(value: str) -> str:
    if len(value) <= JOURNAL_VALUE_LIMIT:
        return value
    return f"{value[:JOURNAL_VALUE_LIMIT]}…(+{len(value) - JOURNAL_VALUE_LIMIT} characters)"


def _journal(response: Response) -> Response:
    """Record every request to the service (not to the admin API) in the journal."""
    if request.path.startswith(ADMIN_PREFIX) or request.method == "OPTIONS":
        return response
    outcome = g.get("outcome")
    query = {name: _clipped(value) for name, value in request.args.items()}
    mock_state().journal.record(
        {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "method": request.method,
            "path": _clipped(request.path),
            "query": masked(query),
            "status": response.status_code,
            "code": int(outcome.code) if outcome else None,
            "detail": outcome.detail if outcome else response.status,
            "passwordLength": outcome.password_length if outcome else None,
            "durationMs": round((time.perf_counter() - g.started) * 1000, 3),
        }
    )
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


def _unexpected(error: Exception) -> Response:
    LOG.exception("unexpected error on %s %s", request.method, request.path)
    return http_error(500, f"the mock failed unexpectedly: {type(error).__name__}")
