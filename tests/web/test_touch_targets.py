"""Every interactive element on every screen is at least 44×44 CSS px, on a phone and a desktop (SPEC §7)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.web.conftest import DESKTOP, PHONE, seed_year, sign_up

MINIMUM = 44
# What a finger may aim at: controls, links, summaries and scrollable regions; a checkbox or radio
# drawn as a chip is aimed at through its label.
SMALL_TARGETS = """
(minimum) => {
  const targets = document.querySelectorAll(
    'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])');
  const small = [];
  for (const element of targets) {
    let target = element;
    if (element.matches('input[type=checkbox], input[type=radio]') && element.closest('label')) {
      target = element.closest('label');
    }
    if (element.matches('.skip-link')) continue;  // off screen until focused
    const box = target.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not shown
    if (getComputedStyle(target).visibility === 'hidden') continue;
    if (box.width < minimum || box.height < minimum) {
      const name = (target.getAttribute('aria-label') || target.textContent || target.id || '').trim().slice(0, 40);
      const size = `${Math.round(box.width)}×${Math.round(box.height)}`;
      small.push(`${target.tagName.toLowerCase()}.${target.className} "${name}" ${size}`);
    }
  }
  return small;
}
"""
SCREENS = ["Log", "Timeline", "Goals", "Currents", "Settings"]


def small_targets(page: Page) -> list[str]:
    found: list[str] = page.evaluate(SMALL_TARGETS, MINIMUM)
    return found


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_control_is_at_least_44_px(
    new_context: Callable[..., BrowserContext], other_device: Callable[[str], httpx.Client], viewport: dict[str, int]
) -> None:
    page = new_context(viewport=viewport).new_page()
    seed_year(other_device(sign_up(page)), days=30, every=2)
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-sync", "idle")
    found: dict[str, list[str]] = {}
    page.get_by_role("button", name="Log a synchronicity").click()
    page.get_by_role("button", name="Add details").click()
    found["Log"] = small_targets(page)
    for screen in SCREENS[1:]:
        page.get_by_role("navigation", name="Main").get_by_role("link", name=screen).click()
        expect(page.get_by_role("heading", level=1, name=screen)).to_be_visible()
        if screen == "Timeline":
            expect(page.get_by_test_id("timeline-entry").first).to_be_visible()
        found[screen] = small_targets(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Timeline").click()
    page.get_by_test_id("timeline-entry").first.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    found["edit dialog"] = small_targets(page)
    small = {screen: small for screen, small in found.items() if small}
    assert small == {}, "\n".join(f"{screen}: {item}" for screen, items in small.items() for item in items)
