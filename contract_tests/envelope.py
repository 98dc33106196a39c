"""The envelope on every answer: HTTP 200, JSON, and a body that openapi.yaml's schema accepts.

HTTP errors are allowed only for the real HTTP problems the contract names (a repeated
parameter, another method, a body or query string over 64 KiB), with the envelope's shape and
the HTTP status as `code`. Anything else must be a business outcome: HTTP 200 and an Envelope.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from contract_tests import spec
from contract_tests.client import Exchange
from contract_tests.deviation import DeviationError

SIZE_LIMIT_BYTES = 64 * 1024
"""The contract's limit on a request body (413) and on a query string (414)."""

_JSON_TYPE = re.compile(r"^application/([a-z0-9.+-]+\+)?json\s*(;|$)", re.IGNORECASE)


def _repeated(exchange: Exchange) -> bool:
    documented = spec.query_parameters()
    return any(len(values) > 1 for name, values in exchange.query.items() if name in documented)


HTTP_ERROR_CAUSES: dict[int, tuple[str, Callable[[Exchange], bool]]] = {
    400: ("a query parameter given more than once", _repeated),
    405: ("a method other than the documented one", lambda e: e.method != spec.reset_method()),
    413: ("a body over 64 KiB", lambda e: e.body_size > SIZE_LIMIT_BYTES),
    414: ("a query string over 64 KiB", lambda e: e.query_size > SIZE_LIMIT_BYTES),
}
"""Each HTTP error the contract allows, and what in the request must have caused it."""


def justified_http_error(exchange: Exchange) -> str | None:
    """Name the contract's reason for an HTTP error status, or None when nothing justifies it."""
    cause = HTTP_ERROR_CAUSES.get(exchange.status)
    if cause is None or exchange.status not in spec.documented_statuses():
        return None
    reason, applies = cause
    return reason if applies(exchange) else None


PREFLIGHT = "OPTIONS"
"""CORS preflights are answered too (the 405's Allow header names OPTIONS), with no envelope."""


def check_envelope(exchange: Exchange) -> None:
    """Raise DeviationError unless the answer has the status, type and body the spec allows."""
    __tracebackhide__ = True
    if exchange.method == PREFLIGHT:
        return
    request = exchange.describe_request()
    if exchange.status != 200 and justified_http_error(exchange) is None:
        raise DeviationError(
            "HTTP error status where the contract wants a business outcome",
            expected="HTTP 200 with the business code in the JSON body (HTTP errors only for "
            + "; ".join(reason for reason, _ in HTTP_ERROR_CAUSES.values())
            + ")",
            actual=exchange.describe_answer(),
            request=request,
        )
    if not _JSON_TYPE.match(exchange.content_type):
        raise DeviationError(
            "Answer is not JSON",
            expected="Content-Type: application/json",
            actual=exchange.describe_answer(),
            request=request,
        )
    try:
        body = exchange.json()
    except ValueError as error:
        raise DeviationError(
            "Answer body is not JSON",
            expected="a UTF-8 JSON body",
            actual=f"{error}; {exchange.describe_answer()}",
            request=request,
        ) from None
    name = spec.response_schema_name(exchange.status)
    errors = sorted(
        spec.response_validator(exchange.status).iter_errors(body), key=lambda e: str(e.path)
    )
    if errors:
        problems = "; ".join(
            f"{'.'.join(map(str, error.absolute_path)) or 'body'}: {error.message}"
            for error in errors
        )
        raise DeviationError(
            f"Answer body does not match openapi.yaml's {name} schema",
            expected=f"a body valid against #/components/schemas/{name}",
            actual=f"{problems}; {exchange.describe_answer()}",
            request=request,
        )
    if exchange.status != 200 and body.get("code") != exchange.status:
        raise DeviationError(
            "HTTP error body does not carry the HTTP status as its code",
            expected=f"code {exchange.status}",
            actual=exchange.describe_answer(),
            request=request,
        )
