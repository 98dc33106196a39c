"""The README's curl lines give the business codes their comments claim."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from .conftest import REPO

CURL = re.compile(r"curl -s -X PUT (?:-H '(?P<header>[^']+)' )?'(?P<url>[^']+)'")


def readme_examples() -> list[tuple[int, str, dict[str, str], str]]:
    examples = []
    comment = None
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and re.match(r"# \d{3,4}:", line):
            comment = line
        elif (match := CURL.fullmatch(line)) and comment:
            header = match["header"]
            headers = dict([header.split(": ", 1)]) if header else {}
            examples.append((int(comment[2:].split(":")[0]), match["url"], headers, comment))
            comment = None
    return examples


def test_readme_has_a_curl_line_for_every_business_code():
    from mockserver.codes import Code

    assert {code for code, *_ in readme_examples()} == {int(code) for code in Code}


@pytest.mark.parametrize(("expected", "url", "headers", "comment"), readme_examples())
def test_readme_curl_line_gives_the_code_it_claims(client, expected, url, headers, comment):
    parts = urlsplit(url)
    assert parts.netloc == "127.0.0.1:8080"
    response = client.put(f"{parts.path}?{parts.query}", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["code"] == expected, comment


def test_readme_names_only_scenarios_the_default_fixtures_have():
    from mockserver.scenario_fixtures import load_catalog

    text = (REPO / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r'X-Mock-Scenario"?: "?([a-z0-9-]+)', text))
    named |= set(re.findall(r'"name": "([a-z0-9-]+)"', text))
    for sequence in re.findall(r'"sequence": \[([^\]]+)\]', text):
        named |= set(re.findall(r'"([a-z0-9-]+)"', sequence))
    assert len(named) >= 5
    known = set(load_catalog(REPO / "fixtures").scenarios) | {"simulate"}
    assert named <= known, named - known
