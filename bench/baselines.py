"""The two baselines Synclog is measured against: the cost of the work itself.

Both store one row per ``POST /entries`` in SQLite with Synclog's pragmas (WAL,
``synchronous=FULL``, ``busy_timeout``, writes in ``BEGIN IMMEDIATE``) and answer
``GET /entries`` with the 50 newest rows. ``raw_app`` is a bare ASGI callable;
``fastapi_app`` is the least a FastAPI service does (one pydantic model). Both are
served by uvicorn the way ``synclog serve`` is; the database file is ``BENCH_BASELINE_DB``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
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

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


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


# (a) A bare ASGI app: one writer thread with one connection (SQLite admits one writer anyway), reads on a pool.


class RawApp:
    def __init__(self) -> None:
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="writer")
        self.readers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="reader")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    create_schema()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        loop = asyncio.get_running_loop()
        path, method = scope["path"], scope["method"]
        if path == "/entries" and method == "POST":
            body = b""
            more = True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
            data = json.loads(body)
            row = (
                str(uuid.uuid4()),
                datetime.now(UTC).isoformat(),
                str(data.get("kind", "other")),
                str(data.get("note", "")),
                int(data.get("intensity", 3)),
                json.dumps(data.get("tags", [])),
            )
            await loop.run_in_executor(self.writer, insert, thread_connection(), row)
            answer = {"id": row[0], "occurred_at": row[1], "kind": row[2], "note": row[3], "intensity": row[4]}
            await _respond(send, 201, json.dumps(answer).encode())
        elif path == "/entries" and method == "GET":
            rows = await loop.run_in_executor(self.readers, lambda: newest(thread_connection()))
            await _respond(send, 200, json.dumps({"data": rows}).encode())
        elif path == "/healthz":
            await _respond(send, 200, b'{"status":"ok"}')
        else:
            await _respond(send, 404, b'{"detail":"not found"}')


async def _respond(send: Send, status_code: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})


raw_app = RawApp()


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
