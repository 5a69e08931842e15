// @ts-check
/**
 * The current streak and each active goal's period beside the quick-log button, worked out on this
 * device (summary.js) from IndexedDB's entries per day (`days`) with the stored pauses: current the moment an entry is logged,
 * undone or deleted or a pause changes, online or offline. Loaded by quicklog.js once the button is ready.
 */

import { allGoals, entriesOn } from '../db.js';
import { allDays, allPauses } from '../db-derived.js';
import { h, renderList, replace } from '../dom.js';
import { summarize } from '../summary.js';
import { clockTime, today } from '../time.js';
import { longDate, periodWords, streakWords } from '../words.js';

/**
 * The streak line and the goals' periods (`element`) and "On this day" (`onThisDay`), brought up
 * to date by `render`.
 */
export function logCurrents() {
  const headline = h('span', { class: 'streak-headline' });
  const note = h('span', { class: 'streak-note' });
  const streak = h('p', { class: 'log-streak', 'data-testid': 'current-streak', dataset: { length: '0', status: 'none' } }, headline, ' ', note);
  const periods = h('ul', { class: 'goal-periods', 'aria-label': 'Goals this period' });
  const earlier = onThisDay();
  let drawn = 0;
  return {
    element: h('div', null, streak, periods),
    onThisDay: earlier.element,
    /** @param {import('../types.js').User | undefined} user */
    async render(user) {
      // Left before they were drawn (app.js marks the screen being opened on <body>): the Log screen's next show draws them.
      const hidden = () => document.body.dataset.route !== 'log' || Boolean(streak.closest('[hidden]'));
      if (!user || hidden()) return;
      const turn = ++drawn;
      const day = today(user);
      const [days, goals, pauses] = await Promise.all([allDays(), allGoals(), allPauses()]);
      // Earlier years' entries of today's date: one read per such day.
      const earlierDays = days.filter((logged) => logged.local_date.slice(5) === day.slice(5) && logged.local_date < day);
      const earlierEntries = (await Promise.all(earlierDays.map((logged) => entriesOn(logged.local_date)))).flat();
      if (turn !== drawn || hidden()) return; // a later change is being drawn, or the screen was left
      goals.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1));
      const stored = /** @type {{days: any[], goals: any[], pauses: any[]}} */ ({ days, goals, pauses });
      const summary = summarize({ ...stored, settings: user, asOf: day });
      const current = summary.overall.current;
      const words = streakWords(current);
      streak.dataset.length = String(current.length);
      streak.dataset.status = current.status;
      streak.className = `log-streak streak-${current.status}`;
      headline.textContent = words.headline;
      note.textContent = words.note;
      renderList(periods, summary.goals, goalPeriods);
      earlier.render(earlierEntries, day);
    },
  };
}

/** @type {import('../types.js').Keyed<any>} */
const goalPeriods = {
  key: (goal) => goal.goal_id,
  version: (goal) => JSON.stringify([goal.title, goal.period, goal.cadence]),
  create: () => h('li'),
  update(element, goal) {
    element.className = goal.period.count >= goal.period.required ? 'goal-period is-done' : 'goal-period';
    replace(element, h('span', { class: 'goal-title' }, goal.title), ': ', periodWords(goal));
  },
};


/** "On this day": entries of today's date in earlier years, latest year first; hidden when none. */
function onThisDay() {
  const list = h('ul', { class: 'on-this-day' });
  const element = h('section', { class: 'today', 'aria-labelledby': 'on-this-day-title' }, h('h2', { id: 'on-this-day-title' }, 'On this day'), list);
  element.hidden = true;
  return {
    element,
    /** @param {any[]} entries @param {string} day */
    render(entries, day) {
      const earlier = entries
        .filter((entry) => entry.local_date.slice(5) === day.slice(5) && entry.local_date < day)
        .sort((a, b) => (a.occurred_at < b.occurred_at ? 1 : -1));
      element.hidden = earlier.length === 0;
      list.replaceChildren(
        ...earlier.slice(0, 10).map((entry) =>
          h('li', null, h('time', { datetime: entry.local_date }, longDate(entry.local_date)), ` · ${clockTime(entry.occurred_at, entry.timezone)} · `, entry.note || entry.inner || 'a moment without words'),
        ),
      );
    },
  };
}
