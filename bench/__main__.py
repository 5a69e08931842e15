"""``python -m bench``: the baselines, then Synclog on SQLite and on PostgreSQL, in one run.

Prints a report in Markdown (the table of ``docs/benchmarks.md``) and, with ``--json``, keeps
every figure. ``--quick`` is a short smoke run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import uvloop

from bench import api_bench, baseline_bench, machine, report
from bench.postgres import temporary_database

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke run (seconds, not minutes)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a PostgreSQL server to create (and drop) a database on; '' skips PostgreSQL",
    )
    parser.add_argument(
        "--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql (default both)"
    )
    parser.add_argument("--no-baselines", action="store_true", help="measure Synclog only")
    parser.add_argument("--entries", type=int, help="grow the user's log to this many entries (default 100 000)")
    parser.add_argument("--postgres-entries", type=int, help="the same on PostgreSQL (default: as --entries)")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--markdown", type=Path, help="write the report to this file")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace, work_dir: Path) -> dict[str, Any]:
    plan = api_bench.QUICK if args.quick else api_bench.FULL
    if args.entries:
        plan = dataclasses.replace(plan, fill_to=args.entries)
    postgres_plan = dataclasses.replace(plan, fill_to=args.postgres_entries) if args.postgres_entries else plan
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    results: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quick": args.quick,
        "plan": plan.__dict__,
        "machine": machine.describe(args.postgres_url or None),
        "baselines": {},
        "synclog": {},
    }
    if not args.no_baselines:
        for app in baseline_bench.BASELINES:
            results["baselines"][app] = await baseline_bench.run(app, work_dir, plan)
    if "sqlite" in engines:
        url = f"sqlite:///{work_dir / 'synclog.db'}"
        results["synclog"]["sqlite"] = await api_bench.run("sqlite", url, work_dir, plan)
    if "postgresql" in engines:
        if not args.postgres_url or results["machine"]["postgresql"] is None:
            api_bench.log(f"PostgreSQL at {args.postgres_url!r} is not reachable; skipped")
        else:
            with temporary_database(args.postgres_url, prefix="synclog_bench") as url:
                results["synclog"]["postgresql"] = await api_bench.run("postgresql", url, work_dir, postgres_plan)
    results["seconds"] = round(time.monotonic() - START, 1)
    return results


START = time.monotonic()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work_dir = Path(tempfile.mkdtemp(prefix="synclog-bench-"))
    try:
        # The load generator gets the event loop the server has (uvloop, from uvicorn[standard]).
        results = uvloop.run(run(args, work_dir))
    finally:
        # The databases go; the server logs stay for a look at what went wrong.
        for database_file in work_dir.glob("*.db*"):
            database_file.unlink()
        print(f"Server logs: {work_dir}", file=sys.stderr)
    text = report.render(results)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    if args.markdown:
        args.markdown.write_text(text)
    return 0 if report.passed(results) else 1


if __name__ == "__main__":
    sys.exit(main())
