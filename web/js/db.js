// @ts-check
/**
 * The Synclog database on this device, through idb (web/vendor/idb): the schema, the reads
 * the screens make and every write, each write one transaction. No other module touches
 * IndexedDB, so "a record and its outbox op change together" holds in this file alone.
 * What a write stores is decided by the pure rules of merge.js.
 */

import { openDB } from '../vendor/idb/index.js';
import { notify } from './events.js';
import { afterAnswer, isCreate, pulledChange, rebased, undoneBy } from './merge.js';

export const DB_NAME = 'synclog';
export const DB_VERSION = 1;

/** @typedef {import('./types.js').RecordType} RecordType */
/** @typedef {import('./types.js').Stored} Stored */
/** @typedef {import('./types.js').Op} Op */
/** @typedef {import('./types.js').Change} Change */
/** @typedef {import('./types.js').StoreName} StoreName */
/** @typedef {import('./types.js').Track} Track */

/** @type {StoreName[]} */
const ALL_STORES = ['goals', 'entries', 'outbox', 'meta'];
/** @type {IDBTransactionOptions} */
const STRICT = { durability: 'strict' };

/** @param {RecordType} type @returns {'goals' | 'entries'} */
const storeOf = (type) => (type === 'goal' ? 'goals' : 'entries');

/** @type {Promise<import('./types.js').Database> | null} */
let opening = null;

/** The database, opened once per page (again after the browser closed it). */
function database() {
  if (!opening) {
    opening = openDB(DB_NAME, DB_VERSION, { upgrade, blocked, blocking, terminated });
    opening.catch(() => {
      opening = null; // the callers see the rejection; the next call tries again
    });
  }
  return opening;
}

/**
 * Version 1: goals, entries by `local_date`, the outbox (by `op_id` and by object) and `meta`.
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
/** @returns {Promise<Stored[]>} */
export const allEntries = () => read('entries', (store) => store.getAll());
/** @param {string} localDate @returns {Promise<Stored[]>} */
export const entriesOn = (localDate) => read('entries', (store) => store.index('local_date').getAll(localDate));
/** @returns {Promise<Stored[]>} */
export const allGoals = () => read('goals', (store) => store.getAll());
/** @param {RecordType} type @param {string} id @returns {Promise<Stored | undefined>} */
export const readRecord = (type, id) => read(storeOf(type), (store) => store.get(id));
/** @returns {Promise<Op[]>} */
export const allOps = () => read('outbox', (store) => store.getAll());

/**
 * Runs `work` in one readwrite transaction and resolves with its result once that has
 * committed. `work` awaits the requests whose answers it needs and hands the others to
 * `track`; if anything fails, nothing of it is kept and the error is passed on.
 * @template T
 * @param {StoreName[]} stores
 * @param {(tx: import('./types.js').WriteTx, track: Track) => Promise<T>} work
 * @returns {Promise<T>}
 */
async function write(stores, work) {
  const tx = (await database()).transaction(stores, 'readwrite', STRICT);
  /** @type {Promise<unknown>[]} */
  const requests = [];
  /** @type {Track} */
  const track = (request) => {
    request.catch(() => {}); // handled: the first failure rejects the Promise.all below
    requests.push(request);
  };
  try {
    const result = await work(tx, track);
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
  return write([name, 'outbox'], async (tx, track) => {
    track(tx.objectStore(name).put(record));
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
  return write([name, 'outbox'], async (tx, track) => {
    const records = tx.objectStore(name);
    const current = await records.get(id);
    const decided = decide(current);
    if (!decided) return { record: current, queued: false };
    track(records.put(decided.record));
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
  return write([name, 'outbox'], async (tx, track) => {
    const records = tx.objectStore(name);
    const current = await records.get(id);
    track(records.delete(id));
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
  return write([name, 'outbox'], async (tx, track) => {
    const records = tx.objectStore(name);
    const outbox = tx.objectStore('outbox');
    const [current, ops] = await Promise.all([records.get(id), outbox.index('object_id').getAll(id)]);
    const how = undoneBy(current, ops);
    track(records.delete(id));
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
  return write([name, 'outbox', 'meta'], async (tx, track) => {
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
    if (after.record) track(tx.objectStore(name).put(after.record));
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
  return write([name, 'outbox'], async (tx, track) => {
    const outbox = tx.objectStore('outbox');
    const after = rebased(op, current, await outbox.index('object_id').getAll(op.id));
    track(outbox.put(after.op));
    if (after.record) track(tx.objectStore(name).put(after.record));
  });
}

/**
 * The object is gone on the server: its record and every op for it go too.
 * @param {Op} op
 */
export function dropObject(op) {
  const name = storeOf(op.type);
  return write([name, 'outbox'], async (tx, track) => {
    const outbox = tx.objectStore('outbox');
    for (const other of await outbox.index('object_id').getAll(op.id)) track(outbox.delete(/** @type {number} */ (other.seq)));
    track(tx.objectStore(name).delete(op.id));
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
  return write([name], async (tx, track) => {
    track(record ? tx.objectStore(name).put(record) : tx.objectStore(name).delete(id));
  });
}

/**
 * One page of /changes, with the cursor after it: each change is merged with what this
 * device still has queued (merge.js `pulledChange`), all in one transaction.
 * @param {{changes?: any[], next_cursor: string}} page
 * @returns {Promise<import('./types.js').Pulled[]>}
 */
export function applyChanges(page) {
  return write(ALL_STORES, async (tx, track) => {
    const outbox = tx.objectStore('outbox');
    const outcomes = [];
    for (const change of page.changes || []) {
      const records = tx.objectStore(storeOf(change.type));
      const [local, ops] = await Promise.all([records.get(change.id), outbox.index('object_id').getAll(change.id)]);
      const outcome = pulledChange(change, local, ops);
      if (outcome.record) track(records.put(outcome.record));
      if (outcome.remove) track(records.delete(change.id));
      if (outcome.dropOps) for (const op of ops) track(outbox.delete(/** @type {number} */ (op.seq)));
      outcomes.push(outcome);
    }
    track(tx.objectStore('meta').put(page.next_cursor, 'cursor'));
    return outcomes;
  });
}

/**
 * Stores the signed-in user. The ops of another account (signed in before, or signed out by the
 * server with ops unsent) are discarded with a warning, with that account's data (SPEC §7).
 * @param {Stored} user
 */
export async function saveUser(user) {
  const discarded = await write(ALL_STORES, async (tx, track) => {
    const meta = tx.objectStore('meta');
    const previous = (await meta.get('user')) || (await meta.get('owner'));
    let unsent = 0;
    if (previous && previous.id !== user.id) {
      unsent = await tx.objectStore('outbox').count();
      for (const name of ALL_STORES) track(tx.objectStore(name).clear());
    }
    track(meta.delete('owner'));
    track(meta.put(user, 'user'));
    return unsent;
  });
  if (discarded > 0) {
    const changes = discarded === 1 ? '1 unsent change' : `${discarded} unsent changes`;
    const were = discarded === 1 ? 'was' : 'were';
    notify(`Another account signed in on this device: ${changes} of the account signed in before ${were} discarded.`, 'warning');
  }
}

/**
 * The server signed this device out (a 401: password changed or session ended elsewhere).
 * Erases the account's data here but keeps the unsent ops and whose they are (`owner`: id and
 * email), so signing in to that account sends them and another account discards them (SPEC §7).
 */
export function forgetAccountData() {
  return write(ALL_STORES, async (tx, track) => {
    const meta = tx.objectStore('meta');
    const user = (await meta.get('user')) || (await meta.get('owner'));
    for (const name of /** @type {StoreName[]} */ (['goals', 'entries', 'meta'])) track(tx.objectStore(name).clear());
    if (user) track(meta.put({ id: user.id, email: user.email }, 'owner'));
  });
}

/** Forgets everything stored on this device (signing out). */
export function clearAll() {
  return write(ALL_STORES, async (tx, track) => {
    for (const name of ALL_STORES) track(tx.objectStore(name).clear());
  });
}
