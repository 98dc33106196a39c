"""What the views of one mock share: its configuration, simulation and journal."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from mockserver.journal import Journal
from mockserver.store import Clock, Simulation


@dataclass(frozen=True, kw_only=True)
class MockConfig:
    """How to build a mock: where its fixtures are, and the clock it reads."""

    fixtures_dir: Path = Path("fixtures")
    clock: Clock = time.time


@dataclass(kw_only=True)
class MockState:
    """What the views share: the configuration, the live simulation and the journal."""

    config: MockConfig
    simulation: Simulation
    journal: Journal
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def mock_state() -> MockState:
    """Return the state of the app handling the current request."""
    return current_app.extensions["mock"]
