"""Benchmark of ``GET /api/v1/summary`` for a heavy user, against the naive path, on SQLite and PostgreSQL.

A user with 100 000 entries over 10 years and 20 goals. For each engine, in one run: the
request after a write (the summary cache is empty, so the aggregate query runs), the request
repeated (served from the cache), and the same summary computed naively in Python over every
row. The naive answer must equal the service's. Prints a Markdown section for
``docs/benchmarks.md``.

    .venv/bin/python -m bench.summary_bench [--postgres-url postgresql://…] [--entries N]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, text, update
from sqlmodel import col, select

from app.auth.models import User
from app.core.database import Database, normalize_database_url, utcnow
from app.core.migrations import upgrade_to_head
from app.core.sequence import ChangeCounter
from app.core.settings import Settings
from app.core.timezones import local_date
from app.entries.models import KINDS, Entry, EntryGoal
from app.main import create_app
from app.summary import service
from app.summary.cache import clear_caches
from app.summary.hours import local_hour
from app.summary.models import SummaryPublic
from app.summary.report import SummaryCounts, build_summary
from bench.postgres import temporary_database

HOME_ZONE = "Europe/Berlin"
TRAVEL_ZONES = ("America/New_York", "Asia/Tokyo", "Asia/Kolkata")
PASSWORD = "benchmark password"  # noqa: S105 - a throwaway account in a throwaway database
SUMMARY = "/api/v1/summary"


@dataclass(frozen=True)
class Timing:
    label: str
    runs: int
    median_ms: float
    p95_ms: float


@dataclass(frozen=True)
class EngineResult:
    engine: str
    seed_seconds: float
    timings: list[Timing]

    def timing(self, label: str) -> Timing:
        return next(timing for timing in self.timings if timing.label == label)


def measure(label: str, runs: int, call: Callable[[], object], prepare: Callable[[], object] | None = None) -> Timing:
    durations = []
    for _ in range(runs):
        if prepare is not None:
            prepare()
        started = time.perf_counter()
        call()
        durations.append((time.perf_counter() - started) * 1000)
    ordered = sorted(durations)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return Timing(label, runs, statistics.median(ordered), p95)


def seed(database: Database, *, user_id: uuid.UUID, goal_ids: list[uuid.UUID], entries: int, years: int) -> None:
    """Entries at random instants over the last ``years`` years, as the core would store them."""
    rng = random.Random(4)
    now = utcnow()
    span = int(timedelta(days=365 * years).total_seconds())
    instants = sorted(now - timedelta(seconds=rng.randrange(span)) for _ in range(entries))
    entry_rows: list[dict[str, Any]] = []
    link_rows: list[dict[str, Any]] = []
    for seq, occurred_at in enumerate(instants, start=1):
        zone = HOME_ZONE if rng.random() > 0.05 else rng.choice(TRAVEL_ZONES)
        entry_id = uuid.uuid4()
        note = "Thought of an old friend, then met her at the station"
        entry_rows.append(
            {
                "id": entry_id,
                "user_id": user_id,
                "occurred_at": occurred_at,
                "timezone": zone,
                "local_date": local_date(occurred_at, zone, 0),
                "kind": rng.choice(KINDS),
                "note": note,
                "meaning": "",
                "intensity": 3,
                "tags": ["friends"],
                "people": [],
                "place": None,
                "lat": None,
                "lon": None,
                "source": "web",
                "search_text": note.lower(),
                "tag_keys": "\x1ffriends\x1f",
                "version": 1,
                "seq": seq,
                "created_at": now,
                "updated_at": now,
                "deleted_at": now if rng.random() < 0.02 else None,
            }
        )
        for goal_id in rng.sample(goal_ids, rng.choice((0, 1, 1, 2))):
            link_rows.append({"entry_id": entry_id, "goal_id": goal_id})
    with database.write_transaction() as session:
        for start in range(0, len(entry_rows), 5000):
            session.execute(insert(Entry), entry_rows[start : start + 5000])
        for start in range(0, len(link_rows), 5000):
            session.execute(insert(EntryGoal), link_rows[start : start + 5000])
        session.execute(
            update(ChangeCounter)
            .where(col(ChangeCounter.user_id) == user_id)
            .values(last_seq=ChangeCounter.last_seq + len(entry_rows))
        )
        session.execute(text("ANALYZE"))


def naive_summary(database: Database, *, user_id: uuid.UUID, now: datetime) -> SummaryPublic:
    """Every row into Python, then the same rules: what the aggregate query saves."""
    with database.read_session() as session:
        user = session.get(User, user_id)
        assert user is not None
        as_of = service.resolve_as_of(None, user=user, now=now)
        goals = service.active_goals(session, user=user)
        entries = session.exec(select(Entry).where(col(Entry.user_id) == user_id)).all()
        links = session.exec(
            select(EntryGoal).join(Entry, col(Entry.id) == col(EntryGoal.entry_id)).where(col(Entry.user_id) == user_id)
        ).all()
        settings = service.summary_settings(user)
    goals_of_entry: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for link in links:
        goals_of_entry[link.entry_id].append(link.goal_id)
    active = {goal.goal_id for goal in goals}
    per_day: dict[date, int] = defaultdict(int)
    per_goal_day: dict[uuid.UUID, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    by_kind: dict[str, int] = defaultdict(int)
    by_hour = [0] * 24
    for entry in entries:
        if entry.deleted_at is not None or entry.local_date > as_of:
            continue
        per_day[entry.local_date] += 1
        by_kind[entry.kind] += 1
        by_hour[local_hour(entry.occurred_at, entry.timezone)] += 1
        for goal_id in goals_of_entry[entry.id]:
            if goal_id in active:
                per_goal_day[goal_id][entry.local_date] += 1
    counts = SummaryCounts(
        per_day=dict(per_day),
        per_goal_day={goal_id: dict(days) for goal_id, days in per_goal_day.items()},
        by_kind=dict(by_kind),
        by_hour=by_hour,
    )
    return build_summary(counts=counts, goals=goals, settings=settings, as_of=as_of)


def run_engine(engine: str, url: str, args: argparse.Namespace) -> EngineResult:
    upgrade_to_head(url)
    app = create_app(Settings(database_url=url, rate_limits="off"))
    database: Database = app.state.database
    with TestClient(app, base_url="http://testserver") as client:
        email = f"bench-{uuid.uuid4().hex[:8]}@example.org"
        response = client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
        response.raise_for_status()
        user_id = uuid.UUID(response.json()["id"])
        client.patch("/api/v1/me", json={"timezone": HOME_ZONE, "grace_days": 1}).raise_for_status()
        goal_ids = []
        for number in range(args.goals):
            body = {
                "title": f"Goal {number + 1}",
                "cadence": "daily" if number % 2 else "weekly",
                "target": 1 + number % 3,
            }
            response = client.post("/api/v1/goals", json=body)
            response.raise_for_status()
            goal_ids.append(uuid.UUID(response.json()["id"]))
        started = time.perf_counter()
        seed(database, user_id=user_id, goal_ids=goal_ids, entries=args.entries, years=args.years)
        seed_seconds = time.perf_counter() - started

        def get_summary() -> dict[str, Any]:
            response = client.get(SUMMARY)
            response.raise_for_status()
            body: dict[str, Any] = response.json()
            return body

        def quick_log() -> None:
            client.post("/api/v1/entries", json={"kind": "timing", "goal_ids": [str(goal_ids[0])]}).raise_for_status()

        served = get_summary()
        naive = naive_summary(database, user_id=user_id, now=utcnow()).model_dump(mode="json")
        if naive != served:
            raise SystemExit(f"{engine}: the naive summary differs from GET /summary")
        if served["overall"]["entries"] < args.entries * 0.9:
            raise SystemExit(f"{engine}: the summary counts too few entries")

        print(f"{engine}: seeded in {seed_seconds:.0f} s; the naive answer equals the service's", file=sys.stderr)
        timings = [
            measure("full", args.requests, get_summary, prepare=clear_caches),
            measure("after_log", args.requests, get_summary, prepare=quick_log),
            measure("warm", args.requests, get_summary),
            measure("naive", args.naive_runs, lambda: naive_summary(database, user_id=user_id, now=utcnow())),
        ]
        for timing in timings:
            print(f"{engine}: {timing.label} median {timing.median_ms:.1f} ms", file=sys.stderr)
    database.dispose()
    return EngineResult(engine, seed_seconds, timings)


def _postgres_version(url: str) -> str:
    engine = create_engine(normalize_database_url(url))
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar_one())
    finally:
        engine.dispose()


def run_postgres(url: str, args: argparse.Namespace) -> EngineResult:
    with temporary_database(url, prefix="synclog_summary_bench") as database_url:
        return run_engine("PostgreSQL", database_url, args)


def markdown(results: list[EngineResult], args: argparse.Namespace, postgres: str | None) -> str:
    lines = [
        "## Summary: `GET /api/v1/summary` for a heavy user",
        "",
        f"One user with {args.entries:,} entries over {args.years} years (2 % deleted, 5 % logged while travelling),"
        f" {args.goals} goals (half daily, half weekly, targets 1–3), each entry tied to 0–2 goals."
        " Each request goes through the whole app (`TestClient`, cookie session)."
        " *Nothing remembered*: the caches are emptied first (a new process, or an edit that cannot be counted"
        " entry by entry), so the aggregate query and the rules run; *right after a quick log*: an entry is"
        " logged (untimed), then the remembered counts move on by that entry and the rules run;"
        " *repeated*: served from the summary remembered under the user's change number."
        " *Naive*: every entry and goal link loaded into Python and counted there, then the same rules;"
        " its answer is checked to equal the service's.",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
        + (f", PostgreSQL {postgres}" if postgres else "")
        + f"; load average {os.getloadavg()[0]:.1f} at the end"
        + f"; run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}.",
        "",
        "| engine | path | runs | median ms | p95 ms | naive ÷ this (median) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    names = {
        "full": "`GET /summary`, nothing remembered (aggregate query)",
        "after_log": "`GET /summary` right after a quick log",
        "warm": "`GET /summary` repeated",
        "naive": "naive, in Python",
    }
    for result in results:
        naive = result.timing("naive").median_ms
        for timing in result.timings:
            ratio = f"{naive / timing.median_ms:.1f}×" if timing.label != "naive" else "1×"
            lines.append(
                f"| {result.engine} | {names[timing.label]} | {timing.runs} | {timing.median_ms:.1f}"
                f" | {timing.p95_ms:.1f} | {ratio} |"
            )
    lines += [
        "",
        "Targets: at least 10× faster than the naive path and under 100 ms median.",
        "",
        "Reproduce: `.venv/bin/python -m bench.summary_bench --postgres-url postgresql://USER@HOST/DB`"
        " (creates and drops its own databases).",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--goals", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30, help="requests per measured path")
    parser.add_argument("--naive-runs", type=int, default=5)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("SYNCLOG_TEST_POSTGRES_URL", ""),
        help="a PostgreSQL server to create (and drop) a database on; empty skips PostgreSQL",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as directory:
        results.append(run_engine("SQLite", f"sqlite:///{directory}/summary_bench.db", args))
    postgres = None
    if args.postgres_url:
        postgres = _postgres_version(args.postgres_url)
        results.append(run_postgres(args.postgres_url, args))
    print(markdown(results, args, postgres))
    return 0


if __name__ == "__main__":
    sys.exit(main())
