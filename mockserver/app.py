"""The Flask app factory: configuration in, a mock of the userPwdReset service out."""

from __future__ import annotations

import logging
import re
import time

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from mockserver import admin, endpoint, page
from mockserver.context import MockConfig, MockState, mock_state, session_name
from mockserver.cors import cors_headers
from mockserver.fast_lane import FastLane
from mockserver.journal import Journal, journal_entry
from mockserver.limits import MAX_BODY_BYTES, MAX_QUERY_BYTES
from mockserver.reloading import Reloader, load_fixtures
from mockserver.responses import http_error
from mockserver.sessions import BadSessionIdError, Sessions

LOG = logging.getLogger("mockserver")

ADMIN_PREFIX = "/__admin"
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
    app.wsgi_app = FastLane(app.wsgi_app, state)
    app.before_request(_begin)
    app.after_request(_journal)
    app.after_request(_cors)
    app.register_error_handler(BadSessionIdError, _bad_session)
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


def _journal(response: Response) -> Response:
    """Record every request to the service (not to the admin API) in the journal.

    The endpoint leaves what it decided in `g.answer` (code, detail, passwordLength, scenario).
    """
    if request.path.startswith(ADMIN_PREFIX) or request.method == "OPTIONS":
        return response
    entry = journal_entry(
        method=request.method,
        path=request.path,
        params=request.args.items(multi=True),
        status=response.status_code,
        session=session_name(request),
        started=g.started,
        answer=g.get("answer", {}),
    )
    mock_state().journal.record(entry)
    return response


def _cors(response: Response) -> Response:
    """Let a browser app on any origin call the mock, cookies included."""
    headers = request.headers
    for name, value in cors_headers(
        headers.get("Origin"), request.method, headers.get("Access-Control-Request-Headers")
    ):
        response.headers[name] = value
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


def _bad_session(error: BadSessionIdError) -> Response:
    return http_error(400, str(error))


def _unexpected(error: Exception) -> Response:
    LOG.exception("unexpected error on %s %s", request.method, request.path)
    return http_error(500, f"the mock failed unexpectedly: {type(error).__name__}")
