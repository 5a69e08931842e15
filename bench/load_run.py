"""Issue 14's load run: another user's quick log at half its peak, alone and while one account runs heavy.

For each server (SQLite with one process, with ``--workers 2``, PostgreSQL), on a fresh database:

1. two accounts: the **other user** (a personal access token for the quick log) and the **heavy
   account**, whose old data (entries from 1970, tied to 200 goals) is imported before the run;
2. the other user's quick log (``POST /api/v1/entries`` with a new ``Idempotency-Key``) at its
   peak: wrk, closed loop, ``connections`` connections, after a warm-up;
3. **alone**: the quick log at half that peak, paced (``bench.wrk.paced``), nothing else running;
4. **disturbed**: the same paced quick log while the heavy account runs, from processes of their
   own: 8 parallel sign-ins (wrk, closed loop, ``POST /auth/login``), an import of 100 000 entries
   (one ``POST /import`` sent by curl) and uncached summaries over its old data (wrk, closed loop,
   ``GET /summary?as_of=…`` with a day never asked before on every request). They start
   ``LEAD_SECONDS`` before the measured window, so it opens with every one of them under way.

p50 and p99 of the other user's writes count from when each was due. ``--compare LABEL=DIR`` runs the
same cases against another checkout of Synclog (its own ``app``, CLI and migrations), server by server
in the same run. The target (the issue's "done when"): disturbed p99 under 50 ms for the code under
test (``after``). ``--disturbances`` runs a part of the heavy account's load alone, to see its share.

    python -m bench --parts load [--compare before=/tmp/before]     # or: python -m bench.load_run
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench import processes, wrk
from bench.api_bench import quick_log_target
from bench.postgres import temporary_database
from bench.processes import AFTER, Code, parse_code
from bench.report import Check

API = "/api/v1"
OTHER_EMAIL = "other-user@example.org"
HEAVY_EMAIL = "heavy-account@example.org"
PASSWORD = "load run password 1"  # noqa: S105 - throwaway accounts in a throwaway database
P99_LIMIT_MS = 50.0
SIGN_INS = 8
SUMMARY_CONNECTIONS = 8
LEAD_SECONDS = 2
OLD_DATA_START = datetime(1970, 1, 1, 9, tzinfo=UTC)
IMPORT_START = datetime(1980, 1, 1, 9, tzinfo=UTC)
KINDS = ("thought_then_met", "shared_date", "shared_interest", "number", "name_or_word", "dream", "other")
DISTURBANCES = ("sign-ins", "import", "summaries")
SERVERS = ("sqlite", "sqlite-workers-2", "postgresql")
LABELS = {
    "sqlite": "SQLite, 1 process",
    "sqlite-workers-2": "SQLite, `--workers 2`",
    "postgresql": "PostgreSQL, 1 process",
}


@dataclass(frozen=True)
class Plan:
    """How long and how big. ``seconds`` is the measured window, alone and disturbed alike."""

    seconds: float = 15.0
    warmup: float = 2.0
    peak_seconds: float = 8.0
    connections: int = 16
    goals: int = 200
    old_entries: int = 20_000
    import_entries: int = 100_000
    # What the heavy account runs in the disturbed window: any of DISTURBANCES (one alone shows its share).
    disturbances: tuple[str, ...] = ("sign-ins", "import", "summaries")


# ``python -m bench --quick``: a smoke run.
QUICK = Plan(seconds=4.0, warmup=1.0, peak_seconds=2.0, goals=20, old_entries=2_000, import_entries=10_000)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def goal_ids(count: int) -> list[str]:
    """The heavy account's goals, the same ids in every case."""
    return [str(uuid.uuid5(uuid.NAMESPACE_URL, f"load-run/goal/{number}")) for number in range(count)]


def old_data_document(goals: int, entries: int) -> dict[str, Any]:
    """An import document: ``goals`` goals and ``entries`` entries every 4 hours from 1970, each tied to one
    goal in turn and every third to a second one."""
    ids = goal_ids(goals)
    return {
        "format": "synclog-export",
        "version": 1,
        "goals": [
            {"id": goal, "title": f"Goal {number + 1}", "cadence": "daily" if number % 2 else "weekly", "target": 1}
            for number, goal in enumerate(ids)
        ],
        "entries": [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"load-run/old/{index}")),
                "occurred_at": (OLD_DATA_START + timedelta(hours=4 * index)).isoformat(),
                "timezone": "Europe/Berlin",
                "kind": KINDS[index % len(KINDS)],
                "goal_ids": [ids[index % goals]] + ([ids[(index * 7 + 1) % goals]] if index % 3 == 0 else []),
            }
            for index in range(entries)
        ],
    }


def import_document(entries: int) -> dict[str, Any]:
    """The disturbing import: ``entries`` new entries, one an hour from 1980, no goals."""
    return {
        "format": "synclog-export",
        "version": 1,
        "entries": [
            {
                "id": str(uuid.uuid4()),
                "occurred_at": (IMPORT_START + timedelta(hours=index)).isoformat(),
                "timezone": "Europe/Berlin",
                "kind": KINDS[index % len(KINDS)],
                "note": f"Imported {index}",
            }
            for index in range(entries)
        ],
    }


def summary_paths(first: date, count: int) -> list[str]:
    """``count`` summary requests, each ``as_of`` a day later than the last: none answered from a cache."""
    return [f"{API}/summary?as_of={(first + timedelta(days=day)).isoformat()}" for day in range(count)]


def parse_curl(text: str) -> tuple[int, float]:
    """curl's ``-w '%{http_code} %{time_total}'``: the status (0 when no answer came) and the seconds taken."""
    match = re.fullmatch(r"(\d{3}) ([0-9.]+)", text.strip())
    if match is None:
        raise ValueError(f"not curl's status and time: {text!r}")
    return int(match.group(1)), float(match.group(2))


def token(code: Code, database_url: str, email: str, scopes: tuple[str, ...]) -> str:
    options = [arg for scope in scopes for arg in ("--scope", scope)]
    name = f"load-run-{uuid.uuid4().hex[:6]}"
    output = code.cli(["token", "create", "--email", email, "--name", name, *options], database_url=database_url)
    return next(word for word in output.split() if word.startswith("sl_pat_"))


@dataclass(frozen=True)
class Accounts:
    other_token: str
    heavy_token: str


def prepare(code: Code, database_url: str) -> Accounts:
    """Both accounts and their tokens through ``code``'s CLI; the heavy account's old data comes later, by HTTP."""
    code.cli(["migrate"], database_url=database_url)
    for email in (OTHER_EMAIL, HEAVY_EMAIL):
        code.cli(["user", "create", "--email", email, "--password-stdin"], database_url=database_url, stdin=PASSWORD)
    return Accounts(
        other_token=token(code, database_url, OTHER_EMAIL, ("entries:write",)),
        heavy_token=token(code, database_url, HEAVY_EMAIL, ("entries:write", "goals:write", "export", "summary:read")),
    )


class Import:
    """One ``POST /import`` of ``document`` sent by curl in the background."""

    def __init__(self, base_url: str, token: str, document: Path) -> None:
        command = [
            "curl",
            "--silent",
            "--show-error",
            "--output",
            os.devnull,
            "--write-out",
            "%{http_code} %{time_total}",
            "--header",
            f"Authorization: Bearer {token}",
            "--header",
            "Content-Type: application/json",
            "--data-binary",
            f"@{document}",
            f"{base_url}{API}/import",
        ]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def finish(self, timeout: float) -> dict[str, Any]:
        """Its status and seconds, or ``{"status": None}`` when it was still running after ``timeout`` (then cut)."""
        try:
            stdout, _ = self._process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            return {"status": None, "seconds": None}
        status, seconds = parse_curl(stdout)
        return {"status": status, "seconds": round(seconds, 1)}


def phase_row(result: wrk.LoadResult) -> dict[str, Any]:
    """A paced phase's figures and its window (wrk's own duration, seconds)."""
    return {**result.row(), "window_s": round(result.output.seconds, 2)}


def disturbance_row(output: wrk.WrkOutput) -> dict[str, Any]:
    return {
        "requests": output.requests,
        "rate": round(output.rate, 1),
        "failures": output.non_2xx + output.socket_errors,
        "p50_ms": output.percentiles_ms.get(50),
        "p99_ms": output.percentiles_ms.get(99),
    }


def run_case(
    code: Code, server_name: str, database_url: str, work_dir: Path, plan: Plan, documents: tuple[Path, Path]
) -> dict[str, Any]:
    """Every figure of one server and one code: peak, alone, disturbed."""
    old_data, heavy_import = documents
    accounts = prepare(code, database_url)
    workers = 2 if server_name == "sqlite-workers-2" else 1
    server = processes.start_synclog(
        database_url, work_dir, workers=workers, env=code.env, synclog=code.command, cwd=code.root
    )
    try:
        heavy = {"Authorization": f"Bearer {accounts.heavy_token}"}
        with httpx.Client(base_url=server.url + API, headers=heavy, timeout=600) as api:
            began = time.perf_counter()
            answer = api.post("/import", content=old_data.read_bytes(), headers={"Content-Type": "application/json"})
            if answer.status_code != 200:
                raise RuntimeError(f"old data import failed: {answer.status_code} {answer.text[:300]}")
            log(f"{code.label} {server_name}: old data imported in {time.perf_counter() - began:.1f} s")
            began = time.perf_counter()
            api.get("/summary").raise_for_status()
            first_summary_ms = (time.perf_counter() - began) * 1000
        other = quick_log_target(API + "/entries", {"Authorization": f"Bearer {accounts.other_token}"})
        url, pid, connections = server.url, server.pid, plan.connections
        wrk.closed("warm-up", url, other, server_pid=pid, connections=connections, seconds=plan.warmup)
        peak = wrk.closed("peak", url, other, server_pid=pid, connections=connections, seconds=plan.peak_seconds)
        rate = peak.output.rate / 2
        log(f"{code.label} {server_name}: peak {json.dumps(peak.row())}")
        alone = wrk.paced("alone", url, other, server_pid=pid, rate=rate, connections=connections, seconds=plan.seconds)
        log(f"{code.label} {server_name}: alone {json.dumps(phase_row(alone))}")

        sign_in = wrk.Target(
            paths=(API + "/auth/login",),
            method="POST",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"email": HEAVY_EMAIL, "password": PASSWORD}),
        )
        summaries = wrk.Target(paths=tuple(summary_paths(date.today(), 20_000)), headers=heavy)
        lasting = LEAD_SECONDS + plan.seconds + 1
        runs = plan.disturbances
        sign_ins = wrk.Background(url, sign_in, connections=SIGN_INS, seconds=lasting) if "sign-ins" in runs else None
        summary_load = (
            wrk.Background(url, summaries, connections=SUMMARY_CONNECTIONS, seconds=lasting)
            if "summaries" in runs
            else None
        )
        importing = Import(url, accounts.heavy_token, heavy_import) if "import" in runs else None
        time.sleep(LEAD_SECONDS)
        disturbed = wrk.paced(
            "disturbed",
            url,
            other,
            server_pid=pid,
            rate=rate,
            connections=connections,
            seconds=plan.seconds,
            settle=False,
        )
        log(f"{code.label} {server_name}: disturbed {json.dumps(phase_row(disturbed))}")
        disturbance = {
            "sign_ins": disturbance_row(sign_ins.finish()) if sign_ins else None,
            "summaries": disturbance_row(summary_load.finish()) if summary_load else None,
            "import": importing.finish(timeout=60) if importing else None,
        }
        log(f"{code.label} {server_name}: disturbance {json.dumps(disturbance)}")
        return {
            "server": server_name,
            "label": LABELS[server_name],
            "code": code.label,
            "revision": code.revision(),
            "first_summary_ms": round(first_summary_ms, 1),
            "peak": peak.row(),
            "alone": phase_row(alone),
            "disturbed": phase_row(disturbed),
            "disturbance": disturbance,
            "log_problems": server.problems(),
        }
    finally:
        server.stop()


def run(
    servers: list[str], plan: Plan, work_dir: Path, *, postgres_url: str, compare: tuple[Code, ...] = ()
) -> dict[str, Any]:
    """Every case: each server, the code under test and each other checkout of ``compare``, in turn."""
    codes = [processes.UNDER_TEST, *compare]
    old_data, heavy_import = work_dir / "load-run-old-data.json", work_dir / "load-run-import.json"
    old_data.write_text(json.dumps(old_data_document(plan.goals, plan.old_entries)))
    heavy_import.write_text(json.dumps(import_document(plan.import_entries)))
    cases = []
    for server_name in servers:
        for code in codes:
            log(f"load run: {code.label} on {server_name}")
            if server_name == "postgresql":
                with temporary_database(postgres_url, prefix="synclog_load") as url:
                    cases.append(run_case(code, server_name, url, work_dir, plan, (old_data, heavy_import)))
            else:
                path = work_dir / f"load-run-{code.label}-{server_name}.db"
                for stale in work_dir.glob(path.name + "*"):
                    stale.unlink()
                cases.append(run_case(code, server_name, f"sqlite:///{path}", work_dir, plan, (old_data, heavy_import)))
    return {"plan": plan.__dict__, "cases": cases}


def slowdown(case: dict[str, Any]) -> float:
    """The disturbed p99 over the p99 alone (same server, same code, same run)."""
    alone = case["alone"]["p99_ms"]
    return case["disturbed"]["p99_ms"] / alone if alone else float("inf")


def _latency(phase: dict[str, Any], share: int) -> str:
    """A percentile of a paced phase; "≥" when requests never answered make it a lower bound."""
    value = phase[f"p{share}_ms"]
    return f"≥ {value:.0f}" if phase["unanswered"] else f"{value:.1f}"


def _load_cell(done: dict[str, Any] | None) -> str:
    if done is None:
        return "–"
    p50 = done.get("p50_ms")  # absent from runs saved before it was measured
    return f"{done['requests']} ({done['rate']:.1f})" + (f", p50 {p50:.0f} ms" if p50 is not None else "")


def due(phase: dict[str, Any]) -> int:
    """Requests a paced phase had due in its window: its rate times wrk's own duration."""
    return math.floor(float(phase["target_rate"]) * float(phase["window_s"]))


def _import_cell(done: dict[str, Any] | None) -> str:
    if done is None:
        return "–"
    if done["status"] is None:
        return "not done in the window + 60 s"
    return f"{done['status']} in {done['seconds']:.1f} s"


def table(results: dict[str, Any]) -> list[str]:
    """One row per server and code: the other user's writes alone and disturbed, and what the heavy account did."""
    lines = [
        "| server | code | quick log peak req/s | half peak req/s | alone p50 / p99 ms | disturbed p50 / p99 ms "
        "| p99 × alone | disturbed writes answered / due | sign-ins answered (req/s), p50 "
        "| summaries answered (req/s), p50 | import | failures |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for case in results["cases"]:
        alone, disturbed, heavy = case["alone"], case["disturbed"], case["disturbance"]
        failures = case["peak"]["failures"] + alone["failures"] + disturbed["failures"]
        cells = [
            case["label"],
            f"{case['code']} ({case['revision']})",
            f"{case['peak']['rate']:.0f}",
            f"{alone['target_rate']:.0f}",
            f"{_latency(alone, 50)} / {_latency(alone, 99)}",
            f"{_latency(disturbed, 50)} / **{_latency(disturbed, 99)}**",
            f"{slowdown(case):.1f}",
            f"{disturbed['requests']} / {due(disturbed)}",
            _load_cell(heavy["sign_ins"]),
            _load_cell(heavy["summaries"]),
            _import_cell(heavy["import"]),
            str(failures),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def checks(results: dict[str, Any]) -> list[Check]:
    """The issue's target for the code under test on every server, and no failed write of the other user."""
    found = []
    for case in results["cases"]:
        if case["code"] != AFTER:
            continue
        disturbed = case["disturbed"]
        found.append(
            Check(
                f"load run, {case['label']}: another user's quick log p99 < {P99_LIMIT_MS:.0f} ms at half peak "
                f"({disturbed['target_rate']:.0f} req/s) while one account runs {heavy_load(results['plan'])}",
                disturbed["p99_ms"] < P99_LIMIT_MS,
                f"{disturbed['p99_ms']:.1f} ms",
            )
        )
        failures = sum(case[phase]["failures"] for phase in ("peak", "alone", "disturbed"))
        locked, tracebacks = case["log_problems"]["database is locked"], case["log_problems"]["tracebacks"]
        found.append(
            Check(
                f"load run, {case['label']}: no failed write of the other user, no 'database is locked', no traceback",
                failures == 0 and locked == 0 and tracebacks == 0,
                f"{failures} failed writes, {locked} 'database is locked', {tracebacks} tracebacks in the log",
            )
        )
    return found


def _count(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def heavy_load(plan: dict[str, Any]) -> str:
    """What the heavy account ran in the disturbed window, in words."""
    said = {
        "sign-ins": f"{SIGN_INS} parallel sign-ins",
        "import": f"an import of {_count(plan['import_entries'])} entries",
        "summaries": f"uncached summaries ({SUMMARY_CONNECTIONS} connections)",
    }
    parts = [said[name] for name in DISTURBANCES if name in plan["disturbances"]]
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def markdown(results: dict[str, Any]) -> str:
    plan = results["plan"]
    lines = [
        f"Load run: the other user's quick log at half its peak ({plan['connections']} connections, "
        f"{plan['seconds']:g} s a window), alone and while one account with {_count(plan['old_entries'])} entries "
        f"from 1970 tied to {plan['goals']} goals runs {heavy_load(plan)}.",
        "",
        *table(results),
        "",
        "| target | met | figure |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {check.what} | {'yes' if check.ok else '**no**'} | {check.figure} |" for check in checks(results)]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load_run", description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default=",".join(SERVERS), help=f"comma-separated: {', '.join(SERVERS)}")
    parser.add_argument("--seconds", type=float, default=Plan.seconds, help="each measured window")
    parser.add_argument(
        "--disturbances", default=",".join(DISTURBANCES), help=f"comma-separated: {', '.join(DISTURBANCES)}"
    )
    parser.add_argument(
        "--compare",
        type=parse_code,
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help="another checkout of Synclog to measure in the same run (repeat for more), e.g. before=/tmp/before",
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--work-dir", type=Path, help="databases, documents and server logs (default: a new one)")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk.wrk_path()
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="synclog-load-run-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    servers = [name.strip() for name in args.servers.split(",") if name.strip()]
    disturbances = tuple(name.strip() for name in args.disturbances.split(",") if name.strip())
    plan = Plan(seconds=args.seconds, disturbances=disturbances)
    results = run(servers, plan, work_dir, postgres_url=args.postgres_url, compare=tuple(args.compare))
    print(markdown(results))
    print(f"Server logs: {work_dir}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(check.ok for check in checks(results)) else 1


if __name__ == "__main__":
    sys.exit(main())
