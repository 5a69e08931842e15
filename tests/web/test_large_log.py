"""Large logs (SPEC §7): the timeline reads IndexedDB a page at a time, and says so while a first sync is partial.

A few thousand entries are imported through ``POST /import`` (the benchmark's export documents), and
what the timeline shows for a search, a filter and a jump to a date must be exactly what the server's
``GET /entries`` returns with the same filters, in the same order.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from playwright.sync_api import Error, Page, Route, expect

from bench.large_log import export_document
from tests.factories import http_client
from tests.web.conftest import PASSWORD, eventually, pending, sign_up, unique_email
from tests.web.test_screens import go, same_as_the_server

SEEDED = 2_500


def seed(client: httpx.Client, count: int = SEEDED) -> None:
    newest = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    response = client.post(
        "/import", content=export_document(0, count, newest), headers={"Content-Type": "application/json"}, timeout=120
    )
    assert response.status_code == 200, response.text


def server_ids(client: httpx.Client, count: int, **filters: str) -> list[str]:
    """The first ``count`` entries ``GET /entries`` returns with ``filters``, following ``next_cursor``."""
    ids: list[str] = []
    params: dict[str, Any] = {"limit": 200, **filters}
    while len(ids) < count:
        response = client.get("/entries", params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        ids += [entry["id"] for entry in body["data"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    return ids[:count]


def shown_ids(page: Page) -> list[str]:
    ids: list[str] = page.get_by_test_id("timeline-entry").evaluate_all("items => items.map((item) => item.dataset.id)")
    return ids


def shows_exactly(page: Page, expected: list[str], what: str) -> None:
    try:
        eventually(page, lambda: shown_ids(page) == expected, what=what)
    except AssertionError:
        assert shown_ids(page) == expected, what


def test_search_filter_and_jump_to_a_date_show_what_the_server_returns(
    page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    email = sign_up(page)
    desk = other_device(email)
    seed(desk)
    page.reload()
    go(page, "Timeline")
    expect(page.get_by_test_id("timeline-days")).to_have_attribute("data-complete", "true", timeout=60_000)
    expect(page.locator("#timeline-count")).to_have_text("2,500 entries")
    shows_exactly(page, server_ids(desk, 50), "the newest page")

    page.get_by_label("Search").fill("aNA")
    shows_exactly(page, server_ids(desk, 50, q="aNA"), "the search's first page")
    page.get_by_role("button", name="Show more").click()
    shows_exactly(page, server_ids(desk, 100, q="aNA"), "the search's second page")
    page.get_by_label("Search").fill("")

    page.get_by_text("More filters").click()
    page.get_by_label("Kind", exact=True).select_option("dream")
    page.get_by_label("Tag", exact=True).fill("Week-2")
    expected = server_ids(desk, 200, kind="dream", tag="Week-2")
    assert 50 < len(expected) < 100
    shows_exactly(page, expected[:50], "kind and tag")
    expect(page.locator("#timeline-count")).to_have_text("50+ of 2,500 entries match")
    page.get_by_role("button", name="Show more").click()
    shows_exactly(page, expected, "kind and tag, all of them")
    expect(page.get_by_role("button", name="Show more")).to_have_count(0)
    expect(page.locator("#timeline-count")).to_have_text(f"{len(expected)} of 2,500 entries match")

    page.get_by_role("button", name="Clear filters").click()
    deep = desk.get(f"/entries/{server_ids(desk, 1300)[-1]}")
    assert deep.status_code == 200, deep.text
    date = deep.json()["local_date"]
    page.get_by_label("To", exact=True).fill(date)
    shows_exactly(page, server_ids(desk, 50, to=date), "the jump to a date")
    page.get_by_label("From", exact=True).fill(date)
    shows_exactly(page, server_ids(desk, 50, **{"from": date, "to": date}), "one day")


def test_a_partial_first_sync_is_never_shown_as_complete(page: Page, base_url: str) -> None:
    email = unique_email()
    with http_client(f"{base_url}/api/v1", timeout=30) as desk:
        assert desk.post("/auth/register", json={"email": email, "password": PASSWORD}).status_code == 201
        seed(desk)
    held: list[Route] = []
    pages = 0

    def hold_after_the_first_page(route: Route) -> None:
        nonlocal pages
        pages += 1
        if pages == 1:
            route.continue_()
        else:
            held.append(route)

    page.route(re.compile(r"/api/v1/changes\?"), hold_after_the_first_page)
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    go(page, "Timeline")
    eventually(page, lambda: bool(held), what="the second page of /changes")
    progress = page.get_by_test_id("sync-progress")
    # The second page is asked for while the first is being stored.
    expect(progress).to_have_text(
        "1,000 of about 2,500 fetched. The timeline is incomplete until this ends.", timeout=30_000
    )
    expect(page.get_by_test_id("timeline-days")).to_have_attribute("data-complete", "false")
    expect(page.get_by_test_id("timeline-entry").first).to_be_visible()

    page.reload()  # the first page is stored; the feed's end is not
    go(page, "Timeline")
    expect(progress).to_have_text("Fetching your log from the server. The timeline is incomplete until this ends.")
    expect(page.get_by_test_id("timeline-days")).to_have_attribute("data-complete", "false")

    page.unroute(re.compile(r"/api/v1/changes\?"))
    for route in held:
        with contextlib.suppress(Error):  # asked for by the page before the reload
            route.continue_()
    expect(page.get_by_test_id("timeline-days")).to_have_attribute("data-complete", "true", timeout=60_000)
    expect(progress).to_be_hidden()
    expect(page.locator("#timeline-count")).to_have_text("2,500 entries")


def test_entries_changed_here_and_elsewhere_move_search_filters_and_currents_with_them(
    page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    """The search rows and the entries per day (db.js keeps them beside the entries) follow every write:
    pulled edits that move an entry to another day, pulled deletions, an entry logged here."""
    email = sign_up(page)
    desk = other_device(email)
    seed(desk)
    goal = desk.post("/goals", json={"title": "Walk by the water", "color": "#2563eb", "cadence": "daily"})
    assert goal.status_code == 201, goal.text
    goal_id = goal.json()["id"]
    page.reload()
    go(page, "Timeline")
    expect(page.get_by_test_id("timeline-days")).to_have_attribute("data-complete", "true", timeout=60_000)

    newest = server_ids(desk, 400)
    for index, entry_id in enumerate(newest[:40:4]):  # ten entries of the last days join the goal
        body: dict[str, Any] = {"goal_ids": [goal_id]}
        if index < 3:  # three of them move two days back, with words nothing else has
            moved = desk.get(f"/entries/{entry_id}").json()
            at = datetime.fromisoformat(moved["occurred_at"]) - timedelta(days=2)
            body |= {"occurred_at": at.isoformat(), "note": f"The lighthouse keeper waved {index}"}
        response = desk.patch(f"/entries/{entry_id}", json=body)
        assert response.status_code == 200, response.text
    for entry_id in newest[100:400:30]:
        assert desk.delete(f"/entries/{entry_id}").status_code == 204
    page.reload()  # pulls the edits and deletions
    go(page, "Log")
    page.get_by_role("button", name="Log a synchronicity").click()
    logged = SEEDED - 10 + 1
    eventually(
        page, lambda: desk.get("/summary").json()["overall"]["entries"] == logged, what="the entry on the server"
    )
    pending(page).to_have_text("0")

    go(page, "Timeline")
    expect(page.locator("#timeline-count")).to_have_text("2,491 entries")
    page.get_by_label("Search").fill("LIGHTHOUSE KEEPER")
    keepers = server_ids(desk, 50, q="lighthouse keeper")
    assert len(keepers) == 3
    shows_exactly(page, keepers, "the moved entries, by their new words")
    page.get_by_label("Search").fill("friend 1")  # an old note's words: deleted entries are gone from the search
    shows_exactly(page, server_ids(desk, 50, q="friend 1"), "the search after deletions")
    page.get_by_label("Search").fill("")
    page.get_by_text("More filters").click()
    page.get_by_label("Goal", exact=True).select_option(label="Walk by the water")
    shows_exactly(page, server_ids(desk, 50, goal_id=goal_id), "the goal's entries")

    go(page, "Currents")
    same_as_the_server(page, desk)


def test_search_rows_held_in_memory_follow_changes_pulled_and_made_here(
    page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    """Once a search has read the search rows into memory they follow every write without a reload: an
    edit (to another day, with new words) and a deletion pulled from another device, then offline an
    entry deleted and one logged here. Each search shows what the server's ``q`` (or ``kind``) returns."""
    email = sign_up(page)
    desk = other_device(email)
    seed(desk, 600)
    page.reload()
    go(page, "Timeline")
    expect(page.get_by_test_id("timeline-days")).to_have_attribute("data-complete", "true", timeout=60_000)
    search = page.get_by_label("Search")
    search.fill("harbour")
    harbour = server_ids(desk, 50, q="harbour")
    shows_exactly(page, harbour, "the search, its rows now in memory")

    newest = server_ids(desk, 100)
    moved = desk.get(f"/entries/{newest[60]}").json()
    at = datetime.fromisoformat(moved["occurred_at"]) - timedelta(days=2)
    edit = desk.patch(
        f"/entries/{newest[60]}", json={"occurred_at": at.isoformat(), "note": "The Lighthouse keeper waved"}
    )
    assert edit.status_code == 200, edit.text
    assert desk.delete(f"/entries/{harbour[0]}").status_code == 204
    page.evaluate("window.dispatchEvent(new Event('online'))")  # syncs now: the pull brings both
    shows_exactly(page, server_ids(desk, 50, q="harbour"), "the search after a pulled deletion")
    search.fill("lighthouse KEEPER")
    assert server_ids(desk, 50, q="lighthouse KEEPER") == [newest[60]]
    shows_exactly(page, [newest[60]], "the pulled edit, by its new words")
    page.get_by_text("More filters").click()
    page.get_by_label("To", exact=True).fill(edit.json()["local_date"])
    shows_exactly(page, [newest[60]], "the pulled edit, on its new day")
    page.get_by_label("To", exact=True).fill("")

    page.context.set_offline(True)
    search.fill("harbour")
    expected = server_ids(desk, 51, q="harbour")
    shows_exactly(page, expected[:50], "the search again")
    first = page.get_by_test_id("timeline-entry").first
    first.get_by_role("button", name="Delete").click()
    first.get_by_role("button", name="Confirm delete").click()
    shows_exactly(page, expected[1:], "the search after a deletion here")

    go(page, "Log")
    page.get_by_role("button", name="Log a synchronicity").click()
    pending(page).to_have_text("2")
    go(page, "Timeline")
    search.fill("")
    page.get_by_label("Kind", exact=True).select_option("other")
    others = server_ids(desk, 49, kind="other")
    eventually(page, lambda: shown_ids(page)[1:] == others, what="the entries of kind other")
    logged = shown_ids(page)[0]
    assert logged not in server_ids(desk, 700)
    expect(page.get_by_test_id("timeline-entry").first).to_contain_text("not sent yet")


def test_search_finds_text_whatever_its_accents_as_the_server_does(
    page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    email = sign_up(page)
    desk = other_device(email)
    made = {}
    for note in ("Met Zoë at the CAFÉ", "Zoo, cage", "Señal en Kraków"):
        response = desk.post("/entries", json={"note": note})
        assert response.status_code == 201, response.text
        made[note] = response.json()["id"]
    page.reload()
    go(page, "Timeline")
    expect(page.get_by_test_id("timeline-days")).to_have_attribute("data-complete", "true", timeout=60_000)
    for query, note in (
        ("ZOE", "Met Zoë at the CAFÉ"),
        ("café", "Met Zoë at the CAFÉ"),
        ("senal en krakow", "Señal en Kraków"),
    ):
        page.get_by_label("Search").fill(query)
        assert server_ids(desk, 50, q=query) == [made[note]]
        shows_exactly(page, [made[note]], f"the search {query!r}")
