"""The documented rules on the query, as an oracle: which of them a request breaks.

From openapi.yaml: which parameters are required, and each one's schema (pattern, lengths, the
e-mail format). From the spec's descriptions, where a schema cannot say it: phone or email is
required; a phone with internationalCode 86 (the default) is a mainland mobile; country code and
phone together have at most 15 digits (E.164); when phone is given the e-mail is ignored; pwd
needs random and must decrypt to 6-20 printable ASCII characters. The patterns and limits behind
these are mockserver.rules', which tests/test_spec.py holds to the spec.

A blank value counts as missing, and values are compared after trimming surrounding whitespace:
a service that trims is conforming, so only breaks that survive trimming count here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from jsonschema import FormatChecker
from jsonschema.protocols import Validator
from openapi_schema_validator import OAS30Validator

from contract_tests import spec
from contract_tests.client import Exchange
from contract_tests.deviation import DeviationError
from mockserver import crypto
from mockserver.rules import (
    E164_MAX_DIGITS,
    MAINLAND,
    MAINLAND_MOBILE_PATTERN,
    PASSWORD_PATTERN,
    normalize_international_code,
)


@functools.cache
def _validators() -> dict[str, Validator]:
    checker = FormatChecker(["email"])
    return {
        name: OAS30Validator(parameter["schema"], format_checker=checker)
        for name, parameter in spec.query_parameters().items()
    }


def _given(query: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = query.get(name) or []
    value = values[0].strip() if values else ""
    return value or None


def parameter_problem(name: str, value: str) -> str | None:
    """Say how `value` breaks the schema of query parameter `name`, or None when it does not."""
    error = next(iter(_validators()[name].iter_errors(value)), None)
    return None if error is None else error.message


country_code = normalize_international_code
"""Return the country code an internationalCode names (None: 86), or None when malformed."""


def phone_problem(phone: str, international_code: str | None) -> str | None:
    """Say what is wrong with a phone for its country code (None: 86), or None when nothing is."""
    country = country_code(international_code)
    if country is None:
        return f"internationalCode {international_code!r} is not 1-3 digits after + or 00"
    if problem := parameter_problem("phone", phone):
        return f"phone {problem}"
    if country == MAINLAND and not MAINLAND_MOBILE_PATTERN.fullmatch(phone):
        return f"phone {phone!r} is not a mainland mobile number (1[3-9] and 9 digits)"
    if len(country) + len(phone) > E164_MAX_DIGITS:
        return f"+{country} {phone} has more than {E164_MAX_DIGITS} digits (E.164)"
    return None


def password_problem(password: str) -> str | None:
    """Say why a decrypted password breaks the rule, or None when it is allowed."""
    if PASSWORD_PATTERN.fullmatch(password):
        return None
    return f"the password {password!r} ({len(password)} characters) is not 6-20 printable ASCII"


def _pwd_problem(pwd: str, random: str | None) -> str | None:
    if random is None:
        return "pwd is given without random"
    try:
        return password_problem(crypto.decrypt(pwd, random))
    except crypto.DecryptError as error:
        return str(error)


def broken_rules(query: Mapping[str, Sequence[str]]) -> list[str]:
    """List the documented rules `query` breaks (every value of every parameter, as sent)."""
    declared = spec.query_parameters()
    broken = [
        f"{name} is given {len(query[name])} times"
        for name in declared
        if len(query.get(name) or []) > 1
    ]
    given = {name: _given(query, name) for name in declared}
    broken += [
        f"{name} is required"
        for name, p in declared.items()
        if p.get("required") and given[name] is None
    ]
    phone, email = given["phone"], given["email"]
    if phone is None and email is None:
        broken.append("phone or email is required")
    checked = [name for name in ("userDomain", "code") if given[name] is not None]
    broken += [f"{name} {p}" for name in checked if (p := parameter_problem(name, given[name]))]
    if phone is not None:
        if problem := phone_problem(phone, given["internationalCode"]):
            broken.append(problem)
    elif email is not None and (problem := parameter_problem("email", email)):
        broken.append(f"email {problem}")
    if given["pwd"] is not None:
        random = query["random"][0] if given["random"] is not None else None
        if problem := _pwd_problem(query["pwd"][0], random):
            broken.append(problem)
    return broken


def check_no_success_on_broken_rule(exchange: Exchange) -> None:
    """Raise DeviationError when a request that breaks a documented rule got code 200."""
    __tracebackhide__ = True
    if exchange.status != 200 or exchange.method != spec.reset_method():
        return
    try:
        code = exchange.json().get("code")
    except (ValueError, AttributeError):
        return  # not an envelope at all: the envelope check says so
    broken = broken_rules(exchange.query)
    if code == 200 and broken:
        raise DeviationError(
            "Success for a request that breaks a documented parameter rule",
            expected=f"a business error code, because {'; '.join(broken)}",
            actual=exchange.describe_answer(),
            request=exchange.describe_request(),
        )
