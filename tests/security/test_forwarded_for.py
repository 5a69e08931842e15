"""Per-IP limits on a real ``synclog serve``: ``X-Forwarded-For`` counts only from ``SYNCLOG_TRUSTED_PROXIES``,
and the failed-login budget holds under parallel guesses across two workers."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bench.processes import ServerProcess as Server
from bench.processes import start_synclog as start_server
from tests.cheap_hashing import SYNCLOG_WITH_CHEAP_HASHING
from tests.core.test_rate_limits import REDIS_URL, _redis_or_skip
from tests.factories import PASSWORD


def _register(server: Server, number: int, forwarded_for: str) -> int:
    body = {"email": f"sign-up-{uuid.uuid4().hex}-{number}@example.org", "password": PASSWORD}
    response = httpx.post(
        f"{server.url}/api/v1/auth/register", json=body, headers={"X-Forwarded-For": forwarded_for}, timeout=30
    )
    return response.status_code


def _rotating_addresses(count: int) -> list[str]:
    return [f"198.51.100.{number + 1}" for number in range(count)]


@pytest.mark.slow
def test_rotating_x_forwarded_for_does_not_pass_the_sign_up_limit(tmp_path: Path) -> None:
    server = start_server(
        f"sqlite:///{tmp_path / 'synclog.db'}",
        tmp_path,
        env={"SYNCLOG_RATE_LIMITS": "on"},
        synclog=SYNCLOG_WITH_CHEAP_HASHING,
    )
    try:
        answers = [_register(server, number, address) for number, address in enumerate(_rotating_addresses(31))]
    finally:
        server.stop()
    assert answers == [201] * 30 + [429]


@pytest.mark.slow
def test_a_trusted_proxy_names_the_client(tmp_path: Path) -> None:
    env = {"SYNCLOG_RATE_LIMITS": "on", "SYNCLOG_TRUSTED_PROXIES": "127.0.0.1, ::1"}
    server = start_server(f"sqlite:///{tmp_path / 'synclog.db'}", tmp_path, env=env, synclog=SYNCLOG_WITH_CHEAP_HASHING)
    try:
        answers = [_register(server, number, address) for number, address in enumerate(_rotating_addresses(32))]
        # One client behind the proxy still has its own budget of 30.
        same_client = [_register(server, 100 + number, "203.0.113.50") for number in range(31)]
    finally:
        server.stop()
    assert answers == [201] * 32
    assert same_client == [201] * 30 + [429]


def _parallel_wrong_passwords(server: Server, email: str, address: str, count: int) -> list[int]:
    def guess(_: int) -> int:
        response = httpx.post(
            f"{server.url}/api/v1/auth/login",
            json={"email": email, "password": "wrong password"},
            headers={"X-Forwarded-For": address},
            timeout=60,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=count) as pool:
        return sorted(pool.map(guess, range(count)))


@pytest.mark.slow
def test_twenty_parallel_guesses_on_two_workers_check_ten_passwords_through_redis(
    database_url: str, tmp_path: Path
) -> None:
    _redis_or_skip()
    env = {"SYNCLOG_RATE_LIMITS": "on", "SYNCLOG_REDIS_URL": REDIS_URL, "SYNCLOG_TRUSTED_PROXIES": "127.0.0.1"}
    server = start_server(database_url, tmp_path, env=env, workers=2, synclog=SYNCLOG_WITH_CHEAP_HASHING)
    # A fresh address and email per run: runs share the Redis budgets for 15 minutes.
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    email = f"parallel-{uuid.uuid4().hex}@example.org"
    try:
        registered = httpx.post(
            f"{server.url}/api/v1/auth/register",
            json={"email": email, "password": PASSWORD},
            headers={"X-Forwarded-For": address},
            timeout=30,
        )
        assert registered.status_code == 201
        answers = _parallel_wrong_passwords(server, email, address, 20)
    finally:
        server.stop()
    assert answers == [401] * 10 + [429] * 10


@pytest.mark.slow
def test_without_redis_each_of_two_workers_keeps_its_own_budget(database_url: str, tmp_path: Path) -> None:
    server = start_server(
        database_url, tmp_path, env={"SYNCLOG_RATE_LIMITS": "on"}, workers=2, synclog=SYNCLOG_WITH_CHEAP_HASHING
    )
    email = f"parallel-{uuid.uuid4().hex}@example.org"
    try:
        registered = httpx.post(f"{server.url}/api/v1/auth/register", json={"email": email, "password": PASSWORD})
        assert registered.status_code == 201
        answers = _parallel_wrong_passwords(server, email, "ignored", 30)
    finally:
        server.stop()
    # docs/security.md: in memory, the budget is per worker, so at most 2 × 10 passwords are checked.
    assert 10 <= answers.count(401) <= 20
    assert answers.count(401) + answers.count(429) == 30
