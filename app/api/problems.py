"""Problem details (RFC 9457): domain errors and framework refusals answered as ``application/problem+json``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as ModelValidationError
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.bodies import optional_member
from app.core.errors import ProblemCode, ProblemError, ValidationProblem
from app.core.principal import Scope

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """A problem+json body (RFC 9457): every error answer. ``code`` is stable; clients branch on it."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="`https://synclog.app/problems/<code>`.")
    title: str = Field(description="The status's reason phrase.")
    status: int = Field(description="The HTTP status.")
    detail: str = Field(description="What went wrong, for a person.")
    code: ProblemCode = Field(description="What went wrong, for a program (docs/api.md lists them).")


class BadRequestProblem(Problem):
    """400: ``bad_request``, e.g. a malformed cursor or precondition header."""

    header: str | SkipJsonSchema[None] = optional_member(
        "The malformed header (`If-Match`, `If-None-Match`, `if_match`)."
    )


class ForbiddenProblem(Problem):
    """403: ``insufficient_scope`` (with ``required_scope``), ``forbidden`` or ``csrf``."""

    required_scope: Scope | SkipJsonSchema[None] = optional_member("The scope the token lacks (`insufficient_scope`).")


class CurrentObject(BaseModel):
    """The object as stored now: all of it, or only ``id`` and ``version`` for a token without its read scope."""

    model_config = ConfigDict(extra="allow")

    id: uuid.UUID
    version: int


class PreconditionFailedProblem(Problem):
    """412: ``precondition_failed``; ``current`` is what to rebase the change on."""

    current: CurrentObject


class ValidationIssue(BaseModel):
    """One reason a request is invalid."""

    loc: list[str | int] = Field(description='Where: `["body", "tags", 0]`, `["query", "limit"]`, `["row 5"]`.')
    msg: str
    type: str


class ValidationErrorProblem(Problem):
    """422: ``validation_error`` (with ``errors``) or ``idempotency_key_reuse``."""

    errors: list[ValidationIssue] | SkipJsonSchema[None] = optional_member("Every problem found (`validation_error`).")


class RateLimitedProblem(Problem):
    """429: ``rate_limited``; ``Retry-After`` says the same in its header."""

    retry_after: int = Field(description="Seconds until a retry may pass.")


# The problem schema a status's answers have; any other status answers the plain ``Problem``.
PROBLEM_MODELS: dict[int, type[Problem]] = {
    400: BadRequestProblem,
    403: ForbiddenProblem,
    412: PreconditionFailedProblem,
    422: ValidationErrorProblem,
    429: RateLimitedProblem,
}

_CODE_BY_STATUS: dict[int, ProblemCode] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def problem_body(status: int, code: ProblemCode, detail: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://synclog.app/problems/{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    body.update(extra or {})
    return body


def problem_response(
    status: int,
    code: ProblemCode,
    detail: str,
    *,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, code, detail, extra),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=dict(headers or {}),
    )


def response_for(error: ProblemError) -> JSONResponse:
    return problem_response(error.status, error.code, error.detail, extra=error.extra, headers=error.headers)


def validation_problem(errors: Iterable[Mapping[str, Any]], *, under: tuple[str, ...] = ()) -> ValidationProblem:
    """Validation errors (pydantic's or FastAPI's) as the 422 problem: each error's ``loc``, ``msg`` and
    ``type``, with ``under`` put before every ``loc`` (``("body",)`` for a body validated by hand)."""
    listed = [
        {"loc": [*under, *item.get("loc", ())], "msg": str(item.get("msg", "")), "type": str(item.get("type", ""))}
        for item in errors
    ]
    where = ".".join(str(part) for part in listed[0]["loc"]) if listed else "request"
    detail = f"{where}: {listed[0]['msg']}" if listed else "The request is not valid."
    return ValidationProblem(detail, errors=listed)


async def _on_problem(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ProblemError)
    return response_for(error)


async def _on_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return response_for(validation_problem(error.errors()))


async def _on_model_validation(request: Request, error: Exception) -> JSONResponse:
    """A body that became invalid once merged (PATCH) is the client's error, like any other."""
    assert isinstance(error, ModelValidationError)
    return response_for(validation_problem(error.errors(), under=("body",)))


async def _on_integrity(request: Request, error: Exception) -> JSONResponse:
    """Two requests raced to create one id: the loser is told to retry, not served a 500."""
    return problem_response(409, "conflict", "A concurrent request wrote the same object; retry.")


async def _on_http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code = _CODE_BY_STATUS.get(error.status_code, "bad_request" if error.status_code < 500 else "internal_error")
    return problem_response(error.status_code, code, str(error.detail), headers=error.headers)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(ModelValidationError, _on_model_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(IntegrityError, _on_integrity)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the problem statuses a route can answer."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
