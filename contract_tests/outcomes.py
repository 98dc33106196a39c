"""What a test expects of an answer: a business code, and afterwards the account's password."""

from __future__ import annotations

from typing import Any

from contract_tests.admin import Admin
from contract_tests.client import Exchange
from contract_tests.deviation import DeviationError
from contract_tests.envelope import check_envelope
from contract_tests.profile import Account
from mockserver.codes import MESSAGES, Code


def describe_code(code: int) -> str:
    """Name a business code with its meaning: `5015 (User domain does not exist)`."""
    try:
        return f"{code} ({MESSAGES[Code(code)].en})"
    except ValueError:
        return f"{code} (not a documented business code)"


def expect_code(exchange: Exchange, expected: int, why: str) -> dict[str, Any]:
    """Check the envelope, then that the business code is `expected`; return the body."""
    __tracebackhide__ = True
    check_envelope(exchange)
    body = exchange.json()
    if body["code"] != expected:
        raise DeviationError(
            f"Wrong business code: {why}",
            expected=f"business code {describe_code(expected)}",
            actual=f"business code {describe_code(body['code'])}; {exchange.describe_answer()}",
            request=exchange.describe_request(),
        )
    return body


def expect_password(
    admin: Admin, account: Account, password: str, exchange: Exchange, *, changed: bool
) -> None:
    """Check through the admin API whether `exchange` did (or did not) set `password`."""
    __tracebackhide__ = True
    matches = admin.password_matches(account, password)
    if matches != changed:
        done = "became" if changed else "must not have become"
        raise DeviationError(
            f"The password of {account} {done} {password!r}",
            expected=f"POST /__admin/password-check says matches={changed}",
            actual=f"matches={matches} after {exchange.describe_answer()}",
            request=exchange.describe_request(),
        )
