// @ts-check
/**
 * The app shell: boots from IndexedDB (so it opens offline), routes between screens on
 * the hash, keeps the pending-count and notices current, and owns sign-in state.
 */

import * as api from './api.js';
import { allOps, readMeta } from './db.js';
import { emit, notify, on } from './events.js';
import { setAfterDrain, setSignedIn, startDraining, sync } from './outbox.js';
import { mountQuickLog } from './views/quicklog.js';
import { $ } from './dom.js';

/** @typedef {import('./types.js').User} User */
/** @typedef {import('./types.js').View} View */
/** @typedef {import('./types.js').AppContext} AppContext */

const TITLES = /** @type {Record<string, string>} */ ({
  log: 'Quick log',
  timeline: 'Timeline',
  goals: 'Goals',
  currents: 'Currents',
  settings: 'Settings',
  signin: 'Sign in',
});
/** Loaded on first use: views/{name}.js exports mount. */
const SCREENS = ['timeline', 'goals', 'currents', 'settings', 'insights', 'entry'];

const state = {
  /** @type {User | undefined} */
  user: undefined,
  signedIn: false,
  /** @type {Map<string, View>} */
  views: new Map(),
  route: '',
  started: false,
};

/** @type {AppContext} */
const ctx = {
  user: () => state.user,
  setUser,
  signOut,
  navigate: (route) => {
    location.hash = `#/${route}`;
  },
};

async function boot() {
  registerServiceWorker();
  on('notice', showNotice);
  on('outbox', () => void renderPending());
  window.addEventListener('online', () => void renderPending());
  window.addEventListener('offline', () => void renderPending());
  on('user', async (detail) => {
    if (detail && detail.signedOut) return sessionEnded();
    await reloadUser();
    if (!state.signedIn && state.user) {
      // Signed in again in another tab: this one can go on too.
      state.signedIn = true;
      setSignedIn();
      enterApp();
    }
  });
  window.addEventListener('hashchange', () => void route(true));
  // Loaded on first use, like the screens: a start shows the quick log before anything is pulled.
  setAfterDrain(async () => (await import('./pull.js')).pull());
  captureLaunchParameters();

  state.user = await readMeta('user');
  await renderPending();
  if (state.user) {
    state.signedIn = true;
    enterApp();
    void refreshUser();
  } else {
    try {
      await setUser(await api.me());
      enterApp();
    } catch {
      // Signed out by the server earlier, with ops kept for the next sign-in: say so again.
      await showSignIn(Boolean(await readMeta('owner')));
    }
  }
  document.documentElement.dataset.ready = 'true';
  performance.mark('synclog-ready'); // bench/pwa_budget.py: cold start to a usable quick-log button
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker
    .register('/sw.js', { scope: '/' })
    .then((registration) => {
      registration.addEventListener('updatefound', () => {
        const installing = registration.installing;
        installing?.addEventListener('statechange', () => {
          if (installing.state === 'installed' && navigator.serviceWorker.controller) {
            notify('A new version of Synclog is ready; it starts the next time you open the app.');
          }
        });
      });
    })
    .catch((error) => console.warn('Service worker not registered', error));
}

/** `/?action=quick-log` (shortcut) and share-target parameters open the quick log. */
function captureLaunchParameters() {
  const params = new URLSearchParams(location.search);
  const shared = [params.get('title'), params.get('text'), params.get('url')].filter(Boolean).join('\n');
  if (params.get('action') === 'quick-log' || shared) {
    sessionStorage.setItem('synclog-launch', JSON.stringify({ quickLog: true, shared }));
    history.replaceState(null, '', '/#/log');
  }
}

function enterApp() {
  $('.app-nav').hidden = false;
  if (!state.started) {
    state.started = true;
    startDraining();
    setInterval(() => {
      if (document.visibilityState === 'visible' && navigator.onLine) void sync();
    }, 60_000);
  } else {
    void sync();
  }
  void route(false);
}

/** Refreshes the stored user from the server; a 401 means the session ended. */
async function refreshUser() {
  try {
    await setUser(await api.me());
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) await sessionEnded();
  }
}

async function reloadUser() {
  state.user = await readMeta('user');
}

/**
 * Stores the signed-in user. Another account's local data is cleared first.
 * @param {User} user
 */
async function setUser(user) {
  await (await import('./db-account.js')).saveUser(user);
  state.user = user;
  const wasSignedIn = state.signedIn;
  state.signedIn = true;
  setSignedIn();
  emit('user', { id: user.id });
  if (!wasSignedIn) emit('outbox');
}

/**
 * The server no longer knows our session (a 401): erase this device's copy of the account's
 * data, keep the unsent ops for the next sign-in, and ask to sign in (SPEC §7).
 */
async function sessionEnded() {
  if (!state.signedIn) return;
  state.signedIn = false;
  await (await import('./db-account.js')).forgetAccountData();
  state.user = undefined;
  emit('data', { cleared: true });
  await showSignIn(true);
}

async function signOut() {
  try {
    await api.signOut();
  } catch {
    // Offline or already signed out: forgetting the local copy is what matters here.
  }
  await (await import('./db-account.js')).clearAll();
  state.user = undefined;
  state.signedIn = false;
  emit('outbox');
  emit('data', { cleared: true });
  await showSignIn();
}

/** @param {boolean} [sessionExpired] */
async function showSignIn(sessionExpired = false) {
  $('.app-nav').hidden = true;
  let view = state.views.get('signin');
  if (!view) {
    // Most starts are signed in, so the sign-in screen is not part of the shell either.
    const { mountSignIn } = await import('./views/signin.js');
    view = state.views.get('signin') || mountSignIn($('#view-signin'), ctx, async () => enterApp());
    state.views.set('signin', view);
  }
  showSection('signin');
  await /** @type {any} */ (view).show(false, sessionExpired);
}

/** @param {string} name */
function showSection(name) {
  for (const section of document.querySelectorAll('main > section')) {
    /** @type {HTMLElement} */ (section).hidden = section.id !== `view-${name}`;
  }
  document.title = `${TITLES[name] || 'Synclog'} · Synclog`;
  for (const link of document.querySelectorAll('.app-nav a')) {
    if (/** @type {HTMLElement} */ (link).dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  state.route = name;
}

/** @param {boolean} moveFocus */
async function route(moveFocus) {
  if (!state.signedIn) return;
  const match = /^#\/(\w+)/.exec(location.hash);
  if (!match && location.hash && location.hash !== '#') return; // e.g. the skip link's #main
  const name = match && SCREENS.includes(match[1]) ? match[1] : 'log';
  document.body.dataset.route = name;
  let view = state.views.get(name);
  if (!view) {
    const section = $(`#view-${name}`);
    view = /** @type {View} */ (name === 'log' ? mountQuickLog(section, ctx) : (await import(`./views/${name}.js`)).mount(section, ctx));
    state.views.set(name, view);
  }
  showSection(name);
  await view.show(moveFocus);
}

async function renderPending() {
  const ops = await allOps();
  const held = ops.filter((op) => op.state === 'held').length;
  $('[data-testid="pending-count"]').textContent = String(ops.length);
  const offline = navigator.onLine ? '' : ' · offline';
  $('#pending-label').textContent = ops.length ? `unsent${offline}` : `all sent${offline}`;
  const status = $('#sync-status');
  status.classList.toggle('has-pending', ops.length > 0);
  const link = /** @type {HTMLAnchorElement} */ ($('#held-link'));
  link.hidden = held === 0;
  link.textContent = held === 1 ? '1 needs attention' : `${held.toLocaleString()} need attention`;
}

/** @param {{message: string, level: 'info' | 'warning' | 'error'}} notice */
function showNotice(notice) {
  const box = $('#notices');
  const item = document.createElement('div');
  item.className = `notice notice-${notice.level}`;
  const text = document.createElement('p');
  text.textContent = notice.message;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'notice-close';
  close.textContent = 'Dismiss';
  close.addEventListener('click', () => item.remove());
  item.append(text, close);
  box.append(item);
  while (box.children.length > 4) box.firstElementChild?.remove();
  if (notice.level === 'info') setTimeout(() => item.remove(), 10_000);
}

void boot();
