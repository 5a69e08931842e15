"""Pauses in offline sync: pushed as ops of type ``pause`` and listed in the changes feed."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.factories import bearer, make_goal, make_token, register
from tests.sync.test_push import op, push

ONE_DAY = {"start_date": "2026-11-02", "end_date": "2026-11-02"}


def test_pause_ops_are_applied_as_their_single_requests(client: TestClient) -> None:
    register(client)
    goal = make_goal(client)
    pause_id = str(uuid.uuid4())
    results = push(
        client,
        op("PUT", "pause", pause_id, {"start_date": "2026-11-02", "end_date": "2026-11-04", "goal_id": goal["id"]}),
        op("PATCH", "pause", pause_id, {"note": "travel"}, if_match='"1"'),
        op("PATCH", "pause", pause_id, {"end_date": "2026-11-01"}),
        op("PATCH", "pause", pause_id, {"note": "stale"}, if_match=1),
        op("PUT", "pause", str(uuid.uuid4()), {**ONE_DAY, "goal_id": str(uuid.uuid4())}),
        op("DELETE", "pause", pause_id, if_match=2),
        op("DELETE", "pause", pause_id),
    )  # fmt: skip
    assert [(result["status"], result.get("version")) for result in results] == [
        (201, 1),
        (200, 2),
        (422, None),
        (412, None),
        (422, None),
        (204, 3),
        (204, 3),
    ]
    assert [error["loc"] for error in results[2]["error"]["errors"]] == [["body", "end_date"]]
    assert results[3]["error"]["code"] == "precondition_failed"
    assert results[3]["error"]["current"]["note"] == "travel"
    assert [error["type"] for error in results[4]["error"]["errors"]] == ["unknown_goal"]
    assert client.get(f"/api/v1/pauses/{pause_id}").status_code == 410


def test_a_pause_op_needs_goals_write(client: TestClient) -> None:
    register(client)
    token = make_token(client, scopes=("entries:write", "goals:read"))
    pause_id = str(uuid.uuid4())
    (result,) = push(
        client,
        op("PUT", "pause", pause_id, {"start_date": "2026-11-02", "end_date": "2026-11-02"}),
        headers=bearer(token),
    )
    assert result["status"] == 403 and result["error"]["code"] == "insufficient_scope"
    assert client.get(f"/api/v1/pauses/{pause_id}").status_code == 404


def test_the_changes_feed_carries_pauses_in_seq_order_with_tombstones(client: TestClient) -> None:
    register(client)
    goal = make_goal(client)
    kept = client.post("/api/v1/pauses", json={"start_date": "2026-11-02", "end_date": "2026-11-04"}).json()
    dropped = client.post("/api/v1/pauses", json={"start_date": "2026-12-02", "end_date": "2026-12-04"}).json()
    assert client.delete(f"/api/v1/pauses/{dropped['id']}").status_code == 204
    first = client.get("/api/v1/changes", params={"limit": 2}).json()
    assert [(change["type"], change["id"]) for change in first["changes"]] == [
        ("goal", goal["id"]),
        ("pause", kept["id"]),
    ]
    assert first["changes"][1]["data"] == kept and first["has_more"] is True
    rest = client.get("/api/v1/changes", params={"cursor": first["next_cursor"]}).json()
    assert rest["changes"] == [
        {"type": "pause", "id": dropped["id"], "seq": 4, "version": 2, "deleted": True, "data": None}
    ]
    assert rest["has_more"] is False
