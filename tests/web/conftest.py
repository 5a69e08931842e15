"""Browser fixtures: the real ``synclog serve`` on a free loopback port and the system Chromium.

Without ``/usr/bin/chromium`` the browser tests skip with a reason, unless
``SYNCLOG_REQUIRE_BROWSER=1`` (CI), which turns the skip into a failure.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from bench.processes import ServerProcess, start_synclog
from tests.cheap_hashing import SYNCLOG_WITH_CHEAP_HASHING
from tests.factories import http_client

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "web"
NODE_MODULES = REPO / "node_modules"
CHROMIUM = Path(os.environ.get("SYNCLOG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
_numbers = itertools.count(1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/web/" in item.nodeid.replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium); browser tests need it"
        if os.environ.get("SYNCLOG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"SYNCLOG_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return CHROMIUM


def required_tool(path: Path | None, what: str) -> Path:
    """A tool the Makefile installs (``npm ci``): missing, a test skips, or fails in CI (SYNCLOG_REQUIRE_BROWSER=1)."""
    if path is not None and path.exists():
        return path
    reason = f"{what} is not installed (`npm ci` at the repository root installs it; Node.js from the system)"
    if os.environ.get("SYNCLOG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"SYNCLOG_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_driver(chromium_path: Path) -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright, chromium_path: Path) -> Iterator[Browser]:
    launched = playwright_driver.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the browser tests; each test signs up its own account, so none share data."""
    directory = tmp_path_factory.mktemp("web-server")
    running = start_synclog(f"sqlite:///{directory / 'synclog.db'}", directory, synclog=SYNCLOG_WITH_CHEAP_HASHING)
    yield running
    running.stop()


@pytest.fixture
def base_url(server: ServerProcess) -> str:
    return server.url


@pytest.fixture
def new_context(browser: Browser, base_url: str) -> Iterator[Callable[..., BrowserContext]]:
    """Contexts (separate devices) that are closed after the test."""
    opened: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", PHONE)
        context = browser.new_context(base_url=base_url, **options)
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def unique_email() -> str:
    return f"web{next(_numbers)}-{os.getpid()}@example.org"


def sign_up(page: Page, email: str | None = None) -> str:
    """Create an account through the PWA's form; returns the email."""
    email = email or unique_email()
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Log a synchronicity")).to_be_visible()
    return email


def wait_for_service_worker(page: Page) -> None:
    """The shell is cached once the service worker controls the page."""
    # Polled with evaluate(): wait_for_function() evaluates strings, which the app's CSP forbids.
    controlled = "navigator.serviceWorker.controller !== null"
    eventually(page, lambda: bool(page.evaluate(controlled)), what="the service worker")


def pending(page: Page) -> Any:
    return expect(page.get_by_test_id("pending-count"))


@pytest.fixture
def other_device(base_url: str) -> Iterator[Callable[[str], httpx.Client]]:
    """API clients signed in as a given user, standing in for the user's other devices."""
    clients: list[httpx.Client] = []

    def make(email: str) -> httpx.Client:
        client = http_client(f"{base_url}/api/v1", timeout=10)
        response = client.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def server_entries(client: httpx.Client) -> list[dict[str, Any]]:
    response = client.get("/entries", params={"limit": 200})
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["data"]
    return entries


def eventually(page: Page, check: Callable[[], bool], timeout: float = 20, what: str = "condition") -> None:
    """Polls ``check`` while letting Playwright dispatch events (route handlers run meanwhile)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        page.wait_for_timeout(100)


def log_and_sync(page: Page, client: httpx.Client, expected: int) -> list[dict[str, Any]]:
    """Taps once and waits until the server holds ``expected`` entries and nothing is pending."""
    page.get_by_role("button", name="Log a synchronicity").click()
    eventually(page, lambda: len(server_entries(client)) == expected, what=f"{expected} entries on the server")
    pending(page).to_have_text("0")
    expect(page.locator("html")).to_have_attribute("data-sync", "idle")  # the pull after the drain is over too
    return server_entries(client)


NOTES = [
    "Thought of Anna for the first time in years; she called an hour later.",
    "The stranger on the train was reading the book I had just ordered.",
    "Met someone who shares my birthday, at the pottery class.",
    "Saw 11:11 on the clock, then again on the bus number.",
    "Dreamt of a lighthouse; the postcard in the mailbox showed one.",
    "Overheard someone in the café mention the exact job I applied for.",
    "A colleague brought up sea kayaking, which I had been reading about all week.",
    "",
]
# The kinds a seeded year cycles through: a chosen few, in the order the screenshots show.
SEED_KINDS = ["thought_then_met", "shared_interest", "shared_date", "number", "dream", "overheard", "timing", "other"]


def seed_year(client: httpx.Client, days: int = 365, every: int = 3) -> dict[str, Any]:
    """A plausible year of goals and entries, made through the API by another device."""
    goals = []
    for title, color, cadence in [
        ("Move closer to the sea", "#2563eb", "weekly"),
        ("Reconnect with old friends", "#c2410c", "weekly"),
        ("Write every day", "#7c3aed", "daily"),
    ]:
        response = client.post("/goals", json={"title": title, "color": color, "cadence": cadence})
        assert response.status_code == 201, response.text
        goals.append(response.json())
    # Entries fall between 08:00 and 16:00 UTC of their day, so no day boundary is crossed
    # whatever the time of the run (the browser, and so the account, is on UTC here).
    noon = datetime.combine(datetime.now(UTC).date(), dt_time(12), UTC)
    created = 0
    for day in range(days, -1, -1):
        if day % every and day % 7 != 1:
            continue
        number = created
        created += 1
        at = noon - timedelta(days=day) + timedelta(hours=(number * 5) % 9 - 4)
        body = {
            "occurred_at": at.isoformat(),
            "kind": SEED_KINDS[number % len(SEED_KINDS)],
            "note": NOTES[number % len(NOTES)],
            "intensity": 1 + number % 5,
            "tags": ["sea"] if number % 4 == 0 else ["friends", "phone"] if number % 4 == 1 else [],
            "goal_ids": [goals[number % 3]["id"]] if number % 2 == 0 else [],
            "people": ["Anna"] if number % 7 == 0 else [],
        }
        response = client.post("/entries", json=body)
        assert response.status_code == 201, response.text
    return {"goals": goals, "entries": created}
