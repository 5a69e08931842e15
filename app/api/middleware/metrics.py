"""Prometheus metrics: requests by route template and status, latency, entries written.

One registry per process (with ``--workers N`` each worker reports its own; scrape each
replica). Entries written are counted when their transaction commits, whichever path
wrote them (API, sync push, import, demo).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.entries.models import Entry

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "synclog_http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ("method", "route", "status"),
    registry=REGISTRY,
)
LATENCY = Histogram(
    "synclog_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ("method", "route"),
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ENTRIES_WRITTEN = Counter(
    "synclog_entries_written_total",
    "Entries created, changed or deleted, counted at commit.",
    ("operation",),
    registry=REGISTRY,
)
RATE_LIMITS_SKIPPED = Counter(
    "synclog_rate_limits_skipped_total",
    "Rate-limit checks skipped (the request went ahead) because the shared store (Redis) did not answer.",
    registry=REGISTRY,
)
CONTENT_TYPE = CONTENT_TYPE_LATEST
_PENDING = "synclog_entry_writes"


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


def render() -> bytes:
    return generate_latest(REGISTRY)


def note_entry_created(session: Session, entry_id: uuid.UUID) -> None:
    """Count an entry inserted without the ORM (the quick log's path) once its transaction commits."""
    session.info.setdefault(_PENDING, {})[entry_id] = "created"


def _note_entry_writes(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    pending: dict[uuid.UUID, str] = session.info.setdefault(_PENDING, {})
    for entry in session.new:
        if isinstance(entry, Entry):
            pending[entry.id] = "created"
    for entry in session.dirty:
        if isinstance(entry, Entry) and entry.id not in pending:
            pending[entry.id] = "deleted" if entry.deleted_at is not None else "changed"


def _count_committed(session: Session) -> None:
    for operation in session.info.pop(_PENDING, {}).values():
        ENTRIES_WRITTEN.labels(operation).inc()


def _forget(session: Session, previous_transaction: Any) -> None:
    session.info.pop(_PENDING, None)


def count_entry_writes() -> None:
    """Listen to every session once per process (idempotent)."""
    if not event.contains(Session, "before_flush", _note_entry_writes):
        event.listen(Session, "before_flush", _note_entry_writes)
        event.listen(Session, "after_commit", _count_committed)
        event.listen(Session, "after_soft_rollback", _forget)
