"""The business rules of userPwdReset, as a pure function of the query, the world and the clock.

Checks run in this order, and the first that fails decides the answer:
presence (5023 userDomain, 5064 code, 5044 neither phone nor e-mail), then format (5013
userDomain, 5019 phone with its internationalCode, 5056 password), then existence (5015 domain,
5104 disabled domain, 5004 phone / 5031 e-mail not registered), then the code (5037), then 200.
A blank value counts as missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from mockserver import crypto
from mockserver.codes import Code
from mockserver.world import AccountKey, World, email_key, phone_key

DEFAULT_PASSWORD = "12345678"

USER_DOMAIN_PATTERN = re.compile(r"[A-Z]\.[A-Z]{2}\.[0-9]{1,20}(\.[0-9]{1,10})?")
INTERNATIONAL_CODE_PATTERN = re.compile(r"(?:\+|00)?([1-9][0-9]{0,2})")
MAINLAND_MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")
NATIONAL_NUMBER_PATTERN = re.compile(r"[0-9]{4,14}")
E164_MAX_DIGITS = 15
EMAIL_PATTERN = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
EMAIL_MAX_LENGTH = 254
PASSWORD_PATTERN = re.compile(r"[\x21-\x7e]{6,20}")
MAINLAND = "86"


@dataclass(frozen=True, kw_only=True)
class ResetQuery:
    """The query parameters of one reset request, as sent (None: absent)."""

    code: str | None = None
    user_domain: str | None = None
    email: str | None = None
    international_code: str | None = None
    phone: str | None = None
    pwd: str | None = None
    random: str | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str | None]) -> ResetQuery:
        """Build a query from parameters named as on the wire (`userDomain`, ...)."""
        return cls(**{field: params.get(name) for name, field in PARAMETER_FIELDS.items()})


PARAMETER_FIELDS = {
    "code": "code",
    "userDomain": "user_domain",
    "email": "email",
    "internationalCode": "international_code",
    "phone": "phone",
    "pwd": "pwd",
    "random": "random",
}
"""The query parameters of the endpoint, by wire name, and the ResetQuery field of each."""


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What the rules decided: the business code, why, and on success what to change."""

    code: Code
    detail: str
    account: AccountKey | None = None
    new_password: str | None = None

    @property
    def succeeded(self) -> bool:
        """Tell whether the reset goes through."""
        return self.code is Code.OK


def _given(value: str | None) -> str | None:
    """Return the value, or None when it is absent or blank."""
    if value is None or not value.strip():
        return None
    return value


def normalize_international_code(value: str | None) -> str | None:
    """Return the country code without `+` or `00` (86 when absent), or None when malformed."""
    if _given(value) is None:
        return MAINLAND
    match = INTERNATIONAL_CODE_PATTERN.fullmatch(value.strip())
    return match.group(1) if match else None


def phone_format_error(phone: str, international_code: str) -> str | None:
    """Say what is wrong with a phone number in its country, or None when it is well formed."""
    if international_code == MAINLAND:
        if not MAINLAND_MOBILE_PATTERN.fullmatch(phone):
            return "a mainland phone is 11 digits starting 13-19"
        return None
    if not NATIONAL_NUMBER_PATTERN.fullmatch(phone):
        return "a phone number is 4-14 digits, without spaces, dashes or country code"
    if len(international_code) + len(phone) > E164_MAX_DIGITS:
        return f"country code and number together exceed {E164_MAX_DIGITS} digits (E.164)"
    return None


def password_from(query: ResetQuery) -> tuple[str | None, str]:
    """Return the new password (None when unacceptable) and a reason for the journal."""
    pwd = _given(query.pwd)
    if pwd is None:
        return DEFAULT_PASSWORD, "pwd omitted: password becomes 12345678"
    random = _given(query.random)
    if random is None:
        return None, "pwd given without random: it cannot be decrypted"
    try:
        password = crypto.decrypt(pwd, random)
    except crypto.DecryptError as error:
        return None, str(error)
    if not PASSWORD_PATTERN.fullmatch(password):
        return None, (
            f"decrypted password has {len(password)} characters; "
            "6-20 letters, digits or ASCII specials are allowed"
        )
    return password, f"decrypted password has {len(password)} characters"


def decide(query: ResetQuery, world: World, now: float) -> Outcome:
    """Decide the answer to a reset request; `now` is a clock reading in seconds."""
    user_domain = _given(query.user_domain)
    code = _given(query.code)
    phone = _given(query.phone)
    email = _given(query.email)
    if user_domain is None:
        return Outcome(code=Code.USER_DOMAIN_MISSING, detail="userDomain is missing or blank")
    if code is None:
        return Outcome(code=Code.CODE_MISSING, detail="code is missing or blank")
    if phone is None and email is None:
        return Outcome(code=Code.PHONE_OR_EMAIL_MISSING, detail="neither phone nor email given")

    if not USER_DOMAIN_PATTERN.fullmatch(user_domain):
        return Outcome(
            code=Code.USER_DOMAIN_FORMAT,
            detail="userDomain must look like C.DM.5903.1: region letter, kind, number[, number]",
        )
    if phone is not None:
        international_code = normalize_international_code(query.international_code)
        if international_code is None:
            return Outcome(
                code=Code.PHONE_FORMAT,
                detail="internationalCode must be 1-3 digits, optionally after + or 00",
            )
        problem = phone_format_error(phone, international_code)
        if problem is not None:
            return Outcome(code=Code.PHONE_FORMAT, detail=problem)
    password, password_detail = password_from(query)
    if password is None:
        return Outcome(code=Code.PASSWORD_FORMAT, detail=password_detail)

    domain = world.domains.get(user_domain)
    if domain is None:
        return Outcome(code=Code.USER_DOMAIN_UNKNOWN, detail=f"no user domain {user_domain}")
    if not domain.active:
        return Outcome(code=Code.USER_DOMAIN_DISABLED, detail=f"{user_domain} is disabled")
    if phone is not None:
        account = phone_key(user_domain, international_code, phone)
        if account not in world.users:
            return Outcome(code=Code.PHONE_NOT_REGISTERED, detail=f"{account} is not registered")
    else:
        account = email_key(user_domain, email)
        if len(email) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.fullmatch(email):
            return Outcome(
                code=Code.EMAIL_NOT_REGISTERED,
                detail="email is not a valid address, so no account can have it",
            )
        if account not in world.users:
            return Outcome(code=Code.EMAIL_NOT_REGISTERED, detail=f"{account} is not registered")

    problem = code_problem(world, account, code, now)
    if problem is not None:
        return Outcome(code=Code.CODE_REJECTED, detail=problem)
    return Outcome(code=Code.OK, detail=password_detail, account=account, new_password=password)


def code_problem(world: World, account: AccountKey, code: str, now: float) -> str | None:
    """Say why `code` does not verify `account` now, or None when it does."""
    issued = world.codes.get(account)
    if issued is None or issued.value != code:
        if any(other.value == code for other in world.codes.values()):
            return "the code was sent to another account"
        return "the code is not the one last sent to this account"
    if issued.used:
        return "the code has been used already"
    if issued.expires_at is not None and now >= issued.expires_at:
        return "the code has expired"
    return None
