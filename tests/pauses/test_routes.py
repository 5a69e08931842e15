"""Pauses over HTTP: create, read, replace, merge-patch, delete, list by range, scopes, limits and validation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.pauses.service import MAX_PAUSES
from tests.factories import bearer, make_goal, make_token, register

PAUSES = "/api/v1/pauses"
ONE_DAY = {"start_date": "2026-11-04", "end_date": "2026-11-04"}


def make_pause(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"start_date": "2026-11-02", "end_date": "2026-11-04", **fields}
    response = client.post(PAUSES, json=body)
    assert response.status_code == 201, response.text
    pause: dict[str, Any] = response.json()
    return pause


def _refusal(response: Any) -> list[tuple[list[str | int], str]]:
    """The 422's error locations and types, after checking it is a ``validation_error`` problem."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_error"
    return [(error["loc"], error["type"]) for error in body["errors"]]


def test_pause_lifecycle(client: TestClient) -> None:
    register(client)
    goal = make_goal(client)
    created = client.post(
        PAUSES, json={"start_date": "2026-11-02", "end_date": "2026-11-04", "goal_id": goal["id"], "note": "flu"}
    )
    assert created.status_code == 201, created.text
    pause = created.json()
    assert set(pause) == {"id", "start_date", "end_date", "goal_id", "note", "version", "created_at", "updated_at"}
    assert (pause["start_date"], pause["end_date"], pause["goal_id"], pause["note"], pause["version"]) == (
        "2026-11-02",
        "2026-11-04",
        goal["id"],
        "flu",
        1,
    )
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"http://testserver{PAUSES}/{pause['id']}"
    path = f"{PAUSES}/{pause['id']}"
    read = client.get(path)
    assert read.status_code == 200 and read.json() == pause and read.headers["etag"] == '"1"'
    assert client.get(path, headers={"If-None-Match": '"1"'}).status_code == 304

    patched = client.patch(
        path, content='{"goal_id": null, "note": "still ill"}', headers={"Content-Type": "application/merge-patch+json"}
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["goal_id"], patched.json()["note"], patched.json()["version"]) == (None, "still ill", 2)
    assert patched.json()["start_date"] == "2026-11-02"

    stale = client.put(path, json={"start_date": "2026-11-01", "end_date": "2026-11-01"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert stale.json()["current"]["version"] == 2
    replaced = client.put(
        path, json={"start_date": "2026-11-01", "end_date": "2026-11-01"}, headers={"If-Match": '"2"'}
    )
    assert replaced.status_code == 200
    assert (replaced.json()["note"], replaced.json()["end_date"], replaced.json()["version"]) == ("", "2026-11-01", 3)

    assert client.delete(path).status_code == 204
    gone = client.get(path)
    assert gone.status_code == 410 and gone.json()["code"] == "gone"
    assert client.patch(path, json={"note": "x"}).status_code == 410
    assert client.delete(path).status_code == 204
    assert client.get(PAUSES).json() == {"data": []}
    missing = client.delete(f"{PAUSES}/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_put_creates_under_a_client_id_and_post_refuses_a_taken_one(client: TestClient) -> None:
    register(client)
    pause_id = str(uuid.uuid4())
    body = {"start_date": "2027-01-10", "end_date": "2027-01-20"}
    created = client.put(f"{PAUSES}/{pause_id}", json=body)
    assert created.status_code == 201 and created.json()["id"] == pause_id
    assert created.headers["location"].endswith(f"{PAUSES}/{pause_id}")
    taken = client.post(PAUSES, json={"id": pause_id, **body})
    assert taken.status_code == 409 and taken.json()["code"] == "conflict"
    only_new = client.put(f"{PAUSES}/{pause_id}", json=body, headers={"If-None-Match": "*"})
    assert only_new.status_code == 412


def test_list_answers_the_pauses_that_touch_the_range_earliest_first(client: TestClient) -> None:
    register(client)
    late = make_pause(client, start_date="2026-12-01", end_date="2026-12-05")
    early = make_pause(client, start_date="2026-10-01", end_date="2026-10-31")
    overlapping = make_pause(client, start_date="2026-10-20", end_date="2026-11-02")

    def ids(query: str) -> list[str]:
        response = client.get(f"{PAUSES}{query}")
        assert response.status_code == 200, response.text
        return [pause["id"] for pause in response.json()["data"]]

    assert ids("") == [early["id"], overlapping["id"], late["id"]]
    assert ids("?from=2026-11-01") == [overlapping["id"], late["id"]]
    assert ids("?to=2026-10-19") == [early["id"]]
    assert ids("?from=2026-11-03&to=2026-11-30") == []
    assert ids("?from=2026-12-05&to=2026-12-05") == [late["id"]]
    assert _refusal(client.get(f"{PAUSES}?from=2026-11-02&to=2026-11-01")) == [(["query", "from"], "value_error")]
    assert _refusal(client.get(f"{PAUSES}?from=20261101"))[0][0] == ["query", "from"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"start_date": "2026-11-05", "end_date": "2026-11-04"}, [(["body", "end_date"], "value_error")]),
        ({"start_date": "2026-01-01", "end_date": "2027-01-02"}, [(["body", "end_date"], "value_error")]),
        ({"start_date": "1969-12-31", "end_date": "1970-01-01"}, [(["body", "start_date"], "greater_than_equal")]),
        ({"start_date": 0, "end_date": "2026-11-04"}, [(["body", "start_date"], "value_error")]),
        ({"start_date": "2026-11-04T00:00:00Z", "end_date": "2026-11-04"}, [(["body", "start_date"], "value_error")]),
        ({"start_date": "2026-11-04"}, [(["body", "end_date"], "missing")]),
        ({**ONE_DAY, "note": "n" * 201}, [(["body", "note"], "string_too_long")]),
        ({**ONE_DAY, "note": "a\x00b"}, [(["body", "note"], "value_error")]),
        ({**ONE_DAY, "goal_id": "x"}, [(["body", "goal_id"], "uuid_parsing")]),
        ({**ONE_DAY, "reason": "x"}, [(["body", "reason"], "extra_forbidden")]),
        ({**ONE_DAY, "version": 2}, [(["body"], "value_error")]),
    ],
)  # fmt: skip
def test_a_bad_pause_is_refused_naming_the_field_and_nothing_is_kept(
    client: TestClient, body: dict[str, Any], errors: list[tuple[list[str], str]]
) -> None:
    register(client)
    assert _refusal(client.post(PAUSES, json=body)) == errors
    assert _refusal(client.put(f"{PAUSES}/{uuid.uuid4()}", json=body)) == errors
    assert client.get(PAUSES).json() == {"data": []}


def test_a_pause_lasts_at_most_366_days(client: TestClient) -> None:
    register(client)
    leap_year = make_pause(client, start_date="2028-01-01", end_date="2028-12-31")
    assert leap_year["end_date"] == "2028-12-31"
    path = f"{PAUSES}/{leap_year['id']}"
    assert _refusal(client.patch(path, json={"end_date": "2029-01-01"})) == [(["body", "end_date"], "value_error")]
    assert client.get(path).json()["version"] == 1


def test_goal_id_names_a_live_goal_of_the_user(client: TestClient, new_client: Any) -> None:
    register(client)
    archived = make_goal(client, status="archived")
    assert make_pause(client, goal_id=archived["id"])["goal_id"] == archived["id"]
    deleted = make_goal(client, title="Gone")
    assert client.delete(f"/api/v1/goals/{deleted['id']}").status_code == 204
    other = new_client()
    register(other)
    foreign = make_goal(other)
    for goal_id in (deleted["id"], foreign["id"], str(uuid.uuid4())):
        body = {"start_date": "2026-11-04", "end_date": "2026-11-04", "goal_id": goal_id}
        assert _refusal(client.post(PAUSES, json=body)) == [(["body", "goal_id"], "unknown_goal")]
    assert len(client.get(PAUSES).json()["data"]) == 1


def test_deleting_a_goal_deletes_its_pauses_and_leaves_the_others(client: TestClient) -> None:
    register(client)
    goal = make_goal(client)
    of_goal = make_pause(client, goal_id=goal["id"])
    of_all = make_pause(client)
    assert client.delete(f"/api/v1/goals/{goal['id']}").status_code == 204
    assert client.get(f"{PAUSES}/{of_goal['id']}").status_code == 410
    assert [pause["id"] for pause in client.get(PAUSES).json()["data"]] == [of_all["id"]]
    changes = {change["id"]: change for change in client.get("/api/v1/changes").json()["changes"]}
    assert changes[of_goal["id"]]["deleted"] is True and changes[of_goal["id"]]["version"] == 2


def test_another_users_pause_is_not_found(client: TestClient, new_client: Any) -> None:
    register(client)
    pause = make_pause(client)
    other = new_client()
    register(other)
    path = f"{PAUSES}/{pause['id']}"
    for response in (
        other.get(path),
        other.put(path, json={"start_date": "2026-11-02", "end_date": "2026-11-02"}),
        other.patch(path, json={"note": "mine"}),
        other.delete(path),
    ):
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert other.get(PAUSES).json() == {"data": []}
    assert client.get(path).json() == pause


def test_pauses_take_the_goal_scopes(client: TestClient) -> None:
    register(client)
    pause = make_pause(client)
    reader = bearer(make_token(client, scopes=("goals:read",)))
    entries_only = bearer(make_token(client, scopes=("entries:read", "entries:write")))
    assert client.get(PAUSES, headers=reader).status_code == 200
    refused = client.post(PAUSES, json={"start_date": "2026-11-02", "end_date": "2026-11-02"}, headers=reader)
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    for response in (
        client.get(PAUSES, headers=entries_only),
        client.get(f"{PAUSES}/{pause['id']}", headers=entries_only),
    ):
        assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    writer = bearer(make_token(client, scopes=("goals:write",)))
    stale = client.patch(f"{PAUSES}/{pause['id']}", json={"note": "x"}, headers={**writer, "If-Match": '"7"'})
    assert stale.status_code == 412 and stale.json()["current"] == {"id": pause["id"], "version": 1}


def test_an_idempotency_key_replays_the_first_answer(client: TestClient) -> None:
    register(client)
    body = {"start_date": "2026-11-02", "end_date": "2026-11-03"}
    first = client.post(PAUSES, json=body, headers={"Idempotency-Key": "pause-1"})
    again = client.post(PAUSES, json=body, headers={"Idempotency-Key": "pause-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert len(client.get(PAUSES).json()["data"]) == 1


def test_an_account_keeps_at_most_500_live_pauses(client: TestClient) -> None:
    register(client)
    ids = [str(uuid.uuid4()) for _ in range(MAX_PAUSES)]
    for start in range(0, MAX_PAUSES, 200):
        ops = [
            {"op_id": f"p{index}", "method": "PUT", "type": "pause", "id": ids[index], "data": {
                "start_date": "2026-11-02", "end_date": "2026-11-02"}}
            for index in range(start, min(start + 200, MAX_PAUSES))
        ]  # fmt: skip
        results = client.post("/api/v1/sync/push", json={"ops": ops}).json()["results"]
        assert {result["status"] for result in results} == {201}
    body = {"start_date": "2026-11-02", "end_date": "2026-11-02"}
    assert _refusal(client.post(PAUSES, json=body)) == [(["body"], "too_many_pauses")]
    assert _refusal(client.put(f"{PAUSES}/{uuid.uuid4()}", json=body)) == [(["body"], "too_many_pauses")]
    assert client.put(f"{PAUSES}/{ids[0]}", json={**body, "note": "changed"}).status_code == 200
    assert client.delete(f"{PAUSES}/{ids[1]}").status_code == 204
    assert client.post(PAUSES, json=body).status_code == 201
    assert len(client.get(PAUSES).json()["data"]) == MAX_PAUSES
