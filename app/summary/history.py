"""Momentum over time (SPEC §6, ``/summary/history``): the mean daily score per day, week or month.

Pure: no clock, no database. The scores come from ``daily_scores``, so the days before ``first``
cost what their entries cost, and the range itself one step a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from app.summary.momentum import daily_scores
from app.summary.paused_days import NO_PAUSES
from app.summary.streaks import Cadence, DailyCounts, Pauses, WeekStart, daily_counts_until, week_of

Bucket = Literal["day", "week", "month"]
BUCKETS: tuple[Bucket, ...] = ("day", "week", "month")


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One bucket, clipped to the range: mean daily momentum (4 decimals) and its qualifying entries."""

    start: date
    end: date
    momentum: float
    entries: int


def bucket_start(day: date, bucket: Bucket, week_start: WeekStart) -> date:
    """First day of the day, week (beginning on ``week_start``) or calendar month holding ``day``."""
    if bucket == "day":
        return day
    if bucket == "week":
        return week_of(day, week_start)
    return day.replace(day=1)


def momentum_history(
    counts: DailyCounts,
    *,
    cadence: Cadence,
    target: int,
    first: date,
    last: date,
    bucket: Bucket,
    week_start: WeekStart,
    paused: Pauses = NO_PAUSES,
) -> list[HistoryPoint]:
    """Points from ``first`` through ``last`` (inclusive), oldest first; each day's score uses entries up to it.

    Raises ValueError when ``first`` is after ``last``, for an unknown bucket or a target below 1.
    """
    if first > last:
        raise ValueError("first must not be after last")
    if bucket not in BUCKETS:
        raise ValueError(f"unknown bucket {bucket!r}")
    span = (last - first).days + 1
    days = [first + timedelta(days=offset) for offset in range(span)]
    scores = daily_scores(counts, cadence=cadence, target=target, days=days, paused=paused)
    per_day = daily_counts_until(counts, last)
    points: list[HistoryPoint] = []
    start = 0
    current = bucket_start(first, bucket, week_start)
    for index in range(1, span + 1):
        if index < span:
            following = bucket_start(days[index], bucket, week_start)
            if following == current:
                continue
            current = following
        mean = sum(scores[start:index]) / (index - start)
        entries = sum(per_day.get(day, 0) for day in days[start:index])
        points.append(HistoryPoint(days[start], days[index - 1], min(1.0, max(0.0, round(mean, 4))), entries))
        start = index
    return points
