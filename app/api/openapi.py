"""The published OpenAPI document (SPEC §4 "OpenAPI for integrators"), completed for every route at once.

FastAPI writes what each route declares; ``complete`` then adds, from what the route depends on, what
no route spells out by hand: its camelCase ``operationId``, every problem status it can answer (each with
its typed problem schema and headers), the headers of its successful answers, its security requirement
with the scopes it needs, and the ``servers``. A new router gets all of it by being included in the app.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.api.deps import SECURITY_SCHEMES, ScopeRequirement, WriterCheck, require_browser_session, sign_in
from app.api.keyed_writes import HEADER as IDEMPOTENCY_KEY
from app.api.methods import writes
from app.api.problems import PROBLEM_JSON, PROBLEM_MODELS, Problem
from app.core.errors import PROBLEM_CODES, ProblemError

API_PREFIX = "/api/v1"
PRECONDITION_HEADERS = ("if-match", "if-none-match")
LICENSE = {"name": "MIT", "identifier": "MIT"}
SERVERS = [{"url": "/", "description": "The server that publishes this document"}]

HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": 'The object\'s version as a quoted entity tag (`"3"`): send it back in `If-Match`.',
        "schema": {"type": "string"},
    },
    "Location": {"description": "The URL of the object created.", "schema": {"type": "string"}},
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}},
    "WWW-Authenticate": {"description": "`Bearer`: how to authenticate.", "schema": {"type": "string"}},
}


# Models that routes refer to in ``openapi_extra`` (FastAPI adds only those of bodies and response models).
_REFERRED: dict[str, type[BaseModel]] = {}


def schema_ref(model: type[BaseModel]) -> dict[str, str]:
    """``{"$ref": …}`` to ``model``'s schema, which ``complete`` puts in the document's components."""
    _REFERRED[model.__name__] = model
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def operation_id(route: APIRoute) -> str:
    """The route function's name in camelCase, its verb ``read`` said ``get``: ``read_entry`` → ``getEntry``.

    Stable because route functions are named for what they do; the snapshot test fails if one changes.
    """
    words = [word for word in route.name.split("_") if word]
    if words[0] == "read":
        words[0] = "get"
    return words[0] + "".join(word.capitalize() for word in words[1:])


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def _codes_by_status() -> dict[int, list[str]]:
    """The codes each status can carry, from the domain errors and the framework's refusals."""
    statuses: dict[int, list[str]] = {}
    classes: list[type[ProblemError]] = [ProblemError]
    while classes:
        error = classes.pop()
        classes += error.__subclasses__()
        statuses.setdefault(error.status, [])
        if error.code not in statuses[error.status]:
            statuses[error.status].append(error.code)
    for status, code in ((405, "method_not_allowed"), (415, "unsupported_media_type"), (500, "internal_error")):
        statuses.setdefault(status, []).append(code)
    return statuses


def problem_statuses(route: RouteContext, operation: dict[str, Any]) -> set[int]:
    """The problem statuses an operation can answer beyond those its route names, from what it depends on."""
    calls = list(_calls(route.dependant))
    method = next(iter(route.methods or {"GET"}))  # one method a route in Synclog
    statuses: set[int] = set()
    if _signs_in(calls):
        statuses |= {401, 429}
        if writes(method):
            statuses.add(403)  # csrf, for a cookie sent cross-site
    if require_browser_session in calls or any(isinstance(call, ScopeRequirement) for call in calls):
        statuses.add(403)
    headers = {p["name"].lower() for p in operation.get("parameters", []) if p.get("in") == "header"}
    if operation.get("parameters") or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation and str(route.path_format).startswith(API_PREFIX):
        statuses |= {413, 415}
    if IDEMPOTENCY_KEY.lower() in headers:
        statuses |= {409, 422}  # the key in flight, the key used for another request
    if headers.intersection(PRECONDITION_HEADERS):
        statuses.add(400)
    if "if-match" in headers or ("if-none-match" in headers and method == "PUT"):
        statuses.add(412)
    return statuses


def _problem_response(
    status: int, declared: dict[str, Any] | None, codes: dict[int, list[str]], keyed: bool
) -> dict[str, Any]:
    """A problem status's response: its typed problem schema, under ``application/problem+json`` (and any
    other media type a route declared before, kept so that the published document only grows)."""
    model = PROBLEM_MODELS.get(status, Problem)
    named = ", ".join(f"`{code}`" for code in codes.get(status, []))
    schema = {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
    media_types = [PROBLEM_JSON, *(declared or {}).get("content", {})]
    response: dict[str, Any] = {
        "description": f"{HTTPStatus(status).phrase}: {named}" if named else HTTPStatus(status).phrase,
        "content": {media_type: schema for media_type in media_types},
    }
    headers = {
        401: ["WWW-Authenticate"],
        429: ["Retry-After"],
        409: ["Retry-After"] if keyed else [],
    }.get(status, [])
    if headers:
        response["headers"] = {name: {"$ref": f"#/components/headers/{name}"} for name in headers}
    return response


def _success_headers(status: int, *, versioned: bool, keyed: bool) -> list[str]:
    """Headers of a 2xx/304: an operation that takes preconditions or a key answers one versioned object."""
    names = ["ETag"] if versioned and status in (200, 201, 304) else []
    if versioned and status == 201:
        names.append("Location")
    if keyed and 200 <= status < 300:
        names.append("Idempotent-Replayed")
    return names


def _signs_in(calls: list[Any]) -> bool:
    """Whether a route signs its caller in: by the ``sign_in`` dependency, or where its keyed write runs."""
    return sign_in in calls or any(isinstance(call, WriterCheck) for call in calls)


def _security(route: RouteContext) -> list[dict[str, list[str]]]:
    calls = list(_calls(route.dependant))
    if not _signs_in(calls):
        return []  # open to anyone
    if require_browser_session in calls:
        return [{"session": []}]  # tokens cannot manage tokens or the account
    scopes = [scope for call in calls if isinstance(call, ScopeRequirement) for scope in call.scopes]
    return [{"personalAccessToken": list(dict.fromkeys(scopes))}, {"session": []}]


def _complete_operation(route: RouteContext, operation: dict[str, Any], codes: dict[int, list[str]]) -> None:
    headers = {p["name"].lower() for p in operation.get("parameters", []) if p.get("in") == "header"}
    keyed = IDEMPOTENCY_KEY.lower() in headers
    versioned = keyed or bool(headers.intersection(PRECONDITION_HEADERS))
    responses: dict[str, Any] = operation["responses"]
    statuses = {int(status) for status in responses} | problem_statuses(route, operation)
    completed: dict[str, Any] = {}
    for status in sorted(statuses):
        declared = responses.get(str(status))
        response = declared or {"description": HTTPStatus(status).phrase}
        if status >= 400 and (declared is None or PROBLEM_JSON in declared.get("content", {})):
            response = _problem_response(status, declared, codes, keyed)
        names = _success_headers(status, versioned=versioned, keyed=keyed)
        if names:
            response["headers"] = {name: {"$ref": f"#/components/headers/{name}"} for name in names}
        completed[str(status)] = response
    operation["responses"] = completed
    operation["security"] = _security(route)


def _name_problem_codes(schemas: dict[str, Any]) -> None:
    """One ``ProblemCode`` enum that every problem schema refers to (one enum type in generated clients)."""
    schemas["ProblemCode"] = {
        "type": "string",
        "enum": list(PROBLEM_CODES),
        "description": "A problem's stable code. New codes may be added; none is removed or renamed.",
        "title": "ProblemCode",
    }
    for schema in schemas.values():
        code = schema.get("properties", {}).get("code")
        if code is not None and code.get("enum") == list(PROBLEM_CODES):
            schema["properties"]["code"] = {"$ref": "#/components/schemas/ProblemCode"}


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str):
            yield value["$ref"].rsplit("/", 1)[-1]
        for member in value.values():
            yield from _refs(member)
    elif isinstance(value, list):
        for member in value:
            yield from _refs(member)


def _reachable(schemas: dict[str, Any], roots: Iterator[str]) -> set[str]:
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in schemas and name not in seen:
            seen.add(name)
            pending += _refs(schemas[name])
    return seen


def describe_request_defaults(schema: dict[str, Any]) -> None:
    """A request body's defaults said in words, not as ``default``: generators such as openapi-typescript
    read a ``default`` as "always present" and would make every defaulted field of a body required."""
    schemas: dict[str, Any] = schema["components"]["schemas"]
    operations = [op for item in schema["paths"].values() for op in item.values()]
    sent = _reachable(schemas, _refs([op.get("requestBody") for op in operations]))
    received = _reachable(schemas, _refs([op.get("responses") for op in operations]))
    for name in sent - received:
        for field in schemas[name].get("properties", {}).values():
            if "default" in field:
                default = json.dumps(field.pop("default"), ensure_ascii=False)
                field["description"] = " ".join(filter(None, [field.get("description"), f"Default: `{default}`."]))


def complete(app: FastAPI, schema: dict[str, Any]) -> None:
    """Complete FastAPI's ``schema`` of ``app`` in place, as the module docstring says."""
    components = schema.setdefault("components", {})
    components["securitySchemes"] = SECURITY_SCHEMES
    components["headers"] = HEADERS
    models: list[type[BaseModel]] = [Problem, *PROBLEM_MODELS.values(), *_REFERRED.values()]
    _, problems = models_json_schema(
        [(model, "validation") for model in models],
        ref_template="#/components/schemas/{model}",
    )
    schemas = components.setdefault("schemas", {})
    for name, model_schema in problems.get("$defs", {}).items():
        schemas.setdefault(name, model_schema)  # FastAPI's own, where it made one, stays
    _name_problem_codes(schemas)
    describe_request_defaults(schema)
    schema["servers"] = SERVERS
    schema["info"]["license"] = LICENSE
    codes = _codes_by_status()
    for route in iter_route_contexts(app.routes):  # included routers' routes, with their full paths
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            for method in route.methods or ():
                _complete_operation(route, schema["paths"][route.path_format][method.lower()], codes)
