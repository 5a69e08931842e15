"""415 ``unsupported_media_type`` for a request body of a type the API does not read, before any route runs.

Every ``/api/v1`` body is JSON (``application/json``, or any ``+json`` type such as
``application/merge-patch+json`` for PATCH); ``POST /import`` also takes CSV. A body sent without a
``Content-Type`` is read as JSON, as before; requests without a body pass.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.problems import problem_response

API_PREFIX = "/api/v1"
IMPORT_PATH = "/api/v1/import"
CSV_TYPES = frozenset({"text/csv", "application/csv", "text/plain"})
BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope["headers"]}


def accepted(method: str, path: str, media_type: str) -> bool:
    """Whether a body of ``media_type`` (lower case, without parameters) may be sent to ``method path``."""
    if media_type == "application/json" or media_type.endswith("+json"):
        return True
    return method == "POST" and path.rstrip("/") == IMPORT_PATH and media_type in CSV_TYPES


class MediaTypeMiddleware:
    """Answer 415 to an ``/api/v1`` request whose body's ``Content-Type`` its route cannot read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in BODILESS and str(scope["path"]).startswith(API_PREFIX):
            headers = _headers(scope)
            has_body = headers.get(b"content-length", b"0") not in {b"0", b""} or b"transfer-encoding" in headers
            raw = headers.get(b"content-type")
            if has_body and raw is not None:
                media_type = raw.decode("latin-1").split(";")[0].strip().lower()
                if not accepted(scope["method"], str(scope["path"]), media_type):
                    detail = f"This endpoint reads JSON bodies, not {media_type or 'an empty Content-Type'}."
                    await problem_response(415, "unsupported_media_type", detail)(scope, receive, send)
                    return
        await self.app(scope, receive, send)
