// @ts-check
/**
 * The stores db.js keeps beside the entries (derived.js): entries per day for the screens that
 * summarise (Currents, the Log screen's streak, the printable summary) and for the timeline's count,
 * with the pauses they also read, and the search rows the timeline's search reads. Loaded with those
 * screens, not the shell.
 */

import { database, write } from './db.js';
import { daysOf, searchRow, timelineKey } from './derived.js';

/** @typedef {import('./derived.js').Day} Day */

/** @type {Promise<void> | null} */
let ready = null;

/**
 * Resolves once `days` and `search` hold what the entries say. Right after the upgrade that added
 * them (`refill` in `meta`) that first builds both from the stored entries, once, in one transaction.
 * @returns {Promise<void>}
 */
export function derivedReady() {
  ready ??= refill().catch((error) => {
    ready = null; // the next read tries again
    throw error;
  });
  return ready;
}

async function refill() {
  const db = await database();
  if (!(await db.get('meta', 'refill'))) return;
  await write(['entries', 'days', 'search', 'meta'], async (tx, track) => {
    const meta = tx.objectStore('meta');
    if (!(await meta.get('refill'))) return; // another tab has just done it
    const [days, search] = [tx.objectStore('days'), tx.objectStore('search')];
    const entries = await tx.objectStore('entries').getAll();
    track(days.clear());
    track(search.clear());
    for (const day of daysOf(entries)) track(days.put(day));
    for (const entry of entries) track(search.put(searchRow(entry), timelineKey(entry)));
    track(meta.delete('refill'));
  });
}

/** Every stored pause. @returns {Promise<import('./types.js').Stored[]>} */
export const allPauses = async () => (await database()).getAll('pauses');

/**
 * How many entries this device holds: the sum of the days' counts, kept with every entry write.
 * IndexedDB's own `count()` walks every entry (0.3–1.5 s at 100 000); the days are a few thousand.
 * @returns {Promise<number>}
 */
export async function entryCount() {
  let count = 0;
  for (const day of await allDays()) count += day.count;
  return count;
}

/** Every day with entries, oldest first. @returns {Promise<Day[]>} */
export async function allDays() {
  await derivedReady();
  return (await database()).getAll('days');
}
