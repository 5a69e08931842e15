// @ts-check
/**
 * Timeline: every entry in IndexedDB grouped by local day, newest first, with search,
 * filters, edit (a dialog) and delete. It never asks the network. Days and entries are
 * rendered by key, so an update leaves the others (and keyboard focus) where they are.
 */

import { allGoals, allOps, readMeta } from '../db.js';
import { entriesPage, knownTags, readEntry } from '../db-pages.js';
import { entryCount } from '../db-derived.js';
import { field, h, renderList, replace } from '../dom.js';
import { notify, on } from '../events.js';
import { searchable } from '../derived.js';
import { KINDS, kindLabel } from '../kinds.js';
import { holdSearchRows, searchPage } from '../searching.js';
import { remove } from '../store.js';
import { clockTime } from '../time.js';
import { count as plural, longDate, number } from '../words.js';

// A page fills a few phone screens; building more items at once is what a keystroke would wait for.
const PAGE = 50;
// Entries drawn before the first paint of a new page (a phone shows 4-5); the rest follow when the device is idle.
const FIRST = 12;

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
  const syncing = syncProgress();
  const list = h('div', { class: 'timeline-days', 'data-testid': 'timeline-days' });
  const more = h('p', { class: 'timeline-more', hidden: true });
  const dialog = /** @type {HTMLDialogElement} */ (h('dialog', { 'aria-labelledby': 'edit-title' }));
  replace(section, title, syncing.element, h('div', { class: 'timeline-layout' }, filters.element, h('div', null, list, more)), dialog);
  const days = dayRows(entryRows({ edit: (id, opener) => void openEditor(dialog, id, opener, ctx), remove: (id) => void deleteEntry(id, ctx) }));
  const page = timelinePages(filters.read);

  const rerender = coalesced(() => void render());
  filters.element.addEventListener('input', () => rerender(0));
  filters.element.addEventListener('reset', () => setTimeout(() => void render()));
  filters.element.addEventListener('focusin', holdSearchRows);

  const around = aroundReads();

  /** Reads the first page again (as many entries as are shown, at least a page) and draws it. */
  async function render() {
    const [shown, [goals, ops, total, caughtUp]] = await Promise.all([page.first(), around.read()]);
    if (!shown) return; // a newer read is under way
    syncing.complete(caughtUp === true);
    list.dataset.complete = String(caughtUp === true);
    draw(shown, goals, ops, total, page.fresh());
  }

  const drawList = stagedList(list, days);
  /**
   * Draws `shown`; with `fresh` (another filter, or the first page), the first screenfuls at once.
   * @param {any[]} shown @param {any[]} goals @param {any[]} ops @param {number} total @param {boolean} [fresh]
   */
  function draw(shown, goals, ops, total, fresh = false) {
    filters.count(shown.length, page.hasMore(), total);
    const empty = total ? 'No entries match these filters.' : 'No entries yet. Tap “Log a synchronicity” on the Log screen when something happens.';
    drawList(shown.map(itemOf(goals, ops)), empty, fresh);
    more.hidden = !page.hasMore();
    if (more.hidden) return more.replaceChildren();
    if (!more.firstChild) more.append(h('button', { type: 'button', onclick: () => void showPage() }, 'Show more'));
  }

  async function showPage() {
    const [shown, [goals, ops, total]] = await Promise.all([page.more(), around.read()]);
    if (shown) draw(shown, goals, ops, total);
  }

  async function offerChoices() {
    filters.offerGoals(await allGoals());
  }

  const tagsChanged = tagChoices(filters);

  on('data', () => {
    if (section.hidden) return;
    rerender();
    void offerChoices();
    tagsChanged();
  });
  on('outbox', () => {
    if (!section.hidden) rerender();
  });
  on('sync', (progress) => {
    syncing.update(progress);
    // A pull that found nothing new (every start's) changes nothing shown, unless the timeline says it is incomplete.
    if (!section.hidden && (progress.applied || list.dataset.complete !== 'true')) rerender();
  });

  return {
    /** @param {boolean} focus */
    async show(focus) {
      await render();
      if (focus) title.focus();
      // After the first page is painted: the goals to filter by, then the search rows while the device is idle.
      requestAnimationFrame(() => setTimeout(() => void offerChoices().then(() => (window.requestIdleCallback || setTimeout)(holdSearchRows))));
    },
  };
}

/**
 * How an entry is shown: whether it waits in the outbox, and its goals' titles and colours.
 * @param {any[]} goals @param {any[]} ops @returns {(entry: any) => Item}
 */
function itemOf(goals, ops) {
  const goalsById = new Map(goals.map((goal) => [goal.id, goal]));
  const pendingIds = new Set(ops.map((op) => op.id));
  return (entry) => ({
    entry,
    pending: pendingIds.has(entry.id),
    goals: (entry.goal_ids || []).map((/** @type {string} */ id) => goalsById.get(id)).filter(Boolean).map((/** @type {any} */ g) => ({ title: g.title, color: g.color })),
  });
}

/**
 * Draws items into `list` by day; a fresh page (another filter, or the first page) draws its first screenfuls
 * at once and the rest when the device is idle.
 * @param {HTMLElement} list @param {any} days @returns {(items: Item[], empty: string, fresh: boolean) => void}
 */
function stagedList(list, days) {
  /** @type {number | undefined} */
  let rest;
  return (items, empty, fresh) => {
    const whole = () => renderList(list, byDay(items), days, h('p', { class: 'empty' }, empty));
    if (rest !== undefined) (window.cancelIdleCallback || clearTimeout)(rest);
    rest = undefined;
    if (fresh && items.length > FIRST) {
      renderList(list, byDay(items.slice(0, FIRST)), days);
      rest = 'requestIdleCallback' in window ? requestIdleCallback(whole, { timeout: 200 }) : setTimeout(whole, 50);
    } else whole();
  };
}

/**
 * The tag field's choices, read when it is first focused (and again after a change): reading the `tags` index
 * takes a few hundred requests at 100 000 entries, which a first search would wait behind.
 * @param {ReturnType<typeof filterForm>} filters @returns {() => void} to call when the data changed
 */
function tagChoices(filters) {
  let read = false;
  async function offer() {
    if (read) return;
    read = true;
    filters.offerTags(await knownTags().catch(() => ((read = false), [])));
  }
  filters.tagField.addEventListener('focus', () => void offer());
  return () => {
    read = false;
    if (document.activeElement === filters.tagField) void offer();
  };
}

/**
 * `run` once after a burst of calls: `delay` ms after the last (a keystroke: 0, after the tasks already queued).
 * @param {() => void} run @returns {(delay?: number) => void}
 */
function coalesced(run) {
  /** @type {number | undefined} */
  let pending;
  return (delay = 40) => {
    clearTimeout(pending);
    pending = window.setTimeout(run, delay);
  };
}

/**
 * Goals, the outbox, how many entries and whether the pull has caught up: what a render shows beside
 * the page, read once and again after a change (any `data`, `outbox` or `sync`), not on every keystroke.
 */
function aroundReads() {
  /** @type {Promise<[any[], any[], number, unknown]> | null} */
  let around = null;
  for (const topic of /** @type {const} */ (['data', 'outbox', 'sync'])) on(topic, () => (around = null));
  return {
    read() {
      if (around) return around;
      const reading = Promise.all([allGoals(), allOps(), entryCount(), readMeta('caught_up')]);
      reading.catch(() => {
        if (around === reading) around = null; // the next render reads them again
      });
      return (around = reading);
    },
  };
}

/**
 * The timeline's pages for the current filter, newest first: through the `timeline` index
 * (db-pages.js `entriesPage`), or for a search or filter, the search rows held in memory
 * (searching.js `searchPage`). `first` reads the first page again, as long as what is shown (so an update
 * keeps the shown length); `more` adds the next. A read overtaken by a newer one resolves
 * with null and stops early.
 * @param {() => Filter} readFilter
 */
function timelinePages(readFilter) {
  /** @type {any[]} */
  let shown = [];
  /** @type {IDBValidKey | null} */
  let next = null;
  let turn = 0;
  /** @param {number} count @param {IDBValidKey | null} after */
  async function read(count, after) {
    const mine = ++turn;
    const filter = readFilter();
    const stale = () => mine !== turn;
    const { from, to } = filter;
    const searched = Boolean(filter.q || filter.kind || filter.goal || filter.tag);
    const found = searched ? await searchPage({ from, to, count, after, keep: (row) => matches(row, filter) }) : await entriesPage({ from, to, count, after, stale });
    if (stale()) return null;
    shown = after === null ? found.entries : shown.concat(found.entries);
    next = found.next;
    return shown;
  }
  let filterKey = '';
  let fresh = false;
  return {
    first() {
      const key = JSON.stringify(readFilter());
      fresh = key !== filterKey;
      const count = fresh ? PAGE : Math.max(PAGE, shown.length);
      filterKey = key;
      return read(count, null);
    },
    /** Whether the last `first` was for another filter than the one before (or the first of all). */
    fresh: () => fresh,
    more: () => (next === null ? Promise.resolve(shown) : read(PAGE, next)),
    hasMore: () => next !== null,
  };
}

/**
 * Until a pull has reached the end of the feed, the timeline says it is incomplete and how far
 * the first sync has come ("3 200 of about 10 000 fetched").
 */
function syncProgress() {
  const element = h('p', { class: 'notice sync-progress', role: 'status', 'data-testid': 'sync-progress', hidden: true });
  let text = 'Fetching your log from the server.';
  return {
    element,
    /** @param {boolean} complete */
    complete(complete) {
      element.hidden = complete;
      element.textContent = complete ? '' : `${text} The timeline is incomplete until this ends.`;
    },
    /** @param {{applied: number, about: number | null, done: boolean}} progress */
    update(progress) {
      const about = progress.about ? ` of about ${number(progress.about)}` : '';
      text = progress.done ? 'Fetching your log from the server.' : `${number(progress.applied)}${about} fetched.`;
      if (!element.hidden) element.textContent = `${text} The timeline is incomplete until this ends.`;
    },
  };
}

/** The search and filter form; `offerGoals` and `offerTags` keep its choices current. */
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
    read: () => ({ q: searchable(search.value.trim()), kind: kind.value, goal: goal.value, tag: tag.value.trim().toLowerCase(), from: from.value, to: to.value }),
    tagField: tag,
    /** @param {any[]} goals */
    offerGoals: (goals) => offerGoals(goal, goals),
    /** @param {string[]} tags */
    offerTags: (tags) => replace(tagList, tags.map((t) => h('option', { value: t }))),
    /** @param {number} shown @param {boolean} more @param {number} all */
    count(shown, more, all) {
      const filtered = search.value.trim() || kind.value || goal.value || tag.value.trim() || from.value || to.value;
      count.textContent = filtered ? `${number(shown)}${more ? '+' : ''} of ${plural(all, 'entry', 'entries')} match` : plural(all, 'entry', 'entries');
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

/**
 * Whether an entry's search row (derived.js) passes the filter, as the server's GET /entries
 * decides: `q`, folded (`searchable`), is a substring of its folded inner, note,
 * meaning, tags, people and place; `tag` one of its tags, whole and case-insensitive. Dates are
 * the key range (db-pages.js).
 * @param {import('../derived.js').SearchRow} row @param {Filter} filter
 */
function matches(row, filter) {
  if (filter.kind && row.kind !== filter.kind) return false;
  if (filter.goal && !row.goal_ids.includes(filter.goal)) return false;
  if (filter.tag && !row.tags.includes(filter.tag)) return false;
  return !filter.q || row.text.includes(filter.q);
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
 * Details (the entry with its echoes), Edit, and Delete behind a confirmation.
 * @param {string} id @param {string} headingId
 * @param {{edit: (id: string, opener: HTMLElement) => void, remove: (id: string) => void}} actions
 */
function entryActions(id, headingId, actions) {
  const open = h('button', { type: 'button', 'aria-describedby': headingId, onclick: () => (location.hash = `#/entry/${id}`) }, 'Details');
  const editButton = h('button', { type: 'button', 'aria-describedby': headingId }, 'Edit');
  const deleteButton = h('button', { type: 'button', class: 'danger', 'aria-describedby': headingId }, 'Delete');
  const element = h('div', { class: 'entry-actions' }, open, editButton, deleteButton);
  editButton.addEventListener('click', () => actions.edit(id, editButton));
  // The confirmation's buttons are made when asked for: a page of 50 entries built 100 more buttons than it showed.
  deleteButton.addEventListener('click', () => {
    const confirm = h('button', { type: 'button', class: 'danger', onclick: () => actions.remove(id) }, 'Confirm delete');
    const cancel = h('button', { type: 'button' }, 'Keep it');
    cancel.addEventListener('click', () => {
      replace(element, open, editButton, deleteButton);
      deleteButton.focus();
    });
    replace(element, confirm, cancel);
    confirm.focus();
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
  // The form (and what it imports) loads with the first edit, not with the timeline's first page.
  const [{ ensureTimeZoneList, entryFields, saveEditOnSubmit }, entry] = await Promise.all([import('./entryform.js'), readEntry(id)]);
  ensureTimeZoneList();
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
