"""The one error the suite raises: a title, then what was expected, found and sent."""

from __future__ import annotations


class DeviationError(AssertionError):
    """The target answered something the contract does not allow.

    The text is a title line, a blank line, then `Expected:`, `Actual:` and `Request:` lines,
    so pytest, Schemathesis and the conformance table can all show it as it is.
    """

    def __init__(self, title: str, *, expected: str, actual: str, request: str) -> None:
        self.title = title
        self.expected = expected
        self.actual = actual
        self.request = request
        super().__init__(f"{title}\n\nExpected: {expected}\nActual: {actual}\nRequest: {request}")
