"""The endpoint itself: PUT /v2/enduser/enduserapi/userPwdReset, a thin layer over the rules.

A scenario answers when one is chosen, most specific first: the X-Mock-Scenario header, a
fixture rule matching the query, the session's plan (PUT /__admin/scenario). Otherwise the
session's stateful simulation decides.
"""

from __future__ import annotations

from flask import Blueprint, Request, Response, g, request

from mockserver.context import MockState, mock_state
from mockserver.responses import envelope, header_safe, http_error, json_response, language
from mockserver.rules import DEFAULT_PASSWORD, PARAMETER_FIELDS, ResetQuery, password_from
from mockserver.scenario_responses import render
from mockserver.scenarios import SIMULATE, Scenario, UnknownScenarioError
from mockserver.sessions import Session

RESET_PATH = "/v2/enduser/enduserapi/userPwdReset"
DEFAULT_PASSWORD_DATA = f"password reset to {DEFAULT_PASSWORD}"
SCENARIO_HEADER = "X-Mock-Scenario"

blueprint = Blueprint("endpoint", __name__)


def chosen_scenario(state: MockState, session: Session, request: Request) -> Scenario | None:
    """Return the scenario that answers this request, or None for the simulation."""
    catalog = state.catalog
    name = request.headers.get(SCENARIO_HEADER)
    if name is None:
        scenario = catalog.by_rule(request.args)
        if scenario is not None:
            return scenario
        name = session.plan.next_step()
    if name is None or name == SIMULATE:
        return None
    scenario = catalog.scenarios.get(name)
    if scenario is None:
        raise UnknownScenarioError(name, catalog)
    return scenario


@blueprint.put(RESET_PATH)
def user_pwd_reset() -> Response:
    """Answer a reset request with the business envelope; HTTP 200 for every business code."""
    args = request.args  # once: each `request.` goes through Flask's context-local proxy
    repeated = [name for name in PARAMETER_FIELDS if len(args.getlist(name)) > 1]
    if repeated:
        return http_error(400, f"query parameter given more than once: {', '.join(repeated)}")
    state = mock_state()
    session = state.session_of(request)
    query = ResetQuery.from_params(args.to_dict())  # a dict: a missing key raises nothing
    lang = language(request.headers.get("X-Q-Language"))
    scenario = chosen_scenario(state, session, request)
    if scenario is not None:
        g.answer = {
            "scenario": scenario.name,
            "code": scenario.code,
            "detail": f"scenario {scenario.name}",
            "passwordLength": password_from(query).length,
        }
        return render(scenario, lang, state.config.sleep)
    outcome = session.simulation.reset_password(query)
    g.answer = {
        "code": int(outcome.code),
        "detail": outcome.detail,
        "passwordLength": outcome.password_length,
    }
    data = DEFAULT_PASSWORD_DATA if outcome.default_password else None
    body = envelope(outcome.code, lang, data)
    return json_response(body, headers={"X-Mock-Detail": header_safe(outcome.detail)})
