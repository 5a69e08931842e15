"""Momentum of SPEC §6: Loop Habit Tracker's habit strength over entries per day.

A pure function: no clock, no database; ``as_of`` is an argument. One pass over the days
from the first entry to ``as_of`` with a sliding window, so O(days), not O(days·entries).
"""

from __future__ import annotations

import math
from datetime import date

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
    first = min(per_day)
    days = (as_of - first).days + 1
    entries = [0] * days
    for day, count in per_day.items():
        entries[(day - first).days] = count

    period_days = 1 if cadence == "daily" else 7
    m = decay(cadence, target)
    gain = 1 - m
    score = 0.0
    in_window = 0
    for index, count in enumerate(entries):
        in_window += count
        if index >= period_days:
            in_window -= entries[index - period_days]
        completion = min(1.0, in_window / target)
        score = score * m + completion * gain
    return min(1.0, max(0.0, round(score, 4)))
