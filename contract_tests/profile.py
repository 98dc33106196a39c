"""The target profile: what exists on the target, read from YAML and checked before any test runs.

A profile names an active and a disabled user domain, registered and unregistered addresses, and
how to get a valid verification code. Every key is optional; a test whose data is missing is
skipped, naming the key. A broken profile stops the run with every problem at its line.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from contract_tests.parameter_rules import (
    MAINLAND,
    country_code,
    parameter_problem,
    phone_problem,
)
from mockserver.errors import FixtureProblem
from mockserver.yaml_nodes import Document, JsonPath, format_path, read_document

SCHEMA = Path(__file__).with_name("profile.schema.json")
DEFAULT_PROFILE = Path(__file__).with_name("profiles") / "default.yaml"
USER_DOMAIN_KEYS = ("activeUserDomain", "disabledUserDomain", "unknownUserDomain")
ACCOUNT_DOMAINS = {
    "phone": "activeUserDomain",
    "email": "activeUserDomain",
    "international": "activeUserDomain",
    "inDisabledDomain": "disabledUserDomain",
}
"""Each account slot, and the user domain it is in unless it says otherwise."""


class ProfileError(ValueError):
    """The profile cannot be used; the message has one `file:line: what is wrong` line each."""

    def __init__(self, problems: list[FixtureProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass(frozen=True, kw_only=True)
class Account:
    """A registered account, named by a phone (with its internationalCode) or by an e-mail."""

    user_domain: str
    phone: str | None = None
    international_code: str | None = None
    email: str | None = None

    def params(self) -> dict[str, str]:
        """Return the query parameters that name this account."""
        named = {"userDomain": self.user_domain}
        if self.phone is None:
            return named | {"email": self.email or ""}
        named["phone"] = self.phone
        if self.international_code is not None:
            named["internationalCode"] = self.international_code
        return named

    def __str__(self) -> str:
        if self.phone is None:
            return f"{self.user_domain} e-mail {self.email}"
        country = self.international_code or MAINLAND
        return f"{self.user_domain} phone {country} {self.phone}"


@dataclass(frozen=True, kw_only=True)
class CodeSettings:
    """How the suite gets a valid verification code: `admin`, `command` or `fixed`."""

    source: str
    command: str | None = None
    code: str | None = None


@dataclass(frozen=True, kw_only=True)
class Profile:
    """A checked profile: scalar values by their dotted key, accounts by slot, the code source."""

    file: str
    values: Mapping[str, str]
    accounts: Mapping[str, Account]
    codes: CodeSettings | None
    known_deviations: Mapping[tuple[str, str], str]
    """Why the target deviates, by conformance-table (section, row)."""

    def value(self, key: str) -> str | None:
        """Return a scalar such as `unknownUserDomain` or `unregistered.phone`, or None."""
        return self.values.get(key)


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


class _Checker:
    """Collect the problems of one profile document, each at its line."""

    def __init__(self, file: str, document: Document) -> None:
        self.file = file
        self.document = document
        self.problems: list[FixtureProblem] = []

    def report(self, path: JsonPath, message: str) -> None:
        line = self.document.line(path)
        where = format_path(path)
        self.problems.append(
            FixtureProblem(file=self.file, line=line, message=f"{where}: {message}")
        )

    def schema(self, data: Any) -> None:
        for error in _validator().iter_errors(data):
            path = tuple(error.absolute_path)
            if error.validator == "additionalProperties":
                allowed = ", ".join(error.schema.get("properties", {}))
                for key in set(error.instance) - set(error.schema.get("properties", {})):
                    self.report((*path, key), f"unknown key (expected one of {allowed})")
            elif error.validator == "anyOf":
                self.report(path, "give phone or email")
            else:
                self.report(path, error.message)

    def account(self, slot: str, entry: dict[str, str], values: dict[str, str]) -> Account | None:
        path: JsonPath = ("accounts", slot)
        domain = entry.get("userDomain") or values.get(ACCOUNT_DOMAINS[slot])
        wanted = "email" if slot == "email" else "phone"
        if domain is None:
            self.report(path, f"give userDomain, or set {ACCOUNT_DOMAINS[slot]}")
        if wanted not in entry and slot != "inDisabledDomain":
            self.report(path, f"the {slot} account needs {wanted}")
        if slot == "international" and country_code(entry.get("internationalCode")) == MAINLAND:
            self.report(path, "give an internationalCode other than 86")
        for key, problem in self.address_problems(entry):
            self.report((*path, key), problem)
        if domain is None or self.problems:
            return None
        if "phone" in entry and slot != "email":
            return Account(
                user_domain=domain,
                phone=entry["phone"],
                international_code=entry.get("internationalCode"),
            )
        return Account(user_domain=domain, email=entry.get("email"))

    @staticmethod
    def address_problems(entry: Mapping[str, str]) -> list[tuple[str, str]]:
        problems = []
        if "userDomain" in entry and (p := parameter_problem("userDomain", entry["userDomain"])):
            problems.append(("userDomain", p))
        if "phone" in entry and (
            p := phone_problem(entry["phone"], entry.get("internationalCode"))
        ):
            problems.append(("phone", p))
        if "email" in entry and (p := parameter_problem("email", entry["email"])):
            problems.append(("email", p))
        return problems

    def codes(self, entry: dict[str, str] | None) -> CodeSettings | None:
        if entry is None:
            return None
        needs = {"command": "command", "fixed": "code"}.get(entry["source"])
        if needs and not entry.get(needs):
            self.report(("verificationCodes",), f"source {entry['source']} needs {needs}")
        return CodeSettings(
            source=entry["source"], command=entry.get("command"), code=entry.get("code")
        )


def load_profile(path: Path) -> Profile:
    """Read and check a profile; raise ProfileError listing every problem found."""
    document, problems = read_document(path)
    if document is None or problems:
        raise ProfileError(problems)
    data = document.data if document.data is not None else {}
    checker = _Checker(str(path), document)
    checker.schema(data)
    if checker.problems:
        raise ProfileError(checker.problems)
    values = {key: data[key] for key in USER_DOMAIN_KEYS if key in data}
    for key, value in values.items():
        if problem := parameter_problem("userDomain", value):
            checker.report((key,), problem)
    unregistered = data.get("unregistered", {})
    for key, problem in checker.address_problems(unregistered):
        checker.report(("unregistered", key), problem)
    values |= {f"unregistered.{key}": value for key, value in unregistered.items()}
    accounts = {
        slot: account
        for slot, entry in data.get("accounts", {}).items()
        if (account := checker.account(slot, entry, values)) is not None
    }
    codes = checker.codes(data.get("verificationCodes"))
    if checker.problems:
        raise ProfileError(checker.problems)
    known = {
        (section, str(row)): why
        for section, rows in data.get("knownDeviations", {}).items()
        for row, why in rows.items()
    }
    return Profile(
        file=str(path), values=values, accounts=accounts, codes=codes, known_deviations=known
    )
