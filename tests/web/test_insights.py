"""The practice of noticing in the PWA (issue 20): suggestions of names used before, rename and
merge across devices, echoes, Insights and the printable summary; axe and touch targets on the
new screens. With ``SYNCLOG_SCREENSHOTS=docs/screenshots`` the screenshots are written there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.web.conftest import DESKTOP, PASSWORD, PHONE, eventually, seed_year, server_entries, sign_up
from tests.web.test_accessibility import screenshot_dir, serious_violations
from tests.web.test_touch_targets import small_targets


def post_entry(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = client.post("/entries", json=fields)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def synced(page: Page) -> None:
    """Reloads, so the page pulls what the other device wrote, and waits for the pull to end."""
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-sync", "idle")


def open_details(page: Page) -> None:
    page.get_by_role("button", name="Log a synchronicity").click()
    page.get_by_role("button", name="Add details").click()
    expect(page.get_by_role("button", name="Save details")).to_be_visible()


def test_the_details_form_offers_people_and_tags_used_before_and_keeps_inner(
    page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    client = other_device(sign_up(page))
    post_entry(client, note="Thought of her", people=["Zoë Brandt", "Anna"], tags=["Station"])
    post_entry(client, note="Again", people=["Zoë Brandt"])
    synced(page)
    open_details(page)
    people = page.get_by_role("group", name="People you have named before")
    page.get_by_label("People", exact=True).press_sequentially("zoe")  # accents and case aside
    expect(people.get_by_role("button")).to_have_text(["Zoë Brandt"])
    people.get_by_role("button", name="Zoë Brandt").click()
    expect(page.get_by_label("People", exact=True)).to_have_value("Zoë Brandt, ")
    expect(people.get_by_role("button")).to_have_count(0)
    page.get_by_label("People", exact=True).press_sequentially("zo")  # one already chosen is not offered again
    expect(people.get_by_role("button")).to_have_count(0)
    page.get_by_label("People", exact=True).fill("Zoë Brandt")
    page.get_by_label("Tags", exact=True).press_sequentially("st")
    page.get_by_role("group", name="Tags you have used before").get_by_role("button", name="Station").click()
    page.get_by_label("On my mind before").fill("Wondering whether to call her")
    page.get_by_role("button", name="Save details").click()

    def with_inner() -> list[dict[str, Any]]:
        return [entry for entry in server_entries(client) if entry["inner"]]

    eventually(page, lambda: len(with_inner()) == 1, what="the details on the server")
    [saved] = with_inner()
    assert saved["inner"] == "Wondering whether to call her"
    assert saved["people"] == ["Zoë Brandt"]
    assert saved["tags"] == ["Station"]


def sign_in(context: BrowserContext, email: str) -> Page:
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Log a synchronicity")).to_be_visible()
    return page


def test_a_rename_shows_on_another_device_after_it_syncs(
    new_context: Callable[..., BrowserContext], other_device: Callable[[str], httpx.Client]
) -> None:
    first = new_context().new_page()
    email = sign_up(first)
    client = other_device(email)
    post_entry(client, note="Met at the bakery", people=["Ann"])
    post_entry(client, note="Called out of the blue", people=["Anna"])
    second = sign_in(new_context(), email)
    second.get_by_role("navigation", name="Main").get_by_role("link", name="Timeline").click()
    expect(second.get_by_text("with Ann", exact=True)).to_be_visible()

    synced(first)
    first.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()
    first.get_by_role("button", name="Rename or merge Ann", exact=True).click()
    first.get_by_label("New name for Ann").fill("Anna")
    first.get_by_role("button", name="Save name").click()
    expect(first.get_by_text("Ann is now Anna in 1 entry.")).to_be_visible()
    people = first.get_by_role("list", name="People")
    expect(people.get_by_role("listitem")).to_have_count(1)  # merged
    expect(people).to_contain_text("Anna · 2 entries")

    second.evaluate("dispatchEvent(new Event('online'))")  # one of the sync triggers
    expect(second.get_by_text("with Anna", exact=True)).to_have_count(2)
    expect(second.get_by_text("with Ann", exact=True)).to_have_count(0)


def test_echoes_open_from_an_entry(page: Page, other_device: Callable[[str], httpx.Client]) -> None:
    client = other_device(sign_up(page))
    post_entry(client, occurred_at="2026-03-01T10:00:00Z", note="Anna on the ferry", people=["Anna"], tags=["sea"])
    post_entry(client, occurred_at="2026-04-01T10:00:00Z", note="Saw 11:11 on the ferry clock", people=["Anna"])
    post_entry(client, occurred_at="2026-05-01T10:00:00Z", note="Nothing in common", kind="dream")
    synced(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Timeline").click()
    entry = page.get_by_test_id("timeline-entry").filter(has_text="Saw 11:11")
    entry.get_by_role("button", name="Details").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("April 1, 2026")
    echoes = page.get_by_test_id("echo")
    expect(echoes).to_have_count(1)
    expect(echoes).to_contain_text("Anna on the ferry")
    expect(echoes).to_contain_text("Both with Anna.")
    echoes.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("March 1, 2026")
    expect(page.locator("#view-entry").get_by_text("Anna on the ferry", exact=True)).to_be_visible()
    expect(page.get_by_test_id("echo")).to_contain_text("Saw 11:11 on the ferry clock")


def test_insights_show_own_patterns_with_base_rates_or_say_there_are_too_few(
    page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    client = other_device(sign_up(page))
    post_entry(client, note="11:11 again")
    synced(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()
    expect(page.get_by_test_id("not-enough")).to_contain_text("Not enough entries yet")
    expect(page.get_by_test_id("motif")).to_have_count(0)

    seed_year(client, days=60, every=2)
    page.get_by_role("button", name="Show").click()
    motif = page.get_by_test_id("motif").filter(has_text="11:11")
    expect(motif).to_contain_text("a 12-hour clock shows it 2 times a day")
    expect(page.get_by_role("img", name="Entries per person")).to_be_visible()
    expect(page.get_by_role("img", name="Entries by weekday")).to_be_visible()
    expect(page.get_by_role("img", name="Entries per month")).to_be_visible()
    assert "universe" not in page.locator("main").inner_text().lower()


def make_summary(page: Page, leave_out: list[str], since: str | None = "2020-01-01") -> None:
    page.goto("/#/insights/print")
    expect(page.get_by_role("heading", level=1, name="Printable summary")).to_be_visible()
    if since:
        page.get_by_role("form", name="What goes in the summary").get_by_label("From").fill(since)
    for section in leave_out:
        page.get_by_role("group", name="Sections").get_by_text(section).click()
    page.get_by_role("button", name="Make the summary").click()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_focused()


def test_the_printable_summary_holds_the_chosen_sections_only(
    page: Page, other_device: Callable[[str], httpx.Client], tmp_path: Path
) -> None:
    client = other_device(sign_up(page))
    post_entry(client, note="The lighthouse postcard", meaning="Time to go back to the coast", people=["Anna"])
    seed_year(client, days=40, every=2)
    synced(page)
    make_summary(page, ["Momentum chart", "Top people and motifs"])
    page.emulate_media(media="print")
    sheet = page.get_by_role("article", name="Summary to print")
    expect(sheet.locator("[data-section]")).to_have_count(2)
    expect(sheet.locator("[data-section=streaks]")).to_be_visible()
    expect(sheet.locator("[data-section=entries]")).to_contain_text("Meaning: Time to go back to the coast")
    expect(page.get_by_role("button", name="Make the summary")).to_be_hidden()  # the choices stay off paper
    expect(page.locator(".app-header")).to_be_hidden()
    page.emulate_media(media="screen")
    page.goto("/#/insights")
    make_summary(page, [])
    page.emulate_media(media="print")
    expect(sheet.locator("[data-section]")).to_have_count(4)
    expect(sheet.get_by_role("img", name="Momentum by week")).to_be_visible()
    expect(sheet.locator("[data-section=top]")).to_contain_text("Anna")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_new_screens_pass_axe_and_have_large_targets(
    new_context: Callable[..., BrowserContext],
    other_device: Callable[[str], httpx.Client],
    tmp_path: Path,
    size: str,
    viewport: dict[str, int],
    scheme: str,
) -> None:
    page = new_context(viewport=viewport, color_scheme=scheme).new_page()
    shots = screenshot_dir(tmp_path)
    suffix = "" if scheme == "light" else "-dark"
    seed_year(other_device(sign_up(page)))
    synced(page)
    found: dict[str, list[str]] = {}
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()
    expect(page.get_by_test_id("motif").first).to_be_visible()
    page.get_by_role("button", name="Rename or merge Anna").click()
    found["insights"] = serious_violations(page) + small_targets(page)
    page.get_by_role("button", name="Cancel").click()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=shots / f"{size}-insights{suffix}.png", full_page=True)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Timeline").click()
    page.get_by_test_id("timeline-entry").filter(has_text="Anna").first.get_by_role("button", name="Details").click()
    expect(page.get_by_test_id("echo").first).to_be_visible()
    found["entry"] = serious_violations(page) + small_targets(page)
    page.screenshot(path=shots / f"{size}-entry{suffix}.png", full_page=True)

    make_summary(page, [], since=None)  # the last 30 days
    found["printable summary"] = serious_violations(page) + small_targets(page)
    page.screenshot(path=shots / f"{size}-print-summary{suffix}.png", full_page=True)
    if scheme == "light":  # paper is light whatever the screen's scheme
        page.emulate_media(media="print")
        page.screenshot(path=shots / f"{size}-print-summary-paper.png", full_page=True)
    assert {screen: problems for screen, problems in found.items() if problems} == {}


def test_names_used_before_are_offered_offline_from_the_last_list_read(
    context: BrowserContext, page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    client = other_device(sign_up(page))
    post_entry(client, note="At the ferry", people=["Anna"])
    synced(page)
    open_details(page)  # reads the list while online
    context.set_offline(True)
    open_details(page)  # a new entry: the next form asks again, and the network is gone
    expect(page.get_by_test_id("pending-count")).not_to_have_text("0")
    page.get_by_label("People", exact=True).press_sequentially("an")
    people = page.get_by_role("group", name="People you have named before")
    expect(people.get_by_role("button")).to_have_text(["Anna"])
