"""Sessions and tokens end when they should: expiry, revocation, password change, account deletion."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import SQLModel

import app.core.passwords
import app.core.slow_work
from app.core.database import utcnow
from tests.factories import PASSWORD, bearer, make_entry, make_goal, make_token, register


class Clock:
    """Stands in for the request clock of ``app.api.deps``, so tests can move time forward."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr("app.api.deps.utcnow", fake)
    return fake


def test_session_expires_after_thirty_days_without_use(client: TestClient, clock: Clock) -> None:
    register(client)
    clock.advance(timedelta(days=30, minutes=10))
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_session_slides_forward_when_used(client: TestClient, clock: Clock) -> None:
    register(client)
    clock.advance(timedelta(days=20))
    refreshed = client.get("/api/v1/me")
    assert refreshed.status_code == 200
    assert "synclog_session" in refreshed.headers.get("set-cookie", "")
    clock.advance(timedelta(days=25))  # 45 days after sign-in, 25 after the last use
    assert client.get("/api/v1/me").status_code == 200
    assert "set-cookie" not in client.get("/api/v1/me").headers  # refreshed at most once a day


def test_expired_token_is_unauthorized(client: TestClient, clock: Clock) -> None:
    register(client)
    response = client.post("/api/v1/tokens", json={"name": "short", "scopes": ["entries:read"], "expires_in_days": 1})
    token = response.json()["token"]
    app_client = TestClient(client.app)
    assert app_client.get("/api/v1/entries", headers=bearer(token)).status_code == 200
    clock.advance(timedelta(days=1, minutes=10))
    expired = app_client.get("/api/v1/entries", headers=bearer(token))
    assert expired.status_code == 401
    assert expired.json()["code"] == "unauthorized"
    assert expired.headers["www-authenticate"] == "Bearer"


def test_revoked_token_is_unauthorized(client: TestClient) -> None:
    register(client)
    token = make_token(client)
    token_id = client.get("/api/v1/tokens").json()["data"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    response = TestClient(client.app).get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401


def test_token_last_use_is_written_at_most_once_a_minute(client: TestClient, clock: Clock) -> None:
    register(client)
    token = make_token(client)
    app_client = TestClient(client.app)

    def last_used() -> str | None:
        value: str | None = client.get("/api/v1/tokens").json()["data"][0]["last_used_at"]
        return value

    assert last_used() is None
    assert app_client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    first = last_used()
    assert first is not None
    clock.advance(timedelta(seconds=59))
    assert app_client.post("/api/v1/goals", json={"title": "Swim"}, headers=bearer(token)).status_code == 201
    assert last_used() == first
    clock.advance(timedelta(seconds=2))
    assert app_client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    later = last_used()
    assert later is not None and datetime.fromisoformat(later) > datetime.fromisoformat(first)


def test_password_change_ends_other_sessions_and_every_token(new_client: Callable[[], TestClient]) -> None:
    phone = new_client()
    user = register(phone)
    laptop = new_client()
    assert laptop.post("/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}).status_code == 200
    token = make_token(phone)
    third_party = new_client()
    assert third_party.get("/api/v1/me", headers=bearer(token)).status_code == 200

    changed = phone.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "a new phrase"})
    assert changed.status_code == 204

    assert phone.get("/api/v1/me").status_code == 200
    assert laptop.get("/api/v1/me").status_code == 401
    assert third_party.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert phone.get("/api/v1/tokens").json()["data"] == []
    stranger = new_client()
    login = {"email": user["email"], "password": PASSWORD}
    assert stranger.post("/api/v1/auth/login", json=login).status_code == 401
    login["password"] = "a new phrase"
    assert stranger.post("/api/v1/auth/login", json=login).status_code == 200


def test_password_change_needs_the_current_password(client: TestClient) -> None:
    register(client)
    response = client.post("/api/v1/me/password", json={"current_password": "not it", "new_password": "a new phrase"})
    assert response.status_code == 403
    assert client.get("/api/v1/me").status_code == 200


def test_unknown_email_costs_one_password_hash_check(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    run = app.core.slow_work.run

    async def spy(work: Callable[..., Any], *args: Any) -> Any:
        checked.append(args[-1])  # the hash the password is checked against
        return await run(work, *args)

    monkeypatch.setattr(app.core.slow_work, "run", spy)
    response = client.post("/api/v1/auth/login", json={"email": "nobody@example.org", "password": PASSWORD})
    assert response.status_code == 401
    assert checked == [app.core.passwords._dummy_hash()]


def _rows(application: FastAPI) -> dict[str, list[dict[str, Any]]]:
    with application.state.database.read_session() as session:
        return {
            table.name: [dict(row._mapping) for row in session.execute(select(table))]
            for table in SQLModel.metadata.sorted_tables
        }


def _belongs_to(row: dict[str, Any], ids: set[str]) -> bool:
    return any(str(value) in ids for value in row.values() if isinstance(value, uuid.UUID | str))


def _populate(client: TestClient) -> set[str]:
    """An account with goals, entries, tokens, two sessions and a keyed write; returns the ids that are its own."""
    user = register(client)
    goal = make_goal(client)
    entry = make_entry(client, goal_ids=[goal["id"]], tags=["sea"], people=["Ann"])
    keyed = client.post("/api/v1/entries", json={"note": "keyed"}, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert keyed.status_code == 201
    pause = client.post(
        "/api/v1/pauses", json={"start_date": "2026-11-01", "end_date": "2026-11-02", "goal_id": goal["id"]}
    )
    assert pause.status_code == 201
    make_token(client)
    tokens = client.get("/api/v1/tokens").json()["data"]
    other_device = TestClient(client.app)
    assert other_device.post("/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}).is_success
    return {
        user["id"],
        goal["id"],
        entry["id"],
        keyed.json()["id"],
        pause.json()["id"],
        *(token["id"] for token in tokens),
    }


def test_account_deletion_leaves_nothing_of_the_user_in_any_table(
    new_client: Callable[[], TestClient], app: FastAPI
) -> None:
    leaving, staying = new_client(), new_client()
    leaving_ids = _populate(leaving)
    staying_ids = _populate(staying)
    before = _rows(app)
    tables = ("users", "goals", "entries", "entry_goals", "pauses", "access_tokens", "auth_sessions", "change_counters")
    for table in tables:
        assert any(_belongs_to(row, leaving_ids) for row in before[table]), table

    response = leaving.request("DELETE", "/api/v1/me", json={"password": PASSWORD})
    assert response.status_code == 204

    after = _rows(app)
    for table, rows in after.items():
        assert not [row for row in rows if _belongs_to(row, leaving_ids)], f"{table} still holds the user's rows"
        kept = [row for row in before[table] if _belongs_to(row, staying_ids)]
        assert len([row for row in rows if _belongs_to(row, staying_ids)]) == len(kept), table
    assert leaving.get("/api/v1/me").status_code == 401
    assert staying.get("/api/v1/me").status_code == 200


def test_account_deletion_needs_the_password(client: TestClient) -> None:
    register(client)
    response = client.request("DELETE", "/api/v1/me", json={"password": "not it"})
    assert response.status_code == 403
    assert client.get("/api/v1/me").status_code == 200


def test_a_token_cannot_revoke_tokens(new_client: Callable[[], TestClient]) -> None:
    owner = new_client()
    register(owner)
    token = make_token(owner)
    token_id = owner.get("/api/v1/tokens").json()["data"][0]["id"]
    response = new_client().delete(f"/api/v1/tokens/{token_id}", headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert len(owner.get("/api/v1/tokens").json()["data"]) == 1
