"""Another user's objects are ``not_found`` on every route that takes an id, with a session or a token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import bearer, make_entry, make_goal, make_token, register

ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/entries/{entry}", None),
    ("PUT", "/api/v1/entries/{entry}", {"note": "mine now"}),
    ("PATCH", "/api/v1/entries/{entry}", {"note": "mine now"}),
    ("DELETE", "/api/v1/entries/{entry}", None),
    ("GET", "/api/v1/entries/{entry}/echoes", None),
    ("GET", "/api/v1/goals/{goal}", None),
    ("PUT", "/api/v1/goals/{goal}", {"title": "mine now"}),
    ("PATCH", "/api/v1/goals/{goal}", {"title": "mine now"}),
    ("DELETE", "/api/v1/goals/{goal}", None),
    ("GET", "/api/v1/pauses/{pause}", None),
    ("PUT", "/api/v1/pauses/{pause}", {"start_date": "2026-11-01", "end_date": "2026-11-01"}),
    ("PATCH", "/api/v1/pauses/{pause}", {"note": "mine now"}),
    ("DELETE", "/api/v1/pauses/{pause}", None),
    ("DELETE", "/api/v1/tokens/{token}", None),
]


@pytest.mark.parametrize("auth", ["session", "token"])
def test_foreign_ids_are_not_found(new_client: Callable[[], TestClient], auth: str) -> None:
    victim = new_client()
    register(victim)
    goal = make_goal(victim)
    entry = make_entry(victim, goal_ids=[goal["id"]])
    pause = victim.post("/api/v1/pauses", json={"start_date": "2026-11-01", "end_date": "2026-11-02"}).json()
    victim_token_id = victim.get("/api/v1/tokens").json()["data"]
    make_token(victim)
    token_id = victim.get("/api/v1/tokens").json()["data"][0]["id"]
    assert victim_token_id == []

    attacker = new_client()
    register(attacker)
    headers = bearer(make_token(attacker)) if auth == "token" else {}
    if auth == "token":
        attacker.cookies.clear()
    ids = {"entry": entry["id"], "goal": goal["id"], "pause": pause["id"], "token": token_id}
    for method, template, body in ROUTES:
        if auth == "token" and "tokens" in template:
            continue  # tokens cannot manage tokens at all (403), checked elsewhere
        response = attacker.request(method, template.format(**ids), json=body, headers=headers)
        assert response.status_code == 404, (method, template, response.text)
        assert response.json()["code"] == "not_found"

    foreign_goal = attacker.post("/api/v1/entries", json={"goal_ids": [goal["id"]]}, headers=headers)
    assert foreign_goal.status_code == 422
    filtered = attacker.get(f"/api/v1/entries?goal_id={goal['id']}", headers=headers)
    assert filtered.status_code == 200 and filtered.json()["data"] == []

    assert victim.get(f"/api/v1/entries/{entry['id']}").json() == entry
    assert victim.get(f"/api/v1/goals/{goal['id']}").json() == goal
    assert victim.get(f"/api/v1/pauses/{pause['id']}").json() == pause
    assert len(victim.get("/api/v1/tokens").json()["data"]) == 1
