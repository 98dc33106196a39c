"""Where valid verification codes come from: the mock's admin API, a command, or a fixed code."""

from __future__ import annotations

import shlex
import subprocess
from typing import Protocol

from contract_tests.admin import Admin
from contract_tests.profile import Account, CodeSettings

COMMAND_TIMEOUT_SECONDS = 60


class CodeSourceError(RuntimeError):
    """A code could not be had; the message says from where and why."""


class CodeSource(Protocol):
    """Hands out a code that is valid for an account right now."""

    per_account: bool
    """True when each code is sent to one account, so that a code can be used up or misused."""

    def issue(self, account: Account) -> str: ...


class AdminCodes:
    """Codes sent through the mock's `POST /__admin/codes`."""

    per_account = True

    def __init__(self, admin: Admin) -> None:
        self.admin = admin

    def issue(self, account: Account) -> str:
        return self.admin.issue_code(account)


class CommandCodes:
    """Codes printed by a command of the profile, with the account's fields in its arguments."""

    per_account = True

    def __init__(self, command: str) -> None:
        self.command = command

    def issue(self, account: Account) -> str:
        fields = {
            "userDomain": account.user_domain,
            "phone": account.phone or "",
            "internationalCode": account.international_code or "",
            "email": account.email or "",
        }
        argv = [part.format(**fields) for part in shlex.split(self.command)]
        try:
            done = subprocess.run(
                argv, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise CodeSourceError(f"verificationCodes.command {argv}: {error}") from None
        code = done.stdout.strip()
        if done.returncode != 0 or not code or len(code.split()) != 1:
            raise CodeSourceError(
                f"verificationCodes.command {argv} for {account} exited {done.returncode} and "
                f"printed {done.stdout!r} (stderr {done.stderr.strip()!r}); it must print one code"
            )
        return code


class FixedCode:
    """One code that the target accepts for every account (a test environment's)."""

    per_account = False

    def __init__(self, code: str) -> None:
        self.code = code

    def issue(self, account: Account) -> str:
        return self.code


def code_source(settings: CodeSettings, admin: Admin | None) -> CodeSource | str:
    """Return the source the profile names, or why it cannot be used against this target."""
    if settings.source == "command":
        return CommandCodes(settings.command or "")
    if settings.source == "fixed":
        return FixedCode(settings.code or "")
    if admin is None:
        return (
            "verificationCodes.source is admin, but the target has no admin API (/__admin/health)"
        )
    return AdminCodes(admin)
