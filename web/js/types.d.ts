// Shapes the PWA's modules share, for the type-check only (web/jsconfig.json): no browser loads
// this file, so its words cost the app shell nothing.

import type { IDBPDatabase, IDBPObjectStore, IDBPTransaction } from '../vendor/idb/index.js';

/** What the outbox and the stores are about. */
export type RecordType = 'entry' | 'goal' | 'pause';

/** An entry, goal or pause as the server shapes it (entries also keep `local_date`). */
export type Stored = Record<string, any>;

/** The signed-in person, as GET /me answers. */
export interface User {
  id: string;
  email?: string;
  display_name?: string;
  timezone: string;
  day_start_hour: number;
  week_start: string;
  grace_days: number;
}

/** A change made on this device, waiting in the outbox until the server has it (SPEC §7). */
export interface Op {
  /** The outbox's own key: the order ops are sent in. */
  seq?: number;
  /** Sent as Idempotency-Key. */
  op_id: string;
  type: RecordType;
  id: string;
  method: 'PUT' | 'PATCH' | 'DELETE';
  /** The body: the whole object for PUT, the changed fields for PATCH. */
  data?: Record<string, any>;
  /** What a PATCH's fields were before, for a three-way rebase after a 412. */
  base?: Record<string, any>;
  /** Sent as If-Match. */
  base_version: number | null;
  /** `held`: refused by the server, kept under "Needs attention". */
  state: 'queued' | 'held';
  attempts: number;
  /** The server's problem details when held. */
  error: any;
  queued_at: number;
  user_id?: string;
}

/** What a local write queues; db.js adds the rest of the op. */
export type Change = Omit<Op, 'seq' | 'op_id' | 'state' | 'attempts' | 'error' | 'queued_at'>;

/** The IndexedDB schema, version 3 (db.js `upgrade`). */
export type Schema = {
  goals: { key: string; value: Stored };
  entries: { key: string; value: Stored; indexes: { local_date: string; timeline: [string, string, string]; tags: string } };
  pauses: { key: string; value: Stored };
  outbox: { key: number; value: Op; indexes: { op_id: string; object_id: string } };
  meta: { key: string; value: any };
  days: { key: string; value: import('./derived.js').Day };
  search: { key: [string, string, string]; value: import('./derived.js').SearchRow };
};

export type StoreName = keyof Schema;
export type Database = IDBPDatabase<Schema>;
export type ReadStore<N extends StoreName> = IDBPObjectStore<Schema, N[], N>;
export type WriteTx = IDBPTransaction<Schema, StoreName[], 'readwrite'>;
export type UpgradeTx = IDBPTransaction<Schema, StoreName[], 'versionchange'>;
/** Hands a request whose answer is not needed to the commit of its transaction (db.js `write`). */
export type Track = (request: Promise<unknown>) => void;
/**
 * Stores `record` as the goal, entry or pause `id` of store `name` (null or undefined: deletes it),
 * `before` being what is stored now: entries move their `days` and `search` rows with them (db.js `write`).
 */
export type Keep = (name: StoreName, id: string, before: Stored | undefined, record: Stored | null | undefined) => void;

/**
 * What one pulled change does here: the record to store or whether to remove it, whether the
 * object's queued ops go, and what the person is told about.
 */
export interface Pulled {
  record?: Stored;
  remove?: boolean;
  dropOps?: boolean;
  changed: boolean;
  removedEntry?: boolean;
  lostChanges?: boolean;
}

/**
 * How a list renders its items by key (dom.js `renderList`): `create` makes an item's element
 * (the parts that last, such as its buttons), `update` fills it with the item, when it is new and
 * when it changed; `version`, when given, tells when an item changed, so an unchanged one is left alone.
 */
export interface Keyed<T> {
  key: (item: T) => string;
  create: (item: T) => Element;
  update: (element: Element, item: T) => void;
  version?: (item: T) => string;
}

/** What the app shell gives each screen. */
export interface AppContext {
  user: () => User | undefined;
  setUser: (user: User) => Promise<void>;
  signOut: () => Promise<void>;
  navigate: (route: string) => void;
}

/** A screen: `show` renders it and, when asked, moves focus to its heading. */
export interface View {
  show: (focus: boolean) => void | Promise<void>;
}
