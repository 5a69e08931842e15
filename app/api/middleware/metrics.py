"""Counting and timing every HTTP request by the route it matched (the metrics live in ``app.core.metrics``).

``app.api.middleware.logs`` calls ``count_request`` as it logs the request, with the same route template.
"""

from __future__ import annotations

from starlette.routing import Mount
from starlette.types import Scope

from app.core.metrics import LATENCY, REQUESTS


def route_template(scope: Scope, status: int) -> str:
    """The matched route's template (``/api/v1/entries/{entry_id}``), never the raw path: bounded labels.

    The PWA's files (the mount at ``/``) are ``static``; a path nothing answered is ``unmatched``.
    """
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(route, Mount) or (not template and status < 400):
        return "static"
    if not isinstance(template, str) or not template:
        return "unmatched"
    # A route of an included router knows only its own part; the router prefixes are the leading segments.
    own = [part for part in template.split("/") if part]
    raw = [part for part in str(scope.get("path", "")).split("/") if part]
    if ":path}" in template or len(raw) <= len(own):
        return template
    return "/" + "/".join(raw[: len(raw) - len(own)]) + template


def count_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request and its time under its route template (``route_template``)."""
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)
