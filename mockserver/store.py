"""The simulation's live state: the world the fixtures describe, as changed by requests since.

One lock guards reading and changing the world, so that concurrent resets of one account
leave a consistent state (one winner per code).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

from mockserver import rules
from mockserver.world import AccountKey, IssuedCode, World, email_key, phone_key

Clock = Callable[[], float]


@dataclass(frozen=True, kw_only=True)
class IssuedFor:
    """A verification code handed out through the admin API, and to whom."""

    account: AccountKey
    code: IssuedCode


class UnknownAccountError(LookupError):
    """The admin API named a user domain or an account that the world does not have."""


class Simulation:
    """The stateful stand-in for the real service: a world, a clock and a lock."""

    def __init__(self, fixtures: World, clock: Clock) -> None:
        self._fixtures = fixtures
        self._world = fixtures.copy()
        self._clock = clock
        self._lock = threading.Lock()

    def reset_password(self, query: rules.ResetQuery) -> rules.Outcome:
        """Decide a reset request and, when it succeeds, apply it, as one atomic step."""
        with self._lock:
            outcome = rules.decide(query, self._world, self._clock())
            if outcome.account is not None and outcome.new_password is not None:
                self._world.apply_reset(outcome.account, outcome.new_password)
        return outcome

    def restore(self, fixtures: World | None = None) -> None:
        """Go back to the fixtures' state, or to new fixtures when given."""
        with self._lock:
            if fixtures is not None:
                self._fixtures = fixtures
            self._world = self._fixtures.copy()

    def account(
        self,
        user_domain: str,
        *,
        phone: str | None = None,
        international_code: str | None = None,
        email: str | None = None,
    ) -> AccountKey:
        """Name the registered account a phone or an e-mail points at, or say why none."""
        if phone:
            country = rules.normalize_international_code(international_code)
            if country is None:
                raise UnknownAccountError(f"internationalCode {international_code!r} is malformed")
            key = phone_key(user_domain, country, phone)
        else:
            key = email_key(user_domain, email or "")
        with self._lock:
            if user_domain not in self._world.domains:
                raise UnknownAccountError(f"no user domain {user_domain}")
            if key not in self._world.users:
                raise UnknownAccountError(f"{key} is not registered")
        return key

    def issue_code(self, account: AccountKey) -> IssuedFor:
        """Send a fresh 6-digit code to `account`, replacing the one sent before."""
        value = f"{secrets.randbelow(1_000_000):06d}"
        with self._lock:
            lifetime = self._world.settings.code_lifetime_seconds
            issued = self._world.issue_code(account, value, self._clock() + lifetime)
        return IssuedFor(account=account, code=issued)

    def password_matches(self, account: AccountKey, password: str) -> bool:
        """Tell whether `password` is the account's current password."""
        with self._lock:
            return secrets.compare_digest(
                self._world.users[account].password.encode(), password.encode()
            )
