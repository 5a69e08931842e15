"""``GET /insights``, ``/people?q=``, ``/tags`` and echoes under wrk against a real ``synclog serve`` (SQLite).

The heavy log of ``bench.summary_bench`` (100 000 entries over 10 years, 20 goals, 50 pauses), each entry
with words of its own: 0–2 of 300 people (some accented, a few much more often than the rest), 1–2 of 40
tags, and motifs in its note (``11:11`` in one entry of five, ``333``, ``12:34``). Each endpoint is asked
the same thing again and again on one connection (the latency of one request; nothing is cached) and on
4 (throughput); server CPU per request comes from ``/proc/<pid>/stat``.

    python -m bench.insights_bench [--work-dir DIR] [--seconds 10] [--json FILE] [--before FILE] [--markdown FILE]

Writes its section to ``docs/benchmarks/insights.md`` (``--markdown``); ``--before`` puts the figures of
an earlier run (its ``--json``) beside each of this one's.

A database already in ``--work-dir`` is used as it is (``synclog serve`` migrates it), so one prepared
database can be measured before and after a change. The answers are saved beside it (``*.json``) to be
compared across versions.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import machine, processes, summary_bench, wrk

PEOPLE = 300
TAGS = 40
ACCENTED = ("Zoë", "José", "Ängela", "Søren", "Łukasz", "Chloé", "Renée", "Jürgen")
NAMES = ("Mara", "Ben", "Ada", "Mom", "Dad", "Sam", "Lena", "Tom", "Nina", "Omar", "Ivy", "Kai")


def person(number: int) -> str:
    pool = ACCENTED + NAMES
    return pool[number] if number < len(pool) else f"{pool[number % len(pool)]} {number}"


def words(rng: random.Random) -> summary_bench.Words:
    """An entry's words: people drawn with weight 1/rank (so a few recur), tags evenly, motifs by chance."""
    people = tuple({person(min(int(rng.paretovariate(1.0)) - 1, PEOPLE - 1)) for _ in range(rng.choice((0, 1, 1, 2)))})
    tags = tuple({f"tag{rng.randrange(TAGS)}" for _ in range(rng.choice((1, 1, 2)))})
    draw = rng.random()
    motif = "11:11" if draw < 0.2 else "333" if draw < 0.25 else "12:34" if draw < 0.28 else ""
    note = f"Saw {motif} on the clock, then the call came" if motif else "Thought of an old friend, then met her"
    inner = "Wondering about the move" if rng.random() < 0.3 else ""
    return summary_bench.Words(inner=inner, note=note, tags=tags, people=people)


def prepare(path: Path, heavy: summary_bench.Heavy) -> str:
    url = f"sqlite:///{path}"
    if not summary_bench._has_account(path):
        summary_bench.seed_heavy(url, heavy, words)
    return url


def echo_entry(path: Path) -> str:
    """The newest live entry written with ``11:11`` and a person: its echoes gather a fifth of the log."""
    with closing(sqlite3.connect(path)) as lite:
        row = lite.execute(
            "SELECT id FROM entries WHERE deleted_at IS NULL AND note LIKE '%11:11%' AND people != '[]'"
            " ORDER BY occurred_at DESC LIMIT 1"
        ).fetchone()
    text = str(row[0])
    return text if "-" in text else f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def make_token(database_url: str) -> str:
    output = processes.synclog_cli(
        ["token", "create", "--email", summary_bench.EMAIL, "--name", "insights-bench", "--scope", "entries:read"],
        database_url=database_url,
    )
    return next(word for word in output.split() if word.startswith("sl_pat_"))


def paths(today: date, entry_id: str) -> dict[str, str]:
    ten_years = (today - timedelta(days=3659)).isoformat()
    return {
        "insights, 365 days": "/api/v1/insights",
        "insights, 10 years": f"/api/v1/insights?from={ten_years}&to={today.isoformat()}",
        "people?q=jo": "/api/v1/people?q=jo",
        "people": "/api/v1/people",
        "tags": "/api/v1/tags",
        "echoes (11:11)": f"/api/v1/entries/{entry_id}/echoes",
    }


def measure(url: str, entry_id: str, *, seconds: float, out_dir: Path) -> list[dict[str, Any]]:
    token = make_token(url)
    headers = {"Authorization": f"Bearer {token}"}
    server = processes.start_synclog(url, out_dir)
    rows: list[dict[str, Any]] = []
    try:
        for number, (name, path) in enumerate(paths(datetime.now(UTC).date(), entry_id).items()):
            started = time.perf_counter()
            body = summary_bench.fetch(server.url + path, token)
            first_ms = round((time.perf_counter() - started) * 1000, 1)
            (out_dir / f"answer-{number}.json").write_bytes(body)
            for connections in (1, 4):
                result = wrk.run(
                    name,
                    server.url,
                    [path],
                    headers=headers,
                    server_pid=server.pid,
                    connections=connections,
                    seconds=seconds,
                )
                row: dict[str, Any] = {**result.row(), "first_ms": first_ms}
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
        problems = server.problems()
    finally:
        server.stop()
    if any(problems.values()):
        raise RuntimeError(f"the server logged problems: {problems}")
    return rows


def markdown(rows: list[dict[str, Any]], described: dict[str, Any], before: list[dict[str, Any]] | None = None) -> str:
    """The section of ``docs/benchmarks/insights.md``: each run, after the same run of ``before`` if given."""
    loads = ", ".join(f"{load:.1f}" for load in described.get("load_average", ()))
    lines = [
        "## Insights, people, tags and echoes over 100 000 entries",
        "",
        f"Machine: {described.get('cpu', 'unknown')}, {described.get('cores', '?')} CPUs; "
        f"Python {described.get('python', '?')}; SQLite {described.get('sqlite', '?')}. "
        f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} with `.venv/bin/python -m bench.insights_bench`; "
        f"load average at the start {loads}. One `synclog serve` (one worker), wrk over loopback, the same "
        "request again and again (nothing is cached); server CPU from `/proc/<pid>/stat`.",
        "",
        "| request | conn. | code | requests | req/s | p50 ms | p99 ms | server CPU ms/request |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    earlier = {(row["name"], row["connections"]): row for row in before or []}
    for row in rows:
        pairs = [("before", earlier[(row["name"], row["connections"])])] if earlier else []
        for code, run in [*pairs, ("after" if earlier else "", row)]:
            lines.append(
                f"| {run['name']} | {run['connections']} | {code} | {run['requests']} | {run['rate']}"
                f" | {run['p50_ms']:.1f} | {run['p99_ms']:.1f} | {run['cpu_ms_per_request']:.2f} |"
            )
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "synclog-insights-bench")
    parser.add_argument("--seconds", type=float, default=10, help="each run")
    parser.add_argument("--entries", type=int, default=summary_bench.Heavy.entries)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--before", type=Path, help="the --json of an earlier run, shown beside this one")
    parser.add_argument("--markdown", type=Path, default=processes.REPO / "docs" / "benchmarks" / "insights.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk.wrk_path()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    path = args.work_dir / "heavy.db"
    url = prepare(path, summary_bench.Heavy(entries=args.entries))
    described = machine.describe(None)
    rows = measure(url, echo_entry(path), seconds=args.seconds, out_dir=args.work_dir)
    before = json.loads(args.before.read_text()) if args.before else None
    text = markdown(rows, described, before)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(text)
    return 1 if any(row["failures"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
