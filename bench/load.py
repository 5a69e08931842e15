"""The load generator: asyncio + httpx, closed loop (fixed concurrency) and open loop (fixed arrival rate).

Closed loop measures peak throughput: ``concurrency`` workers, each sending its next request
as soon as the previous one is answered. Open loop measures latency at a given rate: requests
start on a fixed schedule whatever the server does, and each latency counts from the moment the
request was due, so a stalled server cannot hide its queue (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None


RequestFactory = Callable[[], Request]


@dataclass
class Result:
    """What one phase measured; latencies in seconds."""

    name: str
    mode: str
    duration: float
    latencies: list[float]
    statuses: Counter[int]
    errors: Counter[str]
    concurrency: int | None = None
    target_rate: float | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def failures(self) -> int:
        bad = sum(count for code, count in self.statuses.items() if not 200 <= code < 300)
        return bad + sum(self.errors.values())

    @property
    def rate(self) -> float:
        return self.requests / self.duration if self.duration else 0.0

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile latency (nearest rank), in seconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
        return ordered[rank]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(99)

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "mode": self.mode,
            "concurrency": self.concurrency,
            "target_rate": self.target_rate,
            "requests": self.requests,
            "duration_s": round(self.duration, 3),
            "rate": round(self.rate, 1),
            "median_ms": round(self.median * 1000, 2),
            "p99_ms": round(self.p99 * 1000, 2),
            "failures": self.failures,
            "statuses": {str(code): count for code, count in sorted(self.statuses.items())},
            "errors": dict(self.errors),
        }

    def line(self) -> str:
        extra = f"c={self.concurrency}" if self.concurrency else f"target {self.target_rate:.0f}/s"
        return (
            f"{self.name:<34} {self.mode:<6} {extra:<14} {self.rate:8.1f} req/s  "
            f"median {self.median * 1000:7.2f} ms  p99 {self.p99 * 1000:7.2f} ms  failures {self.failures}"
        )


def client(connections: int) -> httpx.AsyncClient:
    # Idle connections are dropped before uvicorn's 5 s keep-alive timeout would close them under a request.
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=2.0)
    return httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60.0))


async def _send(http: httpx.AsyncClient, request: Request) -> int:
    response = await http.request(request.method, request.url, headers=request.headers, content=request.content)
    await response.aread()
    return response.status_code


async def closed_loop(name: str, make: RequestFactory, *, concurrency: int, duration: float, warmup: float) -> Result:
    """``concurrency`` connections kept busy for ``warmup`` (not recorded) plus ``duration`` seconds."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    async with client(concurrency) as http:
        start = time.perf_counter()
        record_from = start + warmup
        stop = record_from + duration

        async def worker() -> None:
            while (sent := time.perf_counter()) < stop:
                try:
                    code = await _send(http, make())
                except httpx.HTTPError as exc:
                    if record_from <= time.perf_counter() <= stop:
                        errors[type(exc).__name__] += 1
                    continue
                done = time.perf_counter()
                # A request counts in the window it completes in; latencies straddling the edge count too.
                if record_from <= done <= stop:
                    latencies.append(done - sent)
                    statuses[code] += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Result(name, "closed", duration, latencies, statuses, errors, concurrency=concurrency)


async def open_loop(
    name: str, make: RequestFactory, *, rate: float, duration: float, warmup: float, connections: int = 256
) -> Result:
    """Requests due every ``1/rate`` seconds; each latency counts from when its request was due."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    async with client(connections) as http:
        start = time.perf_counter()
        total = int((warmup + duration) * rate)
        skip = int(warmup * rate)
        tasks: list[asyncio.Task[None]] = []

        async def one(due: float, recorded: bool) -> None:
            try:
                code = await _send(http, make())
            except httpx.HTTPError as exc:
                if recorded:
                    errors[type(exc).__name__] += 1
                return
            if recorded:
                latencies.append(time.perf_counter() - due)
                statuses[code] += 1

        for index in range(total):
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(due, index >= skip)))
        await asyncio.gather(*tasks)
    return Result(name, "open", duration, latencies, statuses, errors, target_rate=rate)
