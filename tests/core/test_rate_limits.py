"""Rate limits of SPEC §8: failed logins, registrations and the per-user API budget; shared through Redis."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from app.core.errors import RateLimited
from app.core.rate_limits import RateLimits
from app.core.settings import Settings
from app.main import create_app
from bench.processes import ServerProcess
from tests.factories import PASSWORD, another_address, bearer, make_token, register


@pytest.fixture
def limited_client(database_url: str) -> Iterator[Callable[..., TestClient]]:
    """A client of an app with rate limits on; keyword arguments become settings."""
    apps = []

    def make(**overrides: str) -> TestClient:
        app = create_app(Settings(database_url=database_url, rate_limits="on", **overrides))  # type: ignore[arg-type]
        apps.append(app)
        client = TestClient(app)
        client.__enter__()
        return client

    yield make
    for app in apps:
        app.state.database.dispose()


def _login(client: TestClient, email: str, password: str, **headers: str) -> httpx.Response:
    response: httpx.Response = client.post(
        "/api/v1/auth/login", json={"email": email, "password": password}, headers=headers
    )
    return response


def assert_retry_after(headers: httpx.Headers | dict[str, str], window: int, first_attempt: float) -> None:
    """``Retry-After`` is the window less the whole seconds since the first attempt it counted."""
    elapsed = time.time() - first_attempt
    assert window - math.ceil(elapsed) <= int(headers["Retry-After"]) <= window


def test_eleventh_failed_login_for_one_email_is_rate_limited(limited_client: Callable[..., TestClient]) -> None:
    client = limited_client()
    user = register(client)
    first_attempt = time.time()
    for _ in range(10):
        assert _login(client, user["email"], "wrong password").status_code == 401
    response = _login(client, user["email"], PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert_retry_after(response.headers, 15 * 60, first_attempt)
    assert response.headers["content-type"] == "application/problem+json"
    # The budget is the email's: another account from the same address still signs in.
    other = register(limited_client())
    assert _login(client, other["email"], PASSWORD).status_code == 200


def test_email_budget_ignores_case_and_unknown_emails_count_too(limited_client: Callable[..., TestClient]) -> None:
    client = limited_client()
    for attempt in range(10):
        email = "Nobody@Example.org" if attempt % 2 else "nobody@example.org"
        assert _login(client, email, "guess").status_code == 401
    assert _login(client, "NOBODY@example.org", "guess").status_code == 429


def test_successful_logins_do_not_use_the_budget(limited_client: Callable[..., TestClient]) -> None:
    client = limited_client()
    user = register(client)
    for _ in range(9):
        assert _login(client, user["email"], "wrong password").status_code == 401
    for _ in range(3):
        assert _login(client, user["email"], PASSWORD).status_code == 200
    assert _login(client, user["email"], "wrong password").status_code == 401


def test_thirty_first_registration_from_one_address_is_rate_limited(limited_client: Callable[..., TestClient]) -> None:
    client = limited_client()
    first_attempt = time.time()
    for number in range(30):
        body = {"email": f"sign-up-{number}@example.org", "password": PASSWORD}
        assert client.post("/api/v1/auth/register", json=body).status_code == 201
    refused = client.post("/api/v1/auth/register", json={"email": "one-more@example.org", "password": PASSWORD})
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert_retry_after(refused.headers, 3600, first_attempt)


def test_api_budget_is_per_user(limited_client: Callable[..., TestClient]) -> None:
    client = limited_client(rate_limit_api="5/minute")
    register(client)  # the sign-up itself is not an API call of the user
    first_attempt = time.time()
    token = make_token(client)  # 1
    for _ in range(3):  # 2..4
        assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/goals", headers=bearer(token)).status_code == 200  # 5: tokens share the user's budget
    limited = client.get("/api/v1/me")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert_retry_after(limited.headers, 60, first_attempt)
    assert client.get("/api/v1/goals", headers=bearer(token)).status_code == 429
    other = limited_client(rate_limit_api="5/minute")
    register(other)
    assert other.get("/api/v1/me").status_code == 200


def test_rate_limits_off_turns_every_limit_off(client: TestClient) -> None:
    user = register(client)
    for _ in range(12):
        assert _login(client, user["email"], "wrong password").status_code == 401


def test_failed_logins_per_address() -> None:
    limits = RateLimits(storage_uri="memory://", api_limit="3000/minute")
    first_attempt = time.time()
    for number in range(100):
        limits.check_login(email=f"guess-{number}@example.org", ip="203.0.113.9")
        limits.record_failed_login(email=f"guess-{number}@example.org", ip="203.0.113.9")
    with pytest.raises(RateLimited) as refused:
        limits.check_login(email="fresh@example.org", ip="203.0.113.9")
    assert_retry_after(refused.value.headers, 15 * 60, first_attempt)
    limits.check_login(email="fresh@example.org", ip="203.0.113.10")


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the budget lives in Redis, whatever the engine
def test_two_processes_share_one_budget_through_redis(
    database_url: str, redis_url: str, start_server: Callable[..., ServerProcess]
) -> None:
    env = {"SYNCLOG_RATE_LIMITS": "on", "SYNCLOG_REDIS_URL": redis_url}
    servers = [start_server(database_url, env=env) for _ in range(2)]
    # A fresh address per run, so runs sharing this Redis do not share the address's budget.
    address = another_address()
    with httpx.Client(base_url=servers[0].url, headers=address) as first:
        email = register(first)["email"]
    first_attempt = time.time()
    for attempt in range(10):
        wrong = httpx.post(
            f"{servers[attempt % 2].url}/api/v1/auth/login", json={"email": email, "password": "wrong"}, headers=address
        )
        assert wrong.status_code == 401
    for server in servers:
        refused = httpx.post(
            f"{server.url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, headers=address
        )
        assert refused.status_code == 429
        assert_retry_after(refused.headers, 15 * 60, first_attempt)
