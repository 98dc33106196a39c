"""openapi.yaml as the suite reads it: the reset operation, its parameters, its response schemas.

Everything the suite knows about the contract's shapes comes from the file itself, never from a
copy: parameter schemas for the rules, response schemas for the envelope.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from jsonschema.protocols import Validator
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

REPO = Path(__file__).resolve().parents[1]
OPENAPI = REPO / "openapi.yaml"
OPERATION_ID = "userPwdReset"
_URI = "urn:userpwdreset:openapi.yaml"


@functools.cache
def document() -> dict[str, Any]:
    """Return openapi.yaml, parsed once per process."""
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


@functools.cache
def _located() -> tuple[str, str]:
    """Return the path and method of the reset operation, found by its operationId."""
    for path, methods in document()["paths"].items():
        for method, operation in methods.items():
            if operation.get("operationId") == OPERATION_ID:
                return path, method
    raise LookupError(f"{OPENAPI}: no operation with operationId {OPERATION_ID}")


def reset_path() -> str:
    """Return the path of the reset endpoint: /v2/enduser/enduserapi/userPwdReset."""
    return _located()[0]


def reset_method() -> str:
    """Return the HTTP method of the reset endpoint, upper-case."""
    return _located()[1].upper()


def operation() -> dict[str, Any]:
    """Return the reset operation object."""
    path, method = _located()
    return document()["paths"][path][method]


def query_parameters() -> dict[str, dict[str, Any]]:
    """Return the query parameters of the operation by name, as declared."""
    return {p["name"]: p for p in operation()["parameters"] if p["in"] == "query"}


def documented_statuses() -> frozenset[int]:
    """Return the HTTP statuses the operation documents (200 and the real HTTP errors)."""
    return frozenset(int(status) for status in operation()["responses"])


def business_codes() -> tuple[int, ...]:
    """Return the business codes the envelope's `code` may carry, in the spec's order."""
    return tuple(document()["components"]["schemas"]["Envelope"]["properties"]["code"]["enum"])


def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


@functools.cache
def response_validator(status: int) -> Validator:
    """Return a validator of the JSON body the spec documents for HTTP `status`."""
    path, method = _located()
    if str(status) not in operation()["responses"]:
        raise KeyError(f"{OPENAPI}: {method.upper()} {path} documents no HTTP {status}")
    registry = Registry().with_resource(
        _URI, Resource.from_contents(document(), default_specification=DRAFT4)
    )
    pointer = _pointer(
        "paths", path, method, "responses", str(status), "content", "application/json", "schema"
    )
    return OAS30Validator({"$ref": f"{_URI}#{pointer}"}, registry=registry)


def response_schema_name(status: int) -> str:
    """Name the schema of a documented response, as written in the spec (`Envelope`, ...)."""
    schema = operation()["responses"][str(status)]["content"]["application/json"]["schema"]
    return schema.get("$ref", "").rsplit("/", 1)[-1] or f"responses/{status}"
