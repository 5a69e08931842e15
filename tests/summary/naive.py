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

Pause = tuple[date, date]  # start and end, both inclusive

WEEK = 7


def naive_period_start(day: date, rule: StreakRule) -> date:
    if rule.cadence == "daily":
        return day
    # date(1, 1, 1) is a Monday with ordinal 1; Sunday weeks start one ordinal earlier.
    if rule.week_start == "monday":
        return date.fromordinal((day.toordinal() - 1) // 7 * 7 + 1)
    return date.fromordinal(day.toordinal() // 7 * 7)


def naive_is_paused(day: date, kept: list[date], pauses: list[Pause]) -> bool:
    """SPEC §6: a pause covers the day and the day has no qualifying entry."""
    return any(start <= day <= end for start, end in pauses) and day not in kept


def naive_period_days(period: date, rule: StreakRule) -> list[date]:
    step = 1 if rule.cadence == "daily" else WEEK
    return [period + timedelta(days=offset) for offset in range(step)]


NaiveRun = tuple[date, date, int, int, int]  # start, end, length, grace_used, paused_days


def naive_period_states(
    kept: list[date], rule: StreakRule, pauses: list[Pause], first: date, today: date
) -> list[tuple[date, str, int, int]]:
    """(period, met | paused | unmet, count, paused days) for every period from ``first`` through ``today``."""
    step = 1 if rule.cadence == "daily" else WEEK
    states = []
    period = first
    while period <= today:
        days = naive_period_days(period, rule)
        count = sum(1 for day in kept if day in days)
        paused = sum(1 for day in days if naive_is_paused(day, kept, pauses))
        required = math.ceil(rule.target * (len(days) - paused) / len(days))
        if paused == len(days):
            state = "paused"
        elif count >= required:
            state = "met"
        else:
            state = "unmet"
        states.append((period, state, count, paused))
        period += timedelta(days=step)
    return states


def naive_streaks(
    entry_days: list[date], rule: StreakRule, as_of: date, pauses: list[Pause] | None = None
) -> tuple[list[NaiveRun], Streak, Streak, list[Streak], tuple[date, date, int, int]]:
    """Walk every period from the first entry to as_of, one at a time: runs, current, longest, best, period."""
    pauses = pauses or []
    kept = [day for day in entry_days if day <= as_of]
    step = 1 if rule.cadence == "daily" else WEEK
    today = naive_period_start(as_of, rule)
    runs: list[NaiveRun] = []
    if kept:
        unmet_since_met = paused_since_met = 0
        allowed_gap = rule.grace_days if rule.cadence == "daily" else 0
        for period, state, _, paused in naive_period_states(
            kept, rule, pauses, naive_period_start(min(kept), rule), today
        ):
            if state == "met":
                if runs and unmet_since_met <= allowed_gap:
                    start, end, length, grace, paused_days = runs[-1]
                    runs[-1] = (
                        start,
                        period,
                        length + (period - end).days // step,
                        grace + unmet_since_met,
                        paused_days + paused_since_met + paused,
                    )
                else:
                    runs.append((period, period, 1, 0, paused))
                unmet_since_met = paused_since_met = 0
            elif state == "paused":
                paused_since_met += paused
            else:
                unmet_since_met += 1
                paused_since_met += paused

    current = NO_STREAK
    if runs:
        start, end, length, grace, paused_days = runs[-1]
        gap = 0
        period = end + timedelta(days=step)
        while period <= today:
            days = naive_period_days(period, rule)
            if not all(naive_is_paused(day, kept, pauses) for day in days):
                gap += 1
            period += timedelta(days=step)
        today_skipped = all(naive_is_paused(day, kept, pauses) for day in naive_period_days(today, rule))
        # Daily: within grace of today; weekly: this week is the one unskipped week since the run.
        reach = rule.grace_days + 1 if rule.cadence == "daily" else 1
        continues_today = 1 <= gap <= reach and (rule.cadence == "daily" or not today_skipped)
        if gap == 0:
            current = Streak(length, start, end, "active", grace, paused_days)
        elif continues_today:
            current = Streak(length, start, end, "at_risk", grace, paused_days)

    ranked: list[Streak] = []
    for index, (start, end, length, grace, paused_days) in enumerate(runs):
        is_current = index == len(runs) - 1 and current.status != "none"
        ranked.append(Streak(length, start, end, current.status if is_current else "ended", grace, paused_days))
    # Longest first; among equal lengths the latest first.
    ranked.reverse()
    ranked.sort(key=lambda streak: streak.length, reverse=True)
    best = ranked[:5]
    longest = best[0] if best else NO_STREAK

    days = naive_period_days(today, rule)
    paused_now = sum(1 for day in days if naive_is_paused(day, kept, pauses))
    period_count = sum(1 for day in kept if day in days)
    required = math.ceil(rule.target * (len(days) - paused_now) / len(days))
    return runs, current, longest, best, (today, days[-1], period_count, required)


def naive_score_days(
    entry_days: list[date], cadence: str, target: int, last: date, pauses: list[Pause] | None = None
) -> dict[date, float]:
    """SPEC §6 word for word, each day's score from the first entry's day through ``last``."""
    pauses = pauses or []
    kept = [day for day in entry_days if day <= last]
    if not kept:
        return {}
    p = 1 if cadence == "daily" else WEEK
    m = 0.5 ** (math.sqrt(min(target, p) / p) / 13)
    window, needed = (1, target) if cadence == "daily" else (14, 2 * target)
    scores: dict[date, float] = {}
    score = 0.0
    first = min(kept)
    day = first
    while day <= last:
        if not naive_is_paused(day, kept, pauses):
            in_window = 0
            seen = 0
            back = day
            while seen < window and back >= first:
                if not naive_is_paused(back, kept, pauses):
                    in_window += sum(1 for entry in kept if entry == back)
                    seen += 1
                back -= timedelta(days=1)
            c = min(1.0, in_window / needed)
            score = score * m + c * (1 - m)
        scores[day] = score
        day += timedelta(days=1)
    return scores


def naive_momentum(
    entry_days: list[date], cadence: str, target: int, as_of: date, pauses: list[Pause] | None = None
) -> float:
    """The unrounded score on ``as_of``; 0 before the first entry."""
    return naive_score_days(entry_days, cadence, target, as_of, pauses).get(as_of, 0.0)


def naive_history(
    entry_days: list[date],
    cadence: str,
    target: int,
    first: date,
    last: date,
    bucket: str,
    week_start: str,
    pauses: list[Pause] | None = None,
) -> list[tuple[date, date, float, int]]:
    """(start, end, mean score, entries) per bucket, clipped to first..last."""
    scores = naive_score_days(entry_days, cadence, target, last, pauses)
    groups: dict[date, list[date]] = {}
    day = first
    while day <= last:
        if bucket == "day":
            key = day
        elif bucket == "week":
            key = naive_period_start(day, StreakRule("weekly", 1, 0, week_start))  # type: ignore[arg-type]
        else:
            key = date(day.year, day.month, 1)
        groups.setdefault(key, []).append(day)
        day += timedelta(days=1)
    return [
        (
            days[0],
            days[-1],
            sum(scores.get(day, 0.0) for day in days) / len(days),
            sum(1 for entry in entry_days if entry in days),
        )
        for days in groups.values()
    ]


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
        "paused_days": streak.paused_days,
    }


def naive_period_json(period: tuple[date, date, int, int]) -> dict[str, Any]:
    start, end, count, required = period
    return {"start": start.isoformat(), "end": end.isoformat(), "count": count, "required": required}


def naive_summary(
    *,
    timezone: str,
    week_start: str,
    grace_days: int,
    goals: list[NaiveGoal],
    goal_ids: list[str],
    entries: list[NaiveEntry],
    as_of: date,
    pauses: list[tuple[date, date, int | None]] | None = None,
) -> dict[str, Any]:
    """The whole ``GET /summary`` body, entry by entry and day by day; ``pauses`` name a goal by index."""
    live = [entry for entry in entries if not entry.deleted and entry.local_date <= as_of]
    days = [entry.local_date for entry in live]
    overall_rule = StreakRule("daily", 1, grace_days, week_start)  # type: ignore[arg-type]
    of_all = [(start, end) for start, end, goal in pauses or [] if goal is None]
    _, current, longest, best, _ = naive_streaks(days, overall_rule, as_of, of_all)
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
        of_goal = [*of_all, *((start, end) for start, end, paused in pauses or [] if paused == index)]
        _, goal_current, goal_longest, goal_best, period = naive_streaks(goal_days, rule, as_of, of_goal)
        goal_bodies.append(
            {
                "goal_id": goal_ids[index],
                "title": goal.title,
                "cadence": goal.cadence,
                "target": goal.target,
                "current": naive_streak_json(goal_current),
                "longest": naive_streak_json(goal_longest),
                "best": [naive_streak_json(streak) for streak in goal_best],
                "momentum": round(naive_momentum(goal_days, goal.cadence, goal.target, as_of, of_goal), 4),
                "entries": len(goal_days),
                "period": naive_period_json(period),
            }
        )
    return {
        "as_of": as_of.isoformat(),
        "timezone": timezone,
        "grace_days": grace_days,
        "overall": {
            "current": naive_streak_json(current),
            "longest": naive_streak_json(longest),
            "best": [naive_streak_json(streak) for streak in best],
            "momentum": round(naive_momentum(days, "daily", 1, as_of, of_all), 4),
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
