"""Request bodies over ``SYNCLOG_MAX_BODY_BYTES`` (larger for import) are refused with 413 before they are read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.settings import Settings
from app.main import create_app
from tests.factories import register

LIMIT = 2048
IMPORT_LIMIT = 8192


@pytest.fixture
def small_client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database_url, rate_limits="off", max_body_bytes=LIMIT, max_import_bytes=IMPORT_LIMIT
    )
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.database.dispose()


def _assert_too_large(response_status: int, body: dict[str, object]) -> None:
    assert response_status == 413
    assert body["code"] == "payload_too_large"
    assert body["status"] == 413


def test_declared_length_over_the_limit_is_refused(small_client: TestClient) -> None:
    register(small_client)
    response = small_client.post("/api/v1/entries", json={"note": "x" * LIMIT})
    _assert_too_large(response.status_code, response.json())
    assert response.headers["content-type"] == "application/problem+json"
    assert "content-security-policy" in response.headers
    assert small_client.get("/api/v1/entries").json()["data"] == []


def test_body_just_under_the_limit_passes(small_client: TestClient) -> None:
    register(small_client)
    response = small_client.post("/api/v1/entries", json={"note": "x" * (LIMIT - 100)})
    assert response.status_code == 201


def test_chunked_body_is_cut_off_while_streaming(small_client: TestClient) -> None:
    register(small_client)
    chunks = [b'{"note": "', *([b"x" * 512] * 8), b'"}']

    def body() -> Iterator[bytes]:
        yield from chunks

    response = small_client.post("/api/v1/entries", content=body(), headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    _assert_too_large(response.status_code, response.json())
    assert small_client.get("/api/v1/entries").json()["data"] == []


def test_small_chunked_body_passes(small_client: TestClient) -> None:
    register(small_client)

    def body() -> Iterator[bytes]:
        yield b'{"note": '
        yield b'"streamed"}'

    response = small_client.post("/api/v1/entries", content=body(), headers={"Content-Type": "application/json"})
    assert response.status_code == 201


def test_import_has_its_own_larger_limit(small_client: TestClient) -> None:
    register(small_client)
    between = b"x" * (LIMIT * 2)
    read = small_client.post("/api/v1/import", content=between)
    assert (read.status_code, read.json()["code"]) == (422, "validation_error")  # read whole, then found not JSON
    assert small_client.post("/api/v1/entries", content=between).status_code == 413
    too_large = small_client.post("/api/v1/import", content=b"x" * (IMPORT_LIMIT + 1))
    _assert_too_large(too_large.status_code, too_large.json())


def test_unauthenticated_large_body_is_refused_before_anything_else(small_client: TestClient) -> None:
    response = small_client.post("/api/v1/auth/login", content=b"x" * (LIMIT + 1))
    _assert_too_large(response.status_code, response.json())


def test_chunked_import_over_its_limit_is_cut_off(small_client: TestClient) -> None:
    register(small_client)

    def body() -> Iterator[bytes]:
        for _ in range(IMPORT_LIMIT // 1024 + 2):
            yield b"x" * 1024

    response = small_client.post("/api/v1/import", content=body(), headers={"Content-Type": "application/json"})
    _assert_too_large(response.status_code, response.json())
