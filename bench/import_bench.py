"""Benchmark of ``POST /import``'s two phases for a 100 000-entry JSON export, on SQLite and PostgreSQL.

For each engine, a fresh migrated database with one account and its 20 goals, and a JSON export of
``--entries`` entries (a third tied to a goal, people, tags, a motif in one in seven, a place in one in
five) built here. The route's two steps are run as the route runs them, in this process:

- check: ``importing.check_file`` with a read session (parse and check every row, nothing written);
- write: ``importing.write_checked`` in a write transaction of its own, to its commit (what the write
  slot is held for);

then the same file again (every entry skipped: the look-ups only). Each phase reports its wall
time, this process's CPU time and, on PostgreSQL, the CPU time of the server's backend that wrote;
the write phase also its time per 10 000 entries (a slope that grows is super-linear work).
Entries a second: of the write phase, and end to end (check + write).

    .venv/bin/python -m bench.import_bench [--entries 100000] [--engines sqlite,postgresql]
        [--postgres-url postgresql://…] [--json FILE]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from app.auth import service as auth_service
from app.core.database import Database, open_database
from app.core.migrations import upgrade_to_head
from app.core.settings import Settings
from app.exchange import importing
from app.goals import service as goals_service
from app.goals.models import GoalCreate
from bench.postgres import temporary_database

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
ENGINES = ("sqlite", "postgresql")
GOALS = 20
KINDS = ("thought_then_met", "shared_date", "shared_interest", "number", "name_or_word", "dream", "other")
PEOPLE = ("Ana", "Ben", "Zoë", "Mara", "Omar")
PLACES = ("harbour", "station", "bakery", "library", "meadow")
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def export_document(count: int, goal_ids: list[uuid.UUID], newest: datetime) -> bytes:
    """A JSON export of ``count`` entries, one every 13 minutes back from ``newest``."""
    entries = []
    for index in range(count):
        occurred_at = newest - timedelta(minutes=13 * index)
        entry: dict[str, Any] = {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"import-bench/{index}")),
            "occurred_at": occurred_at.isoformat(),
            "timezone": ZONES[index % len(ZONES)],
            "kind": KINDS[index % len(KINDS)],
            "inner": "I was thinking of them" if index % 4 == 0 else "",
            "note": f"Thought of a friend {index}, then met them" + (" at 11:11" if index % 7 == 0 else ""),
            "meaning": "",
            "intensity": 1 + index % 5,
            "tags": ["friends", f"week-{index // 500}"],
            "people": [PEOPLE[index % len(PEOPLE)]] if index % 3 == 0 else [],
            "goal_ids": [str(goal_ids[index % len(goal_ids)])] if index % 3 == 1 else [],
            "place": PLACES[index % len(PLACES)] if index % 5 == 0 else None,
            "source": "bench",
        }
        entries.append(entry)
    return json.dumps({"format": "synclog-export", "version": 1, "goals": [], "entries": entries}).encode()


@dataclass
class Phase:
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process
    backend_cpu_seconds: float | None = None  # PostgreSQL's backend that wrote
    commit_seconds: float = 0.0  # of ``seconds``: the commit (SQLite: with its checkpoint)
    chunk_seconds: list[float] = field(default_factory=list)


@dataclass
class EngineRun:
    engine: str
    entries: int
    document_bytes: int
    check: Phase
    write: Phase
    again_check: Phase
    again_write: Phase
    report: dict[str, Any]
    again_report: dict[str, Any]

    @property
    def write_rate(self) -> float:
        return self.entries / self.write.seconds

    @property
    def end_to_end_rate(self) -> float:
        return self.entries / (self.check.seconds + self.write.seconds)


def _backend_cpu(session: Session) -> Callable[[], float | None]:
    """The CPU seconds so far of ``session``'s PostgreSQL backend (None on SQLite, or when /proc cannot tell)."""
    if session.get_bind().dialect.name != "postgresql":
        return lambda: None
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()

    def read() -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime

    return read


@contextmanager
def measured(phase: Phase) -> Iterator[None]:
    began, cpu = time.perf_counter(), time.process_time()
    yield
    phase.seconds = time.perf_counter() - began
    phase.cpu_seconds = time.process_time() - cpu


def prepare(database_url: str) -> tuple[Database, uuid.UUID, list[uuid.UUID]]:
    """A migrated database with the bench's account and its goals: (database, user id, goal ids)."""
    upgrade_to_head(database_url)
    database = open_database(Settings(database_url=database_url))
    with database.write_transaction() as session:
        user = auth_service.create_user(
            session,
            email="import-bench@example.org",
            password_hash="not a hash",  # noqa: S106 - a throwaway account timezone="Europe/Berlin"
        )
        goal_ids = [
            goals_service.create_goal(
                session, user_id=user.id, body=GoalCreate(title=f"Goal {number}", cadence="daily", target=1)
            ).id
            for number in range(GOALS)
        ]
    return database, user.id, goal_ids


def run_import(database: Database, user_id: uuid.UUID, raw: bytes, check: Phase, write: Phase) -> dict[str, Any]:
    """The route's two steps, each measured; the import's report."""
    gc.collect()
    with measured(check), database.read_session() as session:
        user = auth_service.get_account(session, user_id=user_id)
        checked = importing.check_file(session, user=user, source="bench", raw=raw, is_csv=False)
    gc.collect()
    began = time.perf_counter()
    last = began

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.perf_counter()
        write.chunk_seconds.append(round(now - last, 3))
        last = now

    with measured(write):
        with database.write_transaction() as session:
            backend = _backend_cpu(session)
            backend_before = backend()
            user = auth_service.get_account(session, user_id=user_id)
            report = importing.write_import(session, user=user, source="bench", checked=checked, progress=progress)
            backend_after = backend()
            written = time.perf_counter()
        write.commit_seconds = time.perf_counter() - written
    if backend_before is not None and backend_after is not None:
        write.backend_cpu_seconds = backend_after - backend_before
    return report.model_dump()


def run_engine(engine: str, database_url: str, entries: int) -> EngineRun:
    database, user_id, goal_ids = prepare(database_url)
    try:
        raw = export_document(entries, goal_ids, datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1))
        check, write, again_check, again_write = Phase(), Phase(), Phase(), Phase()
        report = run_import(database, user_id, raw, check, write)
        again = run_import(database, user_id, raw, again_check, again_write)
    finally:
        database.dispose()
    return EngineRun(engine, entries, len(raw), check, write, again_check, again_write, report, again)


def markdown(runs: list[EngineRun]) -> str:
    lines = [
        "| engine | entries | file | check (CPU) | write (commit) | write entries/s | end to end entries/s "
        "| write CPU (Python + PostgreSQL) | again, all skipped: check + write (CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        backend = f" + {run.write.backend_cpu_seconds:.2f}" if run.write.backend_cpu_seconds is not None else ""
        lines.append(
            f"| {run.engine} | {run.entries:,} | {run.document_bytes / 2**20:.1f} MiB "
            f"| {run.check.seconds:.2f} s ({run.check.cpu_seconds:.2f}) "
            f"| {run.write.seconds:.2f} s ({run.write.commit_seconds:.2f}) "
            f"| {run.write_rate:,.0f} "
            f"| {run.end_to_end_rate:,.0f} | {run.write.cpu_seconds:.2f}{backend} s "
            f"| {run.again_check.seconds:.2f} + {run.again_write.seconds:.2f} s "
            f"({run.again_check.cpu_seconds:.2f} + {run.again_write.cpu_seconds:.2f}) |"
        )
    lines.append("")
    for run in runs:
        chunks = ", ".join(f"{seconds:.2f}" for seconds in run.write.chunk_seconds)
        lines.append(f"- {run.engine}: write seconds per 10 000 entries: {chunks}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    lines.append(f"- peak memory of this process: {peak:,.0f} MiB")
    lines.append(f"- load average at the end: {', '.join(f'{load:.2f}' for load in os.getloadavg())}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.import_bench", description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000, help="entries in the file (default 100 000)")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated: {', '.join(ENGINES)}")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a PostgreSQL server to create (and drop) a database on",
    )
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    runs: list[EngineRun] = []
    for engine in (name.strip() for name in args.engines.split(",") if name.strip()):
        if engine == "postgresql":
            with temporary_database(args.postgres_url, prefix="synclog_import_bench") as url:
                runs.append(run_engine(engine, url, args.entries))
        else:
            with tempfile.TemporaryDirectory(prefix="synclog-import-bench-") as work_dir:
                runs.append(run_engine(engine, f"sqlite:///{work_dir}/import.db", args.entries))
        print(f"{engine}: done", file=sys.stderr, flush=True)
    print(markdown(runs))
    if args.json:
        figures = [
            {**asdict(run), "write_rate": run.write_rate, "end_to_end_rate": run.end_to_end_rate} for run in runs
        ]
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
