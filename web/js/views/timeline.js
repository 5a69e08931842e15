// @ts-check
/**
 * Timeline: every entry in IndexedDB grouped by local day, newest first, with search,
 * filters, edit (a dialog) and delete. It never asks the network. Days and entries are
 * rendered by key, so an update leaves the others (and keyboard focus) where they are.
 */

import { allEntries, allGoals, allOps, readRecord } from '../db.js';
import { field, h, renderList, replace } from '../dom.js';
import { notify, on } from '../events.js';
import { KINDS, kindLabel } from '../kinds.js';
import { remove } from '../store.js';
import { clockTime, longDate } from '../time.js';
import { ensureTimeZoneList, entryFields, saveEditOnSubmit } from './entryform.js';
import { count as plural, number } from '../words.js';

const PAGE = 100;

/** @typedef {import('../types.js').AppContext} AppContext */
/** @typedef {{q: string, kind: string, goal: string, tag: string, from: string, to: string}} Filter */
/** @typedef {{entry: any, pending: boolean, goals: {title: string, color: string}[]}} Item */

/**
 * @param {HTMLElement} section
 * @param {AppContext} ctx
 */
export function mount(section, ctx) {
  const title = h('h1', { id: 'timeline-title', tabindex: '-1' }, 'Timeline');
  const filters = filterForm();
  const list = h('div', { class: 'timeline-days' });
  const more = h('p', { class: 'timeline-more', hidden: true });
  const dialog = /** @type {HTMLDialogElement} */ (h('dialog', { 'aria-labelledby': 'edit-title' }));
  replace(section, title, h('div', { class: 'timeline-layout' }, filters.element, h('div', null, list, more)), dialog);
  const days = dayRows(entryRows({ edit: (id, opener) => void openEditor(dialog, id, opener, ctx), remove: (id) => void deleteEntry(id, ctx) }));

  let limit = PAGE;
  /** @type {number | undefined} */
  let pendingRender;
  const rerender = () => {
    clearTimeout(pendingRender);
    pendingRender = window.setTimeout(() => void render(), 80);
  };
  filters.element.addEventListener('input', () => {
    limit = PAGE;
    rerender();
  });
  filters.element.addEventListener('reset', () => {
    limit = PAGE;
    setTimeout(() => void render());
  });

  async function render() {
    const [entries, goals, ops] = await Promise.all([allEntries(), allGoals(), allOps()]);
    filters.offer(goals, entries);
    const filter = filters.read();
    const matching = entries.filter((entry) => matches(entry, filter)).sort(newestFirst);
    filters.count(matching.length, entries.length);
    const goalsById = new Map(goals.map((goal) => [goal.id, goal]));
    const pendingIds = new Set(ops.map((op) => op.id));
    /** @param {any} entry @returns {Item} */
    const item = (entry) => ({
      entry,
      pending: pendingIds.has(entry.id),
      goals: (entry.goal_ids || []).map((/** @type {string} */ id) => goalsById.get(id)).filter(Boolean).map((/** @type {any} */ g) => ({ title: g.title, color: g.color })),
    });
    const empty = entries.length ? 'No entries match these filters.' : 'No entries yet. Tap “Log a synchronicity” on the Log screen when something happens.';
    renderList(list, byDay(matching.slice(0, limit).map(item)), days, h('p', { class: 'empty' }, empty));
    showMore(matching.length - limit);
  }

  /** @param {number} left */
  function showMore(left) {
    more.hidden = left <= 0;
    if (left <= 0) return more.replaceChildren();
    const button = more.querySelector('button') || more.appendChild(h('button', { type: 'button', onclick: showPage }));
    button.textContent = `Show more (${left} left)`;
  }

  function showPage() {
    limit += PAGE;
    void render();
  }

  on('data', () => {
    if (!section.hidden) rerender();
  });
  on('outbox', () => {
    if (!section.hidden) rerender();
  });

  return {
    /** @param {boolean} focus */
    async show(focus) {
      await render();
      if (focus) title.focus();
    },
  };
}

/** The search and filter form; `offer` keeps its goal and tag choices current. */
function filterForm() {
  const search = /** @type {HTMLInputElement} */ (h('input', { type: 'search', id: 'filter-q', autocomplete: 'off' }));
  const kind = /** @type {HTMLSelectElement} */ (
    h('select', { id: 'filter-kind' }, h('option', { value: '' }, 'All kinds'), KINDS.map(([value, label]) => h('option', { value }, label)))
  );
  const goal = /** @type {HTMLSelectElement} */ (h('select', { id: 'filter-goal' }, h('option', { value: '' }, 'All goals')));
  const tag = /** @type {HTMLInputElement} */ (h('input', { type: 'text', id: 'filter-tag', autocomplete: 'off', list: 'known-tags' }));
  const tagList = h('datalist', { id: 'known-tags' });
  const from = /** @type {HTMLInputElement} */ (h('input', { type: 'date', id: 'filter-from' }));
  const to = /** @type {HTMLInputElement} */ (h('input', { type: 'date', id: 'filter-to' }));
  const count = h('p', { class: 'hint', role: 'status', id: 'timeline-count' });
  const element = h(
    'form',
    { class: 'card timeline-filters', role: 'search', 'aria-label': 'Filter the timeline' },
    field('filter-q', 'Search', search),
    h(
      'details',
      { class: 'more-filters', open: window.matchMedia('(min-width: 960px)').matches },
      h('summary', null, 'More filters'),
      field('filter-kind', 'Kind', kind),
      field('filter-goal', 'Goal', goal),
      field('filter-tag', 'Tag', tag),
      tagList,
      h('div', { class: 'form-grid' }, field('filter-from', 'From', from), field('filter-to', 'To', to)),
    ),
    count,
    h('button', { type: 'reset', class: 'link' }, 'Clear filters'),
  );
  element.addEventListener('submit', (event) => event.preventDefault());
  return {
    element,
    /** @returns {Filter} */
    read: () => ({ q: search.value.trim().toLowerCase(), kind: kind.value, goal: goal.value, tag: tag.value.trim().toLowerCase(), from: from.value, to: to.value }),
    /** @param {any[]} goals @param {any[]} entries */
    offer(goals, entries) {
      offerGoals(goal, goals);
      const tags = new Set(entries.flatMap((entry) => entry.tags || []));
      replace(tagList, [...tags].sort().map((t) => h('option', { value: t })));
    },
    /** @param {number} matching @param {number} all */
    count(matching, all) {
      count.textContent = matching === all ? plural(all, 'entry', 'entries') : `${number(matching)} of ${plural(all, 'entry', 'entries')} match`;
    },
  };
}

/** @param {HTMLSelectElement} select @param {any[]} goals */
function offerGoals(select, goals) {
  const selected = select.value;
  const options = goals
    .slice()
    .sort((a, b) => a.title.localeCompare(b.title))
    .map((g) => h('option', { value: g.id }, g.status === 'archived' ? `${g.title} (archived)` : g.title));
  replace(select, h('option', { value: '' }, 'All goals'), options);
  select.value = goals.some((g) => g.id === selected) ? selected : '';
}

/** @param {any} entry @param {Filter} filter */
function matches(entry, filter) {
  if (filter.kind && entry.kind !== filter.kind) return false;
  if (filter.goal && !(entry.goal_ids || []).includes(filter.goal)) return false;
  if (filter.tag && !(entry.tags || []).some((/** @type {string} */ t) => t.toLowerCase() === filter.tag)) return false;
  if (filter.from && entry.local_date < filter.from) return false;
  if (filter.to && entry.local_date > filter.to) return false;
  if (!filter.q) return true;
  const text = [entry.note, entry.meaning, entry.place, ...(entry.tags || []), ...(entry.people || [])].join('\n').toLowerCase();
  return text.includes(filter.q);
}

/** @param {any} a @param {any} b */
function newestFirst(a, b) {
  if (a.local_date !== b.local_date) return a.local_date < b.local_date ? 1 : -1;
  return a.occurred_at < b.occurred_at ? 1 : -1;
}

/** @param {Item[]} items @returns {{date: string, items: Item[]}[]} */
function byDay(items) {
  /** @type {Map<string, Item[]>} */
  const days = new Map();
  for (const item of items) {
    const day = days.get(item.entry.local_date) || [];
    day.push(item);
    days.set(item.entry.local_date, day);
  }
  return [...days].map(([date, dayItems]) => ({ date, items: dayItems }));
}

/**
 * Day sections by date, each with its entries by id.
 * @param {import('../types.js').Keyed<Item>} entries
 * @returns {import('../types.js').Keyed<{date: string, items: Item[]}>}
 */
function dayRows(entries) {
  return {
    key: (day) => day.date,
    create: (day) =>
      h(
        'section',
        { class: 'day', 'aria-labelledby': `day-${day.date}` },
        h('h2', { id: `day-${day.date}` }, h('time', { datetime: day.date }, longDate(day.date))),
        h('ol', { class: 'day-entries' }),
      ),
    update: (section, day) => renderList(/** @type {Element} */ (section.querySelector('ol')), day.items, entries),
  };
}

/**
 * Timeline entries by id: an entry's text is redrawn when it changes, its buttons stay.
 * @param {{edit: (id: string, opener: HTMLElement) => void, remove: (id: string) => void}} actions
 * @returns {import('../types.js').Keyed<Item>}
 */
function entryRows(actions) {
  return {
    key: (item) => item.entry.id,
    version: (item) => JSON.stringify(item),
    create(item) {
      const headingId = `entry-${item.entry.id}`;
      const article = h('article', { class: 'entry', 'aria-labelledby': headingId }, entryActions(item.entry.id, headingId, actions));
      return h('li', { dataset: { testid: 'timeline-entry', id: item.entry.id } }, article);
    },
    update(element, item) {
      const article = /** @type {Element} */ (element.querySelector('article'));
      for (const child of [...article.children]) if (!child.matches('.entry-actions')) child.remove();
      article.prepend(...entryContent(item, `entry-${item.entry.id}`));
    },
  };
}

/** What an entry says: time, kind, intensity, whether it is sent, note, meaning and its links. @param {Item} item @param {string} headingId */
function entryContent({ entry, pending, goals }, headingId) {
  const intensity = entry.intensity ?? 3;
  const time = clockTime(entry.occurred_at, entry.timezone);
  const meta = [
    ...goals.map((goal) => {
      const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.backgroundColor = goal.color;
      return h('li', { class: 'tag' }, swatch, goal.title);
    }),
    ...(entry.tags || []).map((/** @type {string} */ t) => h('li', { class: 'tag' }, `#${t}`)),
    ...(entry.people || []).map((/** @type {string} */ p) => h('li', { class: 'tag' }, `with ${p}`)),
    entry.place ? h('li', { class: 'tag' }, `at ${entry.place}`) : null,
  ].filter((item) => item !== null);
  const head = h(
    'div',
    { class: 'entry-head' },
    h('h3', { id: headingId, class: 'visually-hidden' }, `${kindLabel(entry.kind)} at ${time}`),
    h('time', { datetime: entry.occurred_at }, time),
    h('span', { class: 'entry-kind' }, kindLabel(entry.kind)),
    h(
      'span',
      { class: 'entry-kind' },
      h('span', { 'aria-hidden': 'true' }, '●'.repeat(intensity) + '○'.repeat(5 - intensity)),
      h('span', { class: 'visually-hidden' }, `Intensity ${intensity} of 5`),
    ),
    pending ? h('span', { class: 'badge-pending' }, 'not sent yet') : null,
  );
  return [
    head,
    entry.note ? h('p', { class: 'entry-note' }, entry.note) : null,
    entry.meaning ? h('p', { class: 'entry-meaning' }, entry.meaning) : null,
    meta.length ? h('ul', { class: 'entry-meta', 'aria-label': 'Goals, tags, people and place' }, meta) : null,
  ].filter((part) => part !== null);
}

/**
 * Edit, and Delete behind a confirmation.
 * @param {string} id @param {string} headingId
 * @param {{edit: (id: string, opener: HTMLElement) => void, remove: (id: string) => void}} actions
 */
function entryActions(id, headingId, actions) {
  const editButton = h('button', { type: 'button', 'aria-describedby': headingId }, 'Edit');
  const deleteButton = h('button', { type: 'button', class: 'danger', 'aria-describedby': headingId }, 'Delete');
  const confirm = h('button', { type: 'button', class: 'danger', onclick: () => actions.remove(id) }, 'Confirm delete');
  const cancel = h('button', { type: 'button' }, 'Keep it');
  const element = h('div', { class: 'entry-actions' }, editButton, deleteButton);
  editButton.addEventListener('click', () => actions.edit(id, editButton));
  deleteButton.addEventListener('click', () => {
    replace(element, confirm, cancel);
    confirm.focus();
  });
  cancel.addEventListener('click', () => {
    replace(element, editButton, deleteButton);
    deleteButton.focus();
  });
  return element;
}

/** @param {string} id @param {AppContext} ctx */
async function deleteEntry(id, ctx) {
  const user = ctx.user();
  if (!user) return;
  await remove('entry', id, user);
  notify('Entry deleted.');
}

/**
 * The edit dialog for one entry, filled from IndexedDB; focus returns to `opener`.
 * @param {HTMLDialogElement} dialog @param {string} id @param {HTMLElement} opener @param {AppContext} ctx
 */
async function openEditor(dialog, id, opener, ctx) {
  ensureTimeZoneList();
  const entry = await readRecord('entry', id);
  if (!entry) return notify('It is no longer here; it may have been deleted elsewhere.', 'warning');
  const goals = (await allGoals()).filter((g) => g.status !== 'archived' || (entry.goal_ids || []).includes(g.id));
  const fields = entryFields(entry, goals, { full: true });
  const message = h('p', { class: 'form-message', role: 'alert' });
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', { id: 'edit-title' }, 'Edit entry'),
    fields.element,
    message,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save'), h('button', { type: 'button', value: 'cancel', onclick: () => dialog.close() }, 'Cancel')),
  );
  saveEditOnSubmit(form, entry.id, fields, ctx, () => dialog.close(), (text) => (message.textContent = text));
  replace(dialog, form);
  dialog.addEventListener('close', () => opener.isConnected && opener.focus(), { once: true });
  dialog.showModal();
}
