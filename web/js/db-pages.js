// @ts-check
/**
 * The timeline's reads and an entry's, on db.js's connection, loaded with the timeline or the
 * entry's screen rather than the shell.
 * Read-only: every write stays in db.js.
 */

import { database } from './db.js';

/** @typedef {import('./types.js').Stored} Stored */
/** @typedef {import('./types.js').Database} Database */
/** @typedef {import('./derived.js').SearchRow} SearchRow */
/** @typedef {{key: IDBValidKey, value: SearchRow}} SearchRecord */
/**
 * @typedef {{from: string, to: string, count: number, after?: IDBValidKey | null, stale?: () => boolean}
 *   & ({keep?: undefined} | {keep: (row: SearchRow) => boolean})} PageAsk
 */

/** Entries read per transaction while a page is gathered. */
const BATCH = 400;

/**
 * The timeline's next entries, newest first (`local_date`, `occurred_at`, `id`): at most `count`
 * dated between `from` and `to` (inclusive `YYYY-MM-DD`, '' for open), strictly after `after` (the
 * `key` a previous page ended at), and with `keep`, only those whose search row (derived.js) it
 * accepts. Read in batches of 400, each its own transaction, never the whole store: through the
 * `timeline` index, or with `keep` the small rows of the `search` store (same keys) and then only
 * the kept entries whole. `stale()` true stops early (a newer read is wanted). Resolves with the
 * entries and the key to continue from (null: nothing older matches).
 * @param {PageAsk} ask
 * @returns {Promise<{entries: Stored[], next: IDBValidKey | null}>}
 */
export async function entriesPage({ from, to, count, keep, after = null, stale = () => false }) {
  const db = await database();
  const lower = from ? [from] : undefined;
  let upper = after ?? (to ? [to, []] : [[]]); // arrays sort after strings: past every key of that day
  let open = after !== null;
  /** @type {{key: IDBValidKey, value: any}[]} */
  const kept = [];
  for (;;) {
    const range = lower ? IDBKeyRange.bound(lower, upper, false, open) : IDBKeyRange.upperBound(upper, open);
    // Unfiltered, the page and the one after it are all there is to read (a first render reads 51, not 400).
    const batch = await newestFirst(db, range, keep ? BATCH : Math.min(BATCH, count + 1 - kept.length), Boolean(keep));
    for (const record of batch) if (kept.length <= count && (!keep || keep(record.value))) kept.push(record);
    // One more than asked tells whether anything older matches.
    const more = kept.length > count;
    if (more || batch.length < BATCH || stale()) {
      const page = kept.slice(0, count);
      return { entries: keep ? await wholeEntries(db, page.map((r) => r.value.id)) : page.map((r) => r.value), next: more ? page[count - 1].key : null };
    }
    upper = batch[batch.length - 1].key;
    open = true;
  }
}

/**
 * The entries of `ids`, in that order, in one transaction (one deleted since is left out).
 * @param {string[]} ids @returns {Promise<Stored[]>}
 */
export const entriesById = async (ids) => wholeEntries(await database(), ids);

/**
 * Up to `count` rows of the `search` store with their timeline keys, newest first, strictly older than
 * `before` (null: from the newest), in one transaction.
 * @param {IDBValidKey | null} before @param {number} count
 * @returns {Promise<SearchRecord[]>}
 */
export async function searchRecords(before, count) {
  const db = await database();
  return newestFirst(db, before === null ? null : IDBKeyRange.upperBound(before, true), count, true);
}

/** @param {Database} db @param {string[]} ids @returns {Promise<Stored[]>} */
async function wholeEntries(db, ids) {
  const store = db.transaction('entries').store;
  const entries = await Promise.all(ids.map((id) => store.get(id)));
  return /** @type {Stored[]} */ (entries.filter(Boolean));
}

/**
 * Up to `count` records within `range`, newest first, in one transaction: entries through the
 * `timeline` index, or (`searched`) the `search` store's rows. `getAllRecords` where the browser has
 * it (Chromium 141+), a cursor elsewhere.
 * @param {Database} db @param {IDBKeyRange | null} range @param {number} count @param {boolean} searched
 * @returns {Promise<{key: IDBValidKey, value: any}[]>}
 */
async function newestFirst(db, range, count, searched) {
  const index = /** @type {any} */ (searched ? db.transaction('search').store : db.transaction('entries').store.index('timeline'));
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

/**
 * Every tag used on this device, each once, in index order, through the `tags` index: one step per
 * tag, each jumping past the last tag's entries (`continue(tag + '\0')`, the next string up), as
 * 'nextunique' walked every entry of a tag (2.6–4.2 s for 201 tags over 100 000 entries, 0.23 s so).
 * @returns {Promise<string[]>}
 */
export async function knownTags() {
  const index = (await database()).transaction('entries').store.index('tags');
  /** @type {string[]} */
  const tags = [];
  for (let cursor = await index.openKeyCursor(); cursor; cursor = await cursor.continue(`${cursor.key}\u0000`)) tags.push(String(cursor.key));
  return tags;
}

/** The stored entry `id`, if any. @param {string} id @returns {Promise<Stored | undefined>} */
export const readEntry = async (id) => (await database()).get('entries', id);

