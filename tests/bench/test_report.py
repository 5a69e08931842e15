"""The report's arithmetic: ratios to baseline (b) from the same run, the targets, the page it writes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from bench import docs_page, report


def phase(rate: float, p99_ms: float = 10.0, failures: int = 0) -> dict[str, Any]:
    return {
        "rate": rate,
        "target_rate": rate,
        "p50_ms": 2.0,
        "p99_ms": p99_ms,
        "cpu_ms_per_request": 1.25,
        "failures": failures,
    }


def both(peak: float, half_p99: float = 10.0) -> dict[str, Any]:
    return {"peak": phase(peak), "half_peak": phase(peak / 2, half_p99)}


RESULTS: dict[str, Any] = {
    "baseline": {
        "endpoints": {
            "post": {"16": {"peak": phase(1000)}, "64": {"peak": phase(800)}},
            "get": {"16": {"peak": phase(1200)}, "64": {"peak": phase(1000)}},
            "healthz": {"16": {"peak": phase(3000)}},
        }
    },
    "servers": {
        "sqlite": {
            "label": "SQLite",
            "log_problems": {"database is locked": 0, "tracebacks": 0},
            "quick_log_writes": {"acknowledged": 1200, "stored": 1200},
            "endpoints": {
                "quick_log": {"16": both(500), "64": both(400)},
                "timeline": {"16": both(600), "64": both(500)},
                "summary": {"16": both(900)},
                "changes": {"16": both(30)},
                "healthz": {"16": both(2000, half_p99=80.0)},
            },
        },
        "postgresql": {
            "label": "PostgreSQL",
            "log_problems": {"database is locked": 0, "tracebacks": 0},
            # Not held to the ratio or latency targets.
            "endpoints": {"quick_log": {"16": both(100, half_p99=90.0)}},
        },
    },
}


def test_ratios_are_to_baseline_b_at_the_same_connection_count() -> None:
    assert report.baseline_rate(RESULTS, "post", "64") == 800
    assert report.ratio(400, report.baseline_rate(RESULTS, "post", "64")) == 0.5
    assert report.ratio(400, None) is None
    rows = report.table(RESULTS)
    assert (
        "| SQLite | quick log `POST /api/v1/entries` (token, `Idempotency-Key`) | 64 | 400 | **0.50** |"
        in "\n".join(rows)
    )
    assert any(
        row.startswith("| SQLite | `GET /healthz` | 16 | 2000 | **0.67** | 2.0 | 10.0 | 1.25 | 1000 |") for row in rows
    )
    assert any(row.startswith("| (b) | `POST /entries` (one insert) | 16 | 1000 | – |") for row in rows)


def test_targets_at_the_line_are_met() -> None:
    found = report.checks(RESULTS)
    assert [check.figure for check in found if "≥" in check.what] == ["0.50×", "0.50×", "0.50×", "0.50×"]
    assert all(check.ok for check in found)
    # 2 ratios × 2 counts, 4 latency targets (6 figures), writes kept on SQLite, a clean log per server.
    assert len(found) == 4 + 6 + 1 + 2
    assert [check.figure for check in found if "stored" in check.what] == ["1200 answered 2xx, 1200 entries stored"]


def test_each_target_fails_on_its_own() -> None:
    def changed(path: list[str], key: str, value: Any) -> dict[str, Any]:
        results = copy.deepcopy(RESULTS)
        place = results
        for step in path:
            place = place[step]
        place[key] = value
        return results

    sqlite = ["servers", "sqlite"]
    failing = [
        changed([*sqlite, "endpoints", "quick_log", "64", "peak"], "rate", 399.0),
        changed([*sqlite, "endpoints", "timeline", "16", "peak"], "rate", 599.0),
        changed([*sqlite, "endpoints", "changes", "16", "half_peak"], "p99_ms", 25.0),
        changed([*sqlite, "endpoints", "summary", "16", "half_peak"], "failures", 1),
        changed([*sqlite, "log_problems"], "database is locked", 1),
        changed(["servers", "postgresql", "log_problems"], "tracebacks", 2),
        changed([*sqlite, "quick_log_writes"], "stored", 1199),
    ]
    for results in failing:
        assert [check.ok for check in report.checks(results)].count(False) == 1
        assert not report.passed(results)


def test_the_page_keeps_what_stands_outside_its_section(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    page.write_text("Intro\n\nold\n\n## By hand\n\nkept\n")
    docs_page.write("| first |", page)
    assert page.read_text().startswith(docs_page.BEGIN + "\n# Benchmarks")
    assert page.read_text().endswith(docs_page.END + "\n\nIntro\n\nold\n\n## By hand\n\nkept\n")
    docs_page.write("| second |", page)
    text = page.read_text()
    assert "| second |" in text and "| first |" not in text
    assert text.count(docs_page.BEGIN) == 1 and text.endswith("## By hand\n\nkept\n")
