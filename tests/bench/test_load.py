"""The benchmark harness's arithmetic: percentiles, failures and the targets it reports."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from bench import report
from bench.load import Result


def result(latencies: list[float], statuses: dict[int, int] | None = None) -> Result:
    return Result("x", "closed", 2.0, latencies, Counter(statuses or {200: len(latencies)}), Counter())


def test_percentiles_are_nearest_rank() -> None:
    measured = result([float(value) for value in range(1, 101)])
    assert measured.percentile(99) == 99.0
    assert measured.percentile(50) == 50.0
    assert measured.p99 == 99.0 and measured.median == 50.5
    assert measured.rate == 50.0


def test_non_2xx_answers_and_transport_errors_are_failures() -> None:
    measured = result([0.1, 0.1, 0.1], {201: 1, 500: 1, 409: 1})
    measured.errors["ReadError"] += 2
    assert measured.failures == 4


def phase(rate: float, median_ms: float, p99_ms: float, failures: int = 0) -> dict[str, Any]:
    return {"rate": rate, "median_ms": median_ms, "p99_ms": p99_ms, "failures": failures, "target_rate": rate}


RESULTS: dict[str, Any] = {
    "plan": {"concurrency": 64},
    "baselines": {
        "fastapi_app": {
            "name": "(b)",
            "endpoints": {"post": {"peak": phase(400, 100, 900)}, "get": {"peak": phase(300, 100, 900)}},
        }
    },
    "synclog": {
        "sqlite": {
            "plan": {"fill_to": 100_000},
            "entries": 100_000,
            "depth_pages": 1_000,
            "rss_start_bytes": 90_000_000,
            "rss_after_fill_bytes": 110_000_000,
            "rss_end_bytes": 150_000_000,
            "log_problems": {"database is locked": 0, "tracebacks": 0},
            "endpoints": {
                "quick_log": {"peak": phase(210, 300, 400), "half_peak": phase(105, 8, 20)},
                "timeline": {"peak": phase(150, 400, 500), "half_peak": phase(75, 8, 20)},
                "timeline_deep": {"peak": phase(140, 420, 500), "half_peak": phase(70, 8, 20)},
            },
        }
    },
}


def test_targets_are_met_by_figures_within_them() -> None:
    assert all(check.ok for check in report.checks(RESULTS))
    assert report.passed(RESULTS)


def test_each_target_fails_on_its_own() -> None:
    slow = copy.deepcopy(RESULTS)
    slow["synclog"]["sqlite"]["endpoints"]["quick_log"]["peak"]["rate"] = 190
    locked = copy.deepcopy(RESULTS)
    locked["synclog"]["sqlite"]["log_problems"]["database is locked"] = 1
    deep = copy.deepcopy(RESULTS)
    deep["synclog"]["sqlite"]["endpoints"]["timeline_deep"]["peak"]["median_ms"] = 801
    heavy = copy.deepcopy(RESULTS)
    heavy["synclog"]["sqlite"]["rss_after_fill_bytes"] = 200_000_000
    late = copy.deepcopy(RESULTS)
    late["synclog"]["sqlite"]["endpoints"]["timeline"]["half_peak"]["p99_ms"] = 25.0
    for failing in (slow, locked, deep, heavy, late):
        assert [check.ok for check in report.checks(failing)].count(False) == 1
