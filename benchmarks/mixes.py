"""The request mixes the benchmark sends, and the generated world that successful resets need.

A request is a path with its query and the headers to send. Every mix goes through the full
job: query parsing, validation, decryption of `pwd`, the state behind its lock and the journal.
"""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import yaml

from mockserver import crypto
from mockserver.endpoint import RESET_PATH

RANDOM = "r4nd0m"
BENCH_DOMAIN = "B.DM.4242.1"
SCENARIO_HEADER = "X-Mock-Scenario"


@dataclass(frozen=True, kw_only=True)
class BenchRequest:
    """One PUT to the endpoint: its query and its extra headers."""

    query: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """Return the path and query, percent-encoded as a client sends them."""
        return f"{RESET_PATH}?{urlencode(self.query)}"


def _with_pwd(query: dict[str, str], password: str = "N3w-Passw0rd") -> dict[str, str]:
    return {**query, "pwd": crypto.encrypt(password, RANDOM), "random": RANDOM}


ALICE = {"userDomain": "C.DM.5903.1", "phone": "13800138000"}


def error_mix() -> list[BenchRequest]:
    """Return one request per business error of the default fixtures, each with a `pwd`."""
    queries = [
        _with_pwd({**ALICE, "phone": "13600136000", "code": "606754"}),  # 5004
        _with_pwd({**ALICE, "userDomain": "C-DM-5903", "code": "606754"}),  # 5013
        _with_pwd({**ALICE, "userDomain": "C.DM.4040.1", "code": "606754"}),  # 5015
        _with_pwd({**ALICE, "phone": "12345", "code": "606754"}),  # 5019
        _with_pwd({"phone": "13800138000", "code": "606754"}),  # 5023
        _with_pwd(
            {"userDomain": "C.DM.5903.1", "email": "nobody@example.com", "code": "1"}
        ),  # 5031
        _with_pwd({**ALICE, "code": "000000"}),  # 5037 wrong code
        _with_pwd({"userDomain": "C.DM.5903.1", "phone": "13900139000", "code": "111111"}),  # used
        _with_pwd({"userDomain": "C.DM.5903.1", "code": "606754"}),  # 5044
        _with_pwd({**ALICE, "code": "606754"}, password="short"),  # 5056 too short
        {**ALICE, "code": "606754", "pwd": "hc5kV1WfhAvpOGEYijE3pg=="},  # 5056 without random
        _with_pwd(ALICE),  # 5064
        _with_pwd({"userDomain": "U.DM.10351.1", "phone": "13700137000", "code": "112233"}),  # 5104
    ]
    return [BenchRequest(query=query) for query in queries]


def bench_phone(index: int) -> str:
    """Return the mainland mobile number of the generated user `index`."""
    return f"13{index:09d}"


def success_mix(users: int) -> list[BenchRequest]:
    """Return one successful reset per generated user, each with its own code and `random`."""
    requests = []
    for index in range(users):
        random = f"bench-{index}"
        query = {
            "userDomain": BENCH_DOMAIN,
            "phone": bench_phone(index),
            "code": f"{index % 1_000_000:06d}",
            "pwd": crypto.encrypt(f"Bench-{index:07d}", random),
            "random": random,
        }
        requests.append(BenchRequest(query=query))
    return requests


def write_bench_fixtures(source: Path, target: Path, users: int) -> None:
    """Copy the fixtures to `target`, adding a domain of `users` users with a fresh code each."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    world = yaml.safe_load((source / "world.yaml").read_text(encoding="utf-8"))
    world["userDomains"].append({"id": BENCH_DOMAIN, "name": "benchmark users"})
    for index in range(users):
        account = {"userDomain": BENCH_DOMAIN, "phone": bench_phone(index)}
        world["users"].append({**account, "password": "Bench-0ld"})
        world["codes"].append({**account, "code": f"{index % 1_000_000:06d}"})
    (target / "world.yaml").write_text(yaml.safe_dump(world, sort_keys=False), encoding="utf-8")


def immediate_scenarios(base_url: str) -> list[str] | None:
    """Name the scenarios that answer at once with a business code; None if there are none."""
    try:
        with urllib.request.urlopen(f"{base_url}/__admin/scenarios", timeout=5) as response:
            listed = json.load(response)["scenarios"]
    except (urllib.error.URLError, KeyError, ValueError):
        return None
    names = [
        scenario["name"]
        for scenario in listed
        if scenario.get("code") is not None
        and not scenario.get("fault")
        and not scenario.get("delayMs")
    ]
    return names or None


def scenario_mix(names: list[str]) -> list[BenchRequest]:
    """Return requests forced to each scenario by header, on an otherwise valid-looking query."""
    query = _with_pwd({**ALICE, "code": "000000"})
    return [BenchRequest(query=query, headers={SCENARIO_HEADER: name}) for name in names]


SESSION_HEADER = "X-Mock-Session"


def session_mix(sessions: int) -> list[BenchRequest]:
    """Return one wrong-code reset in each of `sessions` sessions (more than the mock keeps)."""
    query = _with_pwd({**ALICE, "code": "000000"})
    return [
        BenchRequest(query=query, headers={SESSION_HEADER: f"bench-{index}"})
        for index in range(sessions)
    ]
