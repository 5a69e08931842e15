// @ts-check
/**
 * Currents: streaks, momentum and a year heatmap from /summary (the server owns the
 * rules of SPEC §6). The last answer is kept in IndexedDB for offline viewing.
 */

import { NetworkError, heatmap, summary } from '../api.js';
import { synclogDB } from '../db.js';
import { h, replace, svg } from '../dom.js';
import { on } from '../events.js';
import { addDays, longDate, today } from '../time.js';

const CELL = 12;
const GAP = 2;

/**
 * @param {HTMLElement} section
 * @param {import('../app.js').AppContext} ctx
 */
export function mount(section, ctx) {
  const title = h('h1', { id: 'currents-title', tabindex: '-1' }, 'Currents');
  const status = h('p', { class: 'hint', role: 'status' });
  const body = h('div');
  const refreshButton = h('button', { type: 'button' }, 'Refresh');
  refreshButton.addEventListener('click', () => void load(true));
  replace(section, title, h('p', { class: 'lede' }, 'How you move with the current: streaks, momentum and the year so far.'), body, h('div', { class: 'actions' }, refreshButton), status);

  /** @type {number | undefined} */
  let refreshTimer;

  async function showCached() {
    const db = await synclogDB();
    const cached = await db.get('meta', 'currents');
    if (cached) draw(cached.summary, cached.heatmap);
    return cached;
  }

  /** @param {boolean} announce */
  async function load(announce) {
    const user = ctx.user();
    if (!user) return;
    const cached = await showCached();
    if (!cached) replace(body, h('p', { class: 'empty' }, 'Loading…'));
    try {
      const to = today(user);
      const [sum, heat] = await Promise.all([summary(), heatmap(addDays(to, -364), to)]);
      const db = await synclogDB();
      await db.put('meta', { summary: sum, heatmap: heat, fetched_at: new Date().toISOString() }, 'currents');
      draw(sum, heat);
      status.textContent = announce ? 'Updated.' : '';
    } catch (error) {
      if (error instanceof NetworkError) {
        status.textContent = cached
          ? `Offline: showing the figures from ${new Date(cached.fetched_at).toLocaleString()}.`
          : 'Currents are computed by the server; they will appear when you are online.';
        if (!cached) replace(body);
      } else {
        status.textContent = `Could not load currents: ${error instanceof Error ? error.message : error}`;
      }
    }
  }

  /** @param {any} sum @param {any} heat */
  function draw(sum, heat) {
    const overall = sum.overall;
    const momentum = Math.round((overall.momentum || 0) * 100);
    const stats = h(
      'dl',
      { class: 'stats' },
      stat('Current streak', streakText(overall.current, 'day'), streakNote(overall.current)),
      stat('Longest streak', streakText(overall.longest, 'day'), rangeText(overall.longest)),
      stat('Momentum', `${momentum}%`, h('meter', { class: 'momentum-bar', min: 0, max: 100, value: momentum, 'aria-label': 'Momentum' })),
      stat('Entries', String(overall.entries), `${overall.active_days} active days`),
      stat('Last 7 days', String(overall.last_7_days)),
      stat('Last 30 days', String(overall.last_30_days)),
    );
    const goals = sum.goals || [];
    const goalTable = goals.length
      ? h(
          'div',
          // Focusable, so the table can be scrolled sideways with the keyboard on a phone.
          { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Streaks per goal' },
          h(
            'table',
            null,
            h('caption', { class: 'visually-hidden' }, 'Streaks per goal'),
            h(
              'thead',
              null,
              h('tr', null, ['Goal', 'Rule', 'Current', 'Longest', 'Momentum', 'Entries'].map((label) => h('th', { scope: 'col' }, label))),
            ),
            h(
              'tbody',
              null,
              goals.map((/** @type {any} */ goal) => {
                const unit = goal.cadence === 'daily' ? 'day' : 'week';
                return h(
                  'tr',
                  null,
                  h('th', { scope: 'row' }, goal.title),
                  h('td', null, `${goal.target} per ${unit}`),
                  h('td', null, `${streakText(goal.current, unit)} · ${statusLabel(goal.current.status, unit)}`),
                  h('td', null, streakText(goal.longest, unit)),
                  h('td', null, `${Math.round((goal.momentum || 0) * 100)}%`),
                  h('td', null, String(goal.entries)),
                );
              }),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'Add goals to see a streak for each.');
    replace(
      body,
      h('section', { 'aria-labelledby': 'overall-title' }, h('h2', { id: 'overall-title' }, 'Overall'), stats),
      h('section', { 'aria-labelledby': 'heatmap-title' }, h('h2', { id: 'heatmap-title' }, 'The last year'), heatmapFigure(heat)),
      h('section', { 'aria-labelledby': 'goal-streaks-title' }, h('h2', { id: 'goal-streaks-title' }, 'Goals'), goalTable),
    );
    // On a phone the year does not fit: start at the recent end.
    const wrap = body.querySelector('.heatmap-wrap');
    if (wrap) wrap.scrollLeft = wrap.scrollWidth;
  }

  /** @param {any} heat */
  function heatmapFigure(heat) {
    const user = ctx.user();
    const counts = new Map((heat.days || []).map((/** @type {{date: string, count: number}} */ d) => [d.date, d.count]));
    const max = heat.max || 0;
    const weekStartsSunday = user?.week_start === 'sunday';
    // Align the first column to the start of the week containing `from`.
    const fromDay = new Date(`${heat.from}T00:00:00Z`).getUTCDay();
    const offset = weekStartsSunday ? fromDay : (fromDay + 6) % 7;
    const start = addDays(heat.from, -offset);
    const top = 14;
    const left = 24;
    const cells = [];
    const labels = [];
    let lastMonth = -1;
    let column = 0;
    for (let date = start; date <= heat.to; date = addDays(date, 1)) {
      const index = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
      column = Math.floor(index / 7);
      const row = index % 7;
      if (date < heat.from) continue;
      const count = counts.get(date) || 0;
      const level = count === 0 || max === 0 ? 0 : Math.min(4, Math.ceil((count / max) * 4));
      const rect = svg('rect', {
        class: `day-cell heat-${level}`,
        x: left + column * (CELL + GAP),
        y: top + row * (CELL + GAP),
        width: CELL,
        height: CELL,
        rx: 2,
      });
      rect.append(svg('title', {}, document.createTextNode(`${longDate(date)}: ${count} ${count === 1 ? 'entry' : 'entries'}`)));
      cells.push(rect);
      const month = Number(date.slice(5, 7));
      if (row === 0 && month !== lastMonth) {
        lastMonth = month;
        const name = new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { month: 'short', timeZone: 'UTC' });
        labels.push(svg('text', { x: left + column * (CELL + GAP), y: 10 }, document.createTextNode(name)));
      }
    }
    const dayNames = weekStartsSunday ? ['Sun', '', 'Tue', '', 'Thu', '', 'Sat'] : ['Mon', '', 'Wed', '', 'Fri', '', 'Sun'];
    dayNames.forEach((name, row) => {
      if (name) labels.push(svg('text', { x: 0, y: top + row * (CELL + GAP) + 10 }, document.createTextNode(name)));
    });
    const width = left + (column + 1) * (CELL + GAP);
    const height = top + 7 * (CELL + GAP);
    const busiest = (heat.days || []).reduce((/** @type {any} */ best, /** @type {any} */ d) => (!best || d.count > best.count ? d : best), null);
    const description = `${heat.total} entries on ${(heat.days || []).length} days from ${longDate(heat.from)} to ${longDate(heat.to)}${
      busiest ? `; the busiest day was ${longDate(busiest.date)} with ${busiest.count}` : ''
    }.`;
    const figure = svg(
      'svg',
      { class: 'heatmap', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'heatmap-svg-title heatmap-svg-desc' },
      svg('title', { id: 'heatmap-svg-title' }, document.createTextNode('Entries per day over the last year')),
      svg('desc', { id: 'heatmap-svg-desc' }, document.createTextNode(description)),
      ...labels,
      ...cells,
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
