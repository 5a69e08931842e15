"""The PWA opens offline after one visit and its one-tap entries reach the server exactly once."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import httpx
from playwright.sync_api import BrowserContext, Page, expect

from tests.web.conftest import pending, server_entries, sign_up, wait_for_service_worker


def test_taps_offline_survive_a_new_page_and_drain_exactly_once(
    context: BrowserContext, page: Page, other_device: Callable[[str], httpx.Client]
) -> None:
    email = sign_up(page)
    wait_for_service_worker(page)

    context.set_offline(True)
    page.reload()
    button = page.get_by_role("button", name="Log a synchronicity")
    expect(button).to_be_enabled()
    taps: list[float] = []
    for _ in range(5):
        button.click()  # fails if anything covers the button or it is disabled
        taps.append(time.time())
    pending(page).to_have_text("5")
    expect(page.locator(".today-item")).to_have_count(5)

    page.close()
    page = context.new_page()
    page.goto("/")
    pending(page).to_have_text("5")

    context.set_offline(False)
    pending(page).to_have_text("0", timeout=20_000)

    entries = server_entries(other_device(email))
    assert len(entries) == 5
    logged = sorted(datetime.fromisoformat(entry["occurred_at"]).timestamp() for entry in entries)
    for tap, at in zip(taps, logged, strict=True):
        assert tap - 2 <= at <= tap + 0.5, (taps, logged)
    assert {entry["kind"] for entry in entries} == {"other"}
    assert {entry["source"] for entry in entries} == {"web"}
