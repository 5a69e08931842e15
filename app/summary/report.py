"""Turning aggregate counts into the summary of SPEC §6: pure, no clock and no database."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.entries.models import KINDS
from app.summary.models import (
    ExplainPeriod,
    GoalSummary,
    OverallSummary,
    StreakPublic,
    StreakRulePublic,
    SummaryPublic,
)
from app.summary.momentum import momentum
from app.summary.streaks import Cadence, Streak, StreakPeriod, StreakRule, WeekStart, compute_streaks

OVERALL_TARGET = 1


@dataclass(frozen=True)
class SummarySettings:
    """The user's settings that shape the summary, read afresh on every request."""

    timezone: str
    day_start_hour: int
    week_start: WeekStart
    grace_days: int


@dataclass(frozen=True)
class GoalRule:
    goal_id: uuid.UUID
    title: str
    cadence: Cadence
    target: int


@dataclass
class SummaryCounts:
    """Live entries with ``local_date`` ≤ ``as_of``: per day, per goal and day, per kind and per wall-clock hour."""

    per_day: dict[date, int] = field(default_factory=dict)
    per_goal_day: dict[uuid.UUID, dict[date, int]] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)


def streak_public(streak: Streak) -> StreakPublic:
    return StreakPublic(
        length=streak.length,
        start=streak.start,
        end=streak.end,
        status=streak.status,
        grace_used=streak.grace_used,
    )


def overall_rule(settings: SummarySettings) -> StreakRule:
    return StreakRule("daily", OVERALL_TARGET, settings.grace_days, settings.week_start)


def goal_rule(goal: GoalRule, settings: SummarySettings) -> StreakRule:
    return StreakRule(goal.cadence, goal.target, settings.grace_days, settings.week_start)


def build_summary(
    *,
    counts: SummaryCounts,
    goals: Sequence[GoalRule],
    settings: SummarySettings,
    as_of: date,
) -> SummaryPublic:
    """The summary of ``counts`` as of ``as_of`` under the user's ``settings``, with ``goals`` in their order."""
    per_day = {day: count for day, count in counts.per_day.items() if day <= as_of and count > 0}
    overall_streaks = compute_streaks(per_day, overall_rule(settings), as_of)
    by_weekday = [0] * 7
    for day, count in per_day.items():
        by_weekday[day.weekday()] += count
    overall = OverallSummary(
        current=streak_public(overall_streaks.current),
        longest=streak_public(overall_streaks.longest),
        momentum=momentum(per_day, cadence="daily", target=OVERALL_TARGET, as_of=as_of),
        entries=sum(per_day.values()),
        active_days=len(per_day),
        last_7_days=_entries_within(per_day, as_of, 7),
        last_30_days=_entries_within(per_day, as_of, 30),
    )
    goal_summaries = [_goal_summary(goal, counts.per_goal_day.get(goal.goal_id, {}), settings, as_of) for goal in goals]
    return SummaryPublic(
        as_of=as_of,
        timezone=settings.timezone,
        grace_days=settings.grace_days,
        overall=overall,
        goals=goal_summaries,
        by_kind={kind: counts.by_kind.get(kind, 0) for kind in KINDS},
        by_weekday=by_weekday,
        by_hour=list(counts.by_hour),
    )


def _goal_summary(goal: GoalRule, goal_days: Mapping[date, int], settings: SummarySettings, as_of: date) -> GoalSummary:
    streaks = compute_streaks(goal_days, goal_rule(goal, settings), as_of)
    return GoalSummary(
        goal_id=goal.goal_id,
        title=goal.title,
        cadence=goal.cadence,
        target=goal.target,
        current=streak_public(streaks.current),
        longest=streak_public(streaks.longest),
        momentum=momentum(goal_days, cadence=goal.cadence, target=goal.target, as_of=as_of),
        entries=sum(count for day, count in goal_days.items() if day <= as_of),
    )


def _entries_within(per_day: Mapping[date, int], as_of: date, days: int) -> int:
    first = as_of - timedelta(days=days - 1)
    return sum(count for day, count in per_day.items() if first <= day <= as_of)


def rule_public(rule: StreakRule, settings: SummarySettings, as_of: date) -> StreakRulePublic:
    return StreakRulePublic(
        cadence=rule.cadence,
        target=rule.target,
        grace_days=rule.grace_days,
        timezone=settings.timezone,
        day_start_hour=settings.day_start_hour,
        week_start=settings.week_start,
        as_of=as_of,
    )


def explain_periods(periods: Sequence[StreakPeriod], rule: StreakRule) -> list[ExplainPeriod]:
    span = timedelta(days=rule.period_days - 1)
    return [
        ExplainPeriod(start=period.start, end=period.start + span, count=period.count, state=period.state)
        for period in periods
    ]


def explanation(rule: StreakRule, settings: SummarySettings, streak: Streak, as_of: date) -> list[str]:
    """The rule and the current streak in plain words, with the numbers that were used."""
    entries = _plural(rule.target, "entry", "entries")
    hour = f"{settings.day_start_hour:02d}:00"
    lines = [f"Days begin at {hour} on the clock of {settings.timezone}, as they did when each entry was logged."]
    if rule.cadence == "daily":
        lines.append(f"A day counts when it has at least {entries}.")
        if rule.grace_days:
            lines.append(
                f"Counted days form one streak while at most {_plural(rule.grace_days, 'day', 'days')} "
                "without enough entries lie between them; those days are bridged by grace."
            )
        else:
            lines.append("Counted days form one streak while they follow each other without a gap.")
    else:
        lines.append(
            f"A week, beginning on {settings.week_start.capitalize()}, counts when it has at least {entries}; "
            "counted weeks in a row form one streak."
        )
        if rule.grace_days:
            lines.append("Grace days bridge days, not weeks: a weekly streak needs every week.")
    unit = ("day", "days") if rule.cadence == "daily" else ("week", "weeks")
    length = _plural(streak.length, *unit)
    if streak.status == "active":
        lines.append(f"As of {as_of.isoformat()} the streak is {length}, from {streak.start} to {streak.end}.")
    elif streak.status == "at_risk":
        period = "today" if rule.cadence == "daily" else "this week"
        lines.append(
            f"As of {as_of.isoformat()} the streak of {length} ({streak.start} to {streak.end}) "
            f"is at risk: it goes on if {period} counts."
        )
    else:
        lines.append(f"As of {as_of.isoformat()} there is no current streak.")
    return lines


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
