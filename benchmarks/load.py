"""Load generators: wrk with `mix.lua` where installed, else a plain Python one (slower).

Both send a list of requests in turn over `connections` keep-alive connections for a
duration, and report throughput, latency and the business codes answered.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.mixes import BenchRequest

LUA_SCRIPT = Path(__file__).with_name("mix.lua")
CODE_PATTERN = re.compile(rb'"code":(-?\d+)')


@dataclass(frozen=True, kw_only=True)
class LoadResult:
    """What one load run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    codes: dict[str, int]

    @property
    def per_second(self) -> float:
        """Return the answered requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str | None:
    """Return the path of wrk, or None when it is not installed."""
    return shutil.which("wrk")


def run_wrk(
    base_url: str,
    requests: list[BenchRequest],
    *,
    seconds: float,
    connections: int,
    pin: list[str],
) -> LoadResult:
    """Drive the server with wrk (one thread) and `mix.lua`; `pin` prefixes the command."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        for request in requests:
            fields = [
                request.target,
                *(f"{name}: {value}" for name, value in request.headers.items()),
            ]
            listing.write("\t".join(fields) + "\n")
    command = [
        *pin,
        wrk_path() or "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        base_url,
        "--",
        listing.name,
    ]
    try:
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=True
        ).stdout
    finally:
        Path(listing.name).unlink()
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    raw = json.loads(line.removeprefix("RESULT "))
    return LoadResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        socket_errors=raw["socket_errors"],
        codes=raw["codes"],
    )


def run_python(
    base_url: str,
    requests: list[BenchRequest],
    *,
    seconds: float,
    connections: int,
) -> LoadResult:
    """Drive the server from Python threads, one keep-alive connection each."""
    address = urlsplit(base_url)
    counter = itertools.count()
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    codes: Counter[str] = Counter()
    errors = itertools.count()
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        mine: list[float] = []
        seen: Counter[str] = Counter()
        while time.perf_counter() < deadline:
            request = requests[next(counter) % len(requests)]
            started = time.perf_counter()
            try:
                connection.request("PUT", request.target, headers=request.headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                next(errors)
                connection.close()
                continue
            mine.append(time.perf_counter() - started)
            match = CODE_PATTERN.search(body)
            seen[match.group(1).decode() if match else f"http-{response.status}"] += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            codes.update(seen)

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(fraction: float) -> float:
        return latencies[min(len(latencies) - 1, int(fraction * len(latencies)))] * 1000

    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(0.50) if latencies else 0.0,
        p99_ms=percentile(0.99) if latencies else 0.0,
        socket_errors=next(errors),
        codes=dict(codes),
    )
