"""axe finds no serious or critical violations on any screen, on a phone and a desktop, light and dark.

Screenshots of every screen are taken on the way; with ``SYNCLOG_SCREENSHOTS=docs/screenshots``
they are written there (the README shows them), otherwise to a temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from tests.web.conftest import DESKTOP, PHONE, seed_year, sign_up

SCREENS = ["Log", "Timeline", "Goals", "Currents", "Settings"]
axe = Axe()


def serious_violations(page: Page) -> list[str]:
    results: dict[str, Any] = axe.run(page).response
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def screenshot_dir(tmp_path: Path) -> Path:
    configured = os.environ.get("SYNCLOG_SCREENSHOTS")
    directory = Path(configured) if configured else tmp_path / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_every_screen_passes_axe(
    new_context: Callable[..., BrowserContext],
    other_device: Callable[[str], httpx.Client],
    tmp_path: Path,
    size: str,
    viewport: dict[str, int],
    scheme: str,
) -> None:
    context = new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    shots = screenshot_dir(tmp_path)
    suffix = "" if scheme == "light" else "-dark"
    found: dict[str, list[str]] = {}

    page.goto("/")
    expect(page.get_by_role("button", name="Create account")).to_be_visible()
    found["sign-in"] = serious_violations(page)
    page.screenshot(path=shots / f"{size}-signin{suffix}.png")

    email = sign_up(page)
    seed_year(other_device(email))
    page.reload()
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Goals").click()
    expect(page.get_by_role("heading", name="Reconnect with old friends")).to_be_visible()  # pulled
    nav.get_by_role("link", name="Log").click()
    page.get_by_role("button", name="Log a synchronicity").click()
    page.get_by_role("button", name="Add details").click()
    expect(page.get_by_role("button", name="Save details")).to_be_visible()
    page.get_by_label("Note").fill("Thought of Anna, then met her at the station")
    page.get_by_role("group", name="Goals it speaks to").get_by_text("Reconnect with old friends").click()

    for screen in SCREENS:
        page.get_by_role("navigation", name="Main").get_by_role("link", name=screen).click()
        heading = "Quick log" if screen == "Log" else screen
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_attached()
        if screen == "Timeline":
            expect(page.get_by_test_id("timeline-entry").first).to_be_visible()
        if screen == "Currents":
            expect(page.get_by_role("img", name="Entries per day over the last year")).to_be_visible()
        if screen == "Settings":
            expect(page.get_by_text("No tokens.")).to_be_visible()
        found[screen] = serious_violations(page)
        page.evaluate("window.scrollTo(0, 0)")  # the sticky header belongs at the top of a full-page shot
        page.screenshot(path=shots / f"{size}-{screen.lower()}{suffix}.png", full_page=screen != "Timeline")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Timeline").click()
    page.get_by_test_id("timeline-entry").first.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    found["edit dialog"] = serious_violations(page)
    page.screenshot(path=shots / f"{size}-edit{suffix}.png")

    assert {screen: problems for screen, problems in found.items() if problems} == {}
    assert len(list(shots.glob(f"{size}-*{suffix}.png"))) >= 7
