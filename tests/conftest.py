"""Shared fixtures: a mock built from the default fixtures, with a clock the tests move."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.app import create_app
from mockserver.context import MockConfig

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FIXTURES = REPO / "fixtures"


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(clock: FakeClock) -> Flask:
    return create_app(MockConfig(fixtures_dir=DEFAULT_FIXTURES, clock=clock))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
