// @ts-check
/**
 * Pauses on Currents: rest periods (illness, travel, a retreat) whose days a streak steps over
 * (SPEC §6). Added, ended today and deleted on this device like goals (store.js: stored with their
 * outbox op, sent when online), so a pause bridges a missed day at once, offline too.
 */

import { field, h, renderList, replace } from '../dom.js';
import { create, edit, remove } from '../store.js';
import { today } from '../time.js';
import { count } from '../words.js';

/** SPEC §3: a pause is at most 366 days long (its note at most 200 characters: the field's maxLength). */
const MAX_DAYS = 366;
const dates = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeZone: 'UTC' });

/** @typedef {import('../types.js').AppContext} AppContext */
/** @typedef {import('../types.js').User} User */

/** "9 March 2026" or "9 – 11 March 2026", as the person's locale writes dates. @param {string} start @param {string} end */
export function dateRange(start, end) {
  const at = (/** @type {string} */ iso) => new Date(`${iso}T12:00:00Z`);
  return start === end ? dates.format(at(start)) : dates.formatRange(at(start), at(end));
}

/** Days from `start` to `end`, both included. @param {string} start @param {string} end */
const daysBetween = (start, end) => Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000) + 1;

/**
 * The Pauses section: the list (each with End today and Delete), a message in view and announced,
 * and the form that adds one. `draw` brings it up to date with the stored pauses and goals.
 * @param {AppContext} ctx
 */
export function pausesSection(ctx) {
  const title = h('h2', { id: 'pauses-title', tabindex: '-1' }, 'Pauses');
  const message = h('p', { class: 'pause-message', role: 'status' });
  /** @param {string} words */
  const say = (words) => {
    message.textContent = words;
    message.scrollIntoView({ block: 'nearest' });
  };
  const list = h('ul', { class: 'goal-list pause-list', 'aria-labelledby': 'pauses-title' });
  const rows = pauseRows(ctx, (words) => {
    title.focus({ preventScroll: true }); // the pressed button may be gone
    say(words);
  });
  const form = pauseForm(ctx, say);
  const element = h(
    'section',
    { 'aria-labelledby': 'pauses-title' },
    title,
    h('p', { class: 'hint' }, 'A pause (illness, travel, a retreat) keeps your streaks across the days it covers, for the whole log or one goal.'),
    list,
    message,
    form.element,
  );
  return {
    element,
    /** @param {any[]} pauses @param {any[]} goals @param {User} user */
    draw(pauses, goals, user) {
      const titles = new Map(goals.map((goal) => [goal.id, goal.title]));
      const shown = pauses
        .map((pause) => ({ ...pause, goal_title: pause.goal_id ? titles.get(pause.goal_id) || 'a goal' : null, today: today(user) }))
        .sort((a, b) => (a.start_date < b.start_date ? -1 : a.start_date > b.start_date ? 1 : a.id < b.id ? -1 : 1));
      renderList(list, shown, rows, h('li', { class: 'empty' }, 'No pauses.'));
      form.refresh(goals.filter((goal) => goal.status !== 'archived'), today(user));
    },
  };
}

/**
 * Pauses by id: their dates in words, what they pause and their note; End today while one runs past
 * today, and Delete.
 * @param {AppContext} ctx @param {(words: string) => void} done
 * @returns {import('../types.js').Keyed<any>}
 */
function pauseRows(ctx, done) {
  return {
    key: (pause) => pause.id,
    version: (pause) => JSON.stringify(pause),
    create: () => h('li', { class: 'goal pause' }),
    update(element, pause) {
      const user = /** @type {User} */ (ctx.user());
      const heading = `pause-${pause.id}`;
      const running = pause.start_date <= pause.today && pause.today < pause.end_date;
      const end = async () => {
        await edit('pause', pause.id, { end_date: pause.today }, user);
        done(`The pause now ends today, ${dateRange(pause.today, pause.today)}.`);
      };
      const drop = async () => {
        await remove('pause', pause.id, user);
        done(`The pause of ${dateRange(pause.start_date, pause.end_date)} is deleted.`);
      };
      replace(
        element,
        h('h3', { id: heading }, dateRange(pause.start_date, pause.end_date)),
        h('p', { class: 'goal-meta' }, `${count(daysBetween(pause.start_date, pause.end_date), 'day', 'days')} · ${pause.goal_title ? `“${pause.goal_title}” only` : 'the whole log'}`),
        pause.note ? h('p', null, pause.note) : null,
        h(
          'div',
          { class: 'entry-actions' },
          running ? h('button', { type: 'button', 'aria-describedby': heading, onclick: end }, 'End today') : null,
          h('button', { type: 'button', class: 'danger', 'aria-describedby': heading, onclick: drop }, 'Delete'),
        ),
      );
    },
  };
}

/**
 * The form that adds a pause: first and last day (today by default), the whole log or one goal, a note.
 * @param {AppContext} ctx @param {(words: string) => void} say
 */
function pauseForm(ctx, say) {
  const start = /** @type {HTMLInputElement} */ (h('input', { type: 'date', required: true }));
  const end = /** @type {HTMLInputElement} */ (h('input', { type: 'date', required: true }));
  const scope = /** @type {HTMLSelectElement} */ (h('select'));
  const note = /** @type {HTMLInputElement} */ (h('input', { type: 'text', maxLength: 200, autocomplete: 'off' }));
  const message = h('p', { class: 'form-message', role: 'alert' });
  /** @type {Map<string, string>} */
  let titles = new Map();
  const element = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'card pause-form', 'aria-labelledby': 'pause-form-title', novalidate: true },
      h('h3', { id: 'pause-form-title' }, 'New pause'),
      h('div', { class: 'form-grid' }, field('pause-start', 'First day', start), field('pause-end', 'Last day', end)),
      field('pause-scope', 'What it pauses', scope),
      field('pause-note', 'Note', note, 'Optional, up to 200 characters: why you rest.'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add pause')),
      message,
    )
  );
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    const user = ctx.user();
    if (!user) return;
    const fields = { start_date: start.value || today(user), end_date: end.value || start.value || today(user), goal_id: scope.value || null, note: note.value.trim() };
    message.textContent = pauseProblem(fields) || '';
    if (message.textContent) {
      end.focus();
      return;
    }
    const what = fields.goal_id ? `only “${titles.get(fields.goal_id)}”` : 'the whole log';
    element.reset(); // at once, so a next pause typed while this one is stored is kept
    start.value = end.value = today(user);
    await create('pause', user, fields);
    say(`Pause added: ${dateRange(fields.start_date, fields.end_date)}, ${what}.`);
  });
  return {
    element,
    /** The goals a pause may be for (active ones) and today, the dates' default. @param {any[]} goals @param {string} day */
    refresh(goals, day) {
      titles = new Map(goals.map((goal) => [goal.id, goal.title]));
      start.value ||= day;
      end.value ||= day;
      const chosen = scope.value;
      replace(scope, h('option', { value: '' }, 'The whole log'), goals.map((goal) => h('option', { value: goal.id }, `Only “${goal.title}”`)));
      scope.value = goals.some((goal) => goal.id === chosen) ? chosen : '';
    },
  };
}

/**
 * What is wrong with a new pause (SPEC §3), in words, or null.
 * @param {{start_date: string, end_date: string}} fields
 */
function pauseProblem({ start_date: first, end_date: last }) {
  if (last < first) return 'The last day comes before the first.';
  if (daysBetween(first, last) > MAX_DAYS) return `A pause lasts at most ${MAX_DAYS} days.`;
  return null;
}
