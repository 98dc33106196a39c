"""The conformance table: each business code and each check of the suite, passed, failed or
skipped, and why. Tests name their row with `@pytest.mark.conformance(section, row, check)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pytest

MARKER = "conformance"
WHY_WIDTH = 110
_RANK = {"failed": 0, "xfailed": 1, "passed": 2, "skipped": 3}


@dataclass(kw_only=True)
class Row:
    """One line of the table: the tests that speak for it and how each ended."""

    section: str
    name: str
    checks: dict[str, str] = field(default_factory=dict)
    """What each test checks, by node id."""
    outcomes: dict[str, tuple[str, str]] = field(default_factory=dict)
    """How each test ended (passed, failed, xfailed, skipped) and why, by node id."""

    def status(self) -> tuple[str, str]:
        """Return the status and why: a failure wins, then a known deviation, a pass, a skip."""
        if not self.outcomes:
            return "not run", "no test of this row ran (deselected, or none collected)"
        ended = sorted(self.outcomes.values(), key=lambda outcome: _RANK[outcome[0]])
        status, why = ended[0]
        if status == "passed":
            why = "; ".join(dict.fromkeys(self.checks[node] for node in self.outcomes))
        counted = sum(1 for outcome in self.outcomes.values() if outcome[0] == status)
        return status, f"{counted}/{len(self.outcomes)}: {why}"


def _why(error: BaseException) -> str:
    """Say in one line why a test failed: a violation's title, expected and actual."""
    if isinstance(error, BaseExceptionGroup) and error.exceptions:
        return _why(error.exceptions[0])
    title = getattr(error, "title", None)
    expected = getattr(error, "expected", None)
    if title and expected:
        return f"{title}; expected {expected}; actual {error.actual}"
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {' / '.join(lines[:3])}"


class Conformance:
    """Rows by (section, name), filled from markers at collection and from reports as tests end."""

    def __init__(self, business_codes: Iterable[int]) -> None:
        self.rows: dict[tuple[str, str], Row] = {}
        self.nodes: dict[str, list[Row]] = {}
        for code in business_codes:
            self._row("business code", str(code))

    def _row(self, section: str, name: str) -> Row:
        return self.rows.setdefault((section, name), Row(section=section, name=name))

    def collect(self, items: Iterable[pytest.Item], known: Mapping[tuple[str, str], str]) -> None:
        """Remember which rows each collected test speaks for; expect known deviations to fail."""
        for item in items:
            for mark in item.iter_markers(MARKER):
                section, name, check = mark.args
                if (section, name) in known:
                    reason = f"known deviation: {known[section, name]}"
                    item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
                row = self._row(section, str(name))
                row.checks[item.nodeid] = check
                self.nodes.setdefault(item.nodeid, []).append(row)

    def record(self, item: pytest.Item, report: pytest.TestReport, call: pytest.CallInfo) -> None:
        """Note how one phase of a test ended; a failure in any phase decides."""
        rows = self.nodes.get(item.nodeid, [])
        if not rows or (report.when != "call" and report.passed):
            return
        if hasattr(report, "wasxfail"):
            outcome = ("xfailed", report.wasxfail)
        elif report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            outcome = ("skipped", reason.removeprefix("Skipped: "))
        elif report.failed:
            error = call.excinfo.value if call.excinfo else None
            outcome = ("failed", _why(error) if error else report.longreprtext.splitlines()[-1])
        else:
            outcome = ("passed", "")
        for row in rows:
            if row.outcomes.get(item.nodeid, ("",))[0] != "failed":
                row.outcomes[item.nodeid] = outcome

    def lines(self) -> list[str]:
        """Render the table, a row a line, sections in the order they were first named."""
        width = max(len(row.name) for row in self.rows.values())
        section_width = max(len(row.section) for row in self.rows.values())
        lines = []
        for row in self.rows.values():
            status, why = row.status()
            if len(why) > WHY_WIDTH:
                why = why[: WHY_WIDTH - 1] + "…"
            shown = status.upper() if status == "failed" else status
            lines.append(f"{row.section:<{section_width}}  {row.name:<{width}}  {shown:<8} {why}")
        return lines


def conformance(section: str, row: object, check: str) -> pytest.MarkDecorator:
    """Mark a test (or a parameter set) as speaking for one row of the table."""
    return getattr(pytest.mark, MARKER)(section, str(row), check)
