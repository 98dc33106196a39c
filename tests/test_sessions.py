"""Sessions: each X-Mock-Session gets its own world and plan, bounded and dropped when idle."""

from __future__ import annotations

import pytest

from mockserver.app import create_app
from mockserver.context import MockConfig

from .conftest import DEFAULT_FIXTURES

PATH = "/v2/enduser/enduserapi/userPwdReset"
ALICE = {"userDomain": "C.DM.5903.1", "phone": "13800138000", "code": "606754"}


def reset_code(client, session=None, **headers):
    if session:
        headers["X-Mock-Session"] = session
    return client.put(PATH, query_string=ALICE, headers=headers).get_json()["code"]


def test_sessions_have_their_own_world(client):
    assert reset_code(client, "tab-1") == 200
    assert reset_code(client, "tab-1") == 5037
    assert reset_code(client, "tab-2") == 200
    assert reset_code(client) == 200


def test_sessions_have_their_own_plan(client):
    client.put(
        "/__admin/scenario", json={"name": "user-domain-disabled"}, headers={"X-Mock-Session": "a"}
    )
    assert reset_code(client, "a") == 5104
    assert reset_code(client, "b") == 200
    assert reset_code(client) == 200


def test_admin_calls_act_on_the_named_session(client):
    headers = {"X-Mock-Session": "worker-3"}
    issued = client.post(
        "/__admin/codes",
        json={"userDomain": "C.DM.5903.1", "phone": "13900139000"},
        headers=headers,
    ).get_json()["code"]
    query = {"userDomain": "C.DM.5903.1", "phone": "13900139000", "code": issued}
    assert client.put(PATH, query_string=query).get_json()["code"] == 5037
    assert client.put(PATH, query_string=query, headers=headers).get_json()["code"] == 200
    check = {"userDomain": "C.DM.5903.1", "phone": "13900139000", "password": "12345678"}
    assert client.post("/__admin/password-check", json=check, headers=headers).get_json()["matches"]
    assert not client.post("/__admin/password-check", json=check).get_json()["matches"]


def test_a_browser_names_its_session_with_the_cookie(client):
    client.set_cookie("mock-session", "browser-tab")
    assert reset_code(client) == 200
    assert reset_code(client) == 5037
    client.delete_cookie("mock-session")
    assert reset_code(client) == 200


@pytest.mark.parametrize("session", ["has space", "x" * 65, "ümlaut", "semi;colon"])
def test_a_malformed_session_id_is_a_400(client, session):
    response = client.put(
        PATH, query_string=ALICE, headers={"X-Mock-Session": session.encode().decode("latin-1")}
    )
    assert response.status_code == 400
    assert "X-Mock-Session" in response.get_json()["msg"]


def test_sessions_are_bounded_dropping_the_least_recently_used(clock):
    app = create_app(MockConfig(fixtures_dir=DEFAULT_FIXTURES, clock=clock, max_sessions=2))
    client = app.test_client()
    assert reset_code(client, "one") == 200
    assert reset_code(client, "two") == 200
    assert reset_code(client, "three") == 200
    assert client.get("/__admin/sessions").get_json() == {"sessions": ["two", "three"]}
    assert reset_code(client, "one") == 200


def test_idle_sessions_are_dropped(clock):
    config = MockConfig(fixtures_dir=DEFAULT_FIXTURES, clock=clock, session_idle_seconds=60)
    client = create_app(config).test_client()
    assert reset_code(client, "sleepy") == 200
    clock.advance(30)
    assert reset_code(client, "awake") == 200
    clock.advance(45)
    assert client.get("/__admin/sessions").get_json() == {"sessions": ["awake"]}
    assert reset_code(client, "sleepy") == 200


def test_journal_filters_by_session_and_by_query_values(client):
    client.delete("/__admin/requests")
    reset_code(client, "mine")
    reset_code(client, "theirs")
    client.put(
        PATH, query_string={**ALICE, "phone": "13900139000"}, headers={"X-Mock-Session": "mine"}
    )
    mine = client.get("/__admin/requests?session=mine").get_json()
    assert mine["count"] == 2
    by_phone = client.get("/__admin/requests?session=mine&phone=13800138000&code=606754").get_json()
    assert by_phone["count"] == 1
    assert by_phone["requests"][0]["code"] == 200
    assert client.get("/__admin/requests?phone=10000000000").get_json()["count"] == 0
