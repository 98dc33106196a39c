"""Verification codes: only the code last sent to the account is valid, and only once (5037)."""

from __future__ import annotations

import pytest

from contract_tests.harness import Contract, encrypted, fresh_password
from contract_tests.outcomes import expect_code, expect_password
from contract_tests.report import conformance


def other_code(code: str) -> str:
    """Return a code of the same shape that differs from `code` in every digit."""
    return "".join(str((int(digit) + 5) % 10) if digit.isdigit() else "0" for digit in code)


@conformance("business code", 5037, "a wrong code")
@conformance("verification code", "wrong code", "a code that was never sent is refused")
def test_verification_code_wrong_is_refused(contract: Contract) -> None:
    account = contract.account("phone")
    password = fresh_password()
    request = contract.good_request(account, password)
    exchange = contract.client.reset(request | {"code": other_code(request["code"])})
    expect_code(exchange, 5037, "the code is not the one sent to the account")
    if contract.admin is not None:
        expect_password(contract.admin, account, password, exchange, changed=False)


@pytest.mark.changes_password
@conformance("business code", 5037, "a code used twice")
@conformance("verification code", "used twice", "a code that reset the password is used up")
def test_verification_code_used_twice_is_refused(contract: Contract) -> None:
    contract.code_source(per_account=True)
    account = contract.account("phone")
    request = contract.good_request(account, fresh_password())
    expect_code(contract.client.reset(request), 200, "a fresh code and a valid password")
    second = fresh_password()
    again = contract.client.reset(request | encrypted(second))
    expect_code(again, 5037, "the code was used already")
    if contract.admin is not None:
        expect_password(contract.admin, account, second, again, changed=False)


@conformance("business code", 5037, "another account's code")
@conformance("verification code", "another account's", "a code sent to another account is refused")
def test_verification_code_of_another_account_is_refused(contract: Contract) -> None:
    codes = contract.code_source(per_account=True)
    account, other = contract.account("phone"), contract.account("email")
    password = fresh_password()
    request = contract.good_request(account, password)
    stolen = codes.issue(other)
    if stolen == request["code"]:
        pytest.skip("the two accounts were sent the same code by chance; run again")
    exchange = contract.client.reset(request | {"code": stolen})
    expect_code(exchange, 5037, f"the code was sent to {other}, not to {account}")
    if contract.admin is not None:
        expect_password(contract.admin, account, password, exchange, changed=False)
