"""The contract suite fails on every faulty target, naming the deviation, and passes on the mock;
on a target without the admin API, as on a real deployment, it keeps passwords unless told.

Each fault (contract_tests/faults.py) is the real mock with one deviation; all are served at
once on a free loopback port, each under its own prefix. The suite runs in-process against
one, limited to the tests that speak to its fault.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.faults import CONFORMING, FAULTS, WITHOUT_ADMIN, serve_targets
from contract_tests.profile import DEFAULT_PROFILE

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[1]

DETECTIONS = [
    # fault, tests run (-k), what the failure report must say
    ("wrong-code", "5015", ["Expected: business code 5015", "Actual: business code 5013"]),
    (
        "lower-case-md5",
        "document_vector or lower-case",
        [
            "Expected: business code 200",
            "Expected: business code 5056",
            "Actual: business code 200",
        ],
    ),
    ("missing-extmsg", "5023", ["'extMsg' is a required property", "Envelope schema"]),
    ("code-as-string", "5064", ["'5064' is not of type 'integer'"]),
    ("html-content-type", "5044", ["Answer is not JSON", "Actual: HTTP 200 text/html"]),
    ("http-errors", "5031", ["Expected: HTTP 200", "Actual: HTTP 400"]),
    ("crash-on-bad-base64", "not-Base64", ["Actual: HTTP 500"]),
    (
        "long-passwords",
        "21-characters",
        ["Expected: business code 5056", "Actual: business code 200"],
    ),
    (
        "pwd-without-random",
        "without-random",
        ["Expected: business code 5056", "(User password reset"],
    ),
    ("reusable-codes", "used_twice", ["the code was used already", "Actual: business code 200"]),
    ("unbound-codes", "another_account", ["was sent to", "Actual: business code 200"]),
    ("disabled-domain", "5104", ["Expected: business code 5104"]),
    ("crash-on-bad-base64", "schemathesis", ["Server error", "HTTP 500"]),
]
"""Every fault of contract_tests/faults.py, with how the suite must say it found it.
(tests/test_contract_st_run.py shows `st run` failing on http-errors through the same checks.)"""

CONTROLS = sorted({select for _, select, _ in DETECTIONS} - {"schemathesis"})
"""The same selections on the mock itself (for Schemathesis, the suite's own run is the control)."""


@pytest.fixture(scope="module")
def targets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Serve the mock and every faulty target; return their base URLs by name."""
    server, urls = serve_targets(REPO / "fixtures", tmp_path_factory.mktemp("targets"))
    yield urls
    server.stop()


def run_suite(
    pytester: pytest.Pytester, url: str, select: str, *options: str, examples: int = 10
) -> pytest.RunResult:
    """Run the suite in-process against `url`, only the tests `select` (-k) names."""
    return pytester.runpytest_inprocess(
        str(REPO / "contract_tests"),
        f"--rootdir={REPO}",
        "-c",
        str(REPO / "pyproject.toml"),
        "-p",
        "no:cacheprovider",
        f"--contract-examples={examples}",
        f"--base-url={url}",
        f"-k={select}",
        *options,
    )


def test_contract_detection_covers_every_fault() -> None:
    assert {name for name, *_ in DETECTIONS} == set(FAULTS)


@pytest.mark.parametrize(("name", "select", "said"), DETECTIONS)
def test_contract_detection_fails_on_fault_and_names_it(
    pytester: pytest.Pytester, targets: dict[str, str], name: str, select: str, said: list[str]
) -> None:
    result = run_suite(pytester, targets[name], select)
    output = result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED, output
    missing = [text for text in said if text not in output]
    assert not missing, f"{name} ({FAULTS[name].description}): no {missing} in\n{output}"
    assert "Request: PUT " in output
    assert "FAILED " in output


@pytest.mark.parametrize("select", CONTROLS)
def test_contract_detection_passes_the_same_tests_on_the_mock(
    pytester: pytest.Pytester, targets: dict[str, str], select: str
) -> None:
    result = run_suite(pytester, targets[CONFORMING], select)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()


CODE_COMMAND = """\
import json, sys, urllib.request
base, domain, phone, country, email = sys.argv[1:]
account = {"phone": phone, "internationalCode": country or "86"} if phone else {"email": email}
body = json.dumps({"userDomain": domain, **account}).encode()
headers = {"Content-Type": "application/json"}
request = urllib.request.Request(base + "/__admin/codes", body, headers)
print(json.load(urllib.request.urlopen(request))["code"])
"""
"""A profile's code command: it asks the target's own /__admin/codes, as a test inbox would."""
WITHOUT_ADMIN_SELECT = "200 or 5015 or used_twice or accepted_pwd"
"""Tests that change passwords, one that does not, and one that reads a password back."""


@pytest.fixture
def command_profile(tmp_path: Path, targets: dict[str, str]) -> Path:
    """The default profile, with codes from a command instead of the admin API."""
    script = tmp_path / "latest_code.py"
    script.write_text(CODE_COMMAND, encoding="utf-8")
    command = f"{sys.executable} {script} {targets[WITHOUT_ADMIN]} "
    command += "{userDomain} {phone} {internationalCode} {email}"
    text = DEFAULT_PROFILE.read_text(encoding="utf-8").replace(
        "source: admin", f"source: command\n  command: '{command}'"
    )
    profile = tmp_path / "profile.yaml"
    profile.write_text(text, encoding="utf-8")
    return profile


def test_contract_suite_without_admin_api_keeps_passwords_unless_allowed(
    pytester: pytest.Pytester, targets: dict[str, str], command_profile: Path
) -> None:
    url, profile = targets[WITHOUT_ADMIN], str(command_profile)
    result = run_suite(pytester, url, WITHOUT_ADMIN_SELECT, "--profile", profile)
    output = result.stdout.str()
    assert result.ret == pytest.ExitCode.OK, output
    assert "pass --allow-password-change to run it" in output
    assert "business code      200   " in output and " skipped " in output


def test_contract_suite_without_admin_api_changes_passwords_when_allowed(
    pytester: pytest.Pytester, targets: dict[str, str], command_profile: Path
) -> None:
    options = ("--profile", str(command_profile), "--allow-password-change")
    result = run_suite(pytester, targets[WITHOUT_ADMIN], WITHOUT_ADMIN_SELECT, *options)
    output = result.stdout.str()
    assert result.ret == pytest.ExitCode.OK, output
    assert "pass --allow-password-change" not in output
    assert "no admin API (/__admin/password-check)" in output
