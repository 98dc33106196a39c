"""The mock's exception tree: every error a user can cause says where and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


class MockError(Exception):
    """Base of every error the mock raises on purpose."""


@dataclass(frozen=True, kw_only=True)
class FixtureProblem:
    """One mistake in a fixture file: where it is and what is wrong."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class FixtureError(MockError):
    """The fixtures cannot be loaded; carries every problem found, each with file and line."""

    def __init__(self, problems: list[FixtureProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))
