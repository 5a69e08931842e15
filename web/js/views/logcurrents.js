// @ts-check
/**
 * The current streak and each active goal's period beside the quick-log button, worked out on this
 * device (summary.js) from IndexedDB: current the moment an entry is logged, undone or deleted,
 * online or offline. Loaded by quicklog.js once the button is ready.
 */

import { allEntries, allGoals } from '../db.js';
import { h, renderList, replace } from '../dom.js';
import { summarize } from '../summary.js';
import { today } from '../time.js';
import { periodWords, streakWords } from '../words.js';

/** The streak line and the goals' periods: `element` to show, `render` to bring them up to date. */
export function logCurrents() {
  const headline = h('span', { class: 'streak-headline' });
  const note = h('span', { class: 'streak-note' });
  const streak = h('p', { class: 'log-streak', 'data-testid': 'current-streak', dataset: { length: '0', status: 'none' } }, headline, ' ', note);
  const periods = h('ul', { class: 'goal-periods', 'aria-label': 'Goals this period' });
  let drawn = 0;
  return {
    element: h('div', null, streak, periods),
    /** @param {import('../types.js').User | undefined} user */
    async render(user) {
      if (!user) return;
      const turn = ++drawn;
      const [entries, goals] = await Promise.all([allEntries(), allGoals()]);
      if (turn !== drawn) return; // a later change is being drawn
      goals.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1));
      // Pauses are not kept on this device yet: none bridge a day here.
      const stored = /** @type {{entries: any[], goals: any[]}} */ ({ entries, goals });
      const summary = summarize({ ...stored, pauses: [], settings: user, asOf: today(user) });
      const current = summary.overall.current;
      const words = streakWords(current);
      streak.dataset.length = String(current.length);
      streak.dataset.status = current.status;
      streak.className = `log-streak streak-${current.status}`;
      headline.textContent = words.headline;
      note.textContent = words.note;
      renderList(periods, summary.goals, goalPeriods);
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

