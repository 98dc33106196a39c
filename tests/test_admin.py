"""The admin API: health, reset, codes, password checks and the request journal."""

from __future__ import annotations

import re

import pytest

from mockserver import crypto

PATH = "/v2/enduser/enduserapi/userPwdReset"
CAROL = {"userDomain": "E.DM.1209906967672817.3", "phone": "4155550123", "internationalCode": "+1"}


def test_health_says_ok_and_names_the_fixtures(client):
    body = client.get("/__admin/health").get_json()
    assert body["status"] == "ok"
    assert body["fixtures"].endswith("fixtures")
    assert body["errors"] == []


def test_codes_issues_a_fresh_six_digit_code_that_resets_once(client, clock):
    response = client.post("/__admin/codes", json=CAROL)
    assert response.status_code == 200
    issued = response.get_json()
    assert re.fullmatch(r"[0-9]{6}", issued["code"])
    assert issued["account"] == "E.DM.1209906967672817.3/phone:1-4155550123"
    assert issued["expiresInSeconds"] == 300
    query = {**CAROL, "code": issued["code"]}
    assert client.put(PATH, query_string=query).get_json()["code"] == 200
    assert client.put(PATH, query_string=query).get_json()["code"] == 5037


def test_codes_replaces_the_code_sent_before(client):
    first = client.post("/__admin/codes", json=CAROL).get_json()["code"]
    second = client.post("/__admin/codes", json=CAROL).get_json()["code"]
    if first != second:
        assert client.put(PATH, query_string={**CAROL, "code": first}).get_json()["code"] == 5037
    assert client.put(PATH, query_string={**CAROL, "code": second}).get_json()["code"] == 200


def test_codes_issues_to_an_email(client):
    body = {"userDomain": "C.DM.5903.1", "email": "ALICE@example.com"}
    issued = client.post("/__admin/codes", json=body).get_json()
    assert issued["account"] == "C.DM.5903.1/email:alice@example.com"


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"userDomain": "C.DM.5903.1", "phone": "13600136000"}, 404, "not registered"),
        ({"userDomain": "C.DM.4040.1", "phone": "13800138000"}, 404, "no user domain"),
        ({"userDomain": "C.DM.5903.1"}, 400, "phone"),
        ({"phone": "13800138000"}, 400, "userDomain"),
        ({"userDomain": "C.DM.5903.1", "phone": 13800138000}, 400, "strings"),
        ("not an object", 400, "JSON object"),
    ],
)
def test_codes_refuses_unknown_accounts_and_malformed_bodies(client, body, status, fragment):
    response = client.post("/__admin/codes", json=body)
    assert response.status_code == status
    assert fragment in response.get_json()["error"]


def test_password_check_tells_the_current_password(client):
    account = {"userDomain": "C.DM.5903.1", "email": "alice@example.com"}
    check = client.post("/__admin/password-check", json={**account, "password": "Passw0rd!"})
    assert check.get_json() == {"matches": True, "account": "C.DM.5903.1/email:alice@example.com"}
    wrong = client.post("/__admin/password-check", json={**account, "password": "passw0rd!"})
    assert wrong.get_json()["matches"] is False


def test_password_check_needs_a_password(client):
    response = client.post("/__admin/password-check", json={"userDomain": "C.DM.5903.1"})
    assert response.status_code == 400


def test_reset_brings_back_the_fixtures_state(client):
    query = {"userDomain": "C.DM.5903.1", "phone": "13800138000", "code": "606754"}
    assert client.put(PATH, query_string=query).get_json()["code"] == 200
    assert client.post("/__admin/reset").get_json() == {"status": "reset"}
    account = {"userDomain": "C.DM.5903.1", "phone": "13800138000", "password": "Passw0rd!"}
    assert client.post("/__admin/password-check", json=account).get_json()["matches"]
    assert client.put(PATH, query_string=query).get_json()["code"] == 200


def test_requests_journals_newest_first_with_the_password_masked(client):
    client.delete("/__admin/requests")
    pwd = crypto.encrypt("Secret-99", "r1")
    query = {"userDomain": "C.DM.5903.1", "phone": "13800138000", "code": "606754"}
    client.put(PATH, query_string={**query, "pwd": pwd, "random": "r1"})
    client.get(PATH)
    body = client.get("/__admin/requests").get_json()
    assert body["count"] == 2
    newest, oldest = body["requests"]
    assert (newest["method"], newest["status"], newest["code"]) == ("GET", 405, None)
    assert (oldest["status"], oldest["code"], oldest["passwordLength"]) == (200, 200, 9)
    assert oldest["query"]["pwd"] == "***"
    assert oldest["query"]["phone"] == "13800138000"
    text = client.get("/__admin/requests").get_data(as_text=True)
    assert "Secret-99" not in text
    assert pwd not in text


def test_requests_is_bounded_by_the_journal_size(app):
    client = app.test_client()
    size = app.extensions["mock"].journal.size
    for _ in range(size + 5):
        client.put(PATH)
    assert client.get("/__admin/requests").get_json()["count"] == size
    assert client.get("/__admin/requests?limit=3").get_json()["count"] == 3


def test_requests_clips_long_values(client):
    client.put(PATH, query_string={"userDomain": "D" * 5000})
    entry = client.get("/__admin/requests?limit=1").get_json()["requests"][0]
    assert len(entry["query"]["userDomain"]) < 300


def test_delete_requests_clears_the_journal(client):
    client.put(PATH)
    client.put(PATH)
    assert client.delete("/__admin/requests").get_json() == {"cleared": 2}
    assert client.get("/__admin/requests").get_json()["count"] == 0
