// @ts-check
/**
 * Quick log: one big button stores an entry (and its outbox op) in one IndexedDB
 * transaction; optional details for the entry just logged follow as further ops.
 */

import { synclogDB } from '../db.js';
import { $, h, replace } from '../dom.js';
import { notify, on } from '../events.js';
import { edit, kindLabel, logEntry } from '../store.js';
import { clockTime, today } from '../time.js';
import { entryFields } from './entryform.js';

/**
 * @param {HTMLElement} section
 * @param {import('../app.js').AppContext} ctx
 */
export function mountQuickLog(section, ctx) {
  const button = /** @type {HTMLButtonElement} */ ($('#quick-log', section));
  const shareNote = $('#share-note', section);
  const details = $('#log-details', section);
  const status = h('p', { class: 'log-status', role: 'status', id: 'log-status' });
  const detailsSlot = h('div', { class: 'details-slot' });
  const todayList = h('ol', { class: 'today-list' });
  const todayHeading = h('h2', { id: 'today-title' }, 'Logged today');
  replace(details, status, detailsSlot, h('section', { class: 'today', 'aria-labelledby': 'today-title' }, todayHeading, todayList));

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
      await showDetails(entry);
    } catch (error) {
      notify(`Could not store the entry on this device: ${error instanceof Error ? error.message : error}`, 'error');
    }
  });

  /** @param {any} entry */
  async function showDetails(entry) {
    const db = await synclogDB();
    const goals = (await db.getAll('goals')).filter((goal) => goal.status !== 'archived');
    const fields = entryFields(entry, goals, { full: false });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save details');
    const form = h(
      'form',
      { class: 'card details-form', 'aria-label': 'Details of the moment just logged' },
      h('h2', null, 'Add details'),
      fields.element,
      h('div', { class: 'actions' }, save),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const user = ctx.user();
      if (!user) return;
      try {
        await edit('entry', entry.id, fields.read(), user);
        status.textContent = 'Details saved.';
        detailsSlot.replaceChildren();
        button.focus();
      } catch (error) {
        notify(error instanceof Error ? error.message : String(error), 'error');
      }
    });
    detailsSlot.replaceChildren(form);
  }

  async function renderToday() {
    const user = ctx.user();
    if (!user) return;
    const db = await synclogDB();
    const entries = await db.getAllFromIndex('entries', 'local_date', today(user));
    entries.sort((a, b) => (a.occurred_at < b.occurred_at ? 1 : -1));
    todayHeading.textContent = entries.length ? `Logged today (${entries.length})` : 'Logged today';
    replace(
      todayList,
      entries.length
        ? entries.slice(0, 20).map((entry) =>
            h(
              'li',
              { class: entry.id === lastId ? 'today-item is-new' : 'today-item' },
              h('time', { datetime: entry.occurred_at }, clockTime(entry.occurred_at, entry.timezone)),
              ' ',
              h('span', null, entry.note ? entry.note.slice(0, 80) : kindLabel(entry.kind)),
            ),
          )
        : h('li', { class: 'empty' }, 'Nothing yet today.'),
    );
  }

  on('data', () => {
    if (!section.hidden) void renderToday();
  });
  on('user', () => void renderToday());

  return {
    /** @param {boolean} focus */
    async show(focus) {
      const launch = sessionStorage.getItem('synclog-launch');
      if (launch) {
        sessionStorage.removeItem('synclog-launch');
        const { shared: text } = JSON.parse(launch);
        if (text) {
          shared = text;
          shareNote.textContent = `The shared text will be saved as the note: “${text.slice(0, 140)}”`;
          shareNote.hidden = false;
        }
        focus = true;
      }
      await renderToday();
      if (focus) button.focus();
    },
  };
}
