"""The summary's assembly from counts, and the explanation of a streak in words."""

from __future__ import annotations

import uuid
from datetime import date

from app.summary.report import GoalRule, SummaryCounts, SummarySettings, build_summary, explanation, goal_rule
from app.summary.streaks import NO_STREAK, Streak, StreakRule

AS_OF = date(2026, 11, 25)
SETTINGS = SummarySettings(timezone="Europe/Berlin", day_start_hour=4, week_start="monday", grace_days=1)


def test_build_summary_counts_only_days_up_to_as_of_and_lists_every_kind() -> None:
    goal = GoalRule(uuid.uuid4(), "Write", "daily", 1)
    counts = SummaryCounts(
        per_day={date(2026, 11, 24).toordinal(): 2, date(2026, 11, 26).toordinal(): 5},
        per_goal_day={goal.goal_id: {date(2026, 11, 24).toordinal(): 1, date(2026, 11, 26).toordinal(): 1}},
        by_kind={"dream": 2},
    )
    summary = build_summary(counts=counts, goals=[goal], settings=SETTINGS, as_of=AS_OF)
    assert summary.overall.entries == 2
    assert summary.overall.current.status == "at_risk"
    assert summary.by_weekday == [0, 2, 0, 0, 0, 0, 0]
    assert len(summary.by_kind) == 10 and summary.by_kind["dream"] == 2 and summary.by_kind["other"] == 0
    assert summary.goals[0].entries == 1


def test_explanation_names_the_numbers_and_the_status() -> None:
    daily = goal_rule(GoalRule(uuid.uuid4(), "Write", "daily", 2), SETTINGS)
    active = Streak(3, date(2026, 11, 23), AS_OF, "active", 0)
    lines = explanation(daily, SETTINGS, active, AS_OF)
    assert "04:00" in lines[0] and "Europe/Berlin" in lines[0]
    assert "at least 2 entries" in lines[1]
    assert "1 day without enough entries" in lines[2]
    assert lines[-1] == "As of 2026-11-25 the streak is 3 days, from 2026-11-23 to 2026-11-25."
    assert explanation(daily, SETTINGS, NO_STREAK, AS_OF)[-1] == "As of 2026-11-25 there is no current streak."


def test_explanation_of_a_weekly_rule_says_grace_does_not_apply() -> None:
    weekly = StreakRule("weekly", 1, 1, "sunday")
    at_risk = Streak(2, date(2026, 11, 8), date(2026, 11, 15), "at_risk", 0)
    sunday = SummarySettings(timezone="UTC", day_start_hour=0, week_start="sunday", grace_days=1)
    lines = explanation(weekly, sunday, at_risk, AS_OF)
    assert "beginning on Sunday" in lines[1] and "at least 1 entry;" in lines[1]
    assert "not weeks" in lines[2]
    assert "at risk: it goes on if this week counts" in lines[-1]
