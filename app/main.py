"""The Synclog application: ``create_app()`` wires settings, database, routes and the PWA."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI

from app import __version__
from app.api.docs import install_docs
from app.api.middleware.body_limit import BodyLimitMiddleware
from app.api.middleware.cors import CorsMiddleware
from app.api.middleware.logs import RequestLogMiddleware
from app.api.middleware.media_type import MediaTypeMiddleware
from app.api.middleware.security_headers import SecurityHeadersMiddleware
from app.api.middleware.write_gate import (
    POSTGRESQL_SESSIONS,
    POSTGRESQL_THREADS,
    POSTGRESQL_WRITERS,
    SQLITE_THREADS,
    SQLITE_WRITERS,
    LoopSemaphore,
    WriteGate,
    write_threads,
)
from app.api.openapi import operation_id
from app.api.problems import install_problem_handlers
from app.api.web import install_framework_answers, mount_web
from app.auth.routes import router as auth_router
from app.core import slow_work
from app.core.database import open_database
from app.core.metrics import RATE_LIMITS_SKIPPED
from app.core.paths import web_dir
from app.core.rate_limits import RateLimits
from app.core.settings import Settings, load_settings
from app.entries.routes import router as entries_router
from app.exchange.routes import router as exchange_router
from app.goals.routes import router as goals_router
from app.health.routes import router as health_router
from app.insights.routes import router as insights_router
from app.pauses.routes import router as pauses_router
from app.people.routes import router as people_router
from app.summary.cache import SummaryCache
from app.summary.routes import router as summary_router
from app.summary.turns import SummaryTurns
from app.sync.routes import router as sync_router

API_PREFIX = "/api/v1"

DESCRIPTION = """The Synclog API: log synchronicities, tie them to goals, mirror a user's log offline.

Authenticate with a personal access token (`Authorization: Bearer sl_pat_…`) or, in the
PWA, the `synclog_session` cookie. Errors are `application/problem+json` with a stable `code`.
"""

# The documentation's order of sections (routes are registered in another order, see below).
OPENAPI_TAGS = [
    {"name": "accounts", "description": "Sign-up, sign-in, settings and personal access tokens."},
    {"name": "goals", "description": "The personal values and intentions entries are tied to."},
    {"name": "entries", "description": "Synchronicities: log, read, change, delete, and the timeline."},
    {"name": "summary", "description": "Streaks, momentum and counts of moving with the current."},
    {"name": "insights", "description": "Echoes, on this day and the person's own patterns over a range."},
    {"name": "people and tags", "description": "The names used across entries: autocomplete, rename and merge."},
    {"name": "sync", "description": "The changes feed and batch push of offline clients."},
    {"name": "export and import", "description": "The whole account as JSON, CSV or Markdown, and back."},
    {"name": "operations", "description": "Health, readiness and metrics."},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    database = open_database(settings)

    sqlite = database.dialect == "sqlite"

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = SQLITE_THREADS if sqlite else POSTGRESQL_THREADS
        # What the app holds from its start lives as long as the process: out of the collector's full
        # collections, which had to walk all of it and stalled requests for tens of milliseconds.
        gc.freeze()
        # Slow work (Argon2, an import's check) runs in processes of their own, started on first use.
        with slow_work.held():
            yield
        database.dispose()

    app = FastAPI(
        title="Synclog",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_tags=OPENAPI_TAGS,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.rate_limits = RateLimits.from_settings(settings, on_skipped=RATE_LIMITS_SKIPPED.inc)
    app.state.summary_cache = SummaryCache()
    app.state.summary_turns = SummaryTurns()
    # SQLite's pool never runs out; PostgreSQL's can, so there requests take turns to open a session.
    app.state.session_gate = None if sqlite else LoopSemaphore(POSTGRESQL_SESSIONS)
    install_problem_handlers(app)
    # Innermost: writers queue after their body is read and the limits above have passed.
    app.state.write_gate = LoopSemaphore(SQLITE_WRITERS if sqlite else POSTGRESQL_WRITERS)
    app.state.write_threads = write_threads(app.state.write_gate.value)
    app.add_middleware(WriteGate, gate=app.state.write_gate)
    # A body of a type no route reads is refused before it is read.
    app.add_middleware(MediaTypeMiddleware)
    # The last added runs first: security headers wrap every answer, CORS answers preflights, then the body limit.
    app.add_middleware(
        BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes, max_import_bytes=settings.max_import_bytes
    )
    if settings.cors_origin_list:
        app.add_middleware(CorsMiddleware, origins=settings.cors_origin_list)
    app.add_middleware(SecurityHeadersMiddleware)
    # Outermost: every answer, refusals included, is counted, timed and logged with its request id.
    app.add_middleware(RequestLogMiddleware)

    # Included one by one (not under one /api/v1 router, whose every request walked the nested
    # routers), the most used first: a request is matched against the routes in this order.
    for router in (
        entries_router,
        summary_router,
        sync_router,
        goals_router,
        pauses_router,
        people_router,
        insights_router,
        auth_router,
        exchange_router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health_router)
    install_docs(app)
    install_framework_answers(app)
    mount_web(app, web_dir())
    return app
