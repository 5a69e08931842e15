"""The OpenAPI document says what each operation does (SPEC §4 "OpenAPI for integrators"), exactly.

Operation ids, the statuses of every operation, the problem schema and headers of each status, the
scopes in each security requirement, one enum of problem codes that matches every code the app
raises and docs/api.md's table, the tagged union of ``/changes``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from app.cli.openapi import openapi_document
from app.core.errors import PROBLEM_CODES

ROOT = Path(__file__).resolve().parents[2]
PROBLEM_JSON = "application/problem+json"

# (operationId, method and path, every status it can answer): a new route adds its row.
OPERATIONS = [
    ("login", "POST /api/v1/auth/login", "200 401 403 413 415 422 429"),
    ("logout", "POST /api/v1/auth/logout", "204 403"),
    ("register", "POST /api/v1/auth/register", "201 403 409 413 415 422 429"),
    ("listChanges", "GET /api/v1/changes", "200 400 401 403 422 429"),
    ("listEntries", "GET /api/v1/entries", "200 400 401 403 422 429"),
    ("createEntry", "POST /api/v1/entries", "201 401 403 409 412 413 415 422 429"),
    ("deleteEntry", "DELETE /api/v1/entries/{entry_id}", "204 400 401 403 404 409 412 422 429"),
    ("getEntry", "GET /api/v1/entries/{entry_id}", "200 304 400 401 403 404 410 422 429"),
    ("patchEntry", "PATCH /api/v1/entries/{entry_id}", "200 400 401 403 404 409 410 412 413 415 422 429"),
    ("replaceEntry", "PUT /api/v1/entries/{entry_id}", "200 201 400 401 403 404 409 410 412 413 415 422 429"),
    ("listOnThisDay", "GET /api/v1/entries/on-this-day", "200 401 403 422 429"),
    ("listEchoes", "GET /api/v1/entries/{entry_id}/echoes", "200 401 403 404 410 422 429"),
    ("getInsights", "GET /api/v1/insights", "200 401 403 422 429"),
    ("listPeople", "GET /api/v1/people", "200 401 403 422 429"),
    ("renamePerson", "POST /api/v1/people/rename", "200 401 403 409 413 415 422 429"),
    ("listTags", "GET /api/v1/tags", "200 401 403 422 429"),
    ("renameTag", "POST /api/v1/tags/rename", "200 401 403 409 413 415 422 429"),
    ("export", "GET /api/v1/export", "200 401 403 422 429"),
    ("listGoals", "GET /api/v1/goals", "200 401 403 422 429"),
    ("createGoal", "POST /api/v1/goals", "201 401 403 409 413 415 422 429"),
    ("deleteGoal", "DELETE /api/v1/goals/{goal_id}", "204 400 401 403 404 409 412 422 429"),
    ("getGoal", "GET /api/v1/goals/{goal_id}", "200 304 400 401 403 404 410 422 429"),
    ("patchGoal", "PATCH /api/v1/goals/{goal_id}", "200 400 401 403 404 409 410 412 413 415 422 429"),
    ("replaceGoal", "PUT /api/v1/goals/{goal_id}", "200 201 400 401 403 404 409 410 412 413 415 422 429"),
    ("listPauses", "GET /api/v1/pauses", "200 401 403 422 429"),
    ("createPause", "POST /api/v1/pauses", "201 401 403 409 413 415 422 429"),
    ("deletePause", "DELETE /api/v1/pauses/{pause_id}", "204 400 401 403 404 409 412 422 429"),
    ("getPause", "GET /api/v1/pauses/{pause_id}", "200 304 400 401 403 404 410 422 429"),
    ("patchPause", "PATCH /api/v1/pauses/{pause_id}", "200 400 401 403 404 409 410 412 413 415 422 429"),
    ("replacePause", "PUT /api/v1/pauses/{pause_id}", "200 201 400 401 403 404 409 410 412 413 415 422 429"),
    ("import", "POST /api/v1/import", "200 400 401 403 413 415 422 429"),
    ("deleteMe", "DELETE /api/v1/me", "204 401 403 413 415 422 429"),
    ("getMe", "GET /api/v1/me", "200 401 429"),
    ("updateMe", "PATCH /api/v1/me", "200 401 403 413 415 422 429"),
    ("changePassword", "POST /api/v1/me/password", "204 401 403 413 415 422 429"),
    ("getSummary", "GET /api/v1/summary", "200 401 403 422 429"),
    ("getExplanation", "GET /api/v1/summary/explain", "200 401 403 404 422 429"),
    ("getHeatmap", "GET /api/v1/summary/heatmap", "200 401 403 404 422 429"),
    ("getHistory", "GET /api/v1/summary/history", "200 401 403 404 422 429"),
    ("push", "POST /api/v1/sync/push", "200 401 403 413 415 422 429"),
    ("listTokens", "GET /api/v1/tokens", "200 401 403 429"),
    ("createToken", "POST /api/v1/tokens", "201 401 403 413 415 422 429"),
    ("revokeToken", "DELETE /api/v1/tokens/{token_id}", "204 401 403 404 422 429"),
    ("healthz", "GET /healthz", "200"),
    ("prometheusMetrics", "GET /metrics", "200 404"),
    ("readyz", "GET /readyz", "200 503"),
]
PROBLEM_SCHEMAS = {
    400: "BadRequestProblem",
    403: "ForbiddenProblem",
    412: "PreconditionFailedProblem",
    422: "ValidationErrorProblem",
    429: "RateLimitedProblem",
}
SCOPES = {
    "listEntries": ["entries:read"],
    "getEntry": ["entries:read"],
    "createEntry": ["entries:write"],
    "replaceEntry": ["entries:write"],
    "patchEntry": ["entries:write"],
    "deleteEntry": ["entries:write"],
    "listOnThisDay": ["entries:read"],
    "listEchoes": ["entries:read"],
    "getInsights": ["entries:read"],
    "listPeople": ["entries:read"],
    "listTags": ["entries:read"],
    "renamePerson": ["entries:write"],
    "renameTag": ["entries:write"],
    "listGoals": ["goals:read"],
    "getGoal": ["goals:read"],
    "createGoal": ["goals:write"],
    "replaceGoal": ["goals:write"],
    "patchGoal": ["goals:write"],
    "deleteGoal": ["goals:write"],
    "listPauses": ["goals:read"],
    "getPause": ["goals:read"],
    "createPause": ["goals:write"],
    "replacePause": ["goals:write"],
    "patchPause": ["goals:write"],
    "deletePause": ["goals:write"],
    "listChanges": ["entries:read", "goals:read"],
    "getSummary": ["summary:read"],
    "getHeatmap": ["summary:read"],
    "getExplanation": ["summary:read"],
    "getHistory": ["summary:read"],
    "export": ["export"],
    "import": ["export", "entries:write", "goals:write"],
    "push": [],  # each op is checked against its type's write scope
    "getMe": [],
}
SESSION_ONLY = {"updateMe", "deleteMe", "changePassword", "createToken", "listTokens", "revokeToken"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document()  # the same whatever the engine


def _operations(document: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        operation["operationId"]: (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def test_every_operation_has_its_camel_case_id_and_every_status_it_answers(document: dict[str, Any]) -> None:
    operations = _operations(document)
    assert len(operations) == sum(len(item) for item in document["paths"].values())  # ids are unique
    assert {name: (where, " ".join(sorted(op["responses"]))) for name, (where, op) in operations.items()} == {
        name: (where, statuses) for name, where, statuses in OPERATIONS
    }
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)*", name) for name in operations)


def test_each_problem_status_has_its_typed_problem_and_headers(document: dict[str, Any]) -> None:
    for name, (_, operation) in _operations(document).items():
        for status, response in operation["responses"].items():
            if int(status) < 400 or (name, status) == ("readyz", "503"):
                continue
            schema = response["content"][PROBLEM_JSON]["schema"]
            assert schema == {"$ref": f"#/components/schemas/{PROBLEM_SCHEMAS.get(int(status), 'Problem')}"}
            headers = set(response.get("headers", {}))
            keyed = any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
            expected = {"401": {"WWW-Authenticate"}, "429": {"Retry-After"}, "409": {"Retry-After"} if keyed else set()}
            assert headers == expected.get(status, set()), (name, status)


def test_single_object_answers_declare_etag_location_and_replay_headers(document: dict[str, Any]) -> None:
    operations = _operations(document)
    for kind in ("Entry", "Goal"):
        assert set(operations[f"get{kind}"][1]["responses"]["200"]["headers"]) == {"ETag"}
        assert set(operations[f"get{kind}"][1]["responses"]["304"]["headers"]) == {"ETag"}
        assert set(operations[f"create{kind}"][1]["responses"]["201"]["headers"]) == {
            "ETag",
            "Location",
            "Idempotent-Replayed",
        }
        replace = operations[f"replace{kind}"][1]["responses"]
        assert set(replace["200"]["headers"]) == {"ETag", "Idempotent-Replayed"}
        assert set(replace["201"]["headers"]) == {"ETag", "Location", "Idempotent-Replayed"}
        assert set(operations[f"delete{kind}"][1]["responses"]["204"]["headers"]) == {"Idempotent-Replayed"}
    assert set(operations["export"][1]["responses"]["200"]["headers"]) == {"Content-Disposition"}
    for header in ("ETag", "Location", "Idempotent-Replayed", "Retry-After", "WWW-Authenticate"):
        assert header in document["components"]["headers"]


def test_security_requirements_name_the_scopes(document: dict[str, Any]) -> None:
    for name, (_, operation) in _operations(document).items():
        if name in SESSION_ONLY:
            assert operation["security"] == [{"session": []}], name
        elif name in SCOPES:
            assert operation["security"] == [{"personalAccessToken": SCOPES[name]}, {"session": []}], name
        else:
            assert operation["security"] == [], name  # open: sign-up, sign-in, sign-out, health, metrics


def test_one_enum_of_codes_every_problem_refers_to(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["ProblemCode"]["enum"] == list(PROBLEM_CODES)
    for name in ("Problem", *PROBLEM_SCHEMAS.values()):
        assert schemas[name]["properties"]["code"] == {"$ref": "#/components/schemas/ProblemCode"}
    assert schemas["PreconditionFailedProblem"]["required"] == ["type", "title", "status", "detail", "code", "current"]
    assert set(schemas["ValidationErrorProblem"]["properties"]) >= {"errors"}
    assert schemas["ForbiddenProblem"]["properties"]["required_scope"]["enum"] == [
        "entries:read",
        "entries:write",
        "goals:read",
        "goals:write",
        "summary:read",
        "export",
    ]


# How the app spells a code: a ProblemError subclass's ``status, code = 4xx, "..."``, or a direct answer.
_RAISED = re.compile(r'(?:status, code = \d+, |problem_response\(\s*\d+, |_refuse\(\s*HTTPStatus\.\w+, )"(\w+)"')


def test_every_code_the_app_answers_is_in_the_enum() -> None:
    raised = {code for path in (ROOT / "app").rglob("*.py") for code in _RAISED.findall(path.read_text())}
    assert {"insufficient_scope", "unsupported_media_type", "headers_too_large", "internal_error"} <= raised
    assert raised <= set(PROBLEM_CODES)


def test_the_guides_table_of_errors_lists_every_code() -> None:
    guide = (ROOT / "docs" / "api.md").read_text()
    listed = re.findall(r"^\| \d{3} \| `(\w+)` \|", guide, flags=re.MULTILINE)
    assert sorted(listed) == sorted(PROBLEM_CODES)


def test_changes_are_a_union_tagged_by_type(document: dict[str, Any]) -> None:
    change = document["components"]["schemas"]["Change"]
    assert change["discriminator"] == {
        "propertyName": "type",
        "mapping": {
            "goal": "#/components/schemas/GoalChange",
            "entry": "#/components/schemas/EntryChange",
            "pause": "#/components/schemas/PauseChange",
        },
    }
    schemas = document["components"]["schemas"]
    assert schemas["GoalChange"]["properties"]["data"]["anyOf"] == [
        {"$ref": "#/components/schemas/GoalPublic"},
        {"type": "null"},
    ]
    assert schemas["EntryChange"]["properties"]["data"]["anyOf"] == [
        {"$ref": "#/components/schemas/EntryPublic"},
        {"type": "null"},
    ]
    assert schemas["PauseChange"]["properties"]["data"]["anyOf"] == [
        {"$ref": "#/components/schemas/PausePublic"},
        {"type": "null"},
    ]


def test_request_defaults_are_described_not_declared(document: dict[str, Any]) -> None:
    """openapi-typescript reads a ``default`` as "always present": ``POST /goals {title}`` must type-check."""
    goal = document["components"]["schemas"]["GoalCreate"]
    assert goal["required"] == ["title"]
    assert "default" not in goal["properties"]["cadence"]
    assert goal["properties"]["cadence"]["description"].endswith('Default: `"weekly"`.')
    assert document["servers"] == [{"url": "/", "description": "The server that publishes this document"}]


def test_push_ops_are_a_union_tagged_by_type(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["PushOp"]["discriminator"] == {
        "propertyName": "type",
        "mapping": {
            "goal": "#/components/schemas/GoalOp",
            "entry": "#/components/schemas/EntryOp",
            "pause": "#/components/schemas/PauseOp",
        },
    }
    assert schemas["PushRequest"]["properties"]["ops"]["items"] == {"$ref": "#/components/schemas/PushOp"}
    for kind in ("Goal", "Entry", "Pause"):
        assert schemas[f"{kind}Op"]["properties"]["data"]["anyOf"] == [
            {"$ref": f"#/components/schemas/{kind}Replace"},
            {"$ref": f"#/components/schemas/{kind}Patch"},
            {"type": "null"},
        ]
