"""The request journal: the most recent requests and their outcomes, newest first, bounded."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

Entry = dict[str, Any]

MASKED = "***"
SECRET_PARAMETERS = frozenset({"pwd"})


def masked(params: dict[str, str]) -> dict[str, str]:
    """Return the query parameters with every secret replaced by a mask."""
    return {name: MASKED if name in SECRET_PARAMETERS else value for name, value in params.items()}


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
