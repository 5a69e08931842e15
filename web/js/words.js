// @ts-check
/**
 * Streaks, periods, counts and dates in words: English plurals chosen by Intl.PluralRules, numbers
 * and dates in the person's own notation (Intl). Shared by every screen that shows a streak or a day.
 */

const plurals = new Intl.PluralRules('en');
const numbers = new Intl.NumberFormat();
// Made once: one a call took 40 % of opening Currents (a heatmap cell's title each).
const dates = new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** "Wednesday 25 November 2026" for a local date. @param {string} iso */
export const longDate = (iso) => dates.format(new Date(`${iso}T12:00:00Z`));

/** "1 day", "2 days", "10,000 entries". @param {number} n @param {string} one @param {string} other */
export function count(n, one, other) {
  return `${numbers.format(n)} ${plurals.select(n) === 'one' ? one : other}`;
}

/** @param {number} n */
export const number = (n) => numbers.format(n);

/** @param {'daily' | 'weekly'} cadence */
const units = (cadence) => (cadence === 'weekly' ? ['week', 'weeks'] : ['day', 'days']);

/**
 * The current streak in a few words: its length and what keeps it going.
 * @param {{length: number, status: string}} streak @param {'daily' | 'weekly'} [cadence]
 * @returns {{headline: string, note: string}}
 */
export function streakWords(streak, cadence = 'daily') {
  const [one, other] = units(cadence);
  const now = cadence === 'weekly' ? 'this week' : 'today';
  if (streak.status === 'none' || !streak.length) return { headline: 'No streak yet', note: `Log ${now} to start one.` };
  const headline = `${count(streak.length, one, other)} in a row`;
  if (streak.status === 'at_risk') return { headline, note: `Log ${now} to keep it.` };
  return { headline, note: `${now === 'today' ? 'Today' : 'This week'} counts.` };
}

/**
 * A goal's current period: "1 of 2 this week", "paused today", "2 of 2 today, done".
 * @param {{cadence: 'daily' | 'weekly', period: {count: number, required: number}}} goal
 */
export function periodWords(goal) {
  const when = goal.cadence === 'weekly' ? 'this week' : 'today';
  const { count: logged, required } = goal.period;
  if (required === 0) return `paused ${when}`;
  return `${number(Math.min(logged, required))} of ${number(required)} ${when}${logged >= required ? ', done' : ''}`;
}
