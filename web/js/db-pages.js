// @ts-check
/**
 * The timeline's reads, on db.js's connection, loaded with the timeline rather than the shell.
 * Read-only: every write stays in db.js.
 */

import { database } from './db.js';

/** @typedef {import('./types.js').Stored} Stored */
/** @typedef {import('./types.js').Database} Database */
/** @typedef {{from: string, to: string, count: number, keep: (entry: Stored) => boolean, after?: IDBValidKey | null, stale?: () => boolean}} PageAsk */

/** Entries read per transaction while a page is gathered. */
const BATCH = 400;

/**
 * The timeline's next entries, newest first (`local_date`, `occurred_at`, `id`): at most `count`
 * that `keep` accepts, dated between `from` and `to` (inclusive `YYYY-MM-DD`, '' for open), strictly
 * after `after` (the `key` a previous page ended at). Read through the `timeline` index in batches
 * of 400, each its own transaction, never the whole store; `stale()` true stops early (a newer read
 * is wanted). Resolves with the entries and the key to continue from (null: nothing older matches).
 * @param {PageAsk} ask
 * @returns {Promise<{entries: Stored[], next: IDBValidKey | null}>}
 */
export async function entriesPage({ from, to, count, keep, after = null, stale = () => false }) {
  const db = await database();
  const lower = from ? [from] : undefined;
  let upper = after ?? (to ? [to, []] : [[]]); // arrays sort after strings: past every key of that day
  let open = after !== null;
  /** @type {{key: IDBValidKey, value: Stored}[]} */
  const kept = [];
  for (;;) {
    const range = lower ? IDBKeyRange.bound(lower, upper, false, open) : IDBKeyRange.upperBound(upper, open);
    const batch = await newestFirst(db, range, BATCH);
    for (const record of batch) if (kept.length <= count && keep(record.value)) kept.push(record);
    // One more than asked tells whether anything older matches.
    if (kept.length > count) return { entries: kept.slice(0, count).map((r) => r.value), next: kept[count - 1].key };
    if (batch.length < BATCH || stale()) return { entries: kept.map((r) => r.value), next: null };
    upper = batch[batch.length - 1].key;
    open = true;
  }
}

/**
 * Up to `count` records of the `timeline` index within `range`, newest first, in one transaction:
 * `getAllRecords` where the browser has it (Chromium 141+), a cursor elsewhere.
 * @param {Database} db @param {IDBKeyRange} range @param {number} count
 * @returns {Promise<{key: IDBValidKey, value: Stored}[]>}
 */
async function newestFirst(db, range, count) {
  const index = /** @type {any} */ (db.transaction('entries').store.index('timeline'));
  if (typeof index.getAllRecords === 'function') {
    /** @type {{key: IDBValidKey, value: Stored}[]} */
    const records = await index.getAllRecords({ query: range, count, direction: 'prev' });
    return records.map((record) => ({ key: record.key, value: record.value }));
  }
  const records = [];
  for (let cursor = await index.openCursor(range, 'prev'); cursor && records.length < count; cursor = await cursor.continue()) {
    records.push({ key: cursor.key, value: cursor.value });
  }
  return records;
}

/** Every tag used on this device, each once, in index order, through the `tags` index. @returns {Promise<string[]>} */
export async function knownTags() {
  const index = (await database()).transaction('entries').store.index('tags');
  /** @type {string[]} */
  const tags = [];
  for (let cursor = await index.openKeyCursor(null, 'nextunique'); cursor; cursor = await cursor.continue()) tags.push(String(cursor.key));
  return tags;
}

/** How many entries this device holds. @returns {Promise<number>} */
export const countEntries = async () => (await database()).count('entries');
