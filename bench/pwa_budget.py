"""The PWA's budget: shell size, tap-to-saved and offline cold start, in headless Chromium.

``python -m bench.pwa_budget`` starts ``synclog serve`` on a temporary SQLite file, drives the
real PWA with the system Chromium and prints a Markdown table (the PWA section of
``docs/benchmarks.md``). ``--check`` exits 1 when a figure is over its budget.

- Shell: the HTML, CSS and JS a start needs (``index.html``, its stylesheet, its module
  script and everything that imports statically, and ``sw.js``), uncompressed, without icons
  (budget 100 KB). The screens loaded with ``import()`` on first use are precached too and
  reported beside it as "everything precached".
- Tap-to-saved: from the click event to the IndexedDB transaction that holds the entry and
  its outbox op having completed, as the page measures it (median budget 50 ms).
- Offline cold start: after one visit, offline, with the service worker stopped, from
  navigation start to the quick-log button being wired to IndexedDB (budget 1 s).
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from bench.processes import REPO, start_synclog

WEB = REPO / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHELL_BUDGET_BYTES = 100 * 1024
TAP_BUDGET_MS = 50.0
COLD_START_BUDGET_MS = 1000.0
RECORD_SAVES = "window.__saves = []; addEventListener('synclog:logged', (e) => window.__saves.push(e.detail.ms));"


@dataclass
class Figures:
    shell_bytes: int
    shell_gzip_bytes: int
    shell_files: int
    precached_bytes: int
    tap_ms: list[float]
    cold_start_ms: list[float]
    chromium: str


STATIC_IMPORT = re.compile(r"""\bfrom\s+['"](\.{1,2}/[^'"]+)['"]|^\s*import\s+['"](\.{1,2}/[^'"]+)['"]""", re.M)
PAGE_ASSET = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)="/([^"]+)"')


def shell_files() -> list[Path]:
    """index.html, what it loads, and every module reachable through static imports."""
    files = {WEB / "index.html", WEB / "sw.js"}
    queue = [WEB / match for match in PAGE_ASSET.findall((WEB / "index.html").read_text())]
    while queue:
        path = queue.pop().resolve()
        if path in files:
            continue
        files.add(path)
        if path.suffix == ".js":
            for imported in STATIC_IMPORT.findall(path.read_text()):
                queue.append(path.parent / (imported[0] or imported[1]))
    return sorted(files)


def precached_files() -> list[Path]:
    files = [WEB / "index.html", WEB / "sw.js", *WEB.glob("css/*.css"), *WEB.glob("*/**/*.js")]  # js/ and vendor/
    return sorted(path for path in files if path.is_file())


def measure_shell() -> tuple[int, int, int, int]:
    files = shell_files()
    raw = sum(path.stat().st_size for path in files)
    compressed = sum(len(gzip.compress(path.read_bytes(), 9)) for path in files)
    everything = sum(path.stat().st_size for path in precached_files())
    return raw, compressed, len(files), everything


def poll(page: Page, expression: str, timeout_ms: float = 15_000) -> Any:
    """Waits for a truthy expression with evaluate() (the app's CSP forbids wait_for_function's eval)."""
    waited = 0.0
    while waited < timeout_ms:
        value = page.evaluate(expression)
        if value:
            return value
        page.wait_for_timeout(20)
        waited += 20
    raise TimeoutError(f"{expression} stayed false for {timeout_ms} ms")


def measure_browser(base_url: str, taps: int, starts: int) -> tuple[list[float], list[float], str]:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        version = browser.version
        context = browser.new_context(base_url=base_url, viewport={"width": 360, "height": 740})
        context.add_init_script(RECORD_SAVES)
        page = context.new_page()
        page.goto("/")
        page.get_by_label("Email").fill(f"bench-{uuid.uuid4().hex[:8]}@example.org")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Create account").click()
        button = page.get_by_role("button", name="Log a synchronicity")
        button.wait_for()
        poll(page, "navigator.serviceWorker.controller !== null")

        for _ in range(5):  # warm-up: first module and IndexedDB use
            button.click()
        poll(page, "window.__saves.length >= 5")
        page.evaluate("window.__saves = []")
        for count in range(1, taps + 1):
            button.click()
            poll(page, f"window.__saves.length >= {count}")
        tap_ms: list[float] = page.evaluate("window.__saves")
        page.close()

        cold_ms: list[float] = []
        context.set_offline(True)
        for _ in range(starts):
            probe = context.new_page()
            cdp = context.new_cdp_session(probe)
            cdp.send("ServiceWorker.enable")
            cdp.send("ServiceWorker.stopAllWorkers")
            cdp.detach()
            probe.close()
            page = context.new_page()
            page.goto("/")
            ready = poll(page, "performance.getEntriesByName('synclog-ready')[0]?.startTime")
            if not page.get_by_role("button", name="Log a synchronicity").is_enabled():
                raise RuntimeError("the quick-log button is not usable offline")
            cold_ms.append(float(ready))
            page.close()
        context.close()
        browser.close()
    return tap_ms, cold_ms, version


def run(taps: int, starts: int) -> Figures:
    raw, compressed, count, everything = measure_shell()
    with tempfile.TemporaryDirectory(prefix="synclog-pwa-bench-") as directory:
        server = start_synclog(f"sqlite:///{Path(directory) / 'bench.db'}", Path(directory))
        try:
            tap_ms, cold_ms, version = measure_browser(server.url, taps, starts)
        finally:
            server.stop()
    return Figures(raw, compressed, count, everything, tap_ms, cold_ms, version)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def markdown(figures: Figures) -> str:
    tap_median = statistics.median(figures.tap_ms)
    cold_median = statistics.median(figures.cold_start_ms)
    rows = [
        (
            f"Shell: HTML + JS + CSS a start loads, uncompressed, without icons ({figures.shell_files} files)",
            "< 100 KB",
            f"{figures.shell_bytes / 1024:.1f} KB (gzip {figures.shell_gzip_bytes / 1024:.1f} KB)",
            figures.shell_bytes < SHELL_BUDGET_BYTES,
        ),
        (
            "Everything precached (the shell and the screens loaded on first use), without icons",
            "",
            f"{figures.precached_bytes / 1024:.1f} KB",
            None,
        ),
        (
            f"Tap to saved (IndexedDB transaction complete), median of {len(figures.tap_ms)}",
            "< 50 ms",
            f"{tap_median:.1f} ms (p95 {percentile(figures.tap_ms, 0.95):.1f} ms)",
            tap_median < TAP_BUDGET_MS,
        ),
        (
            f"Offline cold start to a usable quick-log button, median of {len(figures.cold_start_ms)}",
            "< 1 s",
            f"{cold_median:.0f} ms (max {max(figures.cold_start_ms):.0f} ms)",
            cold_median < COLD_START_BUDGET_MS,
        ),
    ]
    lines = [
        f"PWA budget, headless Chromium {figures.chromium}, 360×740 viewport, `synclog serve` on SQLite.",
        "",
        "| measure | budget | measured | within |",
        "| --- | --- | --- | --- |",
    ]
    verdict = {True: "yes", False: "**no**", None: ""}
    lines += [f"| {name} | {budget} | {value} | {verdict[ok]} |" for name, budget, value, ok in rows]
    return "\n".join(lines)


def within_budget(figures: Figures) -> bool:
    return (
        figures.shell_bytes < SHELL_BUDGET_BYTES
        and statistics.median(figures.tap_ms) < TAP_BUDGET_MS
        and statistics.median(figures.cold_start_ms) < COLD_START_BUDGET_MS
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pwa_budget", description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=50, help="taps to time (default 50)")
    parser.add_argument("--starts", type=int, default=10, help="offline cold starts to time (default 10)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure is over its budget")
    args = parser.parse_args(argv)
    figures = run(args.taps, args.starts)
    print(markdown(figures))
    return 0 if within_budget(figures) or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
