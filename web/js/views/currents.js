// @ts-check
/**
 * Currents: streaks in words, momentum now and over the last year, the best streaks, the year's
 * heatmap, each goal's streak and period, and the pauses that bridge them, all worked out on this device
 * (summary.js) from IndexedDB, so they are there offline and current the instant an entry or pause changes.
 */

import { allGoals } from '../db.js';
import { allDays, allPauses } from '../db-derived.js';
import { h, renderList, replace, svg } from '../dom.js';
import { on } from '../events.js';
import { heatmap, momentumHistory, summarize } from '../summary.js';
import { pausesSection } from './pauses.js';
import { addDays, today } from '../time.js';
import { count, longDate, number, periodWords, streakWords } from '../words.js';

const CELL = 12;
const GAP = 2;
const TOP = 14;
const LEFT = 24;
const CHART = { width: 400, height: 160, left: 34, top: 8, bottom: 8 };

/** @typedef {import('../types.js').AppContext} AppContext */
/** @typedef {import('../types.js').User} User */

/**
 * @param {HTMLElement} section
 * @param {AppContext} ctx
 */
export function mount(section, ctx) {
  const title = h('h1', { id: 'currents-title', tabindex: '-1' }, 'Currents');
  const body = h('div');
  const figures = currentsFigures();
  const pauses = pausesSection(ctx);
  replace(section, title, h('p', { class: 'lede' }, 'How you move with the current: streaks, momentum and the year so far.'), body);
  let drawn = 0;

  async function draw() {
    const user = ctx.user();
    if (!user) return;
    const turn = ++drawn;
    const computed = await currentsOf(user);
    if (turn !== drawn) return; // a later change is being drawn
    if (body.firstElementChild !== figures.element[0]) replace(body, figures.element, pauses.element);
    figures.draw(computed, user);
    pauses.draw(computed.pauses, computed.goals, user);
  }

  on('data', () => {
    if (!section.hidden) void draw();
  });
  on('user', () => {
    if (!section.hidden) void draw();
  });

  return {
    /** @param {boolean} focus */
    async show(focus) {
      if (focus) title.focus();
      await draw();
    },
  };
}

/**
 * What Currents shows, from IndexedDB's entries per day (`days`, never the entries): the summary,
 * the year's heatmap and momentum by week, with the stored goals and pauses.
 * @param {User} user
 */
async function currentsOf(user) {
  const [days, goals, pauses] = await Promise.all([allDays(), allGoals(), allPauses()]);
  const asOf = today(user);
  const stored = /** @type {{days: any[], goals: any[], pauses: any[]}} */ ({ days, goals: goals.sort(byCreation), pauses });
  const settings = user;
  const from = addDays(asOf, -364);
  return {
    ...stored,
    summary: summarize({ ...stored, settings, asOf }),
    heatmap: heatmap(stored.days, from, asOf),
    history: momentumHistory({ days: stored.days, pauses: stored.pauses, settings, goal: null, from, to: asOf, bucket: 'week' }),
  };
}

/** Oldest goal first, as the server lists them. @param {any} a @param {any} b */
function byCreation(a, b) {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : 1;
}

/** The sections (overall, best streaks, momentum, the year, goals), made once and brought up to date by `draw`. */
function currentsFigures() {
  const stats = h('dl', { class: 'stats' });
  const rule = h('p', { class: 'hint' });
  const best = h('ol', { class: 'best-streaks' });
  const chart = h('div');
  const year = h('div');
  const goals = goalStreaks();
  const element = [
    h('section', { 'aria-labelledby': 'overall-title' }, h('h2', { id: 'overall-title' }, 'Overall'), stats, rule),
    h('section', { 'aria-labelledby': 'best-title' }, h('h2', { id: 'best-title' }, 'Best streaks'), best),
    h('section', { 'aria-labelledby': 'momentum-title' }, h('h2', { id: 'momentum-title' }, 'Momentum over the year'), chart),
    h('section', { 'aria-labelledby': 'heatmap-title' }, h('h2', { id: 'heatmap-title' }, 'The last year'), year),
    goals.element,
  ];
  return {
    element,
    /** @param {{summary: any, heatmap: any, history: any}} computed @param {User} user */
    draw({ summary, heatmap: heat, history }, user) {
      replace(stats, overallStats(summary.overall));
      rule.textContent = ruleWords(user);
      renderList(best, summary.overall.best, bestRow, h('li', { class: 'empty' }, 'Your first entry starts the first streak.'));
      replace(chart, momentumChart(history.points));
      replace(year, heatmapFigure(heat, user.week_start === 'sunday'));
      goals.draw(summary.goals);
      // On a phone the year does not fit: start at the recent end.
      const wrap = year.querySelector('.heatmap-wrap');
      if (wrap) wrap.scrollLeft = wrap.scrollWidth;
    },
  };
}

/** The overall streak rule in words. @param {User} user */
function ruleWords(user) {
  const grace = user.grace_days
    ? `up to ${count(user.grace_days, 'day', 'days')} without one may lie between them (grace)`
    : 'they follow each other without a gap';
  const start = user.day_start_hour ? ` Days begin at ${String(user.day_start_hour).padStart(2, '0')}:00.` : '';
  return `A day counts when it has an entry; counted days make a streak while ${grace}; paused days are skipped.${start}`;
}

/** @param {any} overall */
function overallStats(overall) {
  const momentum = Math.round(overall.momentum * 100);
  const words = streakWords(overall.current);
  return [
    stat('Current streak', count(overall.current.length, 'day', 'days'), `${words.note}${graceNote(overall.current)}`, overall.current.length, overall.current.status),
    stat('Longest streak', count(overall.longest.length, 'day', 'days'), rangeText(overall.longest), overall.longest.length),
    stat('Momentum', `${momentum}%`, h('meter', { class: 'momentum-bar', min: 0, max: 100, value: momentum, 'aria-label': 'Momentum' }), overall.momentum),
    stat('Entries', number(overall.entries), count(overall.active_days, 'active day', 'active days'), overall.entries),
    stat('Last 7 days', number(overall.last_7_days), undefined, overall.last_7_days),
    stat('Last 30 days', number(overall.last_30_days), undefined, overall.last_30_days),
  ];
}

/** @type {import('../types.js').Keyed<any>} */
const bestRow = {
  key: (streak) => `${streak.start}`,
  version: (streak) => JSON.stringify(streak),
  create: () => h('li'),
  update(element, streak) {
    const now = streak.status === 'ended' ? '' : ' · the current one';
    replace(element, h('strong', null, count(streak.length, 'day', 'days')), ` · ${rangeText(streak)}${now}${graceNote(streak)}`);
  },
};

/**
 * Momentum by week as a line over 0–100 %, with the same numbers in words and in a table.
 * @param {{start: string, end: string, momentum: number}[]} points
 */
function momentumChart(points) {
  const { width, height, left, top, bottom } = CHART;
  const step = (width - left) / Math.max(1, points.length - 1);
  const y = (/** @type {number} */ value) => top + (1 - value) * (height - top - bottom);
  const line = points.map((point, index) => `${(left + index * step).toFixed(1)},${y(point.momentum).toFixed(1)}`).join(' ');
  const grid = [0, 0.5, 1].flatMap((value) => [
    svg('line', { class: 'chart-grid', x1: left, x2: width, y1: y(value), y2: y(value) }),
    svg('text', { x: 0, y: y(value) + 4 }, document.createTextNode(`${value * 100}%`)),
  ]);
  const description = momentumWords(points);
  const figure = svg(
    'svg',
    { class: 'momentum-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'momentum-svg-title momentum-svg-desc' },
    svg('title', { id: 'momentum-svg-title' }, document.createTextNode('Momentum by week over the last year')),
    svg('desc', { id: 'momentum-svg-desc' }, document.createTextNode(description)),
    ...grid,
    svg('polyline', { class: 'chart-line', points: line }),
  );
  const rows = points.map((point) => h('tr', null, h('th', { scope: 'row' }, `${longDate(point.start)} – ${longDate(point.end)}`), h('td', null, `${Math.round(point.momentum * 100)}%`)));
  const table = h('table', null, h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Week'), h('th', { scope: 'col' }, 'Momentum'))), h('tbody', null, rows));
  return [figure, h('p', { class: 'hint' }, description), h('details', { class: 'chart-table' }, h('summary', null, 'Momentum by week, as a table'), h('div', { class: 'table-wrap' }, table))];
}

/** @param {{start: string, momentum: number}[]} points */
function momentumWords(points) {
  if (!points.length) return 'No momentum yet.';
  const first = points[0];
  const last = points[points.length - 1];
  const peak = points.reduce((high, point) => (point.momentum > high.momentum ? point : high), first);
  const percent = (/** @type {number} */ value) => `${Math.round(value * 100)}%`;
  return `Weekly averages from ${percent(first.momentum)} in the week of ${longDate(first.start)} to ${percent(last.momentum)} this week; highest ${percent(peak.momentum)} in the week of ${longDate(peak.start)}.`;
}

/** The Goals section: a table of streaks per goal, its rows by goal. */
function goalStreaks() {
  const rows = h('tbody');
  const table = h(
    'div',
    // Focusable, so the table can be scrolled sideways with the keyboard on a phone.
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Streaks per goal' },
    h(
      'table',
      null,
      h('caption', { class: 'visually-hidden' }, 'Streaks per goal'),
      h('thead', null, h('tr', null, ['Goal', 'Rule', 'This period', 'Current', 'Longest', 'Momentum', 'Entries'].map((label) => h('th', { scope: 'col' }, label)))),
      rows,
    ),
  );
  const none = h('p', { class: 'empty' }, 'Add goals to see a streak for each.');
  const element = h('section', { 'aria-labelledby': 'goal-streaks-title' }, h('h2', { id: 'goal-streaks-title' }, 'Goals'), none);
  return {
    element,
    /** @param {any[]} goals */
    draw(goals) {
      const shown = goals.length ? table : none;
      if (element.lastElementChild !== shown) element.lastElementChild?.replaceWith(shown);
      renderList(rows, goals, goalRow);
    },
  };
}

/** @type {import('../types.js').Keyed<any>} */
const goalRow = {
  key: (goal) => goal.goal_id,
  version: (goal) => JSON.stringify(goal),
  create: () => h('tr'),
  update(row, goal) {
    const [one, other] = goal.cadence === 'daily' ? ['day', 'days'] : ['week', 'weeks'];
    const words = streakWords(goal.current, goal.cadence);
    replace(
      row,
      h('th', { scope: 'row' }, goal.title),
      h('td', null, `${count(goal.target, 'entry', 'entries')} a ${one}`),
      h('td', null, periodWords(goal)),
      h('td', { dataset: { length: goal.current.length, status: goal.current.status } }, `${count(goal.current.length, one, other)} · ${words.note}`),
      h('td', null, count(goal.longest.length, one, other)),
      h('td', { dataset: { value: goal.momentum } }, `${Math.round(goal.momentum * 100)}%`),
      h('td', null, number(goal.entries)),
    );
  },
};

/**
 * The year as a heatmap: an SVG of one cell a day, a week a column, with its description in words.
 * @param {any} heat @param {boolean} weekStartsSunday
 */
function heatmapFigure(heat, weekStartsSunday) {
  const grid = heatmapGrid(heat, weekStartsSunday);
  const description = heatmapDescription(heat);
  const figure = svg(
    'svg',
    { class: 'heatmap', viewBox: `0 0 ${grid.width} ${grid.height}`, role: 'img', 'aria-labelledby': 'heatmap-svg-title heatmap-svg-desc' },
    svg('title', { id: 'heatmap-svg-title' }, document.createTextNode('Entries per day over the last year')),
    svg('desc', { id: 'heatmap-svg-desc' }, document.createTextNode(description)),
    ...grid.labels,
    ...grid.cells,
  );
  const legend = h(
    'p',
    { class: 'legend', 'aria-hidden': 'true' },
    'Fewer',
    [0, 1, 2, 3, 4].map((level) => h('span', { class: `swatch heat-${level}` })),
    'More',
  );
  return h('div', null, h('div', { class: 'heatmap-wrap', tabindex: '0', role: 'region', 'aria-label': 'Heatmap, scrolls sideways' }, figure), legend, h('p', { class: 'hint' }, description));
}

/**
 * The cells and the month and weekday labels, the first column aligned to the start of
 * the week containing `heat.from`.
 * @param {any} heat @param {boolean} weekStartsSunday
 */
function heatmapGrid(heat, weekStartsSunday) {
  const counts = new Map((heat.days || []).map((/** @type {{date: string, count: number}} */ d) => [d.date, d.count]));
  const fromDay = new Date(`${heat.from}T00:00:00Z`).getUTCDay();
  const start = addDays(heat.from, -(weekStartsSunday ? fromDay : (fromDay + 6) % 7));
  const cells = [];
  const labels = [];
  let lastMonth = -1;
  let column = 0;
  for (let date = start; date <= heat.to; date = addDays(date, 1)) {
    const index = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
    column = Math.floor(index / 7);
    const row = index % 7;
    if (date < heat.from) continue;
    cells.push(dayCell(date, counts.get(date) || 0, heat.max || 0, column, row));
    const month = Number(date.slice(5, 7));
    if (row === 0 && month !== lastMonth) {
      lastMonth = month;
      const name = new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { month: 'short', timeZone: 'UTC' });
      labels.push(svg('text', { x: LEFT + column * (CELL + GAP), y: 10 }, document.createTextNode(name)));
    }
  }
  labels.push(...weekdayLabels(weekStartsSunday));
  return { cells, labels, width: LEFT + (column + 1) * (CELL + GAP), height: TOP + 7 * (CELL + GAP) };
}

/** @param {boolean} weekStartsSunday */
function weekdayLabels(weekStartsSunday) {
  const names = weekStartsSunday ? ['Sun', '', 'Tue', '', 'Thu', '', 'Sat'] : ['Mon', '', 'Wed', '', 'Fri', '', 'Sun'];
  return names.flatMap((name, row) => (name ? [svg('text', { x: 0, y: TOP + row * (CELL + GAP) + 10 }, document.createTextNode(name))] : []));
}

/** @param {string} date @param {number} logged @param {number} max @param {number} column @param {number} row */
function dayCell(date, logged, max, column, row) {
  const level = logged === 0 || max === 0 ? 0 : Math.min(4, Math.ceil((logged / max) * 4));
  const rect = svg('rect', {
    class: `day-cell heat-${level}`,
    x: LEFT + column * (CELL + GAP),
    y: TOP + row * (CELL + GAP),
    width: CELL,
    height: CELL,
    rx: 2,
  });
  rect.append(svg('title', {}, document.createTextNode(`${longDate(date)}: ${count(logged, 'entry', 'entries')}`)));
  return rect;
}

/** @param {any} heat */
function heatmapDescription(heat) {
  const busiest = (heat.days || []).reduce((/** @type {any} */ best, /** @type {any} */ d) => (!best || d.count > best.count ? d : best), null);
  const spread = `${count(heat.total, 'entry', 'entries')} on ${count((heat.days || []).length, 'day', 'days')}`;
  return `${spread} from ${longDate(heat.from)} to ${longDate(heat.to)}${
    busiest ? `; the busiest day was ${longDate(busiest.date)} with ${count(busiest.count, 'entry', 'entries')}` : ''
  }.`;
}

/**
 * One figure: its label, its value in words and, in `data-value`, the number itself.
 * @param {string} label @param {string} value @param {string | Node | undefined} note
 * @param {number} exact @param {string} [status]
 */
function stat(label, value, note, exact, status) {
  const dataset = status ? { value: exact, status } : { value: exact };
  return h('div', { class: 'stat' }, h('dt', null, label), h('dd', { dataset }, value, note ? h('span', { class: 'stat-note' }, note) : null));
}

/** @param {any} streak */
function graceNote(streak) {
  const parts = [];
  if (streak.grace_used) parts.push(`${count(streak.grace_used, 'grace day', 'grace days')} used`);
  if (streak.paused_days) parts.push(`${count(streak.paused_days, 'day', 'days')} paused`);
  return parts.length ? ` · ${parts.join(', ')}` : '';
}

/** @param {any} streak */
function rangeText(streak) {
  if (!streak || !streak.length) return '';
  return streak.start === streak.end ? longDate(streak.start) : `${longDate(streak.start)} – ${longDate(streak.end)}`;
}
