"""What the views of one mock share: its configuration, sessions, scenarios and journal."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import Request, Response, current_app, request

from mockserver.journal import Journal
from mockserver.reloading import Fixtures, Reloader
from mockserver.responses import json_response
from mockserver.scenarios import Catalog
from mockserver.sessions import IDLE_SECONDS, MAX_SESSIONS, Session, Sessions
from mockserver.store import Clock

SESSION_HEADER = "X-Mock-Session"
SESSION_COOKIE = "mock-session"
ADMIN_TOKEN_HEADER = "X-Mock-Admin-Token"


@dataclass(frozen=True, kw_only=True)
class MockConfig:
    """How to build a mock: its fixtures, clock, sleep, reload, admin token and sessions."""

    fixtures_dir: Path = Path("fixtures")
    clock: Clock = time.time
    sleep: Callable[[float], None] = time.sleep
    watch: bool = False
    admin_token: str | None = None
    max_sessions: int = MAX_SESSIONS
    session_idle_seconds: float = IDLE_SECONDS


@dataclass(kw_only=True)
class MockState:
    """What the views share; `apply` swaps in freshly loaded fixtures."""

    config: MockConfig
    sessions: Sessions
    catalog: Catalog
    journal: Journal
    reloader: Reloader | None = None
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def apply(self, fixtures: Fixtures) -> None:
        """Serve new fixtures: the scenarios at once, a changed world in every session."""
        if fixtures.world != self.sessions.fixtures:
            self.sessions.replace_fixtures(fixtures.world)
        self.catalog = fixtures.catalog
        self.loaded_at = datetime.now(UTC)

    def session_of(self, request: Request) -> Session:
        """Return the session a request names by header or cookie (else the default one)."""
        return self.sessions.get(session_name(request))


def session_name(request: Request) -> str | None:
    """Return the session a request names: header X-Mock-Session, else cookie mock-session."""
    return request.headers.get(SESSION_HEADER) or request.cookies.get(SESSION_COOKIE)


def mock_state() -> MockState:
    """Return the state of the app handling the current request."""
    return current_app.extensions["mock"]


def check_admin_token() -> Response | None:
    """Refuse an admin request without the admin token, when the mock has one.

    The token travels as `Authorization: Bearer TOKEN`, `X-Mock-Admin-Token: TOKEN`, or, for
    opening the page in a browser, `?token=TOKEN`.
    """
    token = mock_state().config.admin_token
    if token is None:
        return None
    given = (
        request.headers.get(ADMIN_TOKEN_HEADER)
        or request.headers.get("Authorization", "").removeprefix("Bearer ")
        or request.args.get("token", "")
    )
    if hmac.compare_digest(given.encode(), token.encode()):
        return None
    return json_response(
        {"error": "this mock's admin API needs its token: send Authorization: Bearer TOKEN"},
        status=401,
        headers={"WWW-Authenticate": 'Bearer realm="mock admin"'},
    )
