"""Sessions: each developer, browser tab or test worker gets its own world and its own plan.

A session is named by the request (header X-Mock-Session, or the cookie of that name for
browsers); it is created on first use from the fixtures, bounded in number (the one idle
longest is dropped first) and dropped after it has been idle too long. Requests that name no
session share the default one, which is never dropped.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from mockserver.scenarios import Plan
from mockserver.store import Clock, Simulation
from mockserver.world import World

DEFAULT_SESSION = ""
SESSION_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,64}")
MAX_SESSIONS = 100
IDLE_SECONDS = 30 * 60


class BadSessionIdError(ValueError):
    """A session id that is not 1-64 letters, digits or . _ : -."""


@dataclass(kw_only=True)
class Session:
    """One isolated copy of the world, with its own scenario plan."""

    simulation: Simulation
    plan: Plan = field(default_factory=Plan)
    last_used: float = 0.0


class Sessions:
    """The default session plus named ones, created on demand and dropped when idle."""

    def __init__(
        self,
        fixtures: World,
        clock: Clock,
        *,
        max_sessions: int = MAX_SESSIONS,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self._fixtures = fixtures
        self._clock = clock
        self._max = max_sessions
        self._idle = idle_seconds
        self.default = Session(simulation=Simulation(fixtures, clock))
        self._named: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def fixtures(self) -> World:
        """Return the world every new session starts from."""
        return self._fixtures

    def get(self, session_id: str | None) -> Session:
        """Return the session named `session_id` (None or blank: the default one)."""
        if not session_id:
            return self.default
        if not SESSION_ID_PATTERN.fullmatch(session_id):
            raise BadSessionIdError(
                f"X-Mock-Session {session_id[:80]!r} is not 1-64 letters, digits or . _ : -"
            )
        now = self._clock()
        with self._lock:
            self._drop_idle(now)
            session = self._named.pop(session_id, None)
            if session is None:
                session = Session(simulation=Simulation(self._fixtures, self._clock))
                while len(self._named) >= self._max:
                    self._named.popitem(last=False)
            session.last_used = now
            self._named[session_id] = session
        return session

    def _drop_idle(self, now: float) -> None:
        while self._named:
            oldest = next(iter(self._named.values()))
            if now - oldest.last_used < self._idle:
                return
            self._named.popitem(last=False)

    def names(self) -> list[str]:
        """Return the named sessions that are not idle, the most recently used last."""
        with self._lock:
            self._drop_idle(self._clock())
            return list(self._named)

    def replace_fixtures(self, fixtures: World) -> None:
        """Rebuild every session's world from new fixtures (their plans stay)."""
        with self._lock:
            self._fixtures = fixtures
            sessions = [self.default, *self._named.values()]
        for session in sessions:
            session.simulation.restore(fixtures)
