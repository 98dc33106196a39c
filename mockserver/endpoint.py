"""The endpoint itself: PUT /v2/enduser/enduserapi/userPwdReset, a thin layer over the rules.

A scenario answers when one is chosen, most specific first: the X-Mock-Scenario header, a
fixture rule matching the query, the session's plan (PUT /__admin/scenario). Otherwise the
session's stateful simulation decides. `answer_reset` holds all of it without Flask, so that
the fast lane (fast_lane.py) and the Flask view give the same answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Blueprint, Response, g, request

from mockserver.answers import Answer, encoded_json_answer, http_error_answer
from mockserver.context import MockState, mock_state, session_name
from mockserver.responses import envelope_json, header_safe, language
from mockserver.rules import DEFAULT_PASSWORD, PARAMETER_FIELDS, ResetQuery, password_from
from mockserver.scenario_responses import render
from mockserver.scenarios import SIMULATE, Scenario, UnknownScenarioError
from mockserver.sessions import BadSessionIdError, Session

RESET_PATH = "/v2/enduser/enduserapi/userPwdReset"
DEFAULT_PASSWORD_DATA = f"password reset to {DEFAULT_PASSWORD}"
SCENARIO_HEADER = "X-Mock-Scenario"

blueprint = Blueprint("endpoint", __name__)


def repeated_parameters(count: Callable[[str], int]) -> list[str]:
    """Return the endpoint's parameters that the query gives more than once."""
    return [name for name in PARAMETER_FIELDS if count(name) > 1]


def chosen_scenario(
    state: MockState, session: Session, params: Mapping[str, str], header: str | None
) -> Scenario | None:
    """Return the scenario that answers this request, or None for the simulation."""
    catalog = state.catalog
    name = header
    if name is None:
        scenario = catalog.by_rule(params)
        if scenario is not None:
            return scenario
        name = session.plan.next_step()
    if name is None or name == SIMULATE:
        return None
    scenario = catalog.scenarios.get(name)
    if scenario is None:
        raise UnknownScenarioError(name, catalog)
    return scenario


def answer_reset(
    state: MockState,
    params: Mapping[str, str],
    repeated: list[str],
    *,
    scenario_header: str | None,
    language_header: str | None,
    session_id: str | None,
) -> Answer:
    """Answer a reset request: the business envelope, HTTP 200 for every business code."""
    if repeated:
        return http_error_answer(
            400, f"query parameter given more than once: {', '.join(repeated)}"
        )
    try:
        session = state.sessions.get(session_id)
        scenario = chosen_scenario(state, session, params, scenario_header)
    except (BadSessionIdError, UnknownScenarioError) as error:
        return http_error_answer(400, str(error))
    query = ResetQuery.from_params(params)
    lang = language(language_header)
    if scenario is not None:
        answer = render(scenario, lang, state.config.sleep)
        answer.journal.update(
            scenario=scenario.name,
            code=scenario.code,
            detail=f"scenario {scenario.name}",
            passwordLength=password_from(query).length,
        )
        return answer
    outcome = session.simulation.reset_password(query)
    data = DEFAULT_PASSWORD_DATA if outcome.default_password else None
    answer = encoded_json_answer(
        envelope_json(outcome.code, lang, data),
        headers=[("X-Mock-Detail", header_safe(outcome.detail))],
    )
    answer.journal.update(
        code=int(outcome.code), detail=outcome.detail, passwordLength=outcome.password_length
    )
    return answer


@blueprint.put(RESET_PATH)
def user_pwd_reset() -> Response:
    """Answer the requests the fast lane leaves to Flask (a body, raw bytes in the query)."""
    args = request.args
    answer = answer_reset(
        mock_state(),
        args.to_dict(),
        repeated_parameters(lambda name: len(args.getlist(name))),
        scenario_header=request.headers.get(SCENARIO_HEADER),
        language_header=request.headers.get("X-Q-Language"),
        session_id=session_name(request),
    )
    g.answer = answer.journal
    return Response(answer.body, status=answer.status, headers=answer.headers)
