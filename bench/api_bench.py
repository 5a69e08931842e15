"""The Synclog scenario: a seeded user driven through quick log, timeline, summary and changes.

One run per engine: peak throughput at 64 connections and p99 at half that rate for each
endpoint, the timeline 1 000 pages deep against its first page, and the server's memory after
the user's log has grown to ``fill_to`` entries.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench import load, processes

API = "/api/v1"
EMAIL = "bench@example.com"
SCOPES = ("entries:read", "entries:write", "goals:read", "goals:write", "summary:read", "export")
# The same body goes to Synclog and to both baselines.
QUICK_LOG_BODY = {
    "kind": "thought_then_met",
    "note": "Thought of Ana, then met her at the station",
    "intensity": 3,
    "tags": ["friends"],
}
IMPORT_CHUNK = 5_000
KINDS = ("thought_then_met", "shared_date", "shared_interest", "number", "name_or_word", "dream", "other")


@dataclass(frozen=True)
class Plan:
    """How long and how big: ``--quick`` shrinks every figure."""

    warmup: float
    duration: float
    concurrency: int
    fill_to: int
    depth_pages: int
    page_size: int = 50


FULL = Plan(warmup=2.0, duration=8.0, concurrency=64, fill_to=100_000, depth_pages=1_000)
QUICK = Plan(warmup=1.0, duration=3.0, concurrency=64, fill_to=3_000, depth_pages=20)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def count_entries(database_url: str) -> int:
    """Entries in the database, read beside the server (never written)."""
    if database_url.startswith("sqlite"):
        with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as lite:
            return int(lite.execute("SELECT count(*) FROM entries").fetchone()[0])
    with psycopg.connect(database_url) as connection:
        row = connection.execute("SELECT count(*) FROM entries").fetchone()
        return int(row[0]) if row else 0


def seed_token(database_url: str) -> str:
    """A user and a personal access token, made with the ``synclog`` command as an operator would."""
    processes.synclog_cli(
        ["user", "create", "--email", EMAIL, "--password-stdin"], database_url=database_url, stdin="bench-password\n"
    )
    scopes = [arg for scope in SCOPES for arg in ("--scope", scope)]
    output = processes.synclog_cli(
        ["token", "create", "--email", EMAIL, "--name", "bench", *scopes], database_url=database_url
    )
    for word in output.split():
        if word.startswith("sl_pat_"):
            return word
    raise RuntimeError(f"no token in: {output}")


class Requests:
    """Request factories for one server and token."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base = base_url + API
        self.auth = {"Authorization": f"Bearer {token}"}
        self.body = json.dumps(QUICK_LOG_BODY).encode()

    def quick_log(self) -> load.Request:
        headers = {**self.auth, "Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
        return load.Request("POST", self.base + "/entries", headers, self.body)

    def timeline(self, cursor: str | None = None) -> load.Request:
        query = "?limit=50" + (f"&cursor={cursor}" if cursor else "")
        return load.Request("GET", self.base + "/entries" + query, self.auth)

    def summary(self) -> load.Request:
        return load.Request("GET", self.base + "/summary", self.auth)

    def changes(self) -> load.Request:
        return load.Request("GET", self.base + "/changes?limit=500", self.auth)


async def first_request_ms(request: load.Request) -> float:
    async with httpx.AsyncClient(timeout=600) as http:
        started = time.perf_counter()
        response = await http.request(request.method, request.url, headers=request.headers)
        response.raise_for_status()
        return (time.perf_counter() - started) * 1000


async def endpoint_exists(request: load.Request) -> bool:
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.request(request.method, request.url, headers=request.headers, content=request.content)
        return response.status_code not in (404, 405)


async def measure(name: str, make: load.RequestFactory, plan: Plan, *, half_peak: bool = True) -> dict[str, Any]:
    """Peak throughput at ``plan.concurrency`` connections, then latency at half that rate (open loop)."""
    peak = await load.closed_loop(name, make, concurrency=plan.concurrency, duration=plan.duration, warmup=plan.warmup)
    log(peak.line())
    result: dict[str, Any] = {"peak": peak.summary()}
    if half_peak and peak.rate > 0:
        half = await load.open_loop(name, make, rate=peak.rate / 2, duration=plan.duration, warmup=plan.warmup)
        log(half.line())
        result["half_peak"] = half.summary()
    return result


def _import_document(count: int, *, newest: datetime) -> bytes:
    """A Synclog JSON export of ``count`` entries, one every 13 minutes back from ``newest``."""
    entries = [
        {
            "id": str(uuid.uuid4()),
            "occurred_at": (newest - timedelta(minutes=13 * index)).isoformat(),
            "timezone": "Europe/Berlin",
            "kind": KINDS[index % len(KINDS)],
            "note": f"Synchronicity {index}: thought of a friend, then met them",
            "intensity": 1 + index % 5,
            "tags": ["friends", f"week-{index // 500}"],
            "people": ["Ana"] if index % 3 == 0 else [],
        }
        for index in range(count)
    ]
    return json.dumps({"format": "synclog-export", "version": 1, "entries": entries}).encode()


async def fill(requests: Requests, *, database_url: str, target: int) -> dict[str, Any]:
    """Grow the user's log to ``target`` entries through ``POST /import``, one transaction per chunk.

    Written one by one, each entry would cost a commit (an fsync with ``synchronous=FULL``), and
    100 000 of them would take the run's whole time budget.
    """
    missing = max(0, target - count_entries(database_url))
    started = time.perf_counter()
    written = failed = 0
    newest = datetime.now(UTC) - timedelta(days=1)
    async with httpx.AsyncClient(timeout=600, headers=requests.auth) as http:
        while written + failed < missing:
            size = min(IMPORT_CHUNK, missing - written - failed)
            document = _import_document(size, newest=newest - timedelta(minutes=13 * (written + failed)))
            response = await http.post(
                requests.base + "/import", content=document, headers={"Content-Type": "application/json"}
            )
            if response.status_code == 200:
                written += size
            else:
                failed += size
                log(f"import failed: {response.status_code} {response.text[:300]}")
    elapsed = time.perf_counter() - started
    rate = written / elapsed if elapsed else 0.0
    log(f"fill: {written} entries through POST /import in {elapsed:.1f} s ({rate:.0f}/s), {failed} failed")
    return {"written": written, "failed": failed, "seconds": round(elapsed, 1), "path": "POST /api/v1/import"}


async def deep_cursor(requests: Requests, *, pages: int, page_size: int) -> str:
    """The timeline cursor ``pages`` pages of ``page_size`` deep, reached by following ``next_cursor``."""
    step = 200 if (pages * page_size) % 200 == 0 else page_size
    cursor: str | None = None
    async with httpx.AsyncClient(timeout=60, headers=requests.auth) as http:
        for _ in range(pages * page_size // step):
            params = {"limit": str(step), **({"cursor": cursor} if cursor else {})}
            response = await http.get(requests.base + "/entries", params=params)
            response.raise_for_status()
            cursor = response.json()["next_cursor"]
            if cursor is None:
                raise RuntimeError(f"the timeline ended before {pages} pages")
    assert cursor is not None
    return cursor


async def run(engine: str, database_url: str, log_dir: Path, plan: Plan) -> dict[str, Any]:
    """Everything measured on one engine."""
    server = processes.start_synclog(database_url, log_dir)
    try:
        token = seed_token(database_url)
        requests = Requests(server.url, token)
        results: dict[str, Any] = {"engine": engine, "plan": plan.__dict__, "endpoints": {}}
        results["rss_start_bytes"] = server.rss()

        log(f"{engine}: quick-log POST /entries")
        results["endpoints"]["quick_log"] = await measure("POST /entries (quick log)", requests.quick_log, plan)

        results["fill"] = await fill(requests, database_url=database_url, target=plan.fill_to)
        results["entries"] = count_entries(database_url)
        results["rss_after_fill_bytes"] = server.rss()
        log(f"{engine}: {results['entries']} entries, server RSS {server.rss() / 2**20:.1f} MiB")

        log(f"{engine}: reads over {results['entries']} entries")
        results["endpoints"]["timeline"] = await measure("GET /entries?limit=50", requests.timeline, plan)
        results["depth_pages"] = pages = min(plan.depth_pages, results["entries"] // plan.page_size - 1)
        cursor = await deep_cursor(requests, pages=pages, page_size=plan.page_size)
        results["endpoints"]["timeline_deep"] = await measure(
            f"GET /entries?limit=50 at page {pages}", lambda: requests.timeline(cursor), plan
        )
        # The summary is cached until the user's next write: one request computes it, then the load reads it.
        results["summary_first_ms"] = await first_request_ms(requests.summary())
        log(f"GET /summary after the last write: {results['summary_first_ms']:.0f} ms")
        results["endpoints"]["summary"] = await measure("GET /summary", requests.summary, plan)
        if await endpoint_exists(requests.changes()):
            results["endpoints"]["changes"] = await measure("GET /changes?limit=500", requests.changes, plan)
        else:
            log("GET /changes does not exist yet; skipped")
        results["rss_end_bytes"] = server.rss()
        results["log_problems"] = server.problems()
        return results
    finally:
        server.stop()
