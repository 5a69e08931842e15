"""Baseline (b), what Synclog is measured against: the least a FastAPI service does.

``fastapi_app`` stores one row per ``POST /entries`` in SQLite with Synclog's pragmas (WAL,
``synchronous=FULL``, ``busy_timeout``, writes in ``BEGIN IMMEDIATE``), validated by one
pydantic model, and answers ``GET /entries`` with the 50 newest rows. It is served by uvicorn
the way ``synclog serve`` is; the database file is ``BENCH_BASELINE_DB``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, status
from pydantic import BaseModel, Field

BUSY_TIMEOUT_MS = 10_000
SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id TEXT PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL,
    intensity INTEGER NOT NULL,
    tags TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_entries_occurred_at_id ON entries (occurred_at, id);
"""
INSERT = "INSERT INTO entries (id, occurred_at, kind, note, intensity, tags) VALUES (?, ?, ?, ?, ?, ?)"
NEWEST = "SELECT id, occurred_at, kind, note, intensity, tags FROM entries ORDER BY occurred_at DESC, id DESC LIMIT 50"


def connect() -> sqlite3.Connection:
    """A connection with Synclog's pragmas; transactions are begun explicitly."""
    connection = sqlite3.connect(
        os.environ["BENCH_BASELINE_DB"], isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


def create_schema() -> None:
    connection = connect()
    connection.executescript(SCHEMA)
    connection.close()


def insert(connection: sqlite3.Connection, row: tuple[str, str, str, str, int, str]) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute(INSERT, row)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def newest(connection: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = connection.execute(NEWEST).fetchall()
    return [
        {"id": r[0], "occurred_at": r[1], "kind": r[2], "note": r[3], "intensity": r[4], "tags": json.loads(r[5])}
        for r in rows
    ]


_local = threading.local()


def thread_connection() -> sqlite3.Connection:
    connection: sqlite3.Connection | None = getattr(_local, "connection", None)
    if connection is None:
        connection = _local.connection = connect()
    return connection


# (b) The least a FastAPI service does: one pydantic model, sync handlers in the thread pool, one insert.


class EntryIn(BaseModel):
    kind: str = "other"
    note: str = Field(default="", max_length=10_000)
    intensity: int = Field(default=3, ge=1, le=5)
    tags: list[str] = Field(default_factory=list, max_length=20)


class EntryOut(EntryIn):
    id: uuid.UUID
    occurred_at: datetime


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    create_schema()
    yield


fastapi_app = FastAPI(lifespan=_lifespan)


@fastapi_app.post("/entries", status_code=status.HTTP_201_CREATED)
def create_entry(body: EntryIn) -> EntryOut:
    entry = EntryOut(id=uuid.uuid4(), occurred_at=datetime.now(UTC), **body.model_dump())
    row = (
        str(entry.id),
        entry.occurred_at.isoformat(),
        entry.kind,
        entry.note,
        entry.intensity,
        json.dumps(entry.tags),
    )
    insert(thread_connection(), row)
    return entry


@fastapi_app.get("/entries")
def list_entries() -> dict[str, list[EntryOut]]:
    return {"data": [EntryOut.model_validate(row) for row in newest(thread_connection())]}


@fastapi_app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
