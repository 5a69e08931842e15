// @ts-check
/**
 * Quick log: one big button, in thumb reach, stores an entry (and its outbox op) in one IndexedDB
 * transaction; beside it the current streak and each goal's period, worked out on this device; after
 * a tap, Undo and Add details (the details follow as further ops).
 */

import { allGoals, entriesOn } from '../db.js';
import { $, h, renderList, replace } from '../dom.js';
import { notify, on } from '../events.js';
import { kindLabel } from '../kinds.js';
import { logEntry, undoEntry } from '../store.js';
import { clockTime, today } from '../time.js';

/** @typedef {import('../types.js').AppContext} AppContext */
/** @typedef {{entry: any, isNew: boolean}} TodayItem */

/**
 * Today's entries by id, newest first, each with a button that opens its details.
 * @param {(entry: any) => void} details
 * @returns {import('../types.js').Keyed<TodayItem>}
 */
function todayRows(details) {
  return {
    key: (item) => item.entry.id,
    version: (item) => JSON.stringify([item.entry.occurred_at, item.entry.timezone, item.entry.note, item.entry.kind, item.isNew]),
    create: () => h('li'),
    update(element, { entry, isNew }) {
      element.className = isNew ? 'today-item is-new' : 'today-item';
      const time = clockTime(entry.occurred_at, entry.timezone);
      replace(
        element,
        h('span', { class: 'today-text' }, h('time', { datetime: entry.occurred_at }, time), ' ', entry.note ? entry.note.slice(0, 80) : kindLabel(entry.kind)),
        h('button', { type: 'button', 'aria-label': `Details of ${time}`, onclick: () => details(entry) }, 'Details'),
      );
    },
  };
}

/**
 * @param {HTMLElement} section
 * @param {AppContext} ctx
 */
export function mountQuickLog(section, ctx) {
  const button = /** @type {HTMLButtonElement} */ ($('#quick-log', section));
  const shareNote = $('#share-note', section);
  const currents = lazyCurrents();
  const detailsSlot = h('div', { class: 'details-slot' });
  const todayLog = loggedToday((entry) => void openDetails(detailsSlot, entry, ctx, detailsSaved));
  const daySlot = h('div');
  currents.mount($('#log-currents', section), daySlot);
  replace($('#log-details', section), detailsSlot, todayLog.element, daySlot);
  const message = logMessage($('#log-message', section), {
    undo: async (entry) => {
      const user = ctx.user();
      if (user) await undoEntry(entry.id, user);
      detailsSlot.replaceChildren();
      button.focus();
    },
    details: (entry) => openDetails(detailsSlot, entry, ctx, detailsSaved),
  });

  /** Shared text from the share target waits for the next tap. */
  let shared = '';
  /** @type {string | null} */
  let lastId = null;

  button.addEventListener('click', async (event) => {
    // The second tap of a double tap (click count 2) is the same intention, not a second moment.
    if (event.detail > 1) return;
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
      detailsSlot.replaceChildren();
      message.logged(entry);
    } catch (error) {
      notify(`Could not store the entry on this device: ${error instanceof Error ? error.message : error}`, 'error');
    }
  });

  function detailsSaved() {
    message.say('Details saved.');
    detailsSlot.replaceChildren();
    button.focus();
  }

  const renderToday = () => todayLog.render(ctx.user(), lastId);

  function render() {
    void renderToday();
    void currents.render(ctx.user());
  }

  on('data', () => {
    if (!section.hidden) render();
  });
  on('user', render);

  return {
    /** @param {boolean} focus */
    async show(focus) {
      const launched = takeLaunch();
      if (launched?.shared) {
        shared = launched.shared;
        shareNote.textContent = `The shared text will be saved as the note: “${shared.slice(0, 140)}”`;
        shareNote.hidden = false;
      }
      await Promise.all([renderToday(), currents.render(ctx.user())]);
      if (focus || launched) button.focus(); // the shortcut and the share target open on the button
    },
  };
}

/** "Logged today": today's entries, newest first, the one just logged marked. @param {(entry: any) => void} details */
function loggedToday(details) {
  const rows = todayRows(details);
  const list = h('ol', { class: 'today-list' });
  const heading = h('h2', { id: 'today-title' }, 'Logged today');
  return {
    element: h('section', { class: 'today', 'aria-labelledby': 'today-title' }, heading, list),
    /** @param {import('../types.js').User | undefined} user @param {string | null} lastId */
    async render(user, lastId) {
      if (!user) return;
      const entries = await entriesOn(today(user));
      entries.sort((a, b) => (a.occurred_at < b.occurred_at ? 1 : -1));
      heading.textContent = entries.length ? `Logged today (${entries.length.toLocaleString()})` : 'Logged today';
      const items = entries.slice(0, 20).map((entry) => ({ entry, isNew: entry.id === lastId }));
      renderList(list, items, rows, h('li', { class: 'empty' }, 'Nothing yet today.'));
    },
  };
}

/**
 * The streak beside the button and "On this day" (logcurrents.js, with the rules of summary.js), loaded after the
 * button is ready: a start shows the button first and the streak a moment later.
 */
function lazyCurrents() {
  /** @type {Promise<{element: HTMLElement, onThisDay: HTMLElement, render: (user: any) => Promise<void>}> | null} */
  let loading = null;
  /** @type {HTMLElement[]} */
  let slots = [];
  return {
    /** @param {HTMLElement} streakSlot @param {HTMLElement} daySlot */
    mount(streakSlot, daySlot) {
      slots = [streakSlot, daySlot];
    },
    /** @param {import('../types.js').User | undefined} user */
    async render(user) {
      loading ||= import('./logcurrents.js').then(({ logCurrents }) => {
        const currents = logCurrents();
        slots[0]?.replaceChildren(currents.element);
        slots[1]?.replaceChildren(currents.onThisDay);
        return currents;
      });
      await (await loading).render(user);
    },
  };
}

/**
 * The message under the button after a tap: what was kept, announced, with Undo and Add details.
 * @param {HTMLElement} slot
 * @param {{undo: (entry: any) => Promise<void>, details: (entry: any) => Promise<void>}} actions
 */
function logMessage(slot, actions) {
  const text = h('p', { class: 'log-status', role: 'status' });
  const undo = h('button', { type: 'button' }, 'Undo');
  const details = h('button', { type: 'button', class: 'primary' }, 'Add details');
  const buttons = h('div', { class: 'log-actions' }, undo, details);
  buttons.hidden = true;
  /** @type {any} */
  let shown = null;
  undo.addEventListener('click', async () => {
    if (!shown) return;
    const entry = shown;
    shown = null;
    buttons.hidden = true;
    await actions.undo(entry);
    text.textContent = `Undone: the moment of ${clockTime(entry.occurred_at, entry.timezone)} is gone.`;
  });
  details.addEventListener('click', () => shown && void actions.details(shown));
  const hint = slot.firstElementChild;
  slot.replaceChildren(text, buttons);
  if (hint) text.textContent = hint.textContent;
  return {
    /** @param {any} entry */
    logged(entry) {
      shown = entry;
      text.textContent = `Logged at ${clockTime(entry.occurred_at, entry.timezone)}.`;
      buttons.hidden = false;
    },
    /** @param {string} words */
    say(words) {
      text.textContent = words;
    },
  };
}

/**
 * The details form of `entry` in `slot`, scrolled into view with its first field focused.
 * @param {HTMLElement} slot @param {any} entry @param {AppContext} ctx @param {() => void} saved
 */
async function openDetails(slot, entry, ctx, saved) {
  const form = await detailsForm(entry, ctx, saved);
  slot.replaceChildren(form);
  form.scrollIntoView({ block: 'start' });
  /** @type {HTMLElement | null} */ (form.querySelector('input, textarea, select'))?.focus();
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
