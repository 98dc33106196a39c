"""The fuzz campaign of `make fuzz`: the robustness tests' cases, many more of them.

    .venv/bin/python -m benchmarks.fuzz [--http 10000] [--client 10000]

Over HTTP, the mock runs as `make mock` starts it (`python -m mockserver serve`, free port),
on the default world without scenarios; through Flask's test client, in this process. Prints
how many cases ran and how many of each kind of answer came back; exits 1 on any problem.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.servers import RunningServer, default_launches
from mockserver.app import create_app
from mockserver.context import MockConfig
from tests.fuzzing import (
    Case,
    LogProblems,
    outcome,
    run_cases,
    send_raw,
    send_test_client,
    summary,
    write_world,
)

DEFAULT_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
JOURNAL_SIZE = 500


def over_http(examples: int, fixtures: Path) -> tuple[str, list[str]]:
    """Run the campaign against a served mock; return its summary and the server's problems."""
    server = RunningServer(default_launches(fixtures)[0], pin=[])
    address = urlsplit(server.url)

    def send(case: Case) -> str:
        return outcome(case, send_raw(address.hostname, address.port, case), over_http=True)

    try:
        tally = run_cases(examples, send)
        log = server.log_text()
    finally:
        server.stop()
    problems = [line for line in log.splitlines() if "Traceback" in line or "ERROR" in line]
    return summary("raw queries over HTTP to `python -m mockserver serve`", tally), problems


def through_test_client(examples: int, fixtures: Path) -> tuple[str, list[str]]:
    """Run the campaign through the test client; return its summary and the logged problems."""
    client = create_app(MockConfig(fixtures_dir=fixtures)).test_client()

    def send(case: Case) -> str:
        return outcome(case, send_test_client(client, case), over_http=False)

    with LogProblems() as problems:
        tally = run_cases(examples, send)
    return summary("raw queries through Flask's test client", tally), problems.records


def main(argv: list[str] | None = None) -> int:
    """Run both campaigns and print their counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--http", type=int, default=10_000, help="cases over HTTP")
    parser.add_argument("--client", type=int, default=10_000, help="cases via the test client")
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory(prefix="fuzz-fixtures-") as directory:
        fixtures = write_world(DEFAULT_FIXTURES, Path(directory), JOURNAL_SIZE)
        for campaign, examples in ((over_http, args.http), (through_test_client, args.client)):
            if not examples:
                continue
            started = time.perf_counter()
            try:
                text, problems = campaign(examples, fixtures)
            except AssertionError as error:
                print(f"FAILED: {error}", flush=True)
                failed = True
                continue
            print(f"{text}\n  in {time.perf_counter() - started:.0f} s", flush=True)
            print(f"  tracebacks or errors logged: {len(problems)}", flush=True)
            for problem in problems[:20]:
                print(f"    {problem}")
            failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
