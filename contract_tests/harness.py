"""What a contract test works with: the target, the profile and its codes; and a skip that names
what is missing when the profile or the target lacks something a test needs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings

from contract_tests.admin import Admin
from contract_tests.client import Client
from contract_tests.codes import CodeSource
from contract_tests.profile import Account, Profile
from mockserver import crypto

RANDOM = "r4nd0m"
PASSWORD_CHANGE_FLAG = "--allow-password-change"
"""The document: 用户重置的密码，如果不输入默认为 12345678."""


def encrypted(password: str, random: str = RANDOM) -> dict[str, str]:
    """Return the `pwd` and `random` parameters that carry `password`, encrypted as documented."""
    return {"pwd": crypto.encrypt(password, random), "random": random}


def generated(examples: int) -> settings:
    """Hypothesis settings of a generated test: `examples` runs, against a live target."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    )


def fresh_password() -> str:
    """Return a valid password no earlier request has set, so that a change shows."""
    return f"Pw-{secrets.token_hex(4)}"


@dataclass(frozen=True, kw_only=True, repr=False)
class Contract:
    """The target under test as the tests see it."""

    url: str
    embedded: bool
    client: Client
    admin: Admin | None
    mock_session: str | None
    """The mock session the suite works in (X-Mock-Session), on a mock."""
    profile: Profile
    codes: CodeSource | str
    """The code source, or why there is none."""
    allow_password_change: bool

    def __repr__(self) -> str:
        return f"Contract({self.label})"

    @property
    def label(self) -> str:
        kind = "embedded mock" if self.embedded else "mock" if self.admin else "no admin API"
        session = f", mock session {self.mock_session}" if self.mock_session else ""
        return f"{self.url} ({kind}{session})"

    @property
    def may_change_passwords(self) -> bool:
        """Tell whether tests may change passwords: on a mock, or when the user opted in."""
        return self.admin is not None or self.allow_password_change

    def account(self, slot: str) -> Account:
        """Return the profile's account of `slot`, or skip naming the missing key."""
        account = self.profile.accounts.get(slot)
        if account is None:
            pytest.skip(f"the profile ({self.profile.file}) has no accounts.{slot}")
        return account

    def value(self, key: str) -> str:
        """Return a scalar of the profile, or skip naming the missing key."""
        value = self.profile.value(key)
        if value is None:
            pytest.skip(f"the profile ({self.profile.file}) has no {key}")
        return value

    def code_source(self, *, per_account: bool = False) -> CodeSource:
        """Return the code source, or skip saying why there is none (or none fit for this test)."""
        if isinstance(self.codes, str):
            pytest.skip(self.codes)
        if per_account and not self.codes.per_account:
            pytest.skip(
                "needs codes sent to one account each (verificationCodes.source admin or command)"
            )
        return self.codes

    def code_for(self, account: Account) -> str:
        """Return a code valid for `account` now."""
        return self.code_source().issue(account)

    def require_admin(self) -> Admin:
        """Return the admin API, or skip: only a mock can tell an account's password."""
        if self.admin is None:
            pytest.skip(
                "the target has no admin API (/__admin/password-check) to read passwords back"
            )
        return self.admin

    def good_request(self, account: Account, password: str | None) -> dict[str, str]:
        """Return a request resetting `account` to `password` (None: pwd omitted), fresh code."""
        request = account.params() | {"code": self.code_for(account)}
        if password is None:
            return request
        return request | encrypted(password)
