"""``python -m bench --parts api --compare LABEL=DIR``: the option, the rows of another checkout, its seeding.

Harness only: no figure here is measured.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bench import __main__ as bench_main
from bench import api_bench, processes, report
from bench.postgres import temporary_database
from bench.summary_bench import EMAIL
from tests.bench.test_report import RESULTS, both

QUICK_LOG = api_bench.ENDPOINTS["quick_log"][0]
SUMMARY = api_bench.ENDPOINTS["summary"][0]


def before(endpoints: dict[str, Any], *, not_measured: dict[str, int] | None = None) -> dict[str, Any]:
    return {
        "label": "Synclog before, SQLite, 1 process",
        "code": "before",
        "revision": "67d5e1c",
        "log_problems": {"database is locked": 3, "tracebacks": 1},
        "quick_log_writes": {"acknowledged": 10, "stored": 9},
        "endpoints": endpoints,
        "not_measured": not_measured or {},
    }


def with_before(run: dict[str, Any]) -> dict[str, Any]:
    results = copy.deepcopy(RESULTS)
    results["compared"] = {"sqlite": [run]}
    return results


def test_compare_is_repeated_label_equals_folder_for_both_parts() -> None:
    args = bench_main.parse_args(["--compare", "before=/srv/before17", "--compare", "older=/srv/old"])
    assert [(code.label, code.root) for code in args.compare] == [
        ("before", Path("/srv/before17")),
        ("older", Path("/srv/old")),
    ]
    assert bench_main.parse_args([]).compare == []


def test_another_checkout_is_named_in_its_rows_label() -> None:
    assert bench_main.label_of("sqlite", "before") == "Synclog before, SQLite, 1 process"
    assert bench_main.label_of("sqlite-workers-2", "v1") == "Synclog v1, SQLite, `--workers 2`"
    assert bench_main.label_of("postgresql", "before") == "Synclog before, PostgreSQL, 1 process"
    assert bench_main.label_of("sqlite", processes.AFTER) == "Synclog, SQLite, 1 process"


def test_each_row_of_the_code_under_test_is_followed_by_the_same_row_of_the_other_checkout() -> None:
    results = with_before(before({"quick_log": {"16": both(250), "64": both(200)}, "summary": {"16": both(450)}}))
    rows = report.table(results)
    sqlite_rows = [row for row in rows if not row.startswith("| (b)")][2:]
    assert [row.split(" | ")[:3] for row in sqlite_rows[:4]] == [
        ["| SQLite", QUICK_LOG, "16"],
        ["| Synclog before, SQLite, 1 process", QUICK_LOG, "16"],
        ["| SQLite", QUICK_LOG, "64"],
        ["| Synclog before, SQLite, 1 process", QUICK_LOG, "64"],
    ]
    # Its ratio is to the same baseline (b) of the same run: 250 / 1000 and 200 / 800 (POST), 450 / 1200 (GET).
    assert sqlite_rows[1].startswith(f"| Synclog before, SQLite, 1 process | {QUICK_LOG} | 16 | 250 | **0.25** |")
    assert sqlite_rows[3].startswith(f"| Synclog before, SQLite, 1 process | {QUICK_LOG} | 64 | 200 | **0.25** |")
    assert f"| Synclog before, SQLite, 1 process | {SUMMARY} | 16 | 450 | **0.38** |" in "\n".join(rows)
    # The endpoints it has no figure of at all (timeline, changes, /healthz): a row each, not measured.
    unmeasured = [row for row in rows if "Synclog before" in row and "| not measured |" in row]
    assert len(unmeasured) == 2 + 1 + 1  # timeline at 16 and 64, changes and /healthz at 16
    # PostgreSQL ran no other checkout: its rows are unchanged.
    assert [row for row in rows if row.startswith("| PostgreSQL")] == [
        row for row in report.table(RESULTS) if row.startswith("| PostgreSQL")
    ]


def test_an_endpoint_the_other_checkout_did_not_answer_is_reported_not_measured_with_its_status() -> None:
    results = with_before(before({"quick_log": {"16": both(250)}}, not_measured={"summary": 404}))
    rows = report.table(results)
    assert (
        f"| Synclog before, SQLite, 1 process | {SUMMARY} | 16 | not measured: answered 404 | – | – | – | – | – | – "
        "| – | – |" in rows
    )


def test_the_targets_hold_the_code_under_test_only() -> None:
    # The other checkout misses every target (slow, a failed request, locked, a lost write): no check names it.
    slow = both(10)
    slow["peak"]["failures"] = 4
    results = with_before(before({"quick_log": {"16": slow}, "timeline": {"16": both(10, half_p99=900.0)}}))
    assert [(check.what, check.ok) for check in report.checks(results)] == [
        (check.what, check.ok) for check in report.checks(RESULTS)
    ]
    assert report.passed(results)
    assert not any("before" in check.what for check in report.checks(results))


def test_the_report_names_each_other_checkout_and_its_revision() -> None:
    assert report.compared_codes(RESULTS) == []
    lines = report.compared_codes(with_before(before({})))
    assert lines[0].startswith("Also measured, right after the code under test on each server: `before` (67d5e1c),")


@contextmanager
def database(engine: str, tmp_path: Path) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'seeded.db'}"
        return
    server = os.environ.get("SYNCLOG_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("SYNCLOG_TEST_POSTGRES_URL names no PostgreSQL server")
    with temporary_database(server, prefix="synclog_seed_test") as url:
        yield url


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_checkout_seeds_its_own_database_in_a_process_of_its_own(engine: str, tmp_path: Path) -> None:
    """The code under test through the same call another checkout gets: its seeder, its CLI, then a token."""
    plan = api_bench.Plan(entries=40)
    with database(engine, tmp_path) as url:
        token = api_bench.prepare(processes.UNDER_TEST, url, plan)
        assert token.startswith("sl_pat_")
        assert api_bench.count_entries(url) == 40
        assert EMAIL in processes.UNDER_TEST.cli(["user", "list"], database_url=url)
        # A second prepare finds the user and seeds nothing more.
        api_bench.prepare(processes.UNDER_TEST, url, plan)
        assert api_bench.count_entries(url) == 40


def test_a_checkout_without_the_seeder_fails_naming_itself(tmp_path: Path) -> None:
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "__init__.py").write_text("")
    other = processes.Code("before", tmp_path)
    with pytest.raises(RuntimeError, match=r"(?s)seed_heavy \(before\) failed: .*bench\.summary_bench"):
        other.seed_heavy(f"sqlite:///{tmp_path / 'x.db'}", 10)
