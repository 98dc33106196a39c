"""The endpoint itself: PUT /v2/enduser/enduserapi/userPwdReset, a thin layer over the rules."""

from __future__ import annotations

from flask import Blueprint, Response, g, request

from mockserver.context import mock_state
from mockserver.responses import envelope, header_safe, http_error, json_response, language
from mockserver.rules import DEFAULT_PASSWORD, PARAMETER_FIELDS, ResetQuery

RESET_PATH = "/v2/enduser/enduserapi/userPwdReset"
DEFAULT_PASSWORD_DATA = f"password reset to {DEFAULT_PASSWORD}"

blueprint = Blueprint("endpoint", __name__)


@blueprint.put(RESET_PATH)
def user_pwd_reset() -> Response:
    """Answer a reset request with the business envelope; HTTP 200 for every business code."""
    repeated = [name for name in PARAMETER_FIELDS if len(request.args.getlist(name)) > 1]
    if repeated:
        return http_error(400, f"query parameter given more than once: {', '.join(repeated)}")
    query = ResetQuery.from_params(request.args)
    outcome = mock_state().simulation.reset_password(query)
    g.outcome = outcome
    data = DEFAULT_PASSWORD_DATA if outcome.default_password else None
    body = envelope(outcome.code, language(request.headers.get("X-Q-Language")), data)
    return json_response(body, headers={"X-Mock-Detail": header_safe(outcome.detail)})
