"""Counting and timing every HTTP request by the route it matched (the metrics live in ``app.core.metrics``)."""

from __future__ import annotations

import time

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class MetricsMiddleware:
    """Counts and times every HTTP request by the route it matched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = route_template(scope, status)
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            LATENCY.labels(scope["method"], route).observe(time.perf_counter() - started)
