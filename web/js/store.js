// @ts-check
/**
 * Local writes: every change to an entry or goal is stored in IndexedDB together with
 * its outbox op in one transaction, so the screen and the outbox never disagree.
 */

import { synclogDB } from './db.js';
import { emit } from './events.js';
import { enqueue } from './outbox.js';
import { browserTimeZone, localDate, rfc3339 } from './time.js';

/** @typedef {{id: string, email?: string, display_name?: string, timezone: string, day_start_hour: number, week_start: string, grace_days: number}} User */

export const KINDS = /** @type {const} */ ([
  ['other', 'Other'],
  ['thought_then_met', 'Thought of them, then met'],
  ['shared_date', 'Shared date'],
  ['shared_interest', 'Shared interest'],
  ['number', 'Number'],
  ['name_or_word', 'Name or word'],
  ['dream', 'Dream'],
  ['overheard', 'Overheard'],
  ['symbol', 'Symbol'],
  ['timing', 'Timing'],
]);

/** @param {string} kind */
export function kindLabel(kind) {
  const found = KINDS.find(([value]) => value === kind);
  return found ? found[1] : kind;
}

const ARRAY_FIELDS = ['tags', 'people', 'goal_ids'];

/**
 * JSON merge patch (RFC 7396) of plain objects.
 * @param {Record<string, any>} target @param {Record<string, any>} patch
 */
export function mergePatch(target, patch) {
  const result = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (typeof value === 'object' && !Array.isArray(value) && typeof result[key] === 'object' && result[key] && !Array.isArray(result[key])) {
      result[key] = mergePatch(result[key], value);
    } else result[key] = value;
  }
  return result;
}

/** @param {any} a @param {any} b */
export function same(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
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
  const db = await synclogDB();
  const tx = db.transaction(['entries', 'outbox'], 'readwrite');
  tx.store('entries').put(entry);
  enqueue(tx, { type: 'entry', id, method: 'PUT', data, base_version: null, user_id: user.id });
  await tx.done;
  const savedMs = performance.now() - started;
  emit('data', { type: 'entry', id });
  emit('outbox');
  return { entry, savedMs };
}

/**
 * Changes some fields of an entry or goal; queues a merge patch of just those fields.
 * @param {'entry' | 'goal'} type @param {string} id @param {Record<string, any>} changes @param {User} user
 */
export async function edit(type, id, changes, user) {
  const store = type === 'goal' ? 'goals' : 'entries';
  const db = await synclogDB();
  const tx = db.transaction([store, 'outbox'], 'readwrite');
  const current = await tx.store(store).get(id);
  if (!current) {
    tx.abort();
    await tx.done.catch(() => {});
    throw new Error('It is no longer here; it may have been deleted elsewhere.');
  }
  /** @type {Record<string, any>} */
  const data = {};
  /** @type {Record<string, any>} */
  const base = {};
  for (const [field, value] of Object.entries(changes)) {
    if (!same(current[field], value)) {
      data[field] = value;
      base[field] = current[field] ?? null;
    }
  }
  if (Object.keys(data).length === 0) {
    await tx.done;
    return current;
  }
  const updated = { ...current, ...data, updated_at: new Date().toISOString() };
  if (type === 'entry' && ('occurred_at' in data || 'timezone' in data)) {
    updated.local_date = localDate(new Date(updated.occurred_at), updated.timezone, user.day_start_hour || 0);
  }
  tx.store(store).put(updated);
  enqueue(tx, { type, id, method: 'PATCH', data, base, base_version: current.version ?? null, user_id: user.id });
  await tx.done;
  emit('data', { type, id });
  emit('outbox');
  return updated;
}

/** @param {'entry' | 'goal'} type @param {string} id @param {User} user */
export async function remove(type, id, user) {
  const store = type === 'goal' ? 'goals' : 'entries';
  const db = await synclogDB();
  const tx = db.transaction([store, 'outbox'], 'readwrite');
  const current = await tx.store(store).get(id);
  tx.store(store).delete(id);
  enqueue(tx, { type, id, method: 'DELETE', base_version: current?.version ?? null, user_id: user.id });
  await tx.done;
  emit('data', { type, id });
  emit('outbox');
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
  const db = await synclogDB();
  const tx = db.transaction(['goals', 'outbox'], 'readwrite');
  tx.store('goals').put(goal);
  enqueue(tx, { type: 'goal', id, method: 'PUT', data, base_version: null, user_id: user.id });
  await tx.done;
  emit('data', { type: 'goal', id });
  emit('outbox');
  return goal;
}

/**
 * Replays the changes of queued ops over a server state, for display while they wait.
 * @param {Record<string, any>} serverState @param {any[]} ops
 */
export function withPending(serverState, ops) {
  let state = serverState;
  for (const op of ops) {
    if (op.method === 'PATCH' || op.method === 'PUT') state = { ...state, ...op.data };
  }
  return state;
}

/**
 * Three-way merge for a rebase: our change of one field, made against `base`, applied
 * on top of `current`. Lists keep additions and removals from both sides.
 * @param {string} field @param {any} base @param {any} ours @param {any} current
 */
export function rebaseField(field, base, ours, current) {
  if (ARRAY_FIELDS.includes(field) && Array.isArray(ours) && Array.isArray(current)) {
    const before = Array.isArray(base) ? base : [];
    const removed = before.filter((value) => !ours.includes(value));
    const added = ours.filter((value) => !before.includes(value));
    const merged = current.filter((value) => !removed.includes(value));
    for (const value of added) if (!merged.includes(value)) merged.push(value);
    return merged;
  }
  return ours;
}
