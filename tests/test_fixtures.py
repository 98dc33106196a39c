"""The fixture loader: the default world loads, and every broken world file says file:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from mockserver.errors import FixtureError
from mockserver.fixtures import SCHEMA_PATH, load_world
from mockserver.world import World, email_key, phone_key

FIXTURES = Path(__file__).parent.parent / "fixtures"
CORPUS = Path(__file__).parent / "broken_fixtures"
BROKEN = sorted(case for case in CORPUS.iterdir() if case.is_dir())
NOW = 1000.0


@pytest.fixture(scope="module")
def world() -> World:
    return load_world(FIXTURES, now=NOW)


def write_world(directory: Path, text: str) -> Path:
    (directory / "world.yaml").write_text(text, encoding="utf-8")
    return directory


def test_load_world_counts_default_fixtures(world: World) -> None:
    assert len(world.domains) == 3
    assert len({id(user) for user in world.users.values()}) == 5
    assert len(world.codes) == 6
    assert world.settings.code_lifetime_seconds == 300
    assert world.settings.journal_size == 500


def test_load_world_disables_domain(world: World) -> None:
    assert not world.domains["U.DM.10351.1"].active
    assert world.domains["U.DM.10351.1"].name == "Retired pilot"
    assert world.domains["C.DM.5903.1"].active


def test_load_world_sets_code_states(world: World) -> None:
    valid = world.codes[phone_key("C.DM.5903.1", "86", "13800138000")]
    used = world.codes[phone_key("C.DM.5903.1", "86", "13900139000")]
    expired = world.codes[email_key("E.DM.1209906967672817.3", "carol@example.com")]
    assert (valid.value, valid.used, valid.expires_at) == ("606754", False, None)
    assert (used.value, used.used) == ("111111", True)
    assert expired.expires_at == NOW


def test_load_world_shares_user_between_phone_and_email(world: World) -> None:
    by_phone = world.users[phone_key("E.DM.1209906967672817.3", "1", "4155550123")]
    by_email = world.users[email_key("E.DM.1209906967672817.3", "CAROL@example.com")]
    assert by_phone is by_email
    assert by_phone.password == "carol#2024"


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "{}\n", "users: []\n"])
def test_load_world_accepts_empty_world(tmp_path: Path, text: str) -> None:
    world = load_world(write_world(tmp_path, text), now=NOW)
    assert (world.domains, world.users, world.codes) == ({}, {}, {})


def test_load_world_normalizes_international_code_and_expiry(tmp_path: Path) -> None:
    text = """\
userDomains:
  - id: E.DM.7.3
users:
  - userDomain: E.DM.7.3
    phone: "4155550123"
    internationalCode: "+1"
    password: "Passw0rd!"
codes:
  - userDomain: E.DM.7.3
    phone: "4155550123"
    internationalCode: "001"
    code: "123456"
    expiresInSeconds: 60
"""
    world = load_world(write_world(tmp_path, text), now=NOW)
    key = phone_key("E.DM.7.3", "1", "4155550123")
    assert world.users[key].international_code == "1"
    assert world.codes[key].expires_at == NOW + 60


def test_load_world_names_file_as_given(tmp_path: Path) -> None:
    write_world(tmp_path, "settings:\n  journalSize: 0\n")
    with pytest.raises(FixtureError) as caught:
        load_world(tmp_path, now=NOW)
    assert str(caught.value) == (
        f"{tmp_path / 'world.yaml'}:2: settings.journalSize: 0 is less than the minimum of 1"
    )


def test_load_world_reports_several_problems_at_once(tmp_path: Path) -> None:
    text = """\
settings:
  journalSize: 10
  journalSize: 20
userDomains:
  - id: C.DM.5903.1
    colour: blue
users:
  - userDomain: C.DM.5903.1
    phone: "12"
    password: "Passw0rd!"
"""
    with pytest.raises(FixtureError) as caught:
        load_world(write_world(tmp_path, text), now=NOW)
    assert [problem.line for problem in caught.value.problems] == [3, 6, 9]


@pytest.mark.parametrize("case", BROKEN, ids=lambda case: case.name)
def test_load_world_reports_broken_fixture(case: Path) -> None:
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    with pytest.raises(FixtureError) as caught:
        load_world(case, now=NOW)
    actual = [f"{Path(p.file).name}:{p.line}: {p.message}" for p in caught.value.problems]
    assert len(actual) == len(expected), "\n".join(actual)
    for want, got in zip(expected, actual, strict=True):
        location, fragment = want.split(": ", 1)
        assert got.startswith(f"{location}: ") and fragment in got, f"{want!r} vs {got!r}"


def test_broken_fixture_corpus_is_large() -> None:
    assert len(BROKEN) >= 30


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def test_schema_documents_every_property() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    definitions = schema["$defs"]
    undocumented = []

    def visit(node: object, where: str) -> None:
        if not isinstance(node, dict):
            return
        for name, prop in node.get("properties", {}).items():
            if "$ref" in prop:
                prop = definitions[prop["$ref"].removeprefix("#/$defs/")]
            if not {"title", "description"} <= prop.keys():
                undocumented.append(f"{where}.{name}")
        for key, child in node.items():
            visit(child, f"{where}.{key}")

    visit(schema, "$")
    assert undocumented == []


def test_default_fixture_modeline_points_at_schema() -> None:
    first = (FIXTURES / "world.yaml").read_text(encoding="utf-8").splitlines()[0]
    target = first.removeprefix("# yaml-language-server: $schema=")
    assert (FIXTURES / target).resolve() == SCHEMA_PATH.resolve()
