"""`st run openapi.yaml --url URL`, run from the repository root as a user runs it, passes on the
mock and fails on a faulty one through the suite's checks, which schemathesis.toml loads.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.faults import CONFORMING, serve_targets

REPO = Path(__file__).resolve().parents[1]
ST = Path(sys.executable).with_name("st")


@pytest.fixture(scope="module")
def targets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Serve the mock and every faulty target; return their base URLs by name."""
    server, urls = serve_targets(REPO / "fixtures", tmp_path_factory.mktemp("targets"))
    yield urls
    server.stop()


def st_run(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ST), "run", "openapi.yaml", "--url", url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_contract_st_run_passes_on_the_mock(targets: dict[str, str]) -> None:
    done = st_run(targets[CONFORMING])
    assert done.returncode == 0, done.stdout + done.stderr


def test_contract_st_run_fails_through_the_envelope_check(targets: dict[str, str]) -> None:
    done = st_run(targets["http-errors"])
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Custom check failed: `business_envelope`" in done.stdout
