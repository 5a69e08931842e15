"""``GET /insights`` over HTTP: the exact answer on a hand-built log, the enough_data guard, bursts, ranges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.entries.models import KINDS
from tests.factories import bearer, make_entry, make_goal, make_token, register

INSIGHTS = "/api/v1/insights"
RANGE = {"from": "2026-03-01", "to": "2026-03-31"}


def insights(client: TestClient, **params: str) -> dict[str, Any]:
    response = client.get(INSIGHTS, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_hand_built_log(client: TestClient) -> None:
    register(client, timezone="Europe/Berlin")
    sea = make_goal(client, title="Live near the sea")
    music = make_goal(client, title="Make music")
    dropped = make_goal(client, title="Dropped")
    make_entry(
        client,
        occurred_at="2026-03-02T07:30:00Z",  # a Monday, 08:30 in Berlin
        kind="thought_then_met",
        people=["Ann", "Ben"],
        tags=["Sea"],
        inner="11:11 again",
        goal_ids=[sea["id"], dropped["id"]],
    )
    make_entry(
        client,
        occurred_at="2026-03-04T20:00:00Z",
        kind="number",
        people=["Ann"],
        tags=["sea", "444"],
        note="1111 on a ticket",
        goal_ids=[sea["id"]],
    )
    make_entry(client, occurred_at="2026-04-01T10:00:00Z", kind="dream", people=["Ann"], note="22:22")
    make_entry(client, occurred_at="2026-02-27T10:00:00Z", people=["Cleo"], goal_ids=[music["id"]])
    gone = make_entry(client, occurred_at="2026-03-05T10:00:00Z", people=["Dora"])
    client.delete(f"/api/v1/entries/{gone['id']}").raise_for_status()
    client.delete(f"/api/v1/goals/{dropped['id']}").raise_for_status()
    assert insights(client, **RANGE) == {
        "from": "2026-03-01",
        "to": "2026-03-31",
        "entries": 2,
        "enough_data": False,
        "people": [
            {"name": "Ann", "count": 2, "last": "2026-03-04", "kinds": {"number": 1, "thought_then_met": 1}},
            {"name": "Ben", "count": 1, "last": "2026-03-02", "kinds": {"thought_then_met": 1}},
        ],
        "tags": [{"name": "sea", "count": 2, "last": "2026-03-04"}, {"name": "444", "count": 1, "last": "2026-03-04"}],
        "motifs": [
            {"name": "1111", "count": 2, "last": "2026-03-04", "base_rate": 1 / 720},
            {"name": "444", "count": 1, "last": "2026-03-04", "base_rate": None},
        ],
        "goals": [{"goal_id": sea["id"], "title": "Live near the sea", "count": 2}],
        "kinds_by_month": [{"month": "2026-03", "kinds": {"number": 1, "thought_then_met": 1}}],
        "by_weekday": [1, 0, 1, 0, 0, 0, 0],
        "by_hour": [0] * 8 + [1] + [0] * 12 + [1, 0, 0],
        "bursts": [],
    }


def _log(client: TestClient, days: list[int]) -> None:
    """One entry a day for each item of ``days`` (days of March 2026; repeated days get several)."""
    for day in days:
        make_entry(client, occurred_at=f"2026-03-{day:02}T12:00:00Z")


def test_bursts_and_the_enough_data_guard(client: TestClient) -> None:
    register(client)
    # Weeks of March 2026 (Mondays 2, 9, 16, 23, 30; 1 March is a Sunday): 1, 1, 5, 1, 0 and Sunday the 1st.
    _log(client, [3, 10, 16, 17, 17, 18, 20, 24])
    few = insights(client, **RANGE)
    assert (few["entries"], few["enough_data"], few["bursts"]) == (8, False, [])
    _log(client, [1, 25])
    many = insights(client, **RANGE)
    assert (many["entries"], many["enough_data"]) == (10, True)
    assert many["bursts"] == [{"start": "2026-03-16", "end": "2026-03-22", "count": 5, "usual": 1.0}]
    client.patch("/api/v1/me", json={"week_start": "sunday"}).raise_for_status()
    sundays = insights(client, **RANGE)
    assert sundays["bursts"] == [{"start": "2026-03-15", "end": "2026-03-21", "count": 5, "usual": 2.0}]
    assert insights(client, **{"from": "2026-03-16", "to": "2026-03-18"})["bursts"] == []


def test_the_default_range_is_the_365_days_ending_today(client: TestClient) -> None:
    register(client, timezone="UTC")
    make_entry(client)
    body = insights(client)
    first, last = body["from"], body["to"]
    today = datetime.now(UTC).date()
    assert (date.fromisoformat(first), date.fromisoformat(last)) == (today - timedelta(days=364), today)
    assert body["entries"] == 1 and body["kinds_by_month"][0]["kinds"] == {"other": 1}
    assert set(KINDS) >= set(body["kinds_by_month"][0]["kinds"])


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-03-02", "to": "2026-03-01"},
        {"from": "2016-01-01", "to": "2026-01-10"},
        {"from": "1969-12-31", "to": "1970-01-10"},
        {"from": "2026-02-30"},
        {"to": "soon"},
    ],
)
def test_bad_ranges_are_validation_errors(client: TestClient, params: dict[str, str]) -> None:
    register(client)
    response = client.get(INSIGHTS, params=params)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_insights_are_the_users_own_and_need_entries_read(new_client: Callable[[], TestClient]) -> None:
    owner, stranger = new_client(), new_client()
    register(owner)
    make_entry(owner, occurred_at="2026-03-03T12:00:00Z", people=["Ann"])
    register(stranger)
    assert insights(stranger, **RANGE)["people"] == [] and insights(stranger, **RANGE)["entries"] == 0
    token = make_token(owner, scopes=("summary:read",))
    denied = owner.get(INSIGHTS, headers=bearer(token))
    assert denied.status_code == 403 and denied.json()["code"] == "insufficient_scope"
    assert TestClient(owner.app).get(INSIGHTS).status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/insights?from=9999-12-31",
        "/api/v1/insights?to=9999-12-31",
        "/api/v1/insights?from=1970-01-01&to=1970-01-01",
        "/api/v1/entries/on-this-day?date=9999-12-31",
        "/api/v1/entries/on-this-day?date=0001-01-01",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_answered(client: TestClient, path: str) -> None:
    register(client)
    make_entry(client)
    assert client.get(path).status_code == 200
