"""Installability: manifest, icons, service worker precache, shortcut and share target."""

from __future__ import annotations

import hashlib
import json
import re
import struct
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from tests.web.conftest import CHROMIUM_ARGS, eventually, server_entries, sign_up, wait_for_service_worker

WEB = Path(__file__).resolve().parents[2] / "web"


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_manifest_names_real_icons_a_shortcut_and_a_share_target() -> None:
    manifest = json.loads((WEB / "manifest.webmanifest").read_text())
    assert manifest["id"] == "/"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    icons = {(icon["sizes"], icon.get("purpose", "any")): icon["src"] for icon in manifest["icons"]}
    for (sizes, _purpose), src in icons.items():
        width, height = png_size(WEB / src.lstrip("/"))
        assert f"{width}x{height}" == sizes
    assert ("192x192", "any") in icons
    assert ("512x512", "any") in icons
    assert ("512x512", "maskable") in icons
    [shortcut] = manifest["shortcuts"]
    assert shortcut["name"] == "Quick log"
    assert shortcut["url"] == "/?action=quick-log"
    assert manifest["share_target"]["action"] == "/"
    assert set(manifest["share_target"]["params"]) == {"title", "text", "url"}


def is_shell_file(path: Path) -> bool:
    """What the page loads; not the worker itself, the type-check's configs and declarations, or licences."""
    if path.name in {"sw.js", "index.html", "LICENSE", "README.md"}:
        return False
    return not (path.name.startswith("jsconfig") or path.name.endswith(".d.ts"))


def test_service_worker_precaches_every_shell_file() -> None:
    source = (WEB / "sw.js").read_text()
    shell = {"/" + str(path.relative_to(WEB)) for path in WEB.rglob("*") if path.is_file() and is_shell_file(path)}
    missing = sorted(path for path in shell if f"'{path}'" not in source)
    assert missing == [], "add these to SHELL in web/sw.js (and bump VERSION)"


def shell_version() -> str:
    """What VERSION in web/sw.js must be: a digest of the precached files, so any change ships a new cache."""
    source = (WEB / "sw.js").read_text()
    listed = re.search(r"const SHELL = \[(.*?)\];", source, re.S)
    assert listed
    digest = hashlib.sha256()
    for path in re.findall(r"'([^']+)'", listed.group(1)):
        digest.update((WEB / ("index.html" if path == "/" else path.lstrip("/"))).read_bytes())
    return f"synclog-shell-{digest.hexdigest()[:12]}"


def test_cache_version_changes_with_the_shell() -> None:
    expected = shell_version()
    assert f"const VERSION = '{expected}';" in (WEB / "sw.js").read_text(), f"set VERSION in web/sw.js to '{expected}'"


def test_installable_in_a_persistent_context(
    playwright_driver: Playwright, chromium_path: Path, base_url: str, tmp_path: Path
) -> None:
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(chromium_path), args=CHROMIUM_ARGS, base_url=base_url
    )
    try:
        page = context.new_page()
        page.goto("/")
        wait_for_service_worker(page)
        cdp = context.new_cdp_session(page)
        answer = cdp.send("Page.getInstallabilityErrors")
        assert answer["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == []
    finally:
        context.close()


def test_old_shell_caches_are_deleted(context: BrowserContext, page: Page) -> None:
    context.add_init_script("caches.open('synclog-shell-v0').then((cache) => cache.put('/old', new Response('old')))")
    page.goto("/")
    wait_for_service_worker(page)
    eventually(page, lambda: "synclog-shell-v0" not in page.evaluate("caches.keys()"), what="the old cache to go")
    keys = page.evaluate("caches.keys()")
    assert len(keys) == 1
    assert keys[0].startswith("synclog-shell-")
    cached = page.evaluate(f"caches.open('{keys[0]}').then((c) => c.keys()).then((r) => r.map((q) => q.url))")
    assert f"{base_path(page)}/js/outbox.js" in cached
    assert not any("/api/" in url for url in cached)


def test_other_pages_of_the_server_are_not_answered_with_the_shell(page: Page) -> None:
    page.goto("/")
    wait_for_service_worker(page)
    response = page.goto("/openapi.json")
    assert response is not None
    assert response.headers["content-type"].startswith("application/json")
    assert "openapi" in response.json()


def base_path(page: Page) -> str:
    url: str = page.evaluate("location.origin")
    return url


def test_quick_log_shortcut_focuses_the_button(page: Page) -> None:
    sign_up(page)
    page.goto("/?action=quick-log")
    button = page.get_by_role("button", name="Log a synchronicity")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".today-item")).to_have_count(1)


def test_share_target_prefills_the_quick_log(page: Page, other_device: Callable[[str], httpx.Client]) -> None:
    email = sign_up(page)
    page.goto("/?title=Overheard&text=The+song+I+was+humming+came+on+the+radio")
    expect(page.get_by_text("The shared text will be saved as the note")).to_be_visible()
    page.get_by_role("button", name="Log a synchronicity").click()
    expect(page.locator(".today-item").first).to_contain_text("The song I was humming")
    desk = other_device(email)
    eventually(page, lambda: len(server_entries(desk)) == 1, what="the shared entry on the server")
    [entry] = server_entries(desk)
    assert entry["note"] == "Overheard\nThe song I was humming came on the radio"
