"""Benchmark the mock against a bare Flask app served the same way, and print one table.

    .venv/bin/python -m benchmarks.bench [--seconds 10] [--compare] [--soak [N]]

The mock starts exactly as `make mock` starts it (`python -m mockserver serve`, on a free
port). With taskset and two cores the server runs on core 0 and the load generator on core 1.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks import mixes
from benchmarks.load import LoadResult, run_python, run_wrk, wrk_path
from benchmarks.mixes import BenchRequest
from benchmarks.servers import (
    REPO,
    Launch,
    RunningServer,
    alternative_launches,
    default_launches,
    pinned,
)

DEFAULT_FIXTURES = REPO / "fixtures"
SOAK_REQUESTS = 500_000
SOAK_ROUND_SECONDS = 20
SOAK_MAX_ROUNDS = 200
SERVER_CORE, LOAD_CORE = 0, 1


@dataclass(frozen=True, kw_only=True)
class Row:
    """One line of the table."""

    server: str
    app: str
    mix: str
    load: LoadResult
    peak_rss_mib: float
    processes: int
    cold_start_ms: float
    ratio: float | None = None


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How hard and how long to drive each server."""

    seconds: float
    connections: int
    python_load: bool

    def drive(
        self, url: str, requests: list[BenchRequest], seconds: float | None = None
    ) -> LoadResult:
        """Send `requests` to `url` in turn for `seconds` with the chosen load generator."""
        seconds = seconds or self.seconds
        if self.python_load:
            return run_python(url, requests, seconds=seconds, connections=self.connections)
        return run_wrk(
            url, requests, seconds=seconds, connections=self.connections, pin=pinned(LOAD_CORE)
        )


HELLO_MIX = [BenchRequest(query={"userDomain": "C.DM.5903.1", "phone": "13800138000"})]


def cold_start_ms(launch: Launch, launches: int) -> float:
    """Return the median time from process launch to the first answer, in milliseconds.

    One launch before them is not counted: it leaves the bytecode cached, as after a first run.
    """
    RunningServer(launch, pin=pinned(SERVER_CORE)).stop()
    times = []
    for _ in range(launches):
        server = RunningServer(launch, pin=pinned(SERVER_CORE))
        times.append(server.cold_start_seconds * 1000)
        server.stop()
    return statistics.median(times)


def measure(
    launch: Launch,
    named_mixes: list[tuple[str, list[BenchRequest]]],
    settings: Settings,
    cold: float,
) -> list[Row]:
    """Start `launch` once and drive it with each mix in turn (peak RSS: at the end of each)."""
    server = RunningServer(launch, pin=pinned(SERVER_CORE))
    rows = []
    try:
        for name, requests in named_mixes:
            rows.append(
                Row(
                    server=launch.server,
                    app=launch.app,
                    mix=name,
                    load=settings.drive(server.url, requests),
                    peak_rss_mib=server.peak_rss_mib(),
                    processes=server.processes(),
                    cold_start_ms=cold,
                )
            )
        _check_log(server)
    finally:
        server.stop()
    return rows


def _check_log(server: RunningServer) -> None:
    if "Traceback" in server.log_text():
        raise RuntimeError(f"{server.launch.server}/{server.launch.app} logged a traceback")


def scenario_names(launch: Launch) -> list[str] | None:
    """Ask a running mock which scenarios answer at once; None when it has no scenarios."""
    server = RunningServer(launch, pin=[])
    try:
        return mixes.immediate_scenarios(server.url)
    finally:
        server.stop()


def success_row(settings: Settings, users: int, seconds: float, cold: float) -> Row:
    """Measure successful resets, each with its own fresh code, in a generated world.

    The list of users must outlast the run: once it is used up, codes repeat and answer 5037.
    """
    with tempfile.TemporaryDirectory(prefix="bench-fixtures-") as directory:
        fixtures = Path(directory)
        mixes.write_bench_fixtures(DEFAULT_FIXTURES, fixtures, users)
        launch = default_launches(fixtures)[0]
        server = RunningServer(launch, pin=pinned(SERVER_CORE))
        try:
            load = settings.drive(server.url, mixes.success_mix(users), seconds)
            _check_log(server)
            return Row(
                server=launch.server,
                app=launch.app,
                mix=f"success ({users} fresh codes)",
                load=load,
                peak_rss_mib=server.peak_rss_mib(),
                processes=server.processes(),
                cold_start_ms=cold,
            )
        finally:
            server.stop()


def with_ratios(rows: list[Row]) -> list[Row]:
    """Set each mock row's ratio to the bare app's throughput on the same server."""
    hello = {row.server: row.load.per_second for row in rows if row.app == "hello"}
    return [
        replace(row, ratio=row.load.per_second / hello[row.server])
        if row.app == "mock" and hello.get(row.server)
        else row
        for row in rows
    ]


def table(rows: list[Row]) -> str:
    """Render the rows as a Markdown table."""
    lines = [
        "| server | app | mix | req/s | p50 ms | p99 ms | peak RSS MiB (procs) "
        "| cold start ms | x bare | answers |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        codes = ", ".join(f"{code}: {count}" for code, count in sorted(row.load.codes.items()))
        errors = f"; socket errors: {row.load.socket_errors}" if row.load.socket_errors else ""
        lines.append(
            f"| {row.server} | {row.app} | {row.mix} | {row.load.per_second:,.0f} "
            f"| {row.load.p50_ms:.2f} | {row.load.p99_ms:.2f} "
            f"| {row.peak_rss_mib:.1f} ({row.processes}) | {row.cold_start_ms:.0f} "
            f"| {'' if row.ratio is None else f'{row.ratio:.2f}'} | {codes}{errors} |"
        )
    return "\n".join(lines)


def soak(settings: Settings, total: int) -> str:
    """Drive the mock with every mix until `total` answers; report its memory along the way."""
    launch = default_launches(DEFAULT_FIXTURES)[0]
    names = scenario_names(launch) or []
    # About one request in ten names one of 300 sessions: more than the mock keeps at once.
    requests = (mixes.error_mix() + mixes.scenario_mix(names)) * 100 + mixes.session_mix(300)
    server = RunningServer(launch, pin=pinned(SERVER_CORE))
    answered, seconds, worst_p99, errors, samples = 0, 0.0, 0.0, 0, []
    try:
        for _ in range(SOAK_MAX_ROUNDS):
            load = settings.drive(server.url, requests, SOAK_ROUND_SECONDS)
            answered += load.requests
            seconds += load.seconds
            worst_p99 = max(worst_p99, load.p99_ms)
            errors += load.socket_errors
            samples.append(f"{answered:,}: {server.rss_mib():.1f}")
            if answered >= total:
                break
        _check_log(server)
        return (
            f"soak: {answered:,} requests in {seconds:.0f} s ({answered / seconds:,.0f}/s, worst "
            f"p99 {worst_p99:.2f} ms, socket errors {errors}); RSS MiB after N requests: "
            f"{'; '.join(samples)}; peak {server.peak_rss_mib():.1f} MiB"
        )
    finally:
        server.stop()


def describe_machine(settings: Settings) -> str:
    """Say what the figures were measured on and how."""
    pin = pinned(SERVER_CORE)
    generator = "Python threads" if settings.python_load else _wrk_version()
    load = os.getloadavg()[0]
    return (
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {load:.2f} at start; "
        + (
            f"server pinned to core {SERVER_CORE}, load to core {LOAD_CORE} (taskset)"
            if pin
            else "not pinned (no taskset or one core)"
        )
        + f"; load: {generator}, {settings.connections} connections, {settings.seconds:g} s a mix; "
        "cold start: median of launches after a first one (bytecode cached)"
    )


def _wrk_version() -> str:
    result = subprocess.run([wrk_path() or "wrk", "-v"], capture_output=True, text=True)
    return (result.stdout or result.stderr).split(" [")[0].strip() or "wrk"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="duration of each mix")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--users", type=int, default=0, help="users with a fresh code (default: enough)"
    )
    parser.add_argument("--success-seconds", type=float, default=5, help="success mix length")
    parser.add_argument("--cold-starts", type=int, default=5, help="launches per median")
    parser.add_argument("--compare", action="store_true", help="also run other WSGI servers")
    parser.add_argument("--threads", type=int, default=8, help="threads of the other servers")
    parser.add_argument(
        "--soak", type=int, nargs="?", const=SOAK_REQUESTS, help="memory after N requests"
    )
    parser.add_argument("--python-load", action="store_true", help="use Python even with wrk")
    args = parser.parse_args(argv)
    settings = Settings(
        seconds=args.seconds,
        connections=args.connections,
        python_load=args.python_load or wrk_path() is None,
    )
    if settings.python_load and pinned(LOAD_CORE):
        os.sched_setaffinity(0, {LOAD_CORE})  # the Python load runs in this process
    print(describe_machine(settings), flush=True)
    notes = []

    mock, hello = default_launches(DEFAULT_FIXTURES)
    mock_cold = cold_start_ms(mock, args.cold_starts)
    hello_cold = cold_start_ms(hello, args.cold_starts)
    named = [("errors (each business error)", mixes.error_mix())]
    names = scenario_names(mock)
    if names:
        named.append((f"scenarios ({len(names)}, by header)", mixes.scenario_mix(names)))
    else:
        notes.append("scenario mix skipped: this mock lists no scenarios at /__admin/scenarios")
    rows = measure(hello, [("hello", HELLO_MIX)], settings, hello_cold)
    rows += measure(mock, named, settings, mock_cold)
    # Enough users for the success mix to run its time at the error mix's pace, and then some.
    users = args.users or max(1000, round(rows[1].load.per_second * args.success_seconds * 1.5))
    rows += [success_row(settings, users, args.success_seconds, mock_cold)]

    if args.compare:
        for launch in alternative_launches(args.threads):
            mix = [("hello", HELLO_MIX)] if launch.app == "hello" else named[:1]
            rows += measure(launch, mix, settings, cold_start_ms(launch, args.cold_starts))

    print(table(with_ratios(rows)))
    for note in notes:
        print(f"note: {note}")
    if args.soak:
        print(soak(settings, args.soak), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
