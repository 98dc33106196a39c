"""Target profiles: the shipped ones load, a broken one is refused with `file:line: what`, and a
bad profile stops the suite before any test runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from contract_tests.codes import CodeSourceError, CommandCodes, FixedCode
from contract_tests.profile import DEFAULT_PROFILE, Account, ProfileError, load_profile

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "fixtures" / "profile.template.yaml"
PHONE = Account(user_domain="C.DM.5903.1", phone="13800138000", international_code="86")


@pytest.mark.parametrize("path", [DEFAULT_PROFILE, TEMPLATE], ids=["default", "template"])
def test_contract_profile_shipped_loads_with_every_account(path: Path) -> None:
    profile = load_profile(path)
    assert set(profile.accounts) == {"phone", "email", "international", "inDisabledDomain"}
    assert profile.accounts["inDisabledDomain"].user_domain == profile.value("disabledUserDomain")
    assert profile.codes is not None


def test_contract_profile_default_names_the_accounts_of_the_fixtures() -> None:
    profile = load_profile(DEFAULT_PROFILE)
    assert profile.accounts["phone"] == PHONE
    assert profile.accounts["email"].params() == {
        "userDomain": "C.DM.5903.1",
        "email": "bob@example.com",
    }


BROKEN = [
    # what is wrong, the profile, what the error says
    ("typo", "acounts: {}\n", "profile.yaml:1: acounts: unknown key (expected one of"),
    ("domain", "activeUserDomain: C-DM-5903\n", "profile.yaml:1: activeUserDomain: 'C-DM-5903'"),
    ("unquoted", "accounts:\n  phone:\n    phone: 13800138000\n", "3: accounts.phone.phone: "),
    (
        "mainland phone",
        "activeUserDomain: C.DM.5903.1\naccounts:\n  phone: {phone: '12345'}\n",
        "profile.yaml:3: accounts.phone.phone: phone '12345' is not a mainland mobile",
    ),
    (
        "neither address",
        "activeUserDomain: C.DM.5903.1\naccounts:\n  email: {userDomain: C.DM.5903.1}\n",
        "profile.yaml:3: accounts.email: give phone or email",
    ),
    (
        "no domain",
        "accounts:\n  phone: {phone: '13800138000'}\n",
        "profile.yaml:2: accounts.phone: give userDomain, or set activeUserDomain",
    ),
    (
        "international in 86",
        "activeUserDomain: C.DM.5903.1\naccounts:\n  international: {phone: '13800138000'}\n",
        "accounts.international: give an internationalCode other than 86",
    ),
    (
        "command missing",
        "verificationCodes:\n  source: command\n",
        "profile.yaml:2: verificationCodes: source command needs command",
    ),
    (
        "source",
        "verificationCodes: {source: sms}\n",
        "verificationCodes.source: 'sms' is not one of",
    ),
    ("syntax", "accounts: [\n", "profile.yaml:2: YAML syntax"),
    (
        "duplicate key",
        "activeUserDomain: C.DM.1.1\nactiveUserDomain: C.DM.2.2\n",
        "profile.yaml:2:",
    ),
]


@pytest.mark.parametrize(("text", "said"), [pytest.param(t, s, id=i) for i, t, s in BROKEN])
def test_contract_profile_broken_is_refused_with_file_line_and_what(
    tmp_path: Path, text: str, said: str
) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as raised:
        load_profile(path)
    assert said in str(raised.value)
    assert str(raised.value).startswith(str(path))


def test_contract_profile_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="file not found"):
        load_profile(tmp_path / "nowhere.yaml")


def test_contract_profile_broken_stops_the_suite_before_any_test(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text("activeUserDomain: nope\n", encoding="utf-8")
    result = pytester.runpytest_inprocess(
        str(REPO / "contract_tests"), f"--rootdir={REPO}", "--profile", str(path)
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"{path}:1: activeUserDomain: 'nope'" in result.stderr.str()


def test_contract_codes_command_prints_the_code_with_the_account_in_its_arguments() -> None:
    command = f"{sys.executable} -c 'import sys; print(sys.argv[1][-6:])' {{userDomain}}-{{phone}}"
    assert CommandCodes(command).issue(PHONE) == "138000"


def test_contract_codes_command_failing_says_what_it_printed() -> None:
    command = f"{sys.executable} -c 'import sys; sys.exit(\"no code for you\")'"
    with pytest.raises(CodeSourceError, match=r"exited 1 .*no code for you"):
        CommandCodes(command).issue(PHONE)


def test_contract_codes_fixed_is_one_code_for_every_account() -> None:
    source = FixedCode("123456")
    assert (source.issue(PHONE), source.per_account) == ("123456", False)
