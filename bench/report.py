"""The run's report in Markdown: the table against baseline (b), and each target met or not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MB = 1_000_000
RSS_LIMIT_MB = 200
HALF_PEAK_P99_LIMIT_MS = 25.0
MIN_RATIO = 0.5
MAX_DEPTH_COST = 2.0

# Synclog endpoint → the baseline (b) operation it is compared with.
ENDPOINTS: dict[str, tuple[str, str]] = {
    "quick_log": ("quick-log `POST /api/v1/entries` (token, `Idempotency-Key`)", "post"),
    "timeline": ("timeline `GET /api/v1/entries?limit=50`", "get"),
    "timeline_deep": ("timeline page deep in the log (keyset cursor)", "get"),
    "summary": ("`GET /api/v1/summary`", "get"),
    "changes": ("`GET /api/v1/changes?limit=500`", "get"),
}
BASELINE_OPERATIONS = {"post": "`POST /entries` (one insert)", "get": "`GET /entries` (50 newest rows)"}


@dataclass(frozen=True)
class Check:
    what: str
    ok: bool
    figure: str


def _ms(value: float) -> str:
    return f"{value:.1f}"


def _baseline_rate(results: dict[str, Any], operation: str) -> float | None:
    fastapi = results["baselines"].get("fastapi_app")
    if fastapi is None:
        return None
    rate: float = fastapi["endpoints"][operation]["peak"]["rate"]
    return rate


def table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| server | engine | endpoint | req/s at 64 conn | × (b) | median ms | p99 ms | p99 ms at half peak "
        "| failures |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for app, baseline in results["baselines"].items():
        for operation, measured in baseline["endpoints"].items():
            peak = measured["peak"]
            reference = _baseline_rate(results, operation)
            ratio = f"{peak['rate'] / reference:.2f}" if reference else "–"
            lines.append(
                f"| {baseline['name']} | SQLite | {BASELINE_OPERATIONS[operation]} | {peak['rate']:.0f} | {ratio} | "
                f"{_ms(peak['median_ms'])} | {_ms(peak['p99_ms'])} | – | {peak['failures']} |"
            )
        del app
    for engine, run in results["synclog"].items():
        for key, (label, operation) in ENDPOINTS.items():
            measured = run["endpoints"].get(key)
            if measured is None:
                continue
            peak = measured["peak"]
            half = measured.get("half_peak")
            reference = _baseline_rate(results, operation)
            ratio = f"**{peak['rate'] / reference:.2f}**" if reference else "–"
            half_p99 = _ms(half["p99_ms"]) if half else "–"
            if key == "timeline_deep":
                label = f"timeline `GET /api/v1/entries?limit=50&cursor=…` {run['depth_pages']:,} pages deep"
            failures = peak["failures"] + (half["failures"] if half else 0)
            lines.append(
                f"| Synclog | {'SQLite' if engine == 'sqlite' else 'PostgreSQL'} | {label} | {peak['rate']:.0f} | "
                f"{ratio} | {_ms(peak['median_ms'])} | {_ms(peak['p99_ms'])} | {half_p99} | {failures} |"
            )
    return lines


def checks(results: dict[str, Any]) -> list[Check]:
    found: list[Check] = []
    sqlite = results["synclog"].get("sqlite")
    if sqlite is None:
        return found
    endpoints = sqlite["endpoints"]
    for key, operation in (("quick_log", "post"), ("timeline", "get")):
        reference = _baseline_rate(results, operation)
        if reference and key in endpoints:
            ratio = endpoints[key]["peak"]["rate"] / reference
            found.append(
                Check(f"SQLite {ENDPOINTS[key][0]} ≥ {MIN_RATIO}× baseline (b)", ratio >= MIN_RATIO, f"{ratio:.2f}×")
            )
    for key, measured in endpoints.items():
        half = measured.get("half_peak")
        if half is not None:
            found.append(
                Check(
                    f"SQLite {ENDPOINTS[key][0]}: p99 < {HALF_PEAK_P99_LIMIT_MS:.0f} ms at half peak "
                    f"({half['target_rate']:.0f} req/s)",
                    half["p99_ms"] < HALF_PEAK_P99_LIMIT_MS,
                    f"{half['p99_ms']:.1f} ms",
                )
            )
    for engine, run in results["synclog"].items():
        failures = sum(
            measured[phase]["failures"] for measured in run["endpoints"].values() for phase in ("peak", "half_peak")
            if phase in measured
        )  # fmt: skip
        locked = run["log_problems"]["database is locked"]
        tracebacks = run["log_problems"]["tracebacks"]
        found.append(
            Check(
                f"{engine}: zero errors, zero 'database is locked' at {results['plan']['concurrency']} connections",
                failures == 0 and locked == 0 and tracebacks == 0,
                f"{failures} failed requests, {locked} 'database is locked', {tracebacks} tracebacks in the log",
            )
        )
        first, deep = run["endpoints"].get("timeline"), run["endpoints"].get("timeline_deep")
        if first and deep:
            cost = deep["peak"]["median_ms"] / first["peak"]["median_ms"]
            found.append(
                Check(
                    f"{engine}: timeline {run['depth_pages']} pages deep within "
                    f"{MAX_DEPTH_COST:.0f}× the first page (median latency at 64 connections)",
                    cost <= MAX_DEPTH_COST,
                    f"{cost:.2f}× ({first['peak']['rate']:.0f} vs {deep['peak']['rate']:.0f} req/s)",
                )
            )
        rss = run["rss_after_fill_bytes"] / MB
        found.append(
            Check(
                f"{engine}: server RSS after {run['entries']:,} entries written < {RSS_LIMIT_MB} MB",
                run["entries"] >= run["plan"]["fill_to"] and rss < RSS_LIMIT_MB,
                f"{rss:.0f} MB (at start {run['rss_start_bytes'] / MB:.0f} MB, "
                f"after the reads at 64 connections {run['rss_end_bytes'] / MB:.0f} MB)",
            )
        )
    return found


def passed(results: dict[str, Any]) -> bool:
    return all(check.ok for check in checks(results))


def render(results: dict[str, Any]) -> str:
    box = results["machine"]
    lines = [
        f"Run of {results['started_at']}{' (--quick)' if results['quick'] else ''}, {results['seconds']} s.",
        "",
        f"Machine: {box['cpu']}, {box['cores']} cores, {box['memory_gib']} GiB RAM, {box['os']}; "
        f"Python {box['python']}, SQLite {box['sqlite']}, PostgreSQL {box['postgresql'] or 'not used'}; "
        f"load average at the start {', '.join(f'{value:.2f}' for value in box['load_average'])}.",
        "",
        *table(results),
        "",
    ]
    for engine, run in results["synclog"].items():
        fill = run["fill"]
        lines.append(
            f"- {engine}: reads measured over {run['entries']:,} entries of one user; "
            f"{fill['written']:,} of them written through `{fill['path']}` in {fill['seconds']} s; "
            f"the first `GET /summary` after the last write (it computes; later ones read the cache) "
            f"took {run['summary_first_ms']:.0f} ms."
        )
    lines += ["", "| target | met | figure |", "| --- | --- | --- |"]
    lines += [f"| {check.what} | {'yes' if check.ok else '**no**'} | {check.figure} |" for check in checks(results)]
    return "\n".join(lines) + "\n"
