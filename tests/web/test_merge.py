"""The rules of web/js/merge.js (SPEC §7), run in Node.js: the module is pure, so it needs no browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.web.conftest import REPO, required_tool

CASES = """
import * as merge from './web/js/merge.js';
const op = (fields) => ({ op_id: 'o', type: 'entry', id: 'e1', state: 'queued', attempts: 0, error: null,
  queued_at: 0, base_version: 1, ...fields });
const patch = op({ seq: 1, method: 'PATCH', data: { tags: ['phone'], note: 'ours' },
  base: { tags: ['sea'], note: '' } });
const put = op({ seq: 1, method: 'PUT' });
const laterPatch = op({ seq: 2, method: 'PATCH', data: { note: 'later' } });
const laterDelete = op({ seq: 2, method: 'DELETE' });
const server = { id: 'e1', version: 3, tags: ['sea', 'desk'], note: 'theirs', meaning: 'kept' };
console.log(JSON.stringify({
  changed: merge.changedFields({ note: 'a', tags: ['x'] }, { note: 'a', tags: ['x', 'y'] }),
  rebased: merge.rebased(patch, server, [patch]),
  lastWriteWins: merge.rebased(patch, null, [patch]).op.base_version,
  answered: merge.afterAnswer(put, server, undefined, [laterPatch]),
  answeredThenDeleted: merge.afterAnswer(put, server, undefined, [laterDelete]).record,
  deleted: merge.pulledChange({ type: 'entry', id: 'e1', deleted: true }, server, [patch]),
  older: merge.pulledChange({ type: 'entry', id: 'e1', version: 2, data: {} }, server, []),
  replayed: merge.pulledChange({ type: 'entry', id: 'e1', version: 4, data: server }, server, [patch]).record,
}));
"""


def run_cases() -> dict[str, Any]:
    node = required_tool(Path(found) if (found := shutil.which("node")) else None, "Node.js")
    result = subprocess.run(  # noqa: S603 - node on our own module
        [str(node), "--input-type=module", "-e", CASES],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def test_the_merge_rules_need_no_browser_and_hold() -> None:
    got = run_cases()
    assert got["changed"] == {"data": {"tags": ["x", "y"]}, "base": {"tags": ["x"]}}
    # A rebase keeps their additions and ours, drops what we removed, and builds on their version.
    assert got["rebased"]["op"]["data"] == {"tags": ["desk", "phone"], "note": "ours"}
    assert got["rebased"]["op"]["base"] == {"tags": ["sea", "desk"], "note": "theirs"}
    assert got["rebased"]["op"]["base_version"] == 3
    assert got["rebased"]["op"]["attempts"] == 1
    assert (got["rebased"]["record"]["tags"], got["rebased"]["record"]["meaning"]) == (["desk", "phone"], "kept")
    assert got["lastWriteWins"] is None
    assert got["answered"]["later"][0]["base_version"] == 3
    assert got["answered"]["record"]["note"] == "later"
    assert got["answeredThenDeleted"] is None
    assert got["deleted"] == {
        "remove": True,
        "dropOps": True,
        "changed": True,
        "removedEntry": True,
        "lostChanges": True,
    }
    assert got["older"] == {"changed": False}
    assert got["replayed"]["note"] == "ours"
