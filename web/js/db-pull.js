// @ts-check
/**
 * A pulled page of /changes applied to IndexedDB, loaded with the pull rather than the shell.
 * It writes through db.js's `write` (one transaction, committed or not at all).
 */

import { ALL_STORES, storeOf, write } from './db.js';
import { pulledChange } from './merge.js';

/**
 * One page of /changes, with the cursor after it: each change is merged with what this
 * device still has queued (merge.js `pulledChange`), all in one transaction.
 * @param {{changes?: any[], next_cursor: string, has_more?: boolean}} page
 * @returns {Promise<import('./types.js').Pulled[]>}
 */
export function applyChanges(page) {
  const changes = page.changes || [];
  // Most pulls find nothing new: only `meta` is held (readers wait on a write), and written only if the cursor moved.
  if (!changes.length) {
    return write(['meta'], async (tx, track) => {
      const meta = tx.objectStore('meta');
      const [cursor, caughtUp] = await Promise.all([meta.get('cursor'), meta.get('caught_up')]);
      if (cursor !== page.next_cursor || caughtUp !== !page.has_more) moveCursor(tx, track, page);
      return [];
    });
  }
  return write(ALL_STORES, async (tx, track, keep) => {
    const outbox = tx.objectStore('outbox');
    // The outbox read once, not once per change (it is short; a first sync's page has 1 000 changes).
    /** @type {Map<string, import('./types.js').Op[]>} */
    const queued = new Map();
    for (const op of await outbox.getAll()) queued.set(op.id, [...(queued.get(op.id) || []), op]);
    const reads = changes.map((c) => tx.objectStore(storeOf(c.type)).get(c.id));
    const outcomes = changes.map(async (change, i) => {
      const [local, ops] = [await reads[i], queued.get(change.id) || []];
      const outcome = pulledChange(change, local, ops);
      if (outcome.record || outcome.remove) keep(storeOf(change.type), change.id, local, outcome.record);
      if (outcome.dropOps) for (const op of ops) track(outbox.delete(/** @type {number} */ (op.seq)));
      return outcome;
    });
    moveCursor(tx, track, page);
    return Promise.all(outcomes);
  });
}

/**
 * The feed's cursor after `page`, and whether it reached the end (`caught_up`).
 * @param {import('./types.js').WriteTx} tx @param {import('./types.js').Track} track @param {{next_cursor: string, has_more?: boolean}} page
 */
function moveCursor(tx, track, page) {
  track(tx.objectStore('meta').put(page.next_cursor, 'cursor'));
  track(tx.objectStore('meta').put(!page.has_more, 'caught_up'));
}
