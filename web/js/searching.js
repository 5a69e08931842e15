// @ts-check
/**
 * The timeline's search and filters over the `search` store's rows (derived.js) held in memory: read
 * newest first, 1 000 per transaction, once they are wanted (the search box focused, or the device
 * idle once the timeline is drawn; a search reads as many as its page needs) and kept current from
 * the change notifications every screen gets (events.js), so a keystroke filters an array and reads
 * only the page of entries it shows.
 */

import { derivedReady } from './db-derived.js';
import { entriesById, readEntry, searchRecords } from './db-pages.js';
import { searchRow, timelineKey } from './derived.js';
import { on } from './events.js';

/** @typedef {import('./derived.js').SearchRow} SearchRow */
/** @typedef {import('./db-pages.js').SearchRecord} SearchRecord */

// Rows read per transaction: a search waits only for the chunks its page needs (a common word's 51 matches are in the first).
const CHUNK = 1_000;

/**
 * The search rows read so far, newest first, and whether that is all of them. Chunks and the changes
 * heard of take turns in `turns`, so a change is never overtaken by a chunk read before it; `changed`
 * settles once the last change heard of is in `rows`, which is all a search with enough rows waits for.
 * @typedef {{rows: SearchRecord[], complete: boolean, turns: Promise<unknown>, changed: Promise<unknown>}} Held
 */
/** @type {Held | null} */
let held = null;

/** Starts reading the rows, a chunk at a time, unless they are held or being read. @returns {Held} */
function hold() {
  if (held) return held;
  /** @type {Held} */
  const mine = { rows: [], complete: false, turns: Promise.resolve(), changed: Promise.resolve() };
  mine.turns = derivedReady().catch((error) => {
    if (held === mine) held = null; // the next search tries again
    throw error;
  });
  mine.changed = mine.turns;
  return (held = mine);
}

/**
 * Reads the next chunk into `mine` (in its turn); a failure lets the next search start again.
 * @param {Held} mine @returns {Promise<unknown>}
 */
function nextChunk(mine) {
  mine.turns = mine.turns
    .then(async () => {
      if (mine.complete) return;
      const before = mine.rows.length ? mine.rows[mine.rows.length - 1].key : null;
      const chunk = await searchRecords(before, CHUNK);
      mine.rows.push(...chunk);
      mine.complete = chunk.length < CHUNK;
    })
    .catch((error) => {
      if (held === mine) held = null;
      throw error;
    });
  return mine.turns;
}

/**
 * Reads every row now if they are not held yet (when the search box is focused or the device is idle), a
 * chunk per task, each when the device is idle: a keystroke's page goes first.
 */
export async function holdSearchRows() {
  const mine = hold();
  const idle = () => new Promise((resolve) => (window.requestIdleCallback || setTimeout)(resolve));
  try {
    while (!mine.complete && held === mine) {
      await nextChunk(mine);
      await idle();
    }
  } catch {
    // The next search tries again.
  }
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
 * Entry `id` as stored now, its row moved in `mine` (gone when the entry is). A row older than every
 * row read so far is left to the chunk that reads it.
 * @param {Held} mine @param {string} id
 */
async function moved(mine, id) {
  const entry = await readEntry(id);
  const rows = mine.rows;
  const at = rows.findIndex((record) => record.value.id === id);
  if (at >= 0) rows.splice(at, 1);
  if (!entry) return;
  const key = timelineKey(entry);
  const place = olderThan(rows, key);
  if (place < rows.length || mine.complete) rows.splice(place, 0, { key, value: searchRow(entry) });
}

on('data', (detail) => {
  if (!held) return;
  if (detail?.type === 'entry' && detail.id) {
    const mine = held;
    mine.turns = mine.turns
      .then(() => moved(mine, String(detail.id)))
      .catch(() => {
        if (held === mine) held = null; // read them again next time
      });
    mine.changed = mine.turns;
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
  const mine = hold();
  // Not the chunk being read meanwhile: only older rows join, and only if the rows held run out.
  await mine.changed;
  /** @type {SearchRecord[]} */
  const kept = [];
  /** @param {SearchRecord[]} rows the first row to look at: the newest older than `after`, or dated `to` or before */
  const first = (rows) => (after === null ? (to ? olderThan(rows, [to, []]) : 0) : olderThan(rows, after));
  let i = first(mine.rows);
  for (;;) {
    const rows = mine.rows;
    for (; i < rows.length && kept.length <= count; i += 1) {
      if (from && /** @type {string[]} */ (rows[i].key)[0] < from) break;
      if (keep(rows[i].value)) kept.push(rows[i]);
    }
    if (i < rows.length || mine.complete) break;
    const last = rows.length ? rows[rows.length - 1].key : null;
    await nextChunk(mine);
    if (held !== mine) return searchPage({ from, to, count, after, keep }); // read again meanwhile
    i = Math.max(first(mine.rows), last === null ? 0 : olderThan(mine.rows, last));
  }
  // One more than asked tells whether anything older matches.
  const page = kept.slice(0, count);
  return { entries: await entriesById(page.map((record) => record.value.id)), next: kept.length > count ? page[count - 1].key : null };
}
