// @ts-check
/**
 * The account's data on this device as a whole: kept for the signed-in user, erased when the server
 * signs the device out (keeping unsent ops), forgotten on sign-out. Loaded on those events, not with
 * the shell; it writes through db.js's `write` (one transaction, committed or not at all).
 */

import { ALL_STORES, readMeta, write } from './db.js';
import { notify } from './events.js';

/** @typedef {import('./types.js').Stored} Stored */
/** @typedef {import('./types.js').StoreName} StoreName */

/**
 * Stores the signed-in user. The ops of another account (signed in before, or signed out by the
 * server with ops unsent) are discarded with a warning, with that account's data (SPEC §7).
 * Nothing is written when this user is stored already, exactly so.
 * @param {Stored} user
 */
export async function saveUser(user) {
  // Every start refreshes the user; writing the same one again held every store (the timeline's first reads) for nothing.
  const [stored, owner] = await Promise.all([readMeta('user'), readMeta('owner')]);
  if (!owner && stored && JSON.stringify(stored) === JSON.stringify(user)) return;
  const discarded = await write(ALL_STORES, async (tx, track) => {
    const meta = tx.objectStore('meta');
    const previous = (await meta.get('user')) || (await meta.get('owner'));
    let unsent = 0;
    if (previous && previous.id !== user.id) {
      unsent = await tx.objectStore('outbox').count();
      for (const name of ALL_STORES) track(tx.objectStore(name).clear());
    }
    track(meta.delete('owner'));
    track(meta.put(user, 'user'));
    return unsent;
  });
  if (discarded > 0) {
    const changes = discarded === 1 ? '1 unsent change' : `${discarded} unsent changes`;
    const were = discarded === 1 ? 'was' : 'were';
    notify(`Another account signed in on this device: ${changes} of the account signed in before ${were} discarded.`, 'warning');
  }
}

/**
 * The server signed this device out (a 401: password changed or session ended elsewhere).
 * Erases the account's data here but keeps the unsent ops and whose they are (`owner`: id and
 * email), so signing in to that account sends them and another account discards them (SPEC §7).
 */
export function forgetAccountData() {
  return write(ALL_STORES, async (tx, track) => {
    const meta = tx.objectStore('meta');
    const user = (await meta.get('user')) || (await meta.get('owner'));
    for (const name of /** @type {StoreName[]} */ (['goals', 'entries', 'pauses', 'meta', 'days', 'search'])) track(tx.objectStore(name).clear());
    if (user) track(meta.put({ id: user.id, email: user.email }, 'owner'));
  });
}

/** Forgets everything stored on this device (signing out). */
export function clearAll() {
  return write(ALL_STORES, async (tx, track) => {
    for (const name of ALL_STORES) track(tx.objectStore(name).clear());
  });
}
