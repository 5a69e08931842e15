"""Factories for tests: accounts, tokens, goals and entries made through the public API.

Each takes any ``httpx.Client`` whose base URL is the server (a ``TestClient`` is one), so the
same helpers serve tests in process and tests over real HTTP.
"""

from __future__ import annotations

import itertools
import os
import ssl
import uuid
from collections.abc import Mapping
from typing import Any

import httpx

from app.core.principal import ALL_SCOPES

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)
# The servers of the tests speak plain HTTP, so one TLS context serves every client: httpx otherwise
# loads its CA bundle for each new client (~28 ms of CPU; a run makes hundreds of clients).
_TLS = ssl.create_default_context()


def unique_email() -> str:
    """An address no other test, worker or run uses (databases and Redis budgets may be shared)."""
    return f"user{next(_numbers)}-{os.getpid()}-{uuid.uuid4().hex[:6]}@example.org"


def another_address() -> dict[str, str]:
    """Headers that make a request come from a fresh client address (uvicorn trusts them from loopback).

    For servers that share per-address budgets through Redis with other runs: each run gets its own.
    """
    return {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 250 + 1}"}


def http_client(url: str | httpx.URL, **options: Any) -> httpx.Client:
    """An ``httpx.Client`` of the server at ``url``; ``options`` as ``httpx.Client`` takes them."""
    return httpx.Client(base_url=url, verify=_TLS, **options)


def register(client: httpx.Client, *, email: str | None = None, **fields: Any) -> dict[str, Any]:
    """Create an account; the client is then signed in with its session cookie. The user as answered."""
    body = {"email": email or unique_email(), "password": PASSWORD, **fields}
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


def make_token(client: httpx.Client, *, scopes: tuple[str, ...] = ALL_SCOPES, name: str = "test app") -> str:
    """A personal access token of the signed-in user; the secret."""
    response = client.post("/api/v1/tokens", json={"name": name, "scopes": list(scopes)})
    assert response.status_code == 201, response.text
    token: str = response.json()["token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_up(url: str, *, scopes: tuple[str, ...] = ALL_SCOPES, headers: Mapping[str, str] | None = None) -> str:
    """A new account on the server at ``url`` and a token holding ``scopes``; the token's secret.

    ``headers`` go with the sign-up requests (``another_address()`` for a server whose budgets other runs share).
    """
    with http_client(url, headers=headers, timeout=30) as browser:
        register(browser)
        return make_token(browser, scopes=scopes)


def make_goal(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/goals", json={"title": "Live near the sea", **fields})
    assert response.status_code == 201, response.text
    goal: dict[str, Any] = response.json()
    return goal


def make_entry(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/entries", json={"note": "Thought of Ann, then met her", **fields})
    assert response.status_code == 201, response.text
    entry: dict[str, Any] = response.json()
    return entry
