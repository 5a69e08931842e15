"""Large logs (SPEC §7): the PWA with 10 000 (and 100 000) entries on a phone's CPU, and ``/changes`` at that scale.

``python -m bench.large_log`` starts ``synclog serve`` on a fresh SQLite database, registers a user,
imports the entries through ``POST /api/v1/import`` (JSON export documents of 5 000 entries built
here), signs the PWA in with the system Chromium in phone emulation (360×740, touch, DPR 3) with the
CPU slowed 4× through the DevTools protocol (``Emulation.setCPUThrottlingRate``), and measures:

- first sync: from the "Sign in" click until IndexedDB holds every entry (polled every 250 ms);
- timeline first render: after a reload, from the route change to the first page of entries painted;
- search keystroke: one ``input`` event per query, until the first ten entries shown are the
  server's ``GET /entries?q=…&limit=10``, in order (20 queries; median and max);
- "Show more": the click until more entries are shown (5 times);
- Currents open: after a reload, the route change until the figures are drawn (3 times);
- IndexedDB size: ``navigator.storage.estimate()``.

``--large`` adds the 100 000-entry run and the server check: ``/changes?limit=1000`` over 100 000
entries, peak with wrk (16 connections, every page of the feed in turn) and the p99 at half that
rate, paced (``bench.wrk.paced``). ``--docs LABEL`` writes the Markdown table under "### LABEL"
in the "Large logs" section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

from bench import wrk
from bench.large_log_probes import CURRENTS_OPEN, PROBES, SEARCH, SHOW_MORE, STORAGE, TIMELINE_FIRST_RENDER
from bench.lua import Target
from bench.processes import REPO, ServerProcess, start_synclog

API = "/api/v1"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
CPU_SLOWDOWN = 4
EMAIL = "large@example.org"
PASSWORD = "large log bench 1"  # noqa: S105 - a throwaway account in a throwaway database
IMPORT_CHUNK = 5_000
KINDS = ("thought_then_met", "shared_date", "shared_interest", "number", "name_or_word", "dream", "other")
# Place words: each names 1 in 40 entries and is no part of another word, so a substring search finds its own.
PLACES = tuple(
    [
        "harbour",
        "station",
        "bakery",
        "library",
        "meadow",
        "orchard",
        "lighthouse",
        "chapel",
        "market",
        "bridge",
        "garden",
        "quarry",
        "tavern",
        "vineyard",
        "ferry",
        "museum",
        "theatre",
        "cinema",
        "stadium",
        "pharmacy",
        "monastery",
        "glacier",
        "canyon",
        "volcano",
        "lagoon",
        "savanna",
        "tundra",
        "prairie",
        "marsh",
        "fjord",
        "reef",
        "atoll",
        "delta",
        "plateau",
        "oasis",
        "steppe",
        "jungle",
        "heath",
        "moor",
        "dune",
    ]
)
QUERIES = PLACES[:20]
DOCS = REPO / "docs" / "benchmarks.md"
SECTION = "## Large logs"


@dataclass
class Figures:
    entries: int
    import_seconds: float = 0.0
    first_sync_s: float = 0.0
    first_render_ms: list[float] = field(default_factory=list)
    keystroke_ms: list[float] = field(default_factory=list)
    show_more_ms: list[float] = field(default_factory=list)
    currents_ms: list[float] = field(default_factory=list)
    storage: dict[str, Any] = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def export_document(start: int, count: int, newest: datetime) -> bytes:
    """A Synclog JSON export of entries ``start`` … ``start + count - 1``, one every 13 minutes back from ``newest``."""
    entries = [
        {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"large-log/{index}")),
            "occurred_at": (newest - timedelta(minutes=13 * index)).isoformat(),
            "timezone": "Europe/Berlin",
            "kind": KINDS[index % len(KINDS)],
            "note": f"Thought of a friend {index}, then met them at the {PLACES[index % len(PLACES)]}",
            "intensity": 1 + index % 5,
            "tags": ["friends", f"week-{index // 500}"],
            "people": ["Ana"] if index % 3 == 0 else [],
        }
        for index in range(start, start + count)
    ]
    return json.dumps({"format": "synclog-export", "version": 1, "entries": entries}).encode()


def sign_up(server: ServerProcess) -> str:
    """Registers the bench user; a personal access token for it."""
    with httpx.Client(base_url=server.url + API, timeout=60) as browser:
        browser.post("/auth/register", json={"email": EMAIL, "password": PASSWORD}).raise_for_status()
        scopes = ["entries:read", "entries:write", "goals:read", "goals:write", "export"]
        token = browser.post("/tokens", json={"name": "large log bench", "scopes": scopes})
        token.raise_for_status()
        return str(token.json()["token"])


def import_entries(api: httpx.Client, count: int) -> float:
    """``count`` entries through ``POST /import`` in documents of 5 000; the seconds the server took."""
    newest = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    spent = 0.0
    for start in range(0, count, IMPORT_CHUNK):
        document = export_document(start, min(IMPORT_CHUNK, count - start), newest)
        began = time.perf_counter()
        response = api.post("/import", content=document, headers={"Content-Type": "application/json"})
        spent += time.perf_counter() - began
        if response.status_code != 200:
            raise RuntimeError(f"import failed: {response.status_code} {response.text[:300]}")
    return spent


def first_ids(api: httpx.Client, **params: str) -> list[str]:
    """The ids of the first ten entries ``GET /entries`` returns for ``params``."""
    response = api.get("/entries", params={"limit": "10", **params})
    response.raise_for_status()
    return [entry["id"] for entry in response.json()["data"]]


def restart(page: Page) -> None:
    """Loads the app afresh on the Log screen (a hash change alone would not reload it) and waits until it is up."""
    page.goto("/#/log")
    page.reload()
    deadline = time.monotonic() + 600
    while not page.evaluate("performance.getEntriesByName('synclog-ready').length"):
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not start")
        page.wait_for_timeout(50)


def first_sync(page: Page, count: int) -> float:
    """Signs in and waits until IndexedDB holds ``count`` entries; seconds from the click."""
    page.goto("/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    began = time.perf_counter()
    page.get_by_role("button", name="Sign in").click()
    while page.evaluate("window.__bench.storedEntries()") < count:
        if time.perf_counter() - began > 1800:
            raise TimeoutError("the first sync did not end in 30 minutes")
        page.wait_for_timeout(250)
    return time.perf_counter() - began


def measure_page(page: Page, api: httpx.Client, figures: Figures) -> None:
    for _ in range(3):
        restart(page)
        figures.first_render_ms.append(page.evaluate(TIMELINE_FIRST_RENDER))
    log(f"timeline first render {figures.first_render_ms}")
    for query in QUERIES:
        figures.keystroke_ms.append(page.evaluate(SEARCH, [query, first_ids(api, q=query)]))
    log(f"search {[round(ms) for ms in figures.keystroke_ms]}")
    page.evaluate(SEARCH, ["", first_ids(api)])
    for _ in range(5):
        figures.show_more_ms.append(page.evaluate(SHOW_MORE))
    log(f"show more {figures.show_more_ms}")
    for _ in range(3):
        restart(page)
        figures.currents_ms.append(page.evaluate(CURRENTS_OPEN))
    log(f"currents {figures.currents_ms}")
    figures.storage = page.evaluate(STORAGE)


def measure_pwa(server: ServerProcess, api: httpx.Client, figures: Figures) -> str:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=server.url, **PHONE)  # type: ignore[arg-type]
        context.add_init_script(PROBES)
        page = context.new_page()
        page.set_default_timeout(600_000)
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        figures.first_sync_s = first_sync(page, figures.entries)
        log(f"first sync of {figures.entries}: {figures.first_sync_s:.1f} s")
        measure_page(page, api, figures)
        version = browser.version
        browser.close()
    return version


def feed_paths(api: httpx.Client) -> list[str]:
    """Every page of ``/changes?limit=1000`` from the start, reached by following ``next_cursor``."""
    paths, cursor = [], ""
    while True:
        path = f"{API}/changes?limit=1000" + (f"&cursor={cursor}" if cursor else "")
        paths.append(path)
        page = api.get(path.removeprefix(API))
        page.raise_for_status()
        body = page.json()
        if not body["has_more"]:
            return paths
        cursor = body["next_cursor"]


def measure_changes(server: ServerProcess, token: str, api: httpx.Client) -> dict[str, Any]:
    """Peak of ``/changes?limit=1000`` with wrk, then its p99 at half that rate (open loop), in ms."""
    paths = feed_paths(api)
    auth = {"Authorization": f"Bearer {token}"}
    peak = wrk.run("changes", server.url, paths, headers=auth, server_pid=server.pid, connections=16, seconds=10)
    target = Target(paths=tuple(paths), headers=auth)
    half = wrk.paced(
        "changes", server.url, target, server_pid=server.pid, rate=peak.output.rate / 2, connections=16, seconds=10
    )
    return {
        "pages": len(paths),
        "peak_rate": round(peak.output.rate, 1),
        "peak_p99_ms": peak.output.percentiles_ms.get(99),
        "half_rate": round(half.output.rate, 1),
        "half_median_ms": round(half.latency_ms(50), 1),
        "half_p99_ms": round(half.latency_ms(99), 1),
        "failures": peak.failures + half.failures,
    }


def run(count: int, *, server_check: bool) -> tuple[Figures, dict[str, Any] | None, str]:
    figures = Figures(entries=count)
    with tempfile.TemporaryDirectory(prefix="synclog-large-log-") as directory:
        server = start_synclog(f"sqlite:///{Path(directory) / 'bench.db'}", Path(directory))
        try:
            token = sign_up(server)
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.url + API, headers=headers, timeout=600) as api:
                figures.import_seconds = import_entries(api, count)
                log(f"imported {count} in {figures.import_seconds:.1f} s")
                changes = measure_changes(server, token, api) if server_check else None
                if changes:
                    log(f"/changes?limit=1000: {changes}")
                version = measure_pwa(server, api, figures)
        finally:
            server.stop()
    return figures, changes, version


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ms (max {max(values):.0f} ms)"


def markdown(runs: list[Figures], changes: dict[str, Any] | None, version: str) -> str:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        f"Chromium {version}, 360×740 phone emulation, CPU slowed {CPU_SLOWDOWN}×, `synclog serve` on SQLite; "
        f"`python -m bench.large_log{' --large' if changes else ''}`, {when}.",
        "",
        "| entries | import | first sync | timeline first render | search keystroke (20) | Show more (5) "
        "| Currents open (3) | IndexedDB (estimate) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for figures in runs:
        rate = figures.entries / figures.import_seconds if figures.import_seconds else 0
        lines.append(
            f"| {figures.entries:,} | {figures.import_seconds:.1f} s ({rate:,.0f}/s) | {figures.first_sync_s:.1f} s "
            f"| {spread(figures.first_render_ms)} | {spread(figures.keystroke_ms)} | {spread(figures.show_more_ms)} "
            f"| {spread(figures.currents_ms)} | {figures.storage['usage'] / 1e6:.1f} MB |".replace(",", " ")
        )
    if changes:
        lines += [
            "",
            f"`/changes?limit=1000` over 100 000 entries ({changes['pages']} pages in turn): peak "
            f"{changes['peak_rate']} requests/s (wrk, 16 connections, p99 {changes['peak_p99_ms']} ms); at half that "
            f"rate (open loop) median {changes['half_median_ms']} ms, **p99 {changes['half_p99_ms']} ms** "
            f"(target ≤ 50 ms); {changes['failures']} failures.",
        ]
    return "\n".join(lines)


def write_docs(label: str, text: str) -> None:
    """Replaces (or adds) "### label" in the "Large logs" section of docs/benchmarks.md."""
    doc = DOCS.read_text()
    if SECTION not in doc:
        doc = doc.rstrip("\n") + f"\n\n{SECTION}\n\nWritten by `python -m bench.large_log --docs LABEL`.\n"
    head, tail = doc.split(SECTION, 1)
    body, _, rest = tail.partition("\n## ")
    rest = f"\n## {rest}" if rest else ""
    heading = f"### {label}"
    kept, _, after = body.partition(heading)
    after = after.partition("\n### ")[2]
    body = kept.rstrip("\n") + f"\n\n{heading}\n\n{text}\n" + (f"\n### {after}" if after else "")
    DOCS.write_text(head + SECTION + body + rest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.large_log", description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000, help="the first run's entries (default 10 000)")
    parser.add_argument("--large", action="store_true", help="add the 100 000-entry run and the /changes check")
    # --entries 100000 --large: the 100 000-entry run alone.
    parser.add_argument("--docs", metavar="LABEL", help='write the table under "### LABEL" in docs/benchmarks.md')
    args = parser.parse_args(argv)
    runs, changes, version = [], None, ""
    for count in dict.fromkeys([args.entries, *([100_000] if args.large else [])]):
        figures, checked, version = run(count, server_check=args.large and count == 100_000)
        runs.append(figures)
        changes = checked or changes
    text = markdown(runs, changes, version)
    print(text)
    if args.docs:
        write_docs(args.docs, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
