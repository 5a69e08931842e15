"""Benchmark of offline sync: pulling 10 000 changes from cursor 0 and pushing 1 000 queued ops in batches.

For each engine, a real ``synclog serve`` (one worker) over a fresh database that holds one user
with 10 000 changes (20 goals and 9 980 entries, a third of them tied to goals, one in twenty a
tombstone). Measured over loopback HTTP from one client, as a device catching up would:

- a full pull from cursor 0 with ``limit=1000`` and with the default ``limit=100``;
- 1 000 queued ops (400 creates, 400 edits, 200 deletes) pushed in batches of 200 and of 50;
- the same 1 000 ops pushed again, as an outbox does after a lost response (all replayed, nothing written);
- for scale, 200 of the same kind of ops sent as single requests with ``Idempotency-Key``.

Prints a Markdown section and writes it to ``docs/benchmarks/sync.md``:

    .venv/bin/python -m bench.sync_bench [--postgres-url postgresql://…] [--engines sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import col

from app.core.database import open_database
from app.core.migrations import upgrade_to_head
from app.core.sequence import ChangeCounter
from app.core.settings import Settings
from app.core.timezones import local_date, local_hour
from app.entries.models import KINDS, Entry, EntryGoal
from app.goals.models import Goal
from bench import machine
from bench.postgres import temporary_database
from bench.processes import REPO, ServerProcess, start_synclog

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
GOALS = 20
CHANGES = 10_000
OPS = 1_000
SINGLE_OPS = 200
PULL_RUNS = 3
API = "/api/v1"
PASSWORD = "bench password 1"  # noqa: S105 - a throwaway account in a throwaway database


@dataclass
class EngineResult:
    engine: str
    pulls: dict[int, list[float]] = field(default_factory=dict)
    pull_bytes: dict[int, int] = field(default_factory=dict)
    pushes: dict[int, float] = field(default_factory=dict)
    batch_latencies: dict[int, list[float]] = field(default_factory=dict)
    replay_seconds: float = 0.0
    single_seconds: float = 0.0
    problems: dict[str, int] = field(default_factory=dict)


def seed(database_url: str, *, user_id: uuid.UUID, rng: random.Random) -> list[uuid.UUID]:
    """10 000 changes straight into the database; returns the live entries' ids."""
    database = open_database(Settings(database_url=database_url))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    goal_ids = [uuid.uuid4() for _ in range(GOALS)]
    live: list[uuid.UUID] = []
    with database.write_transaction() as session:
        session.add_all(
            Goal(id=goal_id, user_id=user_id, title=f"Goal {number}", seq=number + 1)
            for number, goal_id in enumerate(goal_ids)
        )
        session.flush()
        links: list[EntryGoal] = []
        for seq in range(GOALS + 1, CHANGES + 1):
            occurred_at = start + timedelta(minutes=47 * seq)
            deleted = rng.random() < 0.05
            entry = Entry(
                user_id=user_id,
                occurred_at=occurred_at,
                timezone="Europe/Berlin",
                local_date=local_date(occurred_at, "Europe/Berlin", 0),
                local_hour=local_hour(occurred_at, "Europe/Berlin"),
                kind=rng.choice(KINDS),
                note="" if deleted else f"Thought of friend {seq}, then met them at the station",
                tags=[] if deleted else rng.sample(["sea", "ann", "numbers", "dreams"], k=rng.randint(0, 2)),
                source="bench",
                version=2 if deleted else 1,
                seq=seq,
                created_at=occurred_at,
                updated_at=occurred_at,
                deleted_at=occurred_at if deleted else None,
            )
            session.add(entry)
            if not deleted:
                live.append(entry.id)
                if rng.random() < 1 / 3:
                    links.extend(
                        EntryGoal(entry_id=entry.id, goal_id=goal_id, user_id=user_id, local_date=entry.local_date)
                        for goal_id in rng.sample(goal_ids, 1)
                    )
        session.flush()
        session.add_all(links)
        session.execute(update(ChangeCounter).where(col(ChangeCounter.user_id) == user_id).values(last_seq=CHANGES))
    database.dispose()
    return live


def sign_up(server: ServerProcess) -> tuple[uuid.UUID, str]:
    with httpx.Client(base_url=server.url + API, timeout=60) as browser:
        user = browser.post("/auth/register", json={"email": "bench@example.org", "password": PASSWORD})
        user.raise_for_status()
        scopes = ["entries:read", "entries:write", "goals:read", "goals:write"]
        token = browser.post("/tokens", json={"name": "sync bench", "scopes": scopes})
        token.raise_for_status()
        return uuid.UUID(user.json()["id"]), str(token.json()["token"])


def pull(api: httpx.Client, limit: int) -> tuple[float, int, int]:
    """Follow /changes from cursor 0 to the end: (seconds, changes, bytes)."""
    cursor: str | None = None
    seen, size, last_seq = 0, 0, 0
    began = time.perf_counter()
    while True:
        response = api.get("/changes", params={"limit": limit, **({"cursor": cursor} if cursor else {})})
        response.raise_for_status()
        size += len(response.content)
        page = response.json()
        for change in page["changes"]:
            assert change["seq"] > last_seq
            last_seq = change["seq"]
        seen += len(page["changes"])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return time.perf_counter() - began, seen, size


def queued_ops(live: list[uuid.UUID], rng: random.Random) -> list[dict[str, Any]]:
    """400 creates, 400 edits and 200 deletes of distinct entries, shuffled as an outbox would hold them."""
    touched = rng.sample(live, 600)
    for entry_id in touched:
        live.remove(entry_id)
    ops: list[dict[str, Any]] = [
        {"method": "PUT", "type": "entry", "id": str(uuid.uuid4()), "data": {"note": f"offline {number}"}}
        for number in range(400)
    ]
    ops += [
        {"method": "PATCH", "type": "entry", "id": str(entry_id), "data": {"meaning": "It was a sign", "intensity": 4}}
        for entry_id in touched[:400]
    ]
    ops += [{"method": "DELETE", "type": "entry", "id": str(entry_id)} for entry_id in touched[400:]]
    rng.shuffle(ops)
    return [{"op_id": str(uuid.uuid4()), **op} for op in ops]


def push(api: httpx.Client, ops: list[dict[str, Any]], batch: int) -> tuple[float, list[float], list[int]]:
    latencies: list[float] = []
    statuses: list[int] = []
    began = time.perf_counter()
    for start in range(0, len(ops), batch):
        sent = time.perf_counter()
        response = api.post("/sync/push", json={"ops": ops[start : start + batch]})
        latencies.append(time.perf_counter() - sent)
        response.raise_for_status()
        statuses += [result["status"] for result in response.json()["results"]]
    return time.perf_counter() - began, latencies, statuses


def last_seq(api: httpx.Client) -> int:
    cursor, last = None, 0
    while True:
        page = api.get("/changes", params={"limit": 1000, **({"cursor": cursor} if cursor else {})}).json()
        last = page["changes"][-1]["seq"] if page["changes"] else last
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return last


def run_engine(engine: str, database_url: str, work_dir: Path) -> EngineResult:
    rng = random.Random(20261125)
    upgrade_to_head(database_url)
    server = start_synclog(database_url, work_dir)
    result = EngineResult(engine=engine)
    try:
        user_id, token = sign_up(server)
        live = seed(database_url, user_id=user_id, rng=rng)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.url + API, headers=headers, timeout=120) as api:
            for limit in (1000, 100):
                result.pulls[limit] = []
                for _ in range(PULL_RUNS):
                    seconds, seen, size = pull(api, limit)
                    assert seen == CHANGES, seen
                    result.pulls[limit].append(seconds)
                    result.pull_bytes[limit] = size
            for batch in (200, 50):
                ops = queued_ops(live, rng)
                seconds, latencies, statuses = push(api, ops, batch)
                assert statuses.count(201) == 400 and statuses.count(200) == 400 and statuses.count(204) == 200
                result.pushes[batch], result.batch_latencies[batch] = seconds, latencies
            before = last_seq(api)
            result.replay_seconds, _, replayed = push(api, ops, 200)
            assert replayed == statuses and last_seq(api) == before, "a replayed push wrote again"
            singles = queued_ops(live, rng)[:SINGLE_OPS]
            began = time.perf_counter()
            for op in singles:
                path = f"/entries/{op['id']}"
                response = api.request(
                    op["method"], path, json=op.get("data"), headers={"Idempotency-Key": op["op_id"]}
                )
                response.raise_for_status()
            result.single_seconds = time.perf_counter() - began
    finally:
        server.stop()
        result.problems = server.problems()
    return result


def markdown(results: list[EngineResult], described: dict[str, Any]) -> str:
    lines = [
        "## Offline sync: pull 10 000 changes, push 1 000 ops",
        "",
        f"Machine: {described.get('cpu', 'unknown')}, {described.get('cores', '?')} CPUs, "
        f"{described.get('memory_gib', '?')} GiB; Python {described.get('python', '?')}; "
        f"SQLite {described.get('sqlite', '?')}; PostgreSQL {described.get('postgresql') or 'not measured'}. "
        f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} with `.venv/bin/python -m bench.sync_bench`; "
        f"load average at the start {', '.join(f'{load:.1f}' for load in described.get('load_average', ()))}.",
        "",
        "One `synclog serve` (one worker) per engine over loopback HTTP, one client; the user holds "
        f"{CHANGES:,} changes ({GOALS} goals, {CHANGES - GOALS:,} entries, a third tied to goals, 5 % tombstones). "
        f"Pull times are the median of {PULL_RUNS} full pulls from cursor 0.",
        "",
        "| measure | " + " | ".join(result.engine for result in results) + " |",
        "| --- | " + " | ".join("---:" for _ in results) + " |",
    ]

    def row(label: str, cells: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    for limit in (1000, 100):
        pages = -(-CHANGES // limit)
        medians = [statistics.median(r.pulls[limit]) for r in results]
        row(
            f"pull 10 000 changes, `limit={limit}` ({pages} pages)",
            [f"{median:.2f} s ({CHANGES / median:,.0f} changes/s)" for median in medians],
        )
    row("bytes pulled (`limit=1000`)", [f"{r.pull_bytes[1000] / 2**20:.1f} MiB" for r in results])
    for batch in (200, 50):
        row(
            f"push 1 000 ops in batches of {batch}",
            [f"{r.pushes[batch]:.2f} s ({OPS / r.pushes[batch]:,.0f} ops/s)" for r in results],
        )
        row(
            f"  one batch of {batch}, median / max",
            [
                f"{statistics.median(r.batch_latencies[batch]):.3f} / {max(r.batch_latencies[batch]):.3f} s"
                for r in results
            ],
        )
    row(
        "push the same 1 000 ops again (all replayed)",
        [f"{r.replay_seconds:.2f} s ({OPS / r.replay_seconds:,.0f} ops/s)" for r in results],
    )
    row(
        f"{SINGLE_OPS} ops as single requests with `Idempotency-Key`",
        [f"{r.single_seconds:.2f} s ({SINGLE_OPS / r.single_seconds:,.0f} ops/s)" for r in results],
    )
    row(
        "server log: tracebacks / database is locked",
        [f"{r.problems.get('tracebacks', 0)} / {r.problems.get('database is locked', 0)}" for r in results],
    )
    lines += [
        "",
        "Each op of a push commits in its own transaction (with its stored response), so a batch "
        "costs about one commit per op: on SQLite with `synchronous=FULL` that is an fsync per op. "
        "Batching saves the HTTP round trips and the per-request sign-in, not the commits. A replayed op "
        "is one key lookup and no write.",
        "",
    ]
    load = described.get("load_average") or (0.0,)
    if load[0] > (described.get("cores") or 1):
        lines += [
            "The machine was busy with other work during this run (load average above its core count), so "
            "these figures are upper bounds and vary from run to run; compare engines and batch sizes within "
            "one run, and rerun on an idle machine for absolute figures.",
            "",
        ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.sync_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a PostgreSQL server to create (and drop) a database on; '' skips PostgreSQL",
    )
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--markdown", type=Path, default=REPO / "docs" / "benchmarks" / "sync.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    described = machine.describe(args.postgres_url or None)
    results: list[EngineResult] = []
    with tempfile.TemporaryDirectory(prefix="synclog-sync-bench-") as directory:
        work_dir = Path(directory)
        if "sqlite" in engines:
            results.append(run_engine("SQLite", f"sqlite:///{work_dir / 'synclog.db'}", work_dir))
        if "postgresql" in engines and args.postgres_url:
            with temporary_database(args.postgres_url, prefix="synclog_sync_bench") as url:
                results.append(run_engine("PostgreSQL", url, work_dir))
    report = markdown(results, described)
    print(report)
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
