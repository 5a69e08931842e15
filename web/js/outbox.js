// @ts-check
/**
 * The outbox: changes made on this device wait here until the server has them.
 * Each op is sent with its op_id as Idempotency-Key, in order, by one tab at a time
 * (Web Locks); the SPEC §7 rules decide what happens on each kind of answer.
 */

import { ApiError, NetworkError, collection, request } from './api.js';
import { synclogDB } from './db.js';
import { emit, notify } from './events.js';
import { rebaseField, withPending } from './store.js';

/**
 * @typedef {{seq?: number, op_id: string, type: 'entry' | 'goal', id: string,
 *   method: 'PUT' | 'PATCH' | 'DELETE', data?: Record<string, any>, base?: Record<string, any>,
 *   base_version: number | null, state: 'queued' | 'held', attempts: number,
 *   error: any, queued_at: number, user_id?: string}} Op
 */

export const LOCK_NAME = 'synclog-sync';
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * Adds an op inside the caller's transaction (which must include `outbox`).
 * @param {import('./db.js').Tx} tx
 * @param {{type: 'entry' | 'goal', id: string, method: Op['method'], data?: Record<string, any>,
 *   base?: Record<string, any>, base_version: number | null, user_id?: string}} op
 */
export function enqueue(tx, op) {
  /** @type {Op} */
  const record = { ...op, op_id: crypto.randomUUID(), state: 'queued', attempts: 0, error: null, queued_at: Date.now() };
  tx.store('outbox').put(record);
  tx.done.then(afterEnqueue, () => {});
  return record;
}

/** @returns {Promise<Op[]>} */
export async function allOps() {
  const db = await synclogDB();
  return db.getAll('outbox');
}

/** @type {{draining: boolean, again: boolean, failures: number, timer: number | undefined, authBlocked: boolean, onDrained: (() => Promise<void>) | null}} */
const state = { draining: false, again: false, failures: 0, timer: undefined, authBlocked: false, onDrained: null };

/** Ops wait for a signed-in session after a 401. */
export function setSignedIn() {
  state.authBlocked = false;
  state.failures = 0;
}

/** @param {() => Promise<void>} pull runs inside the same lock after each drain */
export function setAfterDrain(pull) {
  state.onDrained = pull;
}

function afterEnqueue() {
  void registerBackgroundSync();
  void sync();
}

async function registerBackgroundSync() {
  try {
    if (!('SyncManager' in window) || !navigator.serviceWorker) return;
    const registration = await navigator.serviceWorker.ready;
    // @ts-ignore: Background Sync is not in every lib.dom.
    await registration.sync?.register('synclog-outbox');
  } catch {
    // Only an extra trigger; the page's own triggers do the work.
  }
}

/**
 * @template T
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
function withLock(work) {
  if (navigator.locks) return /** @type {Promise<T>} */ (navigator.locks.request(LOCK_NAME, work));
  return work();
}

/**
 * Drains the outbox and then pulls; several calls in a row collapse into one more run.
 * @returns {Promise<void>}
 */
export async function sync() {
  if (state.draining) {
    state.again = true;
    return;
  }
  state.draining = true;
  document.documentElement.dataset.sync = 'busy'; // a hook for tests: 'idle' once done
  try {
    do {
      state.again = false;
      await withLock(async () => {
        const ok = await drain();
        if (ok && navigator.onLine && state.onDrained) await state.onDrained();
      });
    } while (state.again);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) authRequired();
    else if (!(error instanceof NetworkError || (error instanceof ApiError && error.status >= 500))) console.error(error);
    else if (navigator.onLine) scheduleRetry(); // offline, the `online` event resumes
  } finally {
    state.draining = false;
    document.documentElement.dataset.sync = 'idle';
  }
}

function scheduleRetry(delay = 0) {
  clearTimeout(state.timer);
  const backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** state.failures);
  state.failures += 1;
  state.timer = window.setTimeout(() => void sync(), Math.max(delay, backoff));
}

function authRequired() {
  if (!state.authBlocked) {
    state.authBlocked = true;
    emit('user', { signedOut: true });
  }
}

/** @param {Op} op */
function headersFor(op) {
  /** @type {Record<string, string>} */
  const headers = { 'Idempotency-Key': op.op_id };
  if (op.base_version != null) headers['If-Match'] = `"${op.base_version}"`;
  return headers;
}

/**
 * Sends queued ops in order until the outbox is empty or one must wait.
 * @returns {Promise<boolean>} true when nothing is left to send now
 */
async function drain() {
  if (state.authBlocked) return false;
  const db = await synclogDB();
  for (;;) {
    const ops = /** @type {Op[]} */ (await db.getAll('outbox'));
    const heldIds = new Set(ops.filter((op) => op.state === 'held').map((op) => op.id));
    const op = ops.find((candidate) => candidate.state === 'queued' && !heldIds.has(candidate.id));
    if (!op) {
      state.failures = 0;
      clearTimeout(state.timer);
      return true;
    }
    if (!navigator.onLine) return false; // the `online` event resumes
    let response;
    try {
      response = await request(`${collection(op)}/${op.id}`, {
        method: op.method,
        body: op.method === 'DELETE' ? undefined : op.data,
        contentType: op.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
        headers: headersFor(op),
      });
    } catch (error) {
      if (!(await handleFailure(op, error))) return false;
      continue;
    }
    await applySuccess(op, response.body);
    state.failures = 0;
  }
}

/**
 * Stores the server's answer and lets later ops of the same object build on it.
 * @param {Op} op @param {any} body
 */
async function applySuccess(op, body) {
  const db = await synclogDB();
  const store = op.type === 'goal' ? 'goals' : 'entries';
  const tx = db.transaction([store, 'outbox'], 'readwrite');
  const outbox = tx.store('outbox');
  outbox.delete(/** @type {number} */ (op.seq));
  const later = /** @type {Op[]} */ (await outbox.getAllFromIndex('object_id', op.id)).filter((other) => other.seq !== op.seq);
  if (body && typeof body === 'object' && body.id === op.id) {
    for (const other of later) {
      other.base_version = body.version;
      outbox.put(other);
    }
    const local = await tx.store(store).get(op.id);
    // A delete queued after this op already removed the object from the screen.
    if (local || !later.some((other) => other.method === 'DELETE')) {
      tx.store(store).put(withPending(body, later));
    }
  }
  await tx.done;
  emit('outbox');
  emit('data', { type: op.type, id: op.id });
}

/**
 * @param {Op} op @param {unknown} error
 * @returns {Promise<boolean>} true to go on with the next op at once
 */
async function handleFailure(op, error) {
  const db = await synclogDB();
  if (error instanceof NetworkError) {
    scheduleRetry();
    return false;
  }
  if (!(error instanceof ApiError)) throw error;
  const { status, problem } = error;
  if (status >= 500 || status === 429) {
    const retryAfter = Number(error.headers.get('Retry-After')) || 0;
    scheduleRetry(retryAfter * 1000);
    return false;
  }
  if (status === 401) {
    authRequired();
    return false;
  }
  if (status === 412 && op.attempts < 10) {
    await rebase(op, problem.current);
    return true;
  }
  if (status === 410 || (status === 404 && op.method === 'DELETE')) {
    await dropObject(op, status === 410);
    return true;
  }
  if (status === 409 && op.attempts < 10) {
    // The same Idempotency-Key is still in flight (a tab closed mid-request): wait for it.
    await bumpAttempts(op);
    scheduleRetry();
    return false;
  }
  // Validation and other client errors: keep the op aside and show it, never drop it.
  const tx = db.transaction('outbox', 'readwrite');
  tx.store('outbox').put({ ...op, state: 'held', error: problem, attempts: op.attempts + 1 });
  await tx.done;
  emit('outbox');
  notify(`A change could not be saved: ${problem.detail || problem.title || `error ${status}`}. It is kept under "Needs attention".`, 'error');
  return true;
}

/** @param {Op} op */
async function bumpAttempts(op) {
  const db = await synclogDB();
  await db.put('outbox', { ...op, attempts: op.attempts + 1 });
}

/**
 * 412: someone else changed the object. Put our change on top of theirs and retry.
 * @param {Op} op @param {any} current
 */
async function rebase(op, current) {
  const db = await synclogDB();
  const store = op.type === 'goal' ? 'goals' : 'entries';
  const tx = db.transaction([store, 'outbox'], 'readwrite');
  const outbox = tx.store('outbox');
  const rebased = { ...op, attempts: op.attempts + 1 };
  if (current && typeof current === 'object' && current.version != null) {
    rebased.base_version = current.version;
    if (op.method === 'PATCH' && op.data) {
      /** @type {Record<string, any>} */
      const data = {};
      /** @type {Record<string, any>} */
      const base = {};
      for (const [field, ours] of Object.entries(op.data)) {
        data[field] = rebaseField(field, op.base?.[field], ours, current[field]);
        base[field] = current[field] ?? null;
      }
      rebased.data = data;
      rebased.base = base;
    }
    const later = /** @type {Op[]} */ (await outbox.getAllFromIndex('object_id', op.id));
    const pending = later.map((other) => (other.seq === op.seq ? rebased : other));
    if (op.method !== 'DELETE' && !pending.some((other) => other.method === 'DELETE')) {
      tx.store(store).put(withPending(current, pending));
    }
  } else {
    // No current state to build on: last write wins.
    rebased.base_version = null;
  }
  outbox.put(rebased);
  await tx.done;
  emit('data', { type: op.type, id: op.id });
}

/**
 * 410: the object was deleted elsewhere. Drop every op for it and tell the user.
 * @param {Op} op @param {boolean} tell
 */
async function dropObject(op, tell) {
  const db = await synclogDB();
  const store = op.type === 'goal' ? 'goals' : 'entries';
  const tx = db.transaction([store, 'outbox'], 'readwrite');
  const outbox = tx.store('outbox');
  const ops = /** @type {Op[]} */ (await outbox.getAllFromIndex('object_id', op.id));
  for (const other of ops) outbox.delete(/** @type {number} */ (other.seq));
  tx.store(store).delete(op.id);
  await tx.done;
  emit('outbox');
  emit('data', { type: op.type, id: op.id });
  if (tell && op.method !== 'DELETE') {
    notify(
      op.type === 'goal'
        ? 'A goal you changed was deleted on another device, so your change was dropped.'
        : 'An entry you changed was deleted on another device, so your change was dropped.',
      'warning',
    );
  }
}

/** Puts a held op back in the queue. @param {number} seq */
export async function retryHeld(seq) {
  const db = await synclogDB();
  const op = await db.get('outbox', seq);
  if (op) await db.put('outbox', { ...op, state: 'queued', error: null });
  emit('outbox');
  void sync();
}

/** Gives up a held op and reloads the object from the server. @param {number} seq */
export async function discardHeld(seq) {
  const db = await synclogDB();
  const op = /** @type {Op | undefined} */ (await db.get('outbox', seq));
  if (!op) return;
  await db.delete('outbox', seq);
  emit('outbox');
  const store = op.type === 'goal' ? 'goals' : 'entries';
  try {
    const { body } = await request(`${collection(op)}/${op.id}`);
    await db.put(store, body);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 410)) await db.delete(store, op.id);
  }
  emit('data', { type: op.type, id: op.id });
}

/** Wires the drain triggers of SPEC §7. */
export function startDraining() {
  window.addEventListener('online', () => {
    state.failures = 0;
    void sync();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void sync();
  });
  navigator.serviceWorker?.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'drain') void sync();
  });
  void sync();
}
