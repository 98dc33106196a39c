"""The mock's world: user domains, users and verification codes, as plain data.

`World` is what the fixtures describe and what the business rules read. Only `apply_reset`
and `issue_code` change it; whoever shares a world between threads holds a lock around
reading and changing it (see `store.py`).
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_INTERNATIONAL_CODE = "86"
DEFAULT_CODE_LIFETIME_SECONDS = 300
DEFAULT_JOURNAL_SIZE = 500


class Channel(StrEnum):
    """How an account is reached: the field of the query that names it."""

    PHONE = "phone"
    EMAIL = "email"


@dataclass(frozen=True, kw_only=True)
class AccountKey:
    """One way to name an account: a phone (with its country code) or an e-mail, in a domain.

    `address` is normalized: `86-13800138000` for a phone, the lower-cased address for an e-mail.
    """

    user_domain: str
    channel: Channel
    address: str

    def __str__(self) -> str:
        return f"{self.user_domain}/{self.channel.value}:{self.address}"


def phone_key(user_domain: str, international_code: str, phone: str) -> AccountKey:
    """Name the account of a phone number; the country code is given without `+` or `00`."""
    return AccountKey(
        user_domain=user_domain, channel=Channel.PHONE, address=f"{international_code}-{phone}"
    )


def email_key(user_domain: str, email: str) -> AccountKey:
    """Name the account of an e-mail address (e-mail addresses compare case-insensitively)."""
    return AccountKey(user_domain=user_domain, channel=Channel.EMAIL, address=email.lower())


@dataclass(frozen=True, kw_only=True)
class UserDomain:
    """A user domain; a disabled one answers 5104 to every reset."""

    id: str
    active: bool = True
    name: str = ""


@dataclass(kw_only=True)
class User:
    """An end user: reachable by phone, e-mail or both, with a current password."""

    user_domain: str
    phone: str | None = None
    international_code: str = DEFAULT_INTERNATIONAL_CODE
    email: str | None = None
    password: str

    def account_keys(self) -> list[AccountKey]:
        """Return every account key that names this user."""
        keys = []
        if self.phone is not None:
            keys.append(phone_key(self.user_domain, self.international_code, self.phone))
        if self.email is not None:
            keys.append(email_key(self.user_domain, self.email))
        return keys


@dataclass(kw_only=True)
class IssuedCode:
    """The verification code last sent to an account; only the last one sent is valid.

    `expires_at` is a clock reading in seconds (None: never expires); `used` turns true when a
    reset succeeds with it.
    """

    value: str
    expires_at: float | None
    used: bool = False


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Knobs of the simulation that the fixtures may set."""

    code_lifetime_seconds: int = DEFAULT_CODE_LIFETIME_SECONDS
    journal_size: int = DEFAULT_JOURNAL_SIZE


@dataclass(kw_only=True)
class World:
    """Everything the simulation knows; built by the fixture loader."""

    settings: Settings = field(default_factory=Settings)
    domains: dict[str, UserDomain] = field(default_factory=dict)
    users: dict[AccountKey, User] = field(default_factory=dict)
    codes: dict[AccountKey, IssuedCode] = field(default_factory=dict)
    _sent: Counter[str] = field(default_factory=Counter, init=False, repr=False)
    """How many accounts' last code has each value: a wrong code is looked up, not searched
    for among every code (412 µs with 10,000 codes, under the simulation's lock)."""

    def add_user(self, user: User) -> None:
        """Register `user` under each of its account keys."""
        for key in user.account_keys():
            self.users[key] = user

    def copy(self) -> World:
        """Return an independent copy: changing one never changes the other.

        Written out rather than `copy.deepcopy`, which took 233 µs for the default fixtures'
        seven accounts, paid by the first request of every session. Settings, domains and
        keys are frozen and shared; users (one object under each of its keys, and so in the
        copy) and codes are copied.
        """
        users = {id(user): copy.copy(user) for user in self.users.values()}
        twin = World(
            settings=self.settings,
            domains=dict(self.domains),
            users={key: users[id(user)] for key, user in self.users.items()},
            codes={key: copy.copy(issued) for key, issued in self.codes.items()},
        )
        twin._sent = Counter(self._sent)
        return twin

    def issue_code(self, key: AccountKey, value: str, expires_at: float | None) -> IssuedCode:
        """Record `value` as the code last sent to `key`, replacing any earlier one."""
        issued = IssuedCode(value=value, expires_at=expires_at)
        replaced = self.codes.get(key)
        if replaced is not None:
            self._sent[replaced.value] -= 1
            if not self._sent[replaced.value]:
                del self._sent[replaced.value]
        self.codes[key] = issued
        self._sent[value] += 1
        return issued

    def code_sent(self, value: str) -> bool:
        """Tell whether `value` is the last code sent to some account."""
        return value in self._sent

    def apply_reset(self, key: AccountKey, new_password: str) -> None:
        """Set the account's password and use up the code it was reset with."""
        self.users[key].password = new_password
        self.codes[key].used = True
