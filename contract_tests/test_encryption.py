"""The password scheme: the document's vector, the password rule at its edges, the usual wrong
derivations (refused with 5056), and the sloppy Base64 that real clients send (accepted).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_tests.ciphers import WRONG_SCHEMES
from contract_tests.harness import RANDOM, Contract, encrypted, fresh_password, generated
from contract_tests.outcomes import expect_code, expect_password
from contract_tests.parameter_rules import password_problem
from contract_tests.report import conformance
from mockserver import crypto

Params = Callable[[str], dict[str, str]]
"""The `pwd` and `random` parameters a client sends for a password."""

# The document's example (userPwdReset.md, 密码加密解密规则 / 示例).
VECTOR_PASSWORD = "china1234"
VECTOR_RANDOM = "j1acpdj2bmtqZXVb"
VECTOR_KEY = b"89A049614445CCA8"
VECTOR_IV = b"4445CCA889A04961"
VECTOR_PWD = "lkZMvj0KDSJXlp66jBieHA=="


def check_reset(contract: Contract, params: Params, password: str, code: int, why: str) -> None:
    """Reset the phone account with `params` for `password`; expect `code` and its effect."""
    account = contract.account("phone")
    request = contract.good_request(account, None) | params(password)
    exchange = contract.client.reset(request)
    expect_code(exchange, code, why)
    if contract.admin is not None and password:
        expect_password(contract.admin, account, password, exchange, changed=code == 200)


@conformance("encryption", "document vector", "key, IV and pwd of the document's example")
def test_encryption_document_vector_is_reproduced() -> None:
    material = crypto.derive(VECTOR_RANDOM)
    assert (material.key, material.iv) == (VECTOR_KEY, VECTOR_IV)
    assert crypto.encrypt(VECTOR_PASSWORD, VECTOR_RANDOM) == VECTOR_PWD


@pytest.mark.changes_password
@conformance("encryption", "document vector", "the server accepts the document's pwd")
def test_encryption_document_vector_is_accepted(contract: Contract) -> None:
    params: Params = lambda password: {"pwd": VECTOR_PWD, "random": VECTOR_RANDOM}  # noqa: E731
    check_reset(contract, params, VECTOR_PASSWORD, 200, "the document's example pwd and random")


@pytest.mark.changes_password
@conformance("encryption", "accepted pwd is the password", "password-check after a reset")
def test_encryption_accepted_pwd_becomes_the_accounts_password(contract: Contract) -> None:
    admin = contract.require_admin()
    account = contract.account("phone")
    password = fresh_password()
    exchange = contract.client.reset(contract.good_request(account, password))
    expect_code(exchange, 200, "a fresh code and an encrypted valid password")
    expect_password(admin, account, password, exchange, changed=True)


def edge(password: str, code: int, what: str) -> pytest.ParameterSet:
    marks = [conformance("encryption", f"password: {what}", f"{len(password)} characters → {code}")]
    if code == 200:
        marks.append(pytest.mark.changes_password)
    return pytest.param(password, code, what, id=what.replace(" ", "-"), marks=marks)


EDGES = [
    # password, code, what
    edge("Ab1!x", 5056, "5 characters"),
    edge("Ab1!xy", 200, "6 characters"),
    edge("Abcdefghij1234567890", 200, "20 characters"),
    edge("Abcdefghij1234567890!", 5056, "21 characters"),
    edge("abcdefXYZ", 200, "letters only"),
    edge("20240601", 200, "digits only"),
    edge("!\"#$%&'()*+,-./:;<=>", 200, "specials ! to >"),
    edge("?@[\\]^_`{|}~", 200, "specials ? to ~"),
    edge("pass word", 5056, "a space"),
    edge("pass\tword", 5056, "a tab"),
    edge("pässwörd", 5056, "non-ASCII letters"),
    edge("密码密码密码", 5056, "6 Chinese characters"),
    edge("Passw0rd😀", 5056, "an emoji"),
    edge("", 5056, "empty"),
]


@pytest.mark.parametrize(("password", "code", "what"), EDGES)
def test_encryption_password_edge_gets_documented_code(
    contract: Contract, password: str, code: int, what: str
) -> None:
    why = f"the password {password!r} ({what}, {len(password)} characters)"
    check_reset(contract, encrypted, password, code, why)


def wrong(name: str, params: Params) -> pytest.ParameterSet:
    check = "a ciphertext made this way is refused with 5056"
    return pytest.param(
        params, id=name.replace(" ", "-"), marks=conformance("encryption", f"wrong: {name}", check)
    )


WRONG = [
    *(
        wrong(scheme.name, lambda p, s=scheme: {"pwd": s.encrypt(p, RANDOM), "random": RANDOM})
        for scheme in WRONG_SCHEMES
    ),
    wrong(
        "another random", lambda p: {"pwd": crypto.encrypt(p, "an0ther-r4nd0m"), "random": RANDOM}
    ),
    wrong("plaintext pwd", lambda p: {"pwd": p, "random": RANDOM}),
]


@pytest.mark.parametrize("params", WRONG)
def test_encryption_wrong_derivation_is_refused(contract: Contract, params: Params) -> None:
    password = fresh_password()
    check_reset(contract, params, password, 5056, "pwd was not encrypted as the document says")


def with_plus(password: str) -> dict[str, str]:
    """Encrypt with a `random` whose ciphertext has a `+` inside, and send the `+` as a space.

    Inside: a leading space is ambiguous (the README drops surrounding spaces, the spec does not).
    """
    params = next(
        params
        for params in (encrypted(password, f"{RANDOM}{n}") for n in itertools.count())
        if "+" in params["pwd"] and not params["pwd"].startswith("+")
    )
    return params | {"pwd": params["pwd"].replace("+", " ")}


def sloppy(name: str, params: Params) -> pytest.ParameterSet:
    marks = [conformance("encryption", f"tolerated: {name}", "accepted, as real clients send it")]
    return pytest.param(
        params, id=name.replace(" ", "-"), marks=[*marks, pytest.mark.changes_password]
    )


def _reworded(change: Callable[[str], str]) -> Params:
    return lambda password: (params := encrypted(password)) | {"pwd": change(params["pwd"])}


SLOPPY = [
    sloppy("Android line break", _reworded(lambda pwd: pwd + "\n")),
    sloppy("CRLF line break", _reworded(lambda pwd: pwd + "\r\n")),
    sloppy("line wrapped", _reworded(lambda pwd: f"{pwd[:8]}\n{pwd[8:]}\n")),
    sloppy("un-encoded + as a space", with_plus),
]


@pytest.mark.parametrize("params", SLOPPY)
def test_encryption_sloppy_base64_is_accepted(contract: Contract, params: Params) -> None:
    check_reset(contract, params, fresh_password(), 200, "pwd in Base64 as sloppy clients send it")


def invalid_passwords() -> st.SearchStrategy[str]:
    """Passwords the rule refuses: too short, too long, or with a character outside ! to ~."""
    printable = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
    anything = st.characters(exclude_categories=("Cs",))
    return st.one_of(
        st.text(printable, max_size=5),
        st.text(printable, min_size=21, max_size=40),
        st.text(anything, min_size=6, max_size=20),
    ).filter(password_problem)


@conformance("encryption", "any password outside the rule", "generated passwords, each refused")
def test_encryption_generated_invalid_password_is_refused(
    contract: Contract, examples: int
) -> None:
    account = contract.account("phone")
    contract.code_source()

    @generated(examples)
    @given(password=invalid_passwords())
    def refused(password: str) -> None:
        request = contract.good_request(account, None) | encrypted(password)
        expect_code(contract.client.reset(request), 5056, password_problem(password) or "")

    refused()
