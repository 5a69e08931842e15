// @ts-check
/// <reference lib="webworker" />
/**
 * Synclog service worker: precaches the app shell under a versioned cache (old ones are
 * deleted on activate) so the app opens offline. API requests never touch a cache.
 * VERSION is a digest of the SHELL files; tests/web/test_install.py says the new value.
 */

const VERSION = 'synclog-shell-b249dd097313';
const SHELL = [
  '/',
  '/manifest.webmanifest',
  '/css/app.css',
  '/css/insights.css',
  '/js/app.js',
  '/js/api.js',
  '/js/db.js',
  '/js/db-pages.js',
  '/js/db-account.js',
  '/js/db-pull.js',
  '/js/derived.js',
  '/js/db-derived.js',
  '/js/dom.js',
  '/js/events.js',
  '/js/kinds.js',
  '/js/merge.js',
  '/js/noticing.js',
  '/js/outbox.js',
  '/js/pull.js',
  '/js/searching.js',
  '/js/store.js',
  '/js/summary.js',
  '/js/time.js',
  '/js/words.js',
  '/js/views/account.js',
  '/js/views/currents.js',
  '/js/views/entry.js',
  '/js/views/entryform.js',
  '/js/views/goals.js',
  '/js/views/insights.js',
  '/js/views/logcurrents.js',
  '/js/views/pauses.js',
  '/js/views/printsummary.js',
  '/js/views/quicklog.js',
  '/js/views/settings.js',
  '/js/views/signin.js',
  '/js/views/timeline.js',
  '/vendor/idb/index.js',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-512.png',
];

const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(VERSION)
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' })))),
  );
  // No skipWaiting(): an open page keeps the release it started with (its lazy screens
  // included) and the new one takes over when every Synclog tab has closed.
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('synclog-') && key !== VERSION).map((key) => caches.delete(key))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== sw.location.origin) return;
  if (request.mode === 'navigate' && (url.pathname === '/' || url.pathname === '/index.html')) {
    // The app is one page; its query strings (shortcut, share target) are read by the app.
    event.respondWith(shell(request, '/'));
    return;
  }
  // Everything else (the API, /docs, /healthz…) is the network's: the outbox and pull handle offline.
  if (SHELL.includes(url.pathname)) event.respondWith(shell(request, url.pathname));
});

/**
 * Shell files: cache first (offline and fast). The shell changes only with VERSION, so
 * a page never mixes files of two releases; the network is the fallback.
 * @param {Request} request @param {string} path
 */
async function shell(request, path) {
  const cache = await caches.open(VERSION);
  const cached = await cache.match(path);
  if (cached) return cached;
  try {
    return await fetch(request.mode === 'navigate' ? path : request);
  } catch {
    return new Response('Synclog is offline and this file is not cached yet.', { status: 503, headers: { 'Content-Type': 'text/plain' } });
  }
}

// Background Sync is one more trigger: the open pages do the draining.
sw.addEventListener('sync', (/** @type {any} */ event) => {
  if (event.tag !== 'synclog-outbox') return;
  event.waitUntil(
    sw.clients.matchAll({ type: 'window' }).then((clients) => {
      for (const client of clients) client.postMessage({ type: 'drain' });
    }),
  );
});
