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
    password_length: int | None = None
    default_password: bool = False

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


def is_email(address: str) -> bool:
    """Tell whether `address` could be an e-mail address at all."""
    return len(address) <= EMAIL_MAX_LENGTH and EMAIL_PATTERN.fullmatch(address) is not None


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


@dataclass(frozen=True, kw_only=True)
class PasswordCheck:
    """The new password a query asks for, or why it cannot have it."""

    password: str | None
    length: int | None
    detail: str


def password_from(query: ResetQuery) -> PasswordCheck:
    """Decrypt and check the password a query asks for."""
    pwd = _given(query.pwd)
    if pwd is None:
        return PasswordCheck(
            password=DEFAULT_PASSWORD,
            length=len(DEFAULT_PASSWORD),
            detail="pwd omitted: the password becomes 12345678",
        )
    random = _given(query.random)
    if random is None:
        return PasswordCheck(
            password=None, length=None, detail="pwd given without random: it cannot be decrypted"
        )
    try:
        password = crypto.decrypt(pwd, random)
    except crypto.DecryptError as error:
        return PasswordCheck(password=None, length=None, detail=str(error))
    if not PASSWORD_PATTERN.fullmatch(password):
        return PasswordCheck(
            password=None,
            length=len(password),
            detail=(
                f"the decrypted password has {len(password)} characters; "
                "6-20 letters, digits or ASCII specials are allowed"
            ),
        )
    return PasswordCheck(
        password=password,
        length=len(password),
        detail=f"the decrypted password has {len(password)} characters",
    )


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
    password = password_from(query)
    if password.password is None:
        return Outcome(
            code=Code.PASSWORD_FORMAT, detail=password.detail, password_length=password.length
        )

    def refuse(code: Code, detail: str) -> Outcome:
        return Outcome(code=code, detail=detail, password_length=password.length)

    domain = world.domains.get(user_domain)
    if domain is None:
        return refuse(Code.USER_DOMAIN_UNKNOWN, f"no user domain {user_domain}")
    if not domain.active:
        return refuse(Code.USER_DOMAIN_DISABLED, f"{user_domain} is disabled")
    if phone is not None:
        account = phone_key(user_domain, international_code, phone)
        if account not in world.users:
            return refuse(Code.PHONE_NOT_REGISTERED, f"{account} is not registered")
    else:
        account = email_key(user_domain, email)
        if not is_email(email):
            return refuse(
                Code.EMAIL_NOT_REGISTERED, "email is not a valid address, so no account has it"
            )
        if account not in world.users:
            return refuse(Code.EMAIL_NOT_REGISTERED, f"{account} is not registered")

    problem = code_problem(world, account, code, now)
    if problem is not None:
        return refuse(Code.CODE_REJECTED, problem)
    return Outcome(
        code=Code.OK,
        detail=password.detail,
        account=account,
        new_password=password.password,
        password_length=password.length,
        default_password=_given(query.pwd) is None,
    )


def code_problem(world: World, account: AccountKey, code: str, now: float) -> str | None:
    """Say why `code` does not verify `account` now, or None when it does."""
    issued = world.codes.get(account)
    if issued is None or issued.value != code:
        if world.code_sent(code):
            return "the code was sent to another account"
        return "the code is not the one last sent to this account"
    if issued.used:
        return "the code has been used already"
    if issued.expires_at is not None and now >= issued.expires_at:
        return "the code has expired"
    return None
