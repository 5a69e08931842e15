// @ts-check
/**
 * Pull: follows the server's /changes feed from the stored cursor into IndexedDB, so
 * the screens (which read only IndexedDB) show what other devices did.
 */

import { changes, request } from './api.js';
import { applyChanges } from './db-pull.js';
import { readMeta } from './db.js';
import { emit, notify } from './events.js';
import { number } from './words.js';

/** Changes asked for per page: a first sync of 10 000 entries is ten pages, each one transaction. */
const PAGE = 1000;

/**
 * Applies pages of changes until the feed has no more. Runs inside the sync lock,
 * after the outbox drained, so ops still waiting are replayed over the new state.
 * After each page it emits `sync` ({applied, about, done}: changes applied so far and,
 * on a first sync of more than one page, about how many entries the account has, else null), which the
 * timeline shows while it is incomplete (db.js stores `caught_up` with each page: the feed's end).
 * The next page is fetched while one is being stored.
 */
export async function pull() {
  const cursor = /** @type {string | undefined} */ (await readMeta('cursor'));
  const first = !cursor;
  /** @type {Promise<number | null>} */
  let about = Promise.resolve(null);
  /** @type {import('./types.js').Pulled[]} */
  const outcomes = [];
  let next = changes(cursor, PAGE);
  for (let pages = 1; ; pages += 1) {
    const page = await next;
    if (page.has_more) {
      next = changes(page.next_cursor, PAGE);
      next.catch(() => {}); // left unread when storing this page fails: the pull ends with that error
    }
    outcomes.push(...(await applyChanges(page)));
    // A first sync of more than a page says how far it has come against the account's entries (GET /summary).
    if (first && pages === 1 && page.has_more) {
      about = request('/summary').then((r) => r.body.overall.entries, () => null);
    }
    emit('sync', { applied: outcomes.length, about: await about, done: !page.has_more });
    if (!page.has_more) break;
  }
  if (outcomes.some((outcome) => outcome.changed)) {
    emit('data', { pulled: true });
    emit('outbox');
  }
  tell(
    outcomes.filter((outcome) => outcome.lostChanges).length,
    outcomes.filter((outcome) => outcome.removedEntry).length,
  );
}

/**
 * Deletions made elsewhere, told once per pull: those that cost a change made here first.
 * @param {number} droppedChanges @param {number} deletedHere
 */
function tell(droppedChanges, deletedHere) {
  if (droppedChanges) {
    notify(
      droppedChanges === 1
        ? 'An entry you changed was deleted on another device, so your change was dropped.'
        : `${droppedChanges} entries you changed were deleted on another device, so your changes were dropped.`,
      'warning',
    );
  } else if (deletedHere) {
    notify(deletedHere === 1 ? 'An entry was deleted on another device.' : `${number(deletedHere)} entries were deleted on another device.`, 'info');
  }
}
