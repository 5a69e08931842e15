"""Rate limits of SPEC §8: failed logins, registrations and the per-user API budget; shared through Redis."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import redis
from fastapi.testclient import TestClient

from app.core.errors import RateLimited, Unauthorized
from app.core.rate_limits import RateLimits
from app.core.settings import Settings
from app.main import create_app
from bench.processes import start_synclog as start_server
from tests.cheap_hashing import SYNCLOG_WITH_CHEAP_HASHING
from tests.factories import PASSWORD, bearer, make_token, register

# CI names the server (and so requires it); elsewhere the test skips when no Redis answers.
REDIS_URL = os.environ.get("SYNCLOG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_REQUIRED = "SYNCLOG_TEST_REDIS_URL" in os.environ


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


def test_eleventh_failed_login_for_one_email_is_rate_limited(limited_client: Callable[..., TestClient]) -> None:
    client = limited_client()
    user = register(client)
    for _ in range(10):
        assert _login(client, user["email"], "wrong password").status_code == 401
    response = _login(client, user["email"], PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response.headers["retry-after"]) <= 15 * 60
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
    for number in range(30):
        body = {"email": f"sign-up-{number}@example.org", "password": PASSWORD}
        assert client.post("/api/v1/auth/register", json=body).status_code == 201
    refused = client.post("/api/v1/auth/register", json={"email": "one-more@example.org", "password": PASSWORD})
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) <= 3600


def test_api_budget_is_per_user(limited_client: Callable[..., TestClient]) -> None:
    client = limited_client(rate_limit_api="5/minute")
    register(client)  # the sign-up itself is not an API call of the user
    token = make_token(client)  # 1
    for _ in range(3):  # 2..4
        assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/goals", headers=bearer(token)).status_code == 200  # 5: tokens share the user's budget
    limited = client.get("/api/v1/me")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
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
    for number in range(100):
        with pytest.raises(Unauthorized), limits.password_check(email=f"guess-{number}@example.org", ip="203.0.113.9"):
            raise Unauthorized("wrong password")
    with pytest.raises(RateLimited) as refused, limits.password_check(email="fresh@example.org", ip="203.0.113.9"):
        pass
    assert refused.value.detail == "Too many failed sign-ins from this address; try again later."
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 15 * 60
    with limits.password_check(email="fresh@example.org", ip="203.0.113.10"):
        pass


def test_a_right_password_forgives_the_emails_failures_but_not_the_addresses() -> None:
    limits = RateLimits(storage_uri="memory://", api_limit="3000/minute")
    for _ in range(9):
        with pytest.raises(Unauthorized), limits.password_check(email="ada@example.org", ip="203.0.113.9"):
            raise Unauthorized("wrong password")
    with limits.password_check(email="Ada@Example.org", ip="203.0.113.9"):
        pass
    for _ in range(10):
        with pytest.raises(Unauthorized), limits.password_check(email="ada@example.org", ip="203.0.113.9"):
            raise Unauthorized("wrong password")
    with pytest.raises(RateLimited) as refused, limits.password_check(email="ada@example.org", ip="203.0.113.7"):
        pass
    assert refused.value.detail == "Too many failed sign-ins for this account; try again later."


def test_parallel_guesses_cannot_pass_the_email_budget() -> None:
    limits = RateLimits(storage_uri="memory://", api_limit="3000/minute")
    checked: list[int] = []
    started = threading.Barrier(20)

    def guess(number: int) -> str:
        started.wait()
        try:
            with limits.password_check(email="ada@example.org", ip=f"203.0.113.{number}"):
                checked.append(number)
                time.sleep(0.05)  # the password check takes a while; every guess is in flight at once
                raise Unauthorized("wrong password")
        except Unauthorized:
            return "401"
        except RateLimited:
            return "429"

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(guess, range(20)))
    assert sorted(answers) == ["401"] * 10 + ["429"] * 10
    assert len(checked) == 10


@pytest.mark.parametrize("attempt", ["change_password", "delete_account"])
def test_wrong_current_passwords_count_as_failed_sign_ins(
    limited_client: Callable[..., TestClient], attempt: str
) -> None:
    client = limited_client()
    user = register(client)
    for _ in range(10):
        if attempt == "change_password":
            body = {"current_password": "wrong password", "new_password": "a new password"}
            wrong = client.post("/api/v1/me/password", json=body)
        else:
            wrong = client.request("DELETE", "/api/v1/me", json={"password": "wrong password"})
        assert wrong.status_code == 403
    right = client.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "a new password"})
    assert right.status_code == 429
    assert right.json()["detail"] == "Too many failed sign-ins for this account; try again later."
    assert _login(TestClient(client.app), user["email"], PASSWORD).status_code == 429
    assert client.get("/api/v1/me").status_code == 200  # the session itself goes on


def test_a_right_current_password_forgives_earlier_failures(limited_client: Callable[..., TestClient]) -> None:
    client = limited_client()
    user = register(client)
    other_device = TestClient(client.app)
    for _ in range(9):
        assert _login(other_device, user["email"], "wrong password").status_code == 401
    changed = client.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "a new password"})
    assert changed.status_code == 204
    for _ in range(9):
        assert _login(other_device, user["email"], "wrong password").status_code == 401
    assert _login(other_device, user["email"], "a new password").status_code == 200


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if REDIS_REQUIRED:
            raise
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")


@pytest.mark.slow
def test_two_processes_share_one_budget_through_redis(database_url: str, tmp_path: Path) -> None:
    _redis_or_skip()
    env = {"SYNCLOG_RATE_LIMITS": "on", "SYNCLOG_REDIS_URL": REDIS_URL, "SYNCLOG_TRUSTED_PROXIES": "127.0.0.1"}
    servers = [start_server(database_url, tmp_path, env=env, synclog=SYNCLOG_WITH_CHEAP_HASHING) for _ in range(2)]
    try:
        email = f"shared-{uuid.uuid4().hex}@example.org"
        # A fresh address per run (the test trusts X-Forwarded-For from loopback), so runs do not share the IP budget.
        address = {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 250 + 1}"}
        register_response = httpx.post(
            f"{servers[0].url}/api/v1/auth/register", json={"email": email, "password": PASSWORD}, headers=address
        )
        assert register_response.status_code == 201
        for attempt in range(10):
            server = servers[attempt % 2]
            wrong = httpx.post(
                f"{server.url}/api/v1/auth/login", json={"email": email, "password": "wrong"}, headers=address
            )
            assert wrong.status_code == 401
        for server in servers:
            refused = httpx.post(
                f"{server.url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, headers=address
            )
            assert refused.status_code == 429
            assert int(refused.headers["retry-after"]) >= 1
    finally:
        for server in servers:
            server.stop()
