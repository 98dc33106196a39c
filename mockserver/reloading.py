"""Fixtures as a whole (world and scenarios), and their hot reload while the mock runs.

An edit takes effect within a second. A broken edit changes nothing: the last good fixtures
keep serving, and the problems (file:line: what) go to the log and to whoever asks the state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mockserver.errors import FixtureError, FixtureProblem
from mockserver.fixtures import WORLD_FILE, load_world
from mockserver.scenario_fixtures import SCENARIOS_FILE, load_catalog
from mockserver.scenarios import Catalog
from mockserver.world import World

LOG = logging.getLogger("mockserver")
POLL_SECONDS = 0.25


@dataclass(frozen=True, kw_only=True)
class Fixtures:
    """Everything a fixture folder defines."""

    world: World
    catalog: Catalog


def load_fixtures(directory: Path, *, now: float) -> Fixtures:
    """Read the world and the scenarios, or raise FixtureError with the problems of both."""
    problems: list[FixtureProblem] = []
    world = catalog = None
    try:
        world = load_world(directory, now=now)
    except FixtureError as error:
        problems += error.problems
    try:
        catalog = load_catalog(directory)
    except FixtureError as error:
        problems += error.problems
    if world is None or catalog is None:
        raise FixtureError(problems)
    return Fixtures(world=world, catalog=catalog)


def _fingerprint(directory: Path) -> tuple[tuple[int, int] | None, ...]:
    """Return what changes when a fixture file is edited, created or removed."""
    marks = []
    for name in (WORLD_FILE, SCENARIOS_FILE):
        try:
            stat = (directory / name).stat()
        except OSError:
            marks.append(None)
        else:
            marks.append((stat.st_mtime_ns, stat.st_size))
    return tuple(marks)


class Reloader:
    """Watch a fixture folder and hand each good new version of it to `apply`."""

    def __init__(
        self,
        directory: Path,
        clock: Callable[[], float],
        apply: Callable[[Fixtures], None],
    ) -> None:
        self._directory = directory
        self._clock = clock
        self._apply = apply
        self._seen = _fingerprint(directory)
        self._stop = threading.Event()
        self.problems: list[FixtureProblem] = []

    def check(self) -> bool:
        """Reload when a file changed since last time; tell whether anything was applied."""
        seen = _fingerprint(self._directory)
        if seen == self._seen:
            return False
        self._seen = seen
        try:
            fixtures = load_fixtures(self._directory, now=self._clock())
        except FixtureError as error:
            self.problems = error.problems
            for problem in error.problems:
                LOG.error("fixtures not reloaded, the last good ones still serve: %s", problem)
            return False
        self.problems = []
        self._apply(fixtures)
        LOG.info("fixtures reloaded from %s", self._directory)
        return True

    def start(self) -> None:
        """Check every POLL_SECONDS from a daemon thread until `stop`."""
        threading.Thread(target=self._run, name="fixture-reloader", daemon=True).start()

    def stop(self) -> None:
        """Stop watching."""
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self.check()
