"""The admin API under /__admin/: health, reset, codes, password checks and the journal."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, request

from mockserver.context import mock_state
from mockserver.responses import json_response
from mockserver.store import UnknownAccountError
from mockserver.world import AccountKey

blueprint = Blueprint("admin", __name__)


class BadAdminRequestError(ValueError):
    """An admin request whose body is not what the endpoint takes."""


def _body(*required: str) -> dict[str, str | None]:
    """Return the JSON object of the request, strings only, with the `required` keys present."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadAdminRequestError("send a JSON object with Content-Type: application/json")
    wrong = [key for key, value in body.items() if value is not None and not isinstance(value, str)]
    if wrong:
        raise BadAdminRequestError(f"these fields must be strings: {', '.join(sorted(wrong))}")
    missing = [key for key in required if not body.get(key)]
    if missing:
        raise BadAdminRequestError(f"missing fields: {', '.join(missing)}")
    return body


def _account(body: dict[str, str | None]) -> AccountKey:
    if not body.get("phone") and not body.get("email"):
        raise BadAdminRequestError("give phone (with internationalCode) or email")
    return mock_state().simulation.account(
        body["userDomain"],
        phone=body.get("phone"),
        international_code=body.get("internationalCode"),
        email=body.get("email"),
    )


@blueprint.errorhandler(BadAdminRequestError)
def _bad_request(error: BadAdminRequestError) -> Response:
    return json_response({"error": str(error)}, status=400)


@blueprint.errorhandler(UnknownAccountError)
def _unknown_account(error: UnknownAccountError) -> Response:
    return json_response({"error": str(error)}, status=404)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


@blueprint.get("/health")
def health() -> Response:
    """Say the mock is up, which fixtures it serves and what is wrong with them."""
    state = mock_state()
    return json_response(
        {
            "status": "ok",
            "fixtures": str(state.config.fixtures_dir),
            "loadedAt": state.loaded_at.isoformat(timespec="seconds"),
            "errors": [],
        }
    )


@blueprint.post("/reset")
def reset() -> Response:
    """Bring users, passwords and codes back to the fixtures' state."""
    mock_state().simulation.restore()
    return json_response({"status": "reset"})


@blueprint.post("/codes")
def issue_code() -> Response:
    """Send a fresh verification code to an account: what stands in for the SMS or e-mail."""
    body = _body("userDomain")
    state = mock_state()
    issued = state.simulation.issue_code(_account(body))
    expires_at = issued.code.expires_at
    return json_response(
        {
            "code": issued.code.value,
            "userDomain": issued.account.user_domain,
            "account": str(issued.account),
            "expiresAt": _iso(expires_at),
            "expiresInSeconds": round(expires_at - state.config.clock()),
        }
    )


@blueprint.post("/password-check")
def password_check() -> Response:
    """Tell whether a plaintext password is the account's current one."""
    body = _body("userDomain", "password")
    account = _account(body)
    matches = mock_state().simulation.password_matches(account, body["password"])
    return json_response({"matches": matches, "account": str(account)})


@blueprint.get("/requests")
def requests() -> Response:
    """Return the journal, newest first (`?limit=N` for the N newest)."""
    limit = request.args.get("limit", type=int)
    entries = mock_state().journal.newest(limit)
    return json_response({"count": len(entries), "requests": entries})


@blueprint.delete("/requests")
def clear_requests() -> Response:
    """Forget the journal."""
    return json_response({"cleared": mock_state().journal.clear()})
