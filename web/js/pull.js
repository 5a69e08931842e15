// @ts-check
/**
 * Pull: follows the server's /changes feed from the stored cursor into IndexedDB, so
 * the screens (which read only IndexedDB) show what other devices did.
 */

import { changes } from './api.js';
import { synclogDB } from './db.js';
import { emit, notify } from './events.js';
import { withPending } from './store.js';

/**
 * Applies pages of changes until the feed has no more. Runs inside the sync lock,
 * after the outbox drained, so ops still waiting are replayed over the new state.
 */
export async function pull() {
  const db = await synclogDB();
  let cursor = /** @type {string | undefined} */ (await db.get('meta', 'cursor'));
  let deletedHere = 0;
  let droppedChanges = 0;
  let changed = false;
  for (;;) {
    const page = await changes(cursor);
    const tx = db.transaction(['goals', 'entries', 'outbox', 'meta'], 'readwrite');
    const outbox = tx.store('outbox');
    for (const change of page.changes || []) {
      const store = tx.store(change.type === 'goal' ? 'goals' : 'entries');
      const local = await store.get(change.id);
      const ops = await outbox.getAllFromIndex('object_id', change.id);
      if (change.deleted) {
        if (local) {
          store.delete(change.id);
          if (change.type === 'entry') deletedHere += 1;
        }
        const unsent = ops.filter((op) => op.method !== 'DELETE');
        if (unsent.length) droppedChanges += 1;
        for (const op of ops) outbox.delete(op.seq);
        changed = true;
        continue;
      }
      if (local && local.version != null && local.version > change.version) continue;
      if (ops.some((op) => op.method === 'DELETE')) continue; // deleted here, on its way
      store.put(ops.length ? withPending(change.data, ops) : change.data);
      changed = true;
    }
    tx.store('meta').put(page.next_cursor, 'cursor');
    await tx.done;
    cursor = page.next_cursor;
    if (!page.has_more) break;
  }
  if (changed) {
    emit('data', { pulled: true });
    emit('outbox');
  }
  if (droppedChanges) {
    notify(
      droppedChanges === 1
        ? 'An entry you changed was deleted on another device, so your change was dropped.'
        : `${droppedChanges} entries you changed were deleted on another device, so your changes were dropped.`,
      'warning',
    );
  } else if (deletedHere) {
    notify(deletedHere === 1 ? 'An entry was deleted on another device.' : `${deletedHere} entries were deleted on another device.`, 'info');
  }
}
