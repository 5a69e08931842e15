"""Factories for tests: accounts, tokens, goals and entries made through the public API."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi.testclient import TestClient

from app.auth.models import ALL_SCOPES

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def register(client: TestClient, *, email: str | None = None, **fields: Any) -> dict[str, Any]:
    """Create an account; the client is then signed in with its session cookie."""
    body = {"email": email or f"user{next(_numbers)}@example.org", "password": PASSWORD, **fields}
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


def make_token(client: TestClient, *, scopes: tuple[str, ...] = ALL_SCOPES, name: str = "test app") -> str:
    response = client.post("/api/v1/tokens", json={"name": name, "scopes": list(scopes)})
    assert response.status_code == 201, response.text
    token: str = response.json()["token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_goal(client: TestClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/goals", json={"title": "Live near the sea", **fields})
    assert response.status_code == 201, response.text
    goal: dict[str, Any] = response.json()
    return goal


def make_entry(client: TestClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/entries", json={"note": "Thought of Ann, then met her", **fields})
    assert response.status_code == 201, response.text
    entry: dict[str, Any] = response.json()
    return entry
