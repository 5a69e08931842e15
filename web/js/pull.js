// @ts-check
/**
 * Pull: follows the server's /changes feed from the stored cursor into IndexedDB, so
 * the screens (which read only IndexedDB) show what other devices did.
 */

import { changes } from './api.js';
import { applyChanges, readMeta } from './db.js';
import { emit, notify } from './events.js';
import { number } from './words.js';

/**
 * Applies pages of changes until the feed has no more. Runs inside the sync lock,
 * after the outbox drained, so ops still waiting are replayed over the new state.
 */
export async function pull() {
  let cursor = /** @type {string | undefined} */ (await readMeta('cursor'));
  /** @type {import('./types.js').Pulled[]} */
  const outcomes = [];
  for (;;) {
    const page = await changes(cursor);
    outcomes.push(...(await applyChanges(page)));
    cursor = page.next_cursor;
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
