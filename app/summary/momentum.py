"""Momentum of SPEC §6: Loop Habit Tracker's habit strength over entries per day.

A pure function: no clock, no database; ``as_of`` is an argument. One pass over the days
from the first entry to ``as_of`` with a sliding window, so O(days), not O(days·entries).
"""

from __future__ import annotations

import math
from datetime import date
from itertools import pairwise

from app.summary.streaks import Cadence, DailyCounts, daily_counts_until


def decay(cadence: Cadence, target: int) -> float:
    """The daily multiplier m = 0.5^(√f / 13) with f = target / period days."""
    period_days = 1 if cadence == "daily" else 7
    frequency = target / period_days
    return float(0.5 ** (math.sqrt(frequency) / 13))


def momentum(counts: DailyCounts, *, cadence: Cadence, target: int, as_of: date) -> float:
    """Habit strength in 0..1, rounded to 4 decimals; 0 before the first entry's day."""
    if target < 1:
        raise ValueError("target must be at least 1")
    per_day = daily_counts_until(counts, as_of)
    if not per_day:
        return 0.0
    period_days = 1 if cadence == "daily" else 7
    first = min(per_day).toordinal()
    days = as_of.toordinal() - first + 1
    # The window's count changes only where a day with entries enters or leaves it.
    changes: dict[int, int] = {}
    for day, count in per_day.items():
        enters = day.toordinal() - first
        changes[enters] = changes.get(enters, 0) + count
        changes[enters + period_days] = changes.get(enters + period_days, 0) - count
    starts = sorted(index for index in changes if index < days)
    starts.append(days)

    m = decay(cadence, target)
    gain = 1 - m
    score = 0.0
    in_window = 0
    for start, end in pairwise(starts):
        in_window += changes[start]
        if in_window == 0:
            for _ in range(end - start):
                score = score * m
            continue
        # Computed once per stretch; the same value the per-day formula gives every day of it.
        step = min(1.0, in_window / target) * gain
        for _ in range(end - start):
            score = score * m + step
    return min(1.0, max(0.0, round(score, 4)))
