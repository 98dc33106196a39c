"""Benchmark the mock against a bare Flask app served the same way, and print one table.

    .venv/bin/python -m benchmarks.bench [--seconds 10] [--rounds 3] [--compare] [--soak [N]]

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
from collections import Counter
from dataclasses import dataclass, field
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
class Run:
    """One mix driven once: what the load generator saw and the server's CPU time per answer."""

    load: LoadResult
    cpu_us: float


@dataclass(kw_only=True)
class Row:
    """One line of the table: a server, an app and a mix, driven once per round."""

    server: str
    app: str
    mix: str
    runs: list[Run] = field(default_factory=list)
    peak_rss_mib: float = 0.0
    processes: int = 1
    cold_start_ms: float = 0.0
    ratios: list[float] = field(default_factory=list)


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


def drive_once(
    settings: Settings, server: RunningServer, requests: list[BenchRequest], seconds: float
) -> Run:
    """Drive `server` with one mix and return the load and the server's CPU time an answer."""
    cpu = server.cpu_seconds()
    load = settings.drive(server.url, requests, seconds)
    used = server.cpu_seconds() - cpu
    return Run(load=load, cpu_us=used / load.requests * 1e6 if load.requests else 0.0)


def finish(row: Row, server: RunningServer) -> None:
    """Note the server's peak memory and processes on its row; fail on a logged traceback."""
    row.peak_rss_mib = max(row.peak_rss_mib, server.peak_rss_mib())
    row.processes = server.processes()
    _check_log(server)


def _check_log(server: RunningServer) -> None:
    if "Traceback" in server.log_text():
        raise RuntimeError(f"{server.launch.server}/{server.launch.app} logged a traceback")


def measure(launch: Launch, mix: tuple[str, list[BenchRequest]], settings: Settings) -> Row:
    """Start `launch`, drive it once with `mix`, and stop it (for `--compare`)."""
    server = RunningServer(launch, pin=pinned(SERVER_CORE))
    row = Row(server=launch.server, app=launch.app, mix=mix[0])
    try:
        row.runs.append(drive_once(settings, server, mix[1], settings.seconds))
        finish(row, server)
    finally:
        server.stop()
    return row


def scenario_names(launch: Launch) -> list[str] | None:
    """Ask a running mock which scenarios answer at once; None when it has no scenarios."""
    server = RunningServer(launch, pin=[])
    try:
        return mixes.immediate_scenarios(server.url)
    finally:
        server.stop()


def rounds(
    settings: Settings, args: argparse.Namespace, named: list[tuple[str, list[BenchRequest]]]
) -> list[Row]:
    """Drive the bare app, then each mix of the mock, then successes, `args.rounds` times.

    On a shared machine the speed of the core drifts over minutes: each mix is compared with
    the bare app's run just before it, in the same round, and the table gives medians. The
    successes get a mock started afresh each round, as `make mock` starts it, so that every
    round measures the same thing (not a world restored by `POST /__admin/reset`).
    """
    mock, hello = default_launches(DEFAULT_FIXTURES)
    hello_row = Row(
        server="serve", app="hello", mix="hello", cold_start_ms=cold_start_ms(hello, args.cold)
    )
    mock_cold = cold_start_ms(mock, args.cold)
    mock_rows = [
        Row(server="serve", app="mock", mix=name, cold_start_ms=mock_cold) for name, _ in named
    ]
    success: Row | None = None
    servers = [
        RunningServer(hello, pin=pinned(SERVER_CORE)),
        RunningServer(mock, pin=pinned(SERVER_CORE)),
    ]
    with tempfile.TemporaryDirectory(prefix="bench-fixtures-") as directory:
        try:
            success_requests: list[BenchRequest] = []
            for _ in range(args.rounds):
                bare = drive_once(settings, servers[0], HELLO_MIX, settings.seconds)
                hello_row.runs.append(bare)
                for row, (_, requests) in zip(mock_rows, named, strict=True):
                    row.runs.append(drive_once(settings, servers[1], requests, settings.seconds))
                    row.ratios.append(row.runs[-1].load.per_second / bare.load.per_second)
                if success is None:
                    # Enough users to outlast a round at the error mix's pace, and then some:
                    # once they are used up, codes repeat and answer 5037.
                    pace = mock_rows[0].runs[0].load.per_second
                    users = args.users or max(1000, round(pace * args.success_seconds * 1.5))
                    fixtures = Path(directory)
                    mixes.write_bench_fixtures(DEFAULT_FIXTURES, fixtures, users)
                    success_requests = mixes.success_mix(users)
                    success = Row(
                        server="serve",
                        app="mock",
                        mix=f"success ({users} fresh codes)",
                        cold_start_ms=mock_cold,
                    )
                    success_launch = default_launches(fixtures)[0]
                fresh = RunningServer(success_launch, pin=pinned(SERVER_CORE))
                try:
                    run = drive_once(settings, fresh, success_requests, args.success_seconds)
                    success.runs.append(run)
                    success.ratios.append(run.load.per_second / bare.load.per_second)
                    finish(success, fresh)
                finally:
                    fresh.stop()
            for row, server in [(hello_row, servers[0]), *((r, servers[1]) for r in mock_rows)]:
                finish(row, server)
        finally:
            for server in servers:
                server.stop()
    return [hello_row, *mock_rows, *([success] if success else [])]


def with_ratios(rows: list[Row]) -> list[Row]:
    """Give rows measured apart (`--compare`) the ratio to the bare app on the same server."""
    hello = {row.server: median_rate(row) for row in rows if row.app == "hello"}
    for row in rows:
        if row.app == "mock" and not row.ratios and hello.get(row.server):
            row.ratios.append(median_rate(row) / hello[row.server])
    return rows


def median_rate(row: Row) -> float:
    """Return the row's median requests per second."""
    return statistics.median(run.load.per_second for run in row.runs)


def _spread(values: list[float], digits: int = 0) -> str:
    middle = f"{statistics.median(values):,.{digits}f}"
    if len(values) == 1:
        return middle
    return f"{middle} ({min(values):,.{digits}f}-{max(values):,.{digits}f})"


def table(rows: list[Row]) -> str:
    """Render the rows as a Markdown table: medians over the rounds, (min-max) beside them."""
    lines = [
        "| server | app | mix | req/s | p50 ms | p99 ms | CPU µs/answer | peak RSS MiB (procs) "
        "| cold start ms | x bare | answers |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        codes: Counter[str] = Counter()
        errors = 0
        for run in row.runs:
            codes.update(run.load.codes)
            errors += run.load.socket_errors
        answers = ", ".join(f"{code}: {count}" for code, count in sorted(codes.items()))
        answers += f"; socket errors: {errors}" if errors else ""
        lines.append(
            f"| {row.server} | {row.app} | {row.mix} "
            f"| {_spread([run.load.per_second for run in row.runs])} "
            f"| {statistics.median(run.load.p50_ms for run in row.runs):.2f} "
            f"| {_spread([run.load.p99_ms for run in row.runs], 2)} "
            f"| {statistics.median(run.cpu_us for run in row.runs):.0f} "
            f"| {row.peak_rss_mib:.1f} ({row.processes}) | {row.cold_start_ms:.0f} "
            f"| {_spread(row.ratios, 2) if row.ratios else ''} | {answers} |"
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
    parser.add_argument("--rounds", type=int, default=3, help="times each mix is driven")
    parser.add_argument(
        "--cold-starts", dest="cold", type=int, default=5, help="launches per median"
    )
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

    mock, _ = default_launches(DEFAULT_FIXTURES)
    named = [("errors (each business error)", mixes.error_mix())]
    names = scenario_names(mock)
    if names:
        named.append((f"scenarios ({len(names)}, by header)", mixes.scenario_mix(names)))
    else:
        notes.append("scenario mix skipped: this mock lists no scenarios at /__admin/scenarios")
    rows = rounds(settings, args, named)
    if any(set(run.load.codes) != {"200"} for run in rows[-1].runs):
        notes.append("the success mix ran out of fresh codes: give more --users")

    if args.compare:
        for launch in alternative_launches(args.threads):
            mix = ("hello", HELLO_MIX) if launch.app == "hello" else named[0]
            row = measure(launch, mix, settings)
            row.cold_start_ms = cold_start_ms(launch, args.cold)
            rows.append(row)

    print(table(with_ratios(rows)))
    for note in notes:
        print(f"note: {note}")
    if args.soak:
        print(soak(settings, args.soak), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
