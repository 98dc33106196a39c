"""The admin token: when set, the admin API and page need it; the endpoint never does."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mockserver.app import create_app
from mockserver.context import MockConfig

from .conftest import DEFAULT_FIXTURES, REPO

TOKEN = "s3cret-token"
PATH = "/v2/enduser/enduserapi/userPwdReset"


@pytest.fixture
def client(clock):
    config = MockConfig(fixtures_dir=DEFAULT_FIXTURES, clock=clock, admin_token=TOKEN)
    return create_app(config).test_client()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/__admin/health"),
        ("POST", "/__admin/reset"),
        ("GET", "/__admin/requests"),
        ("PUT", "/__admin/scenario"),
        ("GET", "/__admin/"),
    ],
)
def test_admin_without_the_token_is_401(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 401
    assert "token" in response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({"Authorization": f"Bearer {TOKEN}"}, ""),
        ({"X-Mock-Admin-Token": TOKEN}, ""),
        ({}, f"?token={TOKEN}"),
    ],
)
def test_admin_with_the_token_is_served(client, headers, query):
    assert client.get(f"/__admin/health{query}", headers=headers).status_code == 200
    assert client.get(f"/__admin/{query}", headers=headers).status_code == 200


def test_admin_with_a_wrong_token_is_401(client):
    response = client.get("/__admin/health", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


def test_the_endpoint_needs_no_token(client):
    query = {"userDomain": "C.DM.5903.1", "phone": "13800138000", "code": "606754"}
    assert client.put(PATH, query_string=query).get_json()["code"] == 200


def test_admin_without_a_configured_token_is_open(clock):
    client = create_app(MockConfig(fixtures_dir=DEFAULT_FIXTURES, clock=clock)).test_client()
    assert client.get("/__admin/health").status_code == 200


def test_serve_beyond_loopback_without_a_token_is_refused():
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: binding 0.0.0.0")
    assert "--admin-token" in result.stderr
