"""Check a YAML fixture file against its JSON Schema, reporting each problem at its line.

`CheckedDocument` runs the schema over a document read by `yaml_nodes` and gives subclasses
what they need to check what a schema cannot say: report at a path, skip entries the schema
already refused, and find duplicates.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from mockserver.errors import FixtureError, FixtureProblem
from mockserver.yaml_nodes import Document, JsonPath, format_path, read_document

SCHEMAS = Path(__file__).parent / "schemas"
Checked = TypeVar("Checked", bound="CheckedDocument")
JSON_TYPES = {
    "string": "a string",
    "integer": "a whole number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "nothing (null)",
}


@functools.cache
def validator(schema_name: str) -> Draft202012Validator:
    """Return the validator of one schema under `schemas/`; each is read once per process."""
    schema = json.loads((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _found(document: Document, path: JsonPath, value: Any) -> str:
    """Describe a value as the reader wrote it: `the number 13800138000`."""
    source = document.source(path)
    if isinstance(value, bool):
        return f"the boolean {source}"
    if isinstance(value, int | float):
        return f"the number {source}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if value is None:
        return "an empty value"
    if isinstance(value, list | dict):
        return "a list" if isinstance(value, list) else "a mapping"
    return f"the {type(value).__name__} {source}"


def _type_message(document: Document, error: ValidationError) -> str:
    """Say what type was expected, what was found, and how to write it."""
    path = tuple(error.absolute_path)
    value = error.instance
    expected = error.validator_value
    names = expected if isinstance(expected, list) else [expected]
    wanted = " or ".join(JSON_TYPES[name] for name in names)
    message = f"expected {wanted}, got {_found(document, path, value)}"
    if expected == "string" and value is None:
        return f"{message} (write a value or remove the key)"
    if expected == "string" and not isinstance(value, list | dict):
        return f"{message} (quote it)"
    if expected in ("integer", "boolean") and isinstance(value, str):
        return f"{message} (write it without quotes)"
    return message


def _schema_problems(document: Document, error: ValidationError) -> Iterator[tuple[JsonPath, str]]:
    """Yield (path, message) for one schema error; an unknown key is placed at the key."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for key in error.instance:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(allowed)}"
                yield (*path, key), f"unknown key ({hint})"
    elif error.validator == "required":
        for key in error.validator_value:
            if key not in error.instance:
                yield path, f"missing required key {key!r}"
    elif error.validator in ("anyOf", "oneOf") and all(
        "required" in branch for branch in error.validator_value
    ):
        names = [branch["required"][0] for branch in error.validator_value]
        if any(name in error.instance for name in names):
            yield path, f"give only one of {' or '.join(names)}: a code is sent to one account"
        else:
            yield path, f"give {' or '.join(names)}"
    elif error.validator == "type":
        yield path, _type_message(document, error)
    elif error.validator == "not":
        yield path, f"{error.instance!r} is reserved"
    else:
        yield path, error.message


def check_file(path: Path, make: Callable[[Document], Checked]) -> Checked:
    """Read `path` and check it with `make`; raise FixtureError with every problem, by line."""
    document, problems = read_document(path)
    if document is None:
        raise FixtureError(problems)
    checked = make(document)
    problems += checked.problems
    if problems:
        raise FixtureError(sorted(dict.fromkeys(problems), key=lambda problem: problem.line))
    return checked


class CheckedDocument:
    """A document checked against a schema; subclasses add the checks a schema cannot make."""

    def __init__(self, *, file: str, document: Document, schema_name: str) -> None:
        self.file = file
        self.document = document
        self.data = {} if document.data is None else document.data
        self.problems: list[FixtureProblem] = []
        self.invalid: set[JsonPath] = set()
        self.complete: dict[str, bool] = {}
        self.first_seen: dict[object, JsonPath] = {}
        for error in validator(schema_name).iter_errors(self.data):
            for path, message in _schema_problems(document, error):
                self.invalid.add(path)
                self.report(path, message, at_key=error.validator == "additionalProperties")

    def report(self, path: JsonPath, message: str, *, at_key: bool = False) -> None:
        """Record a problem at the line of the value (or key) at `path`."""
        line = self.document.key_line(path) if at_key else self.document.line(path)
        self.problems.append(
            FixtureProblem(file=self.file, line=line, message=f"{format_path(path)}: {message}")
        )

    def clean(self, path: JsonPath) -> bool:
        """Tell whether the schema found nothing wrong at, above or below `path`."""
        return not any(bad[: len(path)] == path or path[: len(bad)] == bad for bad in self.invalid)

    def entries(self, section: str) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
        """Yield the entries of a section that the schema accepts; note when any is left out."""
        if () in self.invalid or (section,) in self.invalid:
            self.complete[section] = False
            return
        for index, entry in enumerate(self.data.get(section) or []):
            if self.clean((section, index)):
                yield (section, index), entry
            else:
                self.complete[section] = False

    def duplicate(self, thing: object, path: JsonPath) -> JsonPath | None:
        """Return where `thing` was first seen, remembering `path` when it is new."""
        first = self.first_seen.setdefault(thing, path)
        return None if first == path else first

    def where(self, path: JsonPath) -> str:
        return f"{format_path(path)}, line {self.document.line(path)}"
