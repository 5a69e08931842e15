"""A deliberately naive reference of SPEC §6, written independently of ``app.summary``.

It walks every day, counts every entry again and converts every instant with zoneinfo, so
it is slow and obviously right; the property tests compare the real thing against it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.summary.streaks import NO_STREAK, Streak, StreakRule


def naive_period_start(day: date, rule: StreakRule) -> date:
    if rule.cadence == "daily":
        return day
    # date(1, 1, 1) is a Monday with ordinal 1; Sunday weeks start one ordinal earlier.
    if rule.week_start == "monday":
        return date.fromordinal((day.toordinal() - 1) // 7 * 7 + 1)
    return date.fromordinal(day.toordinal() // 7 * 7)


def naive_streaks(
    entry_days: list[date], rule: StreakRule, as_of: date
) -> tuple[list[tuple[date, date, int, int]], Streak, Streak]:
    """Walk every period from the first entry to as_of, one at a time."""
    kept = [day for day in entry_days if day <= as_of]
    step = 1 if rule.cadence == "daily" else 7
    today = naive_period_start(as_of, rule)
    runs: list[tuple[date, date, int, int]] = []  # start, end, length, grace_used
    if kept:
        period = naive_period_start(min(kept), rule)
        unmet_since_met = 0
        allowed_gap = rule.grace_days if rule.cadence == "daily" else 0
        while period <= today:
            count = sum(1 for day in kept if naive_period_start(day, rule) == period)
            if count >= rule.target:
                if runs and unmet_since_met <= allowed_gap:
                    start, _, length, grace = runs[-1]
                    runs[-1] = (
                        start,
                        period,
                        length + unmet_since_met + 1,
                        grace + unmet_since_met,
                    )
                else:
                    runs.append((period, period, 1, 0))
                unmet_since_met = 0
            else:
                unmet_since_met += 1
            period += timedelta(days=step)

    current = NO_STREAK
    if runs:
        start, end, length, grace = runs[-1]
        periods_since = (today - end).days // step
        reach = rule.grace_days + 1 if rule.cadence == "daily" else 1
        if periods_since == 0:
            current = Streak(length, start, end, "active", grace)
        elif periods_since <= reach:
            current = Streak(length, start, end, "at_risk", grace)

    longest = NO_STREAK
    for index, (start, end, length, grace) in enumerate(runs):
        if length >= longest.length:
            is_current = index == len(runs) - 1 and current.status != "none"
            status = current.status if is_current else "ended"
            longest = Streak(length, start, end, status, grace)
    return runs, current, longest


def naive_momentum(entry_days: list[date], cadence: str, target: int, as_of: date) -> float:
    """SPEC §6 word for word: every day, count every entry in the window again."""
    kept = [day for day in entry_days if day <= as_of]
    if not kept:
        return 0.0
    p = 1 if cadence == "daily" else 7
    m = 0.5 ** (math.sqrt(target / p) / 13)
    score = 0.0
    day = min(kept)
    while day <= as_of:
        in_window = sum(1 for entry in kept if day - timedelta(days=p) < entry <= day)
        c = min(1.0, in_window / target)
        score = score * m + c * (1 - m)
        day += timedelta(days=1)
    return round(score, 4)


@dataclass(frozen=True)
class NaiveEntry:
    occurred_at: datetime
    timezone: str
    local_date: date
    kind: str
    goal_indexes: frozenset[int]
    deleted: bool


@dataclass(frozen=True)
class NaiveGoal:
    title: str
    cadence: str
    target: int
    status: str
    deleted: bool


def naive_streak_json(streak: Streak) -> dict[str, Any]:
    return {
        "length": streak.length,
        "start": streak.start.isoformat() if streak.start else None,
        "end": streak.end.isoformat() if streak.end else None,
        "status": streak.status,
        "grace_used": streak.grace_used,
    }


def naive_summary(
    *,
    timezone: str,
    week_start: str,
    grace_days: int,
    goals: list[NaiveGoal],
    goal_ids: list[str],
    entries: list[NaiveEntry],
    as_of: date,
) -> dict[str, Any]:
    """The whole ``GET /summary`` body, entry by entry and day by day."""
    live = [entry for entry in entries if not entry.deleted and entry.local_date <= as_of]
    days = [entry.local_date for entry in live]
    overall_rule = StreakRule("daily", 1, grace_days, week_start)  # type: ignore[arg-type]
    _, current, longest = naive_streaks(days, overall_rule, as_of)
    kinds = [
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
    goal_bodies = []
    for index, goal in enumerate(goals):
        if goal.status != "active" or goal.deleted:
            continue
        goal_days = [entry.local_date for entry in live if index in entry.goal_indexes]
        rule = StreakRule(goal.cadence, goal.target, grace_days, week_start)  # type: ignore[arg-type]
        _, goal_current, goal_longest = naive_streaks(goal_days, rule, as_of)
        goal_bodies.append(
            {
                "goal_id": goal_ids[index],
                "title": goal.title,
                "cadence": goal.cadence,
                "target": goal.target,
                "current": naive_streak_json(goal_current),
                "longest": naive_streak_json(goal_longest),
                "momentum": naive_momentum(goal_days, goal.cadence, goal.target, as_of),
                "entries": len(goal_days),
            }
        )
    return {
        "as_of": as_of.isoformat(),
        "timezone": timezone,
        "grace_days": grace_days,
        "overall": {
            "current": naive_streak_json(current),
            "longest": naive_streak_json(longest),
            "momentum": naive_momentum(days, "daily", 1, as_of),
            "entries": len(live),
            "active_days": len(set(days)),
            "last_7_days": sum(1 for day in days if (as_of - day).days < 7),
            "last_30_days": sum(1 for day in days if (as_of - day).days < 30),
        },
        "goals": goal_bodies,
        "by_kind": {kind: sum(1 for entry in live if entry.kind == kind) for kind in kinds},
        "by_weekday": [sum(1 for day in days if day.weekday() == weekday) for weekday in range(7)],
        "by_hour": [
            sum(1 for entry in live if entry.occurred_at.astimezone(ZoneInfo(entry.timezone)).hour == hour)
            for hour in range(24)
        ],
    }
