// @ts-check
/**
 * The timeline's search and filters over the `search` store's rows (derived.js) held in memory: read
 * in one go the first time they are wanted (the search box focused, or the device idle once the
 * timeline is drawn) and kept current from the change notifications every screen gets (events.js),
 * so a keystroke filters an array and reads only the page of entries it shows.
 */

import { derivedReady } from './db-derived.js';
import { entriesById, readEntry, searchRecords } from './db-pages.js';
import { searchRow, timelineKey } from './derived.js';
import { on } from './events.js';

/** @typedef {import('./derived.js').SearchRow} SearchRow */
/** @typedef {import('./db-pages.js').SearchRecord} SearchRecord */

/** Every search row, newest first; null until read, and again once a pull or a sign-out changed many. @type {Promise<SearchRecord[]> | null} */
let held = null;

/** The search rows, newest first (`[local_date, occurred_at, id]` descending), read once. @returns {Promise<SearchRecord[]>} */
export function searchRows() {
  held ??= derivedReady()
    .then(searchRecords)
    .catch((error) => {
      held = null; // the next search reads them again
      throw error;
    });
  return held;
}

/** Reads the rows now if they are not held yet (when the search box is focused or the device is idle). */
export function holdSearchRows() {
  searchRows().catch(() => {});
}

/**
 * Compares two timeline keys as IndexedDB does (strings by UTF-16 code units, element by element).
 * @param {IDBValidKey} a @param {IDBValidKey} b @returns {number} negative, 0 or positive
 */
function compareKeys(a, b) {
  const [x, y] = [/** @type {string[]} */ (a), /** @type {string[]} */ (b)];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    if (Array.isArray(x[i]) !== Array.isArray(y[i])) return Array.isArray(x[i]) ? 1 : -1; // arrays sort after strings
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * The index of the first row strictly older than `key` in newest-first `rows`.
 * @param {SearchRecord[]} rows @param {IDBValidKey} key
 */
function olderThan(rows, key) {
  let [low, high] = [0, rows.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareKeys(rows[middle].key, key) >= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Entry `id` as stored now, its row moved in `rows` (gone when the entry is).
 * @param {SearchRecord[]} rows @param {string} id @returns {Promise<SearchRecord[]>}
 */
async function moved(rows, id) {
  const entry = await readEntry(id);
  const at = rows.findIndex((record) => record.value.id === id);
  if (at >= 0) rows.splice(at, 1);
  if (entry) {
    const key = timelineKey(entry);
    rows.splice(olderThan(rows, key), 0, { key, value: searchRow(entry) });
  }
  return rows;
}

on('data', (detail) => {
  if (!held) return;
  if (detail?.type === 'entry' && detail.id) {
    const id = String(detail.id);
    const changing = held.then((rows) => moved(rows, id));
    held = changing;
    changing.catch(() => {
      if (held === changing) held = null; // read them again next time
    });
  } else if (!detail?.type) held = null; // a pull or a sign-out: read them again next time
});
on('sync', (progress) => {
  if (progress?.applied) held = null;
});

/**
 * The timeline's next page for a search or filter, newest first: at most `count` entries dated
 * between `from` and `to` (inclusive `YYYY-MM-DD`, '' for open), strictly older than `after`, whose
 * search row `keep` accepts. Resolves with the entries and the key to continue from (null: nothing
 * older matches).
 * @param {{from: string, to: string, count: number, after: IDBValidKey | null, keep: (row: SearchRow) => boolean}} ask
 * @returns {Promise<{entries: import('./types.js').Stored[], next: IDBValidKey | null}>}
 */
export async function searchPage({ from, to, count, after, keep }) {
  const rows = await searchRows();
  /** @type {SearchRecord[]} */
  const kept = [];
  for (let i = after === null ? (to ? olderThan(rows, [to, []]) : 0) : olderThan(rows, after); i < rows.length && kept.length <= count; i += 1) {
    const record = rows[i];
    if (from && /** @type {string[]} */ (record.key)[0] < from) break;
    if (keep(record.value)) kept.push(record);
  }
  // One more than asked tells whether anything older matches.
  const page = kept.slice(0, count);
  return { entries: await entriesById(page.map((record) => record.value.id)), next: kept.length > count ? page[count - 1].key : null };
}
