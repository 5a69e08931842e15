"""Answers the framework gives before a route runs, made to keep the API's contract.

The PWA mount never answers for ``/api/``; a 405 names every method the path has; a body that is
not even text is refused like any other invalid JSON (422), not with an undocumented 400.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.api.problems import problem_response

API_PREFIX = "/api/"
CANDIDATE_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class WebMount(Mount):
    """The PWA's files at ``/``; API paths are left to the API, so a wrong method there is its 405, not the files'."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and str(scope["path"]).startswith(API_PREFIX):
            return Match.NONE, {}
        return super().matches(scope)


def mount_web(app: FastAPI, directory: Path) -> None:
    app.router.routes.append(
        WebMount("/", app=StaticFiles(directory=directory, html=True, check_dir=False), name="web")
    )


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method some API route serves at the request's path, for the ``Allow`` header."""
    return [
        method
        for method in CANDIDATE_METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in app.router.routes)
    ]


async def _on_method_not_allowed(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    methods = allowed_methods(request.app, request.scope) if request.url.path.startswith(API_PREFIX) else []
    if methods:
        headers["Allow"] = ", ".join(methods)
    return problem_response(405, "method_not_allowed", f"{request.method} is not allowed here.", headers=headers)


async def _on_unreadable_body(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    # FastAPI raises a bare 400 ``from`` the decoding error when a JSON body is not UTF-8.
    if isinstance(error.__cause__, UnicodeDecodeError):
        errors = [{"loc": ["body"], "msg": "The body is not UTF-8 encoded JSON.", "type": "json_invalid"}]
        return problem_response(422, "validation_error", "body: not UTF-8 encoded JSON", extra={"errors": errors})
    return problem_response(400, "bad_request", str(error.detail), headers=error.headers)


def install_framework_answers(app: FastAPI) -> None:
    app.add_exception_handler(405, _on_method_not_allowed)
    app.add_exception_handler(400, _on_unreadable_body)
