"""Load the mock's world from `world.yaml`, reporting every mistake with its file and line.

Three passes: YAML syntax and duplicate keys (`yaml_nodes`), the shape against
`schemas/world.schema.json`, then what a schema cannot say (formats from `rules`, references,
duplicates). Only entries the schema accepts reach the last pass.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from mockserver.errors import FixtureError, FixtureProblem
from mockserver.rules import (
    PASSWORD_PATTERN,
    USER_DOMAIN_PATTERN,
    is_email,
    normalize_international_code,
    phone_format_error,
)
from mockserver.world import (
    AccountKey,
    Settings,
    User,
    UserDomain,
    World,
    email_key,
    phone_key,
)
from mockserver.yaml_nodes import Document, JsonPath, format_path, read_document

SCHEMA_PATH = Path(__file__).parent / "schemas" / "world.schema.json"
WORLD_FILE = "world.yaml"
SETTINGS_FIELDS = {"codeLifetimeSeconds": "code_lifetime_seconds", "journalSize": "journal_size"}
JSON_TYPES = {
    "string": "a string",
    "integer": "a whole number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
}


def load_world(directory: Path, *, now: float) -> World:
    """Read `directory/world.yaml`; codes expire relative to the clock reading `now`."""
    return check_world_file(directory / WORLD_FILE, now=now)


def check_world_file(path: Path, *, now: float) -> World:
    """Read one world file, or raise FixtureError listing every problem found in it."""
    document, problems = read_document(path)
    if document is None:
        raise FixtureError(problems)
    builder = _WorldBuilder(file=str(path), document=document, now=now)
    problems += builder.problems
    if problems:
        unique = dict.fromkeys(problems)
        raise FixtureError(sorted(unique, key=lambda problem: problem.line))
    return builder.world


@functools.cache
def _validator() -> Draft202012Validator:
    """Return the validator of world files; the schema is read once per process."""
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


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
    expected, value = error.validator_value, error.instance
    message = f"expected {JSON_TYPES[expected]}, got {_found(document, path, value)}"
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
    elif error.validator in ("anyOf", "oneOf"):
        names = [branch["required"][0] for branch in error.validator_value]
        if any(name in error.instance for name in names):
            yield path, f"give only one of {' or '.join(names)}: a code is sent to one account"
        else:
            yield path, f"give {' or '.join(names)}"
    elif error.validator == "type":
        yield path, _type_message(document, error)
    else:
        yield path, error.message


class _WorldBuilder:
    """Check a parsed document against the schema and the rules, building the World."""

    def __init__(self, *, file: str, document: Document, now: float) -> None:
        self.file = file
        self.document = document
        self.data = {} if document.data is None else document.data
        self.problems: list[FixtureProblem] = []
        self.invalid: set[JsonPath] = set()
        self.world = World()
        self.complete = {"userDomains": True, "users": True}
        self.first_seen: dict[object, JsonPath] = {}
        for error in _validator().iter_errors(self.data):
            for path, message in _schema_problems(document, error):
                self.invalid.add(path)
                self.report(path, message, at_key=error.validator == "additionalProperties")
        self.read_settings()
        self.read_domains()
        self.read_users()
        self.read_codes(now)

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

    def read_settings(self) -> None:
        settings = self.data.get("settings") if self.clean(("settings",)) else None
        if settings:
            fields = {SETTINGS_FIELDS[key]: int(value) for key, value in settings.items()}
            self.world.settings = Settings(**fields)

    def read_domains(self) -> None:
        for path, entry in self.entries("userDomains"):
            domain_id = entry["id"]
            if not USER_DOMAIN_PATTERN.fullmatch(domain_id):
                self.report(
                    (*path, "id"),
                    f"{domain_id!r} is not a user domain id: region letter, kind, "
                    "number[, number], like C.DM.5903.1",
                )
            first = self.duplicate(("domain", domain_id), (*path, "id"))
            if first is not None:
                self.report((*path, "id"), f"duplicate domain id (first at {self.where(first)})")
            self.world.domains[domain_id] = UserDomain(
                id=domain_id, active=not entry.get("disabled", False), name=entry.get("name", "")
            )

    def check_domain(self, path: JsonPath, entry: dict[str, Any]) -> bool:
        """Tell whether the entry's userDomain exists; report it when it surely does not."""
        domain = entry["userDomain"]
        if domain in self.world.domains:
            return True
        if self.complete["userDomains"]:
            known = ", ".join(self.world.domains) or "none"
            self.report((*path, "userDomain"), f"no user domain {domain!r} (known: {known})")
        return False

    def international_code(self, path: JsonPath, entry: dict[str, Any]) -> str | None:
        """Return the entry's normalized country code, or None after reporting a bad address."""
        given = entry.get("internationalCode")
        code = normalize_international_code(given)
        if code is None:
            self.report(
                (*path, "internationalCode"),
                f"{given!r} is not a country code: 1-3 digits, optionally after + or 00",
            )
            return None
        phone = entry.get("phone")
        problem = None if phone is None else phone_format_error(phone, code)
        if problem is not None:
            self.report((*path, "phone"), f"{phone!r}: {problem}")
            return None
        email = entry.get("email")
        if email is not None and not is_email(email):
            self.report((*path, "email"), f"{email!r} is not an e-mail address")
            return None
        return code

    def read_users(self) -> None:
        for path, entry in self.entries("users"):
            self.check_domain(path, entry)
            password = entry["password"]
            if not PASSWORD_PATTERN.fullmatch(password):
                self.report(
                    (*path, "password"),
                    f"the password ({len(password)} characters) breaks the password rules "
                    "(6-20 letters, digits or ASCII specials), so no reset could set it",
                )
            code = self.international_code(path, entry)
            if code is None:
                self.complete["users"] = False
                continue
            user = User(
                user_domain=entry["userDomain"],
                phone=entry.get("phone"),
                international_code=code,
                email=entry.get("email"),
                password=password,
            )
            for key in user.account_keys():
                first = self.duplicate(key, (*path, key.channel.value))
                if first is not None:
                    self.report(
                        (*path, key.channel.value),
                        f"duplicate user: {key} is already registered ({self.where(first)})",
                    )
            self.world.add_user(user)

    def read_codes(self, now: float) -> None:
        for path, entry in self.entries("codes"):
            known_domain = self.check_domain(path, entry)
            international_code = self.international_code(path, entry)
            if international_code is None:
                continue
            key = self.code_key(entry, international_code)
            field = (*path, key.channel.value)
            if key not in self.world.users and known_domain and self.complete["users"]:
                self.report(field, f"{key} is not a registered user, so no code can be sent to it")
            first = self.duplicate(("code", key), field)
            if first is not None:
                self.report(
                    field,
                    f"a second code for {key} (first at {self.where(first)}); only the last "
                    "code sent is valid, so keep one",
                )
            expires = entry.get("expiresInSeconds")
            issued = self.world.issue_code(
                key, entry["code"], None if expires is None else now + expires
            )
            issued.used = entry.get("used", False)

    @staticmethod
    def code_key(entry: dict[str, Any], international_code: str) -> AccountKey:
        """Name the one account a code was sent to."""
        if "phone" in entry:
            return phone_key(entry["userDomain"], international_code, entry["phone"])
        return email_key(entry["userDomain"], entry["email"])
