"""The mock's admin API (`/__admin/`, see admin.openapi.yaml), where the target has it.

The real service has none: there, codes come from the profile and passwords cannot be read back.
On a mock, the suite works in a session of its own (`X-Mock-Session`), made fresh from the
fixtures, so that it neither disturbs nor depends on what others do with the same mock.
"""

from __future__ import annotations

import secrets
from typing import Any

import requests

from contract_tests.client import TIMEOUT_SECONDS
from contract_tests.profile import Account

ADMIN_PREFIX = "/__admin"
TOKEN_HEADER = "X-Mock-Admin-Token"
SESSION_HEADER = "X-Mock-Session"


class AdminError(RuntimeError):
    """The admin API refused a request; the message says which and why."""


class Admin:
    """Calls the admin API of a mock at `base_url`, with its token when it has one."""

    def __init__(self, base_url: str, session: requests.Session, token: str | None) -> None:
        self.base_url = base_url.rstrip("/") + ADMIN_PREFIX
        self.session = session
        self.headers = {TOKEN_HEADER: token} if token else {}

    @classmethod
    def probe(cls, base_url: str, session: requests.Session, token: str | None) -> Admin | None:
        """Return the admin API when `GET /__admin/health` says ok, None when there is none.

        Raise AdminError when the target is a mock that wants a token it was not given.
        """
        admin = cls(base_url, session, token)
        url = admin.base_url + "/health"
        response = session.get(url, headers=admin.headers, timeout=TIMEOUT_SECONDS)
        if response.status_code == 401:
            given = "a wrong admin token" if token else "no admin token"
            raise AdminError(
                f"GET {url} answered 401 to {given}: pass --admin-token TOKEN "
                "(or set CONTRACT_ADMIN_TOKEN) with the mock's token"
            )
        try:
            healthy = response.status_code == 200 and response.json().get("status") == "ok"
        except (ValueError, AttributeError):
            healthy = False
        return admin if healthy else None

    def join_own_session(self) -> str:
        """Send every later request of the shared HTTP session in a fresh mock session."""
        name = f"contract-{secrets.token_hex(6)}"
        self.session.headers[SESSION_HEADER] = name
        return name

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        url = self.base_url + path
        response = self.session.post(url, json=body, headers=self.headers, timeout=TIMEOUT_SECONDS)
        if response.status_code != 200:
            raise AdminError(
                f"POST {url} {body} answered HTTP {response.status_code}: {response.text[:300]}"
            )
        return response.json()

    def issue_code(self, account: Account) -> str:
        """Send a fresh verification code to `account` and return it."""
        return self._post("/codes", account.params())["code"]

    def password_matches(self, account: Account, password: str) -> bool:
        """Tell whether `password` is the account's current password."""
        body = account.params() | {"password": password}
        return self._post("/password-check", body)["matches"]
