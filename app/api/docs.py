"""The API reference at ``/docs``, served from the installed Swagger UI files (no CDN, no inline script)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from app.api.deps import SECURITY_SCHEMES, sign_in
from app.api.problems import PROBLEM_JSON

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Synclog API</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
"""

_INIT = 'window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});\n'


@router.get("/docs")
def docs_page() -> HTMLResponse:
    return HTMLResponse(_PAGE)


@router.get("/docs/init.js")
def docs_init() -> Response:
    return Response(_INIT, media_type="text/javascript")


def _signs_in(dependant: Dependant) -> bool:
    return any(dep.call is sign_in or _signs_in(dep) for dep in dependant.dependencies)


def document_security(app: FastAPI, schema: dict[str, Any]) -> None:
    """Name the ways to authenticate, and mark every operation whose route signs in as needing one."""
    schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    either: list[dict[str, list[str]]] = [{name: []} for name in SECURITY_SCHEMES]
    for route in iter_route_contexts(app.routes):  # included routers' routes, with their full paths
        if isinstance(route.original_route, APIRoute) and route.include_in_schema and _signs_in(route.dependant):
            for method in route.methods or ():
                schema["paths"][route.path_format][method.lower()]["security"] = either


PRECONDITION_HEADERS = ("if-match", "if-none-match")


def document_precondition_errors(schema: dict[str, Any]) -> None:
    """Every operation that reads ``If-Match`` or ``If-None-Match`` can answer 400 for a malformed one."""
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            headers = {
                parameter["name"].lower()
                for parameter in operation.get("parameters", [])
                if parameter.get("in") == "header"
            }
            if headers.intersection(PRECONDITION_HEADERS):
                operation["responses"].setdefault(
                    "400",
                    {
                        "description": "Bad Request",
                        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    },
                )


def install_docs(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/docs/static", StaticFiles(directory=swagger_ui_path), name="docs-static")

    def openapi() -> dict[str, Any]:
        documented = app.openapi_schema is not None
        schema = FastAPI.openapi(app)  # made once, then kept in app.openapi_schema
        if not documented:
            document_security(app, schema)
            document_precondition_errors(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
