"""The request journal: the most recent requests and their outcomes, newest first, bounded."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from mockserver.answers import status_line

Entry = dict[str, Any]

MASKED = "***"
SECRET_PARAMETERS = frozenset({"pwd"})
VALUE_LIMIT = 256


def clipped(value: str) -> str:
    """Cut a long value, so that the bounded journal also stays small."""
    if len(value) <= VALUE_LIMIT:
        return value
    return f"{value[:VALUE_LIMIT]}…(+{len(value) - VALUE_LIMIT} characters)"


def journal_entry(
    *,
    method: str,
    path: str,
    params: Iterable[tuple[str, str]],
    status: int,
    session: str | None,
    started: float,
    answer: dict[str, Any],
) -> Entry:
    """Describe one request: what was sent (secrets masked, long values cut) and the answer.

    `started` is the request's perf_counter reading; `answer` holds what the endpoint decided
    (code, detail, passwordLength, scenario), empty for requests it did not answer.
    """
    query: dict[str, str] = {}
    for name, value in params:
        query.setdefault(name, MASKED if name in SECRET_PARAMETERS else clipped(value))
    entry = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "method": method,
        "path": clipped(path),
        "query": query,
        "status": status,
        "session": session,
        "scenario": None,
        "code": None,
        "detail": status_line(status),
        "passwordLength": None,
        "durationMs": round((time.perf_counter() - started) * 1000, 3),
    }
    entry.update(answer)
    return entry


class Journal:
    """A bounded, thread-safe record of requests; the oldest drop out first."""

    def __init__(self, size: int) -> None:
        self._entries: deque[Entry] = deque(maxlen=size)
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """Return how many entries the journal keeps at most."""
        return self._entries.maxlen or 0

    def record(self, entry: Entry) -> None:
        """Remember one request's entry (it must hold no plaintext password)."""
        with self._lock:
            self._entries.append(entry)

    def newest(self, limit: int | None = None) -> list[Entry]:
        """Return up to `limit` entries, newest first."""
        with self._lock:
            entries = list(reversed(self._entries))
        return entries if limit is None else entries[:limit]

    def clear(self) -> int:
        """Forget every entry and return how many there were."""
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
        return count
