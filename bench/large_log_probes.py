"""What ``bench.large_log`` runs inside the page: timers that start an action and stop when the DOM shows its result.

``PROBES`` is added as an init script (the app's CSP forbids Playwright's ``wait_for_function``, but not
init scripts or ``evaluate``). ``window.__bench.timed(act, ready)`` calls ``act()``, waits on DOM mutations
until ``ready()`` holds, then for the next animation frame (the frame that shows the result) and returns the
milliseconds from before ``act`` on the page's own clock, so the harness's round trips do not count.
"""

from __future__ import annotations

PROBES = """
window.__bench = {
  until(ready, timeoutMs = 600000) {
    return new Promise((resolve, reject) => {
      if (ready()) return resolve(undefined);
      const timer = setTimeout(() => { observer.disconnect(); reject(new Error('timed out')); }, timeoutMs);
      const observer = new MutationObserver(() => {
        if (!ready()) return;
        observer.disconnect();
        clearTimeout(timer);
        resolve(undefined);
      });
      observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    });
  },
  frame() {
    return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  },
  async timed(act, ready) {
    const started = performance.now();
    act();
    await window.__bench.until(ready);
    await window.__bench.frame();
    return performance.now() - started;
  },
  shownIds() {
    const section = document.querySelector('#timeline-title')?.closest('section');
    if (!section || section.hidden) return [];
    return [...section.querySelectorAll('[data-testid="timeline-entry"]')].map((item) => item.dataset.id);
  },
  showsFirst(ids) {
    const shown = window.__bench.shownIds();
    return ids.length === 0 ? false : ids.every((id, index) => shown[index] === id);
  },
  search(text) {
    const input = document.querySelector('#filter-q');
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  },
  moreButton() {
    const section = document.querySelector('#timeline-title')?.closest('section');
    return [...(section?.querySelectorAll('button') || [])].find((b) => b.textContent.startsWith('Show more'));
  },
  async storedEntries() {
    const names = (await indexedDB.databases()).map((db) => db.name);
    if (!names.includes('synclog')) return 0;  // never create it: the app's upgrade must make it
    const db = await new Promise((resolve, reject) => {
      const opening = indexedDB.open('synclog');
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    try {
      if (!db.objectStoreNames.contains('entries')) return 0;
      return await new Promise((resolve, reject) => {
        const counting = db.transaction('entries').objectStore('entries').count();
        counting.onsuccess = () => resolve(counting.result);
        counting.onerror = () => reject(counting.error);
      });
    } finally {
      db.close();  // never hold up the app's own version change
    }
  },
};
"""

TIMELINE_FIRST_RENDER = """
() => window.__bench.timed(
  () => { location.hash = '#/timeline'; },
  () => window.__bench.shownIds().length > 0,
)
"""

SEARCH = """
([text, expected]) => window.__bench.timed(
  () => window.__bench.search(text),
  () => window.__bench.showsFirst(expected),
)
"""

SHOW_MORE = """
() => {
  const before = window.__bench.shownIds().length;
  const button = window.__bench.moreButton();
  if (!button) throw new Error('no "Show more" button');
  return window.__bench.timed(() => button.click(), () => window.__bench.shownIds().length > before);
}
"""

CURRENTS_OPEN = """
() => window.__bench.timed(
  () => { location.hash = '#/currents'; },
  () => {
    const section = document.querySelector('#currents-title')?.closest('section');
    return Boolean(section && !section.hidden && section.querySelector('#overall-title'));
  },
)
"""

STORAGE = """
async () => {
  const estimate = await navigator.storage.estimate();
  return { usage: estimate.usage, indexedDB: estimate.usageDetails?.indexedDB ?? null };
}
"""
