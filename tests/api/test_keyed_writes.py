"""Keyed writes sign their caller in where the write runs: refusals come first and leave nothing behind."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.factories import bearer, make_token, register

ENTRIES = "/api/v1/entries"


def test_a_refused_caller_is_answered_before_the_key_and_leaves_the_key_unused(
    new_client: Callable[[], TestClient],
) -> None:
    owner = new_client()
    register(owner)
    writer = make_token(owner, scopes=("entries:write",))
    reader = make_token(owner, scopes=("entries:read",))
    app = new_client()

    unknown = app.post(ENTRIES, json={"note": "x"}, headers={**bearer("sl_pat_unknown"), "Idempotency-Key": "a b"})
    assert (unknown.status_code, unknown.json()["code"]) == (401, "unauthorized")
    assert unknown.headers["www-authenticate"] == "Bearer"
    malformed = app.post(ENTRIES, json={"note": "x"}, headers={**bearer(writer), "Idempotency-Key": "a b"})
    assert malformed.status_code == 422

    key = {"Idempotency-Key": "first-try"}
    denied = app.post(ENTRIES, json={"note": "11:11"}, headers={**bearer(reader), **key})
    assert (denied.status_code, denied.json()["code"]) == (403, "insufficient_scope")
    created = app.post(ENTRIES, json={"note": "11:11"}, headers={**bearer(writer), **key})
    assert created.status_code == 201
    assert "idempotent-replayed" not in created.headers
    replayed = app.post(ENTRIES, json={"note": "11:11"}, headers={**bearer(writer), **key})
    assert (replayed.status_code, replayed.headers["idempotent-replayed"]) == (201, "true")
    assert replayed.json() == created.json()
    assert [entry["id"] for entry in owner.get(ENTRIES).json()["data"]] == [created.json()["id"]]


def test_missing_credentials_come_before_a_bad_body(client: TestClient) -> None:
    response = client.post(ENTRIES, json={"intensity": "very"})
    assert (response.status_code, response.json()["code"]) == (401, "unauthorized")
    for path in ("/api/v1/goals", "/api/v1/pauses"):
        assert client.post(path, json={"title": 7}).status_code == 401
