"""Keyed writes sign their caller in where the write runs: refusals come first and leave nothing behind."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.api.deps import WriterCheck
from app.api.methods import writes
from app.api.middleware.write_gate import SELF_GATED, gated_write, keyed_write_path
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


def _api_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """Each route of the app with its full path (FastAPI keeps an included router's routes behind it)."""
    for route in app.routes:
        if isinstance(route, APIRoute):
            yield route.path, route
        context = getattr(route, "include_context", None)
        if context is not None:
            for inner in route.original_router.routes:  # type: ignore[attr-defined]
                if isinstance(inner, APIRoute):
                    yield context.prefix + inner.path, inner


def test_keyed_writes_and_only_they_take_the_write_slot_around_their_own_transaction(app: FastAPI) -> None:
    """A route that answers through ``answer_write`` (its caller a ``Writer``) passes the write gate unqueued and
    takes the slot in ``answer_write``; every other write queues at the gate or takes the slot itself."""
    keyed_methods, others = set(), 0
    for template, route in _api_routes(app):
        path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), template)
        keyed = any(isinstance(dependency.call, WriterCheck) for dependency in route.dependant.dependencies)
        for method in filter(writes, route.methods or ()):
            assert keyed_write_path(path) is keyed, (method, template)
            assert gated_write(method, path) is not (keyed or (method, path) in SELF_GATED), (method, template)
            if keyed:
                keyed_methods.add(method)
            else:
                others += 1
    assert keyed_methods == {"POST", "PUT", "PATCH", "DELETE"}
    assert others >= 10
