"""The suite's own oracles: which documented rules a query breaks, and the wrong ciphers."""

from __future__ import annotations

import pytest

from contract_tests.ciphers import WRONG_SCHEMES, Scheme
from contract_tests.harness import encrypted
from contract_tests.parameter_rules import broken_rules
from mockserver import crypto

GOOD = {"userDomain": "C.DM.5903.1", "phone": "13800138000", "code": "606754"} | encrypted(
    "N3w-Passw0rd"
)


def query(**changes: str | None) -> dict[str, list[str]]:
    """The good query with some parameters changed (None: left out), as the server reads it."""
    changed = GOOD | changes
    return {name: [value] for name, value in changed.items() if value is not None}


BROKEN = [
    # changes, what the oracle says
    ({"userDomain": None}, "userDomain is required"),
    ({"code": "  "}, "code is required"),
    ({"phone": None}, "phone or email is required"),
    ({"userDomain": "C-DM-5903"}, "userDomain 'C-DM-5903' does not match"),
    ({"code": "60675"}, "code '60675' does not match"),
    ({"phone": "12345"}, "phone '12345' is not a mainland mobile number"),
    ({"phone": "138-0013-8000"}, "phone '138-0013-8000' does not match"),
    ({"internationalCode": "+1234"}, "internationalCode '+1234' is not 1-3 digits"),
    ({"internationalCode": "123", "phone": "12345678901234"}, "more than 15 digits (E.164)"),
    ({"phone": None, "email": "not-an-email"}, "email 'not-an-email' is not a 'email'"),
    ({"random": None}, "pwd is given without random"),
    ({"random": "another"}, "wrong PKCS#7 padding"),
    (encrypted("Abcdefghij1234567890!"), "(21 characters) is not 6-20 printable ASCII"),
    (encrypted("pässwörd"), "is not 6-20 printable ASCII"),
]


@pytest.mark.parametrize(("changes", "said"), BROKEN)
def test_contract_rules_name_the_broken_rule(changes: dict[str, str | None], said: str) -> None:
    assert any(said in rule for rule in broken_rules(query(**changes))), broken_rules(
        query(**changes)
    )


ALLOWED = [
    # changes the contract allows
    {},
    {"internationalCode": "+86"},
    {"internationalCode": " 0086 "},
    {"email": "not-an-email"},
    {"pwd": None, "random": None},
    {"pwd": GOOD["pwd"] + "\n"},
    {"phone": None, "email": "bob@example.com"},
]


@pytest.mark.parametrize("changes", ALLOWED)
def test_contract_rules_find_nothing_broken_in_an_allowed_query(changes: dict[str, str]) -> None:
    assert broken_rules(query(**changes)) == []


def test_contract_rules_see_a_repeated_parameter() -> None:
    assert broken_rules(query() | {"code": ["606754", "606754"]}) == ["code is given 2 times"]


@pytest.mark.parametrize("scheme", WRONG_SCHEMES, ids=lambda scheme: scheme.name)
def test_contract_ciphers_wrong_scheme_round_trips_but_is_not_the_documents(scheme: Scheme) -> None:
    pwd = scheme.encrypt("N3w-Passw0rd", "r4nd0m")
    assert scheme.decrypt(pwd, "r4nd0m") == "N3w-Passw0rd"
    assert pwd != crypto.encrypt("N3w-Passw0rd", "r4nd0m")
    try:
        read = crypto.decrypt(pwd, "r4nd0m")
    except crypto.DecryptError:
        read = None
    assert read != "N3w-Passw0rd"
