"""Summary computations take turns: one per user at a time, on a few threads of their own (``/summary``'s
uncached computation in a slow-work process instead: ``app.core.slow_work``, ``user_turn``).

A summary over years of entries costs far more than any other read. Run on the thread pool
that every request shares (sign-in, the session's end, each write), ten of one account's at
once would hold every thread while other users wait for one; run here, they wait for each
other instead (SPEC §8). The app holds one (``app.state.summary_turns``).

A request waits for its turn twice: by its credential before its database session is opened
(``caller_turn``: on PostgreSQL a waiting request would hold one of the sessions every request
takes turns for, and 8 summaries waiting beside 8 sign-ins held them all), then by its user.
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import ParamSpec, TypeVar

from anyio import CapacityLimiter, to_thread

# Threads that compute summaries, beside the shared pool (``app.api.middleware.write_gate``'s counts).
SUMMARY_THREADS = 2
Params = ParamSpec("Params")
Result = TypeVar("Result")


@dataclass
class _Turn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0


@dataclass
class _LoopTurns:
    limiter: CapacityLimiter
    users: dict[Hashable, _Turn] = field(default_factory=dict)
    callers: dict[Hashable, _Turn] = field(default_factory=dict)


class SummaryTurns:
    """Runs each user's summary computations one at a time, on ``threads`` threads shared by all users.

    Kept per event loop (a server runs one; test clients each run their own), as asyncio's locks are.
    """

    def __init__(self, threads: int = SUMMARY_THREADS) -> None:
        self.threads = threads
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopTurns] = weakref.WeakKeyDictionary()

    def _of_loop(self) -> _LoopTurns:
        loop = asyncio.get_running_loop()
        turns = self._loops.get(loop)
        if turns is None:
            turns = self._loops[loop] = _LoopTurns(CapacityLimiter(self.threads))
        return turns

    @staticmethod
    @asynccontextmanager
    async def _turn(waiting: dict[Hashable, _Turn], key: Hashable) -> AsyncIterator[None]:
        turn = waiting.setdefault(key, _Turn())
        turn.waiting += 1
        try:
            async with turn.lock:
                yield
        finally:
            turn.waiting -= 1
            if turn.waiting == 0:  # nobody else holds or waits for it: forget the key
                del waiting[key]

    @asynccontextmanager
    async def caller_turn(self, credential: str) -> AsyncIterator[None]:
        """Held from before the request's database session until its end: one summary request per credential
        (a bearer token or a session cookie) at a time, the others waiting on the event loop with no session."""
        async with self._turn(self._of_loop().callers, credential):
            yield

    @asynccontextmanager
    async def user_turn(self, user_id: uuid.UUID) -> AsyncIterator[None]:
        """Held while one of the user's summaries is computed (elsewhere than ``run`` puts it: a slow-work process),
        so the user's others wait for it."""
        async with self._turn(self._of_loop().users, user_id):
            yield

    async def run(
        self, user_id: uuid.UUID, compute: Callable[Params, Result], *args: Params.args, **kwargs: Params.kwargs
    ) -> Result:
        """``compute(*args, **kwargs)`` in a summary thread, once the user's earlier computations are done."""
        turns = self._of_loop()
        async with self._turn(turns.users, user_id):
            return await to_thread.run_sync(partial(compute, *args, **kwargs), limiter=turns.limiter)
