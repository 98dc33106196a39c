"""Load the mock's world from `world.yaml`, reporting every mistake with its file and line.

Three passes: YAML syntax and duplicate keys (`yaml_nodes`), the shape against
`schemas/world.schema.json`, then what a schema cannot say (formats from `rules`, references,
duplicates). Only entries the schema accepts reach the last pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mockserver.checked_yaml import SCHEMAS, CheckedDocument, check_file
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
from mockserver.yaml_nodes import Document, JsonPath

SCHEMA_NAME = "world.schema.json"
SCHEMA_PATH = SCHEMAS / SCHEMA_NAME
WORLD_FILE = "world.yaml"
SETTINGS_FIELDS = {"codeLifetimeSeconds": "code_lifetime_seconds", "journalSize": "journal_size"}


def load_world(directory: Path, *, now: float) -> World:
    """Read `directory/world.yaml`; codes expire relative to the clock reading `now`."""
    return check_world_file(directory / WORLD_FILE, now=now)


def check_world_file(path: Path, *, now: float) -> World:
    """Read one world file, or raise FixtureError listing every problem found in it."""
    builder = check_file(
        path, lambda document: _WorldBuilder(file=str(path), document=document, now=now)
    )
    return builder.world


class _WorldBuilder(CheckedDocument):
    """Check a parsed world document against the schema and the rules, building the World."""

    def __init__(self, *, file: str, document: Document, now: float) -> None:
        super().__init__(file=file, document=document, schema_name=SCHEMA_NAME)
        self.world = World()
        self.complete.update(userDomains=True, users=True)
        self.read_settings()
        self.read_domains()
        self.read_users()
        self.read_codes(now)

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
