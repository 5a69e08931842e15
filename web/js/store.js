// @ts-check
/**
 * Local writes: every change to an entry or goal is stored in IndexedDB together with
 * its outbox op in one transaction (db.js), so the screen and the outbox never disagree.
 */

import { deleteLocal, saveLocal, undoLocal, updateLocal } from './db.js';
import { emit } from './events.js';
import { changedFields } from './merge.js';
import { sendSoon } from './outbox.js';
import { browserTimeZone, localDate, rfc3339 } from './time.js';

/** @typedef {import('./types.js').User} User */
/** @typedef {import('./types.js').RecordType} RecordType */

/** After a local write: send it, and let every screen (in every tab) re-read. @param {RecordType} type @param {string} id */
function written(type, id) {
  sendSoon();
  emit('data', { type, id });
  emit('outbox');
}

/**
 * One tap: an entry now, in the user's zone, kind `other`, plus its outbox op.
 * @param {User} user @param {{note?: string}} [extra]
 */
export async function logEntry(user, extra = {}) {
  const started = performance.now();
  const now = new Date();
  const timezone = user.timezone || browserTimeZone();
  const id = crypto.randomUUID();
  /** @type {Record<string, any>} */
  const data = { occurred_at: rfc3339(now, timezone), timezone, kind: 'other' };
  if (extra.note) data.note = extra.note;
  /** @type {Record<string, any>} */
  const entry = {
    id,
    note: '',
    meaning: '',
    intensity: 3,
    tags: [],
    people: [],
    goal_ids: [],
    place: null,
    ...data,
    local_date: localDate(now, timezone, user.day_start_hour || 0),
    source: 'web',
    version: null,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  await saveLocal(entry, { type: 'entry', id, method: 'PUT', data, base_version: null, user_id: user.id });
  const savedMs = performance.now() - started;
  written('entry', id);
  return { entry, savedMs };
}

/**
 * Changes some fields of an entry or goal; queues a merge patch of just those fields.
 * @param {RecordType} type @param {string} id @param {Record<string, any>} changes @param {User} user
 */
export async function edit(type, id, changes, user) {
  const { record, queued } = await updateLocal(type, id, (current) => {
    if (!current) throw new Error('It is no longer here; it may have been deleted elsewhere.');
    const { data, base } = changedFields(current, changes);
    if (Object.keys(data).length === 0) return null;
    /** @type {Record<string, any>} */
    const updated = { ...current, ...data, updated_at: new Date().toISOString() };
    if (type === 'entry' && ('occurred_at' in data || 'timezone' in data)) {
      updated.local_date = localDate(new Date(updated.occurred_at), updated.timezone, user.day_start_hour || 0);
    }
    return { record: updated, change: { type, id, method: 'PATCH', data, base, base_version: current.version ?? null, user_id: user.id } };
  });
  if (queued) written(type, id);
  return record;
}

/** @param {RecordType} type @param {string} id @param {User} user */
export async function remove(type, id, user) {
  await deleteLocal(type, id, (current) => ({ type, id, method: 'DELETE', base_version: current?.version ?? null, user_id: user.id }));
  written(type, id);
}

/**
 * Undo of an entry just logged: an unsent one leaves the outbox with it, a sent one is deleted.
 * @param {string} id @param {User} user
 */
export async function undoEntry(id, user) {
  await undoLocal('entry', id, (current) => ({ type: 'entry', id, method: 'DELETE', base_version: current?.version ?? null, user_id: user.id }));
  written('entry', id);
}

/**
 * A new goal, created offline like an entry.
 * @param {User} user @param {{title: string, description?: string, color: string, cadence: string, target: number}} fields
 */
export async function createGoal(user, fields) {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  const data = { description: '', ...fields, status: 'active' };
  const goal = { id, ...data, version: null, created_at: now, updated_at: now };
  await saveLocal(goal, { type: 'goal', id, method: 'PUT', data, base_version: null, user_id: user.id });
  written('goal', id);
  return goal;
}
