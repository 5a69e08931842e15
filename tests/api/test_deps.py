"""CSRF: cookie-authenticated unsafe requests must come from this site; bearer tokens may come from anywhere."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.factories import PASSWORD, bearer, make_token, register

SITE = "http://testserver"


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site", "Origin": SITE},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "https://testserver"},
    ],
)
def test_cross_site_cookie_post_is_refused(client: TestClient, headers: dict[str, str]) -> None:
    register(client)
    response = client.post("/api/v1/goals", json={"title": "Planted"}, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "csrf"
    assert client.get("/api/v1/goals").json()["data"] == []


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {"Origin": SITE}, {}],
)
def test_same_site_cookie_post_passes(client: TestClient, headers: dict[str, str]) -> None:
    register(client)
    response = client.post("/api/v1/goals", json={"title": "Mine"}, headers=headers)
    assert response.status_code == 201


def test_unsafe_methods_are_all_checked(client: TestClient) -> None:
    register(client)
    goal = client.post("/api/v1/goals", json={"title": "Mine"}).json()
    cross = {"Sec-Fetch-Site": "cross-site"}
    url = f"/api/v1/goals/{goal['id']}"
    assert client.patch(url, json={"title": "Theirs"}, headers=cross).json()["code"] == "csrf"
    assert client.put(url, json={"title": "Theirs"}, headers=cross).json()["code"] == "csrf"
    assert client.delete(url, headers=cross).json()["code"] == "csrf"
    assert client.get(url, headers=cross).status_code == 200


def test_bearer_from_anywhere_passes(client: TestClient) -> None:
    register(client)
    token = make_token(client)
    client.cookies.clear()
    response = client.post(
        "/api/v1/goals",
        json={"title": "From an app"},
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://journal.example", **bearer(token)},
    )
    assert response.status_code == 201


def test_cross_site_login_and_logout_are_refused(client: TestClient) -> None:
    user = register(client)
    cross = {"Sec-Fetch-Site": "cross-site"}
    login = client.post("/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}, headers=cross)
    assert login.json()["code"] == "csrf"
    assert "set-cookie" not in login.headers
    assert client.post("/api/v1/auth/logout", headers=cross).json()["code"] == "csrf"
    assert client.get("/api/v1/me").status_code == 200
