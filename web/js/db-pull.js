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
  return write(ALL_STORES, async (tx, track, keep) => {
    const outbox = tx.objectStore('outbox');
    const changes = page.changes || [];
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
    track(tx.objectStore('meta').put(page.next_cursor, 'cursor'));
    track(tx.objectStore('meta').put(!page.has_more, 'caught_up'));
    return Promise.all(outcomes);
  });
}
