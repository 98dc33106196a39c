"""Start a server under test as a child process, time its cold start, read its memory, stop it.

Each server runs one app: the mock (started exactly as `make mock` does, or through another
WSGI server's own command line) or the bare Flask app of `benchmarks.hello_app`.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from mockserver.endpoint import RESET_PATH

REPO = Path(__file__).resolve().parents[1]
URL_PATTERN = re.compile(r"http://127\.0\.0\.1:[0-9]+")
START_TIMEOUT_SECONDS = 120.0
MiB = 1024 * 1024


def pinned(core: int) -> list[str]:
    """Return the command prefix that pins a process to `core`, or nothing without taskset."""
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", str(core)]
    return []


def free_port() -> int:
    """Return a loopback port that was free a moment ago (for servers that cannot take 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True, kw_only=True)
class Launch:
    """How to start one app on one server: a command line where `{port}` stands for the port.

    Servers that print their URL get port 0 and pick a free one; others get a free port.
    """

    server: str
    app: str
    template: str
    prints_url: bool = False

    def command(self, port: int) -> list[str]:
        """Return the command line for `port`."""
        return self.template.format(port=port).split()


def default_launches(fixtures: Path) -> list[Launch]:
    """Return the mock as `make mock` starts it, and the bare app served the same way."""
    python = sys.executable
    return [
        Launch(
            server="serve",
            app="mock",
            template=f"{python} -m mockserver serve --port {{port}} --fixtures {fixtures}",
            prints_url=True,
        ),
        Launch(
            server="serve",
            app="hello",
            template=f"{python} -m benchmarks.hello_app --port {{port}}",
            prints_url=True,
        ),
    ]


TARGETS = {"mock": "mockserver.app:create_app", "hello": "benchmarks.hello_app:app"}


def alternative_launches(threads: int) -> list[Launch]:
    """Return the mock and the bare app on each WSGI server installed beside this Python."""
    found = {
        name: Path(sys.executable).with_name(name)
        for name in ("waitress-serve", "gunicorn", "granian")
    }
    launches = []
    for app, target in TARGETS.items():
        factory = app == "mock"
        call_flag, factory_flag = ("--call ", "--factory ") if factory else ("", "")
        servers = {
            f"waitress ({threads} threads)": f"{found['waitress-serve']} "
            f"--listen=127.0.0.1:{{port}} --threads={threads} {call_flag}{target}",
            f"granian ({threads} threads)": f"{found['granian']} --interface wsgi --port {{port}} "
            f"--blocking-threads {threads} --log-level warning {factory_flag}{target}",
        }
        gunicorn = f"{found['gunicorn']} -w 1 -b 127.0.0.1:{{port}} --log-level warning"
        app_call = f"{target}{'()' if factory else ''}"
        servers["gunicorn sync (1 worker)"] = f"{gunicorn} -k sync --threads 1 {app_call}"
        servers[f"gunicorn gthread ({threads} threads)"] = (
            f"{gunicorn} -k gthread --threads {threads} {app_call}"
        )
        launches += [
            Launch(server=server, app=app, template=template)
            for server, template in servers.items()
            if Path(template.split()[0]).exists()
        ]
    return launches


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for child in _children(pid):
        pids.extend(_tree(child))
    return pids


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _environment() -> dict[str, str]:
    """Return this environment for a server, where Python may cache bytecode as it does
    by default (some sandboxes set PYTHONDONTWRITEBYTECODE, which makes every start compile)."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**environment, "PYTHONPATH": str(REPO)}


class RunningServer:
    """A server child process: its URL, cold start, memory, and a way to stop it."""

    def __init__(self, launch: Launch, *, pin: list[str], cwd: Path = REPO) -> None:
        self.launch = launch
        port = 0 if launch.prints_url else free_port()
        self._log = tempfile.NamedTemporaryFile("w+", suffix=".log")  # noqa: SIM115
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [*pin, *launch.command(port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=_environment(),
        )
        self.url = self._banner_url() if launch.prints_url else f"http://127.0.0.1:{port}"
        self._wait_for_answer()
        self.cold_start_seconds = time.perf_counter() - started

    def _banner_url(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            found = URL_PATTERN.search(self.log_text())
            if found:
                return found.group(0)
            self._check_alive()
            time.sleep(0.002)
        raise RuntimeError(f"{self.launch.server}/{self.launch.app} printed no banner")

    def _check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(
                f"{self.launch.server}/{self.launch.app} exited: {self.log_text()[-2000:]}"
            )

    def _wait_for_answer(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        probe = urllib.request.Request(f"{self.url}{RESET_PATH}", method="PUT")
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(probe, timeout=5) as response:
                    response.read()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                self._check_alive()
                time.sleep(0.002)
        raise RuntimeError(f"{self.launch.server}/{self.launch.app} never answered")

    def peak_rss_mib(self) -> float:
        """Return the peak resident memory, summed over the server's processes."""
        return sum(_status_kib(pid, "VmHWM") for pid in _tree(self.process.pid)) / 1024

    def rss_mib(self) -> float:
        """Return the resident memory now, summed over the server's processes."""
        return sum(_status_kib(pid, "VmRSS") for pid in _tree(self.process.pid)) / 1024

    def cpu_seconds(self) -> float:
        """Return the CPU time (user and system) the server's processes have used so far."""
        return sum(_cpu_seconds(pid) for pid in _tree(self.process.pid))

    def processes(self) -> int:
        """Return how many processes the server runs."""
        return len(_tree(self.process.pid))

    def log_text(self) -> str:
        """Return what the server printed so far."""
        return Path(self._log.name).read_text(errors="replace")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and drop its log."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()
