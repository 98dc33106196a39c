"""Safe defaults: passwords never in plaintext outside the world, limits, safe YAML, loopback."""

from __future__ import annotations

import logging

import pytest

from mockserver import crypto
from mockserver.cli import is_loopback
from mockserver.errors import FixtureError
from mockserver.fixtures import load_world

PATH = "/v2/enduser/enduserapi/userPwdReset"
SECRET = "Pl41n-T3xt!"


def test_no_plaintext_password_in_logs_journal_or_headers(client, caplog):
    caplog.set_level(logging.DEBUG)
    pwd = crypto.encrypt(SECRET, "r")
    for code in ("000000", "606754", "606754"):
        query = {"userDomain": "C.DM.5903.1", "phone": "13800138000", "code": code}
        response = client.put(PATH, query_string={**query, "pwd": pwd, "random": "r"})
        assert SECRET not in str(response.headers)
        assert SECRET not in response.get_data(as_text=True)
    journal = client.get("/__admin/requests").get_data(as_text=True)
    assert SECRET not in journal and pwd not in journal
    assert SECRET not in caplog.text


def test_no_plaintext_password_in_fixture_errors(tmp_path):
    (tmp_path / "world.yaml").write_text(
        "userDomains:\n  - id: C.DM.1.1\nusers:\n  - userDomain: C.DM.1.1\n"
        '    phone: "13800138000"\n    password: "sh rt"\n',
        encoding="utf-8",
    )
    with pytest.raises(FixtureError) as error:
        load_world(tmp_path, now=0)
    assert "password" in str(error.value)
    assert "sh rt" not in str(error.value)


def test_yaml_tags_are_refused_never_run(tmp_path):
    (tmp_path / "world.yaml").write_text(
        "settings: !!python/object/apply:os.system ['touch pwned']\n", encoding="utf-8"
    )
    with pytest.raises(FixtureError):
        load_world(tmp_path, now=0)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_only_loopback_hosts_count_as_loopback(host, loopback):
    assert is_loopback(host) is loopback
