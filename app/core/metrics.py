"""Prometheus metrics of this process: what is counted, and the text ``/metrics`` serves.

One registry per process (with ``--workers N`` each worker reports its own; scrape each
replica). Requests are counted by ``app.api.middleware.metrics``; entries by the entries
service's writes, when their transaction commits (API, sync push, import and demo alike).
"""

from __future__ import annotations

from functools import partial
from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlmodel import Session

from app.core.database import on_commit

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


def count_entry_write(session: Session, operation: Literal["created", "changed", "deleted"], *, count: int = 1) -> None:
    """Count ``count`` entries written in ``session`` once its transaction commits (never, if it rolls back)."""
    if count:
        on_commit(session, partial(ENTRIES_WRITTEN.labels(operation).inc, count))


def render() -> bytes:
    return generate_latest(REGISTRY)
