"""Security headers on every response: the PWA, its static files, the API, /docs, errors and 404s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Headers

from app.api.middleware.security_headers import CONTENT_SECURITY_POLICY
from app.core.settings import Settings
from app.main import create_app
from tests.factories import bearer, make_token, register


def assert_security_headers(headers: Headers, path: str) -> None:
    lowered = {name.lower(): value for name, value in headers.items()}
    assert lowered["content-security-policy"] == CONTENT_SECURITY_POLICY, path
    assert "unsafe-inline" not in lowered["content-security-policy"]
    assert lowered["x-content-type-options"] == "nosniff", path
    assert lowered["referrer-policy"] == "no-referrer", path
    assert "camera=()" in lowered["permissions-policy"], path
    assert lowered["cross-origin-opener-policy"] == "same-origin", path


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/index.html", 200),
        ("/manifest.webmanifest", 200),
        ("/sw.js", 200),
        ("/docs", 200),
        ("/docs/init.js", 200),
        ("/docs/static/swagger-ui-bundle.js", 200),
        ("/openapi.json", 200),
        ("/healthz", 200),
        ("/no-such-file.txt", 404),
        ("/api/v1/me", 401),
        ("/api/v1/no-such-route", 404),
    ],
)
def test_headers_on_pages_files_and_errors(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response.headers, path)
    assert "strict-transport-security" not in response.headers


def test_api_answers_are_never_stored(client: TestClient) -> None:
    register(client)
    for response in (client.get("/api/v1/me"), client.get("/api/v1/goals"), client.get("/api/v1/nope")):
        assert response.headers["cache-control"] == "no-store"
        assert_security_headers(response.headers, str(response.url))
    assert "no-store" not in client.get("/sw.js").headers.get("cache-control", "")


def test_validation_errors_and_bearer_calls_carry_the_headers(client: TestClient) -> None:
    register(client)
    token = make_token(client)
    invalid = client.post("/api/v1/goals", json={"title": ""}, headers=bearer(token))
    assert invalid.status_code == 422
    assert_security_headers(invalid.headers, "422")
    assert invalid.headers["cache-control"] == "no-store"


def test_hsts_only_over_https(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as https:
        assert https.get("/").headers["strict-transport-security"].startswith("max-age=")
        assert "strict-transport-security" in https.get("/api/v1/me").headers


@pytest.fixture
def failing_app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)

    def explode() -> None:
        raise RuntimeError("a bug")

    application.router.routes.insert(0, APIRoute("/api/v1/explode", explode))
    yield application
    application.state.database.dispose()


def test_unhandled_errors_answer_problem_json_with_the_headers(failing_app: FastAPI) -> None:
    with TestClient(failing_app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/explode")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "internal_error"
    assert_security_headers(response.headers, "500")
