"""The run's report in Markdown: one table against baseline (b), and each target met or not."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from bench.api_bench import ENDPOINTS

HALF_PEAK_P99_LIMIT_MS = 25.0
MIN_RATIO = 0.5
# The server whose figures the targets apply to, and the endpoints held to the latency target.
TARGET_SERVER = "sqlite"
LATENCY_TARGETS = ("quick_log", "timeline", "summary", "changes")
RATIO_TARGETS = ("quick_log", "timeline")
BASELINE_OPERATIONS = {
    "post": "`POST /entries` (one insert)",
    "get": "`GET /entries` (50 newest rows)",
    "healthz": "`GET /healthz`",
}


@dataclass(frozen=True)
class Check:
    what: str
    ok: bool
    figure: str


def ratio(rate: float, baseline_rate: float | None) -> float | None:
    """``rate`` over baseline (b)'s; None without a baseline figure."""
    if not baseline_rate:
        return None
    return rate / baseline_rate


def baseline_rate(results: dict[str, Any], operation: str, connections: str) -> float | None:
    baseline = results.get("baseline")
    if baseline is None:
        return None
    measured = baseline["endpoints"].get(operation, {}).get(connections)
    return float(measured["peak"]["rate"]) if measured else None


def _ms(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.1f}"


def _row(server: str, endpoint: str, connections: str, measured: dict[str, Any], times: float | None) -> str:
    peak, half = measured["peak"], measured.get("half_peak")
    failures = peak["failures"] + (half["failures"] if half else 0)
    cells = [
        server,
        endpoint,
        connections,
        f"{peak['rate']:.0f}",
        "–" if times is None else f"**{times:.2f}**",
        _ms(peak["p50_ms"]),
        _ms(peak["p99_ms"]),
        f"{peak['cpu_ms_per_request']:.2f}",
        f"{half['rate']:.0f}" if half else "–",
        _ms(half["p50_ms"]) if half else "–",
        _ms(half["p99_ms"]) if half else "–",
        str(failures),
    ]
    return "| " + " | ".join(cells) + " |"


def table(results: dict[str, Any]) -> list[str]:
    """Every figure of the run: each server, endpoint and connection count, peak and half peak."""
    lines = [
        "| server | endpoint | conn. | req/s | × (b) | p50 ms | p99 ms | CPU ms/req | half-peak req/s "
        "| p50 ms | p99 ms | failures |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    baseline = results.get("baseline")
    if baseline is not None:
        for operation, by_connections in baseline["endpoints"].items():
            for connections, measured in by_connections.items():
                lines.append(_row("(b)", BASELINE_OPERATIONS[operation], connections, measured, None))
    for name, run in results["servers"].items():
        runs = [run, *results.get("compared", {}).get(name, [])]
        for key, by_connections in run["endpoints"].items():
            for connections in by_connections:
                lines += [_endpoint_row(results, each, key, connections) for each in runs]
    return lines


def _endpoint_row(results: dict[str, Any], run: dict[str, Any], key: str, connections: str) -> str:
    """``run``'s row of endpoint ``key`` at ``connections``, its ratio to (b) of the same run; "not measured" and
    the status it answered instead when its code (another checkout) did not answer it with a 2xx."""
    label, operation = ENDPOINTS[key]
    measured = run["endpoints"].get(key, {}).get(connections)
    if measured is None:
        status = run.get("not_measured", {}).get(key)
        return _not_measured_row(run["label"], label, connections, status)
    times = ratio(measured["peak"]["rate"], baseline_rate(results, operation, connections))
    return _row(run["label"], label, connections, measured, times)


def _not_measured_row(server: str, endpoint: str, connections: str, status: int | None) -> str:
    said = "not measured" if status is None else f"not measured: answered {status}"
    return "| " + " | ".join([server, endpoint, connections, said, *["–"] * 8]) + " |"


def checks(results: dict[str, Any]) -> list[Check]:
    """The issue's targets on SQLite with one process, and no failure on any server: for the code under test
    only (``results["servers"]``), never for the checkouts it is compared with (``results["compared"]``)."""
    found: list[Check] = []
    target = results["servers"].get(TARGET_SERVER)
    if target is not None:
        for key in RATIO_TARGETS:
            label, operation = ENDPOINTS[key]
            for connections, measured in target["endpoints"].get(key, {}).items():
                times = ratio(measured["peak"]["rate"], baseline_rate(results, operation, connections))
                if times is not None:
                    found.append(
                        Check(
                            f"{label} ≥ {MIN_RATIO}× (b) at {connections} connections",
                            times >= MIN_RATIO,
                            f"{times:.2f}×",
                        )
                    )
        for key in LATENCY_TARGETS:
            label, _ = ENDPOINTS[key]
            for connections, measured in target["endpoints"].get(key, {}).items():
                half = measured.get("half_peak")
                if half is not None:
                    found.append(
                        Check(
                            f"{label}: p99 < {HALF_PEAK_P99_LIMIT_MS:.0f} ms at half peak "
                            f"({half['target_rate']:.0f} req/s over {connections} connections)",
                            half["p99_ms"] < HALF_PEAK_P99_LIMIT_MS,
                            f"{half['p99_ms']:.1f} ms",
                        )
                    )
    for run in results["servers"].values():
        failures = sum(
            measured[phase]["failures"]
            for by_connections in run["endpoints"].values()
            for measured in by_connections.values()
            for phase in ("peak", "half_peak")
            if phase in measured
        )
        writes = run.get("quick_log_writes")
        if writes is not None:
            found.append(
                Check(
                    f"{run['label']}: every acknowledged quick log stored",
                    writes["stored"] >= writes["acknowledged"],
                    f"{writes['acknowledged']} answered 2xx, {writes['stored']} entries stored",
                )
            )
        locked, tracebacks = run["log_problems"]["database is locked"], run["log_problems"]["tracebacks"]
        found.append(
            Check(
                f"{run['label']}: no failed request, no 'database is locked', no traceback",
                failures == 0 and locked == 0 and tracebacks == 0,
                f"{failures} failed requests, {locked} 'database is locked', {tracebacks} tracebacks in the log",
            )
        )
    return found


def passed(results: dict[str, Any]) -> bool:
    return all(check.ok for check in checks(results))


def _load(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def compared_codes(results: dict[str, Any]) -> list[str]:
    """A line naming each other checkout measured in the run and its revision, when there are any."""
    codes = {run["code"]: run["revision"] for runs in results.get("compared", {}).values() for run in runs}
    if not codes:
        return []
    named = ", ".join(f"`{code}` ({revision})" for code, revision in codes.items())
    return [
        f"Also measured, right after the code under test on each server: {named}, in the rows that name it; "
        "the targets apply to the code under test only.",
        "",
    ]


def render(results: dict[str, Any]) -> str:
    """The report: when and where, the table, the targets."""
    box = results["machine"]
    plan = results["plan"]
    lines = [
        f"Run of {results['started_at']}{' (--quick)' if results['quick'] else ''}, {results['seconds']} s; "
        f"{plan['seconds']:g} s a measurement after {plan['warmup']:g} s of warm-up.",
        "",
        f"Machine: {box['cpu']}, {box['cores']} cores, {box['memory_gib']} GiB RAM, {box['os']}; "
        f"Python {box['python']}, SQLite {box['sqlite']}, PostgreSQL {box['postgresql'] or 'not used'}, "
        f"{box['wrk']}. Load average (1, 5, 15 min) at the start {_load(box['load_average'])}, "
        f"at the end {_load(results['load_average_end'])}.",
        "",
        *compared_codes(results),
        *table(results),
        "",
        "| target | met | figure |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {check.what} | {'yes' if check.ok else '**no**'} | {check.figure} |" for check in checks(results)]
    return "\n".join(lines) + "\n"
