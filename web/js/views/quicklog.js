// @ts-check
/**
 * Quick log: one big button stores an entry (and its outbox op) in one IndexedDB
 * transaction; optional details for the entry just logged follow as further ops.
 */

import { allGoals, entriesOn } from '../db.js';
import { $, h, renderList, replace } from '../dom.js';
import { notify, on } from '../events.js';
import { kindLabel } from '../kinds.js';
import { logEntry } from '../store.js';
import { clockTime, today } from '../time.js';

/** @typedef {import('../types.js').AppContext} AppContext */
/** @typedef {{entry: any, isNew: boolean}} TodayItem */

/** Today's entries by id, newest first. @type {import('../types.js').Keyed<TodayItem>} */
const todayRows = {
  key: (item) => item.entry.id,
  version: (item) => JSON.stringify([item.entry.occurred_at, item.entry.timezone, item.entry.note, item.entry.kind, item.isNew]),
  create: () => h('li'),
  update(element, { entry, isNew }) {
    element.className = isNew ? 'today-item is-new' : 'today-item';
    replace(
      element,
      h('time', { datetime: entry.occurred_at }, clockTime(entry.occurred_at, entry.timezone)),
      ' ',
      h('span', null, entry.note ? entry.note.slice(0, 80) : kindLabel(entry.kind)),
    );
  },
};

/**
 * @param {HTMLElement} section
 * @param {AppContext} ctx
 */
export function mountQuickLog(section, ctx) {
  const button = /** @type {HTMLButtonElement} */ ($('#quick-log', section));
  const shareNote = $('#share-note', section);
  const status = h('p', { class: 'log-status', role: 'status', id: 'log-status' });
  const detailsSlot = h('div', { class: 'details-slot' });
  const todayList = h('ol', { class: 'today-list' });
  const todayHeading = h('h2', { id: 'today-title' }, 'Logged today');
  replace($('#log-details', section), status, detailsSlot, h('section', { class: 'today', 'aria-labelledby': 'today-title' }, todayHeading, todayList));

  /** Shared text from the share target waits for the next tap. */
  let shared = '';
  /** @type {string | null} */
  let lastId = null;

  button.addEventListener('click', async (event) => {
    const user = ctx.user();
    if (!user) return;
    const started = event.timeStamp;
    const note = shared;
    shared = '';
    shareNote.hidden = true;
    try {
      const { entry } = await logEntry(user, { note });
      const ms = performance.now() - started;
      window.dispatchEvent(new CustomEvent('synclog:logged', { detail: { id: entry.id, ms } }));
      lastId = entry.id;
      status.textContent = `Logged at ${clockTime(entry.occurred_at, entry.timezone)}. Details are optional.`;
      detailsSlot.replaceChildren(await detailsForm(entry, ctx, detailsSaved));
    } catch (error) {
      notify(`Could not store the entry on this device: ${error instanceof Error ? error.message : error}`, 'error');
    }
  });

  function detailsSaved() {
    status.textContent = 'Details saved.';
    detailsSlot.replaceChildren();
    button.focus();
  }

  async function renderToday() {
    const user = ctx.user();
    if (!user) return;
    const entries = await entriesOn(today(user));
    entries.sort((a, b) => (a.occurred_at < b.occurred_at ? 1 : -1));
    todayHeading.textContent = entries.length ? `Logged today (${entries.length})` : 'Logged today';
    const items = entries.slice(0, 20).map((entry) => ({ entry, isNew: entry.id === lastId }));
    renderList(todayList, items, todayRows, h('li', { class: 'empty' }, 'Nothing yet today.'));
  }

  on('data', () => {
    if (!section.hidden) void renderToday();
  });
  on('user', () => void renderToday());

  return {
    /** @param {boolean} focus */
    async show(focus) {
      const launched = takeLaunch();
      if (launched?.shared) {
        shared = launched.shared;
        shareNote.textContent = `The shared text will be saved as the note: “${shared.slice(0, 140)}”`;
        shareNote.hidden = false;
      }
      await renderToday();
      if (focus || launched) button.focus(); // the shortcut and the share target open on the button
    },
  };
}

/**
 * `?action=quick-log` or the share target opened this start (app.js keeps what they brought).
 * @returns {{shared?: string} | null}
 */
function takeLaunch() {
  const launch = sessionStorage.getItem('synclog-launch');
  if (!launch) return null;
  sessionStorage.removeItem('synclog-launch');
  return JSON.parse(launch);
}

/**
 * The optional details of the entry just logged, saved as one more op.
 * @param {any} entry @param {AppContext} ctx @param {() => void} saved
 */
async function detailsForm(entry, ctx, saved) {
  // Loaded on the first tap, not with the shell: the button is all a start needs.
  const [{ entryFields, saveEditOnSubmit }, goals] = await Promise.all([import('./entryform.js'), activeGoals()]);
  const fields = entryFields(entry, goals, { full: false });
  const form = h(
    'form',
    { class: 'card details-form', 'aria-label': 'Details of the moment just logged' },
    h('h2', null, 'Add details'),
    fields.element,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save details')),
  );
  saveEditOnSubmit(form, entry.id, fields, ctx, saved, (message) => notify(message, 'error'));
  return form;
}

async function activeGoals() {
  return (await allGoals()).filter((goal) => goal.status !== 'archived');
}
