"""The answers of SPEC §6 for one golden case, worked out by the Python rules of ``app/summary``.

The shapes are those of ``GET /summary``, ``/summary/heatmap`` and ``/summary/history`` in
SPEC §6 (``best``, ``period`` and ``paused_days`` included), as JSON: dates as ISO strings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from app.summary.history import Bucket, momentum_history
from app.summary.momentum import momentum
from app.summary.paused_days import PausedDays
from app.summary.streaks import Streak, StreakRule, Streaks, compute_streaks

HEATMAP_DAYS = 365
HISTORY_DAYS = 56
HISTORY_BUCKET: Bucket = "week"


def streak_json(streak: Streak) -> dict[str, Any]:
    """``{length, start, end, status, grace_used, paused_days}``; dates ISO or null."""
    return {
        "length": streak.length,
        "start": streak.start.isoformat() if streak.start else None,
        "end": streak.end.isoformat() if streak.end else None,
        "status": streak.status,
        "grace_used": streak.grace_used,
        "paused_days": streak.paused_days,
    }


def _streaks_json(streaks: Streaks) -> dict[str, Any]:
    return {
        "current": streak_json(streaks.current),
        "longest": streak_json(streaks.longest),
        "best": [streak_json(streak) for streak in streaks.best],
    }


def _day_counts(entries: Sequence[Mapping[str, Any]], goal_id: str | None) -> dict[date, int]:
    counts: dict[date, int] = {}
    for entry in entries:
        if goal_id is None or goal_id in entry["goal_ids"]:
            day = date.fromisoformat(entry["local_date"])
            counts[day] = counts.get(day, 0) + 1
    return counts


def _paused(pauses: Sequence[Mapping[str, Any]], goal_id: str | None) -> PausedDays:
    """Days the live pauses of a series cover: those for every series, and the goal's own."""
    return PausedDays.from_ranges(
        (date.fromisoformat(pause["start_date"]), date.fromisoformat(pause["end_date"]))
        for pause in pauses
        if pause["goal_id"] is None or pause["goal_id"] == goal_id
    )


def _within(counts: Mapping[date, int], as_of: date, days: int) -> int:
    first = as_of - timedelta(days=days - 1)
    return sum(n for day, n in counts.items() if first <= day <= as_of)


def _overall(case: Mapping[str, Any], as_of: date) -> dict[str, Any]:
    counts = {day: n for day, n in _day_counts(case["entries"], None).items() if day <= as_of}
    paused = _paused(case["pauses"], None)
    rule = StreakRule("daily", 1, case["settings"]["grace_days"], case["settings"]["week_start"])
    return {
        **_streaks_json(compute_streaks(counts, rule, as_of, paused=paused)),
        "momentum": momentum(counts, cadence="daily", target=1, as_of=as_of, paused=paused),
        "entries": sum(counts.values()),
        "active_days": len(counts),
        "last_7_days": _within(counts, as_of, 7),
        "last_30_days": _within(counts, as_of, 30),
    }


def _goal(case: Mapping[str, Any], goal: Mapping[str, Any], as_of: date) -> dict[str, Any]:
    counts = {day: n for day, n in _day_counts(case["entries"], goal["id"]).items() if day <= as_of}
    paused = _paused(case["pauses"], goal["id"])
    rule = StreakRule(goal["cadence"], goal["target"], case["settings"]["grace_days"], case["settings"]["week_start"])
    streaks = compute_streaks(counts, rule, as_of, paused=paused)
    period = streaks.period
    return {
        "goal_id": goal["id"],
        "title": goal["title"],
        "cadence": goal["cadence"],
        "target": goal["target"],
        **_streaks_json(streaks),
        "momentum": momentum(counts, cadence=goal["cadence"], target=goal["target"], as_of=as_of, paused=paused),
        "entries": sum(counts.values()),
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "count": period.count,
            "required": period.required,
        },
    }


def _by_weekday(entries: Sequence[Mapping[str, Any]], as_of: date) -> list[int]:
    weekdays = [0] * 7
    for day, n in _day_counts(entries, None).items():
        if day <= as_of:
            weekdays[day.weekday()] += n
    return weekdays


def heatmap(case: Mapping[str, Any], as_of: date) -> dict[str, Any]:
    """Entries per day over the 365 days ending ``as_of``: ``{from, to, max, total, days}``."""
    first = as_of - timedelta(days=HEATMAP_DAYS - 1)
    counts = sorted((day, n) for day, n in _day_counts(case["entries"], None).items() if first <= day <= as_of)
    return {
        "from": first.isoformat(),
        "to": as_of.isoformat(),
        "max": max((n for _, n in counts), default=0),
        "total": sum(n for _, n in counts),
        "days": [{"date": day.isoformat(), "count": n} for day, n in counts],
    }


def history(case: Mapping[str, Any], goal: Mapping[str, Any] | None, as_of: date) -> dict[str, Any]:
    """Weekly momentum points over the 56 days ending ``as_of``, for the overall log or one goal."""
    goal_id = goal["id"] if goal else None
    first = as_of - timedelta(days=HISTORY_DAYS - 1)
    points = momentum_history(
        _day_counts(case["entries"], goal_id),
        cadence=goal["cadence"] if goal else "daily",
        target=goal["target"] if goal else 1,
        first=first,
        last=as_of,
        bucket=HISTORY_BUCKET,
        week_start=case["settings"]["week_start"],
        paused=_paused(case["pauses"], goal_id),
    )
    return {
        "goal_id": goal_id,
        "bucket": HISTORY_BUCKET,
        "from": first.isoformat(),
        "to": as_of.isoformat(),
        "points": [
            {"start": p.start.isoformat(), "end": p.end.isoformat(), "momentum": p.momentum, "entries": p.entries}
            for p in points
        ],
    }


def expected(case: Mapping[str, Any]) -> dict[str, Any]:
    """``{summary, heatmap, history}`` for the case's inputs, as the server answers them."""
    as_of = date.fromisoformat(case["as_of"])
    settings = case["settings"]
    active = [goal for goal in case["goals"] if goal["status"] == "active"]
    return {
        "summary": {
            "as_of": case["as_of"],
            "timezone": settings["timezone"],
            "grace_days": settings["grace_days"],
            "overall": _overall(case, as_of),
            "goals": [_goal(case, goal, as_of) for goal in active],
            "by_weekday": _by_weekday(case["entries"], as_of),
        },
        "heatmap": heatmap(case, as_of),
        "history": [history(case, None, as_of), *(history(case, goal, as_of) for goal in active)],
    }
