"""The API reference at ``/docs``, served from the installed Swagger UI files (no CDN, no inline script)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from app.api.openapi import complete

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


def install_docs(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/docs/static", StaticFiles(directory=swagger_ui_path), name="docs-static")

    def openapi() -> dict[str, Any]:
        documented = app.openapi_schema is not None
        schema = FastAPI.openapi(app)  # made once, then kept in app.openapi_schema
        if not documented:
            complete(app, schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
