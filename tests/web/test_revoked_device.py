"""A device the server signs out (its session ended by a password change elsewhere: 401 ``unauthorized``)
erases its copy of the account's data and keeps only the unsent ops (SPEC §7): signing in to the same
account sends them, another account's sign-in discards them with a warning."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from playwright.sync_api import BrowserContext, Page, expect

from tests.web.conftest import PASSWORD, eventually, log_and_sync, pending, server_entries, sign_up

NEW_PASSWORD = "a brand new password"
# What this device holds, read straight from IndexedDB: the number of records in each store and the meta keys.
LOCAL_COPY = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('synclog');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const read = (store, how) => new Promise((resolve, reject) => {
    const request = how(db.transaction(store).objectStore(store));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const copy = {
    goals: await read('goals', (store) => store.count()),
    entries: await read('entries', (store) => store.count()),
    outbox: await read('outbox', (store) => store.getAll()),
    meta: (await read('meta', (store) => store.getAllKeys())).sort(),
    owner: await read('meta', (store) => store.get('owner')),
  };
  db.close();
  return copy;
}"""


def local_copy(page: Page) -> dict[str, Any]:
    copy: dict[str, Any] = page.evaluate(LOCAL_COPY)
    return copy


def revoked_with_one_unsent_entry(
    context: BrowserContext, page: Page, other_device: Callable[[str], httpx.Client]
) -> tuple[str, httpx.Client, dict[str, Any]]:
    """A phone with two synced entries and a goal, one entry logged offline, whose session a password
    change on another device has just ended; the phone back online and on the sign-in screen."""
    email = sign_up(page)
    desk = other_device(email)
    goal = desk.post("/goals", json={"title": "Live near the sea"})
    assert goal.status_code == 201, goal.text
    log_and_sync(page, desk, 1)
    log_and_sync(page, desk, 2)
    before = local_copy(page)
    assert (before["goals"], before["entries"], before["outbox"]) == (1, 2, [])
    context.set_offline(True)
    page.get_by_role("button", name="Log a synchronicity").click()
    pending(page).to_have_text("1")
    changed = desk.post("/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 204, changed.text

    context.set_offline(False)
    expect(page.get_by_text("Your session ended")).to_be_visible()
    return email, desk, local_copy(page)


def test_a_revoked_device_erases_its_copy_and_keeps_only_unsent_ops(
    context: BrowserContext, page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    email, desk, after = revoked_with_one_unsent_entry(context, page, other_device)

    assert (after["goals"], after["entries"]) == (0, 0)
    assert after["meta"] == ["owner"]
    assert after["owner"]["email"] == email
    assert [(op["method"], op["type"], op["state"]) for op in after["outbox"]] == [("PUT", "entry", "queued")]
    pending(page).to_have_text("1")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    # Opened again, the app shows no entry of the account, only the sign-in screen.
    page.goto("/#/timeline")
    expect(page.get_by_text("Your session ended")).to_be_visible()
    expect(page.get_by_test_id("timeline-entry")).to_have_count(0)
    assert len(server_entries(desk)) == 2

    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    eventually(page, lambda: len(server_entries(desk)) == 3, what="the kept entry sent after signing in")
    pending(page).to_have_text("0")
    expect(page.locator("html")).to_have_attribute("data-sync", "idle")
    restored = local_copy(page)
    assert (restored["goals"], restored["entries"], restored["outbox"]) == (1, 3, [])


def test_another_account_signing_in_discards_the_unsent_ops_with_a_warning(
    context: BrowserContext,
    page: Page,
    other_device: Callable[[str], httpx.Client],
    new_context: Callable[..., BrowserContext],
) -> None:
    _, desk, _ = revoked_with_one_unsent_entry(context, page, other_device)
    someone = sign_up(new_context().new_page())

    page.get_by_label("Email").fill(someone)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(
        page.get_by_text(
            "Another account signed in on this device: 1 unsent change of the account signed in before was discarded."
        )
    ).to_be_visible()
    pending(page).to_have_text("0")
    expect(page.locator("html")).to_have_attribute("data-sync", "idle")
    assert local_copy(page)["outbox"] == []
    assert len(server_entries(desk)) == 2
    assert server_entries(other_device(someone)) == []
