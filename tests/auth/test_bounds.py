"""SPEC §8: nothing grows without bound. Expired sessions go at sign-in, at most 50 live sessions (the
oldest ends) and 100 tokens per user, stored idempotency responses expire on every path that stores them."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import col, func, select

from app.api import keyed_writes
from app.api.keyed_writes import IdempotencyRecord
from app.auth import service as auth_service
from app.auth.models import AccessToken, AuthSession, TokenCreate, User
from app.core.database import Database, utcnow
from tests.factories import make_token, register


def _database(app: FastAPI) -> Database:
    database: Database = app.state.database
    return database


def _sessions_of(database: Database, user_id: uuid.UUID) -> list[AuthSession]:
    with database.read_session() as session:
        return list(session.exec(select(AuthSession).where(AuthSession.user_id == user_id)))


def _sign_in(database: Database, user_id: uuid.UUID) -> str:
    with database.write_transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        return auth_service.start_session(session, user=user)


def test_the_51st_session_ends_the_oldest(client: TestClient, app: FastAPI) -> None:
    database = _database(app)
    user_id = uuid.UUID(register(client)["id"])  # the client holds the first session
    newer = [_sign_in(database, user_id) for _ in range(49)]
    assert len(_sessions_of(database, user_id)) == 50
    assert client.get("/api/v1/me").status_code == 200
    newest = _sign_in(database, user_id)
    assert len(_sessions_of(database, user_id)) == 50
    assert client.get("/api/v1/me").status_code == 401  # the oldest session ended
    for cookie in (newer[0], newer[-1], newest):
        other_device = TestClient(app, cookies={"synclog_session": cookie})
        assert other_device.get("/api/v1/me").status_code == 200


def test_expired_sessions_are_purged_at_the_next_sign_in(client: TestClient, app: FastAPI) -> None:
    database = _database(app)
    user_id = uuid.UUID(register(client)["id"])
    other_id = uuid.UUID(register(TestClient(app))["id"])
    with database.write_transaction() as session:
        for auth_session in session.exec(select(AuthSession)):
            auth_session.expires_at = utcnow() - timedelta(seconds=1)
            session.add(auth_session)
    assert client.get("/api/v1/me").status_code == 401
    assert len(_sessions_of(database, user_id)) == 1
    _sign_in(database, user_id)
    assert [s.expires_at > utcnow() for s in _sessions_of(database, user_id)] == [True]
    assert len(_sessions_of(database, other_id)) == 1  # another user's rows wait for their own sign-in


def test_the_101st_token_is_refused(client: TestClient, app: FastAPI) -> None:
    register(client)
    created = [client.post("/api/v1/tokens", json={"name": f"app {n}", "scopes": ["export"]}) for n in range(100)]
    assert {response.status_code for response in created} == {201}
    refused = client.post("/api/v1/tokens", json={"name": "one more", "scopes": ["export"]})
    assert refused.status_code == 422
    assert refused.json()["code"] == "validation_error"
    assert refused.json()["detail"] == "An account holds at most 100 tokens; revoke one first."
    assert refused.json()["errors"] == [
        {"loc": ["body"], "msg": "An account holds at most 100 tokens; revoke one first.", "type": "too_many_tokens"}
    ]
    assert client.delete(f"/api/v1/tokens/{created[0].json()['id']}").status_code == 204
    assert client.post("/api/v1/tokens", json={"name": "one more", "scopes": ["export"]}).status_code == 201


def test_expired_tokens_do_not_count_and_are_removed(client: TestClient, app: FastAPI) -> None:
    user_id = uuid.UUID(register(client)["id"])
    for _ in range(100):
        make_token(client, scopes=("export",))
    database = _database(app)
    with database.write_transaction() as session:
        for token in session.exec(select(AccessToken).limit(3)):
            token.expires_at = utcnow() - timedelta(days=1)
            session.add(token)
    with database.write_transaction() as session:
        auth_service.create_token(session, user_id=user_id, body=TokenCreate(name="fresh", scopes=["export"]))
    with database.read_session() as session:
        held = session.exec(select(func.count()).select_from(AccessToken).where(col(AccessToken.user_id) == user_id))
        assert held.one() == 98


def _stored_keys(database: Database) -> list[str]:
    with database.read_session() as session:
        return sorted(record.key for record in session.exec(select(IdempotencyRecord)))


def _age_every_record(database: Database, age: timedelta) -> None:
    with database.write_transaction() as session:
        for record in session.exec(select(IdempotencyRecord)):
            record.created_at = utcnow() - age
            session.add(record)


def _as_if_an_hour_had_passed(app: FastAPI) -> None:
    app.state.idempotency_purged_at = time.monotonic() - keyed_writes.PURGE_INTERVAL_SECONDS - 1


def test_a_sync_push_purges_expired_idempotency_responses(client: TestClient, app: FastAPI) -> None:
    database = _database(app)
    register(client)
    first = {"op_id": "old-op", "method": "PUT", "type": "entry", "id": str(uuid.uuid4()), "data": {"note": "a"}}
    assert client.post("/api/v1/sync/push", json={"ops": [first]}).status_code == 200
    assert _stored_keys(database) == ["old-op"]
    _age_every_record(database, keyed_writes.RETENTION + timedelta(seconds=1))
    _as_if_an_hour_had_passed(app)
    second = {"op_id": "new-op", "method": "PUT", "type": "entry", "id": str(uuid.uuid4()), "data": {"note": "b"}}
    assert client.post("/api/v1/sync/push", json={"ops": [second]}).status_code == 200
    assert _stored_keys(database) == ["new-op"]


def test_purges_come_at_most_once_an_hour(client: TestClient, app: FastAPI) -> None:
    database = _database(app)
    register(client)
    headers = {"Idempotency-Key": "first"}
    assert client.post("/api/v1/entries", json={"note": "a"}, headers=headers).status_code == 201
    _age_every_record(database, keyed_writes.RETENTION + timedelta(seconds=1))
    assert client.post("/api/v1/entries", json={"note": "b"}, headers={"Idempotency-Key": "second"}).status_code == 201
    assert _stored_keys(database) == ["first", "second"]  # this process purged less than an hour ago
    _as_if_an_hour_had_passed(app)
    assert client.post("/api/v1/entries", json={"note": "c"}, headers={"Idempotency-Key": "third"}).status_code == 201
    assert _stored_keys(database) == ["second", "third"]
