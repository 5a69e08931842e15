// @ts-check
/**
 * The outbox: changes made on this device wait here until the server has them.
 * Each op is sent with its op_id as Idempotency-Key, in order, by one tab at a time
 * (Web Locks); the SPEC §7 rules decide what happens on each kind of answer.
 */

import { ApiError, NetworkError, collection, request } from './api.js';
import { allOps, countAttempt, discardOp, dropObject as dropStored, holdOp, rebaseOp, replaceRecord, requeueOp, settleOp } from './db.js';
import { emit, notify } from './events.js';

/** @typedef {import('./types.js').Op} Op */

export const LOCK_NAME = 'synclog-sync';
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

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

/** Something was queued: drain now, and ask for Background Sync as one more trigger. */
export function sendSoon() {
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

/**
 * Sends queued ops in order until the outbox is empty or one must wait.
 * @returns {Promise<boolean>} true when nothing is left to send now
 */
async function drain() {
  if (state.authBlocked) return false;
  for (;;) {
    const op = nextOp(await allOps());
    if (!op) {
      state.failures = 0;
      clearTimeout(state.timer);
      return true;
    }
    if (!navigator.onLine) return false; // the `online` event resumes
    let response;
    try {
      response = await send(op);
    } catch (error) {
      if (!(await handleFailure(op, error))) return false;
      continue;
    }
    await settleOp(op, response.body);
    emit('outbox');
    emit('data', { type: op.type, id: op.id });
    state.failures = 0;
  }
}

/** The first queued op whose object has no held op. @param {Op[]} ops */
function nextOp(ops) {
  const heldIds = new Set(ops.filter((op) => op.state === 'held').map((op) => op.id));
  return ops.find((candidate) => candidate.state === 'queued' && !heldIds.has(candidate.id));
}

/** One op as its request, its op_id as Idempotency-Key. @param {Op} op */
function send(op) {
  /** @type {Record<string, string>} */
  const headers = { 'Idempotency-Key': op.op_id };
  if (op.base_version != null) headers['If-Match'] = `"${op.base_version}"`;
  return request(`${collection(op)}/${op.id}`, {
    method: op.method,
    body: op.method === 'DELETE' ? undefined : op.data,
    contentType: op.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
    headers,
  });
}

/**
 * @param {Op} op @param {unknown} error
 * @returns {Promise<boolean>} true to go on with the next op at once
 */
async function handleFailure(op, error) {
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
    // Someone else changed the object: put our change on top of theirs and retry.
    await rebaseOp(op, problem.current);
    emit('data', { type: op.type, id: op.id });
    return true;
  }
  if (status === 410 || (status === 404 && op.method === 'DELETE')) {
    await dropObject(op, status === 410);
    return true;
  }
  if (status === 409 && op.attempts < 10) {
    // The same Idempotency-Key is still in flight (a tab closed mid-request): wait for it.
    await countAttempt(op);
    scheduleRetry();
    return false;
  }
  // Validation and other client errors: keep the op aside and show it, never drop it.
  await holdOp(op, problem);
  emit('outbox');
  notify(`A change could not be saved: ${problem.detail || problem.title || `error ${status}`}. It is kept under "Needs attention".`, 'error');
  return true;
}

/**
 * 410: the object was deleted elsewhere. Drop every op for it and tell the user.
 * @param {Op} op @param {boolean} tell
 */
async function dropObject(op, tell) {
  await dropStored(op);
  emit('outbox');
  emit('data', { type: op.type, id: op.id });
  if (tell && op.method !== 'DELETE') {
    notify(`${op.type === 'entry' ? 'An entry' : `A ${op.type}`} you changed was deleted on another device, so your change was dropped.`, 'warning');
  }
}

/** Puts a held op back in the queue. @param {number} seq */
export async function retryHeld(seq) {
  await requeueOp(seq);
  emit('outbox');
  void sync();
}

/** Gives up a held op and reloads the object from the server. @param {number} seq */
export async function discardHeld(seq) {
  const op = await discardOp(seq);
  if (!op) return;
  emit('outbox');
  try {
    const { body } = await request(`${collection(op)}/${op.id}`);
    await replaceRecord(op.type, op.id, body);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 410)) await replaceRecord(op.type, op.id, null);
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
