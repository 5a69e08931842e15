"""Batch push: each op as its single request with Idempotency-Key: op_id, in its own transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import bearer, make_entry, make_goal, make_token, register

PUSH = "/api/v1/sync/push"


def op(method: str, kind: str, object_id: str, data: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    return {"op_id": str(uuid.uuid4()), "method": method, "type": kind, "id": object_id, "data": data, **fields}


def push(client: TestClient, *ops: dict[str, Any], headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    response = client.post(PUSH, json={"ops": list(ops)}, headers=headers or {})
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    assert [result["op_id"] for result in results] == [sent["op_id"] for sent in ops]
    return results


def test_ops_are_applied_in_order_with_versions_and_change_numbers(client: TestClient) -> None:
    register(client)
    goal_id, entry_id = str(uuid.uuid4()), str(uuid.uuid4())
    results = push(
        client,
        op("PUT", "goal", goal_id, {"title": "Sea"}),
        op("PUT", "entry", entry_id, {"note": "offline", "goal_ids": [goal_id]}),
        op("PATCH", "entry", entry_id, {"meaning": "later"}),
        op("PATCH", "goal", goal_id, {"status": "archived"}),
        op("DELETE", "entry", entry_id),
    )
    assert [(result["status"], result.get("version")) for result in results] == [
        (201, 1),
        (201, 1),
        (200, 2),
        (200, 2),
        (204, 3),
    ]
    seqs = [result["seq"] for result in results]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    assert all("error" not in result for result in results)
    assert client.get(f"/api/v1/goals/{goal_id}").json()["status"] == "archived"
    assert client.get(f"/api/v1/entries/{entry_id}").status_code == 410


def test_mixed_valid_and_invalid_ops_are_answered_each_on_its_own(client: TestClient) -> None:
    register(client)
    entry = make_entry(client, note="kept")
    fresh = str(uuid.uuid4())
    results = push(
        client,
        op("PATCH", "entry", entry["id"], {"intensity": 9}),
        op("PUT", "entry", fresh, {"note": "new"}),
        op("PATCH", "entry", entry["id"], {"note": "x"}, if_match='"7"'),
        op("PATCH", "entry", str(uuid.uuid4()), {"note": "nobody"}),
        op("PUT", "entry", str(uuid.uuid4()), {"unknown_field": 1}),
        op("PUT", "entry", str(uuid.uuid4())),
        op("PUT", "entry", str(uuid.uuid4()), {"goal_ids": [str(uuid.uuid4())]}),
        op("PATCH", "entry", entry["id"], {"note": "edited"}, if_match='"1"'),
    )
    assert [result["status"] for result in results] == [422, 201, 412, 404, 422, 422, 422, 200]
    assert results[0]["error"]["code"] == "validation_error"
    assert results[0]["error"]["errors"][0]["loc"][0] == "body"
    assert results[2]["error"]["current"]["version"] == 1
    assert results[2]["error"]["current"]["place"] is None  # nulls inside a problem body stay
    assert results[3]["error"]["code"] == "not_found"
    assert all("version" not in result for result in results if result["status"] >= 400)
    assert client.get(f"/api/v1/entries/{entry['id']}").json()["note"] == "edited"
    assert client.get(f"/api/v1/entries/{fresh}").status_code == 200


def test_another_users_ids_are_not_found_and_nothing_is_written(new_client: Callable[[], TestClient]) -> None:
    alice, mallory = new_client(), new_client()
    register(alice)
    register(mallory)
    goal = make_goal(alice)
    entry = make_entry(alice, note="mine", goal_ids=[goal["id"]])
    before = alice.get("/api/v1/changes").json()
    results = push(
        mallory,
        op("PUT", "entry", entry["id"], {"note": "taken"}),
        op("PATCH", "entry", entry["id"], {"note": "taken"}),
        op("DELETE", "entry", entry["id"]),
        op("PUT", "goal", goal["id"], {"title": "taken"}),
        op("PATCH", "goal", goal["id"], {"title": "taken"}),
        op("DELETE", "goal", goal["id"]),
        op("PUT", "entry", str(uuid.uuid4()), {"goal_ids": [goal["id"]]}),
    )
    assert [result["status"] for result in results] == [404, 404, 404, 404, 404, 404, 422]
    assert [result["error"]["code"] for result in results] == ["not_found"] * 6 + ["validation_error"]
    assert alice.get("/api/v1/changes").json() == before
    assert mallory.get("/api/v1/changes").json()["changes"] == []


def test_more_than_200_ops_is_a_validation_error(client: TestClient) -> None:
    register(client)
    ops = [op("PUT", "entry", str(uuid.uuid4()), {"note": str(number)}) for number in range(201)]
    response = client.post(PUSH, json={"ops": ops})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert client.get("/api/v1/changes").json()["changes"] == []
    assert len(push(client, *ops[:200])) == 200


@pytest.mark.parametrize(
    "bad_op",
    [
        {"op_id": "", "method": "PUT", "type": "entry", "id": "a3c1f3de-6c1b-4b8a-9df0-1b5b8f0c1e11"},
        {"op_id": "x y", "method": "PUT", "type": "entry", "id": "a3c1f3de-6c1b-4b8a-9df0-1b5b8f0c1e11"},
        {"op_id": "x", "method": "POST", "type": "entry", "id": "a3c1f3de-6c1b-4b8a-9df0-1b5b8f0c1e11"},
        {"op_id": "x", "method": "PUT", "type": "tag", "id": "a3c1f3de-6c1b-4b8a-9df0-1b5b8f0c1e11"},
        {"op_id": "x", "method": "PUT", "type": "entry", "id": "not-a-uuid"},
        {"op_id": "x", "method": "PUT", "type": "entry", "id": "a3c1f3de-6c1b-4b8a-9df0-1b5b8f0c1e11", "extra": 1},
    ],
)
def test_a_malformed_op_envelope_fails_the_batch(client: TestClient, bad_op: dict[str, Any]) -> None:
    register(client)
    response = client.post(PUSH, json={"ops": [bad_op]})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_each_op_checks_its_own_write_scope(client: TestClient) -> None:
    register(client)
    token = make_token(client, scopes=("entries:write",))
    results = push(
        client,
        op("PUT", "goal", str(uuid.uuid4()), {"title": "no"}),
        op("PUT", "entry", str(uuid.uuid4()), {"note": "yes"}),
        headers=bearer(token),
    )
    assert [result["status"] for result in results] == [403, 201]
    assert results[0]["error"]["code"] == "insufficient_scope"
    assert client.get("/api/v1/goals", params={"status": "all"}).json()["data"] == []
    assert client.post(PUSH, json={"ops": []}, headers={"Authorization": "Bearer sl_pat_nope"}).status_code == 401


def test_a_pushed_op_sent_again_is_replayed_not_written_twice(client: TestClient) -> None:
    register(client)
    entry_id = str(uuid.uuid4())
    create = op("PUT", "entry", entry_id, {"note": "once"})
    edit = op("PATCH", "entry", entry_id, {"intensity": 5})
    first = push(client, create, edit)
    again = push(client, create, edit)
    assert [(result["status"], result["version"]) for result in again] == [(201, 1), (200, 2)]
    assert all("seq" not in result for result in again)
    assert [result["seq"] for result in first] == [1, 2]
    assert client.get(f"/api/v1/entries/{entry_id}").json()["version"] == 2
    reused = push(client, {**edit, "data": {"intensity": 1}})
    assert reused[0]["status"] == 422 and reused[0]["error"]["code"] == "idempotency_key_reuse"


def test_a_push_op_and_its_single_request_share_one_key(client: TestClient) -> None:
    register(client)
    entry_id = str(uuid.uuid4())
    pushed = op("PUT", "entry", entry_id, {"note": "from the outbox", "tags": ["a"]})
    push(client, pushed)
    single = client.put(
        f"/api/v1/entries/{entry_id.upper()}",
        json={"tags": ["a"], "note": "from the outbox"},
        headers={"Idempotency-Key": pushed["op_id"]},
    )
    assert single.status_code == 201 and single.headers["Idempotent-Replayed"] == "true"
    assert single.headers["ETag"] == '"1"' and single.headers["Location"].endswith(f"/api/v1/entries/{entry_id}")
    assert single.json() == client.get(f"/api/v1/entries/{entry_id}").json()

    goal = make_goal(client)
    sent = client.delete(f"/api/v1/goals/{goal['id']}", headers={"Idempotency-Key": "delete-goal"})
    assert sent.status_code == 204
    results = push(client, {**op("DELETE", "goal", goal["id"]), "op_id": "delete-goal"})
    assert results == [{"op_id": "delete-goal", "status": 204}]
    assert client.get("/api/v1/changes").json()["changes"][-1]["version"] == 2


def test_earlier_ops_stay_committed_when_a_later_one_fails(client: TestClient) -> None:
    register(client)
    entry_id = str(uuid.uuid4())
    results = push(
        client,
        op("PUT", "entry", entry_id, {"note": "kept"}),
        op("PUT", "entry", entry_id, {"note": "twice"}, if_match='"5"'),
        op("DELETE", "entry", str(uuid.uuid4())),
    )
    assert [result["status"] for result in results] == [201, 412, 404]
    assert client.get(f"/api/v1/entries/{entry_id}").json()["note"] == "kept"
    assert [change["id"] for change in client.get("/api/v1/changes").json()["changes"]] == [entry_id]


def test_a_pushed_answer_replays_as_the_single_request_answers(client: TestClient) -> None:
    """One serializer for both: the stored body and headers are what the route itself sends."""
    register(client)
    entry_id = str(uuid.uuid4())
    pushed = op("PUT", "entry", entry_id, {"note": "near the sea", "lat": 1e-7})
    push(client, pushed)
    replayed = client.put(
        f"/api/v1/entries/{entry_id}", json=pushed["data"], headers={"Idempotency-Key": pushed["op_id"]}
    )
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.content == client.get(f"/api/v1/entries/{entry_id}").content

    deleted = op("DELETE", "entry", entry_id)
    push(client, deleted)
    replayed = client.delete(f"/api/v1/entries/{entry_id}", headers={"Idempotency-Key": deleted["op_id"]})
    direct = client.delete(f"/api/v1/entries/{make_entry(client)['id']}")
    assert replayed.status_code == direct.status_code == 204
    assert replayed.headers.get("content-type") == direct.headers.get("content-type")
