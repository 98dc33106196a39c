"""The scenario file: the default loads, and each mistake is reported at its line."""

from __future__ import annotations

import json
import re
import textwrap

import pytest
from jsonschema import Draft202012Validator

from mockserver.errors import FixtureError
from mockserver.scenario_fixtures import load_catalog
from mockserver.scenarios import Delay, Fault

from .conftest import DEFAULT_FIXTURES, REPO

SCHEMA = REPO / "mockserver" / "schemas" / "scenarios.schema.json"


def test_default_scenarios_load_with_their_rules():
    catalog = load_catalog(DEFAULT_FIXTURES)
    assert catalog.scenarios["jittery-success"].delay == Delay(low=200, high=1500)
    assert catalog.scenarios["bad-gateway"].fault is Fault.BAD_GATEWAY
    assert catalog.by_rule({"phone": "13500135000", "code": "1"}).name == "sms-code-rejected"
    assert catalog.by_rule({"phone": "13800138000"}) is None


def test_no_scenario_file_means_no_scenarios(tmp_path):
    assert load_catalog(tmp_path).scenarios == {}


def test_scenario_schema_is_valid_and_wired_for_editors():
    Draft202012Validator.check_schema(json.loads(SCHEMA.read_text(encoding="utf-8")))
    first_line = (DEFAULT_FIXTURES / "scenarios.yaml").read_text(encoding="utf-8").splitlines()[0]
    target = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first_line).group(1)
    assert (DEFAULT_FIXTURES / target).resolve() == SCHEMA.resolve()


BROKEN = [
    ("scenarios:\n  ok:\n    code: 200\n    colour: red\n", 4, "scenarios.ok.colour: unknown key"),
    (
        "scenarios:\n  ok:\n    description: nothing to answer\n",
        3,
        "scenarios.ok: give code or fault",
    ),
    ('scenarios:\n  ok:\n    code: "200"\n', 3, "expected a whole number"),
    ("scenarios:\n  ok:\n    fault: explode\n", 3, "'explode' is not one of"),
    ("scenarios:\n  ok:\n    code: 9999\n", 3, "9999 is not a code of the document: give its msg"),
    ("scenarios:\n  ok:\n    code: 200\n    delay: -5\n", 4, "less than the minimum"),
    (
        "scenarios:\n  ok:\n    code: 200\n    delay: {min: 900, max: 100}\n",
        4,
        "min 900 is more than max 100",
    ),
    ("scenarios:\n  ok:\n    code: 200\n    delay: {min: 1}\n", 4, "missing required key 'max'"),
    ("scenarios:\n  Bad Name:\n    code: 200\n", 2, "'Bad Name' does not match"),
    ("scenarios:\n  simulate:\n    code: 200\n", 2, "'simulate' is reserved"),
    (
        'scenarios:\n  ok:\n    code: 200\nrules:\n  - when: {phone: "1"}\n    scenario: nope\n',
        6,
        "rules[0].scenario: no scenario 'nope' (known: ok)",
    ),
    (
        'scenarios:\n  ok:\n    code: 200\nrules:\n  - when: {phnoe: "1"}\n    scenario: ok\n',
        5,
        "'phnoe' is not one of",
    ),
    (
        "scenarios:\n  ok:\n    code: 200\nrules:\n  - when: {}\n    scenario: ok\n",
        5,
        "should be non-empty",
    ),
    (
        "scenarios:\n  ok:\n    code: 200\n    headers:\n      X-Note: 稍后再试\n",
        5,
        "scenarios.ok.headers.X-Note: '稍后再试' cannot travel in an HTTP header",
    ),
    (
        "scenarios:\n  ok:\n    code: 200\n    headers:\n      Retry After: '5'\n",
        5,
        "'Retry After' is not an HTTP header name",
    ),
    ("scenarios:\n  ok:\n    code: 200\n  ok:\n    code: 5037\n", 4, "duplicate key"),
    ("scenarios:\n  ok:\n    code: 200\n   bad: 1\n", 4, "YAML syntax"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), BROKEN)
def test_broken_scenario_file_is_reported_at_its_line(tmp_path, text, line, fragment):
    (tmp_path / "scenarios.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(FixtureError) as error:
        load_catalog(tmp_path)
    messages = [str(problem) for problem in error.value.problems]
    prefix = f"{tmp_path / 'scenarios.yaml'}:{line}: "
    assert any(m.startswith(prefix) and fragment in m for m in messages), messages
