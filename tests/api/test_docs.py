"""``/docs`` renders the whole API reference in a real Chromium under the strict CSP, offline."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import ConsoleMessage, sync_playwright

from bench.processes import ServerProcess

CHROMIUM = Path(os.environ.get("SYNCLOG_CHROMIUM", "/usr/bin/chromium"))


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("shared_server", ["sqlite"], indirect=True)  # the page, whatever the engine
def test_docs_render_every_operation_without_csp_violations(shared_server: ServerProcess) -> None:
    server = shared_server
    if not CHROMIUM.exists():
        if os.environ.get("SYNCLOG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"SYNCLOG_REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    violations: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page()
        page.on("console", record)
        # Offline: anything the page wanted from elsewhere would fail.
        page.route(
            "**/*", lambda route: route.continue_() if route.request.url.startswith(server.url) else route.abort()
        )
        page.goto(f"{server.url}/docs")
        page.locator(".opblock").first.wait_for(timeout=30_000)
        rendered = page.locator(".opblock").count()
        browser.close()
    documented = httpx.get(f"{server.url}/openapi.json").json()["paths"]
    assert rendered == sum(len(operations) for operations in documented.values())
    assert violations == []
