"""CORS: off by default; allowlisted origins may call the API with bearer tokens, never with cookies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Headers
from pydantic import ValidationError

from app.core.settings import Settings
from app.main import create_app
from tests.factories import bearer, make_token, register

ALLOWED = "https://journal.example"
OTHER = "https://evil.example"
PREFLIGHT = {
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "authorization, content-type, if-match, idempotency-key",
}


@pytest.fixture
def cors_client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, rate_limits="off", cors_origins=f"{ALLOWED}, https://other.example")
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.database.dispose()


def _cors_headers(headers: Headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items() if name.lower().startswith("access-control-")}


def test_preflight_from_an_allowed_origin_is_answered(cors_client: TestClient) -> None:
    response = cors_client.options(
        "/api/v1/entries/0b7e3f5c-1111-4c1e-9d0a-2f3e4a5b6c7d", headers={"Origin": ALLOWED, **PREFLIGHT}
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "PUT" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    for header in ("authorization", "content-type", "if-match", "if-none-match", "idempotency-key"):
        assert header in allowed_headers
    assert "access-control-allow-credentials" not in response.headers
    assert "origin" in response.headers["vary"].lower()
    assert "content-security-policy" in response.headers


def test_preflight_from_another_origin_gets_no_cors_headers(cors_client: TestClient) -> None:
    response = cors_client.options("/api/v1/entries", headers={"Origin": OTHER, **PREFLIGHT})
    assert _cors_headers(response.headers) == {}
    assert response.status_code == 405  # passed on to the API, where the path has no OPTIONS


def test_bearer_request_from_an_allowed_origin_is_readable(cors_client: TestClient) -> None:
    register(cors_client)
    token = make_token(cors_client)
    cors_client.cookies.clear()
    response = cors_client.post(
        "/api/v1/goals", json={"title": "Write daily"}, headers={"Origin": ALLOWED, **bearer(token)}
    )
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == ALLOWED
    exposed = response.headers["access-control-expose-headers"].lower()
    for header in ("etag", "location", "idempotent-replayed", "retry-after"):
        assert header in exposed
    assert "access-control-allow-credentials" not in response.headers


def test_request_from_another_origin_gets_no_cors_headers(cors_client: TestClient) -> None:
    register(cors_client)
    token = make_token(cors_client)
    response = cors_client.get("/api/v1/goals", headers={"Origin": OTHER, **bearer(token)})
    assert response.status_code == 200
    assert _cors_headers(response.headers) == {}


def test_cors_is_off_by_default(client: TestClient) -> None:
    preflight = client.options("/api/v1/entries", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert _cors_headers(preflight.headers) == {}
    assert _cors_headers(client.get("/api/v1/me", headers={"Origin": ALLOWED}).headers) == {}


def test_cookie_request_from_an_allowed_origin_is_still_cross_site(cors_client: TestClient) -> None:
    register(cors_client)
    response = cors_client.post(
        "/api/v1/goals", json={"title": "Sneaky"}, headers={"Origin": ALLOWED, "Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf"


@pytest.mark.parametrize("origins", ["https://journal.example/", "journal.example", "*", "https://a.example/app"])
def test_an_origin_list_that_is_not_origins_stops_start_up(origins: str) -> None:
    with pytest.raises(ValidationError, match="cors_origins"):
        Settings(cors_origins=origins)
