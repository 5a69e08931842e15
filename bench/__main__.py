"""``python -m bench``: baseline (b), then Synclog on SQLite (one process, two), and on PostgreSQL, in one run.

Two parts: ``api`` (each busy endpoint against baseline (b), ``bench.api_bench``) and ``load`` (another
user's writes while one account runs heavy, ``bench.load_run``). ``--compare LABEL=DIR`` measures another
checkout of Synclog in both, in the same run: on each server, right after the code under test. Every
load comes from ``wrk`` (or curl) in its own process (``bench.wrk``). Prints a report in Markdown;
``--docs`` also writes it into ``docs/benchmarks.md``, ``--json`` keeps every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import api_bench, baseline_bench, docs_page, load_run, machine, processes, report, wrk
from bench.postgres import temporary_database

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
SERVERS = ("sqlite", "sqlite-workers-2", "postgresql")
PARTS = ("api", "load")
LABELS = {
    "sqlite": "Synclog, SQLite, 1 process",
    "sqlite-workers-2": "Synclog, SQLite, `--workers 2`",
    "postgresql": "Synclog, PostgreSQL, 1 process",
}


def label_of(server: str, code: str) -> str:
    """What the report calls ``server`` running ``code``: "Synclog before, SQLite, 1 process" for ``before``."""
    label = LABELS[server]
    return label if code == processes.AFTER else label.replace("Synclog", f"Synclog {code}", 1)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 s measurements over 3 000 entries")
    parser.add_argument("--seconds", type=float, help="each measurement (default 8)")
    parser.add_argument("--connections", default="16,64", help="comma-separated connection counts (default 16,64)")
    parser.add_argument("--servers", default=",".join(SERVERS), help=f"comma-separated: {', '.join(SERVERS)}")
    parser.add_argument("--entries", type=int, help="entries of the user's log (default 100 000)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a PostgreSQL server to create (and drop) a database on",
    )
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated: {', '.join(PARTS)}")
    parser.add_argument(
        "--compare",
        type=processes.parse_code,
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help="also measure this checkout of Synclog, in both parts (repeat for more), e.g. before=/tmp/before",
    )
    parser.add_argument("--no-baseline", action="store_true", help="measure Synclog only")
    parser.add_argument(
        "--work-dir", type=Path, help="keep the SQLite database here and reuse it (default: a new temporary one)"
    )
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--markdown", type=Path, help="write the report to this file")
    parser.add_argument("--docs", action="store_true", help=f"write the report into {docs_page.PAGE}")
    return parser.parse_args(argv)


def plan_of(args: argparse.Namespace) -> api_bench.Plan:
    plan = api_bench.Plan(seconds=2.0, warmup=1.0, entries=3_000) if args.quick else api_bench.Plan()
    connections = tuple(int(count) for count in args.connections.split(","))
    return api_bench.Plan(
        seconds=args.seconds or plan.seconds,
        warmup=plan.warmup,
        connections=connections,
        entries=args.entries or plan.entries,
    )


def load_plan_of(args: argparse.Namespace) -> load_run.Plan:
    plan = load_run.QUICK if args.quick else load_run.Plan()
    return replace(plan, seconds=args.seconds or plan.seconds)


def api_run(
    server: str, code: processes.Code, work_dir: Path, plan: api_bench.Plan, *, postgres_url: str
) -> dict[str, Any]:
    """``code`` on ``server``: a database of its own (the two SQLite servers share one per code), seeded by it."""
    label = label_of(server, code.label)
    if server == "postgresql":
        with temporary_database(postgres_url, prefix="synclog_bench") as url:
            return api_bench.run(label, url, work_dir, plan, code=code)
    named = "" if code.label == processes.AFTER else f"{code.label}-"
    sqlite_url = f"sqlite:///{work_dir / f'synclog-{named}{plan.entries}.db'}"
    workers = 2 if server == "sqlite-workers-2" else 1
    return api_bench.run(label, sqlite_url, work_dir, plan, workers=workers, code=code)


def run(args: argparse.Namespace, work_dir: Path) -> dict[str, Any]:
    started = time.monotonic()
    plan = plan_of(args)
    parts = {name.strip() for name in args.parts.split(",") if name.strip()}
    servers = [name.strip() for name in args.servers.split(",") if name.strip()]
    results: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quick": args.quick,
        "plan": plan.__dict__,
        "machine": machine.describe(args.postgres_url if "postgresql" in servers else None),
        "servers": {},
    }
    if "api" in parts and not args.no_baseline:
        results["baseline"] = baseline_bench.run(work_dir, plan)
    for name in servers if "api" in parts else ():
        if name == "postgresql" and results["machine"]["postgresql"] is None:
            raise RuntimeError(f"PostgreSQL at {args.postgres_url!r} is not reachable (--servers leaves it out)")
        for code in (processes.UNDER_TEST, *args.compare):
            measured = api_run(name, code, work_dir, plan, postgres_url=args.postgres_url)
            if code.label == processes.AFTER:
                results["servers"][name] = measured
            else:
                results.setdefault("compared", {}).setdefault(name, []).append(measured)
    if "load" in parts:
        results["load_run"] = load_run.run(
            servers, load_plan_of(args), work_dir, postgres_url=args.postgres_url, compare=tuple(args.compare)
        )
    results["seconds"] = round(time.monotonic() - started, 1)
    results["load_average_end"] = os.getloadavg()
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        wrk.wrk_path()
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 2
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="synclog-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    try:
        results = run(args, work_dir)
    finally:
        if args.work_dir is None:
            for database_file in work_dir.glob("*.db*"):
                database_file.unlink()
        print(f"Server logs: {work_dir}", file=sys.stderr)
    text = report.render(results)
    if "load_run" in results:
        text += "\n" + load_run.markdown(results["load_run"])
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    if args.markdown:
        args.markdown.write_text(text)
    if args.docs:
        docs_page.write(text)
    load_met = all(check.ok for check in load_run.checks(results["load_run"])) if "load_run" in results else True
    return 0 if report.passed(results) and load_met else 1


if __name__ == "__main__":
    sys.exit(main())
