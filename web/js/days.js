// @ts-check
/**
 * Entries per local date, the summary's input (summary.js): a day is `{local_date, count, goals}`,
 * `goals` the count per goal id. db.js's `write` keeps its `days` store with every entry written;
 * it loads this module when a write touches entries.
 */

/** @typedef {{local_date: string, count: number, goals: Record<string, number>}} Day */

/**
 * Adds `step` (1 or −1) of `entry` to its date in `days` (nothing without `entry`).
 * @param {Map<string, Day>} days @param {Record<string, any> | null | undefined} entry @param {number} step
 */
export function tally(days, entry, step) {
  if (!entry) return;
  const date = entry.local_date;
  const day = days.get(date) || { local_date: date, count: 0, goals: /** @type {Record<string, number>} */ ({}) };
  day.count += step;
  for (const id of entry.goal_ids || []) day.goals[id] = (day.goals[id] || 0) + step;
  days.set(date, day);
}

/** The days of `entries`, by date. @param {Iterable<any>} entries */
export function daysOf(entries) {
  /** @type {Map<string, Day>} */
  const days = new Map();
  for (const entry of entries) tally(days, entry, 1);
  return [...days.values()];
}

/**
 * A stored day plus the entries `moved` to or from it (a tally of changes); undefined when no entry is left.
 * @param {Day | undefined} day @param {Day} moved @returns {Day | undefined}
 */
function plus(day, moved) {
  const sum = { local_date: moved.local_date, count: (day ? day.count : 0) + moved.count, goals: { ...day?.goals } };
  for (const [id, step] of Object.entries(moved.goals)) {
    sum.goals[id] = (sum.goals[id] || 0) + step;
    if (!sum.goals[id]) delete sum.goals[id];
  }
  return sum.count > 0 ? sum : undefined;
}

/**
 * Moves the stored day of `moved` by its tally, in the transaction of `days` (db.js `write`); a day
 * left without entries is deleted. Nothing is read or written when the tally nets to nothing.
 * @param {import('./types.js').DaysStore} days @param {Day} moved
 */
export async function move(days, moved) {
  if (!moved.count && !Object.values(moved.goals).some(Boolean)) return;
  const sum = plus(await days.get(moved.local_date), moved);
  await (sum ? days.put(sum) : days.delete(moved.local_date));
}
