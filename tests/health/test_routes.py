"""``/healthz``, ``/readyz`` (503 until the schema is at head) and ``/metrics`` (Prometheus text)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.core.database import normalize_database_url
from app.core.migrations import upgrade_to_head
from app.core.settings import Settings
from app.main import create_app
from tests.conftest import POSTGRES_URL
from tests.factories import make_entry, register


@pytest.fixture
def empty_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A reachable database of the same engine with no schema at all."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = make_url(normalize_database_url(POSTGRES_URL))
    name = f"synclog_empty_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_healthz_answers_while_the_process_lives(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_503_before_migrations_and_200_after(empty_database_url: str) -> None:
    application = create_app(Settings(database_url=empty_database_url, rate_limits="off"))
    with TestClient(application) as client:
        before = client.get("/readyz")
        assert before.status_code == 503
        assert "synclog migrate" in before.json()["detail"]
        assert client.get("/healthz").status_code == 200
        upgrade_to_head(empty_database_url)
        after = client.get("/readyz")
        assert after.status_code == 200
        assert after.json()["status"] == "ok"
    application.state.database.dispose()


def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    url = "postgresql://synclog@127.0.0.1:9/synclog?connect_timeout=1"
    application = create_app(Settings(database_url=url, rate_limits="off"))
    with TestClient(application) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["detail"].startswith("database unreachable")
    application.state.database.dispose()


def _samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    # Metrics are answered to loopback clients (a scraper on the same host).
    response = TestClient(client.app, client=("127.0.0.1", 50000)).get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_metrics_parse_as_prometheus_text_and_count_by_route(client: TestClient) -> None:
    register(client)
    before = _samples(client)
    entry = make_entry(client)
    assert client.get(f"/api/v1/entries/{entry['id']}").status_code == 200
    assert client.get(f"/api/v1/entries/{uuid.uuid4()}").status_code == 404
    assert client.delete(f"/api/v1/entries/{entry['id']}").status_code == 204
    after = _samples(client)

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    route = "/api/v1/entries/{entry_id}"
    assert grew("synclog_http_requests_total", method="GET", route=route, status="200") == 1
    assert grew("synclog_http_requests_total", method="GET", route=route, status="404") == 1
    assert grew("synclog_http_requests_total", method="POST", route="/api/v1/entries", status="201") == 1
    assert grew("synclog_http_request_duration_seconds_count", method="GET", route=route) == 2
    assert grew("synclog_entries_written_total", operation="created") == 1
    assert grew("synclog_entries_written_total", operation="deleted") == 1
    assert not any(entry["id"] in str(labels) for (_, labels) in after)


def test_a_refused_write_is_not_counted_as_written(client: TestClient) -> None:
    register(client)
    before = _samples(client).get(("synclog_entries_written_total", (("operation", "created"),)), 0)
    response = client.post("/api/v1/entries", json={"note": "future", "occurred_at": "2099-01-01T00:00:00Z"})
    assert response.status_code == 422
    after = _samples(client).get(("synclog_entries_written_total", (("operation", "created"),)), 0)
    assert after == before


def test_entries_are_counted_when_their_transaction_commits(client: TestClient) -> None:
    register(client)
    goal = client.post("/api/v1/goals", json={"title": "Sea"}).json()
    make_entry(client, goal_ids=[goal["id"]])
    make_entry(client, goal_ids=[goal["id"]])
    before = _samples(client)
    refused = {
        "format": "synclog-export",
        "version": 1,
        "entries": [{"id": str(uuid.uuid4()), "note": "written, then rolled back"}, {"id": "not a uuid"}],
    }
    assert client.post("/api/v1/import", json=refused).status_code == 422
    assert client.delete(f"/api/v1/goals/{goal['id']}").status_code == 204
    after = _samples(client)

    def grew(operation: str) -> float:
        key = ("synclog_entries_written_total", (("operation", operation),))
        return after.get(key, 0) - before.get(key, 0)

    assert (grew("created"), grew("changed")) == (0, 2)


def test_request_ids_are_echoed_or_made(client: TestClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = [
        client.get("/healthz").headers["X-Request-ID"],
        client.get("/healthz", headers={"X-Request-ID": "no spaces\tor tabs"}).headers["X-Request-ID"],
        client.get("/api/v1/me").headers["X-Request-ID"],  # an error answer too
    ]
    assert all(re.fullmatch("[0-9a-f]{32}", request_id) for request_id in made), made  # a new UUID's hex
    assert len(set(made)) == 3


METRICS_TOKEN = "a-long-metrics-token-for-tests"


@pytest.mark.parametrize(
    ("peer", "headers", "status"),
    [
        ("127.0.0.1", {}, 200),
        ("::1", {}, 200),
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}, 404),  # a proxy on this host forwarded someone else
        ("127.0.0.1", {"Forwarded": "for=203.0.113.9"}, 404),
        ("203.0.113.9", {}, 404),
        ("203.0.113.9", {"Authorization": f"Bearer {METRICS_TOKEN}"}, 200),
        ("203.0.113.9", {"Authorization": f"Bearer {METRICS_TOKEN}x"}, 404),
        ("203.0.113.9", {"Authorization": f"Bearer {METRICS_TOKEN[:-1]}"}, 404),
        ("203.0.113.9", {"Authorization": f"Basic {METRICS_TOKEN}"}, 404),
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9", "Authorization": f"Bearer {METRICS_TOKEN}"}, 200),
        ("testclient", {}, 404),
    ],
)
def test_metrics_answer_loopback_clients_or_the_token_holder(
    database_url: str, peer: str, headers: dict[str, str], status: int
) -> None:
    application = create_app(Settings(database_url=database_url, rate_limits="off", metrics_token=METRICS_TOKEN))
    with TestClient(application, client=(peer, 50000)) as client:
        response = client.get("/metrics", headers=headers)
        unknown_path = client.get("/no-such-path")
    application.state.database.dispose()
    assert response.status_code == status
    if status == 404:
        assert response.json() == unknown_path.json()  # nothing tells that /metrics exists
    else:
        assert "synclog_http_requests_total" in response.text


def test_without_a_token_setting_no_bearer_opens_metrics(client: TestClient) -> None:
    remote = TestClient(client.app, client=("203.0.113.9", 50000))
    assert remote.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
    assert remote.get("/metrics", headers={"Authorization": "Bearer None"}).status_code == 404
