"""The business rules: every code of the document, the order of the checks, the decisions."""

from __future__ import annotations

import dataclasses

import pytest

from mockserver import crypto
from mockserver.codes import Code
from mockserver.rules import DEFAULT_PASSWORD, ResetQuery, decide
from mockserver.world import User, UserDomain, World, email_key, phone_key

NOW = 1_000_000.0
DOMAIN = "C.DM.5903.1"
RANDOM = "j1acpdj2bmtqZXVb"


def make_world() -> World:
    world = World()
    world.domains[DOMAIN] = UserDomain(id=DOMAIN)
    world.domains["U.DM.10351.1"] = UserDomain(id="U.DM.10351.1", active=False)
    world.add_user(
        User(user_domain=DOMAIN, phone="13800138000", email="alice@example.com", password="old")
    )
    world.add_user(User(user_domain=DOMAIN, email="bob@example.com", password="old"))
    world.add_user(
        User(user_domain=DOMAIN, phone="4155550123", international_code="1", password="o")
    )
    world.add_user(User(user_domain="U.DM.10351.1", phone="13700137000", password="old"))
    world.issue_code(phone_key(DOMAIN, "86", "13800138000"), "606754", NOW + 300)
    world.issue_code(email_key(DOMAIN, "bob@example.com"), "246810", NOW + 300)
    world.issue_code(phone_key(DOMAIN, "1", "4155550123"), "135790", None)
    world.issue_code(phone_key("U.DM.10351.1", "86", "13700137000"), "112233", None)
    return world


GOOD = ResetQuery(
    user_domain=DOMAIN,
    phone="13800138000",
    code="606754",
    pwd=crypto.encrypt("china1234", RANDOM),
    random=RANDOM,
)


def outcome_of(query: ResetQuery = GOOD, world: World | None = None, now: float = NOW):
    return decide(query, world or make_world(), now)


def test_decide_accepts_the_known_good_request():
    outcome = outcome_of()
    assert outcome.code is Code.OK
    assert outcome.new_password == "china1234"
    assert outcome.account == phone_key(DOMAIN, "86", "13800138000")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"user_domain": None}, Code.USER_DOMAIN_MISSING),
        ({"user_domain": "  "}, Code.USER_DOMAIN_MISSING),
        ({"code": None}, Code.CODE_MISSING),
        ({"code": ""}, Code.CODE_MISSING),
        ({"phone": None}, Code.PHONE_OR_EMAIL_MISSING),
        ({"phone": " "}, Code.PHONE_OR_EMAIL_MISSING),
        ({"user_domain": "c.dm.5903.1"}, Code.USER_DOMAIN_FORMAT),
        ({"user_domain": "C.DM.5903.1.2"}, Code.USER_DOMAIN_FORMAT),
        ({"user_domain": "用户域"}, Code.USER_DOMAIN_FORMAT),
        ({"phone": "1380013800"}, Code.PHONE_FORMAT),
        ({"phone": "23800138000"}, Code.PHONE_FORMAT),
        ({"phone": "138-0013-8000"}, Code.PHONE_FORMAT),
        ({"international_code": "abc"}, Code.PHONE_FORMAT),
        ({"international_code": "+1234"}, Code.PHONE_FORMAT),
        ({"random": None}, Code.PASSWORD_FORMAT),
        ({"random": "another"}, Code.PASSWORD_FORMAT),
        ({"pwd": "china1234"}, Code.PASSWORD_FORMAT),
        ({"pwd": crypto.encrypt("short", RANDOM)}, Code.PASSWORD_FORMAT),
        ({"user_domain": "C.DM.9999.1"}, Code.USER_DOMAIN_UNKNOWN),
        ({"user_domain": "U.DM.10351.1"}, Code.USER_DOMAIN_DISABLED),
        ({"phone": "13900139000"}, Code.PHONE_NOT_REGISTERED),
        ({"phone": None, "email": "nobody@example.com"}, Code.EMAIL_NOT_REGISTERED),
        ({"phone": None, "email": "not-an-address"}, Code.EMAIL_NOT_REGISTERED),
        ({"code": "000000"}, Code.CODE_REJECTED),
    ],
)
def test_decide_answers_each_business_code_for_one_change(change, expected):
    assert outcome_of(dataclasses.replace(GOOD, **change)).code is expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (ResetQuery(), Code.USER_DOMAIN_MISSING),
        (ResetQuery(user_domain="bad", phone="1"), Code.CODE_MISSING),
        (ResetQuery(user_domain="bad", code="1"), Code.PHONE_OR_EMAIL_MISSING),
        (ResetQuery(user_domain="bad", code="1", phone="1", pwd="x"), Code.USER_DOMAIN_FORMAT),
        (ResetQuery(user_domain="C.DM.9.1", code="1", phone="1", pwd="x"), Code.PHONE_FORMAT),
        (
            ResetQuery(user_domain="C.DM.9.1", code="1", phone="13800138000", pwd="x"),
            Code.PASSWORD_FORMAT,
        ),
        (
            ResetQuery(user_domain="U.DM.10351.1", code="1", phone="13900139000"),
            Code.USER_DOMAIN_DISABLED,
        ),
        (
            ResetQuery(user_domain="C.DM.9.1", code="1", phone="13900139000"),
            Code.USER_DOMAIN_UNKNOWN,
        ),
        (ResetQuery(user_domain=DOMAIN, code="1", phone="13900139000"), Code.PHONE_NOT_REGISTERED),
        (ResetQuery(user_domain=DOMAIN, code="1", phone="13800138000"), Code.CODE_REJECTED),
    ],
)
def test_decide_checks_presence_then_format_then_existence_then_code(query, expected):
    assert outcome_of(query).code is expected


@pytest.mark.parametrize("international_code", [None, "", "86", "+86", "0086", " 86 "])
def test_decide_reads_every_spelling_of_mainland_china(international_code):
    query = dataclasses.replace(GOOD, international_code=international_code)
    assert outcome_of(query).code is Code.OK


@pytest.mark.parametrize("international_code", ["1", "+1", "001"])
def test_decide_accepts_a_foreign_phone_with_its_international_code(international_code):
    query = dataclasses.replace(
        GOOD, phone="4155550123", international_code=international_code, code="135790"
    )
    assert outcome_of(query).code is Code.OK


def test_decide_refuses_a_phone_longer_than_e164_allows():
    query = dataclasses.replace(GOOD, phone="12345678901234", international_code="999")
    assert outcome_of(query).code is Code.PHONE_FORMAT


def test_decide_resets_through_email_case_insensitively():
    query = dataclasses.replace(GOOD, phone=None, email="Bob@Example.com", code="246810")
    outcome = outcome_of(query)
    assert outcome.code is Code.OK
    assert outcome.account == email_key(DOMAIN, "bob@example.com")


def test_decide_uses_the_phone_when_both_phone_and_email_are_given():
    query = dataclasses.replace(GOOD, email="bob@example.com")
    assert outcome_of(query).account == phone_key(DOMAIN, "86", "13800138000")
    wrong_phone = dataclasses.replace(query, phone="13900139000")
    assert outcome_of(wrong_phone).code is Code.PHONE_NOT_REGISTERED


@pytest.mark.parametrize("pwd", [None, "", "   "])
def test_decide_sets_12345678_when_pwd_is_omitted(pwd):
    outcome = outcome_of(dataclasses.replace(GOOD, pwd=pwd, random=None))
    assert outcome.code is Code.OK
    assert outcome.new_password == DEFAULT_PASSWORD
    assert outcome.default_password


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("a" * 5, Code.PASSWORD_FORMAT),
        ("a" * 6, Code.OK),
        ("Ab1!" * 5, Code.OK),
        ("a" * 21, Code.PASSWORD_FORMAT),
        ("123456", Code.OK),
        ("!@#$%^&*()_+-=[]{};'", Code.OK),
        ("pass word", Code.PASSWORD_FORMAT),
        ("pässword", Code.PASSWORD_FORMAT),
        ("密码密码密码", Code.PASSWORD_FORMAT),
        ("tab\there", Code.PASSWORD_FORMAT),
    ],
)
def test_decide_allows_6_to_20_letters_digits_or_ascii_specials(password, expected):
    query = dataclasses.replace(GOOD, pwd=crypto.encrypt(password, RANDOM))
    assert outcome_of(query).code is expected


def test_decide_reports_the_decrypted_length_never_the_password():
    outcome = outcome_of(dataclasses.replace(GOOD, pwd=crypto.encrypt("a" * 21, RANDOM)))
    assert outcome.password_length == 21
    assert "a" * 21 not in outcome.detail


def test_decide_refuses_an_expired_code():
    assert outcome_of(now=NOW + 300).code is Code.CODE_REJECTED
    assert "expired" in outcome_of(now=NOW + 300).detail


def test_decide_refuses_a_used_code():
    world = make_world()
    world.codes[phone_key(DOMAIN, "86", "13800138000")].used = True
    outcome = outcome_of(world=world)
    assert (outcome.code, outcome.detail) == (Code.CODE_REJECTED, "the code has been used already")


def test_decide_refuses_a_code_sent_to_another_account():
    outcome = outcome_of(dataclasses.replace(GOOD, code="246810"))
    assert outcome.code is Code.CODE_REJECTED
    assert "another account" in outcome.detail


def test_decide_accepts_only_the_last_code_sent():
    world = make_world()
    world.issue_code(phone_key(DOMAIN, "86", "13800138000"), "999999", None)
    outcome = outcome_of(world=world)
    assert (outcome.code, outcome.detail) == (
        Code.CODE_REJECTED,
        "the code is not the one last sent to this account",
    )


def test_a_replaced_code_no_longer_counts_as_sent_to_another_account():
    world = make_world()
    world.issue_code(email_key(DOMAIN, "bob@example.com"), "777777", None)
    outcome = outcome_of(dataclasses.replace(GOOD, code="246810"), world=world)
    assert outcome.detail == "the code is not the one last sent to this account"
    outcome = outcome_of(dataclasses.replace(GOOD, code="777777"), world=world)
    assert outcome.detail == "the code was sent to another account"


def test_apply_reset_sets_the_password_and_uses_up_the_code():
    world = make_world()
    outcome = outcome_of(world=world)
    world.apply_reset(outcome.account, outcome.new_password)
    assert world.users[outcome.account].password == "china1234"
    assert world.users[email_key(DOMAIN, "alice@example.com")].password == "china1234"
    assert outcome_of(world=world).code is Code.CODE_REJECTED


def test_decide_does_not_change_the_world():
    world = make_world()
    before = world.copy()
    outcome_of(world=world)
    assert world == before
