"""The outbox protocol of SPEC §7 against the real server: retries, tabs, triggers, conflicts."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import BrowserContext, Page, Request, Route, expect

from tests.web.conftest import PASSWORD, eventually, log_and_sync, pending, server_entries, sign_up

LOG = "Log a synchronicity"


def log_one(page: Page) -> None:
    page.get_by_role("button", name=LOG).click()


IN_THE_BACKGROUND = """
// The once-a-minute sync of a visible page stays quiet, so every attempt below is a retry.
Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => 'hidden' });
"""
RETRY_SCHEDULE_MS = [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]  # SPEC §7: within 2 s, doubling, at most 30 s
CLOCK_STEP_MS = 1000


def test_lost_response_and_503s_are_retried_on_the_backoff_schedule_and_end_with_one_entry(
    new_context: Callable[..., BrowserContext], other_device: Callable[[str], httpx.Client]
) -> None:
    # Playwright routes only requests the page itself sends, not those passed through a service worker.
    context = new_context(service_workers="block")
    context.add_init_script(IN_THE_BACKGROUND)
    page = context.new_page()
    page.clock.install()  # fake timers: the backoff's 91 s pass in as many steps, not in real time
    email = sign_up(page)
    answers: list[str] = []
    sent_at: list[int] = []

    def flaky(route: Route) -> None:
        if route.request.method != "PUT":
            route.continue_()
            return
        sent_at.append(page.evaluate("Date.now()"))  # the page's (fake) clock stands still between steps
        if not answers:
            route.fetch()  # the server stores the entry; its answer never arrives
            answers.append("lost")
            route.abort("connectionreset")
        elif len(answers) < len(RETRY_SCHEDULE_MS):
            answers.append("503")
            problem = {"type": "about:blank", "title": "Service Unavailable", "status": 503, "code": "unavailable"}
            route.fulfill(status=503, content_type="application/problem+json", body=json.dumps(problem))
        else:
            answers.append("passed")
            route.continue_()

    page.route("**/api/v1/entries/*", flaky)
    idle = expect(page.locator("html"))
    idle.to_have_attribute("data-sync", "idle")
    page.clock.pause_at(datetime.now(UTC) + timedelta(seconds=1))
    log_one(page)
    eventually(page, lambda: len(answers) == 1, what="the first attempt")
    while len(answers) <= len(RETRY_SCHEDULE_MS):
        idle.to_have_attribute("data-sync", "idle")  # the failure is handled and its retry scheduled
        page.clock.run_for(CLOCK_STEP_MS)
    pending(page).to_have_text("0")
    assert answers == ["lost", *["503"] * (len(RETRY_SCHEDULE_MS) - 1), "passed"]
    assert [later - earlier for earlier, later in itertools.pairwise(sent_at)] == RETRY_SCHEDULE_MS
    assert len(server_entries(other_device(email))) == 1


def test_two_tabs_draining_at_once_write_each_entry_once(
    new_context: Callable[..., BrowserContext], other_device: Callable[[str], httpx.Client]
) -> None:
    context = new_context(service_workers="block")  # so that every request shows up in `request` events
    page = context.new_page()
    email = sign_up(page)
    second = context.new_page()
    second.goto("/")
    expect(second.get_by_role("button", name=LOG)).to_be_visible()
    sent: list[str] = []

    def count_writes(request: Request) -> None:
        if request.method == "PUT" and "/api/v1/entries/" in request.url:
            sent.append(request.url)

    context.on("request", count_writes)
    context.set_offline(True)
    for _ in range(3):
        log_one(page)
        log_one(second)
    pending(page).to_have_text("6")
    pending(second).to_have_text("6")

    context.set_offline(False)  # both tabs get `online` and start draining together
    pending(page).to_have_text("0", timeout=20_000)
    pending(second).to_have_text("0", timeout=20_000)
    entries = server_entries(other_device(email))
    assert len(entries) == 6
    assert len(sent) == 6, sent
    assert len(set(sent)) == 6


NO_BACKGROUND_SYNC = """
delete window.SyncManager;
delete ServiceWorkerRegistration.prototype.sync;
// The test decides when the page believes it is online, without firing `online`.
Object.defineProperty(Navigator.prototype, 'onLine', { configurable: true, get: () => window.__online !== false });
// The once-a-minute sync of a visible page stays quiet (on a loaded machine a minute passes within the test),
// so only the events under test drain.
const every = window.setInterval;
window.setInterval = (work, delay, ...rest) => (delay === 60_000 ? 0 : every(work, delay, ...rest));
"""


def test_without_background_sync_online_and_visibilitychange_drain(
    context: BrowserContext, page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    context.add_init_script(NO_BACKGROUND_SYNC)
    email = sign_up(page)
    desk = other_device(email)
    assert page.evaluate("'SyncManager' in window") is False

    idle = expect(page.locator("html"))
    idle.to_have_attribute("data-sync", "idle")  # the first pull is over; nothing else will run by itself

    # `online`
    page.evaluate("window.__online = false")
    log_one(page)
    pending(page).to_have_text("1")
    page.evaluate("window.__online = true")
    page.wait_for_timeout(2500)
    pending(page).to_have_text("1")  # nothing else drains it
    page.evaluate("window.dispatchEvent(new Event('online'))")
    eventually(page, lambda: len(server_entries(desk)) == 1, what="the drain on `online`")
    pending(page).to_have_text("0")

    # `visibilitychange`
    idle.to_have_attribute("data-sync", "idle")
    page.evaluate("window.__online = false")
    log_one(page)
    pending(page).to_have_text("1")
    page.evaluate("window.__online = true")
    page.wait_for_timeout(2500)
    pending(page).to_have_text("1")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    eventually(page, lambda: len(server_entries(desk)) == 2, what="the drain on `visibilitychange`")
    pending(page).to_have_text("0")


def open_editor(page: Page) -> None:
    page.get_by_role("link", name="Timeline").click()
    entry = page.get_by_test_id("timeline-entry").first
    entry.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("dialog")).to_be_visible()


def test_edit_elsewhere_while_offline_ends_in_a_rebase(
    context: BrowserContext, page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    email = sign_up(page)
    desk = other_device(email)
    [entry] = log_and_sync(page, desk, 1)

    context.set_offline(True)
    open_editor(page)
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Note").fill("Met Anna at the station, right after thinking of her")
    dialog.get_by_label("Tags", exact=True).fill("phone")
    dialog.get_by_role("button", name="Save").click()
    pending(page).to_have_text("1")

    elsewhere = {"meaning": "Trust the pull toward old friends", "tags": ["desk"]}
    changed = desk.patch(f"/entries/{entry['id']}", json=elsewhere)
    assert changed.status_code == 200, changed.text

    context.set_offline(False)
    pending(page).to_have_text("0", timeout=20_000)
    final = desk.get(f"/entries/{entry['id']}").json()
    assert final["note"] == "Met Anna at the station, right after thinking of her"
    assert final["meaning"] == "Trust the pull toward old friends"
    assert sorted(final["tags"]) == ["desk", "phone"]
    assert final["version"] == 3


def test_deletion_elsewhere_removes_the_entry_and_tells_the_user(
    context: BrowserContext, page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    email = sign_up(page)
    desk = other_device(email)
    [entry] = log_and_sync(page, desk, 1)

    context.set_offline(True)
    open_editor(page)
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Note").fill("A change that arrives too late")
    dialog.get_by_role("button", name="Save").click()
    pending(page).to_have_text("1")
    assert desk.delete(f"/entries/{entry['id']}").status_code == 204

    context.set_offline(False)
    pending(page).to_have_text("0", timeout=20_000)
    expect(page.get_by_test_id("timeline-entry")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="deleted on another device")).to_be_visible()
    assert server_entries(desk) == []


def test_rejected_change_is_kept_aside_and_shown(page: Page, other_device: Callable[[str], httpx.Client]) -> None:
    email = sign_up(page)
    log_and_sync(page, other_device(email), 1)
    page.get_by_role("button", name="Add details").click()
    page.get_by_label("Tags", exact=True).fill("x" * 80)  # tags are at most 60 characters
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("link", name="1 needs attention")).to_be_visible()
    pending(page).to_have_text("1")
    page.wait_for_timeout(1500)
    pending(page).to_have_text("1")  # kept, not dropped, not retried in a loop

    page.get_by_role("link", name="1 needs attention").click()
    attention = page.locator("#needs-attention")
    expect(attention).to_contain_text("failed")
    attention.get_by_role("button", name="Discard change").click()
    pending(page).to_have_text("0")


def test_ops_wait_for_sign_in_after_the_session_ends(
    context: BrowserContext, page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    email = sign_up(page)
    desk = other_device(email)
    log_and_sync(page, desk, 1)
    context.set_offline(True)
    context.clear_cookies()  # the session is gone, but the page does not know yet
    log_one(page)
    pending(page).to_have_text("1")

    context.set_offline(False)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Your session ended")).to_be_visible()
    pending(page).to_have_text("1")
    assert len(server_entries(desk)) == 1

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    eventually(page, lambda: len(server_entries(desk)) == 2, what="the entry kept through sign-in")
    pending(page).to_have_text("0")
