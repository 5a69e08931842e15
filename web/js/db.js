// @ts-check
/**
 * This device's database, through idb (vendor/idb): the schema, reads (timeline pages:
 * db-pages.js) and every write, each one transaction. Only this file writes, so "a record
 * and its outbox op change together" holds here. merge.js decides what is stored.
 */

import { openDB } from '../vendor/idb/index.js';
import { notify } from './events.js';
import { afterAnswer, isCreate, rebased, undoneBy } from './merge.js';

export const DB_NAME = 'synclog';
export const DB_VERSION = 4;

/** @typedef {import('./types.js').RecordType} RecordType */
/** @typedef {import('./types.js').Stored} Stored */
/** @typedef {import('./types.js').Op} Op */
/** @typedef {import('./types.js').Change} Change */
/** @typedef {import('./types.js').StoreName} StoreName */
/** @typedef {import('./types.js').Track} Track */
/** @typedef {import('./types.js').Keep} Keep */

/** @type {StoreName[]} */
export const ALL_STORES = ['goals', 'entries', 'pauses', 'outbox', 'meta', 'days', 'search'];
/** @type {IDBTransactionOptions} */
const STRICT = { durability: 'strict' };

/** @param {RecordType} type @returns {'goals' | 'entries' | 'pauses'} */
export const storeOf = (type) => (type === 'entry' ? 'entries' : `${type}s`);

/** @type {Promise<import('./types.js').Database> | null} */
let opening = null;

/** The database, opened once per page (again after the browser closed it). */
export function database() {
  if (!opening) {
    opening = openDB(DB_NAME, DB_VERSION, { upgrade, blocked, blocking, terminated });
    opening.catch(() => {
      opening = null; // the callers see the rejection; the next call tries again
    });
  }
  return opening;
}

/**
 * 1: goals, entries by `local_date`, the outbox (by `op_id`, object), `meta`; 2: timeline, tags, pauses
 * (pulled again from the start of /changes: the cursor was past them); 3: `days`, `search` (derived.js);
 * 4: search rows folded accent-insensitively (`searchable`), so the ones kept are made again.
 * @param {import('./types.js').Database} db @param {number} oldVersion @param {number | null} _newVersion
 * @param {import('./types.js').UpgradeTx} transaction
 */
function upgrade(db, oldVersion, _newVersion, transaction) {
  transaction.done.catch(() => {}); // a failed upgrade rejects the open itself
  if (oldVersion < 1) {
    db.createObjectStore('goals', { keyPath: 'id' });
    const entries = db.createObjectStore('entries', { keyPath: 'id' });
    entries.createIndex('local_date', 'local_date');
    const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    outbox.createIndex('op_id', 'op_id', { unique: true });
    outbox.createIndex('object_id', 'id');
    db.createObjectStore('meta');
  }
  if (oldVersion < 2) {
    const store = transaction.objectStore('entries');
    store.createIndex('timeline', ['local_date', 'occurred_at', 'id']);
    store.createIndex('tags', 'tags', { multiEntry: true });
    db.createObjectStore('pauses', { keyPath: 'id' });
    void transaction.objectStore('meta').delete('cursor');
  }
  if (oldVersion < 3) {
    db.createObjectStore('days', { keyPath: 'local_date' });
    db.createObjectStore('search');
  }
  // The derived stores, made again from the kept entries by db-derived.js on first use.
  if (oldVersion && oldVersion < 4) void transaction.objectStore('meta').put(true, 'refill');
}

function blocked() {
  notify('The database is open in an older tab; close it and reload.', 'warning');
}

/** Another tab wants a newer schema: step aside so it can upgrade. */
function blocking() {
  const closing = opening;
  opening = null;
  void closing?.then((db) => db.close());
}

function terminated() {
  opening = null;
}

/**
 * One read in its own transaction; settles once the request and the transaction both
 * have, so neither rejection goes unhandled.
 * @template T
 * @template {StoreName} N
 * @param {N} name
 * @param {(store: import('./types.js').ReadStore<N>) => Promise<T>} request
 * @returns {Promise<T>}
 */
async function read(name, request) {
  const tx = (await database()).transaction([name], 'readonly');
  const [result] = await Promise.all([request(tx.objectStore(name)), tx.done]);
  return result;
}

/** @param {string} key */
export const readMeta = (key) => read('meta', (store) => store.get(key));
/** @param {string} localDate @returns {Promise<Stored[]>} */
export const entriesOn = (localDate) => read('entries', (store) => store.index('local_date').getAll(localDate));
/** @returns {Promise<Stored[]>} */
export const allGoals = () => read('goals', (store) => store.getAll());
/** @returns {Promise<Op[]>} */
export const allOps = () => read('outbox', (store) => store.getAll());

/**
 * Runs `work` in one readwrite transaction and resolves with its result once that has
 * committed. `work` awaits the requests whose answers it needs and hands the others to
 * `track`, and stores goals, entries and pauses through `keep` (entries move their `days` and
 * `search` rows along). If anything fails, nothing of it is kept and the error is passed on.
 * @template T
 * @param {StoreName[]} stores
 * @param {(tx: import('./types.js').WriteTx, track: Track, keep: Keep) => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function write(stores, work) {
  const derived = stores.includes('entries') ? await import('./derived.js') : null;
  const scope = derived ? /** @type {StoreName[]} */ ([...new Set([...stores, 'days', 'search'])]) : stores;
  const tx = (await database()).transaction(scope, 'readwrite', STRICT);
  /** @type {Promise<unknown>[]} */
  const requests = [];
  /** @type {Track} */
  const track = (request) => {
    request.catch(() => {}); // handled: the first failure rejects the Promise.all below
    requests.push(request);
  };
  const moved = new Map();
  /** @type {Keep} */
  const keep = (name, id, before, record) => {
    if (derived && name === 'entries') derived.keepEntry(tx, track, moved, before, record);
    track(record ? tx.objectStore(name).put(record) : tx.objectStore(name).delete(id));
  };
  try {
    const result = await work(tx, track, keep);
    derived?.moveDays(tx, track, moved);
    await Promise.all([...requests, tx.done]);
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished (a failed request aborts it by itself).
    }
    await tx.done.catch(() => {});
    throw error;
  }
}

/** @param {Change} change @returns {Op} */
function newOp(change) {
  return { ...change, op_id: crypto.randomUUID(), state: 'queued', attempts: 0, error: null, queued_at: Date.now() };
}

/**
 * A record made on this device and the op that sends it, stored together.
 * @param {Stored} record @param {Change} change
 */
export function saveLocal(record, change) {
  const name = storeOf(change.type);
  return write([name, 'outbox'], async (tx, track, keep) => {
    keep(name, change.id, await tx.objectStore(name).get(change.id), record);
    track(tx.objectStore('outbox').add(newOp(change)));
  });
}

/**
 * Changes a stored record: `decide` gets it as stored (or undefined) and returns the new
 * record with the op that carries the change, or null when nothing changes; it may throw.
 * @param {RecordType} type @param {string} id
 * @param {(current: Stored | undefined) => {record: Stored, change: Change} | null} decide
 * @returns {Promise<{record: Stored | undefined, queued: boolean}>}
 */
export function updateLocal(type, id, decide) {
  const name = storeOf(type);
  return write([name, 'outbox'], async (tx, track, keep) => {
    const current = await tx.objectStore(name).get(id);
    const decided = decide(current);
    if (!decided) return { record: current, queued: false };
    keep(name, id, current, decided.record);
    track(tx.objectStore('outbox').add(newOp(decided.change)));
    return { record: decided.record, queued: true };
  });
}

/**
 * Deletes a record here and queues its deletion.
 * @param {RecordType} type @param {string} id @param {(current: Stored | undefined) => Change} change
 */
export function deleteLocal(type, id, change) {
  const name = storeOf(type);
  return write([name, 'outbox'], async (tx, track, keep) => {
    const current = await tx.objectStore(name).get(id);
    keep(name, id, current, null);
    track(tx.objectStore('outbox').add(newOp(change(current))));
  });
}

/**
 * Undoes a record just made here (merge.js `undoneBy`): an unsent create leaves with its ops;
 * anything the server may have is deleted, its DELETE queued. Resolves with what was done.
 * @param {RecordType} type @param {string} id @param {(current: Stored | undefined) => Change} change
 * @returns {Promise<'drop' | 'delete'>}
 */
export function undoLocal(type, id, change) {
  const name = storeOf(type);
  return write([name, 'outbox'], async (tx, track, keep) => {
    const outbox = tx.objectStore('outbox');
    const [current, ops] = await Promise.all([tx.objectStore(name).get(id), outbox.index('object_id').getAll(id)]);
    const how = undoneBy(current, ops);
    keep(name, id, current, null);
    if (how === 'drop') for (const op of ops) track(outbox.delete(/** @type {number} */ (op.seq)));
    else track(outbox.add(newOp(change(current))));
    return how;
  });
}

/**
 * The server took an op: it leaves the outbox, its answer becomes the stored record and
 * the object's later ops build on the answer's version.
 * @param {Op} op @param {any} body
 */
export function settleOp(op, body) {
  const name = storeOf(op.type);
  return write([name, 'outbox', 'meta'], async (tx, track, keep) => {
    const outbox = tx.objectStore('outbox');
    const stillQueued = await outbox.get(/** @type {number} */ (op.seq));
    track(outbox.delete(/** @type {number} */ (op.seq)));
    const [queued, local] = await Promise.all([outbox.index('object_id').getAll(op.id), tx.objectStore(name).get(op.id)]);
    if (!stillQueued && !local && isCreate(op) && body?.id === op.id && (await tx.objectStore('meta').get('user'))) {
      // Undone while its create was on the way: the server has it now, so it is deleted there too.
      track(outbox.add(newOp({ type: op.type, id: op.id, method: 'DELETE', base_version: body.version, user_id: op.user_id })));
      return;
    }
    const after = afterAnswer(op, body, local, queued.filter((other) => other.seq !== op.seq));
    for (const other of after.later) track(outbox.put(other));
    if (after.record) keep(name, op.id, local, after.record);
  });
}

/**
 * A refused op waits under "Needs attention" with the server's problem.
 * @param {Op} op @param {any} problem
 */
export function holdOp(op, problem) {
  return write(['outbox'], async (tx, track) => {
    track(tx.objectStore('outbox').put({ ...op, state: 'held', error: problem, attempts: op.attempts + 1 }));
  });
}

/** @param {Op} op */
export function countAttempt(op) {
  return write(['outbox'], async (tx, track) => {
    track(tx.objectStore('outbox').put({ ...op, attempts: op.attempts + 1 }));
  });
}

/**
 * 412: the op is put on top of the server's `current` state, and the record shows both.
 * @param {Op} op @param {any} current
 */
export function rebaseOp(op, current) {
  const name = storeOf(op.type);
  return write([name, 'outbox'], async (tx, track, keep) => {
    const outbox = tx.objectStore('outbox');
    const [ops, local] = await Promise.all([outbox.index('object_id').getAll(op.id), tx.objectStore(name).get(op.id)]);
    const after = rebased(op, current, ops);
    track(outbox.put(after.op));
    if (after.record) keep(name, op.id, local, after.record);
  });
}

/**
 * The object is gone on the server: its record and every op for it go too.
 * @param {Op} op
 */
export function dropObject(op) {
  const name = storeOf(op.type);
  return write([name, 'outbox'], async (tx, track, keep) => {
    const outbox = tx.objectStore('outbox');
    const [ops, local] = await Promise.all([outbox.index('object_id').getAll(op.id), tx.objectStore(name).get(op.id)]);
    for (const other of ops) track(outbox.delete(/** @type {number} */ (other.seq)));
    keep(name, op.id, local, null);
  });
}

/** Puts a held op back in the queue. @param {number} seq */
export function requeueOp(seq) {
  return write(['outbox'], async (tx, track) => {
    const outbox = tx.objectStore('outbox');
    const op = await outbox.get(seq);
    if (op) track(outbox.put({ ...op, state: 'queued', error: null }));
  });
}

/** Takes an op out of the outbox unsent. @param {number} seq @returns {Promise<Op | undefined>} */
export function discardOp(seq) {
  return write(['outbox'], async (tx, track) => {
    const outbox = tx.objectStore('outbox');
    const op = await outbox.get(seq);
    if (op) track(outbox.delete(seq));
    return op;
  });
}

/**
 * The server's state of one object, or null when the server no longer has it.
 * @param {RecordType} type @param {string} id @param {Stored | null} record
 */
export function replaceRecord(type, id, record) {
  const name = storeOf(type);
  return write([name], async (tx, _track, keep) => {
    keep(name, id, await tx.objectStore(name).get(id), record);
  });
}
