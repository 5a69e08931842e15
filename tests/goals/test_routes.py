"""Goals over HTTP: create, read, replace, merge-patch, delete, list by status."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.factories import make_entry, make_goal, register


def test_goal_lifecycle(client: TestClient) -> None:
    register(client)
    goal = make_goal(client, title="Be brave", cadence="daily", target=2, color="#aabbcc")
    assert (goal["version"], goal["status"], goal["cadence"], goal["target"]) == (1, "active", "daily", 2)
    read = client.get(f"/api/v1/goals/{goal['id']}")
    assert read.headers["etag"] == '"1"'
    patched = client.patch(
        f"/api/v1/goals/{goal['id']}",
        content='{"status": "archived"}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["status"] == "archived" and patched.json()["version"] == 2
    assert patched.json()["title"] == "Be brave"
    assert client.get("/api/v1/goals").json()["data"] == []
    assert [g["id"] for g in client.get("/api/v1/goals?status=archived").json()["data"]] == [goal["id"]]
    assert len(client.get("/api/v1/goals?status=all").json()["data"]) == 1
    replaced = client.put(f"/api/v1/goals/{goal['id']}", json={"title": "Be kind"})
    assert replaced.status_code == 200
    assert replaced.json()["cadence"] == "weekly" and replaced.json()["status"] == "active"
    assert client.delete(f"/api/v1/goals/{goal['id']}").status_code == 204
    assert client.get(f"/api/v1/goals/{goal['id']}").status_code == 410
    assert client.delete(f"/api/v1/goals/{goal['id']}").status_code == 204


def test_put_creates_under_client_id(client: TestClient) -> None:
    register(client)
    goal_id = str(uuid.uuid4())
    created = client.put(f"/api/v1/goals/{goal_id}", json={"title": "Offline goal"})
    assert created.status_code == 201 and created.json()["id"] == goal_id
    assert created.headers["location"].endswith(f"/api/v1/goals/{goal_id}")


def test_goal_validation(client: TestClient) -> None:
    register(client)
    for body in (
        {"title": ""},
        {"title": "x" * 121},
        {"title": "ok", "color": "red"},
        {"title": "ok", "target": 0},
        {"title": "ok", "target": 51},
        {"title": "ok", "cadence": "monthly"},
        {"title": "ok", "version": 3},
        {"title": "ok", "nickname": "x"},
    ):
        response = client.post("/api/v1/goals", json=body)
        assert response.status_code == 422, body
    assert client.get("/api/v1/goals?status=all").json()["data"] == []
    assert client.get("/api/v1/goals?status=deleted").status_code == 422


def test_deleting_a_goal_takes_it_off_its_entries(client: TestClient) -> None:
    register(client)
    goal = make_goal(client)
    other = make_goal(client, title="Other")
    entry = make_entry(client, goal_ids=[goal["id"], other["id"]])
    assert sorted(entry["goal_ids"]) == sorted([goal["id"], other["id"]])
    assert client.delete(f"/api/v1/goals/{goal['id']}").status_code == 204
    after = client.get(f"/api/v1/entries/{entry['id']}").json()
    assert after["goal_ids"] == [other["id"]]
    assert after["version"] == entry["version"] + 1
    rejected = client.post("/api/v1/entries", json={"goal_ids": [goal["id"]]})
    assert rejected.status_code == 422
