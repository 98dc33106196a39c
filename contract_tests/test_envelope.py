"""HTTP errors only for real HTTP problems, each with the envelope's shape and its status as code.

(Every other answer of the suite goes through the envelope check on its way to a test's verdict.)
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pytest

from contract_tests import spec
from contract_tests.client import Exchange
from contract_tests.deviation import DeviationError
from contract_tests.envelope import SIZE_LIMIT_BYTES, check_envelope
from contract_tests.harness import Contract
from contract_tests.report import conformance

Send = Callable[[Contract, dict[str, str]], Exchange]


def repeated(contract: Contract, request: dict[str, str]) -> Exchange:
    query = urlencode([*request.items(), ("code", request["code"])])
    return contract.client.send("PUT", f"{spec.reset_path()}?{query}")


def posted(contract: Contract, request: dict[str, str]) -> Exchange:
    return contract.client.reset(request, method="POST")


def big_body(contract: Contract, request: dict[str, str]) -> Exchange:
    return contract.client.reset(request, data=b"x" * (SIZE_LIMIT_BYTES + 1))


def long_query(contract: Contract, request: dict[str, str]) -> Exchange:
    return contract.client.reset(request | {"filler": "x" * SIZE_LIMIT_BYTES})


def http_error(status: int, why: str, send: Send) -> pytest.ParameterSet:
    return pytest.param(
        status, send, id=str(status), marks=conformance("envelope", f"HTTP {status}", why)
    )


HTTP_ERRORS = [
    # status, answered when, request
    http_error(400, "a query parameter given twice", repeated),
    http_error(405, "another method than PUT", posted),
    http_error(413, "a body over 64 KiB", big_body),
    http_error(414, "a query string over 64 KiB", long_query),
]


@pytest.mark.parametrize(("status", "send"), HTTP_ERRORS)
def test_envelope_http_error_only_for_http_problem(
    contract: Contract, status: int, send: Send
) -> None:
    account = contract.account("phone")
    exchange = send(contract, account.params() | {"code": "000000"})
    if exchange.status != status:
        raise DeviationError(
            "Wrong HTTP status for an HTTP problem",
            expected=f"HTTP {status} with the envelope's shape and code {status}",
            actual=exchange.describe_answer(),
            request=exchange.describe_request(),
        )
    check_envelope(exchange)
    if status == 405 and spec.reset_method() not in exchange.headers.get("allow", ""):
        raise DeviationError(
            "HTTP 405 without the allowed method",
            expected=f"an Allow header naming {spec.reset_method()}",
            actual=f"Allow: {exchange.headers.get('allow', '(none)')}",
            request=exchange.describe_request(),
        )
