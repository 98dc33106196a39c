"""Check that openapi.yaml and admin.openapi.yaml are valid and agree with the mock's code."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import OpenAPIV30SpecValidator, validate

from mockserver.admin import JOURNAL_FILTERS
from mockserver.app import ADMIN_PREFIX, create_app
from mockserver.codes import MESSAGES, Code
from mockserver.context import ADMIN_TOKEN_HEADER, SESSION_COOKIE, SESSION_HEADER, MockConfig
from mockserver.rules import (
    DEFAULT_PASSWORD,
    INTERNATIONAL_CODE_PATTERN,
    NATIONAL_NUMBER_PATTERN,
    USER_DOMAIN_PATTERN,
)
from mockserver.scenarios import Fault
from mockserver.sessions import SESSION_ID_PATTERN

ROOT = Path(__file__).parents[1]
SPEC_FILES = ["openapi.yaml", "admin.openapi.yaml"]
RESET_PATH = "/v2/enduser/enduserapi/userPwdReset"

REFERENCE_USER_DOMAINS = [
    "C.DM.5903.1",
    "C.DM.10271.5",
    "E.DM.1209906967672817.3",
    "U.DM.10351.1",
    "E.SP.4294967410",
]
MALFORMED_USER_DOMAINS = ["c.dm.5903.1", "C.DM.", "CDM.5903.1", "C.DM.5903.1.2", "C.DMX.5903.1"]
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
SESSION_OPERATIONS = {
    ("post", "/__admin/reset"),
    ("post", "/__admin/codes"),
    ("post", "/__admin/password-check"),
    ("get", "/__admin/scenarios"),
    ("get", "/__admin/scenario"),
    ("put", "/__admin/scenario"),
    ("delete", "/__admin/scenario"),
}


@cache
def load(name: str) -> dict[str, Any]:
    """Load one of the spec files from the repository root."""
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def operation() -> dict[str, Any]:
    """Return the userPwdReset operation of openapi.yaml."""
    return load("openapi.yaml")["paths"][RESET_PATH]["put"]


def parameter(name: str) -> dict[str, Any]:
    """Return the query or header parameter `name` of userPwdReset."""
    (found,) = [p for p in operation()["parameters"] if p["name"] == name]
    return found


def component(name: str) -> dict[str, Any]:
    """Return a component schema of openapi.yaml."""
    return load("openapi.yaml")["components"]["schemas"][name]


def business_examples() -> dict[str, dict[str, Any]]:
    """Return the named examples of the 200 response, by name."""
    content = operation()["responses"]["200"]["content"]["application/json"]
    return content["examples"]


def example_name(code: Code) -> str:
    """Name the example of `code` as the spec does: `ok`, `phoneNotRegistered5004`, ..."""
    if code is Code.OK:
        return "ok"
    head, *tail = code.name.lower().split("_")
    return head + "".join(word.capitalize() for word in tail) + str(code.value)


def resolve(node: Any, spec: dict[str, Any]) -> Any:
    """Return `node` with every local `$ref` replaced by what it points to."""
    if isinstance(node, list):
        return [resolve(item, spec) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return resolve(target, spec)
    return {key: resolve(value, spec) for key, value in node.items()}


def operations(name: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Return the operations of a spec file, `$ref`s resolved, by (method, path)."""
    spec = load(name)
    resolved = resolve(spec["paths"], spec)
    return {
        (method, path): op
        for path, methods in resolved.items()
        for method, op in methods.items()
        if method in HTTP_METHODS
    }


def admin_operations() -> dict[tuple[str, str], dict[str, Any]]:
    """Return the operations of admin.openapi.yaml, `$ref`s resolved, by (method, path)."""
    return operations("admin.openapi.yaml")


def documented_examples() -> list[tuple[str, str, Any, Any]]:
    """List (file, where, schema, example) for every media-type example in both files."""
    found = []
    for name in SPEC_FILES:
        for (method, path), op in operations(name).items():
            bodies = [("request", op.get("requestBody", {}))]
            bodies += [(status, r) for status, r in op.get("responses", {}).items()]
            for where, body in bodies:
                for media in body.get("content", {}).values():
                    examples = [("example", media["example"])] if "example" in media else []
                    examples += [(k, v["value"]) for k, v in media.get("examples", {}).items()]
                    for label, value in examples:
                        site = f"{method.upper()} {path} {where} {label}"
                        found.append((name, site, media["schema"], value))
    return found


@pytest.mark.parametrize("name", SPEC_FILES)
def test_spec_file_validates_as_openapi_3_0_3(name: str) -> None:
    spec = load(name)
    assert spec["openapi"] == "3.0.3"
    validate(spec, cls=OpenAPIV30SpecValidator)


def test_envelope_code_enum_equals_code_table() -> None:
    assert component("Envelope")["properties"]["code"]["enum"] == [c.value for c in Code]


def test_ok_response_schema_is_envelope() -> None:
    media = operation()["responses"]["200"]["content"]["application/json"]
    assert media["schema"] == {"$ref": "#/components/schemas/Envelope"}


@pytest.mark.parametrize("code", list(Code), ids=lambda c: f"{c.value}-{c.name}")
def test_example_of_code_has_code_and_chinese_message(code: Code) -> None:
    examples = business_examples()
    name = example_name(code)
    assert name in examples, f"no example named {name} for {code.value}"
    assert examples[name]["value"] == {
        "code": code.value,
        "msg": MESSAGES[code].zh,
        "extMsg": None,
        "data": None,
    }


def test_example_ok_default_password_carries_message_in_data() -> None:
    assert business_examples()["okDefaultPassword"]["value"] == {
        "code": Code.OK.value,
        "msg": MESSAGES[Code.OK].zh,
        "extMsg": None,
        "data": f"password reset to {DEFAULT_PASSWORD}",
    }


def test_examples_are_only_those_of_codes_and_default_password() -> None:
    expected = {example_name(code) for code in Code} | {"okDefaultPassword"}
    assert set(business_examples()) == expected


@pytest.mark.parametrize("code", list(Code), ids=lambda c: f"{c.value}-{c.name}")
def test_operation_description_lists_code_with_both_messages(code: Code) -> None:
    row = f"| {code.value} | {MESSAGES[code].zh} | {MESSAGES[code].en} |"
    assert row in operation()["description"]


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("userDomain", USER_DOMAIN_PATTERN),
        ("internationalCode", INTERNATIONAL_CODE_PATTERN),
        ("phone", NATIONAL_NUMBER_PATTERN),
    ],
)
def test_parameter_pattern_equals_rule_pattern(name: str, rule: re.Pattern[str]) -> None:
    pattern = parameter(name)["schema"]["pattern"]
    assert pattern.startswith("^") and pattern.endswith("$"), f"{name}: {pattern} not anchored"
    assert pattern.removeprefix("^").removesuffix("$") == rule.pattern


@pytest.mark.parametrize("user_domain", REFERENCE_USER_DOMAINS)
def test_user_domain_pattern_admits_reference_example(user_domain: str) -> None:
    schema = parameter("userDomain")["schema"]
    assert re.search(schema["pattern"], user_domain)
    assert len(user_domain) <= schema["maxLength"]


@pytest.mark.parametrize("user_domain", MALFORMED_USER_DOMAINS)
def test_user_domain_pattern_rejects_malformed(user_domain: str) -> None:
    assert not re.search(parameter("userDomain")["schema"]["pattern"], user_domain)


@pytest.mark.parametrize(
    ("name", "required"),
    [
        ("code", True),
        ("userDomain", True),
        ("email", False),
        ("internationalCode", False),
        ("phone", False),
        ("pwd", False),
        ("random", False),
    ],
)
def test_query_parameter_is_declared_as_in_document(name: str, required: bool) -> None:
    declared = parameter(name)
    assert (declared["in"], declared["required"], declared["schema"]["type"]) == (
        "query",
        required,
        "string",
    )


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"code": 200, "msg": "", "extMsg": None, "data": None}, True),
        ({"code": 5037, "msg": "x", "extMsg": "", "data": {}}, True),
        ({"code": 200, "msg": "x", "extMsg": None, "data": "text"}, True),
        ({"code": 200, "msg": "x", "extMsg": None, "data": None, "traceId": "t"}, True),
        ({"code": 0, "msg": "", "extMsg": "", "data": {}}, False),
        ({"code": 200, "msg": "x", "extMsg": None, "data": 1}, False),
        ({"code": 200, "msg": "x", "extMsg": 1, "data": None}, False),
        ({"code": 200, "extMsg": None, "data": None}, False),
    ],
)
def test_envelope_schema_decides_body(body: dict[str, Any], valid: bool) -> None:
    assert OAS30Validator(component("Envelope")).is_valid(body) is valid


@pytest.mark.parametrize(
    ("spec_file", "site", "schema", "example"),
    documented_examples(),
    ids=[f"{f}:{site}" for f, site, _, _ in documented_examples()],
)
def test_example_validates_against_its_schema(
    spec_file: str, site: str, schema: Any, example: Any
) -> None:
    errors = [e.message for e in OAS30Validator(schema).iter_errors(example)]
    assert not errors, f"{spec_file}: {site}: {errors}"


@pytest.mark.parametrize("status", ["400", "405", "413", "414"])
def test_http_error_response_uses_http_error_schema(status: str) -> None:
    response = operation()["responses"][status]
    media = response["content"]["application/json"]
    assert media["schema"] == {"$ref": "#/components/schemas/HttpError"}
    assert media["example"]["code"] == int(status)


def test_http_error_405_declares_allow_header() -> None:
    assert "Allow" in operation()["responses"]["405"]["headers"]


@cache
def admin_routes() -> frozenset[tuple[str, str]]:
    """Return (method, path) of every route the app serves under the admin prefix."""
    app = create_app(MockConfig(fixtures_dir=ROOT / "fixtures"))
    return frozenset(
        (method.lower(), rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(ADMIN_PREFIX)
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    )


def test_admin_spec_documents_exactly_the_admin_routes() -> None:
    assert set(admin_operations()) == admin_routes()


@pytest.mark.parametrize("key", sorted(admin_routes()), ids=lambda k: f"{k[0].upper()} {k[1]}")
def test_admin_operation_answers_401_with_www_authenticate(key: tuple[str, str]) -> None:
    response = admin_operations()[key]["responses"]["401"]
    assert "WWW-Authenticate" in response["headers"]
    assert response["content"]["application/json"]["schema"]["required"] == ["error"]


def test_admin_security_is_optional_token_in_bearer_header_or_query() -> None:
    spec = load("admin.openapi.yaml")
    schemes = spec["components"]["securitySchemes"]
    assert {(s["type"], s.get("scheme"), s.get("in"), s.get("name")) for s in schemes.values()} == {
        ("http", "bearer", None, None),
        ("apiKey", None, "header", ADMIN_TOKEN_HEADER),
        ("apiKey", None, "query", "token"),
    }
    assert {} in spec["security"]
    assert {name for entry in spec["security"] for name in entry} == set(schemes)


@pytest.mark.parametrize("key", sorted(admin_routes()), ids=lambda k: f"{k[0].upper()} {k[1]}")
def test_admin_operation_takes_session_header_when_it_touches_state(key: tuple[str, str]) -> None:
    names = {p["name"] for p in admin_operations()[key].get("parameters", [])}
    assert (SESSION_HEADER in names) is (key in SESSION_OPERATIONS)


def test_session_header_pattern_equals_session_id_pattern() -> None:
    declared = load("admin.openapi.yaml")["components"]["parameters"]["Session"]
    assert (declared["name"], declared["in"], declared["required"]) == (
        SESSION_HEADER,
        "header",
        False,
    )
    assert declared["schema"]["pattern"] == f"^{SESSION_ID_PATTERN.pattern}$"
    assert f"`{SESSION_COOKIE}`" in declared["description"]


def test_journal_filters_are_the_query_parameters_of_admin_requests() -> None:
    parameters = admin_operations()[("get", "/__admin/requests")]["parameters"]
    assert [p["name"] for p in parameters] == [*JOURNAL_FILTERS, "limit"]
    assert all(p["in"] == "query" and not p["required"] for p in parameters)


def test_scenario_fault_enum_equals_faults() -> None:
    summary = load("admin.openapi.yaml")["components"]["schemas"]["ScenarioSummary"]
    assert summary["properties"]["fault"]["enum"] == [f.value for f in Fault] + [None]
