"""The endpoint over HTTP: envelopes, languages, state, HTTP errors, CORS and bad input."""

from __future__ import annotations

import threading

import pytest

from mockserver import crypto
from mockserver.codes import MESSAGES, Code

PATH = "/v2/enduser/enduserapi/userPwdReset"
RANDOM = "j1acpdj2bmtqZXVb"
ALICE = {"userDomain": "C.DM.5903.1", "phone": "13800138000", "code": "606754"}


def with_password(params: dict[str, str], password: str = "china1234") -> dict[str, str]:
    return {**params, "pwd": crypto.encrypt(password, RANDOM), "random": RANDOM}


def reset(client, params, headers=None):
    response = client.put(PATH, query_string=params, headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def password_matches(client, password: str, account: dict[str, str] | None = None) -> bool:
    account = account or {"userDomain": "C.DM.5903.1", "phone": "13800138000"}
    response = client.post("/__admin/password-check", json={**account, "password": password})
    return response.get_json()["matches"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (with_password(ALICE), 200),
        (with_password({**ALICE, "phone": "13600136000"}), 5004),
        (with_password({**ALICE, "userDomain": "C-DM-5903"}), 5013),
        (with_password({**ALICE, "userDomain": "C.DM.4040.1"}), 5015),
        (with_password({**ALICE, "phone": "12345"}), 5019),
        (with_password({"phone": "13800138000", "code": "606754"}), 5023),
        (
            with_password(
                {"userDomain": "C.DM.5903.1", "email": "nobody@example.com", "code": "1"}
            ),
            5031,
        ),
        (with_password({**ALICE, "code": "000000"}), 5037),
        (with_password({"userDomain": "C.DM.5903.1", "code": "606754"}), 5044),
        ({**ALICE, "pwd": crypto.encrypt("short", RANDOM), "random": RANDOM}, 5056),
        (with_password({"userDomain": "C.DM.5903.1", "phone": "13800138000"}), 5064),
        (
            with_password({"userDomain": "U.DM.10351.1", "phone": "13700137000", "code": "112233"}),
            5104,
        ),
    ],
)
def test_reset_answers_every_business_code_as_http_200_with_the_envelope(client, params, expected):
    body = reset(client, params)
    assert body == {
        "code": expected,
        "msg": MESSAGES[Code(expected)].zh,
        "extMsg": None,
        "data": None,
    }


def test_reset_speaks_english_on_x_q_language_en(client):
    body = reset(client, {**ALICE, "code": "000000"}, headers={"X-Q-Language": "en-US"})
    assert body["msg"] == "SMS verification code verification failed"


def test_reset_changes_the_password_and_uses_up_the_code(client):
    assert reset(client, with_password(ALICE, "N3w-secret"))["code"] == 200
    assert password_matches(client, "N3w-secret")
    assert not password_matches(client, "Passw0rd!")
    assert reset(client, with_password(ALICE, "Other-one1"))["code"] == 5037
    assert password_matches(client, "N3w-secret")


def test_reset_without_pwd_sets_12345678_and_says_so_in_data(client):
    body = reset(client, ALICE)
    assert (body["code"], body["data"]) == (200, "password reset to 12345678")
    assert password_matches(client, "12345678")


def test_reset_refuses_a_code_after_it_expires(client, clock):
    code = client.post(
        "/__admin/codes", json={"userDomain": "C.DM.5903.1", "phone": "13900139000"}
    ).get_json()["code"]
    clock.advance(300)
    params = {"userDomain": "C.DM.5903.1", "phone": "13900139000", "code": code}
    assert reset(client, params)["code"] == 5037


def test_reset_explains_the_outcome_in_x_mock_detail(client):
    response = client.put(PATH, query_string={**ALICE, "code": "111111"})
    assert response.headers["X-Mock-Detail"] == "the code was sent to another account"


def test_reset_refuses_a_repeated_parameter_with_400(client):
    response = client.put(f"{PATH}?userDomain=C.DM.5903.1&phone=1&phone=2&code=1")
    assert response.status_code == 400
    assert response.get_json()["code"] == 400
    assert "phone" in response.get_json()["msg"]


def test_reset_answers_a_wrong_method_with_405_and_allow(client):
    response = client.get(PATH, query_string=ALICE)
    assert response.status_code == 405
    assert response.mimetype == "application/json"
    assert "PUT" in response.headers["Allow"]
    assert response.get_json()["code"] == 405


def test_unknown_path_gets_a_json_404_that_names_the_real_paths(client):
    response = client.put("/v2/enduser/enduserapi/userPwdRest")
    assert response.status_code == 404
    assert PATH in response.get_json()["msg"]


def test_reset_refuses_a_body_over_64_kib_with_413(client):
    response = client.put(PATH, query_string=ALICE, data=b"x" * (64 * 1024 + 1))
    assert response.status_code == 413
    assert response.get_json()["code"] == 413


def test_reset_refuses_a_query_over_64_kib_with_414(client):
    response = client.put(PATH, query_string={**ALICE, "random": "r" * 70_000})
    assert response.status_code == 414


def test_reset_ignores_a_body(client):
    response = client.put(PATH, query_string=ALICE, json={"userDomain": "X", "code": "nope"})
    assert response.get_json()["code"] == 200


@pytest.mark.parametrize(
    ("raw_query", "expected"),
    [
        ("userDomain=%FF%FE&phone=13800138000&code=606754", 5013),
        ("userDomain=C.DM.5903.1&phone=138%00&code=606754", 5019),
        ("userDomain=C.DM.5903.1&phone=13800138000&code=606754&pwd=%FF&random=r", 5056),
        ("userDomain=C.DM.5903.1&phone=13800138000&code=606754&pwd=abc&random=%E5%AF", 5056),
        ("userDomain=" + "C" * 10_000 + "&phone=13800138000&code=606754", 5013),
        ("userDomain=C.DM.5903.1&phone=13800138000&code=%", 5037),
        ("userDomain=C.DM.5903.1&email=%F0%9F%98%80@example.com&code=1", 5031),
    ],
)
def test_reset_answers_malformed_input_with_a_business_code(client, raw_query, expected):
    response = client.put(f"{PATH}?{raw_query}")
    assert response.status_code == 200
    assert response.get_json()["code"] == expected


def test_cors_lets_a_browser_on_another_origin_preflight_and_read(client):
    preflight = client.options(
        PATH,
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "x-q-language",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "PUT" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "x-q-language"
    response = client.put(PATH, query_string=ALICE, headers={"Origin": "http://localhost:5173"})
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "X-Mock-Detail" in response.headers["Access-Control-Expose-Headers"]


def test_concurrent_resets_with_one_code_have_one_winner(app):
    passwords = [f"Racer-{n:02d}" for n in range(16)]
    codes: list[int] = []
    barrier = threading.Barrier(len(passwords))

    def race(password: str) -> None:
        client = app.test_client()
        barrier.wait()
        codes.append(reset(client, with_password(ALICE, password))["code"])

    threads = [threading.Thread(target=race, args=(password,)) for password in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200] + [5037] * 15
    client = app.test_client()
    assert sum(password_matches(client, password) for password in passwords) == 1
