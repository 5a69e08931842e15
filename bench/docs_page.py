"""The part of ``docs/benchmarks.md`` that ``python -m bench --docs`` writes: method, how to profile, figures.

It replaces what lies between ``BEGIN`` and ``END`` (the whole page when they are missing at
first) and leaves the rest of the page, written by hand, as it is.
"""

from __future__ import annotations

from pathlib import Path

from bench.processes import REPO

PAGE = Path("docs/benchmarks.md")
BEGIN = "<!-- Written by `python -m bench --docs` from here: edit bench/docs_page.py, not this. -->"
END = "<!-- End of what `python -m bench --docs` writes. -->"

METHOD = """\
# Benchmarks

Synclog is measured against the cost of the work itself, in the same run on the same
machine, so that the ratios mean something on any hardware: **baseline (b)** is the least
a FastAPI service does ([`bench/baselines.py`](../bench/baselines.py)): one pydantic
model, sync handlers in the thread pool, one SQLite insert per `POST /entries` and one
select of the 50 newest rows per `GET /entries`, with Synclog's pragmas (WAL,
`synchronous=FULL`, `BEGIN IMMEDIATE`), served in its own process by uvicorn as
`synclog serve` is.

## Reproduce

```sh
make bench                            # or: .venv/bin/python -m bench
.venv/bin/python -m bench --quick     # a smoke run: 2 s measurements over 3 000 entries
.venv/bin/python -m bench --docs      # also write the figures below into this page
git worktree add /tmp/before <commit>  # then, before and after in one run:
.venv/bin/python -m bench --parts api --compare before=/tmp/before
```

The load generator is [`wrk`](https://github.com/wg/wrk), a native program in its own
process: `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`; the run stops at once,
saying so, when it is missing. Options: `--servers sqlite,sqlite-workers-2,postgresql`,
`--connections 16,64`, `--seconds 8`, `--entries 100000`, `--postgres-url URL` (a server on
which the run creates its own database and drops it afterwards; default
`postgresql://postgres@127.0.0.1:5432/test` or `BENCH_POSTGRES_URL`), `--work-dir DIR` (keeps
the seeded SQLite database there and reuses it, so two versions of the code are measured on
the same data), `--no-baseline`, `--json FILE`, `--markdown FILE`, `--parts api,load` (the
endpoints, the load run, or both), `--compare LABEL=DIR` (both parts also measure that checkout
of Synclog, e.g. `before=/tmp/before` made by `git worktree add /tmp/before <commit>`; repeat
it for more). The run exits 1 when a target is missed; server logs stay in the directory it prints.

With `--compare`, each server runs the code under test, then each other checkout, against the
same baseline (b): that checkout on a database of its own, migrated and seeded by its own code
(its `bench.summary_bench.seed_heavy`, in a process with its root as `PYTHONPATH` and working
directory, so each version fills its own schema), its own `synclog token create` and
`synclog serve`, then the same endpoints. Its rows follow the code under test's, named by the
label ("Synclog before, SQLite, 1 process"), with their ratio to the same (b); an endpoint it
does not answer with a 2xx is reported as not measured, with the status it gave. The targets
apply to the code under test only.

## What a run does

1. **Baseline (b)**: `POST /entries` (the quick-log body below), `GET /entries` and `/healthz`.
2. **Synclog** ([`bench/api_bench.py`](../bench/api_bench.py)), once per server: SQLite with one
   process, SQLite with `synclog serve --workers 2` (the same database), and PostgreSQL (a
   database of the run's own). The user's log is seeded with 100 000 entries over 10 years and
   20 goals (`bench.summary_bench.seed_heavy`), and a personal access token made with
   `synclog token create`. Rate limits are off (`SYNCLOG_RATE_LIMITS=off`): the default would
   cap one user at 50 requests a second. Then, in this order (the quick log first, so that its
   writes leave the summary read afterwards cached):
   - quick log: `POST /api/v1/entries` with the bearer token and an `Idempotency-Key` never
     sent before (the wrk script numbers them), body `{"kind": "thought_then_met", "note":
     "Thought of Ana, then met her at the station", "intensity": 3, "tags": ["friends"]}`;
   - timeline: `GET /api/v1/entries?limit=50`;
   - `GET /api/v1/summary` (cached after the first request; the uncached figure is
     `python -m bench.summary_bench`'s);
   - `GET /api/v1/changes?limit=1000` (the oldest 1 000 changes);
   - `GET /healthz` (every middleware, no database).

Each endpoint, at 16 and at 64 connections:

- **warm-up**, then **peak**: closed loop (each connection sends its next request when the
  last is answered), one wrk thread; req/s, p50 and p99 from wrk's `--latency` report;
- **half peak**: half the peak rate, paced: one wrk thread per connection, each sending on a
  fixed schedule through the Lua `delay()` hook ([`bench/lua.py`](../bench/lua.py)); at most two
  connections per request a second, so that none idles past uvicorn's 5 s keep-alive. A request
  sent late because its connection still waited for the last answer counts its latency from
  when it was due (as wrk2 does), so a stalled server cannot hide its queue. (`h2load -r`
  sets the rate at which *connections* are opened, not requests, so it is not used.)
- **server CPU per request**: `utime + stime` of the server's processes (the uvicorn
  supervisor and its workers) from `/proc/<pid>/stat`, from wrk's start until the server is
  idle again, over the requests answered plus the one each connection still had in flight.
  On PostgreSQL the database's own processes are not counted.

3. **Load run** ([`bench/load_run.py`](../bench/load_run.py), issue 14), once per server on a fresh
   database: another user's quick log (as above) at half its peak, alone and while one account runs
   8 parallel sign-ins (wrk, `POST /auth/login`), an import of 100 000 entries (one `POST /import`
   sent by curl) and uncached summaries over 20 000 entries from 1970 tied to 200 goals (wrk, 8
   connections, a new `as_of` on every request), each from a process of its own, for a 15 s window.
   The target: the other user's p99 under 50 ms while disturbed. `python -m bench.load_run
   --disturbances import` (or `sign-ins`, `summaries`) runs one part alone, to see its share.

Every non-2xx answer and socket error counts as a failure, and each server's log is searched
for "database is locked" and tracebacks. A paced run counts each request due in its window but never
answered (beyond two per connection) as having waited since it fell due, so a server that stalls
shows it; its percentiles are then lower bounds (the load run marks them ≥).

## Profiling the server under load

[py-spy](https://github.com/benfred/py-spy) samples a running Python process from outside
(`.venv/bin/pip install py-spy`; it needs `ptrace`, so run it as the server's user or root):

```sh
SYNCLOG_DATABASE_URL=sqlite:////tmp/bench/synclog-100000.db SYNCLOG_RATE_LIMITS=off \\
    .venv/bin/synclog serve --port 8800 &             # a database seeded by --work-dir /tmp/bench
wrk -c16 -d30s -s post.lua http://127.0.0.1:8800/ &   # a script from bench.lua.script(...)
py-spy record --gil --pid $(pgrep -f 'synclog serve --port 8800') --duration 20 \\
    --format speedscope -o quick-log.json              # open in https://speedscope.app
py-spy dump --pid …                                   # every thread's stack, once
```

`--gil` samples only the thread holding the GIL: CPU work, not waiting. `--format raw`
writes collapsed stacks for `flamegraph.pl` or for `sort | uniq -c`. With `--workers 2`,
profile one worker (`--subprocesses` follows them all).
"""


def render(report: str) -> str:
    """The generated part of the page around the run's ``report``."""
    return f"{BEGIN}\n{METHOD}\n## Figures\n\n{report}\n{END}\n"


def write(report: str, page: Path = REPO / PAGE) -> None:
    """Put the run's section into ``page``, keeping what stands outside the markers."""
    text = page.read_text() if page.exists() else ""
    section = render(report)
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = section + ("\n" + text if text else "")
    page.write_text(text)
