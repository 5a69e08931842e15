"""Answers given before a route runs keep the API's contract: 405 with the path's methods, 422 for unreadable bodies."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import make_entry, register


def test_wrong_method_on_an_api_path_names_every_method_of_the_path(client: TestClient) -> None:
    register(client)
    entry = make_entry(client)
    response = client.post(f"/api/v1/entries/{entry['id']}")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert response.headers["allow"] == "GET, PUT, PATCH, DELETE"
    assert client.request("OPTIONS", "/api/v1/auth/login").headers["allow"] == "POST"


def test_unknown_api_paths_are_api_404s_whatever_the_method(client: TestClient) -> None:
    for method in ("GET", "POST", "DELETE"):
        response = client.request(method, "/api/v1/no-such-thing")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_the_pwa_still_serves_its_files(client: TestClient) -> None:
    assert client.get("/").status_code == 200
    assert client.post("/").headers["allow"] == "GET, HEAD"


def test_body_that_is_not_utf8_is_a_validation_error(client: TestClient) -> None:
    register(client)
    response = client.post("/api/v1/goals", content=b"\xff\xfe", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_query_dates_must_be_iso_dates(client: TestClient) -> None:
    register(client)
    for value in ("0", "1700000000", "2026-1-5", "yesterday"):
        assert client.get("/api/v1/entries", params={"from": value}).status_code == 422, value
        assert client.get("/api/v1/summary", params={"as_of": value}).status_code == 422, value
    assert client.get("/api/v1/entries", params={"from": "2026-11-25"}).status_code == 200
    assert client.get("/api/v1/summary", params={"as_of": "2026-11-25"}).status_code == 200
