// @ts-check
/**
 * Currents: streaks, momentum and a year heatmap from /summary (the server owns the
 * rules of SPEC §6). The last answer is kept in IndexedDB for offline viewing.
 */

import { NetworkError, heatmap, summary } from '../api.js';
import { cacheCurrents, readMeta } from '../db.js';
import { h, renderList, replace, svg } from '../dom.js';
import { on } from '../events.js';
import { addDays, longDate, today } from '../time.js';

const CELL = 12;
const GAP = 2;
const TOP = 14;
const LEFT = 24;

/** @typedef {import('../types.js').AppContext} AppContext */

/**
 * @param {HTMLElement} section
 * @param {AppContext} ctx
 */
export function mount(section, ctx) {
  const title = h('h1', { id: 'currents-title', tabindex: '-1' }, 'Currents');
  const status = h('p', { class: 'hint', role: 'status' });
  const body = h('div');
  const figures = currentsFigures();
  const refreshButton = h('button', { type: 'button' }, 'Refresh');
  refreshButton.addEventListener('click', () => void load(true));
  replace(section, title, h('p', { class: 'lede' }, 'How you move with the current: streaks, momentum and the year so far.'), body, h('div', { class: 'actions' }, refreshButton), status);

  /** @type {number | undefined} */
  let refreshTimer;

  /** @param {any} sum @param {any} heat */
  function draw(sum, heat) {
    if (body.firstElementChild !== figures.element[0]) replace(body, figures.element);
    figures.draw(sum, heat, ctx.user()?.week_start === 'sunday');
  }

  /** @param {boolean} announce */
  async function load(announce) {
    const user = ctx.user();
    if (!user) return;
    const cached = await readMeta('currents');
    if (cached) draw(cached.summary, cached.heatmap);
    else replace(body, h('p', { class: 'empty' }, 'Loading…'));
    try {
      const to = today(user);
      const [sum, heat] = await Promise.all([summary(), heatmap(addDays(to, -364), to)]);
      await cacheCurrents({ summary: sum, heatmap: heat, fetched_at: new Date().toISOString() });
      draw(sum, heat);
      status.textContent = announce ? 'Updated.' : '';
    } catch (error) {
      status.textContent = unavailable(error, cached);
      if (error instanceof NetworkError && !cached) replace(body);
    }
  }

  on('data', () => {
    if (section.hidden) return;
    // Many changes in a row (a pull) ask the server once.
    clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(() => void load(false), 1500);
  });

  return {
    /** @param {boolean} focus */
    async show(focus) {
      if (focus) title.focus();
      await load(false);
    },
  };
}

/** @param {unknown} error @param {any} cached */
function unavailable(error, cached) {
  if (!(error instanceof NetworkError)) return `Could not load currents: ${error instanceof Error ? error.message : error}`;
  return cached
    ? `Offline: showing the figures from ${new Date(cached.fetched_at).toLocaleString()}.`
    : 'Currents are computed by the server; they will appear when you are online.';
}

/** The three sections (overall, the last year, goals), made once and brought up to date by `draw`. */
function currentsFigures() {
  const stats = h('dl', { class: 'stats' });
  const year = h('section', { 'aria-labelledby': 'heatmap-title' }, h('h2', { id: 'heatmap-title' }, 'The last year'), h('div'));
  const goals = goalStreaks();
  const element = [h('section', { 'aria-labelledby': 'overall-title' }, h('h2', { id: 'overall-title' }, 'Overall'), stats), year, goals.element];
  return {
    element,
    /** @param {any} sum @param {any} heat @param {boolean} weekStartsSunday */
    draw(sum, heat, weekStartsSunday) {
      replace(stats, overallStats(sum.overall));
      year.lastElementChild?.replaceWith(heatmapFigure(heat, weekStartsSunday));
      goals.draw(sum.goals || []);
      // On a phone the year does not fit: start at the recent end.
      const wrap = year.querySelector('.heatmap-wrap');
      if (wrap) wrap.scrollLeft = wrap.scrollWidth;
    },
  };
}

/** @param {any} overall */
function overallStats(overall) {
  const momentum = Math.round((overall.momentum || 0) * 100);
  return [
    stat('Current streak', streakText(overall.current, 'day'), streakNote(overall.current)),
    stat('Longest streak', streakText(overall.longest, 'day'), rangeText(overall.longest)),
    stat('Momentum', `${momentum}%`, h('meter', { class: 'momentum-bar', min: 0, max: 100, value: momentum, 'aria-label': 'Momentum' })),
    stat('Entries', String(overall.entries), `${overall.active_days} active days`),
    stat('Last 7 days', String(overall.last_7_days)),
    stat('Last 30 days', String(overall.last_30_days)),
  ];
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
      h('thead', null, h('tr', null, ['Goal', 'Rule', 'Current', 'Longest', 'Momentum', 'Entries'].map((label) => h('th', { scope: 'col' }, label)))),
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
    const unit = goal.cadence === 'daily' ? 'day' : 'week';
    replace(
      row,
      h('th', { scope: 'row' }, goal.title),
      h('td', null, `${goal.target} per ${unit}`),
      h('td', null, `${streakText(goal.current, unit)} · ${statusLabel(goal.current.status, unit)}`),
      h('td', null, streakText(goal.longest, unit)),
      h('td', null, `${Math.round((goal.momentum || 0) * 100)}%`),
      h('td', null, String(goal.entries)),
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

/** @param {string} date @param {number} count @param {number} max @param {number} column @param {number} row */
function dayCell(date, count, max, column, row) {
  const level = count === 0 || max === 0 ? 0 : Math.min(4, Math.ceil((count / max) * 4));
  const rect = svg('rect', {
    class: `day-cell heat-${level}`,
    x: LEFT + column * (CELL + GAP),
    y: TOP + row * (CELL + GAP),
    width: CELL,
    height: CELL,
    rx: 2,
  });
  rect.append(svg('title', {}, document.createTextNode(`${longDate(date)}: ${count} ${count === 1 ? 'entry' : 'entries'}`)));
  return rect;
}

/** @param {any} heat */
function heatmapDescription(heat) {
  const busiest = (heat.days || []).reduce((/** @type {any} */ best, /** @type {any} */ d) => (!best || d.count > best.count ? d : best), null);
  return `${heat.total} entries on ${(heat.days || []).length} days from ${longDate(heat.from)} to ${longDate(heat.to)}${
    busiest ? `; the busiest day was ${longDate(busiest.date)} with ${busiest.count}` : ''
  }.`;
}

/** @param {string} label @param {string} value @param {string | Node} [note] */
function stat(label, value, note) {
  return h('div', { class: 'stat' }, h('dt', null, label), h('dd', null, value, note ? h('span', { class: 'stat-note' }, note) : null));
}

/** @param {any} streak @param {string} unit */
function streakText(streak, unit) {
  const length = streak ? streak.length : 0;
  return `${length} ${unit}${length === 1 ? '' : 's'}`;
}

/** @param {string} status @param {string} [unit] */
function statusLabel(status, unit = 'day') {
  const atRisk = unit === 'week' ? 'at risk: log this week to keep it' : 'at risk: log today to keep it';
  return { active: 'active', at_risk: atRisk, none: 'no current streak', ended: 'ended' }[status] || status;
}

/** @param {any} streak */
function streakNote(streak) {
  if (!streak || !streak.length) return statusLabel('none');
  return `${statusLabel(streak.status)}${streak.grace_used ? ` · ${streak.grace_used} grace day${streak.grace_used === 1 ? '' : 's'} used` : ''}`;
}

/** @param {any} streak */
function rangeText(streak) {
  if (!streak || !streak.length) return '';
  return streak.start === streak.end ? longDate(streak.start) : `${longDate(streak.start)} – ${longDate(streak.end)}`;
}
