"""``GET /summary/history`` over HTTP: momentum per day, week or month, pauses, defaults and refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import bearer, make_entry, make_goal, make_token, register
from tests.summary.naive import naive_history
from tests.summary.test_pauses_in_summary import log_on, pause

HISTORY = "/api/v1/summary/history"


def history(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(HISTORY, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_daily_points_are_each_days_score(client: TestClient) -> None:
    register(client, timezone="UTC")
    log_on(client, "2026-11-01", "2026-11-02")
    body = history(client, **{"from": "2026-10-31", "to": "2026-11-03", "bucket": "day"})
    assert body == {
        "goal_id": None,
        "bucket": "day",
        "from": "2026-10-31",
        "to": "2026-11-03",
        "points": [
            {"start": "2026-10-31", "end": "2026-10-31", "momentum": 0.0, "entries": 0},
            {"start": "2026-11-01", "end": "2026-11-01", "momentum": 0.0519, "entries": 1},
            {"start": "2026-11-02", "end": "2026-11-02", "momentum": 0.1011, "entries": 1},
            {"start": "2026-11-03", "end": "2026-11-03", "momentum": 0.0959, "entries": 0},
        ],
    }


def test_weeks_begin_on_week_start_and_are_clipped_to_the_range(client: TestClient) -> None:
    register(client, timezone="UTC")
    assert client.patch("/api/v1/me", json={"week_start": "sunday"}).status_code == 200
    goal = make_goal(client, cadence="weekly", target=2)
    days = ["2026-11-01", "2026-11-04", "2026-11-09", "2026-11-10", "2026-11-18"]
    log_on(client, *days, goal_ids=[goal["id"]])
    pause(client, "2026-11-12", "2026-11-14", goal_id=goal["id"])
    body = history(client, goal_id=goal["id"], **{"from": "2026-11-03", "to": "2026-11-19"})
    assert (body["goal_id"], body["bucket"], body["from"], body["to"]) == (
        goal["id"],
        "week",
        "2026-11-03",
        "2026-11-19",
    )
    expected = naive_history(
        [date.fromisoformat(day) for day in days],
        "weekly",
        2,
        date(2026, 11, 3),
        date(2026, 11, 19),
        "week",
        "sunday",
        [(date(2026, 11, 12), date(2026, 11, 14))],
    )
    assert [(point["start"], point["end"], point["entries"]) for point in body["points"]] == [
        ("2026-11-03", "2026-11-07", 1),
        ("2026-11-08", "2026-11-14", 2),
        ("2026-11-15", "2026-11-19", 1),
    ]
    assert [point["momentum"] for point in body["points"]] == [round(mean, 4) for _, _, mean, _ in expected]


def test_months_are_calendar_months(client: TestClient) -> None:
    register(client, timezone="UTC")
    log_on(client, "2026-01-31", "2026-02-01", "2026-02-28")
    body = history(client, **{"from": "2026-01-15", "to": "2026-03-10", "bucket": "month"})
    assert [(point["start"], point["end"], point["entries"]) for point in body["points"]] == [
        ("2026-01-15", "2026-01-31", 1),
        ("2026-02-01", "2026-02-28", 2),
        ("2026-03-01", "2026-03-10", 0),
    ]


def test_the_default_is_365_days_ending_today_by_week(client: TestClient) -> None:
    register(client)
    today = date.fromisoformat(make_entry(client)["local_date"])
    body = history(client)
    assert body["bucket"] == "week" and body["to"] == today.isoformat()
    assert (today - date.fromisoformat(body["from"])).days == 364
    assert body["points"][0]["start"] == body["from"] and body["points"][-1]["end"] == body["to"]
    assert sum(point["entries"] for point in body["points"]) == 1


def test_bad_input_is_422_and_an_unknown_goal_404(client: TestClient, new_client: Callable[[], TestClient]) -> None:
    register(client)
    for params in (
        {"bucket": "year"},
        {"from": "2026-11-02", "to": "2026-11-01"},
        {"from": "2016-11-14", "to": "2026-11-22"},
        {"from": "yesterday"},
        {"goal_id": "not-a-uuid"},
    ):
        response = client.get(HISTORY, params=params)
        assert response.status_code == 422, params
        assert response.json()["code"] == "validation_error"
    assert client.get(HISTORY, params={"from": "2016-11-15", "to": "2026-11-22"}).status_code == 200
    other = new_client()
    register(other)
    deleted = make_goal(client)
    assert client.delete(f"/api/v1/goals/{deleted['id']}").status_code == 204
    for goal_id in ("00000000-0000-4000-8000-000000000000", make_goal(other)["id"], deleted["id"]):
        response = client.get(HISTORY, params={"goal_id": goal_id})
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_history_needs_the_summary_read_scope(client: TestClient) -> None:
    register(client)
    assert client.get(HISTORY, headers=bearer(make_token(client, scopes=("summary:read",)))).status_code == 200
    refused = client.get(HISTORY, headers=bearer(make_token(client, scopes=("entries:read",))))
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
