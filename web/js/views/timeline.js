// @ts-check
/**
 * Timeline: every entry in IndexedDB grouped by local day, newest first, with search,
 * filters, edit (a dialog) and delete. It never asks the network.
 */

import { synclogDB } from '../db.js';
import { h, replace } from '../dom.js';
import { notify, on } from '../events.js';
import { allOps } from '../outbox.js';
import { KINDS, edit, kindLabel, remove } from '../store.js';
import { clockTime, longDate } from '../time.js';
import { ensureTimeZoneList, entryFields } from './entryform.js';

const PAGE = 100;

/**
 * @param {HTMLElement} section
 * @param {import('../app.js').AppContext} ctx
 */
export function mount(section, ctx) {
  const title = h('h1', { id: 'timeline-title', tabindex: '-1' }, 'Timeline');
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
  const clear = h('button', { type: 'reset', class: 'link' }, 'Clear filters');
  /** @param {string} id @param {string} label @param {HTMLElement} control */
  const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
  const filters = h(
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
    clear,
  );
  const list = h('div', { class: 'timeline-days' });
  const dialog = /** @type {HTMLDialogElement} */ (h('dialog', { 'aria-labelledby': 'edit-title' }));
  replace(section, title, h('div', { class: 'timeline-layout' }, filters, h('div', null, list)), dialog);

  let limit = PAGE;
  /** The entry whose deletion waits for "Confirm delete"; background updates leave it be. */
  /** @type {string | null} */
  let confirming = null;
  /** @type {number | undefined} */
  let pendingRender;
  const rerender = () => {
    clearTimeout(pendingRender);
    pendingRender = window.setTimeout(() => void render(), 80);
  };
  filters.addEventListener('input', () => {
    limit = PAGE;
    rerender();
  });
  filters.addEventListener('reset', () => {
    limit = PAGE;
    setTimeout(() => void render());
  });
  filters.addEventListener('submit', (event) => event.preventDefault());

  async function render() {
    const db = await synclogDB();
    const [entries, goals, ops] = await Promise.all([db.getAll('entries'), db.getAll('goals'), allOps()]);
    const goalsById = new Map(goals.map((g) => [g.id, g]));
    const pendingIds = new Set(ops.map((op) => op.id));
    syncGoalOptions(goals);
    syncTags(entries);

    const q = search.value.trim().toLowerCase();
    const tagValue = tag.value.trim().toLowerCase();
    const matching = entries.filter((entry) => {
      if (kind.value && entry.kind !== kind.value) return false;
      if (goal.value && !(entry.goal_ids || []).includes(goal.value)) return false;
      if (tagValue && !(entry.tags || []).some((/** @type {string} */ t) => t.toLowerCase() === tagValue)) return false;
      if (from.value && entry.local_date < from.value) return false;
      if (to.value && entry.local_date > to.value) return false;
      if (q) {
        const text = [entry.note, entry.meaning, entry.place, ...(entry.tags || []), ...(entry.people || [])].join('\n').toLowerCase();
        if (!text.includes(q)) return false;
      }
      return true;
    });
    matching.sort((a, b) => (a.local_date === b.local_date ? (a.occurred_at < b.occurred_at ? 1 : -1) : a.local_date < b.local_date ? 1 : -1));
    count.textContent =
      matching.length === entries.length
        ? `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`
        : `${matching.length} of ${entries.length} entries match`;

    /** @type {Map<string, any[]>} */
    const days = new Map();
    for (const entry of matching.slice(0, limit)) {
      const day = days.get(entry.local_date) || [];
      day.push(entry);
      days.set(entry.local_date, day);
    }
    const sections = [...days].map(([date, dayEntries]) =>
      h(
        'section',
        { class: 'day', 'aria-labelledby': `day-${date}` },
        h('h2', { id: `day-${date}` }, h('time', { datetime: date }, longDate(date))),
        h('ol', { class: 'day-entries' }, dayEntries.map((entry) => entryItem(entry, goalsById, pendingIds.has(entry.id)))),
      ),
    );
    const more =
      matching.length > limit
        ? h(
            'p',
            { class: 'timeline-more' },
            h(
              'button',
              {
                type: 'button',
                onclick: () => {
                  limit += PAGE;
                  void render();
                },
              },
              `Show more (${matching.length - limit} left)`,
            ),
          )
        : null;
    if (!entries.length) {
      replace(list, h('p', { class: 'empty' }, 'No entries yet. Tap “Log a synchronicity” on the Log screen when something happens.'));
    } else if (!matching.length) {
      replace(list, h('p', { class: 'empty' }, 'No entries match these filters.'));
    } else {
      // Keep keyboard focus on the same button of the same entry across the update.
      const focused = document.activeElement;
      const item = focused && list.contains(focused) ? focused.closest('li[data-id]') : null;
      const again = item && `li[data-id="${/** @type {HTMLElement} */ (item).dataset.id}"] button:nth-of-type(${[...(focused?.parentElement?.children || [])].indexOf(/** @type {Element} */ (focused)) + 1})`;
      replace(list, sections, more);
      if (again) /** @type {HTMLElement | null} */ (list.querySelector(again))?.focus();
    }
  }

  /** @param {any[]} goals */
  function syncGoalOptions(goals) {
    const selected = goal.value;
    const options = goals
      .slice()
      .sort((a, b) => a.title.localeCompare(b.title))
      .map((g) => h('option', { value: g.id }, g.status === 'archived' ? `${g.title} (archived)` : g.title));
    replace(goal, h('option', { value: '' }, 'All goals'), options);
    goal.value = goals.some((g) => g.id === selected) ? selected : '';
  }

  /** @param {any[]} entries */
  function syncTags(entries) {
    const tags = new Set();
    for (const entry of entries) for (const t of entry.tags || []) tags.add(t);
    replace(tagList, [...tags].sort().map((t) => h('option', { value: t })));
  }

  /**
   * @param {any} entry @param {Map<string, any>} goalsById @param {boolean} pending
   */
  function entryItem(entry, goalsById, pending) {
    const headingId = `entry-${entry.id}`;
    const intensity = entry.intensity ?? 3;
    const meta = [
      ...(entry.goal_ids || []).map((/** @type {string} */ id) => {
        const g = goalsById.get(id);
        if (!g) return null;
        const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
        swatch.style.backgroundColor = g.color;
        return h('li', { class: 'tag' }, swatch, g.title);
      }),
      ...(entry.tags || []).map((/** @type {string} */ t) => h('li', { class: 'tag' }, `#${t}`)),
      ...(entry.people || []).map((/** @type {string} */ p) => h('li', { class: 'tag' }, `with ${p}`)),
      entry.place ? h('li', { class: 'tag' }, `at ${entry.place}`) : null,
    ].filter(Boolean);
    const editButton = h('button', { type: 'button', 'aria-describedby': headingId }, 'Edit');
    const deleteButton = h('button', { type: 'button', class: 'danger', 'aria-describedby': headingId }, 'Delete');
    const actions = h('div', { class: 'entry-actions' }, editButton, deleteButton);
    editButton.addEventListener('click', () => void openEditor(entry, editButton));
    const confirm = h('button', { type: 'button', class: 'danger' }, 'Confirm delete');
    const cancel = h('button', { type: 'button' }, 'Keep it');
    deleteButton.addEventListener('click', () => {
      confirming = entry.id;
      replace(actions, confirm, cancel);
      confirm.focus();
    });
    confirm.addEventListener('click', async () => {
      const user = ctx.user();
      if (!user) return;
      confirming = null;
      await remove('entry', entry.id, user);
      notify('Entry deleted.');
    });
    cancel.addEventListener('click', () => {
      confirming = null;
      replace(actions, editButton, deleteButton);
      deleteButton.focus();
    });
    if (confirming === entry.id) replace(actions, confirm, cancel);
    return h(
      'li',
      { dataset: { testid: 'timeline-entry', id: entry.id } },
      h(
        'article',
        { class: 'entry', 'aria-labelledby': headingId },
        h(
          'div',
          { class: 'entry-head' },
          h('h3', { id: headingId, class: 'visually-hidden' }, `${kindLabel(entry.kind)} at ${clockTime(entry.occurred_at, entry.timezone)}`),
          h('time', { datetime: entry.occurred_at }, clockTime(entry.occurred_at, entry.timezone)),
          h('span', { class: 'entry-kind' }, kindLabel(entry.kind)),
          h(
            'span',
            { class: 'entry-kind' },
            h('span', { 'aria-hidden': 'true' }, '●'.repeat(intensity) + '○'.repeat(5 - intensity)),
            h('span', { class: 'visually-hidden' }, `Intensity ${intensity} of 5`),
          ),
          pending ? h('span', { class: 'badge-pending' }, 'not sent yet') : null,
        ),
        entry.note ? h('p', { class: 'entry-note' }, entry.note) : null,
        entry.meaning ? h('p', { class: 'entry-meaning' }, entry.meaning) : null,
        meta.length ? h('ul', { class: 'entry-meta', 'aria-label': 'Goals, tags, people and place' }, meta) : null,
        actions,
      ),
    );
  }

  /** @param {any} entry @param {HTMLElement} opener */
  async function openEditor(entry, opener) {
    ensureTimeZoneList();
    const db = await synclogDB();
    const fresh = (await db.get('entries', entry.id)) || entry;
    const goals = (await db.getAll('goals')).filter((g) => g.status !== 'archived' || (fresh.goal_ids || []).includes(g.id));
    const fields = entryFields(fresh, goals, { full: true });
    const message = h('p', { class: 'form-message', role: 'alert' });
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'edit-title' }, 'Edit entry'),
      fields.element,
      message,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save'), h('button', { type: 'button', value: 'cancel', onclick: () => dialog.close() }, 'Cancel')),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const user = ctx.user();
      if (!user) return;
      try {
        await edit('entry', fresh.id, fields.read(), user);
        dialog.close();
      } catch (error) {
        message.textContent = error instanceof Error ? error.message : String(error);
      }
    });
    replace(dialog, form);
    dialog.addEventListener('close', () => opener.isConnected && opener.focus(), { once: true });
    dialog.showModal();
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
