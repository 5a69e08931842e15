"""The screens against the real server: pull into the timeline, edit, delete, goals, currents, settings."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.factories import http_client
from tests.web.conftest import (
    DESKTOP,
    PASSWORD,
    eventually,
    log_and_sync,
    pending,
    seed_year,
    server_entries,
    sign_up,
    unique_email,
)


def go(page: Page, screen: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=screen).click()
    expect(page.get_by_role("heading", level=1, name=screen)).to_be_visible()


def test_timeline_pulls_changes_and_groups_them_by_local_day(
    page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    email = sign_up(page)
    desk = other_device(email)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    for note, at in [("Yesterday's moment", yesterday), ("Today's moment", datetime.now(UTC))]:
        response = desk.post("/entries", json={"note": note, "occurred_at": at.isoformat(), "tags": ["Sea"]})
        assert response.status_code == 201, response.text

    page.reload()
    go(page, "Timeline")
    entries = page.get_by_test_id("timeline-entry")
    expect(entries).to_have_count(2)
    expect(page.locator(".day")).to_have_count(2)
    expect(page.locator(".day").first).to_contain_text("Today's moment")

    page.get_by_label("Search").fill("yesterday")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("Yesterday's moment")
    page.get_by_role("button", name="Clear filters").click()
    expect(entries).to_have_count(2)
    page.get_by_text("More filters").click()
    page.get_by_label("Tag", exact=True).fill("sea")
    expect(entries).to_have_count(2)


def test_edit_and_delete_from_the_timeline_reach_the_server(
    page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    email = sign_up(page)
    desk = other_device(email)
    log_and_sync(page, desk, 1)
    log_and_sync(page, desk, 2)
    go(page, "Timeline")
    entries = page.get_by_test_id("timeline-entry")
    expect(entries).to_have_count(2)

    entries.first.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Dream", exact=True).click()
    dialog.get_by_label("Note").fill("The lighthouse again")
    dialog.get_by_label("Meaning").fill("Keep going toward the coast")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(entries.first).to_contain_text("The lighthouse again")
    eventually(page, lambda: any(e["note"] == "The lighthouse again" for e in server_entries(desk)), what="the edit")
    edited = next(e for e in server_entries(desk) if e["note"] == "The lighthouse again")
    assert edited["kind"] == "dream"
    assert edited["meaning"] == "Keep going toward the coast"

    entries.last.get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Confirm delete").click()
    expect(entries).to_have_count(1)
    eventually(page, lambda: len(server_entries(desk)) == 1, what="the deletion")
    pending(page).to_have_text("0")


def test_a_change_pulled_into_the_timeline_leaves_the_other_entries_and_focus_in_place(
    page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    email = sign_up(page)
    desk = other_device(email)
    [older] = log_and_sync(page, desk, 1)
    log_and_sync(page, desk, 2)
    go(page, "Timeline")
    entries = page.get_by_test_id("timeline-entry")
    expect(entries).to_have_count(2)
    entries.first.get_by_role("button", name="Edit").focus()
    page.evaluate("document.activeElement.__kept = true")  # an element rebuilt and refocused would lose it

    assert desk.patch(f"/entries/{older['id']}", json={"note": "Changed on the desk"}).status_code == 200
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(entries.last).to_contain_text("Changed on the desk")
    assert page.evaluate("document.activeElement.__kept === true")


def test_deletion_elsewhere_is_pulled_and_told(page: Page, other_device: Callable[[str], httpx.Client]) -> None:
    email = sign_up(page)
    desk = other_device(email)
    [entry] = log_and_sync(page, desk, 1)
    go(page, "Timeline")
    expect(page.get_by_test_id("timeline-entry")).to_have_count(1)
    assert desk.delete(f"/entries/{entry['id']}").status_code == 204

    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # as when the phone is picked up
    expect(page.get_by_test_id("timeline-entry")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="deleted on another device")).to_be_visible()


def test_goals_created_offline_and_chosen_in_quick_log(
    context: BrowserContext, page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    email = sign_up(page)
    desk = other_device(email)
    go(page, "Goals")
    context.set_offline(True)
    page.get_by_label("Title").fill("Move closer to the sea")
    page.get_by_label("Cadence").select_option("daily")
    page.get_by_role("button", name="Add goal").click()
    expect(page.get_by_role("list", name="Active goals")).to_contain_text("Move closer to the sea")

    go(page, "Log")
    page.get_by_role("button", name="Log a synchronicity").click()
    page.get_by_role("button", name="Add details").click()
    page.get_by_role("group", name="Goals it speaks to").get_by_text("Move closer to the sea").click()
    page.get_by_role("group", name="Kind").get_by_text("Symbol").click()
    page.get_by_label("Place").fill("Harbour")
    page.get_by_role("button", name="Save details").click()
    pending(page).to_have_text("3")

    context.set_offline(False)
    eventually(page, lambda: len(server_entries(desk)) == 1 and server_entries(desk)[0]["place"] == "Harbour")
    pending(page).to_have_text("0")
    [goal] = desk.get("/goals").json()["data"]
    assert goal["title"] == "Move closer to the sea"
    assert goal["cadence"] == "daily"
    [entry] = server_entries(desk)
    assert entry["goal_ids"] == [goal["id"]]
    assert entry["kind"] == "symbol"


def test_currents_show_streaks_momentum_and_a_year_heatmap(
    new_context: Callable[..., BrowserContext], other_device: Callable[[str], httpx.Client]
) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    email = sign_up(page)
    desk = other_device(email)
    seed_year(desk, days=20, every=1)
    page.reload()  # pulls what the other device wrote
    expect(page.locator("html")).to_have_attribute("data-sync", "idle")
    go(page, "Currents")
    stats = page.locator(".stats")
    expect(stats).to_contain_text("Current streak")
    expect(stats).to_contain_text("21 days")
    expect(stats).to_contain_text("Today counts.")
    expect(stats).to_contain_text("Momentum")
    expect(page.get_by_role("img", name="Momentum by week over the last year")).to_be_visible()
    expect(page.get_by_role("list").filter(has_text="21 days · ").first).to_contain_text("the current one")
    heatmap = page.get_by_role("img", name="Entries per day over the last year")
    expect(heatmap).to_be_visible()
    assert page.locator(".heatmap rect").count() >= 365
    expect(page.get_by_role("table", name="Streaks per goal")).to_contain_text("Write every day")
    same_as_the_server(page, desk)


def figure(page: Page, label: str) -> Locator:
    return page.locator(".stat").filter(has=page.get_by_text(label, exact=True)).locator("dd")


def same_as_the_server(page: Page, desk: httpx.Client, as_of: str | None = None) -> None:
    """Currents, worked out on the device, show the numbers of the server's /summary (of ``as_of``), field by field."""
    response = desk.get("/summary", params={"as_of": as_of} if as_of else None)
    assert response.status_code == 200, response.text
    overall = response.json()["overall"]
    expect(figure(page, "Current streak")).to_have_attribute("data-value", str(overall["current"]["length"]))
    expect(figure(page, "Current streak")).to_have_attribute("data-status", overall["current"]["status"])
    expect(figure(page, "Longest streak")).to_have_attribute("data-value", str(overall["longest"]["length"]))
    assert float(figure(page, "Momentum").get_attribute("data-value") or "nan") == overall["momentum"]
    for label, field in [("Entries", "entries"), ("Last 7 days", "last_7_days"), ("Last 30 days", "last_30_days")]:
        expect(figure(page, label)).to_have_attribute("data-value", str(overall[field]))
    expect(figure(page, "Entries")).to_contain_text(f"{overall['active_days']} active days")
    rows = page.get_by_role("table", name="Streaks per goal").locator("tbody tr")
    goals = response.json()["goals"]
    expect(rows).to_have_count(len(goals))
    for row, goal in zip(rows.all(), goals, strict=True):
        expect(row.get_by_role("rowheader")).to_have_text(goal["title"])
        current = row.locator("td[data-status]")
        expect(current).to_have_attribute("data-length", str(goal["current"]["length"]))
        expect(current).to_have_attribute("data-status", goal["current"]["status"])
        assert float(row.locator("td[data-value]").get_attribute("data-value") or "nan") == goal["momentum"]


def test_settings_change_the_day_rules_and_issue_tokens(
    page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    email = sign_up(page)
    desk = other_device(email)
    go(page, "Settings")
    page.get_by_label("Time zone").fill("Europe/Lisbon")
    page.get_by_label("Day starts at").select_option("4")
    page.get_by_label("Week starts on").select_option("sunday")
    page.get_by_label("Grace days").select_option("1")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    me = desk.get("/me").json()
    assert (me["timezone"], me["day_start_hour"], me["week_start"], me["grace_days"]) == (
        "Europe/Lisbon",
        4,
        "sunday",
        1,
    )

    page.get_by_label("Name", exact=True).fill("Shortcuts on my phone")
    page.get_by_label("entries:write").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.locator(".token-secret")
    expect(secret).to_contain_text("sl_pat_")
    token = secret.inner_text().strip()
    with http_client(desk.base_url) as app:
        response = app.post("/entries", json={"note": "from a shortcut"}, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201, response.text
    page.get_by_role("button", name="Revoke Shortcuts on my phone").click()
    expect(page.get_by_text("No tokens.")).to_be_visible()

    expect(page.get_by_role("link", name="Export as JSON")).to_have_attribute("href", "/api/v1/export?format=json")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    pending(page).to_have_text("0")


def test_no_content_security_policy_violations_on_any_screen(
    context: BrowserContext, page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));"
    )
    email = sign_up(page)
    seed_year(other_device(email), days=30)
    page.reload()
    page.get_by_role("button", name="Log a synchronicity").click()
    for screen in ["Timeline", "Goals", "Currents", "Settings", "Log"]:
        go(page, screen)
    go(page, "Timeline")
    page.get_by_test_id("timeline-entry").first.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert page.evaluate("window.__violations") == []


def test_import_a_json_export_and_see_it_in_the_timeline(
    page: Page, other_device: Callable[[str], httpx.Client], tmp_path: Path
) -> None:
    email = sign_up(page)
    desk = other_device(email)
    with http_client(desk.base_url) as elsewhere:
        registered = elsewhere.post("/auth/register", json={"email": unique_email(), "password": PASSWORD})
        assert registered.status_code == 201, registered.text
        seed_year(elsewhere, days=6, every=2)
        assert elsewhere.patch("/me", json={"grace_days": 2, "week_start": "sunday"}).status_code == 200
        exported = elsewhere.get("/export", params={"format": "json"})
        assert exported.status_code == 200, exported.text
    export_file = tmp_path / "synclog-export.json"
    export_file.write_bytes(exported.content)

    go(page, "Settings")
    page.get_by_label("File to import").set_input_files(export_file)
    page.get_by_role("button", name="Import", exact=True).click()
    expected = len(json.loads(exported.content)["entries"])
    expect(page.get_by_text("Imported.")).to_contain_text(f"entries: {expected} created")
    assert len(server_entries(desk)) == expected
    # The form shows the imported settings, so saving it keeps them.
    expect(page.get_by_label("Grace days")).to_have_value("2")
    expect(page.get_by_label("Week starts on")).to_have_value("sunday")
    go(page, "Timeline")
    expect(page.get_by_test_id("timeline-entry")).to_have_count(expected)


def test_the_edit_dialog_keeps_save_in_view_and_names_the_ends_of_intensity(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_up(page)
    page.get_by_role("button", name="Log a synchronicity").click()
    go(page, "Timeline")
    page.get_by_test_id("timeline-entry").first.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("button", name="Save")).to_be_in_viewport()
    expect(dialog.get_by_role("radio", name="1 faint")).to_be_attached()
    expect(dialog.get_by_role("radio", name="5 striking")).to_be_attached()
    dialog.get_by_role("radio", name="5 striking").check()
    expect(dialog.get_by_role("button", name="Save")).to_be_in_viewport()
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()


def test_settings_copy_a_token_change_the_password_and_delete_the_account(
    new_context: Callable[..., BrowserContext], base_url: str
) -> None:
    page = new_context(permissions=["clipboard-read", "clipboard-write"]).new_page()
    email = sign_up(page)
    go(page, "Settings")
    page.get_by_label("Name", exact=True).fill("Copied")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator(".token-secret")
    expect(secret).to_contain_text("sl_pat_")
    page.get_by_role("button", name="Copy token").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret.inner_text().strip()

    new_password = "a longer password of mine"
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("That password is not right.")).to_be_visible()
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible()
    with http_client(f"{base_url}/api/v1") as client:
        assert client.post("/auth/login", json={"email": email, "password": new_password}).status_code == 200

    page.get_by_label("Your password, to confirm").fill(new_password)
    page.get_by_role("button", name="Delete account and all data").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    with http_client(f"{base_url}/api/v1") as client:
        assert client.post("/auth/login", json={"email": email, "password": new_password}).status_code == 401
