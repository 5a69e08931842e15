"""U+0000 is refused with 422 naming the field in every text field of every body and every text query
parameter, on both engines (SPEC §3 Text). The fields and parameters are read from the OpenAPI document
(the snapshot, which ``test_openapi_snapshot`` keeps equal to the app's), so a new one is covered at once."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_entry, make_goal, register

DOCUMENT = json.loads((Path(__file__).parent / "openapi-v1.json").read_text())
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]
NUL_TEXT = "long enough\x00text"


def _is_text(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "string" or any(_is_text(option) for option in schema.get("anyOf", []))


def _is_text_list(schema: dict[str, Any]) -> bool:
    if schema.get("type") == "array":
        return _is_text(schema.get("items", {}))
    return any(_is_text_list(option) for option in schema.get("anyOf", []))


def _free_text(schema: dict[str, Any]) -> bool:
    """A text that only our rule refuses NUL in (no enum, pattern or format of its own)."""
    if any(key in schema for key in ("enum", "pattern", "format", "const")):
        return False
    nested = [*schema.get("anyOf", []), *([schema["items"]] if "items" in schema else [])]
    return all(_free_text(option) for option in nested)


def _body_schema(operation: dict[str, Any]) -> str | None:
    for media in operation.get("requestBody", {}).get("content", {}).values():
        ref = media.get("schema", {}).get("$ref", "")
        if ref:
            return str(ref.rsplit("/", 1)[1])
    return None


def _body_fields() -> list[tuple[str, str, str, str, Any]]:
    cases: list[tuple[str, str, str, str, Any]] = []
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            schema_name = _body_schema(operation)
            # An import names the file's part instead (`document`, `entries[3]`): tests/exchange sends NUL there.
            if schema_name is None or path == "/api/v1/import":
                continue
            for name, prop in SCHEMAS[schema_name].get("properties", {}).items():
                if _is_text(prop):
                    cases.append((method, path, schema_name, name, NUL_TEXT))
                elif _is_text_list(prop):
                    cases.append((method, path, schema_name, name, ["ok", NUL_TEXT]))
    return cases


def _query_parameters() -> list[tuple[str, str]]:
    return [
        (path, parameter["name"])
        for path, methods in DOCUMENT["paths"].items()
        for method, operation in methods.items()
        if method == "get"
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and _is_text(parameter["schema"])
    ]


BODY_FIELDS = _body_fields()
QUERY_PARAMETERS = _query_parameters()


def test_the_document_lists_the_text_fields_people_type_into() -> None:
    fields = {(schema, name) for _, _, schema, name, _ in BODY_FIELDS}
    assert {
        ("EntryCreate", "note"),
        ("EntryCreate", "tags"),
        ("Login", "email"),
        ("Register", "display_name"),
    } <= fields
    assert {("TokenCreate", "name"), ("UserUpdate", "display_name"), ("PasswordChange", "new_password")} <= fields
    assert {("/api/v1/entries", "q"), ("/api/v1/entries", "tag"), ("/api/v1/changes", "cursor")} <= set(
        QUERY_PARAMETERS
    )


def _path(path: str) -> str:
    for name in ("{entry_id}", "{goal_id}", "{pause_id}"):
        path = path.replace(name, str(uuid.uuid4()))
    return path


@pytest.mark.parametrize(
    ("method", "path", "schema", "name", "value"),
    BODY_FIELDS,
    ids=[f"{schema}.{name}" for _, _, schema, name, _ in BODY_FIELDS],
)
def test_nul_in_a_body_text_is_422_naming_the_field(
    client: TestClient, method: str, path: str, schema: str, name: str, value: Any
) -> None:
    register(client)
    response = client.request(method.upper(), _path(path), json={name: value})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "validation_error"
    named = [error for error in problem["errors"] if error["loc"][:2] == ["body", name]]
    assert named, problem
    prop = SCHEMAS[schema]["properties"][name]
    if _free_text(prop) and schema != "PushRequest":
        assert any("U+0000" in error["msg"] for error in named), named


@pytest.mark.parametrize(("path", "name"), QUERY_PARAMETERS, ids=[f"{p}?{n}" for p, n in QUERY_PARAMETERS])
def test_nul_in_a_text_query_parameter_is_422_naming_it(client: TestClient, path: str, name: str) -> None:
    register(client)
    response = client.get(_path(path), params={name: NUL_TEXT})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert [error["loc"] for error in problem["errors"]] == [["query", name]]


def test_sign_in_with_nul_in_the_email_is_422(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"email": "ann\x00@example.org", "password": "x" * 12})
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["errors"]] == [["body", "email"]]


def test_a_push_fails_only_the_op_whose_data_carries_nul(client: TestClient) -> None:
    register(client)
    goal = make_goal(client)
    entry = make_entry(client)
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    ops = [
        {"op_id": "op-1", "method": "PUT", "type": "entry", "id": str(first), "data": {"note": "fine"}},
        {"op_id": "op-2", "method": "PUT", "type": "entry", "id": str(second), "data": {"tags": ["x\x00"]}},
        {"op_id": "op-3", "method": "PATCH", "type": "goal", "id": goal["id"], "data": {"title": "\x00"}},
        {"op_id": "op-4", "method": "PATCH", "type": "entry", "id": entry["id"], "data": {"meaning": "\x00"}},
        {"op_id": "op-5", "method": "PUT", "type": "entry", "id": str(third), "data": {"note": "also fine"}},
    ]
    response = client.post("/api/v1/sync/push", json={"ops": ops})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [result["status"] for result in results] == [201, 422, 422, 422, 201]
    assert [[error["loc"] for error in result["error"]["errors"]] for result in results[1:4]] == [
        [["body", "tags"]],
        [["body", "title"]],
        [["body", "meaning"]],
    ]
    assert client.get(f"/api/v1/entries/{second}").status_code == 404
    assert client.get(f"/api/v1/goals/{goal['id']}").json()["version"] == 1
    assert client.get(f"/api/v1/entries/{third}").json()["note"] == "also fine"


def test_text_without_nul_is_stored_and_found_alike(client: TestClient) -> None:
    register(client)
    note = "e\u0301 \u200f\u05e9 \U0001f600\nline \x01"
    entry = make_entry(client, note=note, tags=["ro\u0301ck"])
    assert client.get(f"/api/v1/entries/{entry['id']}").json()["note"] == note
    found = client.get("/api/v1/entries", params={"q": "\U0001f600", "tag": "ro\u0301ck"}).json()["data"]
    assert [item["id"] for item in found] == [entry["id"]]
