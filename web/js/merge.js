// @ts-check
/**
 * How a server state, the changes this device still has queued and a pulled change
 * combine (SPEC §7). Pure: no IndexedDB, no network; db.js stores what these return.
 */

/** @typedef {import('./types.js').Op} Op */
/** @typedef {import('./types.js').Stored} Stored */
/** @typedef {import('./types.js').Pulled} Pulled */

const ARRAY_FIELDS = ['tags', 'people', 'goal_ids'];

/** @param {any} a @param {any} b */
export function same(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * The fields of `changes` that differ from `current` (`data`), with what they were
 * (`base`, what a later rebase merges against).
 * @param {Stored} current @param {Record<string, any>} changes
 */
export function changedFields(current, changes) {
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
  return { data, base };
}

/**
 * Replays the changes of queued ops over a server state, for display while they wait.
 * @param {Stored} serverState @param {Op[]} ops
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

/**
 * After the server took `op`: the object's later ops build on the answer's version, and
 * the answer (with those ops replayed) is stored, unless a queued delete already removed it.
 * @param {Op} op @param {any} body @param {Stored | undefined} local @param {Op[]} later
 * @returns {{later: Op[], record: Stored | null}}
 */
export function afterAnswer(op, body, local, later) {
  if (!body || typeof body !== 'object' || body.id !== op.id) return { later: [], record: null };
  const record = local || !later.some((other) => other.method === 'DELETE') ? withPending(body, later) : null;
  return { later: later.map((other) => ({ ...other, base_version: body.version })), record };
}

/**
 * 412: someone else changed the object. Our op goes on top of their `current` state (a
 * patch field by field), and the record shows it with every op still queued (`pending`).
 * @param {Op} op @param {any} current @param {Op[]} pending
 * @returns {{op: Op, record: Stored | null}}
 */
export function rebased(op, current, pending) {
  if (!current || typeof current !== 'object' || current.version == null) {
    // No current state to build on: last write wins.
    return { op: { ...op, attempts: op.attempts + 1, base_version: null }, record: null };
  }
  const again = { ...op, attempts: op.attempts + 1, base_version: current.version };
  if (op.method === 'PATCH' && op.data) {
    /** @type {Record<string, any>} */
    const data = {};
    /** @type {Record<string, any>} */
    const base = {};
    for (const [field, ours] of Object.entries(op.data)) {
      data[field] = rebaseField(field, op.base?.[field], ours, current[field]);
      base[field] = current[field] ?? null;
    }
    again.data = data;
    again.base = base;
  }
  const queued = pending.map((other) => (other.seq === op.seq ? again : other));
  const shown = op.method !== 'DELETE' && !queued.some((other) => other.method === 'DELETE');
  return { op: again, record: shown ? withPending(current, queued) : null };
}

/**
 * What a change from /changes does to the local copy, given the ops still queued for
 * the same object: a deletion wins (and drops those ops); an older version than ours,
 * or an object being deleted here, is left alone; otherwise the queued ops are replayed on it.
 * @param {{type: string, id: string, deleted?: boolean, version?: number, data?: Stored}} change
 * @param {Stored | undefined} local @param {Op[]} ops
 * @returns {Pulled}
 */
export function pulledChange(change, local, ops) {
  if (change.deleted) {
    return {
      remove: Boolean(local),
      dropOps: ops.length > 0,
      changed: true,
      removedEntry: Boolean(local) && change.type === 'entry',
      lostChanges: ops.some((op) => op.method !== 'DELETE'),
    };
  }
  if (local && local.version != null && change.version !== undefined && local.version > change.version) return { changed: false };
  if (ops.some((op) => op.method === 'DELETE')) return { changed: false }; // deleted here, on its way
  const data = /** @type {Stored} */ (change.data);
  return { record: ops.length ? withPending(data, ops) : data, changed: true };
}

/**
 * An op that creates its object: a PUT sent before the server had it.
 * @param {Op} op
 */
export const isCreate = (op) => op.method === 'PUT' && op.base_version === null;

/**
 * Undo of a record just made here: while its ops are all still queued and the first creates it,
 * nothing of it has reached the server, so the ops go with it (`drop`); otherwise it is deleted
 * like any other (`delete`, a DELETE op).
 * @param {Stored | undefined} local @param {Op[]} ops the object's ops, oldest first
 * @returns {'drop' | 'delete'}
 */
export function undoneBy(local, ops) {
  const unsent = Boolean(local) && local?.version == null && ops.length > 0 && isCreate(ops[0]);
  return unsent && ops.every((op) => op.state === 'queued') ? 'drop' : 'delete';
}
