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
    PeriodPublic,
    StreakPublic,
    StreakRulePublic,
    SummaryPublic,
)
from app.summary.momentum import momentum
from app.summary.paused_days import PausedDays
from app.summary.streaks import (
    Cadence,
    CurrentPeriod,
    SeriesDays,
    Streak,
    StreakPeriod,
    StreakRule,
    Streaks,
    WeekStart,
    compute_streaks,
)

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


# One live pause: its first and last local dates and its goal (None: the whole log and every goal).
PauseSpan = tuple[date, date, uuid.UUID | None]


def paused_days_of(pauses: Sequence[PauseSpan], goal_id: uuid.UUID | None) -> PausedDays:
    """The days pauses cover for one series: the whole log's pauses, and ``goal_id``'s own (None: the log)."""
    return PausedDays.from_ranges(
        (start, end) for start, end, paused_goal in pauses if paused_goal is None or paused_goal == goal_id
    )


@dataclass
class SummaryCounts:
    """Live entries with ``local_date`` ≤ ``as_of``: per day, per goal and day (days as ordinals,
    ``date.toordinal()``), per kind and per wall-clock hour."""

    per_day: dict[int, int] = field(default_factory=dict)
    per_goal_day: dict[uuid.UUID, dict[int, int]] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)


def streak_public(streak: Streak) -> StreakPublic:
    return StreakPublic(
        length=streak.length,
        start=streak.start,
        end=streak.end,
        status=streak.status,
        grace_used=streak.grace_used,
        paused_days=streak.paused_days,
    )


def period_public(period: CurrentPeriod) -> PeriodPublic:
    return PeriodPublic(start=period.start, end=period.end, count=period.count, required=period.required)


def series_streaks(
    counts: Mapping[int, int], rule: StreakRule, as_of: date, paused: PausedDays
) -> tuple[Streaks, float, int]:
    """Streaks, momentum and entries up to ``as_of`` of one series (entries per day ordinal), over its days
    prepared once for every rule."""
    days = SeriesDays.from_ordinals(counts, as_of, paused)
    streaks = compute_streaks(days, rule, as_of)
    return streaks, momentum(days, cadence=rule.cadence, target=rule.target, as_of=as_of), sum(days.counts)


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
    pauses: Sequence[PauseSpan] = (),
) -> SummaryPublic:
    """The summary of ``counts`` as of ``as_of`` under the user's ``settings``, with ``goals`` in their order
    and the days ``pauses`` cover paused (SPEC §6)."""
    last = as_of.toordinal()
    per_day = {day: count for day, count in counts.per_day.items() if day <= last and count > 0}
    overall_streaks, overall_momentum, _ = series_streaks(
        per_day, overall_rule(settings), as_of, paused_days_of(pauses, None)
    )
    by_weekday = [0] * 7
    for day, count in per_day.items():
        by_weekday[(day - 1) % 7] += count  # day ordinal 1 (1 January of year 1) is a Monday
    overall = OverallSummary(
        current=streak_public(overall_streaks.current),
        longest=streak_public(overall_streaks.longest),
        best=[streak_public(streak) for streak in overall_streaks.best],
        momentum=overall_momentum,
        entries=sum(per_day.values()),
        active_days=len(per_day),
        last_7_days=_entries_within(per_day, last, 7),
        last_30_days=_entries_within(per_day, last, 30),
    )
    goal_summaries = [
        _goal_summary(goal, counts.per_goal_day.get(goal.goal_id, {}), settings, as_of, pauses) for goal in goals
    ]
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


def _goal_summary(
    goal: GoalRule,
    goal_days: Mapping[int, int],
    settings: SummarySettings,
    as_of: date,
    pauses: Sequence[PauseSpan],
) -> GoalSummary:
    rule = goal_rule(goal, settings)
    streaks, goal_momentum, entries = series_streaks(goal_days, rule, as_of, paused_days_of(pauses, goal.goal_id))
    return GoalSummary(
        goal_id=goal.goal_id,
        title=goal.title,
        cadence=goal.cadence,
        target=goal.target,
        current=streak_public(streaks.current),
        longest=streak_public(streaks.longest),
        best=[streak_public(streak) for streak in streaks.best],
        momentum=goal_momentum,
        entries=entries,
        period=period_public(streaks.period),
    )


def _entries_within(per_day: Mapping[int, int], last: int, days: int) -> int:
    """Entries on the ``days`` days ending on the day ordinal ``last``."""
    return sum(count for day, count in per_day.items() if last - days < day <= last)


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


def explanation(
    rule: StreakRule, settings: SummarySettings, streak: Streak, as_of: date, *, period: CurrentPeriod | None = None
) -> list[str]:
    """The rule and the current streak in plain words, with the numbers that were used; ``period`` is the
    current day or week, named when a pause covers it."""
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
    lines += _pause_lines(rule, streak, period)
    unit = ("day", "days") if rule.cadence == "daily" else ("week", "weeks")
    length = _plural(streak.length, *unit)
    if streak.status == "active":
        lines.append(f"As of {as_of.isoformat()} the streak is {length}, from {streak.start} to {streak.end}.")
    elif streak.status == "at_risk":
        now = "today" if rule.cadence == "daily" else "this week"
        lines.append(
            f"As of {as_of.isoformat()} the streak of {length} ({streak.start} to {streak.end}) "
            f"is at risk: it goes on if {now} counts."
        )
    else:
        lines.append(f"As of {as_of.isoformat()} there is no current streak.")
    return lines


def _pause_lines(rule: StreakRule, streak: Streak, period: CurrentPeriod | None) -> list[str]:
    lines = []
    if streak.paused_days:
        lines.append(
            f"Paused days in this streak: {streak.paused_days} (a pause covered them and they had no entry); "
            "they neither count nor break it."
        )
    if period is not None and rule.cadence == "weekly" and 0 < period.required < rule.target:
        lines.append(f"Pauses this week lower its requirement to {_plural(period.required, 'entry', 'entries')}.")
    if period is not None and period.required == 0:
        lines.append(f"{'Today' if rule.cadence == 'daily' else 'This week'} is paused: it cannot break the streak.")
    return lines


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
