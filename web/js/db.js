// @ts-check
/**
 * A thin promise wrapper over IndexedDB in the shape of jakearchibald/idb, plus the
 * Synclog schema: goals, entries, the outbox and a small key-value `meta` store.
 */

export const DB_NAME = 'synclog';
export const DB_VERSION = 1;

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
export function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** An object store whose requests return promises. */
export class Store {
  /** @param {IDBObjectStore} store */
  constructor(store) {
    this.raw = store;
  }
  /** @param {IDBValidKey} key @returns {Promise<any>} */
  get(key) {
    return promisify(this.raw.get(key));
  }
  /** @param {IDBValidKey | IDBKeyRange} [query] @returns {Promise<any[]>} */
  getAll(query) {
    return promisify(this.raw.getAll(query));
  }
  /** @param {string} index @param {IDBValidKey | IDBKeyRange} [query] @returns {Promise<any[]>} */
  getAllFromIndex(index, query) {
    return promisify(this.raw.index(index).getAll(query));
  }
  /** @param {any} value @param {IDBValidKey} [key] @returns {Promise<IDBValidKey>} */
  put(value, key) {
    return promisify(this.raw.put(value, key));
  }
  /** @param {IDBValidKey | IDBKeyRange} key @returns {Promise<undefined>} */
  delete(key) {
    return promisify(this.raw.delete(key));
  }
  /** @returns {Promise<undefined>} */
  clear() {
    return promisify(this.raw.clear());
  }
  /** @returns {Promise<number>} */
  count() {
    return promisify(this.raw.count());
  }
}

/** A transaction with `done`, which settles when it commits or aborts. */
export class Tx {
  /** @param {IDBTransaction} tx */
  constructor(tx) {
    this.raw = tx;
    /** @type {Promise<void>} */
    this.done = new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new DOMException('Transaction aborted', 'AbortError'));
    });
  }
  /** @param {string} name */
  store(name) {
    return new Store(this.raw.objectStore(name));
  }
  abort() {
    this.raw.abort();
  }
}

/** A database handle with one-shot helpers that each run in their own transaction. */
export class Database {
  /** @param {IDBDatabase} db */
  constructor(db) {
    this.raw = db;
  }
  /** @param {string | string[]} stores @param {IDBTransactionMode} [mode] */
  transaction(stores, mode = 'readonly') {
    return new Tx(this.raw.transaction(stores, mode, { durability: 'strict' }));
  }
  /** @param {string} store @param {IDBValidKey} key */
  async get(store, key) {
    return this.transaction(store).store(store).get(key);
  }
  /** @param {string} store @param {IDBValidKey | IDBKeyRange} [query] */
  async getAll(store, query) {
    return this.transaction(store).store(store).getAll(query);
  }
  /** @param {string} store @param {string} index @param {IDBValidKey | IDBKeyRange} [query] */
  async getAllFromIndex(store, index, query) {
    return this.transaction(store).store(store).getAllFromIndex(index, query);
  }
  /** @param {string} store @param {any} value @param {IDBValidKey} [key] */
  async put(store, value, key) {
    const tx = this.transaction(store, 'readwrite');
    const result = tx.store(store).put(value, key);
    await tx.done;
    return result;
  }
  /** @param {string} store @param {IDBValidKey} key */
  async delete(store, key) {
    const tx = this.transaction(store, 'readwrite');
    tx.store(store).delete(key);
    await tx.done;
  }
  /** @param {string} store */
  async count(store) {
    return this.transaction(store).store(store).count();
  }
  close() {
    this.raw.close();
  }
}

/**
 * @param {string} name
 * @param {number} version
 * @param {(db: IDBDatabase, oldVersion: number, tx: IDBTransaction) => void} upgrade
 * @returns {Promise<Database>}
 */
export function openDB(name, version, upgrade) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, version);
    request.onupgradeneeded = (event) => {
      upgrade(request.result, event.oldVersion, /** @type {IDBTransaction} */ (request.transaction));
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab wants a newer schema: step aside so it can upgrade.
      db.onversionchange = () => db.close();
      resolve(new Database(db));
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('The database is open in an older tab; close it and reload.'));
  });
}

/** @type {Promise<Database> | null} */
let opening = null;

/** The Synclog database, opened once per page. */
export function synclogDB() {
  if (!opening) {
    opening = openDB(DB_NAME, DB_VERSION, (db, oldVersion) => {
      if (oldVersion < 1) {
        db.createObjectStore('goals', { keyPath: 'id' });
        const entries = db.createObjectStore('entries', { keyPath: 'id' });
        entries.createIndex('local_date', 'local_date');
        const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        outbox.createIndex('op_id', 'op_id', { unique: true });
        outbox.createIndex('object_id', 'id');
        db.createObjectStore('meta');
      }
    });
  }
  return opening;
}
