"""``GET /api/v1/summary`` under wrk against a real ``synclog serve`` (SQLite, one process).

Two users' data: a demo year (``synclog demo``) and a heavy log (100 000 entries over 10 years,
20 goals, 50 pauses). For each: *warm*, the same ``as_of`` again and again (after the first, whatever the
server remembers serves it); *cold*, a new ``as_of`` on every request, so nothing remembered
can answer, at 16 connections (throughput) and at 1 (the latency of one uncached request).
Cold ``as_of`` days run back from a year ahead (every entry counts) one day a request; the
report gives the range each run used. Server CPU per request comes from ``/proc/<pid>/stat``.

    python -m bench.summary_bench [--work-dir DIR] [--data demo,heavy] [--seconds 10] [--json FILE]

A database already in ``--work-dir`` is used as it is (``synclog serve`` migrates it), so one
prepared pair of databases can be measured before and after a change.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

from sqlalchemy import insert, text, update
from sqlmodel import col

from app.auth import service as auth_service
from app.core.database import open_database, utcnow
from app.core.sequence import ChangeCounter
from app.core.settings import Settings
from app.core.timezones import local_date, local_hour
from app.entries import marks
from app.entries.columns import TAG_SEPARATOR, public_json, searchable
from app.entries.models import KINDS, Entry, EntryGoal, EntryPublic
from app.goals import service as goals_service
from app.goals.models import GoalCreate
from app.pauses import service as pauses_service
from app.pauses.models import PauseCreate
from bench import processes, wrk

EMAIL = "summary-bench@example.org"
PASSWORD = "benchmark password\n"  # noqa: S105 - a throwaway account in a throwaway database
HOME_ZONE = "Europe/Berlin"
TRAVEL_ZONES = ("America/New_York", "Asia/Tokyo", "Asia/Kolkata")
SUMMARY = "/api/v1/summary"
DATASETS = ("demo", "heavy")
# What the entries table stores for the columns the seed leaves out.
ENTRY_DEFAULTS: dict[str, Any] = {
    "meaning": "",
    "intensity": 3,
    "place": None,
    "lat": None,
    "lon": None,
    "source": "web",
    "version": 1,
}


@dataclass(frozen=True)
class Heavy:
    entries: int = 100_000
    years: int = 10
    goals: int = 20
    pauses: int = 50


@dataclass(frozen=True)
class Words:
    """What an entry says: its inner, note, tags and people (the heavy log's default: the same note, one tag)."""

    inner: str = ""
    note: str = "Thought of an old friend, then met her at the station"
    tags: tuple[str, ...] = ("friends",)
    people: tuple[str, ...] = ()


def same_words(_: random.Random) -> Words:
    return Words()


def _marks(entry: dict[str, Any], columns: list[str]) -> list[dict[str, Any]]:
    """The entry's mark rows as the entry service stores them (a deleted entry keeps none)."""
    if entry["deleted_at"] is not None:
        return []
    found = marks.marks_of(people=entry["people"], tags=entry["tags"], texts=(entry["inner"], entry["note"]))
    rows = [
        {**entry, "entry_id": entry["id"], "mark": mark, "key": key, "name": name, "fold": marks.fold(name)}
        for mark, key, name in found
    ]
    return [{column: row[column] for column in columns} for row in rows]


def _has_account(path: Path) -> bool:
    if not path.exists():
        return False
    with closing(sqlite3.connect(path)) as lite:
        return lite.execute("SELECT 1 FROM users WHERE email = ?", (EMAIL,)).fetchone() is not None


def seed_heavy(database_url: str, heavy: Heavy, words: Callable[[random.Random], Words] = same_words) -> None:
    """Goals and pauses through their services, then entries at random instants inserted as the entry service
    stores them, with their marks. Pauses last 1–21 days; every other one pauses one goal, the rest the whole
    log. ``words`` gives each entry its text, tags and people from a generator of its own."""
    processes.synclog_cli(["migrate"], database_url=database_url)
    processes.synclog_cli(
        ["user", "create", "--email", EMAIL, "--password-stdin", "--timezone", HOME_ZONE],
        database_url=database_url,
        stdin=PASSWORD,
    )
    database = open_database(Settings(database_url=database_url))
    rng = random.Random(4)
    now = utcnow()
    with database.write_transaction() as session:
        user = auth_service.find_user_by_email(session, email=EMAIL)
        assert user is not None
        user.grace_days = 1
        goal_ids = [
            goals_service.create_goal(
                session,
                user_id=user.id,
                body=GoalCreate(
                    title=f"Goal {number + 1}",
                    cadence="daily" if number % 2 else "weekly",
                    target=1 + number % 3,
                ),
            ).id
            for number in range(heavy.goals)
        ]
        user_id = user.id
        for number in range(heavy.pauses):
            start = now.date() - timedelta(days=rng.randrange(365 * heavy.years))
            pauses_service.create_pause(
                session,
                user_id=user_id,
                body=PauseCreate(
                    start_date=start,
                    end_date=start + timedelta(days=rng.randrange(21)),
                    goal_id=goal_ids[number % heavy.goals] if number % 2 else None,
                ),
            )
    span = int(timedelta(days=365 * heavy.years).total_seconds())
    instants = sorted(now - timedelta(seconds=rng.randrange(span)) for _ in range(heavy.entries))
    entry_rows: list[dict[str, Any]] = []
    link_rows: list[dict[str, Any]] = []
    mark_rows: list[dict[str, Any]] = []
    mark_columns = list(marks.ENTRY_MARKS.c.keys())
    word_rng = random.Random(20)
    for seq, occurred_at in enumerate(instants, start=heavy.goals + heavy.pauses + 1):
        zone = HOME_ZONE if rng.random() > 0.05 else rng.choice(TRAVEL_ZONES)
        entry_id = uuid.uuid4()
        said = words(word_rng)
        searched = [said.inner, said.note, *said.tags, *said.people]
        keys = [tag.lower() for tag in said.tags]
        entry_rows.append(
            {
                "id": entry_id,
                "user_id": user_id,
                "occurred_at": occurred_at,
                "timezone": zone,
                "local_date": local_date(occurred_at, zone, 0),
                "local_hour": local_hour(occurred_at, zone),
                "kind": rng.choice(KINDS),
                "inner": said.inner,
                "note": said.note,
                "search_text": searchable("\n".join(part for part in searched if part)),
                "tags": list(said.tags),
                "people": list(said.people),
                "tag_keys": TAG_SEPARATOR + TAG_SEPARATOR.join(keys) + TAG_SEPARATOR if keys else "",
                "seq": seq,
                "created_at": now,
                "updated_at": now,
                "deleted_at": now if rng.random() < 0.02 else None,
            }
        )
        mark_rows.extend(_marks(entry_rows[-1], mark_columns))
        linked = rng.sample(goal_ids, rng.choice((0, 1, 1, 2)))
        # As the entry service stores them: a live entry's public JSON (the columns' defaults, its goals), none
        # for a tombstone.
        public = {**ENTRY_DEFAULTS, **entry_rows[-1], "goal_ids": sorted(linked, key=str)}
        live = entry_rows[-1]["deleted_at"] is None
        entry_rows[-1]["public_json"] = public_json(EntryPublic.model_validate(public)) if live else None
        # As the entry service stores them: a deleted entry keeps no goal links.
        for goal_id in [] if entry_rows[-1]["deleted_at"] else linked:
            link_rows.append(
                {
                    "entry_id": entry_id,
                    "goal_id": goal_id,
                    "user_id": user_id,
                    "local_date": entry_rows[-1]["local_date"],
                }
            )
    with database.write_transaction() as session:
        for first in range(0, len(entry_rows), 5000):
            session.execute(insert(Entry), entry_rows[first : first + 5000])
        for first in range(0, len(link_rows), 5000):
            session.execute(insert(EntryGoal), link_rows[first : first + 5000])
        for first in range(0, len(mark_rows), 5000):
            session.execute(insert(marks.ENTRY_MARKS), mark_rows[first : first + 5000])
        session.execute(
            update(ChangeCounter)
            .where(col(ChangeCounter.user_id) == user_id)
            .values(last_seq=ChangeCounter.last_seq + len(entry_rows))
        )
        session.execute(text("ANALYZE"))
    database.dispose()


def prepare(path: Path, dataset: str, heavy: Heavy) -> str:
    """The database of ``dataset`` at ``path``, made unless it is there already; its URL."""
    url = f"sqlite:///{path}"
    if _has_account(path):
        return url
    if dataset == "demo":
        processes.synclog_cli(["demo", "--email", EMAIL, "--password-stdin"], database_url=url, stdin=PASSWORD)
    else:
        seed_heavy(url, heavy)
    return url


def make_token(database_url: str) -> str:
    output = processes.synclog_cli(
        ["token", "create", "--email", EMAIL, "--name", "summary-bench", "--scope", "summary:read"],
        database_url=database_url,
    )
    return next(word for word in output.split() if word.startswith("sl_pat_"))


def fetch(url: str, token: str) -> bytes:
    """One request outside any measurement: the body to compare across versions."""
    with urlopen(Request(url, headers={"Authorization": f"Bearer {token}"}), timeout=120) as response:  # noqa: S310
        body: bytes = response.read()
        return body


class ColdDays:
    """``as_of`` days never asked before in this run: from a year ahead backwards, one a request."""

    def __init__(self, first: date) -> None:
        self.next = first

    def take(self, count: int) -> list[str]:
        days = [(self.next - timedelta(days=index)).isoformat() for index in range(count)]
        return [f"{SUMMARY}?as_of={day}" for day in days]

    def used(self, requests: int, connections: int) -> tuple[date, date]:
        """Move past what a run of ``requests`` used: one more in flight per connection, one wrk asked for first."""
        newest, self.next = self.next, self.next - timedelta(days=requests + connections + 1)
        return newest, self.next + timedelta(days=1)


def measure(
    dataset: str, url: str, *, seconds: float, cold_seconds: float, as_of: date, out_dir: Path
) -> dict[str, Any]:
    token = make_token(url)
    headers = {"Authorization": f"Bearer {token}"}
    server = processes.start_synclog(url, out_dir)
    try:
        warm_path = f"{SUMMARY}?as_of={as_of.isoformat()}"
        started = time.perf_counter()
        body = fetch(server.url + warm_path, token)
        first_ms = (time.perf_counter() - started) * 1000
        (out_dir / f"{dataset}-summary.json").write_bytes(body)
        cold = ColdDays(as_of + timedelta(days=365))
        runs: list[dict[str, Any]] = []

        def load(name: str, paths: list[str], connections: int, duration: float) -> None:
            pid = server.pid
            result = wrk.run(
                name, server.url, paths, headers=headers, server_pid=pid, connections=connections, seconds=duration
            )
            row: dict[str, Any] = result.row()
            if len(paths) > 1:
                newest, oldest = cold.used(result.output.requests, connections)
                row["as_of"] = f"{oldest}..{newest}"
            runs.append(row)
            print(f"{dataset}: {json.dumps(row)}", file=sys.stderr, flush=True)

        load("warm", [warm_path], 16, seconds)
        load("cold", cold.take(20_000), 16, cold_seconds)
        load("cold", cold.take(20_000), 1, cold_seconds)
        problems = server.problems()
    finally:
        server.stop()
    entries = json.loads(body)["overall"]["entries"]
    return {"dataset": dataset, "entries": entries, "first_ms": round(first_ms, 1), "runs": runs, "log": problems}


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "| data | run | connections | requests | req/s | p50 ms | p99 ms | server CPU ms/request | as_of range |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        lines.append(
            f"| {result['dataset']} | first request (nothing remembered) | 1 | 1 | | {result['first_ms']} | | | |"
        )
        for run in result["runs"]:
            lines.append(
                f"| {result['dataset']} ({result['entries']:,} entries) | {run['name']} | {run['connections']}"
                f" | {run['requests']} | {run['rate']} | {run['p50_ms']:.1f} | {run['p99_ms']:.1f}"
                f" | {run['cpu_ms_per_request']:.2f} | {run.get('as_of', '')} |"
            )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "synclog-summary-bench")
    parser.add_argument("--data", default=",".join(DATASETS), help="comma-separated: demo, heavy")
    parser.add_argument("--seconds", type=float, default=10, help="each warm run")
    parser.add_argument("--cold-seconds", type=float, default=10, help="each cold run")
    parser.add_argument("--as-of", type=date.fromisoformat, default=datetime.now(UTC).date())
    parser.add_argument("--entries", type=int, default=Heavy.entries)
    parser.add_argument("--json", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk.wrk_path()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for dataset in args.data.split(","):
        url = prepare(args.work_dir / f"{dataset}.db", dataset, Heavy(entries=args.entries))
        results.append(
            measure(
                dataset,
                url,
                seconds=args.seconds,
                cold_seconds=args.cold_seconds,
                as_of=args.as_of,
                out_dir=args.work_dir,
            )
        )
    print(markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    failed = any(run["failures"] for result in results for run in result["runs"])
    return 1 if failed or any(any(result["log"].values()) for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
