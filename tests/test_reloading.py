"""Hot reload: good edits take effect, broken edits keep the last good fixtures serving."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from mockserver.app import create_app
from mockserver.context import MockConfig

from .conftest import DEFAULT_FIXTURES

PATH = "/v2/enduser/enduserapi/userPwdReset"
ALICE = {"userDomain": "C.DM.5903.1", "phone": "13800138000", "code": "606754"}
NEW_SCENARIO = "\n  brand-new:\n    description: added while running\n    code: 5015\n"


@pytest.fixture
def fixtures_dir(tmp_path):
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_FIXTURES, target)
    return target


@pytest.fixture
def app(fixtures_dir, clock):
    return create_app(MockConfig(fixtures_dir=fixtures_dir, clock=clock))


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def reload(app):
    return app.extensions["mock"].reloader.check()


def test_reload_serves_a_new_scenario(app, fixtures_dir):
    client = app.test_client()
    edit(fixtures_dir / "scenarios.yaml", "\nrules:", NEW_SCENARIO + "\nrules:")
    assert reload(app)
    response = client.put(PATH, query_string=ALICE, headers={"X-Mock-Scenario": "brand-new"})
    assert response.get_json()["code"] == 5015


def test_reload_of_scenarios_alone_keeps_the_simulated_state(app, fixtures_dir):
    client = app.test_client()
    assert client.put(PATH, query_string=ALICE).get_json()["code"] == 200
    edit(fixtures_dir / "scenarios.yaml", "\nrules:", NEW_SCENARIO + "\nrules:")
    assert reload(app)
    assert client.put(PATH, query_string=ALICE).get_json()["code"] == 5037


def test_reload_of_the_world_rebuilds_every_session(app, fixtures_dir):
    client = app.test_client()
    assert client.put(PATH, query_string=ALICE, headers={"X-Mock-Session": "s"}).status_code == 200
    edit(fixtures_dir / "world.yaml", '    code: "606754"', '    code: "777777"')
    assert reload(app)
    for headers in ({}, {"X-Mock-Session": "s"}):
        fresh = {**ALICE, "code": "777777"}
        assert client.put(PATH, query_string=fresh, headers=headers).get_json()["code"] == 200


def test_a_broken_edit_keeps_the_last_good_fixtures_and_says_where(app, fixtures_dir, caplog):
    client = app.test_client()
    edit(fixtures_dir / "world.yaml", '    password: "bobs-secret"', '    pasword: "bobs-secret"')
    assert not reload(app)
    assert f"{fixtures_dir / 'world.yaml'}:" in caplog.text and "pasword" in caplog.text
    errors = client.get("/__admin/health").get_json()["errors"]
    assert any(
        f"{fixtures_dir / 'world.yaml'}:" in error and "pasword" in error for error in errors
    )
    assert client.put(PATH, query_string=ALICE).get_json()["code"] == 200
    edit(fixtures_dir / "world.yaml", '    pasword: "bobs-secret"', '    password: "bobs-secret"')
    assert reload(app)
    assert client.get("/__admin/health").get_json()["errors"] == []


def test_a_broken_scenario_file_keeps_the_old_scenarios(app, fixtures_dir):
    client = app.test_client()
    edit(fixtures_dir / "scenarios.yaml", "    code: 5037", "    code: 5037\n    colour: red")
    assert not reload(app)
    errors = client.get("/__admin/health").get_json()["errors"]
    assert any("scenarios.yaml:" in error and "colour" in error for error in errors)
    response = client.put(
        PATH, query_string=ALICE, headers={"X-Mock-Scenario": "sms-code-rejected"}
    )
    assert response.get_json()["code"] == 5037


def test_nothing_changed_means_nothing_reloaded(app):
    assert not reload(app)


def test_the_watcher_thread_picks_up_an_edit_by_itself(fixtures_dir, clock):
    app = create_app(MockConfig(fixtures_dir=fixtures_dir, clock=clock, watch=True))
    client = app.test_client()
    try:
        edit(fixtures_dir / "scenarios.yaml", "\nrules:", NEW_SCENARIO + "\nrules:")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            response = client.put(PATH, headers={"X-Mock-Scenario": "brand-new"})
            if response.status_code == 200:
                break
            time.sleep(0.05)
        assert response.get_json()["code"] == 5015
    finally:
        app.extensions["mock"].reloader.stop()


BROKEN_CORPUS = sorted(
    case for case in (Path(__file__).parent / "broken_fixtures").iterdir() if case.is_dir()
)


@pytest.mark.parametrize("case", BROKEN_CORPUS, ids=lambda case: case.name)
def test_a_broken_world_from_the_corpus_never_loses_the_running_state(app, fixtures_dir, case):
    client = app.test_client()
    assert client.put(PATH, query_string=ALICE).get_json()["code"] == 200
    broken = case / "world.yaml"
    target = fixtures_dir / "world.yaml"
    if broken.exists():
        target.write_bytes(broken.read_bytes())
    else:
        target.unlink()
    assert not reload(app)
    errors = client.get("/__admin/health").get_json()["errors"]
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert len(errors) == len(expected)
    assert all(error.startswith(str(target) + ":") for error in errors), errors
    assert client.put(PATH, query_string=ALICE).get_json()["code"] == 5037
    check = {"userDomain": "C.DM.5903.1", "phone": "13800138000", "password": "12345678"}
    assert client.post("/__admin/password-check", json=check).get_json()["matches"]
