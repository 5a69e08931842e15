"""The published OpenAPI document only grows: third-party clients are generated from it.

``tests/api/openapi-v1.json`` is the document as published. The test fails on a breaking change
(a removed path, method, parameter, field, response status or enum value; a changed type or
operation id; a newly required request field or parameter) and passes on additive ones. To accept an intended
change, rewrite the snapshot: ``SYNCLOG_UPDATE_OPENAPI=1 pytest tests/api/test_openapi_snapshot.py``.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI

SNAPSHOT = Path(__file__).with_name("openapi-v1.json")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
Document = dict[str, Any]


def _resolve(document: Document, schema: Any) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _types(schema: Any) -> set[str]:
    """The JSON types a schema admits, ``{"*"}`` when it does not say."""
    if not isinstance(schema, dict):
        return {"*"}
    variants = schema.get("anyOf") or schema.get("oneOf")
    if variants:
        return set().union(*(_types(variant) for variant in variants))
    declared = schema.get("type")
    if declared is None:
        return {"*"}
    return {declared} if isinstance(declared, str) else set(declared)


def _variants(document: Document, schema: Any) -> list[dict[str, Any]]:
    """The alternatives a schema admits, resolved and flattened (the schema itself when it is no union)."""
    schema = _resolve(document, schema)
    if not isinstance(schema, dict):
        return []
    union = schema.get("anyOf") or schema.get("oneOf")
    if not union:
        return [schema]
    return [variant for member in union for variant in _variants(document, member)]


def _field_breaks(old: Document, new: Document, before: dict[str, Any], after: Any, where: str) -> list[str]:
    """A field is kept when every object the new schema admits has it (each variant of a union)."""
    objects = [variant for variant in _variants(new, after) if "properties" in variant]
    breaks: list[str] = []
    for name, field in before.get("properties", {}).items():
        holders = [variant["properties"][name] for variant in objects if name in variant["properties"]]
        if not objects or len(holders) < len(objects):
            breaks.append(f"{where}.{name}: field removed")
        else:
            kept = holders[0] if len(holders) == 1 else {"anyOf": holders}
            breaks += _schema_breaks(old, new, field, kept, f"{where}.{name}")
    return breaks


def _schema_breaks(old: Document, new: Document, before: Any, after: Any, where: str) -> list[str]:
    """What ``after`` breaks of ``before``: removed fields, enum values or variants, changed types."""
    if isinstance(before, dict) and isinstance(after, dict) and "$ref" in before and before == after:
        return []  # the named schema is compared once, under components
    before, after = _resolve(old, before), _resolve(new, after)
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    breaks: list[str] = []
    old_types, new_types = _types(before), _types(after)
    if "*" not in new_types and not old_types <= new_types:
        breaks.append(f"{where}: type {sorted(old_types)} became {sorted(new_types)}")
    old_values: list[Any] = before.get("enum", [])
    new_values: list[Any] = after.get("enum", old_values)
    removed = set(old_values) - set(new_values)
    if removed:
        breaks.append(f"{where}: enum values {sorted(removed)} removed")
    breaks += _field_breaks(old, new, before, after, where) if "properties" in before else []
    if "items" in before and "items" in after:
        breaks += _schema_breaks(old, new, before["items"], after["items"], f"{where}[]")
    # A variant is kept when some variant of the new schema (or the new schema itself) takes it unbroken.
    candidates, named = _variants(new, after), after.get("anyOf") or after.get("oneOf") or []
    for index, variant in enumerate(before.get("anyOf") or before.get("oneOf") or []):
        if variant in named:
            continue  # the same named schema, compared once under components
        if all(_schema_breaks(old, new, variant, candidate, where) for candidate in candidates):
            breaks.append(f"{where}: variant {index} removed or changed")
    return breaks


def _newly_required(old: Document, new: Document, before: Any, after: Any, where: str) -> list[str]:
    before, after = _resolve(old, before), _resolve(new, after)
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    added = set(after.get("required", [])) - set(before.get("required", []))
    return [f"{where}.{name}: newly required request field" for name in sorted(added)]


def breaking_changes(old: Document, new: Document) -> list[str]:
    """Every change from ``old`` to ``new`` that can break a client generated from ``old``."""
    breaks: list[str] = []
    for path, item in old["paths"].items():
        for method in (method for method in METHODS if method in item):
            where = f"{method.upper()} {path}"
            now = new["paths"].get(path, {}).get(method)
            if now is None:
                breaks.append(f"{where}: operation removed")
                continue
            then = item[method]
            if then.get("operationId") != now.get("operationId"):  # a generated client's method name
                breaks.append(f"{where}: operationId {then.get('operationId')} became {now.get('operationId')}")
            params_then = {(p["in"], p["name"]): p for p in then.get("parameters", [])}
            params_now = {(p["in"], p["name"]): p for p in now.get("parameters", [])}
            for key, param in params_then.items():
                if key not in params_now:
                    breaks.append(f"{where}: parameter {key[1]} removed")
                else:
                    breaks += _schema_breaks(
                        old, new, param.get("schema"), params_now[key].get("schema"), f"{where} {key[1]}"
                    )
            for key, param in params_now.items():
                if param.get("required") and not params_then.get(key, {}).get("required"):
                    breaks.append(f"{where}: parameter {key[1]} newly required")
            bodies_then = then.get("requestBody", {}).get("content", {})
            bodies_now = now.get("requestBody", {}).get("content", {})
            for media, body in bodies_then.items():
                if media not in bodies_now:
                    breaks.append(f"{where}: request body {media} removed")
                else:
                    breaks += _newly_required(old, new, body.get("schema"), bodies_now[media].get("schema"), where)
            for code, response in then.get("responses", {}).items():
                if code not in now.get("responses", {}):
                    breaks.append(f"{where}: response {code} removed")
                    continue
                for media, body in response.get("content", {}).items():
                    later = now["responses"][code].get("content", {}).get(media)
                    if later is None:
                        breaks.append(f"{where} {code}: {media} removed")
                    else:
                        breaks += _schema_breaks(old, new, body.get("schema"), later.get("schema"), f"{where} {code}")
    for name, schema in old["components"]["schemas"].items():
        if name not in new["components"]["schemas"]:
            breaks.append(f"schema {name} removed")
        else:
            breaks += _schema_breaks(old, new, schema, new["components"]["schemas"][name], name)
    return breaks


def test_the_document_keeps_everything_published(app: FastAPI) -> None:
    current = json.loads(json.dumps(app.openapi()))
    if os.environ.get("SYNCLOG_UPDATE_OPENAPI") == "1":
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    assert breaking_changes(json.loads(SNAPSHOT.read_text()), current) == []


def test_a_removed_field_is_a_breaking_change() -> None:
    published = json.loads(SNAPSHOT.read_text())
    changed = copy.deepcopy(published)
    del changed["components"]["schemas"]["EntryPublic"]["properties"]["note"]
    assert breaking_changes(published, changed) == ["EntryPublic.note: field removed"]


def test_removed_operations_enum_values_types_and_new_requirements_are_breaking() -> None:
    published = json.loads(SNAPSHOT.read_text())
    changed = copy.deepcopy(published)
    del changed["paths"]["/api/v1/entries/{entry_id}"]["delete"]
    schemas = changed["components"]["schemas"]
    schemas["GoalCreate"]["required"] = [*schemas["GoalCreate"].get("required", []), "description"]
    schemas["EntryOp"]["properties"]["method"]["enum"] = ["PUT", "PATCH"]
    schemas["EntryOp"]["properties"]["op_id"]["type"] = "integer"
    changed["paths"]["/api/v1/entries"]["get"]["operationId"] = "getEntries"
    found = breaking_changes(published, changed)
    assert "DELETE /api/v1/entries/{entry_id}: operation removed" in found
    assert any("newly required request field" in change and "description" in change for change in found)
    assert "EntryOp.method: enum values ['DELETE'] removed" in found
    assert "EntryOp.op_id: type ['string'] became ['integer']" in found
    assert "GET /api/v1/entries: operationId listEntries became getEntries" in found


def test_additions_are_not_breaking() -> None:
    published = json.loads(SNAPSHOT.read_text())
    changed = copy.deepcopy(published)
    changed["components"]["schemas"]["EntryPublic"]["properties"]["mood"] = {"type": "string"}
    changed["paths"]["/api/v1/moods"] = {"get": {"responses": {"200": {"description": "OK"}}}}
    changed["components"]["schemas"]["EntryOp"]["properties"]["method"]["enum"].append("POST")
    assert breaking_changes(published, changed) == []


def test_a_union_keeps_its_variants_and_a_field_each_variant_had() -> None:
    published = json.loads(SNAPSHOT.read_text())
    changed = copy.deepcopy(published)
    schemas = changed["components"]["schemas"]
    schemas["PushOp"]["oneOf"] = [{"$ref": "#/components/schemas/GoalOp"}]
    del schemas["GoalChange"]["properties"]["deleted"]
    assert breaking_changes(published, changed) == [
        "GoalChange.deleted: field removed",
        "PushOp: variant 1 removed or changed",
        "PushOp: variant 2 removed or changed",
    ]


def test_an_object_that_became_a_union_keeps_the_fields_of_all_its_variants() -> None:
    """``Change`` was one object; a tagged union whose every variant has its fields breaks nothing."""
    old: Document = {"paths": {}, "components": {"schemas": {}}}
    new: Document = copy.deepcopy(old)
    fields = {"type": {"type": "string", "enum": ["goal", "entry"]}, "seq": {"type": "integer"}}
    old["components"]["schemas"]["Change"] = {"type": "object", "properties": fields}
    new["components"]["schemas"] |= {
        "Change": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
        "A": {
            "type": "object",
            "properties": {"type": {"const": "goal", "type": "string"}, "seq": {"type": "integer"}},
        },
        "B": {"type": "object", "properties": {"type": {"const": "entry", "type": "string"}}},
    }
    assert breaking_changes(old, new) == ["Change.seq: field removed"]
    new["components"]["schemas"]["B"]["properties"]["seq"] = {"type": "integer"}
    assert breaking_changes(old, new) == []
