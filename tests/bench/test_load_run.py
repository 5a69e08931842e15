"""The load run's documents, parsing and arithmetic: what it sends, what it reads back, the table and the target."""

from __future__ import annotations

import argparse
import copy
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from bench import load_run, processes


def test_the_old_data_ties_every_entry_from_1970_to_its_goals() -> None:
    document = load_run.old_data_document(goals=5, entries=9)
    goals = [goal["id"] for goal in document["goals"]]
    entries = document["entries"]
    assert (document["format"], document["version"], len(goals), len(entries)) == ("synclog-export", 1, 5, 9)
    assert [goal["cadence"] for goal in document["goals"]] == ["weekly", "daily", "weekly", "daily", "weekly"]
    assert entries[0]["occurred_at"] == "1970-01-01T09:00:00+00:00"
    assert entries[8]["occurred_at"] == "1970-01-02T17:00:00+00:00"  # every 4 hours
    # One goal in turn, a second one on every third entry, never one the document lacks.
    assert entries[1]["goal_ids"] == [goals[1]]
    assert entries[3]["goal_ids"] == [goals[3], goals[(3 * 7 + 1) % 5]]
    assert all(set(entry["goal_ids"]) <= set(goals) for entry in entries)
    assert len({entry["id"] for entry in entries}) == 9


def test_the_old_data_is_the_same_in_every_case() -> None:
    assert load_run.old_data_document(3, 4) == load_run.old_data_document(3, 4)


def test_the_disturbing_import_holds_new_entries_an_hour_apart_from_1980() -> None:
    entries = load_run.import_document(3)["entries"]
    assert [entry["occurred_at"] for entry in entries] == [
        "1980-01-01T09:00:00+00:00",
        "1980-01-01T10:00:00+00:00",
        "1980-01-01T11:00:00+00:00",
    ]
    assert len({entry["id"] for entry in entries + load_run.import_document(3)["entries"]}) == 6
    assert all("goal_ids" not in entry for entry in entries)


def test_every_summary_asks_for_a_day_never_asked_before() -> None:
    paths = load_run.summary_paths(date(2026, 12, 30), 4)
    assert paths == [
        "/api/v1/summary?as_of=2026-12-30",
        "/api/v1/summary?as_of=2026-12-31",
        "/api/v1/summary?as_of=2027-01-01",
        "/api/v1/summary?as_of=2027-01-02",
    ]
    assert len(set(load_run.summary_paths(date(2026, 1, 1), 20_000))) == 20_000


@pytest.mark.parametrize(("text", "expected"), [("200 12.345678", (200, 12.345678)), ("000 0.001\n", (0, 0.001))])
def test_curls_status_and_time_are_read(text: str, expected: tuple[int, float]) -> None:
    assert load_run.parse_curl(text) == expected


def test_curl_output_of_another_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="not curl's status and time"):
        load_run.parse_curl("200")


def test_another_checkout_is_named_label_equals_folder() -> None:
    code = processes.parse_code("before=/srv/synclog-before")
    assert (code.label, code.root, code.env) == (
        "before",
        Path("/srv/synclog-before"),
        {"PYTHONPATH": "/srv/synclog-before"},
    )
    for wrong in ("/srv/synclog-before", "before=", "=/srv/synclog-before", "after=/srv/synclog-other"):
        with pytest.raises(argparse.ArgumentTypeError):
            processes.parse_code(wrong)


def phase(p50: float, p99: float, *, failures: int = 0, unanswered: int = 0) -> dict[str, Any]:
    return {
        "target_rate": 120.0,
        "rate": 119.5,
        "p50_ms": p50,
        "p99_ms": p99,
        "failures": failures,
        "unanswered": unanswered,
        "requests": 1795 - unanswered,
        "window_s": 15.0,
    }


def case(code: str, server: str, disturbed: dict[str, Any], **problems: int) -> dict[str, Any]:
    return {
        "server": server,
        "label": load_run.LABELS[server],
        "code": code,
        "revision": "abc1234",
        "peak": {"rate": 240.0, "failures": 0},
        "alone": phase(4.0, 20.0),
        "disturbed": disturbed,
        "disturbance": {
            "sign_ins": {"requests": 30, "rate": 1.8, "failures": 0},
            "summaries": {"requests": 12, "rate": 0.7, "failures": 0},
            "import": {"status": 200, "seconds": 9.4},
        },
        "log_problems": {"database is locked": problems.get("locked", 0), "tracebacks": 0},
    }


RESULTS: dict[str, Any] = {
    "plan": {**load_run.Plan().__dict__, "disturbances": ["sign-ins", "import", "summaries"]},
    "cases": [
        case("after", "sqlite", phase(6.0, 45.0)),
        # Never held to the target: the code it is compared with.
        case("before", "sqlite", phase(15_020.0, 15_020.0, unanswered=1700)),
        case("after", "postgresql", phase(9.0, 80.0, failures=2)),
    ],
}


def test_the_slowdown_is_the_disturbed_p99_over_the_p99_alone() -> None:
    assert load_run.slowdown(RESULTS["cases"][0]) == 2.25
    assert load_run.slowdown({"alone": {"p99_ms": 0.0}, "disturbed": {"p99_ms": 1.0}}) == float("inf")


def test_the_target_holds_only_the_code_under_test() -> None:
    checks = load_run.checks(RESULTS)
    assert [(check.ok, check.figure) for check in checks] == [
        (True, "45.0 ms"),
        (True, "0 failed writes, 0 'database is locked', 0 tracebacks in the log"),
        (False, "80.0 ms"),
        (False, "2 failed writes, 0 'database is locked', 0 tracebacks in the log"),
    ]
    assert checks[0].what.startswith("load run, SQLite, 1 process: another user's quick log p99 < 50 ms")
    assert "8 parallel sign-ins, an import of 100 000 entries and uncached summaries (8 connections)" in checks[0].what


def test_a_server_that_logged_database_is_locked_misses_the_target() -> None:
    results = copy.deepcopy(RESULTS)
    results["cases"][0] = case("after", "sqlite", phase(6.0, 45.0), locked=1)
    assert not load_run.checks(results)[1].ok


def test_the_table_has_a_row_per_server_and_code() -> None:
    lines = load_run.table(RESULTS)
    assert len(lines) == 2 + 3
    assert lines[2] == (
        "| SQLite, 1 process | after (abc1234) | 240 | 120 | 4.0 / 20.0 | 6.0 / **45.0** | 2.2 | 1795 / 1800 "
        "| 30 (1.8) | 12 (0.7) | 200 in 9.4 s | 0 |"
    )
    # Unanswered requests counted as waiting since they fell due: a lower bound, said so.
    assert "| ≥ 15020 / **≥ 15020** | 751.0 | 95 / 1800 |" in lines[3]
    assert lines[4].endswith("| 2 |")


def test_a_part_of_the_heavy_load_alone_is_named_and_the_rest_left_blank() -> None:
    results = copy.deepcopy(RESULTS)
    results["plan"]["disturbances"] = ["import"]
    for each in results["cases"]:
        each["disturbance"].update(sign_ins=None, summaries=None)
    results["cases"][0]["disturbance"]["import"] = {"status": None, "seconds": None}
    assert load_run.heavy_load(results["plan"]) == "an import of 100 000 entries"
    row = load_run.table(results)[2]
    assert row.endswith("| – | – | not done in the window + 60 s | 0 |")
    assert "runs an import of 100 000 entries." in load_run.markdown(results)


def test_the_dates_of_the_old_data_come_before_any_summary_asked() -> None:
    last_old = datetime.fromisoformat(load_run.old_data_document(1, 20_000)["entries"][-1]["occurred_at"])
    assert last_old.year == 1979


def test_the_table_gives_the_sign_ins_own_p50_when_it_was_measured() -> None:
    results = copy.deepcopy(RESULTS)
    results["cases"][0]["disturbance"]["sign_ins"].update(p50_ms=2150.0, p99_ms=3980.0)
    rows = load_run.table(results)
    assert "| 30 (1.8), p50 2150 ms | 12 (0.7) |" in rows[2]
    assert "| 30 (1.8) | 12 (0.7) |" in rows[3]  # a run saved before sign-ins were timed
