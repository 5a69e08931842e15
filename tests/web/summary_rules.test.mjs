// The PWA's summary rules (web/js/summary.js) answer every golden case (tests/golden/summary_cases.json)
// as the server's Python rules do, and time.js puts each entry on its golden local_date.
// Run by `node --test tests/web/` (make test).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { daysOf } from '../../web/js/derived.js';
import { heatmap, momentumHistory, summarize } from '../../web/js/summary.js';
import { localDate } from '../../web/js/time.js';

const golden = JSON.parse(readFileSync(new URL('../golden/summary_cases.json', import.meta.url), 'utf8'));

test('the golden file has at least 200 cases', () => {
  assert.ok(golden.cases.length >= 200, String(golden.cases.length));
});

for (const c of golden.cases) {
  test(c.name, () => {
    const { settings, goals, entries, pauses } = c;
    for (const entry of entries) {
      assert.equal(localDate(new Date(entry.occurred_at), entry.timezone, settings.day_start_hour), entry.local_date, entry.occurred_at);
    }
    const days = daysOf(entries); // what db.js keeps in its `days` store
    assert.deepEqual(summarize({ days, goals, pauses, settings, asOf: c.as_of }), c.expected.summary);
    assert.deepEqual(heatmap(days, c.expected.heatmap.from, c.expected.heatmap.to), c.expected.heatmap);
    for (const history of c.expected.history) {
      const goal = goals.find((/** @type {any} */ g) => g.id === history.goal_id) || null;
      const { from, to, bucket } = history;
      assert.deepEqual(momentumHistory({ days, pauses, settings, goal, from, to, bucket }), history);
    }
  });
}
