"""Pauses on the device: added offline on Currents, they bridge a missed day in the streak at once,
reach the server through the outbox, and are ended and deleted there too (SPEC §6, §7)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from playwright.sync_api import BrowserContext, Page, expect

from tests.web.conftest import eventually, pending, sign_up, wait_for_service_worker
from tests.web.test_quick_log import BERLIN, offline_at, streak
from tests.web.test_screens import figure, go, same_as_the_server

PHONE = {"width": 390, "height": 844}


def server_pauses(client: httpx.Client) -> list[dict[str, Any]]:
    response = client.get("/pauses")
    assert response.status_code == 200, response.text
    pauses: list[dict[str, Any]] = response.json()["data"]
    return pauses


def add_pause(page: Page, first: str, last: str, note: str = "") -> None:
    pauses = page.get_by_role("region", name="Pauses")
    pauses.get_by_label("First day").fill(first)
    pauses.get_by_label("Last day").fill(last)
    pauses.get_by_label("Note").fill(note)
    pauses.get_by_role("button", name="Add pause").click()


def test_a_pause_added_offline_bridges_the_missed_day_and_reaches_the_server(
    new_context: Callable[..., BrowserContext], other_device: Callable[[str], httpx.Client]
) -> None:
    context = new_context(viewport=PHONE, timezone_id="Europe/Berlin")
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/api/v1/summary" in request.url else None)
    email = offline_at(context, page, datetime(2026, 3, 9, 21, 30, tzinfo=BERLIN))
    button = page.get_by_role("button", name="Log a synchronicity")
    for day, length in [(9, 1), (10, 2), (12, 1)]:  # 11 March missed: no grace, so a new streak
        page.clock.set_fixed_time(datetime(2026, 3, day, 21, 30, tzinfo=BERLIN))
        button.click()
        streak(page, length, "active")

    go(page, "Currents")
    current = figure(page, "Current streak")
    expect(current).to_have_attribute("data-value", "1")
    add_pause(page, "2026-03-11", "2026-03-11", "Fever")
    message = page.get_by_role("status").filter(has_text="Pause added: March 11, 2026, the whole log.")
    expect(message).to_be_in_viewport()
    expect(current).to_have_attribute("data-value", "4")
    expect(current).to_have_attribute("data-status", "active")
    expect(current).to_contain_text("1 day paused")
    listed = page.get_by_role("list", name="Pauses").get_by_role("listitem")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("March 11, 2026")
    expect(listed).to_contain_text("1 day · the whole log")
    expect(listed).to_contain_text("Fever")
    pending(page).to_have_text("4")  # three entries and the pause

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log").click()
    streak(page, 4, "active")
    assert asked == []

    desk = other_device(email)
    context.set_offline(False)
    eventually(page, lambda: len(server_pauses(desk)) == 1, what="the pause on the server")
    [pause] = server_pauses(desk)
    assert (pause["start_date"], pause["end_date"], pause["goal_id"], pause["note"], pause["version"]) == (
        "2026-03-11",
        "2026-03-11",
        None,
        "Fever",
        1,
    )
    pending(page).to_have_text("0")
    overall = desk.get("/summary", params={"as_of": "2026-03-12"}).json()["overall"]
    assert overall["current"] == {
        "length": 4,
        "start": "2026-03-09",
        "end": "2026-03-12",
        "status": "active",
        "grace_used": 0,
        "paused_days": 1,
    }
    go(page, "Currents")
    same_as_the_server(page, desk, as_of="2026-03-12")
    assert asked == []


def test_a_running_pause_is_ended_today_and_another_deleted_on_the_server(
    new_context: Callable[..., BrowserContext], other_device: Callable[[str], httpx.Client]
) -> None:
    context = new_context(viewport=PHONE, timezone_id="Europe/Berlin")
    page = context.new_page()
    page.clock.set_fixed_time(datetime(2026, 3, 12, 9, 0, tzinfo=BERLIN))
    desk = other_device(sign_up(page))
    go(page, "Currents")
    add_pause(page, "2026-03-10", "2026-03-20", "Travel")
    add_pause(page, "2026-04-01", "2026-04-03")  # planned: nothing to end yet
    listed = page.get_by_role("list", name="Pauses").get_by_role("listitem")
    expect(listed).to_have_count(2)
    eventually(page, lambda: len(server_pauses(desk)) == 2, what="both pauses on the server")
    travel, planned = server_pauses(desk)
    expect(listed.first.get_by_role("button", name="End today")).to_be_visible()
    expect(listed.last.get_by_role("button")).to_have_text(["Delete"])

    listed.first.get_by_role("button", name="End today").click()
    expect(page.get_by_role("status").filter(has_text="The pause now ends today, March 12, 2026.")).to_be_in_viewport()
    expect(listed.first).to_contain_text("March 10 – 12, 2026")
    eventually(page, lambda: server_pauses(desk)[0]["end_date"] == "2026-03-12", what="the pause ended on the server")
    ended = server_pauses(desk)[0]
    assert {**ended, "updated_at": None} == {**travel, "end_date": "2026-03-12", "version": 2, "updated_at": None}

    listed.last.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status").filter(has_text="The pause of April 1 – 3, 2026 is deleted.")).to_be_in_viewport()
    expect(listed).to_have_count(1)
    eventually(page, lambda: len(server_pauses(desk)) == 1, what="the pause deleted on the server")
    assert desk.get(f"/pauses/{planned['id']}").status_code == 410
    pending(page).to_have_text("0")
    for button in page.get_by_role("region", name="Pauses").get_by_role("button").all():
        box = button.bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, (button.text_content(), box)


SCHEMA_VERSION = """new Promise((resolve) => {
  const opening = indexedDB.open('synclog');
  opening.onsuccess = () => { resolve(opening.result.version); opening.result.close(); };
})"""

# The device's database as version 1 of the schema had it (before pauses), with what it held.
AS_VERSION_ONE = """async () => {
  const done = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const current = await done(indexedDB.open('synclog'));
  const reading = current.transaction(['meta', 'entries'], 'readonly');
  const [user, cursor, entries] = await Promise.all([
    done(reading.objectStore('meta').get('user')),
    done(reading.objectStore('meta').get('cursor')),
    done(reading.objectStore('entries').getAll()),
  ]);
  current.close();
  await done(indexedDB.deleteDatabase('synclog'));
  const opening = indexedDB.open('synclog', 1);
  opening.onupgradeneeded = () => {
    const db = opening.result;
    db.createObjectStore('goals', { keyPath: 'id' });
    db.createObjectStore('entries', { keyPath: 'id' }).createIndex('local_date', 'local_date');
    const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    outbox.createIndex('op_id', 'op_id', { unique: true });
    outbox.createIndex('object_id', 'id');
    db.createObjectStore('meta');
  };
  const old = await done(opening);
  const writing = old.transaction(['meta', 'entries'], 'readwrite');
  writing.objectStore('meta').put(user, 'user');
  writing.objectStore('meta').put(cursor, 'cursor');
  for (const entry of entries) writing.objectStore('entries').put(entry);
  await new Promise((resolve) => { writing.oncomplete = resolve; });
  old.close();
  return entries.length;
}"""


def test_a_device_upgraded_from_the_first_schema_keeps_its_log_and_pulls_the_pauses_it_had_passed(
    new_context: Callable[..., BrowserContext], other_device: Callable[[str], httpx.Client]
) -> None:
    context = new_context(viewport=PHONE, timezone_id="UTC")
    page = context.new_page()
    desk = other_device(sign_up(page))
    wait_for_service_worker(page)
    now = datetime.now(UTC)
    for at in (now - timedelta(days=2), now):
        assert desk.post("/entries", json={"occurred_at": at.isoformat()}).status_code == 201
    yesterday = (now - timedelta(days=1)).date().isoformat()
    response = desk.post("/pauses", json={"start_date": yesterday, "end_date": yesterday, "note": "Rest"})
    assert response.status_code == 201, response.text
    page.reload()  # pulls both entries and the pause, and moves the cursor past them
    streak(page, 3, "active")

    page.goto("/manifest.webmanifest")  # no app running on this page while its database is rewritten
    assert page.evaluate(AS_VERSION_ONE) == 2
    context.set_offline(True)
    page.goto("/")
    streak(page, 1, "active")  # the entries kept; the pause not on this device yet
    assert page.evaluate(SCHEMA_VERSION) == 4

    context.set_offline(False)
    streak(page, 3, "active")  # pulled again from the start of /changes
    go(page, "Currents")
    listed = page.get_by_role("list", name="Pauses").get_by_role("listitem")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Rest")
    same_as_the_server(page, desk)
