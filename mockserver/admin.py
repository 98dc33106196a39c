"""The admin API under /__admin/: health, reset, codes, password checks, scenarios, journal.

Calls that touch state act on the session the request names (X-Mock-Session header or the
mock-session cookie), else on the default session.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, request

from mockserver.context import check_admin_token, mock_state
from mockserver.responses import json_response
from mockserver.rules import PARAMETER_FIELDS
from mockserver.scenarios import SIMULATE, UnknownScenarioError
from mockserver.store import Simulation, UnknownAccountError
from mockserver.world import AccountKey

blueprint = Blueprint("admin", __name__)
blueprint.before_request(check_admin_token)

JOURNAL_FILTERS = (*PARAMETER_FIELDS, "session", "scenario")


class BadAdminRequestError(ValueError):
    """An admin request whose body is not what the endpoint takes."""


def _json_object() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadAdminRequestError("send a JSON object with Content-Type: application/json")
    return body


def _body(*required: str) -> dict[str, str | None]:
    """Return the JSON object of the request, strings only, with the `required` keys present."""
    body = _json_object()
    wrong = [key for key, value in body.items() if value is not None and not isinstance(value, str)]
    if wrong:
        raise BadAdminRequestError(f"these fields must be strings: {', '.join(sorted(wrong))}")
    missing = [key for key in required if not body.get(key)]
    if missing:
        raise BadAdminRequestError(f"missing fields: {', '.join(missing)}")
    return body


def _simulation() -> Simulation:
    return mock_state().session_of(request).simulation


def _account(body: dict[str, str | None]) -> AccountKey:
    if not body.get("phone") and not body.get("email"):
        raise BadAdminRequestError("give phone (with internationalCode) or email")
    return _simulation().account(
        body["userDomain"],
        phone=body.get("phone"),
        international_code=body.get("internationalCode"),
        email=body.get("email"),
    )


@blueprint.errorhandler(BadAdminRequestError)
def _bad_request(error: BadAdminRequestError) -> Response:
    return json_response({"error": str(error)}, status=400)


@blueprint.errorhandler(UnknownAccountError)
@blueprint.errorhandler(UnknownScenarioError)
def _not_found(error: LookupError) -> Response:
    return json_response({"error": str(error)}, status=404)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


@blueprint.get("/health")
def health() -> Response:
    """Say the mock is up, which fixtures it serves and what is wrong with the files now."""
    state = mock_state()
    problems = state.reloader.problems if state.reloader else []
    return json_response(
        {
            "status": "ok",
            "fixtures": str(state.config.fixtures_dir),
            "loadedAt": state.loaded_at.isoformat(timespec="milliseconds"),
            "errors": [str(problem) for problem in problems],
            "sessions": len(state.sessions.names()),
        }
    )


@blueprint.post("/reset")
def reset() -> Response:
    """Bring users, passwords and codes back to the fixtures' state."""
    _simulation().restore()
    return json_response({"status": "reset"})


@blueprint.post("/codes")
def issue_code() -> Response:
    """Send a fresh verification code to an account: what stands in for the SMS or e-mail."""
    body = _body("userDomain")
    simulation = _simulation()
    issued = simulation.issue_code(_account(body))
    expires_at = issued.code.expires_at
    return json_response(
        {
            "code": issued.code.value,
            "userDomain": issued.account.user_domain,
            "account": str(issued.account),
            "expiresAt": _iso(expires_at),
            "expiresInSeconds": round(expires_at - mock_state().config.clock()),
        }
    )


@blueprint.post("/password-check")
def password_check() -> Response:
    """Tell whether a plaintext password is the account's current one."""
    body = _body("userDomain", "password")
    account = _account(body)
    matches = _simulation().password_matches(account, body["password"])
    return json_response({"matches": matches, "account": str(account)})


@blueprint.get("/scenarios")
def scenarios() -> Response:
    """List the scenarios and rules of the fixtures, and what the session has planned."""
    state = mock_state()
    catalog = state.catalog
    return json_response(
        {
            "scenarios": [scenario.summary() for scenario in catalog.scenarios.values()],
            "rules": [
                {"when": dict(rule.when), "scenario": rule.scenario} for rule in catalog.rules
            ],
            "plan": state.session_of(request).plan.describe(),
        }
    )


def _steps(body: dict[str, Any]) -> tuple[list[str], bool]:
    """Read `{name[, times]}` or `{sequence: [...]}` into plan steps and whether they last."""
    known = set(mock_state().catalog.scenarios) | {SIMULATE}
    if "sequence" in body:
        steps = body["sequence"]
        if not isinstance(steps, list) or not steps or not all(isinstance(s, str) for s in steps):
            raise BadAdminRequestError("sequence must be a non-empty list of scenario names")
        forever = False
    else:
        name, times = body.get("name"), body.get("times")
        if not isinstance(name, str) or not name:
            raise BadAdminRequestError('give {"name": NAME[, "times": N]} or {"sequence": [...]}')
        if times is not None and (isinstance(times, bool) or not isinstance(times, int)):
            raise BadAdminRequestError("times must be a whole number")
        if times is not None and times < 1:
            raise BadAdminRequestError("times must be at least 1")
        steps, forever = [name] * (times or 1), times is None
    for step in steps:
        if step not in known:
            raise UnknownScenarioError(step, mock_state().catalog)
    return steps, forever


@blueprint.put("/scenario")
def set_scenario() -> Response:
    """Let a scenario answer the next requests: until cleared, N times, or a sequence."""
    steps, forever = _steps(_json_object())
    plan = mock_state().session_of(request).plan
    plan.set(steps, forever=forever)
    return json_response(plan.describe())


@blueprint.get("/scenario")
def get_scenario() -> Response:
    """Say what the session has planned."""
    return json_response(mock_state().session_of(request).plan.describe())


@blueprint.delete("/scenario")
def clear_scenario() -> Response:
    """Go back to the simulation."""
    plan = mock_state().session_of(request).plan
    plan.clear()
    return json_response(plan.describe())


@blueprint.get("/sessions")
def sessions() -> Response:
    """List the named sessions, the most recently used last."""
    return json_response({"sessions": mock_state().sessions.names()})


def _matches(entry: dict[str, Any], filters: dict[str, str]) -> bool:
    for name, wanted in filters.items():
        value = entry.get(name) if name in ("session", "scenario") else entry["query"].get(name)
        if value != wanted:
            return False
    return True


@blueprint.get("/requests")
def requests() -> Response:
    """Return the journal, newest first; filter by query values, session or scenario.

    `?phone=13800138000&code=606754` keeps the requests that sent exactly those values;
    `limit=N` keeps the N newest of those. `count` is how many were kept.
    """
    limit = request.args.get("limit", type=int)
    filters = {name: request.args[name] for name in JOURNAL_FILTERS if name in request.args}
    entries = [entry for entry in mock_state().journal.newest() if _matches(entry, filters)]
    if limit is not None:
        entries = entries[: max(limit, 0)]
    return json_response({"count": len(entries), "requests": entries})


@blueprint.delete("/requests")
def clear_requests() -> Response:
    """Forget the journal."""
    return json_response({"cleared": mock_state().journal.clear()})
