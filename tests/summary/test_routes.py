"""The summary over HTTP: /summary, /summary/heatmap and /summary/explain on each engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import bearer, make_entry, make_goal, make_token, register

SUMMARY = "/api/v1/summary"
KINDS = [
    "thought_then_met",
    "shared_date",
    "shared_interest",
    "number",
    "name_or_word",
    "dream",
    "overheard",
    "symbol",
    "timing",
    "other",
]


def summary(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(SUMMARY, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def log(client: TestClient, occurred_at: str, timezone: str, **fields: Any) -> dict[str, Any]:
    return make_entry(client, occurred_at=occurred_at, timezone=timezone, **fields)


def settle(client: TestClient, **settings: Any) -> None:
    response = client.patch("/api/v1/me", json=settings)
    assert response.status_code == 200, response.text


def streak(
    length: int, start: str | None, end: str | None, status: str, grace_used: int = 0, paused_days: int = 0
) -> dict[str, Any]:
    return {
        "length": length,
        "start": start,
        "end": end,
        "status": status,
        "grace_used": grace_used,
        "paused_days": paused_days,
    }


NO_STREAK = streak(0, None, None, "none")


def test_empty_history_answers_every_field_with_zeros(client: TestClient) -> None:
    register(client, timezone="Europe/Berlin")
    body = summary(client, as_of="2026-11-25")
    assert body["as_of"] == "2026-11-25"
    assert body["timezone"] == "Europe/Berlin"
    assert body["grace_days"] == 0
    assert body["overall"] == {
        "current": NO_STREAK,
        "longest": NO_STREAK,
        "best": [],
        "momentum": 0.0,
        "entries": 0,
        "active_days": 0,
        "last_7_days": 0,
        "last_30_days": 0,
    }
    assert body["goals"] == []
    assert body["by_kind"] == dict.fromkeys(KINDS, 0)
    assert body["by_weekday"] == [0] * 7
    assert body["by_hour"] == [0] * 24


def test_one_entry_today_starts_an_active_streak(client: TestClient) -> None:
    register(client)
    entry = make_entry(client, kind="dream")
    body = summary(client)
    today = entry["local_date"]
    assert body["as_of"] == today
    assert body["overall"]["current"] == streak(1, today, today, "active")
    assert body["overall"]["longest"] == streak(1, today, today, "active")
    assert body["overall"]["momentum"] == 0.0519
    assert body["overall"]["entries"] == body["overall"]["active_days"] == 1
    assert body["by_kind"]["dream"] == 1
    assert sum(body["by_hour"]) == sum(body["by_weekday"]) == 1


def test_counts_by_kind_weekday_hour_and_recent_days(client: TestClient) -> None:
    register(client, timezone="UTC")
    log(client, "2026-11-18T08:15:00Z", "UTC", kind="number")  # Wednesday
    log(client, "2026-11-13T21:40:00Z", "UTC", kind="number")  # Friday
    log(client, "2026-10-25T08:00:00Z", "UTC", kind="symbol")  # Sunday, 24 days earlier
    log(client, "2026-09-24T08:00:00Z", "UTC")  # 55 days earlier
    log(client, "2026-11-19T08:00:00Z", "UTC")  # after as_of: ignored everywhere
    body = summary(client, as_of="2026-11-18")
    overall = body["overall"]
    assert (overall["entries"], overall["active_days"], overall["last_7_days"], overall["last_30_days"]) == (4, 4, 2, 3)
    assert body["by_kind"] == {**dict.fromkeys(KINDS, 0), "number": 2, "symbol": 1, "other": 1}
    assert body["by_weekday"] == [0, 0, 1, 1, 1, 0, 1]
    assert body["by_hour"][8] == 3 and body["by_hour"][21] == 1 and sum(body["by_hour"]) == 4


def test_last_7_and_30_days_end_on_as_of(client: TestClient) -> None:
    register(client, timezone="UTC")
    for day in ("2026-11-19", "2026-11-18", "2026-10-27", "2026-10-26"):  # 6, 7, 29 and 30 days before
        log(client, f"{day}T12:00:00Z", "UTC")
    overall = summary(client, as_of="2026-11-25")["overall"]
    assert (overall["last_7_days"], overall["last_30_days"]) == (1, 3)


def test_a_move_from_tokyo_to_los_angeles_keeps_the_streak(client: TestClient) -> None:
    register(client, timezone="Asia/Tokyo")
    for day in ("20", "21", "22"):
        log(client, f"2026-11-{day}T09:00:00+09:00", "Asia/Tokyo")
    settle(client, timezone="America/Los_Angeles")
    # 20:00 in Los Angeles is already the next day in UTC: the local day is what counts.
    log(client, "2026-11-23T20:00:00-08:00", "America/Los_Angeles")
    log(client, "2026-11-24T20:00:00-08:00", "America/Los_Angeles")
    body = summary(client, as_of="2026-11-24")
    assert body["timezone"] == "America/Los_Angeles"
    assert body["overall"]["current"] == streak(5, "2026-11-20", "2026-11-24", "active")
    assert body["by_hour"][9] == 3 and body["by_hour"][20] == 2
    # The move did not shift the Tokyo days: the day after is still only at risk.
    assert summary(client, as_of="2026-11-25")["overall"]["current"]["status"] == "at_risk"


def test_dst_nights_of_berlin_keep_days_and_wall_clock_hours(client: TestClient) -> None:
    register(client, timezone="Europe/Berlin")
    log(client, "2026-03-28T22:30:00Z", "Europe/Berlin")  # 23:30 CET on 28 March
    log(client, "2026-03-28T23:30:00Z", "Europe/Berlin")  # 00:30 CET on 29 March
    log(client, "2026-03-29T01:30:00Z", "Europe/Berlin")  # 03:30 CEST, after the skipped hour
    log(client, "2026-10-25T00:30:00Z", "Europe/Berlin")  # 02:30 CEST, first time
    log(client, "2026-10-25T01:30:00Z", "Europe/Berlin")  # 02:30 CET, second time
    log(client, "2026-10-25T23:30:00Z", "Europe/Berlin")  # 00:30 CET on 26 October
    spring = summary(client, as_of="2026-03-29")
    assert spring["overall"]["current"] == streak(2, "2026-03-28", "2026-03-29", "active")
    autumn = summary(client, as_of="2026-10-26")
    assert autumn["overall"]["current"] == streak(2, "2026-10-25", "2026-10-26", "active")
    assert autumn["overall"]["longest"] == streak(2, "2026-10-25", "2026-10-26", "active")
    hours = autumn["by_hour"]
    assert (hours[23], hours[0], hours[3], hours[2]) == (1, 2, 1, 2)
    assert sum(hours) == 6


def test_dst_nights_of_new_york_keep_days_and_wall_clock_hours(client: TestClient) -> None:
    register(client, timezone="America/New_York")
    log(client, "2026-03-08T06:30:00Z", "America/New_York")  # 01:30 EST
    log(client, "2026-03-08T07:30:00Z", "America/New_York")  # 03:30 EDT
    log(client, "2026-03-09T03:30:00Z", "America/New_York")  # 23:30 EDT on 8 March
    log(client, "2026-11-01T05:30:00Z", "America/New_York")  # 01:30 EDT
    log(client, "2026-11-01T06:30:00Z", "America/New_York")  # 01:30 EST, the hour again
    log(client, "2026-11-02T04:30:00Z", "America/New_York")  # 23:30 EST on 1 November
    body = summary(client, as_of="2026-11-01")
    hours = body["by_hour"]
    assert (hours[1], hours[3], hours[23]) == (3, 1, 2)
    assert body["overall"]["active_days"] == 2
    assert body["overall"]["current"] == streak(1, "2026-11-01", "2026-11-01", "active")
    heatmap = client.get(f"{SUMMARY}/heatmap", params={"from": "2026-03-01", "to": "2026-11-30"}).json()
    assert heatmap["days"] == [{"date": "2026-03-08", "count": 3}, {"date": "2026-11-01", "count": 3}]


def test_wall_clock_hours_follow_historical_offsets_and_edits(client: TestClient) -> None:
    register(client, timezone="Europe/Moscow")
    # Moscow kept UTC+4 all year from 2011 to 2014, then UTC+3: the same UTC noon, two wall-clock hours.
    log(client, "2012-06-01T12:00:00Z", "Europe/Moscow")  # 16:00 MSK (+4)
    log(client, "2016-06-01T12:00:00Z", "Europe/Moscow")  # 15:00 MSK (+3)
    log(client, "1985-01-15T12:00:00Z", "Asia/Kathmandu")  # 17:30 (+5:30 until 1986)
    moved = log(client, "2016-06-02T12:00:00Z", "Europe/Moscow")  # 15:00
    hours = summary(client, as_of="2026-11-25")["by_hour"]
    assert (hours[15], hours[16], hours[17]) == (2, 1, 1) and sum(hours) == 4
    # Moved to Tokyo (21:00), then to another time (04:00 there): the hour follows every edit.
    response = client.patch(f"/api/v1/entries/{moved['id']}", json={"timezone": "Asia/Tokyo"})
    assert response.status_code == 200, response.text
    assert summary(client, as_of="2026-11-25")["by_hour"][21] == 1
    response = client.patch(f"/api/v1/entries/{moved['id']}", json={"occurred_at": "2016-06-02T19:00:00Z"})
    assert response.status_code == 200, response.text
    hours = summary(client, as_of="2026-11-25")["by_hour"]
    assert (hours[4], hours[15], hours[21]) == (1, 1, 0)


def test_day_start_hour_four_puts_01_30_on_the_day_before(client: TestClient) -> None:
    register(client, timezone="UTC")
    settle(client, day_start_hour=4)
    entry = log(client, "2026-11-24T01:30:00Z", "UTC")
    assert entry["local_date"] == "2026-11-23"
    assert summary(client, as_of="2026-11-23")["overall"]["current"] == streak(1, "2026-11-23", "2026-11-23", "active")
    assert summary(client, as_of="2026-11-24")["overall"]["current"]["status"] == "at_risk"
    # A later change of the day start does not move existing entries.
    settle(client, day_start_hour=0)
    assert summary(client, as_of="2026-11-23")["overall"]["entries"] == 1


def test_deleted_entries_are_ignored(client: TestClient) -> None:
    register(client)
    goal = make_goal(client, cadence="daily")
    kept = log(client, "2026-11-24T10:00:00Z", "UTC", goal_ids=[goal["id"]])
    gone = log(client, "2026-11-25T10:00:00Z", "UTC", goal_ids=[goal["id"]], kind="dream")
    assert client.delete(f"/api/v1/entries/{gone['id']}").status_code == 204
    body = summary(client, as_of="2026-11-25")
    assert body["overall"]["entries"] == 1
    assert body["overall"]["current"] == streak(1, kept["local_date"], kept["local_date"], "at_risk")
    assert body["by_kind"]["dream"] == 0
    assert body["goals"][0]["entries"] == 1
    heatmap = client.get(f"{SUMMARY}/heatmap", params={"from": "2026-11-01", "to": "2026-11-30"}).json()
    assert heatmap["total"] == 1


def test_goals_have_their_own_cadence_target_and_streaks(client: TestClient) -> None:
    register(client, timezone="UTC")
    daily = make_goal(client, title="Write", cadence="daily", target=2)
    weekly = make_goal(client, title="Call friends", cadence="weekly", target=1)
    archived = make_goal(client, title="Old", status="archived")
    for occurred_at in ("2026-11-24T08:00:00Z", "2026-11-24T09:00:00Z", "2026-11-25T08:00:00Z"):
        log(client, occurred_at, "UTC", goal_ids=[daily["id"], archived["id"]])
    log(client, "2026-11-18T08:00:00Z", "UTC", goal_ids=[weekly["id"]])
    log(client, "2026-11-23T08:00:00Z", "UTC", goal_ids=[weekly["id"]])
    body = summary(client, as_of="2026-11-25")
    goals = {goal["title"]: goal for goal in body["goals"]}
    assert set(goals) == {"Write", "Call friends"}
    assert goals["Write"]["cadence"] == "daily" and goals["Write"]["target"] == 2
    assert goals["Write"]["current"] == streak(1, "2026-11-24", "2026-11-24", "at_risk")
    assert goals["Write"]["entries"] == 3
    assert goals["Call friends"]["current"] == streak(2, "2026-11-16", "2026-11-23", "active")
    assert 0 < goals["Call friends"]["momentum"] < 1


def test_settings_apply_to_the_next_request(client: TestClient) -> None:
    register(client, timezone="UTC")
    for day in ("20", "21", "23", "24"):
        log(client, f"2026-11-{day}T12:00:00Z", "UTC")
    assert summary(client, as_of="2026-11-24")["overall"]["current"] == streak(2, "2026-11-23", "2026-11-24", "active")
    settle(client, grace_days=1)
    body = summary(client, as_of="2026-11-24")
    assert body["grace_days"] == 1
    assert body["overall"]["current"] == streak(5, "2026-11-20", "2026-11-24", "active", grace_used=1)
    # A new entry shows at once, even though the summary before it was remembered.
    log(client, "2026-11-25T12:00:00Z", "UTC")
    assert summary(client, as_of="2026-11-25")["overall"]["current"]["length"] == 6


def test_weekly_goal_with_weeks_starting_sunday(client: TestClient) -> None:
    register(client, timezone="UTC")
    goal = make_goal(client, cadence="weekly")
    log(client, "2026-11-21T12:00:00Z", "UTC", goal_ids=[goal["id"]])  # Saturday
    log(client, "2026-11-22T12:00:00Z", "UTC", goal_ids=[goal["id"]])  # Sunday
    monday_weeks = summary(client, as_of="2026-11-25")["goals"][0]["current"]
    assert monday_weeks == streak(1, "2026-11-16", "2026-11-16", "at_risk")
    settle(client, week_start="sunday")
    sunday_weeks = summary(client, as_of="2026-11-25")["goals"][0]["current"]
    assert sunday_weeks == streak(2, "2026-11-15", "2026-11-22", "active")


def test_explain_lists_the_periods_of_the_current_streak(client: TestClient) -> None:
    register(client, timezone="Europe/Berlin")
    settle(client, grace_days=1, day_start_hour=4)
    for day in ("21", "23", "24"):
        log(client, f"2026-11-{day}T12:00:00+01:00", "Europe/Berlin")
    response = client.get(f"{SUMMARY}/explain", params={"as_of": "2026-11-25"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["goal_id"] is None
    assert body["rule"] == {
        "cadence": "daily",
        "target": 1,
        "grace_days": 1,
        "timezone": "Europe/Berlin",
        "day_start_hour": 4,
        "week_start": "monday",
        "as_of": "2026-11-25",
    }
    assert body["current"] == streak(4, "2026-11-21", "2026-11-24", "at_risk", grace_used=1)
    assert [(p["start"], p["count"], p["state"]) for p in body["periods"]] == [
        ("2026-11-21", 1, "met"),
        ("2026-11-22", 0, "bridged"),
        ("2026-11-23", 1, "met"),
        ("2026-11-24", 1, "met"),
    ]
    assert any("04:00" in line for line in body["explanation"])
    assert any("at risk" in line for line in body["explanation"])


def test_explain_a_weekly_goal(client: TestClient) -> None:
    register(client, timezone="UTC")
    goal = make_goal(client, title="Call friends", cadence="weekly", target=2)
    for occurred_at in ("2026-11-16T08:00:00Z", "2026-11-18T08:00:00Z", "2026-11-23T08:00:00Z", "2026-11-24T08:00:00Z"):
        log(client, occurred_at, "UTC", goal_ids=[goal["id"]])
    body = client.get(f"{SUMMARY}/explain", params={"goal_id": goal["id"], "as_of": "2026-11-25"}).json()
    assert body["goal_id"] == goal["id"] and body["title"] == "Call friends"
    assert body["rule"]["cadence"] == "weekly" and body["rule"]["target"] == 2
    assert body["current"] == streak(2, "2026-11-16", "2026-11-23", "active")
    assert body["periods"] == [
        {"start": "2026-11-16", "end": "2026-11-22", "count": 2, "state": "met"},
        {"start": "2026-11-23", "end": "2026-11-29", "count": 2, "state": "met"},
    ]


def test_heatmap_counts_days_of_a_range_and_of_one_goal(client: TestClient) -> None:
    register(client, timezone="UTC")
    goal = make_goal(client)
    log(client, "2026-11-01T08:00:00Z", "UTC", goal_ids=[goal["id"]])
    log(client, "2026-11-01T09:00:00Z", "UTC")
    log(client, "2026-11-03T09:00:00Z", "UTC", goal_ids=[goal["id"]])
    body = client.get(f"{SUMMARY}/heatmap", params={"from": "2026-11-01", "to": "2026-11-02"}).json()
    assert body == {
        "from": "2026-11-01",
        "to": "2026-11-02",
        "max": 2,
        "total": 2,
        "days": [{"date": "2026-11-01", "count": 2}],
    }
    of_goal = client.get(f"{SUMMARY}/heatmap", params={"from": "2026-11-01", "to": "2026-11-30", "goal_id": goal["id"]})
    assert of_goal.json()["days"] == [{"date": "2026-11-01", "count": 1}, {"date": "2026-11-03", "count": 1}]


def test_heatmap_defaults_to_the_365_days_ending_today(client: TestClient) -> None:
    register(client)
    entry = make_entry(client)
    body = client.get(f"{SUMMARY}/heatmap").json()
    assert body["to"] == entry["local_date"]
    assert body["days"] == [{"date": entry["local_date"], "count": 1}]
    assert body["max"] == body["total"] == 1


def test_bad_input_is_422_or_404(client: TestClient, new_client: Callable[[], TestClient]) -> None:
    register(client)
    for params in ({"as_of": "2026-13-01"}, {"as_of": "yesterday"}, {"as_of": "0001-01-01"}, {"as_of": "9999-12-31"}):
        response = client.get(SUMMARY, params=params)
        assert response.status_code == 422, params
        assert response.json()["code"] == "validation_error"
        assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"{SUMMARY}/explain", params={"as_of": "1969-12-31"}).status_code == 422
    inverted = client.get(f"{SUMMARY}/heatmap", params={"from": "2026-11-02", "to": "2026-11-01"})
    assert inverted.status_code == 422 and inverted.json()["code"] == "validation_error"
    too_long = client.get(f"{SUMMARY}/heatmap", params={"from": "2016-11-14", "to": "2026-11-22"})
    assert too_long.status_code == 422
    longest_allowed = client.get(f"{SUMMARY}/heatmap", params={"from": "2016-11-15", "to": "2026-11-22"})
    assert longest_allowed.status_code == 200, longest_allowed.text
    assert client.get(f"{SUMMARY}/heatmap", params={"goal_id": "not-a-uuid"}).status_code == 422

    unknown = "00000000-0000-4000-8000-000000000000"
    for path in ("heatmap", "explain"):
        response = client.get(f"{SUMMARY}/{path}", params={"goal_id": unknown})
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    other = new_client()
    register(other)
    foreign = make_goal(other)
    for path in ("heatmap", "explain"):
        assert client.get(f"{SUMMARY}/{path}", params={"goal_id": foreign["id"]}).status_code == 404


def test_tokens_need_the_summary_read_scope(client: TestClient, new_client: Callable[[], TestClient]) -> None:
    register(client)
    reader = make_token(client, scopes=("summary:read",))
    writer = make_token(client, scopes=("entries:write",))
    app_client = new_client()
    assert app_client.get(SUMMARY, headers=bearer(reader)).status_code == 200
    denied = app_client.get(f"{SUMMARY}/heatmap", headers=bearer(writer))
    assert denied.status_code == 403 and denied.json()["code"] == "insufficient_scope"
    assert app_client.get(f"{SUMMARY}/explain").status_code == 401
