"""The pytest glue of the contract suite: options, the target, the profile, the conformance table.

`pytest contract_tests` checks an embedded mock on a free loopback port; `--base-url URL` (or
CONTRACT_BASE_URL) checks any deployment, described by `--profile FILE` (or CONTRACT_PROFILE).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from contract_tests import spec
from contract_tests.admin import Admin, AdminError
from contract_tests.client import Client
from contract_tests.codes import code_source
from contract_tests.harness import PASSWORD_CHANGE_FLAG, Contract
from contract_tests.profile import DEFAULT_PROFILE, Profile, ProfileError, load_profile
from contract_tests.report import MARKER, Conformance

DEFAULT_EXAMPLES = 25
PROFILE_KEY = pytest.StashKey[Profile]()
CONFORMANCE_KEY = pytest.StashKey[Conformance]()
TARGET_KEY = pytest.StashKey[str]()
USAGE_ERROR = pytest.ExitCode.USAGE_ERROR


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "userPwdReset contract suite")
    group.addoption(
        "--base-url",
        default=os.environ.get("CONTRACT_BASE_URL"),
        help="the target to check, e.g. http://127.0.0.1:8080 (env CONTRACT_BASE_URL); "
        "default: an embedded mock with the default fixtures",
    )
    group.addoption(
        "--profile",
        default=os.environ.get("CONTRACT_PROFILE"),
        help=f"the target profile (env CONTRACT_PROFILE); default {DEFAULT_PROFILE.name}, "
        "which matches the default fixtures",
    )
    group.addoption(
        PASSWORD_CHANGE_FLAG,
        action="store_true",
        default=_env_flag("CONTRACT_ALLOW_PASSWORD_CHANGE"),
        help="run the tests that change passwords against a target that is not a mock "
        "(env CONTRACT_ALLOW_PASSWORD_CHANGE=1)",
    )
    group.addoption(
        "--admin-token",
        default=os.environ.get("CONTRACT_ADMIN_TOKEN"),
        help="the admin token of a mock started with one (env CONTRACT_ADMIN_TOKEN)",
    )
    group.addoption(
        "--contract-examples",
        type=int,
        default=int(os.environ.get("CONTRACT_EXAMPLES") or DEFAULT_EXAMPLES),
        help=f"examples per generated test, Schemathesis included (env CONTRACT_EXAMPLES; "
        f"default {DEFAULT_EXAMPLES})",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(section, row, check): the conformance-table row a test speaks for"
    )
    config.addinivalue_line(
        "markers",
        f"changes_password: runs against a non-mock target only with {PASSWORD_CHANGE_FLAG}",
    )
    path = Path(config.getoption("--profile") or DEFAULT_PROFILE)
    try:
        config.stash[PROFILE_KEY] = load_profile(path)
    except ProfileError as error:
        raise pytest.UsageError(f"bad contract profile:\n{error}") from None
    config.stash[CONFORMANCE_KEY] = Conformance(spec.business_codes())


def pytest_collection_finish(session: pytest.Session) -> None:
    profile = session.config.stash[PROFILE_KEY]
    listed = f"listed in {os.path.relpath(profile.file)}"
    known = {row: f"{why} ({listed})" for row, why in profile.known_deviations.items()}
    session.config.stash[CONFORMANCE_KEY].collect(session.items, known)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo
) -> Iterator[pytest.TestReport]:
    report = yield
    item.config.stash[CONFORMANCE_KEY].record(item, report, call)
    return report


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    conformance = config.stash[CONFORMANCE_KEY]
    if not conformance.nodes or TARGET_KEY not in config.stash:
        return
    terminalreporter.write_sep("=", "userPwdReset contract conformance")
    target = config.stash.get(TARGET_KEY, "not started")
    profile = os.path.relpath(config.stash[PROFILE_KEY].file)
    terminalreporter.write_line(f"target: {target}; profile: {profile}")
    for line in conformance.lines():
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def target_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """Return the base URL of the target: the given one, or an embedded mock's."""
    base_url = pytestconfig.getoption("--base-url")
    if base_url:
        yield base_url.rstrip("/")
        return
    from mockserver.app import create_app
    from mockserver.context import MockConfig
    from mockserver.serving import serve_in_background

    server = serve_in_background(create_app(MockConfig(fixtures_dir=spec.REPO / "fixtures")))
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def contract(pytestconfig: pytest.Config, target_url: str) -> Iterator[Contract]:
    """Return the target under test, with its profile, codes and admin API (on a mock)."""
    client = Client(target_url)
    try:
        admin = Admin.probe(target_url, client.session, pytestconfig.getoption("--admin-token"))
    except requests.ConnectionError as error:
        pytest.exit(f"cannot reach the target {target_url}: {error}", returncode=USAGE_ERROR)
    except AdminError as error:
        pytest.exit(str(error), returncode=USAGE_ERROR)
    mock_session = admin.join_own_session() if admin is not None else None
    profile = pytestconfig.stash[PROFILE_KEY]
    codes = (
        code_source(profile.codes, admin)
        if profile.codes
        else (f"the profile ({profile.file}) has no verificationCodes")
    )
    found = Contract(
        url=target_url,
        embedded=not pytestconfig.getoption("--base-url"),
        client=client,
        admin=admin,
        mock_session=mock_session,
        profile=profile,
        codes=codes,
        allow_password_change=pytestconfig.getoption(PASSWORD_CHANGE_FLAG),
    )
    pytestconfig.stash[TARGET_KEY] = found.label
    yield found
    client.close()


@pytest.fixture(scope="session")
def examples(pytestconfig: pytest.Config) -> int:
    """Return how many examples each generated test runs."""
    return pytestconfig.getoption("--contract-examples")


@pytest.fixture(autouse=True)
def _guard_passwords(request: pytest.FixtureRequest, contract: Contract) -> None:
    """Skip a test that changes a password, unless the target is a mock or the user opted in."""
    if request.node.get_closest_marker("changes_password") and not contract.may_change_passwords:
        pytest.skip(
            f"changes a password on {contract.url}, which is not a mock; "
            f"pass {PASSWORD_CHANGE_FLAG} to run it"
        )


def pytest_itemcollected(item: pytest.Item) -> None:
    """Give items the `_nodeid` Schemathesis 4.32's `from_fixture` reads (pytest 9 dropped it)."""
    if not hasattr(item, "_nodeid"):
        item._nodeid = item.nodeid
