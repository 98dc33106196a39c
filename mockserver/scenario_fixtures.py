"""Load the scenario catalog from `scenarios.yaml`, reporting every mistake with its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mockserver.checked_yaml import CheckedDocument, check_file
from mockserver.codes import Code
from mockserver.http_parsing import HEADER_NAME, HEADER_TEXT
from mockserver.scenarios import Catalog, Delay, Fault, Rule, Scenario
from mockserver.yaml_nodes import Document, JsonPath

SCHEMA_NAME = "scenarios.schema.json"
SCENARIOS_FILE = "scenarios.yaml"
DOCUMENTED_CODES = frozenset(int(code) for code in Code)


def load_catalog(directory: Path) -> Catalog:
    """Read `directory/scenarios.yaml` (no file: no scenarios), or raise FixtureError."""
    path = directory / SCENARIOS_FILE
    if not path.exists():
        return Catalog()
    builder = check_file(path, lambda document: _CatalogBuilder(file=str(path), document=document))
    return builder.catalog


class _CatalogBuilder(CheckedDocument):
    """Check a parsed scenario document and build the Catalog."""

    def __init__(self, *, file: str, document: Document) -> None:
        super().__init__(file=file, document=document, schema_name=SCHEMA_NAME)
        self.complete.update(scenarios=True)
        scenarios = {}
        for name, entry in (self.data.get("scenarios") or {}).items():
            path = ("scenarios", name)
            if self.clean(path) and () not in self.invalid:
                scenarios[name] = self.scenario(path, name, entry)
            else:
                self.complete["scenarios"] = False
        rules = []
        for path, entry in self.entries("rules"):
            if entry["scenario"] in scenarios:
                rules.append(Rule(when=entry["when"], scenario=entry["scenario"]))
            elif self.complete["scenarios"]:
                known = ", ".join(scenarios) or "none"
                self.report(
                    (*path, "scenario"), f"no scenario {entry['scenario']!r} (known: {known})"
                )
        self.catalog = Catalog(scenarios=scenarios, rules=tuple(rules))

    def scenario(self, path: JsonPath, name: str, entry: dict[str, Any]) -> Scenario:
        code = entry.get("code")
        if code is not None and code not in DOCUMENTED_CODES and "msg" not in entry:
            self.report((*path, "code"), f"{code} is not a code of the document: give its msg too")
        for header, value in entry.get("headers", {}).items():
            if not HEADER_NAME.fullmatch(header):
                self.report(
                    (*path, "headers", header),
                    f"{header!r} is not an HTTP header name: letters, digits and -, no spaces",
                    at_key=True,
                )
            elif not HEADER_TEXT.fullmatch(value):
                self.report(
                    (*path, "headers", header),
                    f"{value!r} cannot travel in an HTTP header: printable ASCII or Latin-1 "
                    "only, no line breaks (put other text in msg or data)",
                )
        return Scenario(
            name=name,
            description=entry.get("description", ""),
            code=code,
            msg=entry.get("msg"),
            ext_msg=entry.get("extMsg"),
            data=entry.get("data"),
            status=entry.get("status"),
            headers=entry.get("headers", {}),
            delay=self.delay((*path, "delay"), entry.get("delay")),
            fault=Fault(entry["fault"]) if "fault" in entry else None,
        )

    def delay(self, path: JsonPath, value: int | dict[str, int] | None) -> Delay | None:
        if value is None:
            return None
        if isinstance(value, int):
            return Delay(low=value, high=value)
        if value["min"] > value["max"]:
            self.report(path, f"min {value['min']} is more than max {value['max']}")
        return Delay(low=value["min"], high=max(value["min"], value["max"]))
