"""Scenarios: canned answers a developer forces, and the plan that says which one answers next.

A scenario is data: a business code with its envelope, or a fault, with optional HTTP status,
headers and delay. A scenario answers without touching the simulated state.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SIMULATE = "simulate"
"""The name of a plan step that lets the stateful simulation answer."""


class Fault(StrEnum):
    """What can go wrong between the app and the service, beyond a business code."""

    CONNECTION_DROPPED = "connection-dropped"
    EMPTY_RESPONSE = "empty-response"
    MALFORMED_JSON = "malformed-json"
    BAD_GATEWAY = "bad-gateway"
    SERVICE_UNAVAILABLE = "service-unavailable"
    GATEWAY_TIMEOUT = "gateway-timeout"
    TRICKLE = "trickle"


@dataclass(frozen=True, kw_only=True)
class Delay:
    """Wait this many milliseconds before answering: exactly `low`, or uniformly up to `high`."""

    low: int
    high: int


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """One named, canned answer."""

    name: str
    description: str = ""
    code: int | None = None
    msg: str | None = None
    ext_msg: str | None = None
    data: Any = None
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: Delay | None = None
    fault: Fault | None = None

    def summary(self) -> dict[str, Any]:
        """Describe the scenario for the admin API and page."""
        return {
            "name": self.name,
            "description": self.description,
            "code": self.code,
            "status": self.status,
            "fault": self.fault.value if self.fault else None,
            "delayMs": None if self.delay is None else [self.delay.low, self.delay.high],
        }


@dataclass(frozen=True, kw_only=True)
class Rule:
    """Answer with `scenario` whenever every query value in `when` matches."""

    when: Mapping[str, str]
    scenario: str

    def matches(self, params: Mapping[str, str]) -> bool:
        """Tell whether the request's query has every value this rule asks for."""
        return all(params.get(name) == value for name, value in self.when.items())


@dataclass(frozen=True, kw_only=True)
class Catalog:
    """The scenarios and rules the fixtures define."""

    scenarios: Mapping[str, Scenario] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()

    def by_rule(self, params: Mapping[str, str]) -> Scenario | None:
        """Return the scenario of the first rule that matches the query, if any."""
        for rule in self.rules:
            if rule.matches(params):
                return self.scenarios[rule.scenario]
        return None


class UnknownScenarioError(LookupError):
    """A scenario name that the catalog does not have."""

    def __init__(self, name: str, catalog: Catalog) -> None:
        known = ", ".join(sorted(catalog.scenarios)) or "none"
        super().__init__(f"no scenario {name!r}; known: {known}")


class Plan:
    """Which scenario answers the next requests: one until cleared, N times, or a sequence.

    Each step is a scenario name or SIMULATE; when the steps run out, the simulation answers.
    """

    def __init__(self) -> None:
        self._steps: deque[str] = deque()
        self._forever: str | None = None
        self._lock = threading.Lock()

    def set(self, steps: list[str], *, forever: bool = False) -> None:
        """Answer with `steps` in order; with `forever`, the single step never runs out."""
        with self._lock:
            self._forever = steps[0] if forever else None
            self._steps = deque() if forever else deque(steps)

    def clear(self) -> None:
        """Go back to the simulation."""
        self.set([])

    def next_step(self) -> str | None:
        """Take the step that answers this request (None: nothing planned)."""
        with self._lock:
            if self._forever is not None:
                return self._forever
            return self._steps.popleft() if self._steps else None

    def describe(self) -> dict[str, Any]:
        """Say what is planned, for the admin API and page."""
        with self._lock:
            if self._forever is not None:
                return {"active": self._forever, "remaining": None}
            steps = list(self._steps)
        return {"active": steps[0] if steps else None, "remaining": steps}
