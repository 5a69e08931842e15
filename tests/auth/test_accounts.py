"""Accounts: register, sign in, settings, tokens and their scopes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core import slow_work
from app.core.settings import Settings
from app.main import create_app
from tests.factories import PASSWORD, bearer, make_entry, make_token, register


def test_register_signs_in_and_normalizes_email(client: TestClient) -> None:
    user = register(client, email="Ada@Example.ORG", timezone="Europe/Berlin", display_name="Ada")
    assert user["email"] == "ada@example.org"
    assert user["timezone"] == "Europe/Berlin"
    assert (user["day_start_hour"], user["week_start"], user["grace_days"]) == (0, "monday", 0)
    cookie = client.cookies.get("synclog_session")
    assert cookie
    me = client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["id"] == user["id"]


def test_session_cookie_is_httponly_and_lax(new_client: Callable[[], TestClient]) -> None:
    client = new_client()
    response = client.post("/api/v1/auth/register", json={"email": "c@example.org", "password": PASSWORD})
    header = response.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header and "max-age=2592000" in header
    assert "secure" not in header  # plain HTTP in this test; Secure is set on HTTPS


def test_email_taken_is_conflict_case_insensitively(new_client: Callable[[], TestClient]) -> None:
    register(new_client(), email="dup@example.org")
    response = new_client().post("/api/v1/auth/register", json={"email": "DUP@example.org", "password": PASSWORD})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "conflict"


def test_register_rejects_bad_input(client: TestClient) -> None:
    for body in (
        {"email": "not-an-email", "password": PASSWORD},
        {"email": "a@example.org", "password": "short"},
        {"email": "a@example.org", "password": PASSWORD, "timezone": "Mars/Olympus"},
        {"email": "a@example.org", "password": PASSWORD, "admin": True},
    ):
        response = client.post("/api/v1/auth/register", json=body)
        assert response.status_code == 422, body
        assert response.json()["code"] == "validation_error"
        assert response.json()["errors"]
    assert client.get("/api/v1/me").status_code == 401


def test_login_same_answer_for_unknown_email_and_wrong_password(new_client: Callable[[], TestClient]) -> None:
    register(new_client(), email="known@example.org")
    client = new_client()
    wrong = client.post("/api/v1/auth/login", json={"email": "known@example.org", "password": "wrong password"})
    unknown = client.post("/api/v1/auth/login", json={"email": "nobody@example.org", "password": "wrong password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    ok = client.post("/api/v1/auth/login", json={"email": "KNOWN@example.org", "password": PASSWORD})
    assert ok.status_code == 200 and client.get("/api/v1/me").status_code == 200


def test_logout_ends_the_session(client: TestClient) -> None:
    register(client)
    cookie = client.cookies.get("synclog_session")
    assert client.post("/api/v1/auth/logout").status_code == 204
    client.cookies.set("synclog_session", cookie or "")
    assert client.get("/api/v1/me").status_code == 401


def test_patch_me_changes_settings_and_validates(client: TestClient) -> None:
    register(client)
    changed = client.patch(
        "/api/v1/me",
        json={"timezone": "Asia/Tokyo", "day_start_hour": 4, "week_start": "sunday", "grace_days": 2},
    )
    assert changed.status_code == 200
    assert changed.json()["timezone"] == "Asia/Tokyo" and changed.json()["grace_days"] == 2
    for body in (
        {"timezone": "Europe/Atlantis"},
        {"day_start_hour": 24},
        {"grace_days": 4},
        {"week_start": "friday"},
        {"email": "x@example.org"},
    ):
        response = client.patch("/api/v1/me", json=body)
        assert response.status_code == 422, body
    assert client.get("/api/v1/me").json()["timezone"] == "Asia/Tokyo"


def test_token_is_shown_once_and_listed_without_secret(client: TestClient) -> None:
    register(client)
    created = client.post("/api/v1/tokens", json={"name": "Shortcuts", "scopes": ["entries:write"]})
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("sl_pat_")
    listed = client.get("/api/v1/tokens").json()["data"]
    assert [token["name"] for token in listed] == ["Shortcuts"]
    assert secret not in str(listed) and "token" not in listed[0]


def test_token_records_source_and_scopes_are_enforced(new_client: Callable[[], TestClient]) -> None:
    owner = new_client()
    register(owner)
    writer = make_token(owner, scopes=("entries:write",), name="Shortcuts")
    app = new_client()
    created = app.post("/api/v1/entries", json={"note": "11:11 again"}, headers=bearer(writer))
    assert created.status_code == 201
    assert created.json()["source"] == "Shortcuts"
    denied = app.get("/api/v1/entries", headers=bearer(writer))
    assert denied.status_code == 403 and denied.json()["code"] == "insufficient_scope"
    goals = app.post("/api/v1/goals", json={"title": "Calm"}, headers=bearer(writer))
    assert goals.status_code == 403 and goals.json()["code"] == "insufficient_scope"
    assert app.get("/api/v1/me", headers=bearer(writer)).status_code == 200
    assert make_entry(owner)["source"] == "web"


def test_tokens_cannot_manage_tokens_or_the_account(new_client: Callable[[], TestClient]) -> None:
    owner = new_client()
    register(owner)
    token = make_token(owner)
    app = new_client()
    for method, path, body in (
        ("POST", "/api/v1/tokens", {"name": "x", "scopes": ["export"]}),
        ("GET", "/api/v1/tokens", None),
        ("PATCH", "/api/v1/me", {"grace_days": 1}),
        ("POST", "/api/v1/me/password", {"current_password": PASSWORD, "new_password": "another password"}),
        ("DELETE", "/api/v1/me", {"password": PASSWORD}),
    ):
        response = app.request(method, path, json=body, headers=bearer(token))
        assert response.status_code == 403, path
        assert response.json()["code"] == "forbidden"


def test_bad_tokens_are_unauthorized(client: TestClient) -> None:
    for header in ("Bearer sl_pat_nope", "Basic abc", "Bearer "):
        response = client.get("/api/v1/entries", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"


def test_token_scopes_are_validated(client: TestClient) -> None:
    register(client)
    for body in ({"name": "x", "scopes": ["admin"]}, {"name": "x", "scopes": []}, {"name": "", "scopes": ["export"]}):
        assert client.post("/api/v1/tokens", json=body).status_code == 422
    assert client.get("/api/v1/tokens").json()["data"] == []


def test_closed_signups_refuse_registration(settings: Settings) -> None:
    closed = create_app(settings.model_copy(update={"signups": "closed"}))
    with TestClient(closed) as client:
        response = client.post("/api/v1/auth/register", json={"email": "late@example.org", "password": PASSWORD})
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
        assert "synclog_session" not in client.cookies
    closed.state.database.dispose()


def test_sign_in_checks_the_password_in_a_slow_work_process_holding_no_database_connection(
    new_client: Callable[[], TestClient], app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Argon2 takes a core for half a second: it must neither hold a connection nor the server's GIL or cores."""
    register(new_client(), email="ada@example.org")
    database = app.state.database
    seen: list[tuple[str, int]] = []
    run = slow_work.run

    async def run_watched(work: Callable[..., Any], *args: Any) -> Any:
        seen.append((work.__name__, database.read_engine.pool.checkedout() + database.write_engine.pool.checkedout()))
        return await run(work, *args)

    monkeypatch.setattr(slow_work, "run", run_watched)
    stranger = new_client()
    assert (
        stranger.post("/api/v1/auth/login", json={"email": "ada@example.org", "password": PASSWORD}).status_code == 200
    )
    assert (
        stranger.post("/api/v1/auth/login", json={"email": "bob@example.org", "password": PASSWORD}).status_code == 401
    )
    assert seen == [("_verify_with", 0), ("_verify_with", 0)]
