// @ts-check
// Generated from app/entries/kinds.py by tests/web/test_kinds.py (SYNCLOG_UPDATE_GOLDEN=1); do not edit.

/** The kinds of synchronicity in the order the screens offer them, each with its label. */
export const KINDS = /** @type {const} */ ([
  ["other", "Other"],
  ["thought_then_met", "Thought of them, then met"],
  ["shared_date", "Shared date"],
  ["shared_interest", "Shared interest"],
  ["number", "Number"],
  ["name_or_word", "Name or word"],
  ["dream", "Dream"],
  ["overheard", "Overheard"],
  ["symbol", "Symbol"],
  ["timing", "Timing"],
]);

/** The label of a kind; an unknown kind is shown as it is. @param {string} kind */
export function kindLabel(kind) {
  const found = KINDS.find(([value]) => value === kind);
  return found ? found[1] : kind;
}
