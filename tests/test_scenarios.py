"""Scenarios: every default scenario answers as it says, and the most specific choice wins."""

from __future__ import annotations

import http.client
import json
import threading
from urllib.parse import urlsplit

import pytest

from mockserver.app import create_app
from mockserver.context import MockConfig
from mockserver.scenario_fixtures import load_catalog
from mockserver.serving import serve_in_background

from .conftest import DEFAULT_FIXTURES

PATH = "/v2/enduser/enduserapi/userPwdReset"
ALICE = {"userDomain": "C.DM.5903.1", "phone": "13800138000", "code": "606754"}


class Sleeps(list):
    """Record the waits the mock asks for instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def app(clock, sleeps):
    return create_app(MockConfig(fixtures_dir=DEFAULT_FIXTURES, clock=clock, sleep=sleeps))


BUSINESS_SCENARIOS = {
    "success": (200, "用户密码重置成功", None),
    "success-default-password": (200, "用户密码重置成功", "password reset to 12345678"),
    "phone-not-registered": (5004, "手机号未注册", None),
    "user-domain-malformed": (5013, "用户域格式不正确", None),
    "user-domain-unknown": (5015, "用户域不存在", None),
    "phone-malformed": (5019, "手机号格式不正确", None),
    "user-domain-missing": (5023, "请输入用户域", None),
    "email-not-registered": (5031, "邮箱未注册", None),
    "sms-code-rejected": (5037, "短信验证码验证失败", None),
    "phone-or-email-missing": (5044, "请输入手机号或者邮箱", None),
    "password-malformed": (5056, "密码格式不正确，请输入 6-20 位字母、数字或特殊字符", None),
    "code-missing": (5064, "请输入验证码", None),
    "user-domain-disabled": (5104, "用户域已停用", None),
    "slow-success": (200, "用户密码重置成功", None),
    "jittery-success": (200, "用户密码重置成功", None),
}
DELAYS = {"slow-success": (3.0, 3.0), "jittery-success": (0.2, 1.5), "gateway-timeout": (5.0, 5.0)}
GATEWAYS = {"bad-gateway": 502, "service-unavailable": 503, "gateway-timeout": 504}
WIRE_FAULTS = {"connection-dropped", "empty-response", "malformed-json", "trickle"}


def scenario_put(client, name, headers=None):
    return client.put(
        PATH, query_string=ALICE, headers={"X-Mock-Scenario": name, **(headers or {})}
    )


def test_default_scenarios_are_all_covered_by_these_tests():
    names = set(load_catalog(DEFAULT_FIXTURES).scenarios)
    assert names == set(BUSINESS_SCENARIOS) | set(GATEWAYS) | WIRE_FAULTS


@pytest.mark.parametrize(("name", "expected"), BUSINESS_SCENARIOS.items())
def test_business_scenario_answers_its_envelope(client, sleeps, name, expected):
    code, msg, data = expected
    response = scenario_put(client, name)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["X-Mock-Scenario"] == name
    assert response.get_json() == {"code": code, "msg": msg, "extMsg": None, "data": data}
    low, high = DELAYS.get(name, (None, None))
    assert sleeps == ([] if low is None else [pytest.approx(sleeps[0])])
    if low is not None:
        assert low <= sleeps[0] <= high


def test_business_scenario_speaks_english_on_x_q_language_en(client):
    response = scenario_put(client, "sms-code-rejected", {"X-Q-Language": "en"})
    assert response.get_json()["msg"] == "SMS verification code verification failed"


@pytest.mark.parametrize(("name", "status"), GATEWAYS.items())
def test_gateway_scenario_answers_an_html_error_page(client, sleeps, name, status):
    response = scenario_put(client, name)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"<title>{status} " in response.get_data(as_text=True)
    if name == "service-unavailable":
        assert response.headers["Retry-After"] == "30"
    if name == "gateway-timeout":
        assert sleeps == [5.0]


def test_empty_response_scenario_has_no_body(client):
    response = scenario_put(client, "empty-response")
    assert (response.status_code, response.get_data()) == (200, b"")


def test_malformed_json_scenario_cannot_be_parsed(client):
    response = scenario_put(client, "malformed-json")
    assert response.get_data().startswith(b'{"code":200')
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.get_data())


def test_trickle_scenario_sends_the_envelope_a_byte_at_a_time(app, sleeps):
    response = scenario_put(app.test_client(), "trickle")
    chunks = list(response.response)
    body = b"".join(chunks)
    assert json.loads(body)["code"] == 200
    assert {len(chunk) for chunk in chunks} == {1}
    assert sleeps == [0.05] * (len(body) - 1)


@pytest.fixture
def served(app):
    server = serve_in_background(app)
    yield urlsplit(server.url)
    server.stop()


def test_connection_dropped_scenario_closes_before_the_promised_body(served):
    connection = http.client.HTTPConnection(served.hostname, served.port, timeout=10)
    connection.request("PUT", PATH, headers={"X-Mock-Scenario": "connection-dropped"})
    response = connection.getresponse()
    assert int(response.getheader("Content-Length")) > 0
    with pytest.raises(http.client.IncompleteRead):
        response.read()


def test_unknown_scenario_header_is_a_400_that_lists_the_known_ones(client):
    response = scenario_put(client, "sucess")
    assert response.status_code == 400
    assert "no scenario 'sucess'" in response.get_json()["msg"]
    assert "success" in response.get_json()["msg"]


def test_simulate_header_lets_the_simulation_answer_despite_a_rule(client):
    params = {**ALICE, "phone": "13500135000"}
    assert client.put(PATH, query_string=params).get_json()["code"] == 5037
    response = client.put(PATH, query_string=params, headers={"X-Mock-Scenario": "simulate"})
    assert response.get_json()["code"] == 5004


def test_rule_answers_for_a_matching_query_value(client):
    response = client.put(PATH, query_string={**ALICE, "phone": "13500135000"})
    assert response.headers["X-Mock-Scenario"] == "sms-code-rejected"
    assert response.get_json()["code"] == 5037


def test_plan_answers_until_cleared(client):
    assert client.put("/__admin/scenario", json={"name": "user-domain-disabled"}).status_code == 200
    for _ in range(3):
        assert client.put(PATH, query_string=ALICE).get_json()["code"] == 5104
    assert client.delete("/__admin/scenario").get_json() == {"active": None, "remaining": []}
    assert client.put(PATH, query_string=ALICE).get_json()["code"] == 200


def test_plan_answers_a_number_of_times_then_simulates(client):
    client.put("/__admin/scenario", json={"name": "sms-code-rejected", "times": 2})
    codes = [client.put(PATH, query_string=ALICE).get_json()["code"] for _ in range(3)]
    assert codes == [5037, 5037, 200]


def test_plan_follows_a_sequence_with_simulation_steps(client):
    sequence = ["sms-code-rejected", "simulate", "success"]
    plan = client.put("/__admin/scenario", json={"sequence": sequence}).get_json()
    assert plan == {"active": "sms-code-rejected", "remaining": sequence}
    wrong_code = {**ALICE, "code": "000000"}
    codes = [client.put(PATH, query_string=wrong_code).get_json()["code"] for _ in range(4)]
    assert codes == [5037, 5037, 200, 5037]


def test_header_beats_rule_beats_plan(client):
    client.put("/__admin/scenario", json={"name": "user-domain-disabled"})
    ruled = {**ALICE, "phone": "13500135000"}
    header = {"X-Mock-Scenario": "phone-not-registered"}
    assert client.put(PATH, query_string=ruled, headers=header).get_json()["code"] == 5004
    assert client.put(PATH, query_string=ruled).get_json()["code"] == 5037
    assert client.put(PATH, query_string=ALICE).get_json()["code"] == 5104


def test_scenario_answers_leave_the_simulated_state_alone(client):
    scenario_put(client, "success")
    assert client.put(PATH, query_string=ALICE).get_json()["code"] == 200


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"name": "nope"}, 404, "no scenario 'nope'"),
        ({"sequence": ["success", "nope"]}, 404, "no scenario 'nope'"),
        ({"sequence": []}, 400, "non-empty list"),
        ({"name": "success", "times": 0}, 400, "at least 1"),
        ({"name": "success", "times": "2"}, 400, "whole number"),
        ({}, 400, "name"),
    ],
)
def test_set_scenario_refuses_unknown_names_and_malformed_bodies(client, body, status, fragment):
    response = client.put("/__admin/scenario", json=body)
    assert response.status_code == status
    assert fragment in response.get_json()["error"]


def test_scenarios_lists_the_catalog_the_rules_and_the_plan(client):
    client.put("/__admin/scenario", json={"name": "trickle", "times": 1})
    body = client.get("/__admin/scenarios").get_json()
    names = [scenario["name"] for scenario in body["scenarios"]]
    assert "sms-code-rejected" in names and "connection-dropped" in names
    assert {"when": {"phone": "13500135000"}, "scenario": "sms-code-rejected"} in body["rules"]
    assert body["plan"] == {"active": "trickle", "remaining": ["trickle"]}


def test_journal_records_the_scenario_and_the_decrypted_length(client):
    from mockserver import crypto

    pwd = crypto.encrypt("Secret-99", "r")
    client.put(
        PATH,
        query_string={**ALICE, "pwd": pwd, "random": "r"},
        headers={"X-Mock-Scenario": "success"},
    )
    entry = client.get("/__admin/requests?limit=1").get_json()["requests"][0]
    assert (entry["scenario"], entry["code"], entry["passwordLength"]) == ("success", 200, 9)
    assert entry["query"]["pwd"] == "***"


def test_slow_scenarios_hold_only_their_own_connections(clock):
    """Twenty requests asleep in `slow-success` (more than waitress's 8 threads held) leave a
    plain reset answered at once."""
    release = threading.Event()
    asleep = threading.Semaphore(0)

    def sleep(seconds: float) -> None:
        asleep.release()
        release.wait(timeout=30)

    app = create_app(MockConfig(fixtures_dir=DEFAULT_FIXTURES, clock=clock, sleep=sleep))
    server = serve_in_background(app)
    address = urlsplit(server.url)
    codes: list[int] = []

    def slow() -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request("PUT", PATH, headers={"X-Mock-Scenario": "slow-success"})
        codes.append(json.loads(connection.getresponse().read())["code"])

    slow_clients = [threading.Thread(target=slow) for _ in range(20)]
    try:
        for client in slow_clients:
            client.start()
        for _ in slow_clients:
            assert asleep.acquire(timeout=10), "a slow request never reached its delay"
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        connection.request("PUT", f"{PATH}?userDomain=C.DM.5903.1&code=606754")
        assert json.loads(connection.getresponse().read())["code"] == 5044
    finally:
        release.set()
        for client in slow_clients:
            client.join(timeout=30)
        server.stop()
    assert codes == [200] * 20
