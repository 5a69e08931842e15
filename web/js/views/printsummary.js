// @ts-check
/**
 * The printable summary (`#/insights/print`): the person chooses a range and the sections
 * (streaks, momentum chart, top people and motifs, the entries with their meaning), and the
 * page is laid out for paper by the print rules of insights.css; the browser's print
 * dialog saves it as PDF. Streaks, momentum (paused days bridged) and entries come from this
 * device (summary.js); people and motifs from `GET /insights`, so that section needs a connection.
 */

import { allGoals } from '../db.js';
import { allDays, allPauses } from '../db-derived.js';
import { entriesPage } from '../db-pages.js';
import { field, h, replace } from '../dom.js';
import { kindLabel } from '../kinds.js';
import { insightsOf } from '../noticing.js';
import { momentumHistory, summarize } from '../summary.js';
import { addDays, clockTime, today } from '../time.js';
import { count, longDate, streakWords } from '../words.js';
import { baseRateWords, explain, lineChart, motifLabel } from './insights.js';

/** @typedef {import('../types.js').User} User */

const SECTIONS = /** @type {const} */ ([
  ['streaks', 'Streaks'],
  ['momentum', 'Momentum chart'],
  ['top', 'Top people and motifs'],
  ['entries', 'Entries with their meaning'],
]);

/** The choices and, once made, the sheet. @param {import('../types.js').AppContext} ctx */
export function printSummary(ctx) {
  const user = ctx.user();
  const to = /** @type {HTMLInputElement} */ (h('input', { type: 'date', required: true, value: user ? today(user) : '' }));
  const from = /** @type {HTMLInputElement} */ (h('input', { type: 'date', required: true, value: to.value ? addDays(to.value, -29) : '' }));
  const boxes = SECTIONS.map(([value, label]) => h('label', { class: 'chip' }, h('input', { type: 'checkbox', name: 'print-section', value, checked: true }), h('span', null, label)));
  const sheet = h('article', { class: 'print-sheet', 'aria-label': 'Summary to print' });
  const print = h('button', { type: 'button', hidden: true, onclick: () => window.print() }, 'Print or save as PDF');
  const form = h(
    'form',
    { class: 'card print-controls', 'aria-label': 'What goes in the summary' },
    h('p', null, h('a', { href: '#/insights' }, 'Back to Insights')),
    h('div', { class: 'form-grid' }, field('print-from', 'From', from), field('print-to', 'To', to)),
    h('fieldset', { class: 'chips' }, h('legend', null, 'Sections'), boxes),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Make the summary'), print),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const current = ctx.user();
    if (!current || from.value > to.value) return;
    const chosen = new Set(/** @type {HTMLInputElement[]} */ ([...form.querySelectorAll('input[name="print-section"]:checked')]).map((box) => box.value));
    replace(sheet, await sheetParts(current, from.value, to.value, chosen));
    print.hidden = false;
    print.focus();
  });
  return [form, sheet];
}

/**
 * The sheet's heading and the chosen sections, in the order offered.
 * @param {User} user @param {string} from @param {string} to @param {Set<string>} chosen
 */
async function sheetParts(user, from, to, chosen) {
  const [days, goals, storedPauses] = await Promise.all([allDays(), allGoals(), allPauses()]);
  const pauses = /** @type {any[]} */ (storedPauses); // as Currents reads them
  const upTo = days.filter((day) => day.local_date <= to);
  const inRange = upTo.filter((day) => day.local_date >= from);
  const name = user.display_name ? ` of ${user.display_name}` : '';
  /** @type {HTMLElement[]} */
  const parts = [
    h('h2', { class: 'sheet-title' }, `Synchronicities${name}, ${longDate(from)} to ${longDate(to)}`),
    h('p', { class: 'hint' }, `${count(inRange.reduce((sum, day) => sum + day.count, 0), 'entry', 'entries')} · made with Synclog on ${longDate(today(user))}`),
  ];
  if (chosen.has('streaks')) parts.push(streaksPart(summarize({ days: inRange, goals: /** @type {any[]} */ (goals), pauses, settings: /** @type {any} */ (user), asOf: to })));
  if (chosen.has('momentum')) parts.push(momentumPart(user, upTo, pauses, from, to));
  if (chosen.has('top')) parts.push(await topPart(from, to));
  if (chosen.has('entries')) parts.push(entriesPart((await entriesPage({ from, to, count: Infinity, keep: () => true })).entries));
  return parts;
}

/** @param {string} key @param {string} heading @param {...any} children */
function sheetSection(key, heading, ...children) {
  return h('section', { class: 'sheet-section', 'data-section': key, 'aria-labelledby': `sheet-${key}` }, h('h3', { id: `sheet-${key}` }, heading), ...children);
}

/** @param {any} summary */
function streaksPart(summary) {
  const overall = summary.overall;
  const best = overall.best.map((/** @type {any} */ streak) => h('li', null, `${count(streak.length, 'day', 'days')}: ${longDate(streak.start)} – ${longDate(streak.end)}`));
  const goals = summary.goals.map((/** @type {any} */ goal) => h('li', null, `${goal.title}: ${streakWords(goal.current, goal.cadence).headline.toLowerCase()}; longest ${count(goal.longest.length, goal.cadence === 'weekly' ? 'week' : 'day', goal.cadence === 'weekly' ? 'weeks' : 'days')}`));
  return sheetSection(
    'streaks',
    'Streaks',
    h('p', null, `At the end of the range: ${streakWords(overall.current).headline.toLowerCase()}. Longest in the range: ${count(overall.longest.length, 'day', 'days')}; ${count(overall.active_days, 'day', 'days')} with an entry.`),
    best.length ? h('ol', null, best) : null,
    goals.length ? h('ul', null, goals) : null,
  );
}

/**
 * Momentum by week over the range (history before it counts, as on Currents).
 * @param {User} user @param {import('../derived.js').Day[]} days @param {any[]} pauses @param {string} from @param {string} to
 */
function momentumPart(user, days, pauses, from, to) {
  const history = momentumHistory({ days, pauses, settings: /** @type {any} */ (user), goal: null, from, to, bucket: 'week' });
  const points = history.points.map((point) => ({ label: `week of ${longDate(point.start)}`, value: point.momentum }));
  return sheetSection('momentum', 'Momentum', lineChart('Momentum by week', points));
}

/** @param {string} from @param {string} to */
async function topPart(from, to) {
  try {
    const found = await insightsOf(from, to);
    const people = found.people.slice(0, 10).map((/** @type {any} */ p) => h('li', null, `${p.name}: ${count(p.count, 'entry', 'entries')}`));
    const motifs = found.motifs.slice(0, 10).map((/** @type {any} */ m) => h('li', null, `${motifLabel(m)}: ${count(m.count, 'entry', 'entries')} (${baseRateWords(m)})`));
    return sheetSection(
      'top',
      'People and numbers that came back',
      found.enough_data ? null : h('p', { class: 'hint' }, 'Fewer than 10 entries in this range: too few to call these patterns.'),
      h('h4', null, 'People'),
      people.length ? h('ul', null, people) : h('p', null, 'No people named.'),
      h('h4', null, 'Numbers'),
      motifs.length ? h('ul', null, motifs) : h('p', null, 'No repeating numbers.'),
    );
  } catch (error) {
    return sheetSection('top', 'People and numbers that came back', h('p', null, explain(error)));
  }
}

/** Every entry of the range, oldest first, with its inner and outer halves and its meaning. @param {any[]} entries */
function entriesPart(entries) {
  const sorted = [...entries].sort((a, b) => (a.occurred_at < b.occurred_at ? -1 : 1));
  const items = sorted.map((entry) =>
    h(
      'li',
      { class: 'sheet-entry' },
      h('p', { class: 'sheet-entry-head' }, `${longDate(entry.local_date)}, ${clockTime(entry.occurred_at, entry.timezone)} · ${kindLabel(entry.kind)}`),
      entry.inner ? h('p', null, h('em', null, 'Before: '), entry.inner) : null,
      entry.note ? h('p', null, entry.note) : null,
      entry.meaning ? h('p', { class: 'sheet-meaning' }, h('em', null, 'Meaning: '), entry.meaning) : null,
    ),
  );
  return sheetSection('entries', 'Entries', items.length ? h('ol', { class: 'sheet-entries' }, items) : h('p', null, 'No entries in this range.'));
}
