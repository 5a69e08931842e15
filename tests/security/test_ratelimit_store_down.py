"""SPEC §8: with Redis configured but down, rate limits fail open, say so once a minute, count it in
``/metrics``, and ``/readyz`` names Redis as down while answering 200."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.core.rate_limits import RateLimits
from app.core.settings import Settings
from app.main import create_app
from bench.processes import free_port
from tests.core.test_rate_limits import REDIS_URL, _redis_or_skip
from tests.factories import PASSWORD, make_entry, register


def _closed_port_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def app_without_redis(database_url: str) -> Iterator[FastAPI]:
    application = create_app(Settings(database_url=database_url, rate_limits="on", redis_url=_closed_port_url()))
    yield application
    application.state.database.dispose()


def _skipped_checks(client: TestClient) -> float:
    text = client.get("/metrics").text
    return next(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "synclog_rate_limits_skipped_total"
    )


def test_requests_go_ahead_when_redis_is_down(app_without_redis: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    metrics_reader = TestClient(app_without_redis, client=("127.0.0.1", 50000))
    before = _skipped_checks(metrics_reader)
    with caplog.at_level(logging.WARNING, logger="synclog.rate_limits"), TestClient(app_without_redis) as client:
        user = register(client)
        assert client.post("/api/v1/auth/logout").status_code == 204
        wrong = client.post("/api/v1/auth/login", json={"email": user["email"], "password": "wrong password"})
        assert wrong.status_code == 401
        right = client.post("/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD})
        assert right.status_code == 200
        make_entry(client)
        assert client.get("/api/v1/entries").status_code == 200
    warnings = [record for record in caplog.records if record.name == "synclog.rate_limits"]
    assert [record.getMessage() for record in warnings] == [
        "The rate-limit store does not answer (ConnectionError); requests go ahead without limits."
    ]
    assert _skipped_checks(metrics_reader) - before >= 6


def test_readyz_names_redis_as_down_and_answers_200(app_without_redis: FastAPI) -> None:
    with TestClient(app_without_redis) as client:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "detail": "ok", "redis": "down"}


def test_readyz_says_redis_is_ok_when_it_answers(database_url: str) -> None:
    _redis_or_skip()
    application = create_app(Settings(database_url=database_url, rate_limits="on", redis_url=REDIS_URL))
    with TestClient(application) as client:
        assert client.get("/readyz").json() == {"status": "ok", "detail": "ok", "redis": "ok"}
    application.state.database.dispose()


def test_readyz_says_nothing_of_redis_without_it(client: TestClient) -> None:
    assert client.get("/readyz").json() == {"status": "ok", "detail": "ok"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_warning_comes_at_most_once_a_minute_and_redis_is_retried(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    skipped: list[None] = []
    limits = RateLimits(
        storage_uri=_closed_port_url(), api_limit="1/minute", on_skipped=lambda: skipped.append(None), clock=clock
    )
    with caplog.at_level(logging.WARNING, logger="synclog.rate_limits"):
        for _ in range(3):  # over the budget of 1, yet nothing is refused
            limits.hit_registration(ip="203.0.113.9")
            limits.hit_api(user_id=uuid.uuid4())
            clock.now += 10  # past the 5 s pause: Redis is asked again each time
        assert len(caplog.records) == 1
        clock.now += 60
        limits.hit_registration(ip="203.0.113.9")
        assert len(caplog.records) == 2
    assert len(skipped) == 7
    assert limits.store_reachable() is False
