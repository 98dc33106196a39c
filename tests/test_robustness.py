"""Robustness with counts: raw queries over HTTP and through the test client; 32 clients at once.

The mock here has the default world without scenarios (their faults are 5xx on purpose) and a
journal large enough to hold every request. `make fuzz` runs the same cases for much longer.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import pytest

from mockserver import crypto
from mockserver.app import create_app
from mockserver.context import MockConfig
from mockserver.endpoint import RESET_PATH
from mockserver.serving import BackgroundServer, serve_in_background

from .conftest import DEFAULT_FIXTURES
from .fuzzing import (
    Case,
    LogProblems,
    outcome,
    run_cases,
    send_raw,
    send_test_client,
    summary,
    write_world,
)

HTTP_EXAMPLES = 150
CLIENT_EXAMPLES = 300
CLIENTS = 32
ROUNDS = 4
JOURNAL_SIZE = 10_000
ACCOUNTS = [
    {"userDomain": "C.DM.5903.1", "phone": "13800138000"},
    {"userDomain": "C.DM.5903.1", "email": "bob@example.com"},
    {"userDomain": "E.DM.1209906967672817.3", "phone": "4155550123", "internationalCode": "1"},
]


@pytest.fixture(scope="module")
def log_problems() -> Iterator[LogProblems]:
    with LogProblems() as problems:
        yield problems


@pytest.fixture(scope="module")
def served(tmp_path_factory, log_problems) -> Iterator[BackgroundServer]:
    fixtures = write_world(DEFAULT_FIXTURES, tmp_path_factory.mktemp("robust"), JOURNAL_SIZE)
    server = serve_in_background(create_app(MockConfig(fixtures_dir=fixtures)))
    yield server
    server.stop()


def test_http_answers_every_raw_query_with_the_envelope(served, log_problems):
    address = urlsplit(served.url)

    def send(case: Case) -> str:
        answer = send_raw(address.hostname, address.port, case)
        return outcome(case, answer, over_http=True)

    tally = run_cases(HTTP_EXAMPLES, send)
    print(summary("raw queries over HTTP", tally))
    assert tally.total() >= HTTP_EXAMPLES
    assert not any(kind.startswith("5") for kind in tally)
    assert log_problems.records == []


def test_test_client_answers_every_raw_query_with_the_envelope(tmp_path_factory, log_problems):
    fixtures = write_world(DEFAULT_FIXTURES, tmp_path_factory.mktemp("robust-client"), 500)
    client = create_app(MockConfig(fixtures_dir=fixtures)).test_client()

    def send(case: Case) -> str:
        return outcome(case, send_test_client(client, case), over_http=False)

    tally = run_cases(CLIENT_EXAMPLES, send)
    print(summary("raw queries through the test client", tally))
    assert tally.total() >= CLIENT_EXAMPLES
    assert any(kind.startswith("200") for kind in tally)
    assert log_problems.records == []


def _post(url: str, path: str, body: dict[str, str]) -> dict:
    request = urllib.request.Request(
        f"{url}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _reset(url: str, account: dict[str, str], code: str, password: str) -> int:
    random = f"r-{password}"
    query = {**account, "code": code, "pwd": crypto.encrypt(password, random), "random": random}
    request = urllib.request.Request(f"{url}{RESET_PATH}?{urlencode(query)}", method="PUT")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        return json.load(response)["code"]


Sent = tuple[int, str, str, int]
"""One reset sent by a client: the account's index, the code, the password, the business code."""


def one_round(url: str, round_number: int, codes: list[str], stale: list[str]) -> list[Sent]:
    """Let 32 clients reset every account at once: two in three with the valid code, the
    others with a stale one (the code of the round before, already used)."""
    sent: list[Sent] = []
    barrier = threading.Barrier(CLIENTS)
    lock = threading.Lock()

    def client(number: int) -> None:
        barrier.wait(timeout=30)
        for index, account in enumerate(ACCOUNTS):
            code = codes[index] if number % 3 else stale[index]
            password = f"P{round_number}-{number}-{index}"
            answer = _reset(url, account, code, password)
            with lock:
                sent.append((index, code, password, answer))

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sent


def test_concurrent_resets_use_each_code_once_and_keep_a_sent_password(served, log_problems):
    url = served.url
    urllib.request.urlopen(urllib.request.Request(f"{url}/__admin/requests", method="DELETE"))
    total = 0
    last_winner: dict[int, str] = {}
    stale = ["000000"] * len(ACCOUNTS)
    for round_number in range(ROUNDS):
        codes = [_post(url, "/__admin/codes", account)["code"] for account in ACCOUNTS]
        sent = one_round(url, round_number, codes, stale)
        assert len(sent) == CLIENTS * len(ACCOUNTS)
        total += len(sent)
        assert {answer for *_, answer in sent} <= {200, 5037}
        for index in range(len(ACCOUNTS)):
            won = [
                (code, password)
                for i, code, password, answer in sent
                if i == index and answer == 200
            ]
            assert [code for code, _ in won] == [codes[index]], (round_number, ACCOUNTS[index], won)
            last_winner[index] = won[0][1]
        stale = codes
    for index, account in enumerate(ACCOUNTS):
        check = {**account, "password": last_winner[index]}
        assert _post(url, "/__admin/password-check", check)["matches"] is True
    with urllib.request.urlopen(f"{url}/__admin/requests", timeout=10) as response:
        counted = json.load(response)["count"]
    print(f"\n{CLIENTS} clients x {ROUNDS} rounds: {total} resets sent, journal counted {counted}")
    assert counted == total
    assert log_problems.records == []
