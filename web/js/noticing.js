// @ts-check
/**
 * What the practice of noticing asks of the server (SPEC §4): people and tags with their
 * counts, renames and merges, an entry's echoes and the insights of a range; and the
 * people/tag suggestions of the entry form. Loaded with the screens that use it, never at
 * start-up.
 *
 * Suggestions come from the server's `GET /people` and `GET /tags` (most used first, 200 of
 * each), read when a form opens after a change and kept in localStorage, then matched here on every keystroke: the phone
 * never reads the whole entries store for them (SPEC §7 "Large logs"), the names are spelled
 * and counted as the rename list and Insights show them, and the last list read still
 * answers offline.
 */

import { NetworkError, request } from './api.js';
import { h, splitList } from './dom.js';
import { on } from './events.js';

/** @typedef {{name: string, count: number, last: string}} NameUse */
/** @typedef {'people' | 'tags'} NameKind */

const KEPT = 200;
/** @type {Partial<Record<NameKind, Promise<NameUse[]>>>} */
const loading = {};
// After a change here or a pull, the next form asks again (names may have come or gone).
on('data', () => {
  delete loading.people;
  delete loading.tags;
});

/** @param {NameKind} kind @param {number} [limit] @returns {Promise<NameUse[]>} */
export async function listNames(kind, limit = KEPT) {
  return (await request(`/${kind}?limit=${limit}`)).body.data;
}

/**
 * Renames (or, when `to` is already used, merges) a person or tag in every entry (200 `{changed}`).
 * @param {NameKind} kind @param {string} from @param {string} to @returns {Promise<{changed: number}>}
 */
export async function rename(kind, from, to) {
  const key = crypto.randomUUID();
  const answer = await request(`/${kind}/rename`, { method: 'POST', body: { from, to }, headers: { 'Idempotency-Key': key } });
  delete loading[kind];
  return answer.body;
}

/** @param {string} id @returns {Promise<{entry: any, reasons: {type: string, name: string}[]}[]>} */
export async function echoesOf(id) {
  return (await request(`/entries/${encodeURIComponent(id)}/echoes?limit=20`)).body.data;
}

/** GET /insights for local dates `from`..`to` (inclusive). @param {string} from @param {string} to */
export async function insightsOf(from, to) {
  return (await request(`/insights?${new URLSearchParams({ from, to })}`)).body;
}

/** Case- and accent-insensitive form of a name, as the server compares prefixes. @param {string} text */
export function fold(text) {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/** The person's names of one kind: from the server when online, else as last read. @param {NameKind} kind */
function knownNames(kind) {
  loading[kind] ||= listNames(kind).then(
    (names) => {
      localStorage.setItem(`synclog-${kind}`, JSON.stringify(names));
      return names;
    },
    (error) => {
      delete loading[kind];
      if (!(error instanceof NetworkError)) console.warn(`${kind} not read`, error);
      return JSON.parse(localStorage.getItem(`synclog-${kind}`) || '[]');
    },
  );
  return /** @type {Promise<NameUse[]>} */ (loading[kind]);
}

/**
 * Up to `limit` names starting with `prefix` (folded), most used first, leaving out `taken`.
 * @param {NameUse[]} names @param {string} prefix @param {string[]} taken @param {number} [limit]
 */
export function suggest(names, prefix, taken, limit = 6) {
  const start = fold(prefix.trim());
  const used = new Set(taken.map(fold));
  return names.filter((use) => fold(use.name).startsWith(start) && !used.has(fold(use.name))).slice(0, limit);
}

/**
 * Buttons under a comma-separated people or tags field offering names used before: the
 * last, unfinished part of the text is the prefix; a choice completes it.
 * @param {HTMLInputElement} input @param {NameKind} kind @param {string} label e.g. "Suggested people"
 */
export function offerNames(input, kind, label) {
  const list = h('div', { class: 'actions suggestions', role: 'group', 'aria-label': label });
  const names = knownNames(kind);
  const draw = async () => {
    const parts = input.value.split(',');
    const typed = parts[parts.length - 1];
    const found = typed.trim() ? suggest(await names, typed, splitList(parts.slice(0, -1).join(','))) : [];
    list.replaceChildren(
      ...found.map((use) => h('button', { type: 'button', onclick: () => choose(use.name) }, use.name)),
    );
  };
  /** @param {string} name */
  const choose = (name) => {
    const parts = input.value.split(',').slice(0, -1).map((part) => part.trim()).filter(Boolean);
    input.value = `${[...parts, name].join(', ')}, `;
    list.replaceChildren();
    input.focus();
  };
  input.addEventListener('input', () => void draw());
  return list;
}
