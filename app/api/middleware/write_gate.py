"""A bound on write requests in flight per process, queued on the event loop rather than in the database.

A write request holds its database lock (SQLite's ``BEGIN IMMEDIATE``; on PostgreSQL the
user's change-counter row) from an early query to its commit, across several hops through
the thread pool (signing in, the write, the commit). When more writers wait for that
lock than the pool has threads, every thread sits waiting while the lock holder waits for a
thread: on SQLite nothing moves until ``busy_timeout`` ends it with "database is locked", on
PostgreSQL nothing moves at all. Queueing writers here, before they take a thread, keeps
waiting writers fewer than the threads. SQLite admits one writer anyway, so there the gate
admits one and the next starts the moment the last is done, instead of after a busy-handler
sleep. The body is read before queueing, so a slow upload never holds up other writers.

A few writes do slow work before they write: an import parses and checks its whole file, and
sign-in, sign-up, ``/me/password`` and ``DELETE /me`` run Argon2 (about half a second of CPU, in a
slow-work process: ``app.core.slow_work``). Those (``SELF_GATED``) pass the gate unqueued, do that
work with a read session or none, and take the slot only around their write transaction
(``in_write_slot``), so no other writer waits on them.
So do keyed writes (every write of a goal, entry or pause sent alone, ``KEYED``): they take no
request session, and sign-in, the write and its commit run in one ``in_write_slot``
(``app.api.keyed_writes.answer_write``), so routing, body validation and the answer of one overlap
another's transaction instead of queueing behind it.

The same trap waits in a connection pool that can run out (PostgreSQL's): requests that
hold a connection wait for a thread while the threads wait for a connection. So on
PostgreSQL a request also takes one of ``POSTGRESQL_SESSIONS`` turns (a ``LoopSemaphore``,
taken in ``app.api.deps.get_session``) before it opens its database session; SQLite's pool
never runs out.
"""

from __future__ import annotations

import asyncio
import contextvars
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from typing import Concatenate, ParamSpec, TypeVar

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.methods import writes
from app.core.database import Database

Params = ParamSpec("Params")
Result = TypeVar("Result")

SQLITE_WRITERS = 1
POSTGRESQL_WRITERS = 8
# Threads of the pool that runs sync code (anyio's default is 40). More writers than threads could
# leave a lock holder without a thread; many more threads than cores only make them fight for the
# GIL: 64 timeline reads on 40 threads took 10.7 ms of CPU per request, on 4 to 8 threads 6 to 7. SQLite
# answers from local files, so a few threads keep it busy; PostgreSQL's threads wait on the network.
SQLITE_THREADS = 8
POSTGRESQL_THREADS = 24
# Request sessions open at once on PostgreSQL: with a request's occasional second connection (a read's
# bookkeeping write, an export's snapshot), under the pool's 30 connections (``app.core.database``).
POSTGRESQL_SESSIONS = 16
API_PREFIX = "/api/v1"
# Writes that take the slot themselves, only around their write (see the module's docstring).
SELF_GATED = frozenset(
    {
        ("POST", f"{API_PREFIX}/import"),
        ("POST", f"{API_PREFIX}/auth/login"),
        ("POST", f"{API_PREFIX}/auth/register"),
        ("POST", f"{API_PREFIX}/me/password"),
        ("DELETE", f"{API_PREFIX}/me"),
    }
)


# Collections whose writes are all keyed writes: ``POST`` to the collection, ``PUT``, ``PATCH``, ``DELETE`` to an item.
KEYED = tuple(f"{API_PREFIX}/{collection}" for collection in ("entries", "goals", "pauses"))


def keyed_write_path(path: str) -> bool:
    """Whether an unsafe request to ``path`` is a keyed write: to one of ``KEYED`` or to one of their items."""
    for collection in KEYED:
        if path.startswith(collection):
            rest = path[len(collection) :]
            return rest == "" or (rest[:1] == "/" and "/" not in rest[1:])
    return False


def gated_write(method: str, path: str) -> bool:
    """Whether a request queues at the gate and writes in its request session (``app.api.deps.get_session``)."""
    return writes(method) and (method, path) not in SELF_GATED and not keyed_write_path(path)


class LoopSemaphore:
    """An ``asyncio.Semaphore`` per event loop: a server runs one loop, but test clients each run their own."""

    def __init__(self, value: int) -> None:
        self.value = value
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def __call__(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.value)
        return semaphore


async def in_write_slot(
    request: Request,
    write: Callable[Concatenate[Session, Params], Result],
    *args: Params.args,
    **kwargs: Params.kwargs,
) -> Result:
    """``write(session, …)`` in a write transaction of its own, on a write thread, holding the write slot.

    For the routes of ``SELF_GATED`` once their slow work is done, and keyed writes; the slot is waited for on the
    event loop (never in a thread), and the app keeps it in ``app.state.write_gate``, its threads in ``write_threads``.
    """
    gate: LoopSemaphore = request.app.state.write_gate
    threads: ThreadPoolExecutor = request.app.state.write_threads
    database: Database = request.app.state.database

    def run() -> Result:
        with database.write_transaction() as session:
            return write(session, *args, **kwargs)

    async with gate():
        # On the app's write threads (``write_threads``): an admitted writer never waits for a thread of the shared
        # pool while holding the slot. The request's context variables (its id in the log) go along.
        return await asyncio.get_running_loop().run_in_executor(threads, contextvars.copy_context().run, run)


def write_threads(writers: int) -> ThreadPoolExecutor:
    """The threads an app's ``in_write_slot`` transactions run on: one per writer its gate admits, so a writer
    admitted always finds a thread (the shared pool's threads may all be busy reading)."""
    return ThreadPoolExecutor(writers, thread_name_prefix="synclog-write")


async def in_read_session(
    request: Request,
    read: Callable[Concatenate[Session, Params], Result],
    *args: Params.args,
    **kwargs: Params.kwargs,
) -> Result:
    """``read(session, …)`` in a read session of its own, in the thread pool, closed before this returns.

    For a route that must hold no session through slow work (sign-in's Argon2): on PostgreSQL the
    session's turn (``app.state.session_gate``) is waited for on the event loop, as a request's is.
    """
    gate: LoopSemaphore | None = request.app.state.session_gate
    database: Database = request.app.state.database

    def run() -> Result:
        with database.read_session() as session:
            return read(session, *args, **kwargs)

    async with gate() if gate is not None else nullcontext():
        return await run_in_threadpool(run)


class WriteGate:
    """ASGI middleware admitting ``gate.value`` write requests (``POST``/``PUT``/``PATCH``/``DELETE``) at a time."""

    def __init__(self, app: ASGIApp, *, gate: LoopSemaphore) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not gated_write(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        body: list[Message] = []
        while True:
            message = await receive()
            body.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                break

        async def replay() -> Message:
            return body.pop(0) if body else await receive()

        async with self.gate():
            await self.app(scope, replay, send)
