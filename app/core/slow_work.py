"""Slow work (Argon2, an import's parse and check) in processes of its own, at the lowest CPU priority.

Every request a server process answers needs that process's GIL. Run on a thread of the server,
pure-Python work (an import's check of 100 000 rows: pydantic, for seconds) holds it for up to the
switch interval at a time, again and again, so every other user's request waits behind it; and a
thread's CPU priority orders it only among the threads of its own scheduling group. Run here, the
work takes neither the server's GIL nor a core the server wants: each process runs at Linux's
lowest CPU priority (nice 19, the whole process, so the threads it starts, libargon2's lanes,
inherit it), and between processes of one group nice is strong (a nice-19 task weighs 15 against
a nice-0 task's 1 024).

``SLOW_WORK_PROCESSES`` processes, shared by every app of the Python process, started on first use
(``spawn``: never a fork of a threaded server) and kept while anything holds them (``held``: an
app holds them for its lifespan); the last holder to leave shuts them down. What runs here must be
a module-level function, and its arguments and result are pickled both ways.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from typing import ParamSpec, TypeVar

from app.core.database import Database, open_database
from app.core.settings import Settings

Params = ParamSpec("Params")
Result = TypeVar("Result")

# Two: Argon2 and an import's check take a core each; more would only queue on the 2 cores of a small host.
SLOW_WORK_PROCESSES = 2
# Linux's lowest CPU priority (nice 19): the processes get a core only when nothing of the server wants it.
LOWEST_PRIORITY = 19
# How often a slow-work process checks that its server still runs.
SERVER_CHECK_SECONDS = 1.0

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_holders = 0
# In a slow-work process: the databases it reads, by URL, opened on first use (without a pool: no connection
# is held between two pieces of work).
_databases: dict[str, Database] = {}


def _start_process(server: int) -> None:
    """In each slow-work process, before its first task: the lowest CPU priority, Ctrl-C left to the server, and
    an end when the server (process ``server``) is gone."""
    if hasattr(os, "setpriority"):
        # On Linux this names the calling thread, the process's only one yet: every thread it starts inherits it.
        os.setpriority(os.PRIO_PROCESS, 0, LOWEST_PRIORITY)
    # A terminal's Ctrl-C reaches the whole process group; the server shuts these processes down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(server,), name="slow-work-watch", daemon=True).start()


def _end_with(server: int) -> None:
    """Exit once the server is gone: a server killed outright (out of memory, ``kill -9``) never shuts its pool
    down, and its processes, which hold their queue's both ends, would wait for work forever."""
    while os.getppid() == server:
        time.sleep(SERVER_CHECK_SECONDS)
    os._exit(0)


def _started() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                SLOW_WORK_PROCESSES,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_process,
                initargs=(os.getpid(),),
            )
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    """Forget a pool whose process died (``BrokenProcessPool``): the next task starts new processes."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


async def run(work: Callable[Params, Result], *args: Params.args, **kwargs: Params.kwargs) -> Result:
    """``work(*args, **kwargs)`` in a slow-work process; the event loop waits for it, no thread does.

    ``work`` is a module-level function; its arguments, result and exception are pickled. Raises
    what ``work`` raised, or ``BrokenProcessPool`` if its process died (the next call starts anew).
    """
    pool = _started()
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, partial(work, *args, **kwargs))
    except BrokenProcessPool:
        _discard(pool)
        raise


@contextmanager
def held() -> Iterator[None]:
    """Keep the processes (once started) until the block ends, and shut them down if it held them last."""
    global _holders, _pool
    with _lock:
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            pool, _pool = (_pool, None) if _holders == 0 else (None, _pool)
        if pool is not None:
            # Waits for work already running (at most an import's check), so the processes end cleanly.
            pool.shutdown(wait=True, cancel_futures=True)


def database(settings: Settings) -> Database:
    """In a slow-work process, the database ``settings`` name, for work that reads (an import's check): its
    sessions connect anew and close their connection when they end."""
    found = _databases.get(settings.database_url)
    if found is None:
        found = _databases[settings.database_url] = open_database(settings, pooled=False)
    return found
