// @ts-check
/**
 * Entries per local date (days.js) from db.js's `days` store, loaded with the screens that summarise
 * (Currents, the Log screen's streak, the printable summary) rather than with the shell.
 */

import { database, write } from './db.js';
import { daysOf } from './days.js';

/** @typedef {import('./days.js').Day} Day */

/**
 * Every day with entries, oldest first. The first read after the upgrade that added the store
 * (`refill_days` in `meta`) builds it from the stored entries, once, in one transaction.
 * @returns {Promise<Day[]>}
 */
export async function allDays() {
  const db = await database();
  if (await db.get('meta', 'refill_days')) await refill();
  return db.getAll('days');
}

function refill() {
  return write(['entries', 'days', 'meta'], async (tx, track) => {
    const meta = tx.objectStore('meta');
    if (!(await meta.get('refill_days'))) return; // another tab has just done it
    const days = tx.objectStore('days');
    const entries = await tx.objectStore('entries').getAll();
    track(days.clear());
    for (const day of daysOf(entries)) track(days.put(day));
    track(meta.delete('refill_days'));
  });
}
