"""Idempotency-Key on goal and entry writes: one write per key, replays, reuse and in-flight keys."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from app.api import keyed_writes
from app.api.keyed_writes import IdempotencyRecord
from app.core.database import Database, utcnow
from tests.factories import make_entry, make_goal, register

ENTRIES = "/api/v1/entries"


def key() -> dict[str, str]:
    return {"Idempotency-Key": f"key-{uuid.uuid4()}"}


def live_entries(client: TestClient) -> list[dict[str, object]]:
    data: list[dict[str, object]] = client.get(ENTRIES, params={"limit": 200}).json()["data"]
    return data


def test_a_retried_post_writes_once_and_replays_the_first_response(client: TestClient) -> None:
    register(client)
    headers = key()
    first = client.post(ENTRIES, json={"note": "Ann again"}, headers=headers)
    again = client.post(ENTRIES, json={"note": "Ann again"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["ETag"] == first.headers["ETag"] and again.headers["Location"] == first.headers["Location"]
    assert len(live_entries(client)) == 1


def test_the_fingerprint_ignores_json_formatting_and_key_order(client: TestClient) -> None:
    register(client)
    headers = {**key(), "Content-Type": "application/json"}
    first = client.post(ENTRIES, content=b'{"note": "x", "intensity": 4}', headers=headers)
    again = client.post(ENTRIES, content=b'{"intensity":4,"note":"x"}', headers=headers)
    assert first.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"


def test_put_patch_and_delete_replay_without_writing_again(client: TestClient) -> None:
    register(client)
    entry_id = str(uuid.uuid4())
    put_key, patch_key, delete_key = key(), key(), key()
    for _ in range(2):
        put = client.put(f"{ENTRIES}/{entry_id}", json={"note": "put"}, headers=put_key)
        assert put.status_code == 201 and put.json()["version"] == 1
    for _ in range(2):
        patch = client.patch(f"{ENTRIES}/{entry_id}", json={"note": "patched"}, headers=patch_key)
        assert patch.status_code == 200 and patch.json()["version"] == 2
    for _ in range(2):
        deleted = client.delete(f"{ENTRIES}/{entry_id}", headers=delete_key)
        assert deleted.status_code == 204 and deleted.content == b""
    assert deleted.headers["Idempotent-Replayed"] == "true"
    changes = client.get("/api/v1/changes").json()["changes"]
    assert [(change["version"], change["deleted"]) for change in changes] == [(3, True)]


def test_goal_writes_honour_the_key_too(client: TestClient) -> None:
    register(client)
    headers = key()
    first = client.post("/api/v1/goals", json={"title": "Trust myself"}, headers=headers)
    again = client.post("/api/v1/goals", json={"title": "Trust myself"}, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert len(client.get("/api/v1/goals").json()["data"]) == 1


@pytest.mark.parametrize(
    ("method", "path_suffix", "body"),
    [("POST", "", {"note": "other"}), ("PUT", "/{id}", {"note": "same"}), ("PATCH", "/{id}", {"note": "same"})],
)
def test_a_key_reused_for_another_request_is_refused(
    client: TestClient, method: str, path_suffix: str, body: dict[str, str]
) -> None:
    register(client)
    headers = key()
    assert client.post(ENTRIES, json={"note": "same"}, headers=headers).status_code == 201
    target = make_entry(client)
    response = client.request(method, ENTRIES + path_suffix.format(id=target["id"]), json=body, headers=headers)
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reuse"
    assert len(live_entries(client)) == 2


@pytest.mark.parametrize("bad_key", ["", "a b", "x" * 256, "tab\tinside"])
def test_a_key_must_be_visible_ascii_of_at_most_255(client: TestClient, bad_key: str) -> None:
    register(client)
    response = client.post(ENTRIES, json={"note": "x"}, headers={"Idempotency-Key": bad_key})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert response.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert live_entries(client) == []
    assert client.post(ENTRIES, json={"note": "x"}, headers={"Idempotency-Key": "~" * 255}).status_code == 201


def test_errors_are_not_stored_so_a_rebased_retry_runs(client: TestClient) -> None:
    register(client)
    entry = make_entry(client, note="draft")
    client.patch(f"{ENTRIES}/{entry['id']}", json={"note": "edited elsewhere"})
    headers = key()
    stale = client.patch(f"{ENTRIES}/{entry['id']}", json={"meaning": "m"}, headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["current"]["version"] == 2
    rebased = client.patch(f"{ENTRIES}/{entry['id']}", json={"meaning": "m"}, headers={**headers, "If-Match": '"2"'})
    assert rebased.status_code == 200 and "Idempotent-Replayed" not in rebased.headers
    assert rebased.json()["note"] == "edited elsewhere" and rebased.json()["meaning"] == "m"
    invalid = client.post(ENTRIES, json={"intensity": 9}, headers=headers | {"Idempotency-Key": "fresh"})
    assert invalid.status_code == 422
    valid = client.post(ENTRIES, json={"intensity": 5}, headers={"Idempotency-Key": "fresh"})
    assert valid.status_code == 201


def test_keys_belong_to_one_user(new_client: Callable[[], TestClient]) -> None:
    alice, bob = new_client(), new_client()
    register(alice)
    register(bob)
    headers = {"Idempotency-Key": "shared-key"}
    assert alice.post(ENTRIES, json={"note": "a"}, headers=headers).status_code == 201
    response = bob.post(ENTRIES, json={"note": "b"}, headers=headers)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert [entry["note"] for entry in live_entries(bob)] == ["b"]


def test_unauthenticated_keyed_writes_are_refused_and_store_nothing(client: TestClient, app: FastAPI) -> None:
    response = client.post(ENTRIES, json={"note": "x"}, headers=key())
    assert response.status_code == 401
    database: Database = app.state.database
    with database.read_session() as session:
        assert session.exec(select(IdempotencyRecord)).all() == []


def test_a_key_in_flight_is_a_conflict(client: TestClient, app: FastAPI) -> None:
    user = register(client)
    database: Database = app.state.database
    if database.dialect == "sqlite":
        pytest.skip("SQLite admits one writer at a time: a second request waits for the first and then replays")
    headers = {"Idempotency-Key": "in-flight"}
    with database.write_transaction() as session:
        stored = keyed_writes.claim(
            session, user_id=uuid.UUID(user["id"]), key="in-flight", fingerprint="f", now=utcnow()
        )
        assert stored is None
        response = client.post(ENTRIES, json={"note": "x"}, headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert response.headers["Retry-After"] == "1"
    assert client.post(ENTRIES, json={"note": "x"}, headers=headers).status_code == 201


def test_expired_keys_are_purged_and_free_again(client: TestClient, app: FastAPI) -> None:
    register(client)
    headers = {"Idempotency-Key": "old"}
    assert client.post(ENTRIES, json={"note": "long ago"}, headers=headers).status_code == 201
    database: Database = app.state.database
    with database.write_transaction() as session:
        record = session.exec(select(IdempotencyRecord)).one()
        record.created_at = utcnow() - timedelta(days=31)
        session.add(record)
    fresh = client.post(ENTRIES, json={"note": "today"}, headers=headers)
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
    with database.write_transaction() as session:
        record = session.exec(select(IdempotencyRecord)).one()
        record.created_at = utcnow() - timedelta(days=30, seconds=1)
        session.add(record)
        session.add(
            IdempotencyRecord(
                user_id=record.user_id, key="recent", fingerprint="f", status_code=201, created_at=utcnow()
            )
        )
    with database.write_transaction() as session:
        assert keyed_writes.purge_expired(session, now=utcnow()) == 1
    with database.read_session() as session:
        assert [record.key for record in session.exec(select(IdempotencyRecord))] == ["recent"]


def test_openapi_documents_the_header_on_every_goal_and_entry_write(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/entries", "/api/v1/entries/{entry_id}", "/api/v1/goals", "/api/v1/goals/{goal_id}"):
        for method, operation in paths[path].items():
            names = [parameter["name"] for parameter in operation.get("parameters", [])]
            assert (names.count("Idempotency-Key") == 1) == (method != "get"), (path, method)


def test_a_goal_made_with_a_key_can_be_used_right_away(client: TestClient) -> None:
    register(client)
    goal = client.post("/api/v1/goals", json={"title": "Sea"}, headers=key()).json()
    entry = make_entry(client, goal_ids=[goal["id"]])
    assert entry["goal_ids"] == [goal["id"]]
    assert make_goal(client)["id"] != goal["id"]
