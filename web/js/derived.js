// @ts-check
/**
 * What db.js keeps beside the entries, in the same transaction as every entry written (db.js `write`
 * loads this module for writes that touch entries and hands it that transaction):
 * - `days`: entries per local date, the summary's input (summary.js): `{local_date, count, goals}`,
 *   `goals` the count per goal id;
 * - `search`: each entry's search row (`searchRow`) under its timeline key (`[local_date, occurred_at,
 *   id]`), so a search or filter reads small rows newest first and only the matching entries whole.
 */

/** @typedef {{local_date: string, count: number, goals: Record<string, number>}} Day */
/** @typedef {{id: string, kind: string, goal_ids: string[], tags: string[], text: string}} SearchRow */
/** @typedef {Record<string, any> | null | undefined} Entry */

/**
 * `text` as the server's `q` compares it (app/entries/columns.py `searchable`), case- and
 * accent-insensitively: lower-cased, decomposed (NFKD), without nonspacing marks, so "Zoë", "ZOE"
 * and "zoe" all read "zoe". tests/golden/search_fold_cases.json, made by the server's function,
 * checks this one (tests/web/search_fold.test.mjs).
 * @param {string} text @returns {string}
 */
export const searchable = (text) => text.toLowerCase().normalize('NFKD').replace(/\p{Mn}/gu, '');

/**
 * What the timeline's search and filters look at: kind, goals, lower-cased tags, and the folded
 * (`searchable`) text of inner, note, meaning, tags, people and place, one per line, as the server's
 * `search_text`.
 * @param {Record<string, any>} entry @returns {SearchRow}
 */
export function searchRow(entry) {
  const tags = entry.tags || [];
  const text = [entry.inner, entry.note, entry.meaning, ...tags, ...(entry.people || []), entry.place].filter(Boolean).join('\n');
  return { id: entry.id, kind: entry.kind, goal_ids: entry.goal_ids || [], tags: tags.map((/** @type {string} */ tag) => tag.toLowerCase()), text: searchable(text) };
}

/**
 * An entry's key in the `timeline` index and the `search` store.
 * @param {Record<string, any>} entry @returns {[string, string, string]}
 */
export const timelineKey = (entry) => [entry.local_date, entry.occurred_at, entry.id];

/**
 * Adds `step` (1 or −1) of `entry` to its date in `days` (nothing without `entry`).
 * @param {Map<string, Day>} days @param {Entry} entry @param {number} step
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
 * An entry stored as `record` in place of `before` (either may be missing): its search row moves
 * with it now, its day's counts in `moved` until `moveDays`.
 * @param {import('./types.js').WriteTx} tx @param {import('./types.js').Track} track
 * @param {Map<string, Day>} moved @param {Entry} before @param {Entry} record
 */
export function keepEntry(tx, track, moved, before, record) {
  tally(moved, before, -1);
  tally(moved, record, 1);
  const search = tx.objectStore('search');
  if (before) track(search.delete(timelineKey(before)));
  if (record) track(search.put(searchRow(record), timelineKey(record)));
}

/**
 * Moves each stored day by its tally in `moved`; a day left without entries is deleted, and a tally
 * that nets to nothing reads and writes nothing.
 * @param {import('./types.js').WriteTx} tx @param {import('./types.js').Track} track @param {Map<string, Day>} moved
 */
export function moveDays(tx, track, moved) {
  const days = tx.objectStore('days');
  for (const day of moved.values()) {
    if (!day.count && !Object.values(day.goals).some(Boolean)) continue;
    track(days.get(day.local_date).then(async (stored) => {
      const sum = plus(stored, day);
      await (sum ? days.put(sum) : days.delete(day.local_date));
    }));
  }
}
