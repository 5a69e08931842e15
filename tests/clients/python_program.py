"""A third-party program on the client that openapi-python-client generates from Synclog's OpenAPI document.

``python python_program.py BASE_URL TOKEN``, with the generated ``synclog_client`` importable: creates a goal,
logs two entries, pages the timeline, sends a PATCH with a stale ``If-Match`` and reads ``current``, follows
``/changes`` and pushes a batch; prints what it saw as one JSON object (tests/clients/test_generated_clients.py
checks it, and type-checks this file with ``mypy --strict``).
"""

from __future__ import annotations

import json
import sys
import uuid
from typing import Any

from synclog_client import AuthenticatedClient
from synclog_client.api.entries import create_entry, list_entries, patch_entry
from synclog_client.api.goals import create_goal
from synclog_client.api.sync import list_changes, push
from synclog_client.models import (
    ChangesPage,
    EntryChange,
    EntryCreate,
    EntryOp,
    EntryOpMethod,
    EntryPage,
    EntryPatch,
    EntryPublic,
    EntryReplace,
    GoalChange,
    GoalCreate,
    GoalPublic,
    PreconditionFailedProblem,
    Problem,
    PushRequest,
    PushResponse,
)
from synclog_client.types import UNSET


def main(base_url: str, token: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    with AuthenticatedClient(base_url=base_url, token=token) as client:
        goal = create_goal.sync(client=client, body=GoalCreate(title="Swim"))
        assert isinstance(goal, GoalPublic)
        first = create_entry.sync(client=client, body=EntryCreate(note="a heron", goal_ids=[goal.id]))
        second = create_entry.sync(client=client, body=EntryCreate(note="a heron again", intensity=4))
        assert isinstance(first, EntryPublic) and isinstance(second, EntryPublic)

        notes: list[str] = []
        cursor: str | None = None
        while True:  # the timeline, a page of one at a time
            page = list_entries.sync(client=client, limit=1, cursor=cursor if cursor is not None else UNSET)
            assert isinstance(page, EntryPage)
            notes += [entry.note for entry in page.data]
            if not isinstance(page.next_cursor, str):
                break
            cursor = page.next_cursor
        seen["timeline"] = notes

        changed = patch_entry.sync_detailed(first.id, client=client, body=EntryPatch(meaning="keep going"))
        assert isinstance(changed.parsed, EntryPublic)
        seen["etag"] = changed.headers["etag"]
        stale = patch_entry.sync_detailed(first.id, client=client, body=EntryPatch(note="x"), if_match='"1"')
        assert isinstance(stale.parsed, PreconditionFailedProblem)
        current = stale.parsed.current
        seen["stale"] = [stale.status_code, stale.parsed.code.value, current.version, current["meaning"]]

        kinds: list[str] = []
        has_more, feed_cursor = True, None
        while has_more:  # /changes, until it has nothing more
            feed = list_changes.sync(client=client, cursor=feed_cursor if feed_cursor else UNSET, limit=2)
            assert isinstance(feed, ChangesPage)
            for change in feed.changes:
                if isinstance(change, GoalChange):
                    assert not isinstance(change.data, GoalPublic) or change.data.title == "Swim"
                    kinds.append("goal")
                elif isinstance(change, EntryChange):
                    kinds.append("entry")
            has_more, feed_cursor = feed.has_more, feed.next_cursor
        seen["changes"] = kinds

        offline_id = uuid.uuid4()
        put = EntryOp(
            op_id="op-1",
            method=EntryOpMethod.PUT,
            type_="entry",
            id=offline_id,
            data=EntryReplace(note="logged offline"),
        )
        stale_op = EntryOp(
            op_id="op-2", method=EntryOpMethod.PATCH, type_="entry", id=first.id, if_match=1, data=EntryPatch(note="y")
        )
        pushed = push.sync(client=client, body=PushRequest(ops=[put, stale_op]))
        assert isinstance(pushed, PushResponse)
        seen["push"] = [
            [result.op_id, result.status, result.error.code.value if isinstance(result.error, Problem) else None]
            for result in pushed.results
        ]
    return seen


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
