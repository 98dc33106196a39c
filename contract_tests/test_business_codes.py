"""Every business code, each provoked by a request that differs from a known-good one in one way,
so the test holds whatever order the server checks in; and every way to succeed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from contract_tests.deviation import DeviationError
from contract_tests.harness import Contract, fresh_password
from contract_tests.outcomes import expect_code, expect_password
from contract_tests.parameter_rules import MAINLAND, country_code
from contract_tests.profile import Account
from contract_tests.report import conformance
from mockserver.rules import DEFAULT_PASSWORD

NewValue = Callable[[Contract, Account], str | None]
"""The new value of the one parameter that differs (None: left out)."""


def omitted(contract: Contract, account: Account) -> None:
    return None


def literal(value: str) -> NewValue:
    return lambda contract, account: value


def from_profile(key: str) -> NewValue:
    return lambda contract, account: contract.value(key)


def mainland_only(value: str) -> NewValue:
    """A value that is malformed for a mainland phone only: skip when the account is not one."""

    def new_value(contract: Contract, account: Account) -> str:
        if country_code(account.international_code) != MAINLAND:
            pytest.skip(f"{account} is not a mainland (86) phone")
        return value

    return new_value


@dataclass(frozen=True, kw_only=True)
class OneChange:
    """A known-good request for an account of the profile, with one parameter changed."""

    code: int
    account: str
    parameter: str | None
    value: NewValue
    why: str


def one_change(
    code: int, account: str, parameter: str | None, value: NewValue, why: str
) -> pytest.ParameterSet:
    found = OneChange(code=code, account=account, parameter=parameter, value=value, why=why)
    return pytest.param(
        found, id=f"{code}-{why.replace(' ', '-')}", marks=conformance("business code", code, why)
    )


ONE_CHANGE = [
    # code, known-good request of, parameter, changed to, answered when
    one_change(5023, "phone", "userDomain", omitted, "userDomain is missing"),
    one_change(5023, "phone", "userDomain", literal("   "), "userDomain is blank"),
    one_change(5064, "phone", "code", omitted, "code is missing"),
    one_change(5064, "phone", "code", literal(" "), "code is blank"),
    one_change(5044, "phone", "phone", omitted, "neither phone nor email"),
    one_change(5044, "email", "email", omitted, "neither email nor phone"),
    one_change(
        5013, "phone", "userDomain", literal("C-DM-5903"), "userDomain is not like C.DM.5903.1"
    ),
    one_change(5013, "phone", "userDomain", literal("c.dm.5903.1"), "userDomain is lower-case"),
    one_change(5019, "phone", "phone", literal("138-0013-8000"), "phone has dashes"),
    one_change(5019, "phone", "phone", mainland_only("12345"), "phone is not a mainland mobile"),
    one_change(
        5019, "phone", "internationalCode", literal("+1234"), "internationalCode has 4 digits"
    ),
    one_change(
        5019, "phone", "internationalCode", literal("abc"), "internationalCode is not digits"
    ),
    one_change(5056, "phone", "pwd", literal("not-base64!"), "pwd is not Base64"),
    one_change(5056, "phone", "random", omitted, "pwd is given without random"),
    one_change(
        5015, "phone", "userDomain", from_profile("unknownUserDomain"), "no such user domain"
    ),
    one_change(
        5104, "phone", "userDomain", from_profile("disabledUserDomain"), "domain is disabled"
    ),
    one_change(5104, "inDisabledDomain", None, omitted, "the account's domain is disabled"),
    one_change(5004, "phone", "phone", from_profile("unregistered.phone"), "phone not registered"),
    one_change(5004, "phone", "internationalCode", literal("+44"), "phone not registered in +44"),
    one_change(5031, "email", "email", from_profile("unregistered.email"), "e-mail not registered"),
    one_change(5031, "email", "email", literal("not-an-email"), "e-mail is malformed"),
]


@pytest.mark.parametrize("change", ONE_CHANGE)
def test_business_code_answers_a_one_parameter_deviation(
    contract: Contract, change: OneChange
) -> None:
    account = contract.account(change.account)
    password = fresh_password()
    request = contract.good_request(account, password)
    if change.parameter is not None:
        value = change.value(contract, account)
        request.pop(change.parameter, None)
        if value is not None:
            request[change.parameter] = value
    exchange = contract.client.reset(request)
    expect_code(exchange, change.code, change.why)
    if contract.admin is not None:
        expect_password(contract.admin, account, password, exchange, changed=False)


@dataclass(frozen=True, kw_only=True)
class Success:
    """A request that must reset the password of an account of the profile."""

    account: str
    default_password: bool = False
    extra: tuple[str, str] | None = None
    """A parameter added to the request, as (name, profile key of its value)."""
    why: str


def success(why: str, account: str, **options: object) -> pytest.ParameterSet:
    return pytest.param(
        Success(account=account, why=why, **options),
        id=why.replace(" ", "-"),
        marks=[conformance("business code", 200, why), pytest.mark.changes_password],
    )


SUCCESSES = [
    success("reset through a phone", "phone"),
    success("reset through an e-mail", "email"),
    success("reset through a phone with internationalCode", "international"),
    success("pwd omitted: the password becomes 12345678", "phone", default_password=True),
    success(
        "phone and e-mail given: the phone decides", "phone", extra=("email", "unregistered.email")
    ),
]


@pytest.mark.parametrize("success", SUCCESSES)
def test_business_code_200_resets_the_password(contract: Contract, success: Success) -> None:
    account = contract.account(success.account)
    password = DEFAULT_PASSWORD if success.default_password else fresh_password()
    request = contract.good_request(account, None if success.default_password else password)
    if success.extra is not None:
        name, key = success.extra
        request[name] = contract.value(key)
    exchange = contract.client.reset(request)
    body = expect_code(exchange, 200, success.why)
    expected_data = f"password reset to {DEFAULT_PASSWORD}" if success.default_password else None
    if success.default_password and body["data"] != expected_data:
        raise DeviationError(
            "Wrong data for a reset without pwd",
            expected=f"data {expected_data!r}",
            actual=exchange.describe_answer(),
            request=exchange.describe_request(),
        )
    if contract.admin is not None:
        expect_password(contract.admin, account, password, exchange, changed=True)
