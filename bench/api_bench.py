"""The Synclog scenario: one user with 100 000 entries, driven by wrk through its busiest endpoints.

For each server (Synclog on SQLite with one process, with ``--workers 2``, on PostgreSQL) and
each connection count: peak throughput (closed loop), then latency at half that peak (paced),
and the server's CPU per request, for the quick log, the timeline, the summary, a page of
changes and ``/healthz``. The quick log goes first: its writes would otherwise invalidate the
summary the reads are measured on.

``code`` runs another checkout of Synclog (``--compare LABEL=DIR``) the same way: its own seeder,
migrations, CLI and server; an endpoint it does not answer with a 2xx is reported as not measured.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench import processes, wrk
from bench.lua import Target
from bench.processes import AFTER, UNDER_TEST, Code
from bench.summary_bench import EMAIL

API = "/api/v1"
SCOPES = ("entries:read", "entries:write", "goals:read", "summary:read")
# The same body goes to Synclog and to baseline (b).
QUICK_LOG_BODY = {
    "kind": "thought_then_met",
    "note": "Thought of Ana, then met her at the station",
    "intensity": 3,
    "tags": ["friends"],
}
# Endpoint → what the report calls it, and the baseline (b) operation it is compared with.
ENDPOINTS: dict[str, tuple[str, str]] = {
    "quick_log": ("quick log `POST /api/v1/entries` (token, `Idempotency-Key`)", "post"),
    "timeline": ("timeline `GET /api/v1/entries?limit=50`", "get"),
    "summary": ("`GET /api/v1/summary`", "get"),
    "changes": ("`GET /api/v1/changes?limit=1000`", "get"),
    "healthz": ("`GET /healthz`", "healthz"),
}


@dataclass(frozen=True)
class Plan:
    """How long and how big; ``--quick`` shrinks every figure."""

    seconds: float = 8.0
    warmup: float = 2.0
    connections: tuple[int, ...] = (16, 64)
    entries: int = 100_000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def quick_log_target(path: str, headers: dict[str, str]) -> Target:
    """A quick-log ``POST`` with a fresh ``Idempotency-Key`` on every request."""
    return Target(
        paths=(path,),
        method="POST",
        headers={**headers, "Content-Type": "application/json"},
        body=json.dumps(QUICK_LOG_BODY),
        unique_header="Idempotency-Key",
    )


def targets(token: str) -> dict[str, Target]:
    auth = {"Authorization": f"Bearer {token}"}
    return {
        "quick_log": quick_log_target(API + "/entries", auth),
        "timeline": Target(paths=(API + "/entries?limit=50",), headers=auth),
        "summary": Target(paths=(API + "/summary",), headers=auth),
        "changes": Target(paths=(API + "/changes?limit=1000",), headers=auth),
        "healthz": Target(paths=("/healthz",)),
    }


def measure(server: processes.ServerProcess, name: str, target: Target, plan: Plan) -> dict[str, Any]:
    """For each connection count: a warm-up, the peak (closed loop), then half that rate (paced).

    ``answered_2xx`` counts every 2xx answer of all of them, warm-ups included.
    """
    found: dict[str, Any] = {"answered_2xx": 0}
    for connections in plan.connections:
        runs = [
            wrk.closed(name, server.url, target, server_pid=server.pid, connections=connections, seconds=plan.warmup)
        ]
        peak = wrk.closed(
            name, server.url, target, server_pid=server.pid, connections=connections, seconds=plan.seconds
        )
        runs.append(peak)
        log(f"{name} c={connections} peak: {json.dumps(peak.row())}")
        entry: dict[str, Any] = {"peak": peak.row()}
        if peak.output.rate > 0:
            half = wrk.paced(
                name,
                server.url,
                target,
                server_pid=server.pid,
                rate=peak.output.rate / 2,
                connections=connections,
                seconds=plan.seconds,
            )
            runs.append(half)
            log(f"{name} c={connections} half peak: {json.dumps(half.row())}")
            entry["half_peak"] = half.row()
        found[str(connections)] = entry
        found["answered_2xx"] += sum(run.answered_2xx for run in runs)
    return found


def prepare(code: Code, database_url: str, plan: Plan) -> str:
    """The user (seeded by ``code`` with ``plan.entries`` entries unless the database has them) and a new token."""
    if not _has_user(code, database_url):
        started = time.perf_counter()
        code.seed_heavy(database_url, plan.entries)
        log(f"{code.label}: seeded {plan.entries} entries in {time.perf_counter() - started:.0f} s")
    scopes = [arg for scope in SCOPES for arg in ("--scope", scope)]
    output = code.cli(
        ["token", "create", "--email", EMAIL, "--name", f"bench-{uuid.uuid4().hex[:6]}", *scopes],
        database_url=database_url,
    )
    return next(word for word in output.split() if word.startswith("sl_pat_"))


def answer_status(base_url: str, target: Target) -> int:
    """The status of one request of ``target`` (a fresh unique header, if it has one)."""
    headers = dict(target.headers)
    if target.unique_header:
        headers[target.unique_header] = str(uuid.uuid4())
    answer = httpx.request(target.method, base_url + target.paths[0], headers=headers, content=target.body, timeout=600)
    return answer.status_code


def count_entries(database_url: str) -> int:
    """Entries in the database, counted beside the server."""
    if database_url.startswith("sqlite"):
        with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as lite:
            return int(lite.execute("SELECT count(*) FROM entries").fetchone()[0])
    with psycopg.connect(database_url) as connection:
        row = connection.execute("SELECT count(*) FROM entries").fetchone()
        return int(row[0]) if row else 0


def _has_user(code: Code, database_url: str) -> bool:
    try:
        return EMAIL in code.cli(["user", "list"], database_url=database_url)
    except RuntimeError:  # no schema yet
        return False


def run(
    label: str, database_url: str, log_dir: Path, plan: Plan, *, workers: int = 1, code: Code = UNDER_TEST
) -> dict[str, Any]:
    """Everything measured on one server: ``code``'s ``synclog serve --workers N`` over ``database_url``.

    For another checkout (``code.label`` not ``after``), ``not_measured`` maps each endpoint it did not answer
    with a 2xx to the status it gave instead (the code under test is measured on every endpoint).
    """
    token = prepare(code, database_url, plan)
    server = processes.start_synclog(
        database_url, log_dir, workers=workers, env=code.env, synclog=code.command, cwd=code.root
    )
    try:
        found: dict[str, Any] = {
            "label": label,
            "workers": workers,
            "code": code.label,
            "revision": code.revision(),
            "endpoints": {},
            "not_measured": {},
        }
        for key, target in targets(token).items():
            if code.label != AFTER and not 200 <= (status := answer_status(server.url, target)) < 300:
                log(f"{label}: {key} not measured, answered {status}")
                found["not_measured"][key] = status
                continue
            log(f"{label}: {key}")
            before = count_entries(database_url) if key == "quick_log" else 0
            measured = found["endpoints"][key] = measure(server, f"{label} {key}", target, plan)
            answered = measured.pop("answered_2xx")
            if key == "quick_log":
                # Every acknowledged quick log must be stored (more may be: answers wrk stopped waiting for).
                found["quick_log_writes"] = {"acknowledged": answered, "stored": count_entries(database_url) - before}
        found["log_problems"] = server.problems()
        return found
    finally:
        server.stop()
