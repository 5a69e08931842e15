// The PWA's search folds text as the server's `q` does: web/js/derived.js `searchable` against the
// golden cases made by app/entries/columns.py `searchable` (tests/golden/search_fold_cases.json).
// Run by `node --test tests/web/` (make test).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { searchable } from '../../web/js/derived.js';

const golden = JSON.parse(readFileSync(new URL('../golden/search_fold_cases.json', import.meta.url), 'utf8'));

test('the golden file has cases with accents, ligatures and other scripts', () => {
  assert.ok(golden.cases.length >= 20, String(golden.cases.length));
});

for (const c of golden.cases) {
  test(JSON.stringify(c.text), () => {
    assert.equal(searchable(c.text), c.searchable);
  });
}
