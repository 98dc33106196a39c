"""Schemathesis checks for an API whose business errors are HTTP 200 with a code in the body.

Loaded by `st run` through `hooks = "contract_tests.checks"` in schemathesis.toml, and by the
suite's own Schemathesis test: every answer has the envelope openapi.yaml describes, and a
request that breaks a documented parameter rule never gets code 200. (No 5xx ever is
Schemathesis' own `not_a_server_error`, kept on in the config.)
"""

from __future__ import annotations

import schemathesis

from contract_tests.client import exchange_of
from contract_tests.envelope import check_envelope
from contract_tests.parameter_rules import check_no_success_on_broken_rule


@schemathesis.check
def business_envelope(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """HTTP 200 and a JSON Envelope, or an HTTP error the request justifies, shaped like one."""
    check_envelope(exchange_of(response))
    return True


@schemathesis.check
def no_success_on_broken_rule(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """A request that breaks a documented parameter rule never gets business code 200."""
    check_no_success_on_broken_rule(exchange_of(response))
    return True
