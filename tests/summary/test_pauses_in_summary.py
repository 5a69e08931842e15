"""Pauses in ``GET /summary`` and ``/summary/explain`` over HTTP: Loop's skip days, best streaks, goal periods.

Loop Habit Tracker's skip days (a day that neither breaks a streak nor lowers the score) are
Synclog's paused days; each case gives its inputs and the numbers SPEC §6 yields for them.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import make_goal, register
from tests.summary.test_routes import NO_STREAK, streak, summary

PAUSES = "/api/v1/pauses"


def log_on(client: TestClient, *days: str, **fields: Any) -> None:
    for day in days:
        response = client.post("/api/v1/entries", json={"occurred_at": f"{day}T12:00:00Z", "timezone": "UTC", **fields})
        assert response.status_code == 201, response.text


def pause(client: TestClient, start: str, end: str, **fields: Any) -> dict[str, Any]:
    response = client.post(PAUSES, json={"start_date": start, "end_date": end, **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def explain(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/summary/explain", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_pause_bridges_a_missed_day_and_counts_as_paused(client: TestClient) -> None:
    register(client, timezone="UTC")
    log_on(client, "2026-11-01", "2026-11-02", "2026-11-04")
    before = summary(client, as_of="2026-11-04")["overall"]
    assert before["current"] == streak(1, "2026-11-04", "2026-11-04", "active")
    assert before["best"] == [streak(2, "2026-11-01", "2026-11-02", "ended"), before["current"]]

    pause(client, "2026-11-03", "2026-11-03", note="fever")
    after = summary(client, as_of="2026-11-04")["overall"]
    bridged = streak(4, "2026-11-01", "2026-11-04", "active", paused_days=1)
    assert (after["current"], after["longest"], after["best"]) == (bridged, bridged, [bridged])
    assert after["active_days"] == 3 and after["entries"] == 3

    periods = explain(client, as_of="2026-11-04")["periods"]
    assert [(period["start"], period["count"], period["state"]) for period in periods] == [
        ("2026-11-01", 1, "met"),
        ("2026-11-02", 1, "met"),
        ("2026-11-03", 0, "paused"),
        ("2026-11-04", 1, "met"),
    ]
    assert explain(client, as_of="2026-11-04")["explanation"][-2:] == [
        "Paused days in this streak: 1 (a pause covered them and they had no entry); they neither count nor break it.",
        "As of 2026-11-04 the streak is 4 days, from 2026-11-01 to 2026-11-04.",
    ]


def test_a_pause_over_today_keeps_the_streak_active_and_asks_nothing(client: TestClient) -> None:
    register(client, timezone="UTC")
    goal = make_goal(client, cadence="daily", target=2)
    log_on(client, "2026-11-01", "2026-11-02", "2026-11-02", goal_ids=[goal["id"]])
    at_risk = summary(client, as_of="2026-11-03")
    assert at_risk["overall"]["current"]["status"] == "at_risk"
    assert at_risk["goals"][0]["period"] == {"start": "2026-11-03", "end": "2026-11-03", "count": 0, "required": 2}

    pause(client, "2026-11-03", "2026-11-10")
    body = summary(client, as_of="2026-11-03")
    assert body["overall"]["current"] == streak(2, "2026-11-01", "2026-11-02", "active")
    (goal_summary,) = body["goals"]
    assert goal_summary["current"] == streak(1, "2026-11-02", "2026-11-02", "active")
    assert goal_summary["period"] == {"start": "2026-11-03", "end": "2026-11-03", "count": 0, "required": 0}
    lines = explain(client, goal_id=goal["id"], as_of="2026-11-03")["explanation"]
    assert "Today is paused: it cannot break the streak." in lines
    # Still active on the pause's last day; the first day after it is a day like any other.
    assert summary(client, as_of="2026-11-10")["overall"]["current"]["status"] == "active"
    assert summary(client, as_of="2026-11-11")["overall"]["current"]["status"] == "at_risk"
    assert summary(client, as_of="2026-11-12")["overall"]["current"] == NO_STREAK


def test_momentum_stays_as_it_was_through_a_pause(client: TestClient) -> None:
    register(client, timezone="UTC")
    log_on(client, "2026-11-01", "2026-11-02")
    pause(client, "2026-11-03", "2026-11-20")
    held = summary(client, as_of="2026-11-02")["overall"]["momentum"]
    assert held == 0.1011  # Loop: 0.101149 after two days of one a day
    assert summary(client, as_of="2026-11-20")["overall"]["momentum"] == held
    assert summary(client, as_of="2026-11-21")["overall"]["momentum"] == round(held * 0.5 ** (1 / 13), 4)


def test_overlapping_pauses_are_kept_and_their_days_count_once(client: TestClient) -> None:
    register(client, timezone="UTC")
    log_on(client, "2026-11-01", "2026-11-08")
    first = pause(client, "2026-11-02", "2026-11-05")
    second = pause(client, "2026-11-04", "2026-11-07")
    listed = client.get(PAUSES).json()["data"]
    assert [item["id"] for item in listed] == [first["id"], second["id"]]
    overall = summary(client, as_of="2026-11-08")["overall"]
    assert overall["current"] == streak(8, "2026-11-01", "2026-11-08", "active", paused_days=6)


def test_a_logged_day_inside_a_pause_is_met_not_paused(client: TestClient) -> None:
    register(client, timezone="UTC")
    log_on(client, "2026-11-01", "2026-11-03")
    pause(client, "2026-11-01", "2026-11-03")
    overall = summary(client, as_of="2026-11-03")["overall"]
    assert overall["current"] == streak(3, "2026-11-01", "2026-11-03", "active", paused_days=1)


def test_a_goals_pause_leaves_the_overall_log_and_other_goals_alone(client: TestClient) -> None:
    register(client, timezone="UTC")
    paused_goal = make_goal(client, title="Walk", cadence="daily")
    other = make_goal(client, title="Write", cadence="daily")
    log_on(client, "2026-11-01", "2026-11-03", goal_ids=[paused_goal["id"], other["id"]])
    pause(client, "2026-11-02", "2026-11-02", goal_id=paused_goal["id"])
    body = summary(client, as_of="2026-11-03")
    assert body["overall"]["current"] == streak(1, "2026-11-03", "2026-11-03", "active")
    walk, write = body["goals"]
    assert walk["current"] == streak(3, "2026-11-01", "2026-11-03", "active", paused_days=1)
    assert write["current"] == streak(1, "2026-11-03", "2026-11-03", "active")


def test_a_weekly_requirement_shrinks_with_its_paused_days(client: TestClient) -> None:
    register(client, timezone="UTC")
    goal = make_goal(client, cadence="weekly", target=2)
    # Weeks begin on Monday: 2026-11-02, 2026-11-09, 2026-11-16.
    log_on(client, "2026-11-02", "2026-11-03", "2026-11-09", "2026-11-16", "2026-11-17", goal_ids=[goal["id"]])
    assert summary(client, as_of="2026-11-18")["goals"][0]["current"] == streak(1, "2026-11-16", "2026-11-16", "active")
    pause(client, "2026-11-10", "2026-11-13")  # four of the week's seven days: ceil(2 × 3 / 7) = 1
    (goal_summary,) = summary(client, as_of="2026-11-18")["goals"]
    assert goal_summary["current"] == streak(3, "2026-11-02", "2026-11-16", "active", paused_days=4)
    assert goal_summary["period"] == {"start": "2026-11-16", "end": "2026-11-22", "count": 2, "required": 2}
    pause(client, "2026-11-20", "2026-11-22")  # planned for later this week: the week asks ceil(2 × 4 / 7) = 2
    assert summary(client, as_of="2026-11-18")["goals"][0]["period"]["required"] == 2
    pause(client, "2026-11-19", "2026-11-19")  # now 3 unpaused days: ceil(2 × 3 / 7) = 1
    assert summary(client, as_of="2026-11-18")["goals"][0]["period"]["required"] == 1


def test_a_wholly_paused_week_is_skipped_between_met_weeks(client: TestClient) -> None:
    register(client, timezone="UTC")
    goal = make_goal(client, cadence="weekly", target=1)
    log_on(client, "2026-11-03", "2026-11-17", goal_ids=[goal["id"]])
    assert summary(client, as_of="2026-11-17")["goals"][0]["best"] == [
        streak(1, "2026-11-16", "2026-11-16", "active"),
        streak(1, "2026-11-02", "2026-11-02", "ended"),
    ]
    pause(client, "2026-11-09", "2026-11-15")
    (goal_summary,) = summary(client, as_of="2026-11-17")["goals"]
    assert goal_summary["best"] == [streak(3, "2026-11-02", "2026-11-16", "active", paused_days=7)]
    periods = explain(client, goal_id=goal["id"], as_of="2026-11-17")["periods"]
    assert [(period["start"], period["end"], period["state"]) for period in periods] == [
        ("2026-11-02", "2026-11-08", "met"),
        ("2026-11-09", "2026-11-15", "paused"),
        ("2026-11-16", "2026-11-22", "met"),
    ]


def test_best_lists_the_five_longest_runs_latest_first_on_a_tie(client: TestClient) -> None:
    register(client, timezone="UTC")
    # Runs of 2, 3, 1, 3, 2, 1 days, a missed day between each.
    log_on(
        client,
        *("2026-10-01", "2026-10-02"),
        *("2026-10-04", "2026-10-05", "2026-10-06"),
        "2026-10-08",
        *("2026-10-10", "2026-10-11", "2026-10-12"),
        *("2026-10-14", "2026-10-15"),
        "2026-10-17",
    )
    overall = summary(client, as_of="2026-10-17")["overall"]
    assert overall["best"] == [
        streak(3, "2026-10-10", "2026-10-12", "ended"),
        streak(3, "2026-10-04", "2026-10-06", "ended"),
        streak(2, "2026-10-14", "2026-10-15", "ended"),
        streak(2, "2026-10-01", "2026-10-02", "ended"),
        streak(1, "2026-10-17", "2026-10-17", "active"),
    ]
    assert overall["longest"] == overall["best"][0]


def test_a_deleted_pause_no_longer_counts(client: TestClient) -> None:
    register(client, timezone="UTC")
    log_on(client, "2026-11-01", "2026-11-03")
    made = pause(client, "2026-11-02", "2026-11-02")
    assert summary(client, as_of="2026-11-03")["overall"]["current"]["length"] == 3
    assert client.delete(f"{PAUSES}/{made['id']}").status_code == 204
    assert summary(client, as_of="2026-11-03")["overall"]["current"] == streak(1, "2026-11-03", "2026-11-03", "active")


def test_a_goals_days_follow_its_entries_when_they_move_or_go(client: TestClient) -> None:
    """A goal's entries per day come from its links, which carry the entry's day: moved and deleted with it."""
    register(client, timezone="UTC")
    goal = make_goal(client, cadence="daily")
    entry = client.post(
        "/api/v1/entries", json={"occurred_at": "2026-11-01T12:00:00Z", "timezone": "UTC", "goal_ids": [goal["id"]]}
    ).json()
    log_on(client, "2026-11-02", goal_ids=[goal["id"]])
    heatmap = {"from": "2026-11-01", "to": "2026-11-30", "goal_id": goal["id"]}
    assert summary(client, as_of="2026-11-03")["goals"][0]["best"] == [streak(2, "2026-11-01", "2026-11-02", "at_risk")]
    moved = client.patch(f"/api/v1/entries/{entry['id']}", json={"occurred_at": "2026-11-03T12:00:00Z"})
    assert moved.status_code == 200 and moved.json()["local_date"] == "2026-11-03"
    (goal_summary,) = summary(client, as_of="2026-11-03")["goals"]
    assert (goal_summary["current"], goal_summary["entries"]) == (streak(2, "2026-11-02", "2026-11-03", "active"), 2)
    days = client.get("/api/v1/summary/heatmap", params=heatmap).json()["days"]
    assert days == [{"date": "2026-11-02", "count": 1}, {"date": "2026-11-03", "count": 1}]
    assert client.delete(f"/api/v1/entries/{entry['id']}").status_code == 204
    (goal_summary,) = summary(client, as_of="2026-11-03")["goals"]
    assert (goal_summary["current"], goal_summary["entries"]) == (streak(1, "2026-11-02", "2026-11-02", "at_risk"), 1)
