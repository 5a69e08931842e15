"""Quick log on a phone: the button in thumb reach, the streak worked out on the device, offline,
as entries are logged and undone; Undo and Add details in view after each tap; no double entries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.web.conftest import eventually, log_and_sync, pending, server_entries, sign_up, wait_for_service_worker

BERLIN = ZoneInfo("Europe/Berlin")
PHONES = [{"width": 360, "height": 740}, {"width": 390, "height": 844}]


def offline_at(context: BrowserContext, page: Page, moment: datetime) -> None:
    """Signed up online once; from here on offline, on the app the service worker keeps, at ``moment``."""
    sign_up(page)
    wait_for_service_worker(page)
    context.set_offline(True)
    page.clock.set_fixed_time(moment)
    page.reload()
    expect(page.get_by_role("button", name="Log a synchronicity")).to_be_visible()


def streak(page: Page, length: int, status: str) -> None:
    element = page.get_by_test_id("current-streak")
    expect(element).to_have_attribute("data-length", str(length))
    expect(element).to_have_attribute("data-status", status)


@pytest.mark.parametrize("viewport", PHONES, ids=["360x740", "390x844"])
def test_streak_counts_offline_days_and_undo_without_asking_the_server(
    new_context: Callable[..., BrowserContext], viewport: dict[str, int]
) -> None:
    context = new_context(viewport=viewport, timezone_id="Europe/Berlin")
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/api/v1/summary" in request.url else None)
    offline_at(context, page, datetime(2026, 3, 9, 21, 30, tzinfo=BERLIN))
    button = page.get_by_role("button", name="Log a synchronicity")
    streak(page, 0, "none")

    for day, length in [(9, 1), (10, 2), (11, 3)]:
        page.clock.set_fixed_time(datetime(2026, 3, day, 21, 30, tzinfo=BERLIN))
        button.click()
        streak(page, length, "active")
        expect(page.get_by_role("status").filter(has_text="Logged at 9:30 PM")).to_be_in_viewport()
        expect(page.get_by_role("button", name="Undo")).to_be_in_viewport()
        expect(page.get_by_role("button", name="Add details")).to_be_in_viewport()
    expect(page.get_by_test_id("current-streak")).to_contain_text("3 days in a row")
    pending(page).to_have_text("3")

    page.get_by_role("button", name="Undo").click()
    streak(page, 2, "at_risk")
    expect(page.get_by_test_id("current-streak")).to_contain_text("Log today to keep it.")
    pending(page).to_have_text("2")  # the unsent entry left the outbox with it
    expect(page.get_by_role("button", name="Undo")).to_be_hidden()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Currents").click()
    current = page.locator(".stat").filter(has=page.get_by_text("Current streak", exact=True)).locator("dd")
    expect(current).to_have_attribute("data-value", "2")
    expect(current).to_have_attribute("data-status", "at_risk")
    expect(page.get_by_role("img", name="Entries per day over the last year")).to_be_visible()
    assert asked == []


@pytest.mark.parametrize("viewport", PHONES, ids=["360x740", "390x844"])
def test_the_button_sits_in_thumb_reach(new_context: Callable[..., BrowserContext], viewport: dict[str, int]) -> None:
    page = new_context(viewport=viewport).new_page()
    sign_up(page)
    button = page.get_by_role("button", name="Log a synchronicity")
    box = button.bounding_box()
    assert box is not None
    centre = box["y"] + box["height"] / 2
    assert viewport["height"] / 2 < centre < viewport["height"], (box, viewport)
    button.click()
    expect(page.get_by_role("button", name="Add details")).to_be_in_viewport()
    assert button.bounding_box() == box  # the message takes room kept for it: the button stays put


def test_a_double_tap_logs_once_and_goal_periods_follow(context: BrowserContext, page: Page) -> None:
    offline_at(context, page, datetime(2026, 3, 11, 9, 0, tzinfo=BERLIN))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Goals").click()
    page.get_by_label("Title").fill("Walk by the sea")
    page.get_by_label("Target").fill("2")
    page.get_by_role("button", name="Add goal").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log").click()
    periods = page.get_by_role("list", name="Goals this period")
    expect(periods).to_have_text("Walk by the sea: 0 of 2 this week")

    page.get_by_role("button", name="Log a synchronicity").dblclick()
    expect(page.locator(".today-item")).to_have_count(1)
    pending(page).to_have_text("2")  # the goal and one entry
    streak(page, 1, "active")

    page.get_by_role("button", name="Add details").click()
    page.get_by_role("group", name="Goals it speaks to").get_by_text("Walk by the sea").click()
    page.get_by_role("button", name="Save details").click()
    expect(periods).to_have_text("Walk by the sea: 1 of 2 this week")
    page.get_by_role("button", name="Log a synchronicity").click()
    expect(page.locator(".today-item")).to_have_count(2)
    expect(periods).to_have_text("Walk by the sea: 1 of 2 this week")  # the new entry speaks to no goal


def test_undo_of_a_sent_entry_deletes_it_on_the_server(page: Page, other_device: Callable[[str], httpx.Client]) -> None:
    desk = other_device(sign_up(page))
    [entry] = log_and_sync(page, desk, 1)
    streak(page, 1, "active")
    page.get_by_role("button", name="Undo").click()
    streak(page, 0, "none")
    eventually(page, lambda: server_entries(desk) == [], what="the entry deleted on the server")
    pending(page).to_have_text("0")
    assert desk.get(f"/entries/{entry['id']}").status_code == 410  # deleted, its tombstone kept


def test_undo_while_the_entry_is_on_its_way_deletes_it_once_it_arrives(
    page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    desk = other_device(sign_up(page))
    on_the_way: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if on_the_way:
            route.continue_()
        else:
            on_the_way.append(route)  # answered below, after the Undo

    page.route("**/api/v1/entries/*", hold_the_first)
    page.get_by_role("button", name="Log a synchronicity").click()
    eventually(page, lambda: len(on_the_way) == 1, what="the entry's PUT on its way")
    page.get_by_role("button", name="Undo").click()
    streak(page, 0, "none")
    expect(page.locator(".today-item")).to_have_count(0)

    on_the_way[0].continue_()
    eventually(
        page, lambda: [e for e in desk.get("/changes").json()["changes"] if e["deleted"]] != [], what="a tombstone"
    )
    pending(page).to_have_text("0")
    assert server_entries(desk) == []
    expect(page.locator(".today-item")).to_have_count(0)
    streak(page, 0, "none")


def test_an_earlier_entry_of_today_gets_its_details(new_context: Callable[..., BrowserContext]) -> None:
    context = new_context(timezone_id="Europe/Berlin")
    page = context.new_page()
    offline_at(context, page, datetime(2026, 3, 11, 9, 0, tzinfo=BERLIN))
    button = page.get_by_role("button", name="Log a synchronicity")
    button.click()
    page.clock.set_fixed_time(datetime(2026, 3, 11, 9, 5, tzinfo=BERLIN))
    button.click()
    expect(page.locator(".today-item")).to_have_count(2)
    page.get_by_role("button", name="Details of 9:00 AM").click()
    page.get_by_label("Note").fill("The first one, remembered later")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator(".today-item").last).to_contain_text("The first one, remembered later")
    expect(page.locator(".today-item").first).not_to_contain_text("remembered")


def test_on_this_day_shows_the_same_date_in_earlier_years(
    new_context: Callable[..., BrowserContext], other_device: Callable[[str], httpx.Client]
) -> None:
    page = new_context(timezone_id="UTC").new_page()
    page.clock.set_fixed_time(datetime(2026, 6, 15, 12, 0, tzinfo=UTC))
    desk = other_device(sign_up(page))
    heading = page.get_by_role("heading", name="On this day")
    expect(page.get_by_test_id("current-streak")).to_be_attached()
    expect(heading).to_be_hidden()
    for note, at in [("The lighthouse postcard", "2025-06-15T10:00:00Z"), ("Not this day", "2025-06-14T10:00:00Z")]:
        assert desk.post("/entries", json={"note": note, "occurred_at": at}).status_code == 201
    page.reload()
    expect(heading).to_be_visible()
    region = page.get_by_role("region", name="On this day")
    expect(region.get_by_role("listitem")).to_have_count(1)
    expect(region).to_contain_text("The lighthouse postcard")
